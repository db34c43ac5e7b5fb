"""P3 — delivery supervision actions: milestones (through the `project_milestone` process), payments
with documents, photos, problems (民呼我督, handled as voices) and oversight findings.

Every `do_*` validates first and writes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actions.files import do_store_attachment
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.steps import register_step
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.files import check_upload
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.models.units import UnitKind
from minyi.core.record.write import record_event
from minyi.core.scope import active_grants, authorizing_grant
from minyi.core.subjects import subject_ref
from minyi.projects.delivery.models import Delivery, Finding, Milestone, Payment, Problem, spent
from minyi.projects.delivery.rules import FINDING_ROLES, MANAGER_ROLES, PROBLEM_ROLES, reaches
from minyi.projects.models import Project, ProjectStatus

MILESTONE_PROCESS = "project_milestone"
TEXT_MAX = 2000
MONEY_MAX = Decimal(10) ** 12


def _error(code: str, message: str, field_name: str, **details: Any) -> ActionError:
    return ActionError(code, message, {"field": field_name, **details})


def parse_amount(value: Decimal | str | int, field_name: str = "amount", *, positive: bool = True) -> Decimal:
    """Yuan with at most two decimals; refuses text, NaN, negatives (and zero when `positive`)."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _error("amount_invalid", _("金额必须是数字"), field_name) from None
    if (
        not amount.is_finite()
        or amount < 0
        or (positive and amount == 0)
        or amount != amount.quantize(Decimal("0.01"))
        or amount >= MONEY_MAX
    ):
        raise _error("amount_invalid", _("金额必须大于0，最多两位小数"), field_name)
    return amount


def office_actor(actor: Actor, roles: frozenset[str], unit: Unit, message: str) -> Actor:
    """Refuse unless the actor holds one of `roles` on `unit` (or is the platform)."""
    if actor.is_system:
        return actor
    grant = authorizing_grant(actor.person, roles, unit)
    if grant is None:
        raise NotPermitted("not_permitted", message)
    return actor if actor.role else Actor(person=actor.person, role=grant.role, unit=grant.unit)


def acting_person(actor: Actor) -> Person:
    """Records that name who did it (payments, findings) need a person, not the platform."""
    if actor.person is None:
        raise NotPermitted("person_required", _("此操作须由具体人员办理"))
    return actor.person


def require_manager(actor: Actor, delivery: Delivery) -> Actor:
    return office_actor(
        actor, MANAGER_ROLES, delivery.unit, _("只有项目所在村（社区）、乡镇或区的工作人员可以办理")
    )


# ---- opening a delivery -------------------------------------------------------------------------


def delivery_of(subject: models.Model) -> Delivery | None:
    kind, pk = subject_ref(subject)
    return Delivery.objects.filter(subject_type=kind, subject_id=pk).first()


@transaction.atomic
def do_open_delivery(
    subject: models.Model, *, unit: Unit, title: str, budget: Decimal, year: int, actor: Actor
) -> Delivery:
    """Start supervising the delivery of `subject` (an elected project, a fund item, a chosen need)."""
    kind, pk = subject_ref(subject)
    if Delivery.objects.filter(subject_type=kind, subject_id=pk).exists():
        raise Conflict("delivery_exists", _("该项目已在实施监督中"), {})
    delivery = Delivery.objects.create(
        unit=unit,
        title=title[:120],
        budget=parse_amount(budget, "budget", positive=False),
        year=year,
        subject_type=kind,
        subject_id=pk,
    )
    record_event(
        actor=actor,
        action="projects.delivery.open",
        subject=delivery,
        unit=unit,
        public=True,
        data={"subject": f"{kind}:{pk}", "budget": str(delivery.budget), "year": year},
    )
    return delivery


@transaction.atomic
def do_open_project_delivery(project: Project, *, actor: Actor) -> Delivery:
    """An elected livelihood project (P2) enters delivery supervision with its cost as the budget."""
    if project.status != ProjectStatus.ELECTED:
        raise Conflict(
            "project_not_elected", _("只有票决当选的项目才能进入实施监督"), {"status": project.status}
        )
    actor = office_actor(actor, MANAGER_ROLES, project.unit, _("只有项目所在单位的工作人员可以办理"))
    year = project.round.year if project.round is not None and hasattr(project.round, "year") else None
    return do_open_delivery(
        project,
        unit=project.unit,
        title=project.title,
        budget=project.cost,
        year=int(year or timezone.localdate().year),
        actor=actor,
    )


