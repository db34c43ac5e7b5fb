"""Building a questionnaire: question kinds, groups and weights, lifecycle — bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Event
from minyi.surveys.actions import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_close_survey,
    do_create_survey,
    do_invite,
    do_open_survey,
    do_publish_survey,
)
from minyi.surveys.models import Access, Question, RespondentGroup, Survey
from minyi.surveys.tests.conftest import events, staff_actor


def test_survey_built_with_every_question_kind(make_survey: Any) -> None:
    survey = make_survey()
    kinds = list(Question.objects.filter(survey=survey).values_list("key", "kind"))
    assert kinds == [
        ("q1", "single"),
        ("q2", "multiple"),
        ("q3", "rating5"),
        ("q4", "rating100"),
        ("q5", "matrix"),
        ("q6", "text"),
    ]
    multiple = Question.objects.get(survey=survey, key="q2")
    assert (multiple.min_choices, multiple.max_choices) == (1, 2)
    groups = list(RespondentGroup.objects.filter(survey=survey).values_list("name", "weight", "access"))
    assert [(n, str(w), a) for n, w, a in groups] == [
        ("居民代表", "0.500", "invited"),
        ("人大代表", "0.300", "invited"),
        ("受益群众", "0.200", "open"),
    ]
    tokens = set(RespondentGroup.objects.filter(survey=survey).values_list("token", flat=True))
    assert len(tokens) == 3 and all(len(t) >= 20 for t in tokens)
    actions = [e.action for e in events(survey)]
    assert actions[0] == "surveys.survey.create"
    assert actions.count("surveys.question.add") == 6
    assert actions.count("surveys.group.add") == 3


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"kind": "single", "text": "单选", "options": ["只有一个"]}, "options_too_few"),
        ({"kind": "single", "text": "单选", "options": ["甲", "甲"]}, "option_repeated"),
        ({"kind": "single", "text": "  ", "options": ["甲", "乙"]}, "question_text_required"),
        ({"kind": "vote", "text": "未知"}, "question_kind_unknown"),
        (
            {"kind": "multiple", "text": "多选", "options": ["甲", "乙"], "max_choices": 3},
            "choice_limits_invalid",
        ),
        (
            {
                "kind": "multiple",
                "text": "多选",
                "options": ["甲", "乙", "丙"],
                "min_choices": 3,
                "max_choices": 2,
            },
            "choice_limits_invalid",
        ),
        ({"kind": "rating5", "text": "评分", "options": ["甲", "乙"]}, "options_not_allowed"),
        ({"kind": "rating5", "text": "评分", "max_choices": 2}, "choice_limits_not_allowed"),
        ({"kind": "matrix", "text": "矩阵", "options": ["好", "差"]}, "rows_required"),
        ({"kind": "text", "text": "填空", "max_length": 0}, "max_length_invalid"),
        ({"kind": "text", "text": "填空", "max_length": 100000}, "max_length_invalid"),
        (
            {"kind": "single", "text": "单选", "options": ["甲", "乙"], "satisfied": ["9"]},
            "satisfied_invalid",
        ),
    ],
)
def test_bad_question_refused_nothing_written(make_survey: Any, staff: Any, data: dict, code: str) -> None:
    survey = make_survey()
    before = (Question.objects.count(), Event.objects.count())
    with pytest.raises(ActionError) as err:
        do_add_question(survey, QuestionInput(**data), actor=staff_actor(staff))
    assert err.value.code == code
    assert (Question.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"name": "居民代表", "weight": "0.1"}, "group_repeated"),
        ({"name": "新群体", "weight": "0"}, "weight_invalid"),
        ({"name": "新群体", "weight": "-1"}, "weight_invalid"),
        ({"name": "新群体", "weight": "abc"}, "weight_invalid"),
        ({"name": "新群体", "weight": "NaN"}, "weight_invalid"),
        ({"name": " ", "weight": "1"}, "group_name_required"),
        ({"name": "新群体", "weight": "1", "access": "secret"}, "access_unknown"),
    ],
)
def test_bad_group_refused(make_survey: Any, staff: Any, data: dict, code: str) -> None:
    survey = make_survey()
    before = RespondentGroup.objects.count()
    with pytest.raises(ActionError) as err:
        do_add_group(survey, GroupInput(**data), actor=staff_actor(staff))
    assert err.value.code == code
    assert RespondentGroup.objects.count() == before


def test_respondent_in_two_groups_refused(make_survey: Any, staff: Any, reps: list) -> None:
    survey = make_survey()
    deputies_group = RespondentGroup.objects.get(survey=survey, name="人大代表")
    with pytest.raises(ActionError) as err:
        do_invite(deputies_group, reps[:1], actor=staff_actor(staff))
    assert err.value.code == "respondent_in_two_groups"


def test_lifecycle_one_step_each_refusing_wrong_state(make_survey: Any, staff: Any) -> None:
    survey = make_survey()
    actor = staff_actor(staff)
    for step in (do_close_survey, do_publish_survey):
        with pytest.raises(Conflict) as err:
            step(survey, actor=actor)
        assert err.value.code == "survey_wrong_state"
    survey = do_open_survey(survey, actor=actor)
    assert survey.state == "open" and survey.opened_at is not None
    with pytest.raises(Conflict):
        do_open_survey(survey, actor=actor)
    with pytest.raises(Conflict):  # the questionnaire is fixed once open
        do_add_question(survey, QuestionInput(kind="rating5", text="追加"), actor=actor)
    with pytest.raises(Conflict):
        do_publish_survey(survey, actor=actor)
    survey = do_close_survey(survey, actor=actor)
    assert survey.state == "closed" and survey.responses_count == 0
    survey = do_publish_survey(survey, actor=actor)
    assert survey.state == "published"
    public = [e.action for e in events(survey) if e.public]
    assert public[-3:] == ["surveys.survey.open", "surveys.survey.close", "surveys.survey.publish"]
    assert events(survey, "surveys.survey.publish")[0].data["summary"]["groups"][0]["name"] == "居民代表"


def test_open_needs_questions_groups_and_lists(tree: Any, staff: Any) -> None:
    actor = staff_actor(staff)
    survey = do_create_survey(SurveyInput(unit=tree.community, title="空问卷"), actor=actor)
    with pytest.raises(ActionError) as err:
        do_open_survey(survey, actor=actor)
    assert err.value.code == "questions_required"
    do_add_question(survey, QuestionInput(kind="rating5", text="评分"), actor=actor)
    with pytest.raises(ActionError) as err:
        do_open_survey(survey, actor=actor)
    assert err.value.code == "groups_required"
    do_add_group(survey, GroupInput(name="代表", weight=1, access=Access.INVITED), actor=actor)
    with pytest.raises(ActionError) as err:
        do_open_survey(survey, actor=actor)
    assert err.value.code == "group_list_empty"
    assert Survey.objects.get(pk=survey.pk).state == "draft"


def test_bad_survey_input(tree: Any, staff: Any) -> None:
    with pytest.raises(ActionError) as err:
        do_create_survey(SurveyInput(unit=tree.community, title=" "), actor=staff_actor(staff))
    assert err.value.code == "title_required"
    with pytest.raises(ActionError) as err:
        do_create_survey(
            SurveyInput(unit=tree.community, title="t", anonymity="half"), actor=staff_actor(staff)
        )
    assert err.value.code == "anonymity_unknown"
    assert not Survey.objects.exists()
