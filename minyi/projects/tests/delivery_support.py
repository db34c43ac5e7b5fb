"""Fixtures for the P3/P5/P6 tests (data made through actions)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.projects.delivery.actions import MilestoneInput, do_add_milestone, do_open_delivery
from minyi.projects.delivery.models import Delivery
from minyi.voices.models import Category

TODAY = dt.date(2026, 3, 2)


def png(name: str = "site.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def actor(person: Any) -> Actor:
    return Actor(person=person)


@pytest.fixture(name="voices_setup")
def voices_setup_fixture(db: None, system: Actor) -> Category:
    ensure_default_channels(actor=system)
    # No category action on main; the deployment creates this category (MINYI_DELIVERY_PROBLEM_CATEGORY).
    return Category.objects.create(code="project_supervision", name="项目实施监督")


@pytest.fixture(name="people")
def people_fixture(tree: Any, make_person: Any) -> dict[str, Any]:
    return {
        "township": make_person("township_staff", tree.township, name="镇干部"),
        "village": make_person("community_staff", tree.community, name="村干部"),
        "district": make_person("district_staff", tree.district, name="区选联工委"),
        "deputy": make_person("deputy", tree.township, name="李代表"),
        "rep": make_person("council_member", tree.community, name="王议事"),
        "resident": make_person("resident", tree.community, name="赵居民"),
        "finance": make_person("finance", tree.district, name="财政局"),
        "auditor": make_person("auditor", tree.district, name="审计局"),
        "supervisor": make_person("supervisor", tree.district, name="纪委"),
        "outsider": make_person("township_staff", tree.other_township, name="外镇干部"),
    }


@pytest.fixture(name="delivery")
def delivery_fixture(tree: Any, people: dict[str, Any], system: Actor) -> Delivery:
    d = do_open_delivery(
        tree.township,
        unit=tree.township,
        title="青云街道老旧小区路灯改造",
        budget=Decimal("200000"),
        year=2026,
        actor=system,
    )
    do_add_milestone(
        d,
        MilestoneInput("设计", TODAY, TODAY + dt.timedelta(days=10), weight=1),
        actor=actor(people["township"]),
    )
    do_add_milestone(
        d,
        MilestoneInput("施工", TODAY, TODAY + dt.timedelta(days=40), weight=3),
        actor=actor(people["township"]),
    )
    return d
