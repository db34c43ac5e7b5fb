"""Shared test data for the Open311 and import tests: channels, two categories, an API client key."""

from __future__ import annotations

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.voices.models import Category


def make_categories() -> tuple[Category, Category]:
    # Category actions belong to the intake work; until they are here, rows are made directly.
    ensure_default_channels(actor=Actor.system())
    roads = Category.objects.create(
        code="roads",
        name="道路交通",
        group="城市建设",
        description="道路破损、井盖缺失等",
        keywords="道路，井盖,路灯",
        sort_order=1,
    )
    noise = Category.objects.create(code="noise", name="噪声扰民", group="生态环境", sort_order=2)
    return roads, noise
