"""D2 attendance duty and D4 resolution rate, per council and year (constant query counts)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from minyi.core.calendar import local_tz
from minyi.core.models import Person
from minyi.deliberation.actions.topics import instances_for
from minyi.deliberation.models import Attendance, Council, Meeting, MeetingState, Membership, Topic


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = local_tz()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _ratio(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AttendanceRow:
    person: Person
    member_type: str
    meetings: int  # meetings held while they were a member
    attended: int
    rate: Decimal | None  # percent, one decimal; None when no meeting was held


def attendance_rates(council: Council, year: int) -> list[AttendanceRow]:
    """按时参加会议: the share of the year's held meetings (closed) each member signed in to. Three queries."""
    start, end = _year_bounds(year)
    meetings = list(
        Meeting.objects.filter(
            council=council, state=MeetingState.CLOSED, starts_at__gte=start, starts_at__lt=end
        ).values_list("pk", "starts_at")
    )
    memberships = list(
        Membership.objects.filter(council=council, joined_on__lt=end.date())
        .exclude(left_on__lt=start.date())
        .select_related("person")
        .order_by("person__name", "pk")
    )
    signed = Counter(
        Attendance.objects.filter(meeting_id__in=[pk for pk, _ in meetings]).values_list(
            "person_id", "meeting_id"
        )
    )
    tz = local_tz()
    rows = []
    for m in memberships:
        held = [
            pk
            for pk, at in meetings
            if m.joined_on <= at.astimezone(tz).date()
            and (m.left_on is None or at.astimezone(tz).date() <= m.left_on)
        ]
        attended = sum(1 for pk in held if signed[(m.person_id, pk)])
        rows.append(AttendanceRow(m.person, m.member_type, len(held), attended, _ratio(attended, len(held))))
    return rows


@dataclass(frozen=True)
class TopicReport:
    proposed: int
    valid: int
    invalid: int
    passed: int
    failed: int
    closed: int
    open: int
    resolution_rate: Decimal | None  # closed after handling ÷ passed, percent (seed 000: 解决率100%)
    days_to_consult: Decimal | None  # mean days 提议 → 商议
    days_to_review: Decimal | None  # 商议 → 审议
    days_to_resolve: Decimal | None  # 审议 → 决议
    days_to_close: Decimal | None  # 决议 → 反馈会办结


def _mean_days(pairs: list[tuple[dt.datetime | None, dt.datetime | None]]) -> Decimal | None:
    spans = [(b - a).total_seconds() / 86400 for a, b in pairs if a is not None and b is not None]
    if not spans:
        return None
    return Decimal(sum(spans) / len(spans)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def topic_report(council: Council, year: int) -> TopicReport:
    """Topics proposed in `year`, by where they went; two queries."""
    start, end = _year_bounds(year)
    topics = list(Topic.objects.filter(council=council, proposed_at__gte=start, proposed_at__lt=end))
    states = {pk: i.state for pk, i in instances_for(topics).items()}
    count = Counter(states.values())
    passed = count["publicising"] + count["closed"]
    valid = passed + count["failed"] + count["reviewing"] + count["resolving"]
    return TopicReport(
        proposed=len(topics),
        valid=valid,
        invalid=count["invalid"],
        passed=passed,
        failed=count["failed"],
        closed=count["closed"],
        open=count["proposed"] + count["reviewing"] + count["resolving"] + count["publicising"],
        resolution_rate=_ratio(count["closed"], passed),
        days_to_consult=_mean_days([(t.proposed_at, t.consulted_at) for t in topics]),
        days_to_review=_mean_days([(t.consulted_at, t.reviewed_at) for t in topics]),
        days_to_resolve=_mean_days([(t.reviewed_at, t.resolved_at) for t in topics]),
        days_to_close=_mean_days([(t.resolved_at, t.closed_at) for t in topics if t.feedback]),
    )
