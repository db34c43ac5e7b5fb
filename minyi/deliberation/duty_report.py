"""D2 — a member's yearly duty summary: attendance beside contacts, assignments and supervision reports.

Built on `reports.attendance_rates` (3 queries) plus three grouped counts: six queries whatever the size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from minyi.core.models import Person
from minyi.deliberation.models import Assignment, Council, LiaisonContact, SupervisionReport
from minyi.deliberation.reports import _year_bounds, attendance_rates


@dataclass(frozen=True)
class DutyRow:
    person: Person
    member_type: str
    meetings: int
    attended: int
    rate: Decimal | None
    contacts: int  # 联系居民及辖区单位
    tasks: int  # 带头执行决议: tasks given on passed topics
    tasks_done: int
    reports: int  # 反映督办事项


def duty_summary(council: Council, year: int) -> list[DutyRow]:
    start, end = _year_bounds(year)
    contacts = Counter(
        dict(
            LiaisonContact.objects.filter(
                membership__council=council, contacted_on__gte=start.date(), contacted_on__lt=end.date()
            )
            .values_list("membership__person_id")
            .annotate(n=Count("pk"))
            .values_list("membership__person_id", "n")
        )
    )
    tasks = {
        person: (total, done)
        for person, total, done in Assignment.objects.filter(
            topic__council=council, assigned_at__gte=start, assigned_at__lt=end
        )
        .values_list("membership__person_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False)))
        .values_list("membership__person_id", "total", "done")
    }
    reports = Counter(
        dict(
            SupervisionReport.objects.filter(
                topic__council=council, reported_at__gte=start, reported_at__lt=end
            )
            .values_list("membership__person_id")
            .annotate(n=Count("pk"))
            .values_list("membership__person_id", "n")
        )
    )
    return [
        DutyRow(
            person=row.person,
            member_type=row.member_type,
            meetings=row.meetings,
            attended=row.attended,
            rate=row.rate,
            contacts=contacts[row.person.pk],
            tasks=tasks.get(row.person.pk, (0, 0))[0],
            tasks_done=tasks.get(row.person.pk, (0, 0))[1],
            reports=reports[row.person.pk],
        )
        for row in attendance_rates(council, year)
    ]