# ---- milestones -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    planned_start: dt.date
    planned_end: dt.date
    weight: int = 1


def end_of_day(day: dt.date) -> dt.datetime:
    """The deadline of a milestone due on `day`: the start of the next day in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def milestone_instance(milestone: Milestone) -> ProcessInstance:
    kind, pk = subject_ref(milestone)
    return ProcessInstance.objects.get(process=MILESTONE_PROCESS, subject_type=kind, subject_id=pk)


def check_milestone_input(data: MilestoneInput) -> None:
    if not data.title.strip():
        raise _error("title_required", _("请填写节点名称"), "title")
    if len(data.title.strip()) > 100:
        raise _error("title_too_long", _("节点名称不能超过100个字"), "title")
    if not isinstance(data.weight, int) or not 1 <= data.weight <= 100:
        raise _error("weight_invalid", _("权重必须是1到100的整数"), "weight")
    if data.planned_end < data.planned_start:
        raise _error("dates_invalid", _("计划完成日期不能早于计划开始日期"), "planned_end")


@transaction.atomic
def do_add_milestone(delivery: Delivery, data: MilestoneInput, *, actor: Actor) -> Milestone:
    """A milestone is scheduled at once: its process waits in 'under way' with the planned end as deadline."""
    actor = require_manager(actor, delivery)
    check_milestone_input(data)
    position = delivery.milestones.count() + 1
    milestone = Milestone.objects.create(
        delivery=delivery,
        title=data.title.strip(),
        weight=data.weight,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        position=position,
    )
    title = f"{delivery.title} · {milestone.title}"
    instance = runtime.start(
        MILESTONE_PROCESS, subject=milestone, unit=delivery.unit, title=title, actor=actor
    )
    runtime.transition(instance, "schedule", actor=actor, deadline_at=end_of_day(data.planned_end))
    return milestone


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().select_related("delivery__unit").get(pk=milestone.pk)


@transaction.atomic
def do_report_progress(milestone: Milestone, percent: int, *, note: str = "", actor: Actor) -> Milestone:
    """Progress of one milestone (0–99; 100 is reached by completing it). Parents are never typed."""
    milestone = _locked_milestone(milestone)
    actor = require_manager(actor, milestone.delivery)
    if not isinstance(percent, int) or not 0 <= percent <= 99:
        raise _error("progress_invalid", _("进度必须是0到99的整数；完成请使用“节点完成”"), "progress")
    if milestone_instance(milestone).state != "underway":
        raise Conflict("milestone_not_underway", _("该节点不在实施中"), {})
    if len(note) > TEXT_MAX:
        raise _error("note_too_long", _("说明不能超过%(n)d个字") % {"n": TEXT_MAX}, "note")
    milestone.progress, milestone.note = percent, note.strip()
    milestone.save(update_fields=["progress", "note"])
    record_event(
        actor=actor,
        action="projects.milestone.progress",
        subject=milestone.delivery,
        unit=milestone.delivery.unit,
        public=True,
        data={"milestone": milestone.pk, "progress": percent, "note": milestone.note},
    )
    return milestone


@transaction.atomic
def do_complete_milestone(
    milestone: Milestone, *, actual_end: dt.date, note: str = "", actor: Actor
) -> Milestone:
    milestone = _locked_milestone(milestone)
    actor = require_manager(actor, milestone.delivery)
    if actual_end > timezone.localdate():
        raise _error("actual_end_future", _("实际完成日期不能晚于今天"), "actual_end")
    runtime.transition(
        milestone_instance(milestone), "complete", actor=actor, inputs={"actual_end": actual_end}
    )
    milestone.progress, milestone.actual_end = 100, actual_end
    if note.strip():
        milestone.note = note.strip()[:TEXT_MAX]
    milestone.save(update_fields=["progress", "actual_end", "note"])
    return milestone


# ---- money and photos -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    amount: Decimal | str
    paid_on: dt.date
    payee: str
    purpose: str


@transaction.atomic
def do_record_payment(
    delivery: Delivery, data: PaymentInput, *, document: IO[bytes] | Any | None, actor: Actor
) -> Payment:
    """A payment is disclosed with its voucher; none without a document, none beyond the budget."""
    delivery = Delivery.objects.select_for_update().select_related("unit").get(pk=delivery.pk)
    actor = require_manager(actor, delivery)
    if document is None:
        raise _error("document_required", _("每笔支付都必须上传凭证（发票、合同或支付单据）"), "document")
    amount = parse_amount(data.amount)
    if not data.payee.strip():
        raise _error("payee_required", _("请填写收款单位"), "payee")
    if not data.purpose.strip():
        raise _error("purpose_required", _("请填写用途"), "purpose")
    if data.paid_on > timezone.localdate():
        raise _error("paid_on_future", _("支付日期不能晚于今天"), "paid_on")
    already = spent(delivery)
    if already + amount > delivery.budget:
        raise _error(
            "over_budget",
            _("支付后累计 %(total)s 元，超过预算 %(budget)s 元")
            % {"total": already + amount, "budget": delivery.budget},
            "amount",
            spent=str(already),
            budget=str(delivery.budget),
        )
    check_upload(document)  # refuse a bad file before anything is written
    attachment = do_store_attachment(
        document, actor=actor, subject=delivery, unit=delivery.unit, is_public=True
    )
    payment = Payment.objects.create(
        delivery=delivery,
        amount=amount,
        paid_on=data.paid_on,
        payee=data.payee.strip()[:120],
        purpose=data.purpose.strip()[:200],
        document=attachment,
        recorded_by=acting_person(actor),
        recorded_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.delivery.payment",
        subject=delivery,
        unit=delivery.unit,
        public=True,
        data={
            "payment": payment.pk,
            "amount": str(amount),
            "payee": payment.payee,
            "purpose": payment.purpose,
            "document": attachment.pk,
        },
    )
    return payment


@transaction.atomic
def do_add_photo(delivery: Delivery, photo: IO[bytes] | Any, *, actor: Actor) -> Any:
    """A site photo, content-checked and stripped of metadata (location, camera) before it is public."""
    actor = require_manager(actor, delivery)
    if check_upload(photo).image_format is None:
        raise _error("upload_not_image", _("照片必须是 JPEG、PNG、WebP 或 GIF 图片"), "photo")
    return do_store_attachment(photo, actor=actor, subject=delivery, unit=delivery.unit, is_public=True)


# ---- problems (民呼我督) -----------------------------------------------------------------------------


def township_of(unit: Unit) -> Unit:
    """Where a problem is answered: the township of the project (or the project's own community)."""
    if unit.kind == UnitKind.TOWNSHIP:
        return unit
    for ancestor in reversed(list(unit.get_ancestors())):
        if ancestor.kind == UnitKind.TOWNSHIP:
            return ancestor
    if unit.kind in (UnitKind.COMMUNITY, UnitKind.GRID):
        return unit
    raise _error("no_township", _("项目所在单位没有对应的乡镇（街道）"), "unit")


def problem_actor(actor: Actor, delivery: Delivery) -> Actor:
    if actor.person is None or not reaches(actor.person, PROBLEM_ROLES, delivery.unit):
        raise NotPermitted("not_permitted", _("只有人大代表、政协委员和议事代表可以反映项目问题"))
    grant = next(
        (g for g in active_grants(actor.person) if g.role in PROBLEM_ROLES),
        None,
    )
    return Actor(person=actor.person, role=grant.role if grant else "", unit=grant.unit if grant else None)


def do_file_problem(
    delivery: Delivery, text: str, *, actor: Actor, photos: Sequence[IO[bytes] | Any] = ()
) -> Problem:
    """民呼我督: the problem becomes a voice at the township (the voice process makes it answer);
    the filer is its submitter, so they rate the answer and may ask for it to be reopened."""
    from minyi.voices.actions.intake import VoiceInput, do_submit_voice

    actor = problem_actor(actor, delivery)
    text = (text or "").strip()
    if not text:
        raise _error("text_required", _("请填写发现的问题"), "text")
    if len(text) > TEXT_MAX:
        raise _error("text_too_long", _("问题描述不能超过%(n)d个字") % {"n": TEXT_MAX}, "text")
    township = township_of(delivery.unit)
    with transaction.atomic():
        result = do_submit_voice(
            VoiceInput(
                title=(_("项目监督：%(title)s") % {"title": delivery.title})[:100],
                content=_("【民生项目实施监督】项目：%(title)s（%(unit)s）\n%(text)s")
                % {"title": delivery.title, "unit": delivery.unit.name, "text": text},
                category=settings.MINYI_DELIVERY_PROBLEM_CATEGORY,
                unit=township,
                kind="complaint",
                wants_public=True,
            ),
            actor=actor,
            photos=photos,
            channel_code=ChannelCode.MOBILE,
        )
        problem = Problem.objects.create(
            delivery=delivery,
            filed_by=acting_person(actor),
            text=text,
            voice=result.voice,
            filed_at=timezone.now(),
        )
        record_event(
            actor=actor,
            action="projects.delivery.problem",
            subject=delivery,
            unit=delivery.unit,
            public=True,
            data={"problem": problem.pk, "voice": result.voice.tracking_code, "township": township.pk},
        )
    return problem


# ---- findings (finance, audit, discipline commission) --------------------------------------------


@transaction.atomic
def do_raise_finding(subject: models.Model, *, unit: Unit, text: str, actor: Actor) -> Finding:
    actor = office_actor(actor, FINDING_ROLES, unit, _("只有财政、审计或纪委监委可以提出监督意见"))
    text = (text or "").strip()
    if not text:
        raise _error("text_required", _("请填写发现的问题"), "text")
    if len(text) > TEXT_MAX:
        raise _error("text_too_long", _("内容不能超过%(n)d个字") % {"n": TEXT_MAX}, "text")
    kind, pk = subject_ref(subject)
    finding = Finding.objects.create(
        subject_type=kind,
        subject_id=pk,
        unit=unit,
        raised_by=acting_person(actor),
        role=actor.role,
        text=text,
        raised_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.finding.raise",
        subject=subject,
        unit=unit,
        public=True,
        data={"finding": finding.pk, "role": actor.role, "text": text},
    )
    from minyi.core.models import RoleGrant
    from minyi.core.notify import notify

    managers = [
        g.person
        for g in RoleGrant.objects.active()
        .filter(role__in=MANAGER_ROLES, unit__path__in=unit.ancestor_paths(), person__is_active=True)
        .select_related("person")
    ]
    notify(managers, kind="projects.finding", title=_("收到监督意见，请答复"), body=text[:200])
    return finding


@transaction.atomic
def do_answer_finding(finding: Finding, answer: str, *, actor: Actor) -> Finding:
    finding = Finding.objects.select_for_update().select_related("unit").get(pk=finding.pk)
    actor = office_actor(actor, MANAGER_ROLES, finding.unit, _("只有项目负责单位可以答复监督意见"))
    if finding.answered_at is not None:
        raise Conflict("finding_answered", _("该监督意见已答复"), {})
    answer = (answer or "").strip()
    if not answer:
        raise _error("answer_required", _("请填写整改答复"), "answer")
    finding.answer, finding.answered_by, finding.answered_at = answer[:TEXT_MAX], actor.person, timezone.now()
    finding.save(update_fields=["answer", "answered_by", "answered_at"])
    record_event(
        actor=actor,
        action="projects.finding.answer",
        subject=finding,
        unit=finding.unit,
        public=True,
        data={"finding": finding.pk, "answer": finding.answer},
    )
    return finding


def findings_of(subject: models.Model) -> list[Finding]:
    kind, pk = subject_ref(subject)
    return list(Finding.objects.filter(subject_type=kind, subject_id=pk).select_related("raised_by"))


# Completing a milestone from the generic process page goes through the same action.
def _perform_complete(
    instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor
) -> Milestone:
    value = inputs.get("actual_end")
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise _error("input_invalid", _("日期格式应为 YYYY-MM-DD"), "actual_end") from None
    return do_complete_milestone(Milestone.objects.get(pk=instance.subject_id), actual_end=day, actor=actor)


register_step(MILESTONE_PROCESS, "complete", _perform_complete)
