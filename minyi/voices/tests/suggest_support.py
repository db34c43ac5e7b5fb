"""Fixtures shared by the suggestion and courier tests (data made through actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actions.people import DeputyInput, do_add_deputy_record
from minyi.core.actors import Actor
from minyi.core.models import Person, Unit
from minyi.voices.models import Category


@pytest.fixture(name="channels")
def channels_fixture(db: None, system: Actor) -> None:
    ensure_default_channels(actor=system)


@pytest.fixture(name="category")
def category_fixture(db: None) -> Category:
    # No category action exists on this branch yet (v_intake writes ensure_default_categories).
    return Category.objects.create(code="roads", name="道路交通")


@pytest.fixture(name="make_deputy")
def make_deputy_fixture(make_person: Any, system: Actor) -> Any:
    def make(unit: Unit, body: str = "npc", name: str = "李代表", level: str = "county") -> Person:
        person: Person = make_person(name=name)
        do_add_deputy_record(
            person,
            DeputyInput(body=body, level=level, unit=unit, term_start=dt.date(2021, 1, 1), term="第十八届"),
            actor=system,
        )
        return person

    return make
