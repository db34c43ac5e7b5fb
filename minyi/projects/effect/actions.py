"""P4 — effect evaluation of elected livelihood projects (seed 003: "在项目投入使用一段时间后，组织群众代表、
代表对项目的建设质量、产生的社会效果等进行评议，为下一次代表大会开展民生实事项目落实情况的满意度测评提供参考").

A project is *completed* when its delivery has milestones and every one has an actual end; the
completion date is the last of them. MINYI_EFFECT_EVALUATION_DELAY_DAYS later the daily task
(`projects.tasks.effect_evaluation_sweep`) starts the evaluation: the standard effect survey of
`minyi.surveys.effect` with two invited groups — the resident representatives (议事代表, `council_member`)
of the project's unit and the deputies of the round's level — opened at once, and each respondent is
notified with the group's link. Staff of the project's unit may start it earlier by hand. Once the
survey is closed its satisfaction result is attached to the project and it is listed for the next
deputies' assembly until staff mark it reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.ballots.actions.lifecycle import role_holders
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.projects.delivery.actions import office_actor, township_of
from minyi.projects.delivery.models import Delivery
from minyi.projects.delivery.rules import MANAGER_ROLES
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.models import Project, ProjectStatus
from minyi.projects.predicates import ROUND_ROLES
from minyi.surveys.actions.building import GroupInput
from minyi.surveys.actions.lifecycle import do_close_survey, do_open_survey
from minyi.surveys.effect import create_effect_evaluation, effect_result
from minyi.surveys.models import Access, RespondentGroup, SurveyState

PROJECT_KIND = "projects.project"
REPS_ROLE = "council_member"
DEPUTY_ROLE = "deputy"
ASSEMBLY_MAX = 120


# ---- when is a project due -------------------------------------------------------------------------


def completions(project_ids: Sequence[int] | None = None) -> dict[int, dt.date]:
    """project id -> completion date, for elected projects whose delivery is complete (one query).

    Complete = at least one milestone and none without an actual end; the date is the last actual end.
    """
    rows = Delivery.objects.filter(subject_type=PROJECT_KIND)
    if project_ids is not None:
        rows = rows.filter(subject_id__in=[str(pk) for pk in project_ids])
    done = (
        rows.annotate(
            total=Count("milestones"),
            pending=Count("milestones", filter=Q(milestones__actual_end__isnull=True)),
            done_on=Max("milestones__actual_end"),
        )
        .filter(total__gt=0, pending=0)
        .values_list("subject_id", "done_on")
    )
    return {int(pk): day for pk, day in done if pk.isdigit() and day is not None}


def delay() -> dt.timedelta:
    return dt.timedelta(days=settings.MINYI_EFFECT_EVALUATION_DELAY_DAYS)


def due_projects(today: dt.date | None = None) -> list[Project]:
    """Elected, completed projects whose period of use has passed and that have no evaluation yet."""
    day = today or timezone.localdate()
    done = {pk: on for pk, on in completions().items() if on + delay() <= day}
    return list(
        Project.objects.filter(
            pk__in=list(done), status=ProjectStatus.ELECTED, effect_evaluation__isnull=True
        )
        .select_related("unit", "round__unit")
        .order_by("pk")
    )


# ---- who answers -----------------------------------------------------------------------------------


def deputies_level(project: Project) -> Unit:
    """The level whose deputies voted the project: the round's unit, else the project's township."""
    if project.round is not None:
        return project.round.unit
    return township_of(project.unit)


@dataclass(frozen=True)
class Respondents:
    reps: list[Person]
    deputies: list[Person]


def respondents_of(project: Project) -> Respondents:
    """Resident representatives of the project's unit and the deputies of its level (one group each;
    someone who is both answers as a deputy)."""
    deputies = role_holders(deputies_level(project), [DEPUTY_ROLE])
    ids = {p.pk for p in deputies}
    reps = [p for p in role_holders(project.unit, [REPS_ROLE]) if p.pk not in ids]
    return Respondents(reps=sorted(reps, key=lambda p: p.pk), deputies=sorted(deputies, key=lambda p: p.pk))


# ---- starting -------------------------------------------------------------------------------------


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("unit", "round__unit")
        .get(pk=project.pk)
    )


def check_start(project: Project, actor: Actor, today: dt.date) -> tuple[Actor, dt.date]:
    """Refuse a person who is not staff of the project's unit, a project that is not elected, not
    completed, already evaluated or (for the daily task) not yet due. Returns the acting capacity and
    the completion date."""
    if not actor.is_system:
        actor = office_actor(
            actor, MANAGER_ROLES, project.unit, _("只有项目所在单位的工作人员可以发起效果评价")
        )
    if project.status != ProjectStatus.ELECTED:
        raise Conflict(
            "project_not_elected", _("只有票决当选的项目才开展效果评价"), {"status": project.status}
        )
    if EffectEvaluation.objects.filter(project=project).exists():
        raise Conflict("effect_evaluation_exists", _("该项目已开展效果评价"), {})
    completed_on = completions([project.pk]).get(project.pk)
    if completed_on is None:
        raise Conflict("project_not_completed", _("项目尚未全部完工，不能开展效果评价"), {})
    if actor.is_system and completed_on + delay() > today:
        raise Conflict(
            "effect_evaluation_not_due",
            _("项目投入使用未满规定期限"),
            {"due_on": (completed_on + delay()).isoformat()},
        )
    return actor, completed_on


def _weights() -> tuple[int, int]:
    reps, deputies = settings.MINYI_EFFECT_WEIGHT_RESIDENT_REPS, settings.MINYI_EFFECT_WEIGHT_DEPUTIES
    return reps, deputies


def _notify_group(group: RespondentGroup, people: list[Person], project: Project) -> None:
    notify(
        people,
        kind="projects.effect_evaluation",
        title=_("请评价民生实事项目：%(title)s") % {"title": project.title},
        body=_("项目已投入使用，请对建设质量、使用效果和管护情况作出评价，结果将提交下一次代表大会。"),
        url=reverse("surveys:respond", args=[group.token]),
    )


@transaction.atomic
def do_start_effect_evaluation(
    project: Project, *, actor: Actor, today: dt.date | None = None
) -> EffectEvaluation:
    """Create and open the project's effect survey and notify its respondents (once per project).

    The daily task acts as the platform and only on due projects; staff of the project's unit may
    start it earlier. Refuses when nobody would be asked (no resident representative and no deputy).
    """
    day = today or timezone.localdate()
    project = _locked(project)
    actor, completed_on = check_start(project, actor, day)
    people = respondents_of(project)
    reps_weight, deputies_weight = _weights()
    groups = []
    if people.reps:
        groups.append(
            GroupInput(
                name=str(_("群众代表")), weight=reps_weight, access=Access.INVITED, invitees=people.reps
            )
        )
    if people.deputies:
        groups.append(
            GroupInput(
                name=str(_("人大代表")),
                weight=deputies_weight,
                access=Access.INVITED,
                invitees=people.deputies,
            )
        )
    if not groups:
        raise ActionError(
            "respondents_missing", _("项目所在单位没有议事代表，本级也没有人大代表，无法发起评价"), {}
        )
    survey = create_effect_evaluation(
        project,
        title=(_("%(title)s 效果评价") % {"title": project.title})[:200],
        groups=groups,
        actor=actor,
        unit=project.unit,
        open_at=day,
    )
    survey = do_open_survey(survey, actor=actor)
    evaluation = EffectEvaluation.objects.create(
        project=project,
        survey=survey,
        completed_on=completed_on,
        due_on=completed_on + delay(),
        started_at=timezone.now(),
        started_by=actor.person,
    )
    record_event(
        actor=actor,
        action="projects.effect.start",
        subject=project,
        unit=project.unit,
        public=True,
        data={
            "survey": survey.pk,
            "completed_on": completed_on.isoformat(),
            "due_on": evaluation.due_on.isoformat(),
            "early": day < evaluation.due_on,
            "reps": len(people.reps),
            "deputies": len(people.deputies),
        },
    )
    by_name = {g.name: g for g in RespondentGroup.objects.filter(survey=survey)}
    for name, invited in ((str(_("群众代表")), people.reps), (str(_("人大代表")), people.deputies)):
        if invited:
            _notify_group(by_name[name], invited, project)
    return evaluation


# ---- attaching the result ------------------------------------------------------------------------


def _locked_evaluation(evaluation: EffectEvaluation) -> EffectEvaluation:
    return (
        EffectEvaluation.objects.select_for_update()
        .select_related("project__unit", "survey")
        .get(pk=evaluation.pk)
    )


@transaction.atomic
def do_attach_effect_result(evaluation: EffectEvaluation, *, actor: Actor) -> EffectEvaluation:
    """Attach the closed survey's satisfaction result to the project (a snapshot for the lists).

    Run by the daily task, or by staff of the project's unit right after closing the survey.
    """
    evaluation = _locked_evaluation(evaluation)
    project = evaluation.project
    if not actor.is_system:
        actor = office_actor(
            actor,
            MANAGER_ROLES,
            project.unit,
            _("只有项目所在单位的工作人员可以汇总结果"),
        )
    if evaluation.attached_at is not None:
        raise Conflict("effect_result_attached", _("评价结果已汇总"), {})
    if evaluation.survey.state not in (SurveyState.CLOSED, SurveyState.PUBLISHED):
        raise Conflict("survey_not_closed", _("评价问卷尚未截止"), {"state": evaluation.survey.state})
    result = effect_result(project)
    if result is None or result.survey.pk != evaluation.survey_id:
        raise Conflict("survey_not_found", _("未找到该项目的评价问卷"), {})
    evaluation.responses = result.responses
    evaluation.satisfaction_rate = result.satisfaction_rate
    evaluation.grade = result.grade
    evaluation.shares = {k: None if v is None else str(v) for k, v in result.shares.items()}
    evaluation.groups = [
        {
            "name": g.name,
            "weight": str(g.weight),
            "responses": g.responses,
            "rate": None if g.rate is None else str(g.rate),
        }
        for g in result.groups
    ]
    evaluation.attached_at = timezone.now()
    evaluation.save(
        update_fields=["responses", "satisfaction_rate", "grade", "shares", "groups", "attached_at"]
    )
    record_event(
        actor=actor,
        action="projects.effect.attach",
        subject=project,
        unit=project.unit,
        public=True,
        data={"survey": evaluation.survey_id, "responses": result.responses},
    )
    return evaluation


# ---- reporting to the assembly -------------------------------------------------------------------


@transaction.atomic
def do_mark_reported(
    evaluations: Sequence[EffectEvaluation], *, assembly: str, actor: Actor
) -> list[EffectEvaluation]:
    """Record that these results were reported to a deputies' assembly; they leave the pending list.

    Township or district staff of each project's round level; every result must be attached and
    not yet reported. Nothing is written when one of them is refused.
    """
    assembly = (assembly or "").strip()
    if not assembly:
        raise ActionError("assembly_required", _("请填写报告的会议名称"), {"field": "assembly"})
    if len(assembly) > ASSEMBLY_MAX:
        raise ActionError(
            "assembly_too_long", _("会议名称不能超过%(n)d个字") % {"n": ASSEMBLY_MAX}, {"field": "assembly"}
        )
    if not evaluations:
        raise ActionError("evaluations_required", _("请选择要报告的评价结果"), {"field": "evaluations"})
    locked = list(
        EffectEvaluation.objects.select_for_update(of=("self",))
        .select_related("project__unit", "project__round__unit")
        .filter(pk__in=[e.pk for e in evaluations])
        .order_by("pk")
    )
    acting = actor
    for evaluation in locked:
        acting = office_actor(
            actor,
            frozenset(ROUND_ROLES),
            deputies_level(evaluation.project),
            _("只有乡镇（街道）或区的工作人员可以登记向代表大会报告"),
        )
        if evaluation.attached_at is None:
            raise Conflict("effect_result_missing", _("评价结果尚未汇总"), {"evaluation": evaluation.pk})
        if evaluation.reported_at is not None:
            raise Conflict("effect_reported", _("该评价结果已报告"), {"evaluation": evaluation.pk})
    now = timezone.now()
    for evaluation in locked:
        evaluation.reported_at, evaluation.reported_by, evaluation.assembly = now, acting.person, assembly
        evaluation.save(update_fields=["reported_at", "reported_by", "assembly"])
        record_event(
            actor=acting,
            action="projects.effect.report",
            subject=evaluation.project,
            unit=evaluation.project.unit,
            public=True,
            data={"assembly": assembly, "survey": evaluation.survey_id},
        )
    return locked


# ---- the daily task ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    started: list[int]  # project ids
    attached: list[int]  # project ids
    skipped: dict[int, str]  # project id -> error code
    closed: list[int] = field(default_factory=list)  # project ids whose survey ran its days out


def open_past_their_days(today: dt.date | None = None) -> list[EffectEvaluation]:
    """Evaluations whose survey is still open `MINYI_EFFECT_SURVEY_DAYS` days after it started (0: staff
    close surveys by hand)."""
    days = settings.MINYI_EFFECT_SURVEY_DAYS
    if days <= 0:
        return []
    last_start = (today or timezone.localdate()) - dt.timedelta(days=days)
    evaluations = EffectEvaluation.objects.filter(survey__state=SurveyState.OPEN).select_related("survey")
    return [e for e in evaluations.order_by("pk") if timezone.localdate(e.started_at) <= last_start]


def closed_unattached() -> list[EffectEvaluation]:
    return list(
        EffectEvaluation.objects.filter(
            attached_at__isnull=True, survey__state__in=[SurveyState.CLOSED, SurveyState.PUBLISHED]
        ).order_by("pk")
    )


def run_effect_sweep(today: dt.date | None = None) -> SweepResult:
    """Start every due evaluation, close every survey that has run its days, and attach every closed
    one; each in its own transaction."""
    system = Actor.system()
    started, attached, skipped, closed = [], [], {}, []
    for project in due_projects(today):
        try:
            do_start_effect_evaluation(project, actor=system, today=today)
        except ActionError as exc:  # e.g. nobody to ask yet; retried tomorrow
            skipped[project.pk] = exc.code
        else:
            started.append(project.pk)
    for evaluation in open_past_their_days(today):
        do_close_survey(evaluation.survey, actor=system)  # the survey's own action: shuffle, count, record
        closed.append(evaluation.project_id)
    for evaluation in closed_unattached():
        try:
            do_attach_effect_result(evaluation, actor=system)
        except ActionError as exc:
            skipped[evaluation.project_id] = exc.code
        else:
            attached.append(evaluation.project_id)
    return SweepResult(started=started, attached=attached, skipped=skipped, closed=closed)
