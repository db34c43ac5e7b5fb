"""D5 — annual consultation plans and their items; the expert and legal-adviser pool, invitations, opinions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.models import (
    Adviser,
    AdviserInvitation,
    AdviserKind,
    ConsultationChannel,
    ConsultationForm,
    ConsultationItem,
    ConsultationPlan,
    ItemStatus,
)
from minyi.deliberation.organisers import require_organiser

TEXT_MAX = 4000


def _required(value: str, code: str, message: str, field: str, limit: int = TEXT_MAX) -> str:
    value = value.strip()
    if not value:
        raise ActionError(code, message, {"field": field})
    if len(value) > limit:
        raise ActionError("input_invalid", _("内容不能超过 %(n)d 个字") % {"n": limit}, {"field": field})
    return value


@transaction.atomic
def do_create_plan(unit: Unit, *, year: int, title: str, actor: Actor) -> ConsultationPlan:
    require_organiser(actor, unit)
    title = _required(title, "title_required", _("请填写计划名称"), "title", 200)
    if not 2000 <= year <= 2100:
        raise ActionError("input_invalid", _("年度不正确"), {"field": "year"})
    if ConsultationPlan.objects.filter(unit=unit, year=year, title=title).exists():
        raise Conflict("plan_exists", _("该年度已有同名协商计划"), {"field": "title"})
    plan = ConsultationPlan.objects.create(unit=unit, year=year, title=title)
    record_event(
        actor=actor,
        action="deliberation.plan.create",
        subject=plan,
        unit=unit,
        public=False,
        data={"year": year, "title": title},
    )
    return plan


@dataclass(frozen=True)
class ItemInput:
    title: str
    channel: str
    form: str
    organiser: Unit
    starts_on: dt.date
    ends_on: dt.date | None = None
    participants: str = ""


def check_item(data: ItemInput) -> None:
    _required(data.title, "title_required", _("请填写协商事项"), "title", 200)
    if data.channel not in ConsultationChannel.values:
        raise ActionError("channel_unknown", _("请选择协商渠道"), {"field": "channel"})
    if data.form not in ConsultationForm.values:
        raise ActionError("form_unknown", _("请选择协商形式"), {"field": "form"})
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise ActionError("input_invalid", _("计划完成日期不能早于开始日期"), {"field": "ends_on"})


@transaction.atomic
def do_add_item(plan: ConsultationPlan, data: ItemInput, *, actor: Actor) -> ConsultationItem:
    require_organiser(actor, plan.unit)
    check_item(data)
    if data.starts_on.year != plan.year:
        raise ActionError("item_year", _("协商事项应在计划年度内开展"), {"field": "starts_on"})
    item = ConsultationItem.objects.create(
        plan=plan,
        title=data.title.strip(),
        channel=data.channel,
        form=data.form,
        organiser=data.organiser,
        participants=data.participants.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    record_event(
        actor=actor,
        action="deliberation.plan.item_add",
        subject=plan,
        unit=plan.unit,
        public=plan.published_at is not None,
        data={"item": item.pk, "title": item.title, "channel": item.channel, "form": item.form},
    )
    return item


@transaction.atomic
def do_publish_plan(plan: ConsultationPlan, *, actor: Actor) -> ConsultationPlan:
    require_organiser(actor, plan.unit)
    plan = ConsultationPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if plan.published_at is not None:
        raise Conflict("plan_published", _("计划已发布"), {})
    if not plan.items.exists():
        raise ActionError("plan_empty", _("计划中还没有协商事项"), {})
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_at"])
    record_event(
        actor=actor,
        action="deliberation.plan.publish",
        subject=plan,
        unit=plan.unit,
        public=True,
        data={"items": plan.items.count()},
    )
    return plan


@transaction.atomic
def do_update_item_status(
    item: ConsultationItem, *, status: str, actor: Actor, outcome: str = ""
) -> ConsultationItem:
    """Record that an item was held, completed (with its outcome) or cancelled."""
    item = (
        ConsultationItem.objects.select_for_update(of=("self",)).select_related("plan__unit").get(pk=item.pk)
    )
    require_organiser(actor, item.plan.unit)
    if status not in ItemStatus.values:
        raise ActionError("status_unknown", _("未知的状态"), {"field": "status"})
    if item.status in (ItemStatus.DONE, ItemStatus.CANCELLED):
        raise Conflict("item_final", _("该协商事项已办结或取消"), {"status": item.status})
    if status == ItemStatus.DONE:
        outcome = _required(outcome, "outcome_required", _("办结时请填写协商成果"), "outcome")
    item.status, item.outcome = status, outcome.strip() or item.outcome
    item.save(update_fields=["status", "outcome"])
    record_event(
        actor=actor,
        action="deliberation.plan.item_status",
        subject=item.plan,
        unit=item.plan.unit,
        public=item.plan.published_at is not None,
        data={"item": item.pk, "status": status, "outcome": item.outcome},
    )
    return item


@dataclass(frozen=True)
class AdviserInput:
    person: Person
    kind: str
    field: str
    title: str = ""
    organisation: str = ""


@transaction.atomic
def do_add_adviser(pool_unit: Unit, data: AdviserInput, *, actor: Actor) -> Adviser:
    """Add a person to the unit's pool of experts (专家库) or legal advisers (法律顾问)."""
    require_organiser(actor, pool_unit)
    if data.kind not in AdviserKind.values:
        raise ActionError("kind_unknown", _("请选择专家类别"), {"field": "kind"})
    field = _required(data.field, "field_required", _("请填写专业领域"), "field", 100)
    if Adviser.objects.filter(pool_unit=pool_unit, person=data.person).exists():
        raise Conflict(
            "adviser_exists", _("%(name)s 已在专家库中") % {"name": data.person}, {"field": "person"}
        )
    adviser = Adviser.objects.create(
        pool_unit=pool_unit,
        person=data.person,
        kind=data.kind,
        field=field,
        title=data.title.strip()[:100],
        organisation=data.organisation.strip()[:200],
    )
    record_event(
        actor=actor,
        action="deliberation.adviser.add",
        subject=adviser,
        unit=pool_unit,
        public=False,
        data={"person": data.person.pk, "kind": data.kind, "field": field},
    )
    return adviser


