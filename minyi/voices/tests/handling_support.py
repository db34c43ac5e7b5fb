"""Test data for the handling tests.

Voices are registered the way intake does it (a Voice row and the `voice` process started on its
unit). When the intake actions are merged, `register_voice` should call them instead.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.engine.steps import perform
from minyi.core.models import Channel, Person, ProcessInstance, Unit
from minyi.voices.actions.handling import instance_for
from minyi.voices.actions.intake import start_handling
from minyi.voices.models import Category, Voice

_numbers = itertools.count(1)


@pytest.fixture
def people(tree: Any, make_person: Any) -> dict[str, Person]:
    """A resident and a handler at every level of the test tree (two in its department)."""
    return {
        "resident": make_person(),
        "community": make_person("community_staff", tree.community),
        "township": make_person("township_staff", tree.township),
        "district": make_person("district_staff", tree.district),
        "department": make_person("department_handler", tree.department),
        "other_department": make_person("department_handler", tree.department),
    }


def category() -> Category:
    return Category.objects.get_or_create(code="roads", defaults={"name": "道路交通"})[0]


def register_voice(
    unit: Unit,
    *,
    submitter: Person | None = None,
    title: str = "路灯不亮",
    content: str = "金沙社区3栋门口路灯坏了一个月，电话13812345678",
    wants_public: bool = False,
    channel: str = "web",
    contact_email: str = "",
) -> Voice:
    ensure_default_channels(actor=Actor.system())
    number = next(_numbers)
    voice = Voice.objects.create(
        tracking_code=f"MY-2026-{number:06d}",
        category=category(),
        channel=Channel.objects.get(code=channel),
        unit=unit,
        title=title,
        content=content,
        place="金沙社区3栋2单元",
        submitter=submitter,
        contact_name="李四",
        contact_phone="13812345678",
        contact_email=contact_email,
        wants_public=wants_public,
        created_at=timezone.now(),
    )
    with transaction.atomic():  # as an action would (live-server tests run outside a test transaction)
        start_handling(voice, actor=Actor.system())
    return voice


def step(voice: Voice, name: str, person: Person, reason: str = "", **inputs: object) -> ProcessInstance:
    """Take the `voice` process step `name` as `person` (the path pages and API take)."""
    return perform(instance_for(voice), name, person=person, inputs=inputs, reason=reason)
