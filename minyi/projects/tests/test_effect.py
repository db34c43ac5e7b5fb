"""P4: effect evaluation of elected livelihood projects after a period of use — the daily sweep, the
survey and its respondents, the result attached to the project, the list for the next assembly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, Notification
from minyi.projects.effect.actions import (
    do_attach_effect_result,
    do_mark_reported,
    do_start_effect_evaluation,
    due_projects,
    run_effect_sweep,
)
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.effect.report import result_rows, upcoming
from minyi.projects.tasks import effect_evaluation_sweep
from minyi.projects.tests.effect_support import Cast, act, cast_fixture, complete, days_ago, elect  # noqa: F401
from minyi.surveys.actions import do_close_survey, do_publish_survey, do_submit_response
from minyi.surveys.models import Invitation, RespondentGroup, Survey

TODAY = timezone.localdate


def answers(overall: str, quality: int = 4) -> dict[str, Any]:
    return {"quality": quality, "usefulness": 4, "maintenance": 3, "overall": overall, "comments": ""}


def test_sweep_starts_exactly_the_due_projects_once(tree: Any, cast: Cast) -> None:
    due, recent, unfinished = elect(tree, cast, ("甲", "乙", "丙", "丁"))
    complete(due, cast, days_ago(200))
    complete(recent, cast, days_ago(10))
    complete(unfinished, cast, days_ago(300)).milestones.first()  # finished …
    from minyi.projects.delivery.actions import MilestoneInput, delivery_of, do_add_milestone

    delivery = delivery_of(unfinished)
    assert delivery is not None
    do_add_milestone(  # … but a later milestone is still under way: not completed
        delivery, MilestoneInput("绿化", days_ago(30), days_ago(1)), actor=act(cast.township)
    )
    assert [p.pk for p in due_projects()] == [due.pk]

    first = run_effect_sweep()
    assert first.started == [due.pk] and first.skipped == {}
    assert run_effect_sweep().started == []  # not twice
    evaluation = EffectEvaluation.objects.get()
    assert (evaluation.project, evaluation.completed_on) == (due, days_ago(200))
    assert evaluation.due_on == days_ago(200) + dt.timedelta(days=180)
    assert evaluation.started_by is None

    # Not before the period: the recent project falls due 180 days after its completion.
    assert run_effect_sweep(days_ago(10) + dt.timedelta(days=179)).started == []
    assert run_effect_sweep(days_ago(10) + dt.timedelta(days=180)).started == [recent.pk]
    assert EffectEvaluation.objects.count() == 2
    assert Survey.objects.filter(kind="effect", subject_type="projects.project").count() == 2


@override_settings(MINYI_EFFECT_EVALUATION_DELAY_DAYS=30)
def test_period_is_configurable(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(31))
    assert effect_evaluation_sweep.call_local().started == [project.pk]
    from huey.contrib.djhuey import HUEY

    assert "minyi.projects.tasks.effect_evaluation_sweep" in HUEY._registry._registry  # a daily periodic task


def test_start_opens_the_survey_for_reps_and_deputies_and_notifies_them(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(181))
    run_effect_sweep()
    evaluation = EffectEvaluation.objects.select_related("survey").get(project=project)
    survey = evaluation.survey
    assert (survey.state, survey.kind, survey.subject_id, survey.unit) == (
        "open",
        "effect",
        str(project.pk),
        tree.community,
    )
    groups = {g.name: g for g in RespondentGroup.objects.filter(survey=survey)}
    assert {n: (g.access, g.weight) for n, g in groups.items()} == {
        "群众代表": ("invited", Decimal("50.000")),
        "人大代表": ("invited", Decimal("50.000")),
    }
    invited = {
        name: set(Invitation.objects.filter(group=g).values_list("person_id", flat=True))
        for name, g in groups.items()
    }
    assert invited == {"群众代表": {p.pk for p in cast.reps}, "人大代表": {p.pk for p in cast.deputies}}
    start = Event.objects.get(action="projects.effect.start")
    assert start.public and start.subject_id == str(project.pk) and start.actor_role == "system"
    assert start.data["survey"] == survey.pk and start.data["early"] is False
    assert (start.data["reps"], start.data["deputies"]) == (2, 3)
    notes = Notification.objects.filter(kind="projects.effect_evaluation")
    assert {n.recipient_id for n in notes} == {p.pk for p in cast.reps + cast.deputies}
    rep_note = notes.get(recipient=cast.reps[0])
    assert rep_note.url == f"/surveys/r/{groups['群众代表'].token}/"
    assert notes.get(recipient=cast.deputies[0]).url == f"/surveys/r/{groups['人大代表'].token}/"
    assert project.title in rep_note.title


def test_manual_start_early_only_by_staff_of_the_scope(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    with pytest.raises(Conflict) as err:
        do_start_effect_evaluation(project, actor=act(cast.township))
    assert err.value.code == "project_not_completed"
    complete(project, cast, days_ago(5))
    with pytest.raises(Conflict) as err:
        do_start_effect_evaluation(project, actor=Actor.system())  # the task waits for the period
    assert err.value.code == "effect_evaluation_not_due"
    for person in (cast.outsider, cast.resident, cast.deputies[0], cast.station):
        with pytest.raises(NotPermitted):
            do_start_effect_evaluation(project, actor=act(person))
    assert not EffectEvaluation.objects.exists() and not Survey.objects.exists()
    assert not Event.objects.filter(action="projects.effect.start").exists()

    evaluation = do_start_effect_evaluation(project, actor=act(cast.village))
    assert evaluation.started_by == cast.village
    event = Event.objects.get(action="projects.effect.start")
    assert event.data["early"] is True and event.actor_id == cast.village.pk
    with pytest.raises(Conflict) as err:
        do_start_effect_evaluation(project, actor=act(cast.township))
    assert err.value.code == "effect_evaluation_exists"
    assert run_effect_sweep(TODAY() + dt.timedelta(days=400)).started == []
    assert Survey.objects.count() == 1


def test_nobody_to_ask_is_skipped_and_retried(tree: Any, cast: Cast, make_person: Any) -> None:
    from minyi.core.actions.roles import do_revoke_role
    from minyi.core.models import RoleGrant

    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(200))
    for grant in RoleGrant.objects.filter(role__in=["deputy", "council_member"]):
        do_revoke_role(grant, reason="换届", actor=Actor.system())
    result = run_effect_sweep()
    assert result.started == [] and result.skipped == {project.pk: "respondents_missing"}
    assert not Survey.objects.exists() and not Notification.objects.filter(kind="projects.effect_evaluation")
    make_person("council_member", tree.community, name="新群众代表")
    assert run_effect_sweep().started == [project.pk]
    group = RespondentGroup.objects.get()  # only the group with people
    assert group.name == "群众代表"


def answered_evaluation(tree: Any, cast: Cast) -> EffectEvaluation:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(200))
    run_effect_sweep()
    evaluation = EffectEvaluation.objects.select_related("survey").get(project=project)
    groups = {
        g.name: g for g in RespondentGroup.objects.select_related("survey").filter(survey=evaluation.survey)
    }
    for person, overall in zip(cast.reps, ["satisfied", "unsatisfied"], strict=True):
        do_submit_response(
            groups["群众代表"], answers(overall), actor=Actor(person=person, role="respondent")
        )
    for person, overall in zip(cast.deputies, ["satisfied", "basic", "satisfied"], strict=True):
        do_submit_response(
            groups["人大代表"], answers(overall), actor=Actor(person=person, role="respondent")
        )
    return evaluation


def test_closed_survey_result_is_attached_by_the_sweep(tree: Any, cast: Cast) -> None:
    evaluation = answered_evaluation(tree, cast)
    assert run_effect_sweep().attached == []  # still open
    with pytest.raises(Conflict) as err:
        do_attach_effect_result(evaluation, actor=Actor.system())
    assert err.value.code == "survey_not_closed"
    do_close_survey(evaluation.survey, actor=act(cast.village))
    assert run_effect_sweep().attached == [evaluation.project_id]
    assert run_effect_sweep().attached == []
    evaluation.refresh_from_db()
    # 群众代表 50% (1 of 2), 人大代表 100% (3 of 3), equal weights → 75%
    assert evaluation.satisfaction_rate == Decimal("75.00")
    assert evaluation.grade == "basic" and evaluation.responses == 5
    # 满意: (50 + 66.67) / 2; 基本满意: (0 + 33.33) / 2; 不满意: (50 + 0) / 2
    assert evaluation.shares == {"satisfied": "58.33", "basic": "16.67", "unsatisfied": "25.00"}
    assert [(g["name"], g["responses"], g["rate"]) for g in evaluation.groups] == [
        ("群众代表", 2, "50.00"),
        ("人大代表", 3, "100.00"),
    ]
    attach = Event.objects.get(action="projects.effect.attach")
    assert attach.public and attach.subject_id == str(evaluation.project_id)


def test_staff_attach_at_once_and_others_cannot(tree: Any, cast: Cast) -> None:
    evaluation = answered_evaluation(tree, cast)
    do_close_survey(evaluation.survey, actor=act(cast.village))
    with pytest.raises(NotPermitted):
        do_attach_effect_result(evaluation, actor=act(cast.outsider))
    evaluation = do_attach_effect_result(evaluation, actor=act(cast.township))
    assert evaluation.is_attached
    with pytest.raises(Conflict):
        do_attach_effect_result(evaluation, actor=act(cast.township))


def test_listed_for_the_next_assembly_until_reported(tree: Any, cast: Cast) -> None:
    evaluation = answered_evaluation(tree, cast)
    do_close_survey(evaluation.survey, actor=act(cast.village))
    run_effect_sweep()
    # Before the survey is published the public sees the row without figures; supervision staff see them.
    (public,) = result_rows(tree.township, None)
    assert public.evaluation == evaluation and not public.visible and public.share("satisfied") is None
    (staff,) = result_rows(tree.township, cast.township)
    assert staff.visible and staff.grade_label == "基本满意" and staff.share("satisfied") == Decimal("58.33")
    assert result_rows(tree.other_township, None) == []
    do_publish_survey(evaluation.survey, actor=act(cast.village))
    assert result_rows(tree.township, None)[0].visible

    with pytest.raises(ActionError) as err:
        do_mark_reported([evaluation], assembly=" ", actor=act(cast.township))
    assert err.value.code == "assembly_required"
    for person in (cast.village, cast.outsider, cast.deputies[0]):
        with pytest.raises(NotPermitted):
            do_mark_reported([evaluation], assembly="第三届第五次会议", actor=act(person))
    assert result_rows(tree.township, None, reported=True) == []
    do_mark_reported([evaluation], assembly="青云街道第三届人民代表大会第五次会议", actor=act(cast.township))
    assert result_rows(tree.township, None) == []
    (row,) = result_rows(tree.township, None, reported=True)
    assert row.evaluation.assembly == "青云街道第三届人民代表大会第五次会议"
    event = Event.objects.get(action="projects.effect.report")
    assert event.public and event.data["assembly"] == "青云街道第三届人民代表大会第五次会议"
    with pytest.raises(Conflict):
        do_mark_reported([evaluation], assembly="再次", actor=act(cast.township))


def test_report_refuses_an_unattached_result_and_writes_nothing(tree: Any, cast: Cast) -> None:
    evaluation = answered_evaluation(tree, cast)
    before = Event.objects.count()
    with pytest.raises(Conflict) as err:
        do_mark_reported([evaluation], assembly="会议", actor=act(cast.township))
    assert err.value.code == "effect_result_missing"
    evaluation.refresh_from_db()
    assert evaluation.reported_at is None and Event.objects.count() == before


def test_upcoming_lists_completed_projects_with_their_due_date(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(20))
    (row,) = upcoming(tree.township)
    assert (row.project, row.completed_on, row.due_on) == (
        project,
        days_ago(20),
        days_ago(20) + dt.timedelta(180),
    )
    assert upcoming(tree.other_township) == []


def test_sweep_closes_a_survey_that_ran_its_days_and_attaches_its_result(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(181))
    run_effect_sweep()
    evaluation = EffectEvaluation.objects.select_related("survey").get(project=project)
    reps = RespondentGroup.objects.select_related("survey").get(survey=evaluation.survey, name="群众代表")
    do_submit_response(reps, answers("satisfied"), actor=Actor(person=cast.reps[0], role="respondent"))
    days = settings.MINYI_EFFECT_SURVEY_DAYS
    assert days > 0
    # The day before the last: still open.
    early = run_effect_sweep(TODAY() + dt.timedelta(days=days - 1))
    assert early.closed == [] and Survey.objects.get(pk=evaluation.survey_id).state == "open"
    done = run_effect_sweep(TODAY() + dt.timedelta(days=days))
    assert done.closed == [project.pk] and done.attached == [project.pk]
    survey = Survey.objects.get(pk=evaluation.survey_id)
    evaluation.refresh_from_db()
    assert survey.state == "closed" and survey.responses_count == 1 and evaluation.is_attached
    close = Event.objects.get(action="surveys.survey.close", subject_id=str(survey.pk))
    assert close.public and close.actor_id is None  # the platform's daily task, on the public record
    assert run_effect_sweep(TODAY() + dt.timedelta(days=days + 1)).closed == []  # once


@override_settings(MINYI_EFFECT_SURVEY_DAYS=0)
def test_surveys_are_closed_by_hand_when_the_days_are_zero(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(181))
    run_effect_sweep()
    assert run_effect_sweep(TODAY() + dt.timedelta(days=365)).closed == []
    assert EffectEvaluation.objects.get(project=project).survey.state == "open"
