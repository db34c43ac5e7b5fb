"""Named projects rules as a grid: who (role × where the grant lies) × when (the round's stage) × rule.

The round is held by 青云街道 (tree.township). People: its staff; the district's staff above it; the
staff of 白沙街道 and 西城区 (another jurisdiction); the station inside it; a community's staff; a
deputy; a resident; an administrator of the city; a supervisor. More negative cases than positive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from minyi.core.models import Person
from minyi.projects.actions.projects import (
    RecommendationInput,
    do_recommend_project,
)
from minyi.projects.actions.rounds import (
    RoundInput,
    do_create_round,
)
from minyi.projects.fund.actions import do_create_fund
from minyi.projects.models import Project, Round
from minyi.projects.selfbuild.actions import (
    NeedInput,
    SelfBuildInput,
    do_add_need,
    do_create_selfbuild,
    do_record_discussion,
)
from minyi.projects.tests.round_support import round_through
from minyi.projects.tests.test_rounds import actor

pytestmark = pytest.mark.django_db

PEOPLE = {
    "township": ("township_staff", "township"),
    "district": ("district_staff", "district"),
    "other_township": ("township_staff", "other_township"),
    "other_district": ("district_staff", "other_district"),
    "station": ("station_staff", "station"),
    "community": ("community_staff", "community"),
    "deputy": ("deputy", "township"),
    "resident": ("resident", "community"),
    "admin": ("admin", "city"),
    "supervisor": ("supervisor", "district"),
}
STAFF = {"township", "district"}
EVERYONE = set(PEOPLE)
STATES = ["collecting", "screening", "consulting", "shortlisted", "voting", "counted", "published"]

# rule: (who, in which states)
ROUND_RULES: dict[str, tuple[set[str], set[str]]] = {
    "projects.manage_round": (STAFF, set(STATES)),
    "projects.start_screening": (STAFF, {"collecting"}),
    "projects.start_consulting": (STAFF, {"screening"}),
    "projects.cancel_round": (STAFF, {"collecting", "screening", "consulting", "shortlisted"}),
    "projects.recommend_project": (EVERYONE, {"collecting"}),
    "projects.screen_recommendation": (STAFF | {"station", "admin"}, {"screening"}),
    "projects.record_opinion": (STAFF, {"consulting"}),
    "projects.fix_shortlist": (STAFF, {"consulting"}),
    "projects.open_vote": (STAFF, {"shortlisted"}),
    "projects.close_vote": (STAFF, {"voting"}),
    "projects.publish_round": (STAFF, {"counted"}),
    "projects.import_pabulib": (set(), set()),  # a seats round never takes a .pb file
    "projects.export_pabulib": (EVERYONE, {"published"}),
    "projects.vote_in_round": ({"deputy"}, {"voting"}),
}


def expected(rule: str, who: str, state: str) -> bool:
    people, states = ROUND_RULES[rule]
    return who in people and state in states


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)  # no grants cached by an earlier check


@pytest.fixture
def people(tree: Any, make_person: Any) -> dict[str, Person]:
    return {name: make_person(role, getattr(tree, where)) for name, (role, where) in PEOPLE.items()}


def round_at(state: str, tree: Any, people: dict[str, Person]) -> Round:
    round_, _projects = round_through(
        state, tree, staff=people["township"], station=people["station"], deputies=[people["deputy"]]
    )
    return round_


GRID = [(rule, who, state) for rule in ROUND_RULES for who in PEOPLE for state in STATES]


def test_grid_has_more_negative_than_positive_cases() -> None:
    positives = sum(expected(*case) for case in GRID)
    assert 0 < positives < len(GRID) - positives


# One test per stage (the round is built once per test); every mismatch is reported at once.
@pytest.mark.parametrize("state", STATES)
def test_round_rules_grid(tree: Any, people: dict[str, Person], state: str) -> None:
    round_ = Round.objects.select_related("unit", "poll").get(pk=round_at(state, tree, people).pk)
    wrong = [
        (rule, who)
        for rule in ROUND_RULES
        for who, person in people.items()
        if fresh(person).has_perm(rule, round_) is not expected(rule, who, state)
    ]
    assert wrong == []
    anonymous = AnonymousUser()
    assert [r for r in ROUND_RULES if anonymous.has_perm(r, round_)] == (
        ["projects.export_pabulib"] if state == "published" else []
    )


def test_rules_on_a_project_follow_its_round(tree: Any, people: dict[str, Person]) -> None:
    round_ = round_at("consulting", tree, people)
    project = Project.objects.select_related("round__unit").filter(round=round_).first()
    assert project is not None
    assert fresh(people["township"]).has_perm("projects.record_opinion", project)
    assert not fresh(people["other_township"]).has_perm("projects.record_opinion", project)
    assert not fresh(people["station"]).has_perm("projects.record_opinion", project)


def test_create_round_by_unit(tree: Any, people: dict[str, Person]) -> None:
    cases = {
        ("township", "township"): True,
        ("district", "township"): True,
        ("district", "district"): True,
        ("township", "district"): False,  # not above its own township
        ("township", "other_township"): False,  # another jurisdiction
        ("township", "community"): False,  # a round is held by a township or a district
        ("other_district", "township"): False,
        ("admin", "township"): False,  # administrators configure, officials run rounds
        ("station", "township"): False,
        ("resident", "township"): False,
    }
    wrong = [
        case
        for case, allowed in cases.items()
        if fresh(people[case[0]]).has_perm("projects.create_round", getattr(tree, case[1])) is not allowed
    ]
    assert wrong == []
    # Without an object (menus): anywhere.
    assert fresh(people["township"]).has_perm("projects.create_round")
    assert not fresh(people["resident"]).has_perm("projects.create_round")


def test_import_only_into_an_empty_budget_round(tree: Any, people: dict[str, Person]) -> None:
    staff = actor(people["township"])
    budget = do_create_round(
        RoundInput(
            unit=tree.township, year=2026, title="预算", seats=1, selection_rule="greedy", budget="5000"
        ),
        actor=staff,
    )
    assert fresh(people["township"]).has_perm("projects.import_pabulib", budget)
    assert not fresh(people["other_township"]).has_perm("projects.import_pabulib", budget)
    assert not fresh(people["station"]).has_perm("projects.import_pabulib", budget)
    do_recommend_project(
        budget,
        RecommendationInput(title="路灯", description="暗", unit=tree.community, cost="100"),
        actor=actor(people["resident"]),
    )
    assert not fresh(people["township"]).has_perm("projects.import_pabulib", budget)


# ---- self-build and the fund -------------------------------------------------------------------------

SELFBUILD_RULES = [
    "projects.selfbuild_discuss",
    "projects.selfbuild_decide",
    "projects.selfbuild_build",
    "projects.selfbuild_evaluate",
    "projects.selfbuild_maintain",
]


def test_selfbuild_rules_by_stage(tree: Any, people: dict[str, Person], make_person: Any) -> None:
    village = actor(people["community"])
    other_village = make_person("community_staff", tree.other_community)
    round_ = do_create_selfbuild(tree.community, SelfBuildInput("村级设施", 2026, "100000"), actor=village)
    do_add_need(round_, NeedInput("硬化道路", "泥泞", "60000"), actor=village)
    do_add_need(round_, NeedInput("路灯", "太暗", "30000"), actor=village)
    committee = {"community", "admin"}

    def granted(obj: Any) -> set[tuple[str, str]]:
        everyone = {**people, "other_village": other_village}
        return {
            (rule, who)
            for rule in SELFBUILD_RULES
            for who, p in everyone.items()
            if fresh(p).has_perm(rule, obj)
        }

    from minyi.projects.selfbuild.models import SelfBuildRound

    assert granted(SelfBuildRound.objects.get(pk=round_.pk)) == {
        ("projects.selfbuild_discuss", who) for who in committee
    }
    do_record_discussion(round_, record="院坝会", held_on=dt.date(2026, 3, 1), attendance=30, actor=village)
    assert granted(SelfBuildRound.objects.get(pk=round_.pk)) == {
        ("projects.selfbuild_decide", who) for who in committee
    }
    # Creating: the village's own committee, on a village.
    assert fresh(people["community"]).has_perm("projects.create_selfbuild", tree.community)
    assert not fresh(other_village).has_perm("projects.create_selfbuild", tree.community)
    assert not fresh(people["township"]).has_perm("projects.create_selfbuild", tree.community)
    assert not fresh(people["community"]).has_perm("projects.create_selfbuild", tree.township)


FUND_RULES = ["projects.verify_fund_candidate", "projects.screen_fund_item", "projects.decide_fund"]


def test_fund_rules(tree: Any, people: dict[str, Person], make_person: Any) -> None:
    leader = make_person("leader", tree.district)
    fund = do_create_fund(
        tree.district, year=2026, title="专项资金", total="7400000", actor=actor(people["district"])
    )
    everyone = {**people, "leader": leader}
    expected_open = {
        "projects.verify_fund_candidate": {"township", "district"},
        "projects.screen_fund_item": {"district", "admin", "leader"},
        "projects.decide_fund": {"district", "admin", "leader"},
    }
    wrong = [
        (rule, who)
        for rule in FUND_RULES
        for who, p in everyone.items()
        if fresh(p).has_perm(rule, fund) is not (who in expected_open[rule])
    ]
    assert wrong == []
    fund.decided_at = timezone.now()  # as the chair meeting's decision leaves it (not saved)
    assert not any(fresh(p).has_perm(rule, fund) for rule in FUND_RULES for p in everyone.values())
    assert fresh(people["district"]).has_perm("projects.create_fund", tree.district)
    assert not fresh(people["district"]).has_perm("projects.create_fund", tree.township)
    assert not fresh(people["other_district"]).has_perm("projects.create_fund", tree.district)
    assert not fresh(people["township"]).has_perm("projects.create_fund", tree.district)
