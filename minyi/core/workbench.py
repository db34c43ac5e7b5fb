"""The personal workbench: everything awaiting my action, across every app (O3).

An open process instance awaits a person when its current state lets one of the person's roles act
(`awaiting_roles`, comma-wrapped: ",deputy,township_staff,") and its unit lies in the subtree of a
unit where the person holds that role. One query, whatever the number of rows or apps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minyi.core.calendar import DayKind, local_tz, working_days_between
from minyi.core.models import Person, ProcessInstance
from minyi.core.models.units import subtree_q
from minyi.core.scope import active_grants


def awaiting_q(person: Person) -> Q:
    """Instances whose current state awaits one of the person's roles within that role's subtree."""
    condition = Q(pk__in=[])
    for grant in active_grants(person):
        condition |= Q(awaiting_roles__contains=f",{grant.role},") & subtree_q(grant.unit.path, "unit__path")
    return condition


def awaiting(person: Person, now: dt.datetime | None = None) -> QuerySet[ProcessInstance]:
    """Open instances awaiting the person: overdue first, then by deadline (none last)."""
    now = now or timezone.now()
    if not person.is_authenticated:
        return ProcessInstance.objects.none()
    return (
        ProcessInstance.objects.filter(is_final=False)
        .filter(awaiting_q(person))
        .select_related("unit")
        .annotate(
            overdue_rank=Case(
                When(deadline_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_rank", F("deadline_at").asc(nulls_last=True), "id")
    )


def is_overdue(instance: ProcessInstance, now: dt.datetime) -> bool:
    return instance.deadline_at is not None and instance.deadline_at < now


@dataclass(frozen=True)
class DeadlineStatus:
    label: str
    overdue: bool
    due_today: bool


def deadline_status(
    instance: ProcessInstance, now: dt.datetime, kind: DayKind = DayKind.WORKING
) -> DeadlineStatus:
    """How Chinese offices state a deadline: 剩余3个工作日 / 今日到期 / 已超期2个工作日 (or 剩余3天)."""
    if instance.deadline_at is None:
        return DeadlineStatus(_("无时限"), overdue=False, due_today=False)
    today = timezone.localtime(now, local_tz()).date()
    due_day = timezone.localtime(instance.deadline_at, local_tz()).date()
    working = kind == DayKind.WORKING
    if is_overdue(instance, now):
        late = working_days_between(due_day, today) if working else (today - due_day).days
        if late <= 0:
            # Past the deadline but not yet a whole working day late (e.g. over a weekend).
            return DeadlineStatus(_("已超期"), overdue=True, due_today=False)
        if working:
            text = ngettext("已超期%(n)d个工作日", "已超期%(n)d个工作日", late)
        else:
            text = ngettext("已超期%(n)d天", "已超期%(n)d天", late)
        return DeadlineStatus(text % {"n": late}, overdue=True, due_today=False)
    left = working_days_between(today, due_day) if working else (due_day - today).days
    if due_day == today or left <= 0:
        return DeadlineStatus(_("今日到期"), overdue=False, due_today=True)
    if working:
        text = ngettext("剩余%(n)d个工作日", "剩余%(n)d个工作日", left)
    else:
        text = ngettext("剩余%(n)d天", "剩余%(n)d天", left)
    return DeadlineStatus(text % {"n": left}, overdue=False, due_today=False)


def deadline_label(instance: ProcessInstance, now: dt.datetime, kind: DayKind = DayKind.WORKING) -> str:
    return deadline_status(instance, now, kind).label
