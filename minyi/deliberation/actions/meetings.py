"""D3 — meetings: the regular schedule, extraordinary meetings, agenda, sign-in, quorum, observers, minutes."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.ballots import tally
from minyi.ballots.models import Poll
from minyi.core.actors import Actor
from minyi.core.calendar import is_working_day, local_tz
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.models import (
    AgendaItem,
    Attendance,
    Council,
    Decision,
    Meeting,
    MeetingKind,
    MeetingState,
    Membership,
    ObserverRequest,
    ObserverState,
    SignInMethod,
    Topic,
)
from minyi.deliberation.predicates import is_member_of

SIGN_IN_SALT = "minyi.deliberation.sign_in"
AGENDA_STATES = ("reviewing", "resolving", "publicising")


def regular_meeting_day(year: int, month: int) -> dt.date:
    """The configured day of the month (the last day in short months), shifted past holidays if configured."""
    last = calendar.monthrange(year, month)[1]
    day = dt.date(year, month, min(settings.MINYI_COUNCIL_MEETING_DAY, last))
    if settings.MINYI_COUNCIL_MEETING_SHIFT_TO_WORKDAY:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def _at(day: dt.date) -> dt.datetime:
    hour, minute = (int(part) for part in settings.MINYI_COUNCIL_MEETING_TIME.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local_tz())


def _meeting_event(
    meeting: Meeting,
    action: str,
    actor: Actor,
    data: dict[str, object] | None = None,
    public: bool = True,
    reason: str = "",
) -> None:
    record_event(
        actor=actor,
        action=f"deliberation.meeting.{action}",
        subject=meeting,
        unit=meeting.council.unit,
        public=public,
        reason=reason,
        data=data or {},
    )


@transaction.atomic
def do_generate_regular_meetings(
    council: Council, year: int, *, actor: Actor, place: str = ""
) -> list[Meeting]:
    """Create the year's regular meetings (例会) that do not exist yet; running it twice adds nothing."""
    tz = local_tz()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    existing = {
        timezone.localtime(at, tz).month
        for at in Meeting.objects.filter(
            council=council,
            kind=MeetingKind.REGULAR,
            starts_at__gte=start,
            starts_at__lt=start.replace(year=year + 1),
        ).values_list("starts_at", flat=True)
    }
    created = []
    for month in range(1, 13):
        if month in existing:
            continue
        meeting = Meeting.objects.create(
            council=council,
            kind=MeetingKind.REGULAR,
            starts_at=_at(regular_meeting_day(year, month)),
            place=place,
            title=_("%(council)s%(year)d年%(month)d月例会")
            % {"council": council.name, "year": year, "month": month},
        )
        _meeting_event(meeting, "schedule", actor, {"kind": meeting.kind, "starts_at": meeting.starts_at})
        created.append(meeting)
    return created


@dataclass(frozen=True)
class MeetingInput:
    title: str
    starts_at: dt.datetime
    kind: str = MeetingKind.EXTRAORDINARY
    place: str = ""


@transaction.atomic
def do_schedule_meeting(council: Council, data: MeetingInput, *, actor: Actor) -> Meeting:
    """An extraordinary meeting (临时会议, "如遇特殊情况") or a feedback meeting (反馈会)."""
    if data.kind not in MeetingKind.values:
        raise ActionError("meeting_kind_unknown", _("未知的会议类型"), {"field": "kind"})
    if not data.title.strip():
        raise ActionError("title_required", _("会议名称不能为空"), {"field": "title"})
    meeting = Meeting.objects.create(
        council=council,
        kind=data.kind,
        title=data.title.strip(),
        starts_at=data.starts_at,
        place=data.place.strip(),
    )
    _meeting_event(meeting, "schedule", actor, {"kind": meeting.kind, "starts_at": meeting.starts_at})
    return meeting


def lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("council__unit").get(pk=meeting.pk)


def require_meeting_state(meeting: Meeting, *states: str) -> None:
    if meeting.state not in states:
        raise Conflict(
            "meeting_wrong_state",
            _("会议当前状态为“%(state)s”，不能进行此操作") % {"state": MeetingState(meeting.state).label},
            {"state": meeting.state, "expected": list(states)},
        )


