"""V2 — tiered handling: each step of the `voice` process with its business effects.

Every `do_*` takes the step through `runtime.transition` (which checks state, role, scope, reason and
inputs and records `voice.<step>`), then applies what the step means for the item: where it is now
(`move_to`), who leads, the reply, the rating, and who is told. A refused step writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.calendar import DayKind, deadline_after
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Person, ProcessInstance, RoleGrant, Unit
from minyi.core.models.units import UnitKind
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.voices.milestones import sync_milestones
from minyi.voices.models import CoHandler, Satisfaction, Voice
from minyi.voices.queries import DEPARTMENT_ROLE, PROCESS, SUBJECT_TYPE
from minyi.voices.search.index import index_voice

# An assignment's deadline is at most this many working days (a deployment may change it).
MAX_DUE_DAYS = 120
MAX_CO_HANDLERS = 10


def instance_for(voice: Voice) -> ProcessInstance:
    if voice.instance_id is None:
        raise ProcessInstance.DoesNotExist("the voice has no voice process")
    return ProcessInstance.objects.select_related("unit").get(
        pk=voice.instance_id, process=PROCESS, subject_type=SUBJECT_TYPE
    )


def _locked_voice(voice: Voice) -> Voice:
    return Voice.objects.select_for_update(of=("self",)).select_related("unit", "submitter").get(pk=voice.pk)


def nearest(unit: Unit, kind: str) -> Unit | None:
    """`unit` itself or its nearest ancestor of `kind`."""
    if unit.kind == kind:
        return unit
    return unit.ancestors_and_self().filter(kind=kind).order_by("-depth").first()


def _required(unit: Unit | None, code: str, message: str) -> Unit:
    if unit is None:
        raise ActionError(code, message)
    return unit


def voice_url(voice: Voice) -> str:
    return reverse("voices:item", args=[voice.pk])


def _notify_responsible(
    voice: Voice, instance: ProcessInstance, *, kind: str, title: str, body: str = ""
) -> None:
    people = [p for p in runtime.responsible_people(instance, voice) if p.pk != voice.submitter_id]
    notify(people, kind=kind, title=title, body=body, url=voice_url(voice))


def _handlers_of(units: Iterable[Unit]) -> list[Person]:
    grants = (
        RoleGrant.objects.active()
        .filter(role=DEPARTMENT_ROLE, unit__in=list(units), person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    )
    return [grant.person for grant in grants]


def _mail_contact(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [address], fail_silently=True)


def notify_submitter(voice: Voice, *, kind: str, title: str, body: str = "") -> None:
    """In-app notification (mail/SMS per the person's preferences); an anonymous submitter who left an
    e-mail address gets a mail after commit (their tracking page shows everything too)."""
    if voice.submitter_id is not None:
        assert voice.submitter is not None
        notify([voice.submitter], kind=kind, title=title, body=body, url=voice_url(voice))
    elif voice.contact_email:
        text = f"{title}\n\n{body}\n\n{_('受理编号')}: {voice.tracking_code}"
        transaction.on_commit(partial(_mail_contact, voice.contact_email, title, text), robust=True)


def _step(
    voice: Voice,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    inputs: dict[str, object] | None = None,
    move_to: Unit | None = None,
    deadline_at: dt.datetime | None = None,
) -> ProcessInstance:
    instance = runtime.transition(
        instance_for(voice),
        name,
        actor=actor,
        reason=reason,
        inputs=inputs or {},
        move_to=move_to,
        deadline_at=deadline_at,
    )
    # Derived data kept in step with the record, in the same transaction: the timing milestones the
    # rates are computed from, and the search index (a reply or a merge changes what is searchable).
    sync_milestones(voice)
    if name in REINDEX_AFTER:
        index_voice(voice)
    return instance


REINDEX_AFTER = frozenset({"reply", "merge"})


# ---- first level -------------------------------------------------------------------------------------


@transaction.atomic
def do_accept(voice: Voice, *, actor: Actor, reason: str = "") -> ProcessInstance:
    """The community or station takes the item on (受理)."""
    voice = _locked_voice(voice)
    instance = _step(voice, "accept", actor=actor, reason=reason)
    notify_submitter(
        voice, kind="voices.accepted", title=_("您反映的事项已受理：%(code)s") % {"code": voice.tracking_code}
    )
    return instance


@transaction.atomic
def do_take_at_township(voice: Voice, *, actor: Actor, reason: str = "") -> ProcessInstance:
    voice = _locked_voice(voice)
    current = instance_for(voice)
    township = _required(
        nearest(current.unit, UnitKind.TOWNSHIP), "no_township", _("找不到该事项所属的街道（乡镇）")
    )
    instance = _step(voice, "take_at_township", actor=actor, reason=reason, move_to=township)
    notify_submitter(
        voice, kind="voices.accepted", title=_("您反映的事项已受理：%(code)s") % {"code": voice.tracking_code}
    )
    return instance


@transaction.atomic
def do_escalate_to_township(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    voice = _locked_voice(voice)
    current = instance_for(voice)
    township = _required(
        nearest(current.unit, UnitKind.TOWNSHIP), "no_township", _("找不到上一级街道（乡镇）")
    )
    instance = _step(voice, "escalate_to_township", actor=actor, reason=reason, move_to=township)
    _notify_responsible(
        voice,
        instance,
        kind="voices.escalated",
        title=_("社区上报事项待办理：%(title)s") % {"title": voice.title},
        body=reason,
    )
    return instance


@transaction.atomic
def do_escalate_to_district(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    voice = _locked_voice(voice)
    current = instance_for(voice)
    district = _required(nearest(current.unit, UnitKind.DISTRICT), "no_district", _("找不到上一级区（县）"))
    instance = _step(voice, "escalate_to_district", actor=actor, reason=reason, move_to=district)
    _notify_responsible(
        voice,
        instance,
        kind="voices.escalated",
        title=_("街道上报事项待交办：%(title)s") % {"title": voice.title},
        body=reason,
    )
    return instance


# ---- district dispatch ------------------------------------------------------------------------------


def check_department(unit: Unit, district: Unit, field: str) -> None:
    if unit.kind != UnitKind.DEPARTMENT or not unit.is_within(district) or not unit.is_active:
        raise ActionError(
            "department_invalid",
            _("“%(unit)s”不是%(district)s的职能部门") % {"unit": unit.name, "district": district.name},
            {"field": field},
        )


@transaction.atomic
def do_assign(
    voice: Voice,
    *,
    actor: Actor,
    lead_department: Unit,
    co_handlers: Sequence[Unit] = (),
    due_days: int | None = None,
    reason: str = "",
) -> ProcessInstance:
    """District staff hand the item to a lead department (牵头单位) with optional co-handlers (协办单位)
    and a deadline of `due_days` working days (default: the state's deadline in the process file)."""
    voice = _locked_voice(voice)
    current = instance_for(voice)
    district = _required(
        nearest(current.unit, UnitKind.DISTRICT), "no_district", _("找不到该事项所属的区（县）")
    )
    check_department(lead_department, district, "lead_department")
    co_units = list(dict.fromkeys(u for u in co_handlers if u.pk != lead_department.pk))
    if len(co_units) > MAX_CO_HANDLERS:
        raise ActionError(
            "input_invalid", _("协办单位不能超过 %(n)d 个") % {"n": MAX_CO_HANDLERS}, {"field": "co_handlers"}
        )
    for unit in co_units:
        check_department(unit, district, "co_handlers")
    deadline_at = None
    if due_days is not None:
        if not 1 <= due_days <= MAX_DUE_DAYS:
            raise ActionError(
                "input_invalid",
                _("办理时限应为 1 至 %(n)d 个工作日") % {"n": MAX_DUE_DAYS},
                {"field": "due_days"},
            )
        deadline_at = deadline_after(runtime.now(), due_days, DayKind.WORKING)
    inputs: dict[str, object] = {"lead_department": lead_department.pk}
    if due_days is not None:
        inputs["due_days"] = due_days
    instance = _step(
        voice,
        "assign",
        actor=actor,
        reason=reason,
        inputs=inputs,
        move_to=lead_department,
        deadline_at=deadline_at,
    )
    voice.lead_department = lead_department
    voice.save(update_fields=["lead_department"])
    CoHandler.objects.filter(voice=voice).exclude(unit__in=co_units).delete()
    existing = set(CoHandler.objects.filter(voice=voice).values_list("unit_id", flat=True))
    CoHandler.objects.bulk_create([CoHandler(voice=voice, unit=u) for u in co_units if u.pk not in existing])
    if co_units:
        record_event(
            actor=actor,
            action="voices.co_handlers",
            subject=voice,
            unit=instance.unit,
            data={"lead_department": lead_department.pk, "co_handlers": [u.pk for u in co_units]},
        )
    _notify_responsible(
        voice,
        instance,
        kind="voices.assigned",
        title=_("交办事项：%(title)s") % {"title": voice.title},
        body=reason,
    )
    notify(
        _handlers_of(co_units),
        kind="voices.co_assigned",
        url=voice_url(voice),
        title=_("协办事项：%(title)s") % {"title": voice.title},
        body=reason,
    )
    return instance


# ---- returns ----------------------------------------------------------------------------------------


@transaction.atomic
def do_return_to_community(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    voice = _locked_voice(voice)
    community = _required(
        nearest(voice.unit, UnitKind.COMMUNITY), "no_community", _("该事项没有所属社区，不能退回社区")
    )
    return _return(voice, "return_to_community", community, actor=actor, reason=reason)


@transaction.atomic
def do_return_to_township(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    voice = _locked_voice(voice)
    township = _required(
        nearest(voice.unit, UnitKind.TOWNSHIP), "no_township", _("该事项没有所属街道（乡镇），不能退回")
    )
    return _return(voice, "return_to_township", township, actor=actor, reason=reason)


@transaction.atomic
def do_return_to_district(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    """The lead department says the item is not theirs; the district reassigns it."""
    voice = _locked_voice(voice)
    current = instance_for(voice)
    district = _required(
        nearest(current.unit, UnitKind.DISTRICT), "no_district", _("找不到该事项所属的区（县）")
    )
    instance = _return(voice, "return_to_district", district, actor=actor, reason=reason)
    voice.lead_department = None
    voice.save(update_fields=["lead_department"])
    return instance


def _return(voice: Voice, name: str, to: Unit, *, actor: Actor, reason: str) -> ProcessInstance:
    instance = _step(voice, name, actor=actor, reason=reason, move_to=to)
    _notify_responsible(
        voice,
        instance,
        kind="voices.returned",
        title=_("退回事项：%(title)s") % {"title": voice.title},
        body=reason,
    )
    return instance


# ---- reply, feedback, reopen -----------------------------------------------------------------------


@transaction.atomic
def do_reply(voice: Voice, *, actor: Actor, reply: str, resolution: str, reason: str = "") -> ProcessInstance:
    voice = _locked_voice(voice)
    instance = _step(
        voice, "reply", actor=actor, reason=reason, inputs={"reply": reply.strip(), "resolution": resolution}
    )
    voice.reply = reply.strip()
    voice.replied_at = timezone.now()
    voice.resolution = resolution
    # A reopened item is rated again on its new reply.
    voice.satisfaction = ""
    voice.save(update_fields=["reply", "replied_at", "resolution", "satisfaction"])
    notify_submitter(
        voice,
        kind="voices.replied",
        title=_("您反映的事项已答复：%(code)s") % {"code": voice.tracking_code},
        body=voice.reply[:500],
    )
    return instance


@transaction.atomic
def do_feedback(
    voice: Voice, *, actor: Actor, satisfaction: str, comment: str = "", reason: str = ""
) -> ProcessInstance:
    """The submitter rates the reply; staff may record a rating taken by phone (电话回访)."""
    voice = _locked_voice(voice)
    inputs: dict[str, object] = {"satisfaction": satisfaction}
    if comment.strip():
        inputs["comment"] = comment.strip()
    instance = _step(voice, "feedback", actor=actor, reason=reason, inputs=inputs)
    now = timezone.now()
    voice.satisfaction = satisfaction
    voice.feedback_comment = comment.strip()
    voice.feedback_at = now
    voice.closed_at = instance.state_entered_at  # written with the step (minyi.voices.closed_at)
    voice.save(update_fields=["satisfaction", "feedback_comment", "feedback_at"])
    if voice.satisfaction == Satisfaction.UNSATISFIED:
        _notify_responsible(
            voice,
            instance,
            kind="voices.unsatisfied",
            title=_("群众不满意：%(title)s") % {"title": voice.title},
            body=voice.feedback_comment,
        )
    return instance


def check_reopen(voice: Voice, actor: Actor) -> None:
    if not actor.is_system and (actor.person is None or actor.person.pk != voice.submitter_id):
        raise NotPermitted("not_permitted", _("只有提交人本人可以申请重新办理"))
    limit = settings.MINYI_VOICE_MAX_REOPEN
    if voice.reopened_count >= limit:
        raise ActionError(
            "reopen_limit",
            _("该事项已重新办理 %(n)d 次，不能再次申请") % {"n": voice.reopened_count},
            {"limit": limit},
        )


@transaction.atomic
def do_reopen(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    """Unsatisfied with the reply, the submitter asks once (MINYI_VOICE_MAX_REOPEN) for it to be handled again."""
    voice = _locked_voice(voice)
    check_reopen(voice, actor)
    instance = _step(voice, "reopen", actor=actor, reason=reason)
    voice.reopened_count += 1
    voice.satisfaction = Satisfaction.UNSATISFIED
    voice.feedback_comment = reason.strip()
    voice.feedback_at = timezone.now()
    voice.save(update_fields=["reopened_count", "satisfaction", "feedback_comment", "feedback_at"])
    _notify_responsible(
        voice,
        instance,
        kind="voices.reopened",
        title=_("群众不满意，重新办理：%(title)s") % {"title": voice.title},
        body=reason,
    )
    return instance


# ---- decline, merge ---------------------------------------------------------------------------------


@transaction.atomic
def do_decline(voice: Voice, *, actor: Actor, reason: str) -> ProcessInstance:
    """Not accepted (不予受理); the reason is shown to the submitter and wherever the item is published."""
    voice = _locked_voice(voice)
    instance = _step(voice, "decline", actor=actor, reason=reason)
    voice.closed_at = instance.state_entered_at  # written with the step (minyi.voices.closed_at)
    notify_submitter(
        voice,
        kind="voices.declined",
        title=_("您反映的事项不予受理：%(code)s") % {"code": voice.tracking_code},
        body=reason.strip(),
    )
    return instance


def find_original(voice: Voice, tracking_code: str) -> Voice:
    code = tracking_code.strip().upper()
    original = Voice.objects.select_related("unit").filter(tracking_code=code).first()
    district = nearest(voice.unit, UnitKind.DISTRICT)
    if original is None or district is None or not original.unit.is_within(district):
        raise ActionError(
            "original_not_found",
            _("本区找不到受理编号为“%(code)s”的事项") % {"code": code},
            {"field": "original"},
        )
    if original.pk == voice.pk:
        raise ActionError("original_is_self", _("不能与事项自身并案"), {"field": "original"})
    if original.duplicate_of_id is not None:
        raise ActionError(
            "original_is_duplicate",
            _("“%(code)s”本身已并入其他事项，请填写原始事项的编号") % {"code": code},
            {"field": "original"},
        )
    return original


@transaction.atomic
def do_merge(voice: Voice, *, actor: Actor, original: str, reason: str = "") -> ProcessInstance:
    """Merge a duplicate into the original (并案): it points to the original and its submitter is told."""
    voice = _locked_voice(voice)
    target = find_original(voice, original)
    instance = _step(voice, "merge", actor=actor, reason=reason, inputs={"original": target.tracking_code})
    voice.duplicate_of = target
    voice.closed_at = instance.state_entered_at  # written with the step (minyi.voices.closed_at)
    voice.save(update_fields=["duplicate_of"])
    notify_submitter(
        voice,
        kind="voices.merged",
        title=_("您反映的事项已并案办理：%(code)s") % {"code": voice.tracking_code},
        body=_("与已受理的 %(original)s 为同一事项，将在该编号下统一办理和答复。")
        % {"original": target.tracking_code},
    )
    return instance
