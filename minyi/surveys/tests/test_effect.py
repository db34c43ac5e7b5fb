"""P4 effect evaluation: the standard questionnaire for any subject, scheduled opening, the result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import RoleGrant
from minyi.surveys.actions import GroupInput, do_close_survey, do_submit_response, open_due_evaluations
from minyi.surveys.effect import create_effect_evaluation, effect_result, grade_of
from minyi.surveys.models import Access, Question, RespondentGroup, Survey
from minyi.surveys.tasks import open_scheduled_surveys
from minyi.surveys.tests.conftest import events, respondent, staff_actor


@pytest.fixture
def evaluation(tree: Any, staff: Any, reps: list, deputies: list) -> Survey:
    # Any model can be the subject; a community stands in for a project here.
    return create_effect_evaluation(
        tree.community,
        title="金沙社区路灯改造项目效果评价",
        unit=tree.community,
        groups=[
            GroupInput(name="居民代表", weight="0.5", access=Access.INVITED, invitees=reps),
            GroupInput(name="人大代表", weight="0.3", access=Access.INVITED, invitees=deputies),
            GroupInput(name="受益群众", weight="0.2"),
        ],
        actor=staff_actor(staff),
        open_at=timezone.localdate() + dt.timedelta(days=30),
    )


def answer(overall: str, quality: int = 4) -> dict[str, Any]:
    return {"quality": quality, "usefulness": 4, "maintenance": 3, "overall": overall, "comments": ""}


def test_standard_questionnaire_for_any_subject(evaluation: Survey, tree: Any) -> None:
    assert (evaluation.kind, evaluation.subject_type, evaluation.subject_id) == (
        "effect",
        "core.unit",
        str(tree.community.pk),
    )
    assert evaluation.state == "draft"
    keys = list(Question.objects.filter(survey=evaluation).values_list("key", "kind"))
    assert keys == [
        ("quality", "rating5"),
        ("usefulness", "rating5"),
        ("maintenance", "rating5"),
        ("overall", "single"),
        ("comments", "text"),
    ]
    overall = Question.objects.get(survey=evaluation, key="overall")
    assert [label for _k, label in overall.options] == ["满意", "基本满意", "不满意"]
    assert overall.satisfied_keys == ["satisfied", "basic"]
    assert events(evaluation, "surveys.survey.create")[0].data["subject"] == [
        "core.unit",
        str(tree.community.pk),
    ]


def test_subject_unit_is_used_or_required(tree: Any, staff: Any, make_person: Any) -> None:
    person = make_person("deputy", tree.station)
    grant = RoleGrant.objects.get(person=person)  # a model with a `unit`
    survey = create_effect_evaluation(
        grant, title="评价", groups=[GroupInput(name="群众", weight=1)], actor=staff_actor(staff)
    )
    assert survey.unit == tree.station
    expected = timezone.localdate() + dt.timedelta(days=180)
    assert survey.open_at == expected
    with pytest.raises(ActionError) as err:
        create_effect_evaluation(
            tree.city, title="评价", groups=[GroupInput(name="群众", weight=1)], actor=staff_actor(staff)
        )
    assert err.value.code == "unit_required"
    with pytest.raises(ActionError) as err:
        create_effect_evaluation(grant, title="评价", groups=[], actor=staff_actor(staff))
    assert err.value.code == "groups_required"
    assert Survey.objects.count() == 1


def test_periodic_task_opens_due_evaluations(evaluation: Survey) -> None:
    assert open_due_evaluations(evaluation.open_at - dt.timedelta(days=1)) == []
    assert open_due_evaluations(evaluation.open_at) == [evaluation.pk]
    evaluation.refresh_from_db()
    assert evaluation.state == "open"
    opened = events(evaluation, "surveys.survey.open")[0]
    assert opened.actor_id is None and opened.actor_role == "system"
    assert open_due_evaluations(evaluation.open_at) == []  # already open


def test_task_skips_a_survey_that_cannot_open(tree: Any, staff: Any) -> None:
    survey = create_effect_evaluation(
        tree.community,
        title="评价",
        unit=tree.community,
        groups=[GroupInput(name="代表", weight=1, access=Access.INVITED)],  # empty list
        actor=staff_actor(staff),
        open_at=timezone.localdate(),
    )
    assert open_scheduled_surveys.call_local() == []
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_effect_result_weighted_satisfaction_and_grade(
    evaluation: Survey, reps: list, deputies: list
) -> None:
    assert effect_result(evaluation) is None  # the survey itself is not evaluated
    open_due_evaluations(evaluation.open_at)
    groups = {g.name: g for g in RespondentGroup.objects.select_related("survey").filter(survey=evaluation)}
    for person, overall in zip(reps, ["satisfied", "basic", "unsatisfied"], strict=True):
        do_submit_response(groups["居民代表"], answer(overall), actor=respondent(person))
    for person in deputies:
        do_submit_response(groups["人大代表"], answer("satisfied", quality=5), actor=respondent(person))
    do_submit_response(groups["受益群众"], answer("satisfied"), actor=respondent(None), device_key="d")
    do_close_survey(evaluation, actor=Actor.system())
    subject = evaluation.unit
    result = effect_result(subject)
    assert result is not None and result.is_final
    # 0.5 × 66.67% + 0.3 × 100% + 0.2 × 100% = 83.33%
    assert result.satisfaction_rate == Decimal("83.33")
    assert (result.grade, result.grade_label) == ("satisfied", "满意")
    assert [g.rate for g in result.groups] == [Decimal("66.67"), Decimal("100.00"), Decimal("100.00")]
    assert result.responses == 6
    # quality: group means 4, 5, 4 → 0.5×75 + 0.3×100 + 0.2×75 = 82.5
    assert result.ratings["quality"] == Decimal("82.50")


def test_grade_bands_are_configurable() -> None:
    assert [grade_of(Decimal(v)) for v in ("80", "79.99", "60", "59.99")] == [
        "satisfied",
        "basic",
        "basic",
        "unsatisfied",
    ]
    assert grade_of(None) == ""
    with override_settings(MINYI_EFFECT_GRADE_SATISFIED=90):
        assert grade_of(Decimal("85")) == "basic"