@transaction.atomic
def do_add_to_agenda(meeting: Meeting, topic: Topic, *, actor: Actor) -> AgendaItem:
    """Only accepted topics (valid after 商议) go on an agenda."""
    from minyi.deliberation.actions.topics import topic_state

    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.PLANNED, MeetingState.OPEN)
    if topic.council_id != meeting.council_id:
        raise ActionError("topic_other_council", _("议题不属于该议事会"), {"field": "topic"})
    if topic_state(topic) not in AGENDA_STATES:
        raise ActionError(
            "topic_not_accepted", _("只有经“两委”商议为有效的议题才能列入议程"), {"field": "topic"}
        )
    if AgendaItem.objects.filter(meeting=meeting, topic=topic).exists():
        raise Conflict("agenda_repeated", _("该议题已在议程中"), {"field": "topic"})
    item = AgendaItem.objects.create(meeting=meeting, topic=topic, position=meeting.agenda.count() + 1)
    _meeting_event(meeting, "agenda", actor, {"topic": topic.pk, "title": topic.title})
    return item


def active_members(council: Council) -> list[Person]:
    return [
        m.person for m in Membership.objects.filter(council=council, is_active=True).select_related("person")
    ]


@dataclass(frozen=True)
class QuorumStatus:
    members: int
    present: int
    required: int
    reached: bool


def quorum_threshold() -> tally.Threshold:
    return tally.Threshold(
        settings.MINYI_COUNCIL_QUORUM_NUMERATOR,
        settings.MINYI_COUNCIL_QUORUM_DENOMINATOR,
        settings.MINYI_COUNCIL_QUORUM_STRICT,
    )


def quorum_json() -> dict[str, object]:
    return {
        "numerator": settings.MINYI_COUNCIL_QUORUM_NUMERATOR,
        "denominator": settings.MINYI_COUNCIL_QUORUM_DENOMINATOR,
        "strict": settings.MINYI_COUNCIL_QUORUM_STRICT,
    }


def present_members(meeting: Meeting) -> list[Person]:
    member_ids = Membership.objects.filter(council_id=meeting.council_id, is_active=True).values("person_id")
    return [
        a.person
        for a in Attendance.objects.filter(meeting=meeting, person_id__in=member_ids)
        .select_related("person")
        .order_by("signed_at")
    ]


def quorum(meeting: Meeting) -> QuorumStatus:
    """Members present against the configured share of members (fixed at opening, else current)."""
    members = meeting.member_count
    if members is None:
        members = Membership.objects.filter(council_id=meeting.council_id, is_active=True).count()
    present = len(present_members(meeting))
    threshold = quorum_threshold()
    return QuorumStatus(
        members, present, threshold.minimum(members), members > 0 and threshold.reached(present, members)
    )


@transaction.atomic
def do_open_meeting(meeting: Meeting, *, actor: Actor) -> Meeting:
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.PLANNED)
    meeting.state = MeetingState.OPEN
    meeting.opened_at = timezone.now()
    meeting.member_count = Membership.objects.filter(council_id=meeting.council_id, is_active=True).count()
    meeting.save(update_fields=["state", "opened_at", "member_count"])
    _meeting_event(meeting, "open", actor, {"members": meeting.member_count})
    return meeting


def sign_in_token(meeting: Meeting) -> str:
    """A signed code for the meeting's QR poster; valid MINYI_MEETING_SIGN_IN_MINUTES from now."""
    return signing.TimestampSigner(salt=SIGN_IN_SALT).sign(str(meeting.pk))


def check_sign_in_token(meeting: Meeting, token: str) -> None:
    signer = signing.TimestampSigner(salt=SIGN_IN_SALT)
    try:
        value = signer.unsign(token, max_age=dt.timedelta(minutes=settings.MINYI_MEETING_SIGN_IN_MINUTES))
    except signing.SignatureExpired:
        raise ActionError(
            "sign_in_code_expired", _("签到码已过期，请扫描现场最新的二维码"), {"field": "token"}
        ) from None
    except signing.BadSignature:
        raise ActionError("sign_in_code_invalid", _("签到码无效"), {"field": "token"}) from None
    if value != str(meeting.pk):
        raise ActionError("sign_in_code_invalid", _("签到码无效"), {"field": "token"})


