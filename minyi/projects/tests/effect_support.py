"""Fixtures for the P4 effect-evaluation tests: an elected project whose delivery is complete (through actions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.projects.delivery.actions import (
    MilestoneInput,
    do_add_milestone,
    do_complete_milestone,
    do_open_project_delivery,
)
from minyi.projects.delivery.models import Delivery
from minyi.projects.models import Project, ProjectStatus
from minyi.projects.tests.round_support import round_through


def act(person: Person) -> Actor:
    return Actor(person=person)


@dataclass
class Cast:
    township: Person  # runs the round and the delivery
    station: Person
    village: Person  # community staff of the project's unit
    outsider: Person  # township staff elsewhere
    resident: Person
    deputies: list[Person]
    reps: list[Person]


@pytest.fixture(name="cast")
def cast_fixture(tree: Any, make_person: Any) -> Cast:
    return Cast(
        township=make_person("township_staff", tree.township, name="镇干部"),
        station=make_person("station_staff", tree.station, name="站长"),
        village=make_person("community_staff", tree.community, name="村干部"),
        outsider=make_person("township_staff", tree.other_township, name="外镇干部"),
        resident=make_person("resident", tree.community, name="赵居民"),
        deputies=[make_person("deputy", tree.township, name=f"代表{i}") for i in range(3)],
        reps=[make_person("council_member", tree.community, name=f"群众代表{i}") for i in range(2)],
    )


def elect(
    tree: Any, cast: Cast, titles: tuple[str, ...] = ("金沙社区路灯改造", "金沙社区健身广场")
) -> list[Project]:
    """A round on the township: every deputy votes for all but the last project, which are elected."""
    round_, _projects = round_through(
        "published",
        tree,
        staff=cast.township,
        station=cast.station,
        deputies=cast.deputies,
        titles=titles,
        seats=len(titles) - 1,
        title=f"2026年青云街道民生实事（{titles[0]}）",
    )
    elected = list(Project.objects.filter(round=round_, status=ProjectStatus.ELECTED).order_by("pk"))
    assert len(elected) == len(titles) - 1
    return elected


def complete(project: Project, cast: Cast, done_on: dt.date) -> Delivery:
    """The project's delivery with two milestones, both finished; the later actual end is `done_on`."""
    delivery = do_open_project_delivery(project, actor=act(cast.township))
    start = done_on - dt.timedelta(days=60)
    design = do_add_milestone(
        delivery, MilestoneInput("设计", start, start + dt.timedelta(days=10)), actor=act(cast.township)
    )
    build = do_add_milestone(
        delivery, MilestoneInput("施工", start, done_on, weight=3), actor=act(cast.township)
    )
    do_complete_milestone(design, actual_end=done_on - dt.timedelta(days=30), actor=act(cast.township))
    do_complete_milestone(build, actual_end=done_on, actor=act(cast.township))
    return delivery


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)
