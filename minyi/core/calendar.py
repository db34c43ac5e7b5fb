"""Deadlines in calendar days or Chinese working days (statutory holidays and adjusted workdays, O3).

Working days come from `chinesecalendar`, which knows each year's State Council schedule. A deadline
of N working days ends at the close of the N-th working day after the start day.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone


class DayKind(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Outside the years the package knows: fall back to Monday–Friday.
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date N working days after `start` (start itself is never counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def deadline_after(start: dt.datetime, days: int, kind: DayKind) -> dt.datetime:
    """The moment a deadline of `days` expires: the end (23:59:59.999999 local) of the last day."""
    local_start = timezone.localtime(start, local_tz()).date()
    end_day = local_start + dt.timedelta(days=days) if kind == DayKind.CALENDAR else add_working_days(local_start, days)
    end = dt.datetime.combine(end_day, dt.time.max, tzinfo=local_tz())
    return end