@transaction.atomic
def do_sign_in(meeting: Meeting, person: Person, *, method: str, actor: Actor, token: str = "") -> Attendance:
    """Record a member's attendance: by staff, or by the member scanning the meeting's QR code."""
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.PLANNED, MeetingState.OPEN)
    if method == SignInMethod.QR:
        if actor.person is None or actor.person.pk != person.pk:
            raise NotPermitted("not_permitted", _("扫码签到只能为本人签到"))
        check_sign_in_token(meeting, token)
    elif method != SignInMethod.STAFF:
        raise ActionError("method_unknown", _("未知的签到方式"), {"field": "method"})
    if not is_member_of(person, meeting.council):
        raise NotPermitted(
            "not_member", _("%(name)s 不是本议事会代表，不能签到") % {"name": person}, {"field": "person"}
        )
    if Attendance.objects.filter(meeting=meeting, person=person).exists():
        raise Conflict("already_signed_in", _("%(name)s 已经签到") % {"name": person}, {"field": "person"})
    recorder = actor.person or person
    attendance = Attendance.objects.create(
        meeting=meeting, person=person, method=method, signed_at=timezone.now(), recorded_by=recorder
    )
    _meeting_event(meeting, "sign_in", actor, {"person": person.pk, "method": method}, public=False)
    return attendance


@transaction.atomic
def do_apply_to_observe(meeting: Meeting, *, actor: Actor, note: str = "") -> ObserverRequest:
    """列席权: anyone may ask to attend a meeting as an observer."""
    person = actor.person
    if person is None:
        raise NotPermitted("login_required", _("请先登录"))
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.PLANNED, MeetingState.OPEN)
    if is_member_of(person, meeting.council):
        raise ActionError("member_attends", _("议事代表直接参加会议，无需申请列席"), {})
    if len(note) > 300:
        raise ActionError("input_invalid", _("申请理由不能超过300字"), {"field": "note"})
    if ObserverRequest.objects.filter(meeting=meeting, person=person).exists():
        raise Conflict("observer_applied", _("您已申请列席本次会议"), {})
    request = ObserverRequest.objects.create(meeting=meeting, person=person, note=note.strip())
    _meeting_event(meeting, "observer.apply", actor, {"request": request.pk}, public=False)
    return request


@transaction.atomic
def do_decide_observer(
    request: ObserverRequest, *, approve: bool, actor: Actor, reason: str = ""
) -> ObserverRequest:
    request = (
        ObserverRequest.objects.select_for_update()
        .select_related("meeting__council__unit")
        .get(pk=request.pk)
    )
    if request.state != ObserverState.PENDING:
        raise Conflict("observer_decided", _("该列席申请已处理"), {})
    request.state = ObserverState.APPROVED if approve else ObserverState.REJECTED
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_at"])
    _meeting_event(
        request.meeting,
        "observer.decide",
        actor,
        {"request": request.pk, "state": request.state},
        public=False,
        reason=reason,
    )
    title = _("列席申请已同意：%(meeting)s") if approve else _("列席申请未同意：%(meeting)s")
    notify(
        [request.person],
        kind="deliberation.observer.decided",
        title=title % {"meeting": request.meeting.title},
        body=reason,
    )
    return request


@transaction.atomic
def do_record_minutes(meeting: Meeting, text: str, *, actor: Actor) -> Meeting:
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.OPEN, MeetingState.CLOSED)
    if not text.strip():
        raise ActionError("minutes_required", _("会议纪要不能为空"), {"field": "minutes"})
    meeting.minutes = text.strip()
    meeting.save(update_fields=["minutes"])
    _meeting_event(meeting, "minutes", actor, {"length": len(meeting.minutes)})
    return meeting


@transaction.atomic
def do_add_decision(
    meeting: Meeting, text: str, *, actor: Actor, topic: Topic | None = None, poll: Poll | None = None
) -> Decision:
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.OPEN, MeetingState.CLOSED)
    if not text.strip():
        raise ActionError("decision_required", _("决定事项不能为空"), {"field": "text"})
    if topic is not None and topic.council_id != meeting.council_id:
        raise ActionError("topic_other_council", _("议题不属于该议事会"), {"field": "topic"})
    decision = Decision.objects.create(meeting=meeting, text=text.strip(), topic=topic, poll=poll)
    _meeting_event(
        meeting,
        "decision",
        actor,
        {
            "decision": decision.pk,
            "topic": topic.pk if topic else None,
            "poll": poll.pk if poll else None,
            "text": decision.text,
        },
    )
    return decision


@transaction.atomic
def do_close_meeting(meeting: Meeting, *, actor: Actor) -> Meeting:
    meeting = lock_meeting(meeting)
    require_meeting_state(meeting, MeetingState.OPEN)
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["state", "closed_at"])
    status = quorum(meeting)
    _meeting_event(meeting, "close", actor, {"members": status.members, "present": status.present})
    return meeting
