"""API: reports, mounted under /api/v1/voices by minyi/voices/api/__init__.py.

`GET /rates` — the rates of docs/voices.md ("Rates") over the items the caller may see.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.types import ObjectId
from minyi.core.errors import NotPermitted
from minyi.voices.documents.access import may_run_reports, report_voices
from minyi.voices.documents.params import home_unit_for_reports, rate_request
from minyi.voices.rates import (
    RATE_DEFS,
    RateFilters,
    RateRow,
    compute_rates,
    rates_by_child_unit,
    rates_by_department,
    rates_by_month,
)

router = Router(tags=["voices"])


class RateParams(Schema):
    period: str = ""  # 2026, 2026-03, 2026-Q1; default: this quarter
    start: str = ""  # or a date range (ISO dates, both included)
    end: str = ""
    unit: ObjectId | None = None  # the matter's unit subtree; default: the caller's report scope
    department: ObjectId | None = None  # the lead department's subtree
    kind: str = ""
    group: str = "unit"  # unit (children of `unit`) | department | month


class RateOut(Schema):
    numerator: int
    denominator: int
    percent: float | None  # null when the denominator is 0 (shown "—", never 0%)


class RateRowOut(Schema):
    key: str
    label: str
    registered: int
    rates: dict[str, RateOut]


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    label: str


class RatesOut(Schema):
    period: PeriodOut
    unit: int | None
    department: int | None
    as_of: dt.datetime
    labels: dict[str, str]
    total: RateRowOut
    group: str
    rows: list[RateRowOut]


def _row(row: RateRow) -> RateRowOut:
    return RateRowOut.model_validate(row.as_dict())


@router.get(
    "/rates", response=RatesOut, summary="办理统计：响应率、按时办结率、办复率、面商率、满意率、解决率"
)
def rates(request: HttpRequest, params: Query[RateParams]) -> RatesOut:
    person = current_person(request)
    if not may_run_reports(person):
        raise NotPermitted("not_permitted", _("您没有查看办理统计的权限"))
    raw = {k: ("" if v is None else str(v)) for k, v in params.model_dump().items()}
    asked = rate_request(raw)
    filters = asked.filters
    root = filters.unit or home_unit_for_reports(person)
    if filters.unit is None and root is not None:
        filters = RateFilters(
            period=filters.period, unit=root, department=filters.department, kinds=filters.kinds
        )
    voices = report_voices(person)
    now = timezone.now()
    if asked.group == "department":
        rows = rates_by_department(voices, filters, now)
    elif asked.group == "month":
        rows = rates_by_month(voices, filters, now)
    else:
        rows = rates_by_child_unit(voices, filters, root, now) if root is not None else []
    return RatesOut(
        period=PeriodOut(start=filters.period.start, end=filters.period.end, label=filters.period.label),
        unit=filters.unit.pk if filters.unit else None,
        department=filters.department.pk if filters.department else None,
        as_of=now,
        labels={d.code: str(d.label) for d in RATE_DEFS},
        total=_row(compute_rates(voices, filters, now)),
        group=asked.group,
        rows=[_row(r) for r in rows],
    )
