"""P1 four-party recommendation (四方联荐): recommend, screen and complete, departments' opinions.

Residents, stations and deputies recommend projects into a round that is collecting; a voice can be
turned into a recommendation. Liaison-station staff screen each project in or out — always with a
reason, always public — and complete its cost, place and beneficiaries. The township records each
department's opinion per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person, Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.projects.models import (
    DepartmentOpinion,
    OpinionStance,
    Project,
    ProjectCategory,
    ProjectSource,
    ProjectStatus,
    Recommender,
    Round,
    RoundState,
)
from minyi.projects.predicates import is_deputy_in, manages_round_unit, may_screen_in
from minyi.voices.models import Voice

TITLE_MAX = 120
DESCRIPTION_MAX = 4000
COST_MAX = Decimal(10) ** 12


def parse_cost(
    value: Decimal | str | int | None, *, field: str = "cost", required: bool = True
) -> Decimal | None:
    """An amount in 元: positive, at most two decimals. Missing is refused when required."""
    if value is None or str(value).strip() == "":
        if required:
            raise ActionError("cost_required", _("请填写估算费用（元）"), {"field": field})
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ActionError("input_invalid", _("费用必须是金额（元）"), {"field": field}) from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount != amount.quantize(Decimal("0.01"))
        or amount >= COST_MAX
    ):
        raise ActionError("input_invalid", _("费用必须是大于0、最多两位小数的金额（元）"), {"field": field})
    return amount


@dataclass(frozen=True)
class RecommendationInput:
    title: str
    description: str
    unit: Unit | None
    cost: Decimal | str | None
    place: str = ""
    beneficiaries: int | None = None
    category: str = ProjectCategory.OTHER


def check_recommendation(round_: Round, data: RecommendationInput) -> Decimal:
    if round_.state != RoundState.COLLECTING:
        raise Conflict("round_not_collecting", _("本轮项目征集已经截止"), {"state": round_.state})
    if data.unit is None:
        raise ActionError("unit_required", _("请选择项目所在的社区（村）或乡镇"), {"field": "unit"})
    if not data.unit.path.startswith(round_.unit.path):
        raise ActionError("unit_outside_round", _("项目所在地不在本轮票决的范围内"), {"field": "unit"})
    title = data.title.strip()
    if not title:
        raise ActionError("title_required", _("请填写项目名称"), {"field": "title"})
    if len(title) > TITLE_MAX:
        raise ActionError(
            "input_invalid", _("项目名称不能超过 %(n)d 个字") % {"n": TITLE_MAX}, {"field": "title"}
        )
    if not data.description.strip():
        raise ActionError("description_required", _("请说明项目内容和理由"), {"field": "description"})
    if len(data.description) > DESCRIPTION_MAX:
        raise ActionError(
            "input_invalid", _("内容不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}, {"field": "description"}
        )
    if data.category not in ProjectCategory.values:
        raise ActionError("category_unknown", _("请选择项目类别"), {"field": "category"})
    if data.beneficiaries is not None and data.beneficiaries < 0:
        raise ActionError("input_invalid", _("受益人数不能为负数"), {"field": "beneficiaries"})
    cost = parse_cost(data.cost)
    assert cost is not None
    return cost


def _create(
    round_: Round,
    data: RecommendationInput,
    *,
    source: str,
    actor: Actor,
    proposer: Person | None,
    voice: Voice | None = None,
) -> Project:
    round_ = Round.objects.select_for_update().select_related("unit").get(pk=round_.pk)
    cost = check_recommendation(round_, data)
    assert data.unit is not None
    project = Project.objects.create(
        round=round_,
        unit=data.unit,
        title=data.title.strip(),
        description=data.description.strip(),
        place=data.place.strip(),
        cost=cost,
        beneficiaries=data.beneficiaries,
        category=data.category,
        source=source,
        proposer=proposer,
        voice=voice,
        recommended_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.project.recommend",
        subject=project,
        unit=project.unit,
        public=True,
        data={"round": round_.pk, "title": project.title, "cost": str(cost), "source": source},
    )
    return project


@transaction.atomic
def do_recommend_project(round_: Round, data: RecommendationInput, *, actor: Actor) -> Project:
    """A resident (public page), a deputy or a station recommends a project (群众推荐)."""
    person = actor.person
    if person is None:
        raise NotPermitted("login_required", _("请先登录后再推荐项目"))
    if may_screen_in(person, round_.unit):
        source = ProjectSource.STATION
    elif is_deputy_in(person, round_.unit):
        source = ProjectSource.DEPUTY
    else:
        source = ProjectSource.RESIDENT
    return _create(round_, data, source=source, actor=actor, proposer=person)


@transaction.atomic
def do_recommend_from_voice(
    voice: Voice, round_: Round, *, actor: Actor, cost: Decimal | str | None
) -> Project:
    """Turn a voice (民情事项) into a recommendation; the voice's submitter follows it as proposer."""
    if not may_screen_in(actor.person, round_.unit):
        raise NotPermitted("not_permitted", _("只有联络站或乡镇工作人员可以将民情事项转为推荐项目"))
    if Project.objects.filter(voice=voice).exists():
        raise Conflict("voice_has_project", _("该民情事项已转为推荐项目"), {"field": "voice"})
    data = RecommendationInput(
        title=voice.title[:TITLE_MAX],
        description=voice.content,
        unit=voice.unit,
        cost=cost,
        place=voice.place,
    )
    project = _create(
        round_, data, source=ProjectSource.VOICE, actor=actor, proposer=voice.submitter, voice=voice
    )
    record_event(
        actor=actor,
        action="projects.project.from_voice",
        subject=voice,
        unit=voice.unit,
        public=False,
        data={"project": project.pk, "round": round_.pk},
    )
    return project


