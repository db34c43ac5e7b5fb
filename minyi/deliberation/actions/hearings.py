"""D5 — hearings (听证会): registration → speakers selected → held (opinions) → result published.

Each stated opinion gets the decision's response (采纳 / 部分采纳 / 未采纳) and, unless adopted, a reason;
the result cannot be published while an opinion is unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.actions.consultation import _required
from minyi.deliberation.models import (
    ConsultationItem,
    Hearing,
    HearingOpinion,
    HearingState,
    Response,
    SpeakerApplication,
    SpeakerState,
)
from minyi.deliberation.organisers import require_organiser


@dataclass(frozen=True)
class HearingInput:
    title: str
    matter: str
    held_at: dt.datetime
    apply_until: dt.date
    seats: int
    place: str = ""
    item: ConsultationItem | None = None


def _event(hearing: Hearing, action: str, actor: Actor, data: dict[str, object], public: bool = True) -> None:
    record_event(
        actor=actor,
        action=f"deliberation.hearing.{action}",
        subject=hearing,
        unit=hearing.unit,
        public=public,
        data=data,
    )


def _locked(hearing: Hearing) -> Hearing:
    return Hearing.objects.select_for_update(of=("self",)).select_related("unit").get(pk=hearing.pk)


def require_hearing_state(hearing: Hearing, *states: str) -> None:
    if hearing.state not in states:
        raise Conflict(
            "hearing_wrong_state",
            _("听证会当前为“%(state)s”，不能进行此操作") % {"state": HearingState(hearing.state).label},
            {"state": hearing.state},
        )


@transaction.atomic
def do_create_hearing(unit: Unit, data: HearingInput, *, actor: Actor) -> Hearing:
    """Announce a hearing; it is public at once so people can apply to speak (公告)."""
    require_organiser(actor, unit)
    title = _required(data.title, "title_required", _("请填写听证事项"), "title", 200)
    matter = _required(data.matter, "matter_required", _("请说明拟决策内容"), "matter")
    if not 1 <= data.seats <= 200:
        raise ActionError("input_invalid", _("陈述人名额应在1到200之间"), {"field": "seats"})
    if data.apply_until > timezone.localtime(data.held_at).date():
        raise ActionError("input_invalid", _("报名截止日期不能晚于听证会举行日期"), {"field": "apply_until"})
    hearing = Hearing.objects.create(
        unit=unit,
        item=data.item,
        title=title,
        matter=matter,
        held_at=data.held_at,
        place=data.place.strip(),
        apply_until=data.apply_until,
        seats=data.seats,
    )
    _event(hearing, "create", actor, {"title": title, "held_at": data.held_at, "seats": data.seats})
    return hearing


@transaction.atomic
def do_apply_to_speak(hearing: Hearing, stance: str, *, actor: Actor) -> SpeakerApplication:
    if actor.person is None:
        raise NotPermitted("login_required", _("请先登录后再报名"))
    hearing = _locked(hearing)
    require_hearing_state(hearing, HearingState.REGISTRATION)
    if timezone.localdate() > hearing.apply_until:
        raise Conflict("registration_closed", _("报名已截止"), {})
    stance = _required(stance, "stance_required", _("请简述您的主要观点"), "stance", 2000)
    if SpeakerApplication.objects.filter(hearing=hearing, person=actor.person).exists():
        raise Conflict("already_applied", _("您已报名"), {})
    application = SpeakerApplication.objects.create(
        hearing=hearing, person=actor.person, stance=stance, applied_at=timezone.now()
    )
    _event(hearing, "apply", actor, {"application": application.pk}, public=False)
    return application


@transaction.atomic
def do_select_speakers(hearing: Hearing, selected: Sequence[SpeakerApplication], *, actor: Actor) -> Hearing:
    """Choose the speakers (遴选陈述人) within the seats; everyone who applied is told the outcome."""
    require_organiser(actor, hearing.unit)
    hearing = _locked(hearing)
    require_hearing_state(hearing, HearingState.REGISTRATION)
    chosen = {a.pk for a in selected}
    applications = list(SpeakerApplication.objects.filter(hearing=hearing).select_related("person"))
    if not chosen or not chosen <= {a.pk for a in applications}:
        raise ActionError("selection_invalid", _("请从报名人中选择陈述人"), {"field": "selected"})
    if len(chosen) > hearing.seats:
        raise ActionError(
            "too_many_speakers", _("陈述人不能超过 %(n)d 名") % {"n": hearing.seats}, {"field": "selected"}
        )
    for a in applications:
        a.state = SpeakerState.SELECTED if a.pk in chosen else SpeakerState.NOT_SELECTED
    SpeakerApplication.objects.bulk_update(applications, ["state"])
    hearing.state = HearingState.SELECTED
    hearing.save(update_fields=["state"])
    _event(hearing, "select", actor, {"selected": len(chosen), "applied": len(applications)})
    notify(
        [a.person for a in applications if a.pk in chosen],
        kind="deliberation.hearing.selected",
        title=_("您已被确定为听证会陈述人：%(title)s") % {"title": hearing.title},
        url=f"/deliberation/hearings/{hearing.pk}/",
    )
    notify(
        [a.person for a in applications if a.pk not in chosen],
        kind="deliberation.hearing.not_selected",
        title=_("听证会陈述人名额已满：%(title)s") % {"title": hearing.title},
        url=f"/deliberation/hearings/{hearing.pk}/",
    )
    return hearing


@transaction.atomic
def do_record_opinion(
    hearing: Hearing, speaker: SpeakerApplication, text: str, *, actor: Actor
) -> HearingOpinion:
    """What a selected speaker said at the hearing (recorded by staff)."""
    require_organiser(actor, hearing.unit)
    hearing = _locked(hearing)
    require_hearing_state(hearing, HearingState.SELECTED, HearingState.HELD)
    fresh = SpeakerApplication.objects.filter(pk=speaker.pk, hearing=hearing).first()
    if fresh is None or fresh.state != SpeakerState.SELECTED:
        raise ActionError("not_speaker", _("只能记录已选定陈述人的意见"), {"field": "speaker"})
    opinion = HearingOpinion.objects.create(
        hearing=hearing,
        speaker=fresh,
        text=_required(text, "opinion_required", _("请填写陈述意见"), "text"),
        recorded_at=timezone.now(),
    )
    if hearing.state != HearingState.HELD:
        hearing.state = HearingState.HELD
        hearing.save(update_fields=["state"])
    _event(hearing, "opinion", actor, {"opinion": opinion.pk}, public=False)
    return opinion


@transaction.atomic
def do_respond_to_opinion(
    opinion: HearingOpinion, *, response: str, reason: str, actor: Actor
) -> HearingOpinion:
    """The decision's response to one opinion: adopted, partly or not adopted (the latter two with a reason)."""
    opinion = (
        HearingOpinion.objects.select_for_update(of=("self",))
        .select_related("hearing__unit")
        .get(pk=opinion.pk)
    )
    require_organiser(actor, opinion.hearing.unit)
    require_hearing_state(opinion.hearing, HearingState.HELD)
    if response not in Response.values:
        raise ActionError("response_unknown", _("请选择采纳情况"), {"field": "response"})
    reason = reason.strip()
    if response != Response.ADOPTED and not reason:
        raise ActionError("reason_required", _("部分采纳或未采纳的意见须说明理由"), {"field": "reason"})
    opinion.response, opinion.reason = response, reason
    opinion.save(update_fields=["response", "reason"])
    _event(opinion.hearing, "respond", actor, {"opinion": opinion.pk, "response": response}, public=False)
    return opinion


