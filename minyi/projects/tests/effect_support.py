"""Fixtures for the P4 effect-evaluation tests: an elected project whose delivery is complete (through actions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.projects.actions.projects import (
    RecommendationInput,
    ScreeningInput,
    do_recommend_project,
    do_screen_project,
)
from minyi.projects.actions.rounds import (
    RoundInput,
    do_close_vote,
    do_create_round,
    do_open_vote,
    do_publish_round,
    do_shortlist,
    do_start_consulting,
    do_start_screening,
)
from minyi.projects.delivery.actions import (
    MilestoneInput,
    do_add_milestone,
    do_complete_milestone,
    do_open_project_delivery,
)
from minyi.projects.delivery.models import Delivery
from minyi.projects.models import Project, ProjectStatus


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
    """A one-seat round on the township: every deputy votes for the first project, which is elected."""
    round_ = do_create_round(
        RoundInput(
            unit=tree.township,
            year=2026,
            title=f"2026年青云街道民生实事（{titles[0]}）",
            seats=len(titles) - 1,
        ),
        actor=act(cast.township),
    )
    projects = [
        do_recommend_project(
            round_,
            RecommendationInput(
                title=t,
                description="理由",
                unit=tree.community,
                cost="100000",
                place="金沙社区",
                beneficiaries=800,
            ),
            actor=act(cast.station),
        )
        for t in titles
    ]
    round_ = do_start_screening(round_, actor=act(cast.township))
    for p in projects:
        do_screen_project(p, ScreeningInput(include=True, reason="符合条件"), actor=act(cast.station))
    round_ = do_start_consulting(round_, actor=act(cast.township))
    round_ = do_shortlist(round_, projects, actor=act(cast.township))
    round_ = do_open_vote(round_, actor=act(cast.township), electorate=cast.deputies)
    for deputy in cast.deputies:
        do_cast_ballot(round_.poll, [str(p.pk) for p in projects[:-1]], actor=act(deputy))
    round_ = do_close_vote(round_, actor=act(cast.township))
    do_publish_round(round_, actor=act(cast.township))
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