@transaction.atomic
def do_second_recommendation(project: Project, *, actor: Actor) -> Recommender:
    """A resident supports (附议) a recommended project; the count helps the screening."""
    if actor.person is None:
        raise NotPermitted("login_required", _("请先登录"))
    project = Project.objects.select_for_update(of=("self",)).select_related("round").get(pk=project.pk)
    if project.round is None or project.round.state not in (RoundState.COLLECTING, RoundState.SCREENING):
        raise Conflict("round_not_collecting", _("本轮项目征集已经截止"), {})
    if (
        project.proposer_id == actor.person.pk
        or Recommender.objects.filter(project=project, person=actor.person).exists()
    ):
        raise Conflict("already_recommended", _("您已推荐过该项目"), {})
    supporter = Recommender.objects.create(project=project, person=actor.person)
    record_event(
        actor=actor,
        action="projects.project.second",
        subject=project,
        unit=project.unit,
        public=False,
        data={},
    )
    return supporter


@dataclass(frozen=True)
class ScreeningInput:
    include: bool
    reason: str
    cost: Decimal | str | None = None
    place: str | None = None
    beneficiaries: int | None = None


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("round__unit", "unit")
        .get(pk=project.pk)
    )


@transaction.atomic
def do_screen_project(project: Project, data: ScreeningInput, *, actor: Actor) -> Project:
    """筛选完善: the liaison station screens a project in or out, with a public reason, and completes it."""
    project = _locked(project)
    round_ = project.round
    if round_ is None:
        raise Conflict("project_without_round", _("该项目不属于任何票决轮次"), {})
    if not actor.is_system and not may_screen_in(actor.person, round_.unit):
        raise NotPermitted("not_permitted", _("只有联络站或乡镇工作人员可以筛选项目"))
    if round_.state != RoundState.SCREENING:
        raise Conflict("round_not_screening", _("本轮不在筛选阶段"), {"state": round_.state})
    reason = data.reason.strip()
    if not reason:
        raise ActionError("reason_required", _("请填写筛选理由（将公开）"), {"field": "reason"})
    cost = parse_cost(data.cost, required=False)
    if data.beneficiaries is not None and data.beneficiaries < 0:
        raise ActionError("input_invalid", _("受益人数不能为负数"), {"field": "beneficiaries"})
    fields = ["status", "screening_reason", "screened_at"]
    if cost is not None:
        project.cost = cost
        fields.append("cost")
    if data.place is not None and data.place.strip():
        project.place = data.place.strip()
        fields.append("place")
    if data.beneficiaries is not None:
        project.beneficiaries = data.beneficiaries
        fields.append("beneficiaries")
    if data.include and (not project.place or project.beneficiaries is None):
        raise ActionError(
            "completion_required", _("筛选通过的项目须补充实施地点和受益人数"), {"field": "place"}
        )
    project.status = ProjectStatus.SCREENED_IN if data.include else ProjectStatus.SCREENED_OUT
    project.screening_reason = reason
    project.screened_at = timezone.now()
    project.save(update_fields=fields)
    record_event(
        actor=actor,
        action="projects.project.screen",
        subject=project,
        unit=project.unit,
        public=True,
        reason=reason,
        data={
            "include": data.include,
            "cost": str(project.cost),
            "place": project.place,
            "beneficiaries": project.beneficiaries,
        },
    )
    if project.proposer is not None:
        notify(
            [project.proposer],
            kind="projects.project.screened",
            title=(
                _("您推荐的项目通过筛选：%(title)s")
                if data.include
                else _("您推荐的项目未通过筛选：%(title)s")
            )
            % {"title": project.title},
            body=reason,
        )
    return project


@transaction.atomic
def do_record_opinion(
    project: Project, department: Unit, stance: str, text: str, *, actor: Actor
) -> DepartmentOpinion:
    """征求部门意见: the township records one department's opinion on one screened-in project."""
    project = _locked(project)
    round_ = project.round
    if round_ is None or not (actor.is_system or manages_round_unit(actor.person, round_.unit)):
        raise NotPermitted("not_permitted", _("只有乡镇工作人员可以记录部门意见"))
    if round_.state != RoundState.CONSULTING:
        raise Conflict("round_not_consulting", _("本轮不在征求部门意见阶段"), {"state": round_.state})
    if project.status != ProjectStatus.SCREENED_IN:
        raise Conflict("project_not_screened_in", _("只有筛选通过的项目需要征求部门意见"), {})
    if department.kind != "department":
        raise ActionError("not_department", _("请选择职能部门"), {"field": "department"})
    if stance not in OpinionStance.values:
        raise ActionError("stance_unknown", _("请选择部门意见"), {"field": "stance"})
    if not text.strip():
        raise ActionError("text_required", _("请填写部门意见内容"), {"field": "text"})
    assert actor.person is not None or actor.is_system
    opinion, _created = DepartmentOpinion.objects.update_or_create(
        project=project,
        department=department,
        defaults={
            "stance": stance,
            "text": text.strip(),
            "recorded_by": actor.person,
            "recorded_at": timezone.now(),
        },
    )
    record_event(
        actor=actor,
        action="projects.project.opinion",
        subject=project,
        unit=project.unit,
        public=True,
        data={
            "department": department.pk,
            "department_name": department.name,
            "stance": stance,
            "text": opinion.text,
        },
    )
    return opinion
