"""Deliberation fixtures: 金沙社区居民议事厅 with a term, five members and the community's staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.models import Event, Person
from minyi.deliberation.actions.councils import (
    CouncilInput,
    RecommendationInput,
    do_add_member,
    do_add_term,
    do_create_council,
    do_record_recommendation,
)
from minyi.deliberation.actions.meetings import (
    MeetingInput,
    do_add_to_agenda,
    do_open_meeting,
    do_schedule_meeting,
)
from minyi.deliberation.actions.topics import (
    PlanInput,
    TopicInput,
    do_adopt_plan,
    do_mark_valid,
    do_propose_topic,
)
from minyi.deliberation.models import Council, Meeting, Term, Topic


@pytest.fixture
def council(tree: Any, system: Actor) -> Council:
    unit = do_create_unit(UnitInput(name="金沙社区居民议事厅", kind="council"), tree.community, actor=system)
    return do_create_council(CouncilInput(unit=unit, name="金沙社区居民议事厅"), actor=system)


@pytest.fixture
def term(council: Council, system: Actor) -> Term:
    return do_add_term(
        council, number=1, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2027, 12, 31), actor=system
    )


@pytest.fixture
def staff(tree: Any, make_person: Any) -> Person:
    return make_person("community_staff", tree.community, name="李书记")


def staff_actor(person: Person) -> Actor:
    return Actor(person=person, role="community_staff", unit=None)


def member_actor(person: Person) -> Actor:
    return Actor(person=person, role="council_member")


@pytest.fixture
def members(council: Council, term: Term, make_person: Any, system: Actor) -> list[Person]:
    rec = do_record_recommendation(
        council,
        RecommendationInput(term=term, held_on=dt.date(2025, 1, 1), method="representatives", voters=40),
        actor=system,
    )
    types = ["resident", "party", "deputy", "public_unit", "governance"]
    people = []
    for i, kind in enumerate(types):
        person = make_person(name=f"代表{i}")
        do_add_member(
            council, person, member_type=kind, term=term, recommendation=rec, votes=30 + i, actor=system
        )
        people.append(person)
    return people


@pytest.fixture
def meeting(council: Council, staff: Person) -> Meeting:
    return do_schedule_meeting(
        council, MeetingInput(title="临时会议", starts_at=timezone.now()), actor=staff_actor(staff)
    )


def plan() -> PlanInput:
    return PlanInput(
        feasibility="可行",
        plan="加装护栏",
        budget="12000.50",
        staffing="物业2人",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )


@pytest.fixture
def proposed(council: Council, members: list[Person]) -> Topic:
    return do_propose_topic(
        council,
        TopicInput(title="小区路灯维修", description="3栋路灯坏了", area="environment"),
        actor=member_actor(members[0]),
    )


@pytest.fixture
def resolving(proposed: Topic, staff: Person) -> Topic:
    do_mark_valid(proposed, actor=staff_actor(staff))
    return do_adopt_plan(proposed, plan(), actor=staff_actor(staff))


@pytest.fixture
def open_meeting(meeting: Meeting, resolving: Topic, staff: Person) -> Meeting:
    do_add_to_agenda(meeting, resolving, actor=staff_actor(staff))
    return do_open_meeting(meeting, actor=staff_actor(staff))


def events(obj: Any, action: str | None = None) -> list[Event]:
    qs = Event.objects.filter(chain=f"{obj._meta.label_lower}:{obj.pk}").order_by("seq")
    return list(qs.filter(action=action) if action else qs)
