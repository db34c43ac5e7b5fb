"""Surveys fixtures: staff, respondents and a small survey built through the actions."""

from __future__ import annotations

from typing import Any

import pytest

from minyi.core.actors import Actor
from minyi.core.models import Event, Person
from minyi.surveys.actions import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_add_section,
    do_create_survey,
)
from minyi.surveys.models import Access, Survey


def staff_actor(person: Person) -> Actor:
    return Actor(person=person, role="community_staff")


def respondent(person: Person | None) -> Actor:
    return Actor(person=person, role="respondent")


@pytest.fixture
def staff(tree: Any, make_person: Any) -> Person:
    return make_person("community_staff", tree.community, name="书记")


@pytest.fixture
def reps(tree: Any, make_person: Any) -> list[Person]:
    return [make_person("resident", tree.community, name=f"居民代表{i}") for i in range(3)]


@pytest.fixture
def deputies(tree: Any, make_person: Any) -> list[Person]:
    return [make_person("deputy", tree.station, name=f"人大代表{i}") for i in range(2)]


@pytest.fixture
def make_survey(tree: Any, staff: Person, reps: list[Person], deputies: list[Person]):  # type: ignore[no-untyped-def]
    """A survey with one question of every kind and three weighted groups (two invited, one open)."""

    def make(anonymity: str = "anonymous", open_public: bool = True) -> Survey:
        actor = staff_actor(staff)
        survey = do_create_survey(
            SurveyInput(unit=tree.community, title="老旧小区改造满意度调查", anonymity=anonymity), actor=actor
        )
        first = do_add_section(survey, "基本情况", actor=actor)
        do_add_question(
            survey,
            QuestionInput(
                kind="single", text="您的年龄段", options=["30岁以下", "30–60岁", "60岁以上"], section=first
            ),
            actor=actor,
        )
        do_add_question(
            survey,
            QuestionInput(
                kind="multiple",
                text="您最关心哪些方面",
                options=["停车", "绿化", "照明", "电梯"],
                min_choices=1,
                max_choices=2,
                section=first,
            ),
            actor=actor,
        )
        second = do_add_section(survey, "评价", actor=actor)
        do_add_question(survey, QuestionInput(kind="rating5", text="施工质量", section=second), actor=actor)
        do_add_question(survey, QuestionInput(kind="rating100", text="总体打分", section=second), actor=actor)
        do_add_question(
            survey,
            QuestionInput(
                kind="matrix",
                text="各项满意程度",
                rows=["道路", "排水"],
                options=["满意", "一般", "不满意"],
                section=second,
            ),
            actor=actor,
        )
        do_add_question(
            survey,
            QuestionInput(kind="text", text="其他意见", required=False, max_length=50, section=second),
            actor=actor,
        )
        do_add_group(
            survey,
            GroupInput(name="居民代表", weight="0.5", access=Access.INVITED, invitees=reps),
            actor=actor,
        )
        do_add_group(
            survey,
            GroupInput(name="人大代表", weight="0.3", access=Access.INVITED, invitees=deputies),
            actor=actor,
        )
        if open_public:
            do_add_group(survey, GroupInput(name="受益群众", weight="0.2"), actor=actor)
        return survey

    return make


def good_answers(**override: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "q1": "2",
        "q2": ["1", "3"],
        "q3": 4,
        "q4": 80,
        "q5": {"1": "1", "2": "2"},
        "q6": "楼道灯常坏",
    }
    answers.update(override)
    return {k: v for k, v in answers.items() if v is not None}


def events(survey: Survey, action: str | None = None) -> list[Event]:
    qs = Event.objects.filter(chain=f"surveys.survey:{survey.pk}").order_by("seq")
    return list(qs.filter(action=action) if action else qs)