@transaction.atomic
def do_publish_hearing(hearing: Hearing, *, decision: str, actor: Actor) -> Hearing:
    """Publish the decision and the response to every opinion (听证结果公开)."""
    require_organiser(actor, hearing.unit)
    hearing = _locked(hearing)
    require_hearing_state(hearing, HearingState.HELD)
    opinions = list(hearing.opinions.select_related("speaker__person"))
    unanswered = [o.pk for o in opinions if not o.response]
    if unanswered:
        raise ActionError(
            "opinions_unanswered",
            _("还有 %(n)d 条意见未作采纳答复") % {"n": len(unanswered)},
            {"opinions": unanswered},
        )
    hearing.decision = _required(decision, "decision_required", _("请填写决策结果"), "decision")
    hearing.state = HearingState.PUBLISHED
    hearing.published_at = timezone.now()
    hearing.save(update_fields=["decision", "state", "published_at"])
    _event(
        hearing,
        "publish",
        actor,
        {
            "decision": hearing.decision,
            "opinions": [{"id": o.pk, "response": o.response, "reason": o.reason} for o in opinions],
        },
    )
    notify(
        [o.speaker.person for o in opinions],
        kind="deliberation.hearing.published",
        title=_("听证结果已公布：%(title)s") % {"title": hearing.title},
        url=f"/deliberation/hearings/{hearing.pk}/",
    )
    return hearing
