"""Ballots fixtures: a council with members and two officials; polls made through actions."""

from __future__ import annotations

from typing import Any

import pytest

from minyi.ballots.actions import OptionInput, PollInput, do_create_poll
from minyi.ballots.models import Poll
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.models import Event, Person, Unit


@pytest.fixture
def council(tree: Any, system: Actor) -> Unit:
    return do_create_unit(UnitInput(name="金沙社区居民议事会", kind="council"), tree.community, actor=system)


@pytest.fixture
def members(council: Unit, make_person: Any) -> list[Person]:
    return [make_person("council_member", council, name=f"代表{i}") for i in range(5)]


@pytest.fixture
def official(tree: Any, make_person: Any) -> Person:
    return make_person("community_staff", tree.community, name="书记")


@pytest.fixture
def official2(tree: Any, make_person: Any) -> Person:
    return make_person("community_staff", tree.community, name="主任")


def as_actor(person: Person, unit: Unit | None = None, role: str = "community_staff") -> Actor:
    return Actor(person=person, role=role, unit=unit)


def voter(person: Person) -> Actor:
    return Actor(person=person, role="council_member")


@pytest.fixture
def make_poll(council: Unit, official: Person):  # type: ignore[no-untyped-def]
    def make(
        method: str = "yes_no",
        secrecy: str = "named",
        rule: dict | None = None,
        options: list[str] | None = None,
        **extra: Any,
    ) -> Poll:
        data = PollInput(
            unit=extra.pop("unit", council),
            title=extra.pop("title", "关于小区加装电梯的议题"),
            method=method,
            secrecy=secrecy,
            rule=rule or {},
            options=[OptionInput(label=o) for o in (options or [])],
            electorate_roles=extra.pop("electorate_roles", ["council_member"]),
            **extra,
        )
        return do_create_poll(data, actor=as_actor(official))

    return make


def events(poll: Poll, action: str | None = None) -> list[Event]:
    qs = Event.objects.filter(chain=f"ballots.poll:{poll.pk}").order_by("seq")
    return list(qs.filter(action=action) if action else qs)