@transaction.atomic
def do_invite_adviser(item: ConsultationItem, adviser: Adviser, *, actor: Actor) -> AdviserInvitation:
    require_organiser(actor, item.plan.unit)
    if not adviser.is_active:
        raise Conflict("adviser_inactive", _("该专家已不在库"), {"field": "adviser"})
    if AdviserInvitation.objects.filter(item=item, adviser=adviser).exists():
        raise Conflict("already_invited", _("已邀请该专家"), {"field": "adviser"})
    invitation = AdviserInvitation.objects.create(item=item, adviser=adviser, invited_at=timezone.now())
    record_event(
        actor=actor,
        action="deliberation.adviser.invite",
        subject=adviser,
        unit=item.plan.unit,
        public=False,
        data={"item": item.pk},
    )
    notify(
        [adviser.person],
        kind="deliberation.adviser.invited",
        title=_("邀请您就“%(title)s”提出咨询意见") % {"title": item.title},
        body=item.participants,
        url=f"/deliberation/consultation/items/{item.pk}/",
    )
    return invitation


@transaction.atomic
def do_record_adviser_opinion(invitation: AdviserInvitation, text: str, *, actor: Actor) -> AdviserInvitation:
    """The invited adviser gives their opinion (or staff record one received in writing)."""
    invitation = (
        AdviserInvitation.objects.select_for_update(of=("self",))
        .select_related("adviser", "item__plan__unit")
        .get(pk=invitation.pk)
    )
    own = actor.person is not None and actor.person.pk == invitation.adviser.person_id
    if not own:
        require_organiser(actor, invitation.item.plan.unit)
    if invitation.opinion_at is not None:
        raise Conflict("opinion_recorded", _("咨询意见已记录"), {})
    invitation.opinion = _required(text, "opinion_required", _("请填写咨询意见"), "opinion")
    invitation.opinion_at = timezone.now()
    invitation.save(update_fields=["opinion", "opinion_at"])
    record_event(
        actor=actor,
        action="deliberation.adviser.opinion",
        subject=invitation.adviser,
        unit=invitation.item.plan.unit,
        public=False,
        data={"item": invitation.item_id, "opinion": invitation.opinion},
    )
    return invitation
