"""V5 — handling rates per period, unit subtree and department, computed in the database.

Every rate is a numerator and a denominator counted by one aggregate query (conditional COUNTs over
voices joined to their milestones); grouping by child unit, department or month is the same query
with a GROUP BY. Definitions, word for word, are in docs/voices.md ("Rates"); this module implements
exactly those. A rate whose denominator is 0 has no value and is shown as "—", never as 0%.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minyi.core.calendar import local_tz
from minyi.core.models import Unit
from minyi.voices.models import Resolution, Satisfaction, Voice, VoiceKind

# Kinds for which a face-to-face consultation (面商) is expected before the reply.
FACE_TO_FACE_KINDS = (VoiceKind.DEPUTY_SUGGESTION, VoiceKind.CPPCC_PROPOSAL)
EMPTY = "—"


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    label: str

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, day after end 00:00) in the platform's time zone."""
        tz = local_tz()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


class PeriodError(ValueError):
    pass


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def parse_period(text: str = "", start: str = "", end: str = "", today: dt.date | None = None) -> Period:
    """`2026` (year), `2026-03` (month), `2026-Q1` (quarter), or `start`/`end` ISO dates; default: this quarter."""
    text = (text or "").strip()
    if start or end:
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise PeriodError(_("日期格式应为 YYYY-MM-DD")) from None
        if last < first:
            raise PeriodError(_("结束日期不能早于开始日期"))
        return Period(first, last, f"{first.isoformat()} — {last.isoformat()}")
    if not text:
        today = today or timezone.localdate()
        text = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")
    if match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        first_month = 3 * (quarter - 1) + 1
        return Period(
            dt.date(year, first_month, 1), _month_end(year, first_month + 2), f"{year}年第{quarter}季度"
        )
    if (match := _MONTH.match(text)) and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return Period(dt.date(year, month, 1), _month_end(year, month), f"{year}年{month}月")
    raise PeriodError(_("统计期间应为 2026、2026-03 或 2026-Q1 之一"))


# ---------------------------------------------------------------------------------------------
# Rates


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(self.value * 100, 1)

    def display(self) -> str:
        return EMPTY if self.percent is None else f"{self.percent:.1f}%"


@dataclass(frozen=True)
class RateDef:
    code: str
    label: str | Promise


RATE_DEFS: tuple[RateDef, ...] = (
    RateDef("response", _("响应率")),
    RateDef("on_time", _("按时办结率")),
    RateDef("reply", _("办复率")),
    RateDef("face_to_face", _("面商率")),
    RateDef("satisfaction", _("满意率")),
    RateDef("satisfied", _("满意")),
    RateDef("basic", _("基本满意")),
    RateDef("resolution", _("解决率")),
)


@dataclass
class RateRow:
    key: str
    label: str
    registered: int
    rates: dict[str, Rate] = field(default_factory=dict)

    def cells(self) -> list[Rate]:
        """The rates in RATE_DEFS order (table columns)."""
        return [self.rates[d.code] for d in RATE_DEFS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "registered": self.registered,
            "rates": {
                code: {"numerator": r.numerator, "denominator": r.denominator, "percent": r.percent}
                for code, r in self.rates.items()
            },
        }


@dataclass(frozen=True)
class RateFilters:
    period: Period
    unit: Unit | None = None  # the matter's unit (Voice.unit) lies in this subtree
    department: Unit | None = None  # the lead department lies in this subtree
    kinds: tuple[str, ...] = ()


def _counts(as_of: dt.datetime) -> dict[str, Count]:
    """Named conditional COUNTs; each numerator's condition includes its denominator's."""
    m = "milestones__"
    accept_due = Q(**{f"{m}accept_due_at__isnull": False}) & (
        Q(**{f"{m}accepted_at__isnull": False}) | Q(**{f"{m}accept_due_at__lt": as_of})
    )
    accepted_on_time = accept_due & Q(**{f"{m}accepted_at__lte": F(f"{m}accept_due_at")})
    reply_due = Q(**{f"{m}excluded": False, f"{m}reply_due_at__isnull": False}) & (
        Q(**{f"{m}replied_at__isnull": False}) | Q(**{f"{m}reply_due_at__lt": as_of})
    )
    replied = Q(**{f"{m}replied_at__isnull": False})
    proposals = Q(kind__in=FACE_TO_FACE_KINDS) & replied
    rated = Q(satisfaction__in=[s.value for s in Satisfaction])
    return {
        "registered": Count("pk"),
        "response_d": Count("pk", filter=accept_due),
        "response_n": Count("pk", filter=accepted_on_time),
        "reply_d": Count("pk", filter=reply_due),
        "reply_n": Count("pk", filter=reply_due & replied),
        "on_time_n": Count("pk", filter=reply_due & Q(**{f"{m}replied_at__lte": F(f"{m}reply_due_at")})),
        "face_to_face_d": Count("pk", filter=proposals),
        "face_to_face_n": Count("pk", filter=proposals & Q(**{f"{m}consulted_at__lte": F(f"{m}replied_at")})),
        "rated": Count("pk", filter=rated),
        "satisfied_n": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basic_n": Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
        "resolution_d": Count("pk", filter=replied),
        "resolution_n": Count("pk", filter=replied & Q(resolution=Resolution.RESOLVED)),
    }


def _rates_of(row: dict[str, Any]) -> dict[str, Rate]:
    rated = row["rated"]
    return {
        "response": Rate(row["response_n"], row["response_d"]),
        "on_time": Rate(row["on_time_n"], row["reply_d"]),
        "reply": Rate(row["reply_n"], row["reply_d"]),
        "face_to_face": Rate(row["face_to_face_n"], row["face_to_face_d"]),
        "satisfaction": Rate(row["satisfied_n"] + row["basic_n"], rated),
        "satisfied": Rate(row["satisfied_n"], rated),
        "basic": Rate(row["basic_n"], rated),
        "resolution": Rate(row["resolution_n"], row["resolution_d"]),
    }


def cohort(voices: QuerySet[Voice], filters: RateFilters) -> QuerySet[Voice]:
    """The items a report counts: registered in the period, in the unit and department subtrees."""
    start, end = filters.period.bounds()
    queryset = voices.filter(created_at__gte=start, created_at__lt=end)
    if filters.unit is not None:
        queryset = queryset.filter(filters.unit.subtree_q("unit__path"))
    if filters.department is not None:
        queryset = queryset.filter(filters.department.subtree_q("lead_department__path"))
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    return queryset


def compute_rates(voices: QuerySet[Voice], filters: RateFilters, as_of: dt.datetime | None = None) -> RateRow:
    """The totals: one aggregate query."""
    as_of = as_of or timezone.now()
    row = cohort(voices, filters).aggregate(**_counts(as_of))
    return RateRow(key="total", label=str(_("合计")), registered=row["registered"], rates=_rates_of(row))


def rates_by_child_unit(
    voices: QuerySet[Voice], filters: RateFilters, root: Unit, as_of: dt.datetime | None = None
) -> list[RateRow]:
    """One row per child of `root` (its whole subtree each), plus `root`'s own items: one query + labels."""
    as_of = as_of or timezone.now()
    width = len(root.path) + Unit.steplen
    rows = (
        cohort(voices, filters)
        .filter(root.subtree_q("unit__path"))
        .annotate(branch=Substr("unit__path", 1, width))
        .values("branch")
        .annotate(**_counts(as_of))
        .order_by("branch")
    )
    data = list(rows)
    names = dict(Unit.objects.filter(path__in=[r["branch"] for r in data]).values_list("path", "name"))
    return [
        RateRow(
            key=r["branch"],
            label=str(_("本级")) if r["branch"] == root.path else names.get(r["branch"], r["branch"]),
            registered=r["registered"],
            rates=_rates_of(r),
        )
        for r in data
    ]


def rates_by_department(
    voices: QuerySet[Voice], filters: RateFilters, as_of: dt.datetime | None = None
) -> list[RateRow]:
    """One row per lead department (items without one are left out): one query."""
    as_of = as_of or timezone.now()
    rows = (
        cohort(voices, filters)
        .filter(lead_department__isnull=False)
        .values("lead_department", "lead_department__name")
        .annotate(**_counts(as_of))
        .order_by("lead_department__name")
    )
    return [
        RateRow(
            key=str(r["lead_department"]),
            label=r["lead_department__name"],
            registered=r["registered"],
            rates=_rates_of(r),
        )
        for r in rows
    ]


def rates_by_month(
    voices: QuerySet[Voice], filters: RateFilters, as_of: dt.datetime | None = None
) -> list[RateRow]:
    """One row per month of registration in the period: one query."""
    as_of = as_of or timezone.now()
    rows = (
        cohort(voices, filters)
        .annotate(month=TruncMonth("created_at", tzinfo=local_tz()))
        .values("month")
        .annotate(**_counts(as_of))
        .order_by("month")
    )
    out = []
    for r in rows:
        month = r["month"]
        label = f"{month.year}-{month.month:02d}" if month else "?"
        out.append(RateRow(key=label, label=label, registered=r["registered"], rates=_rates_of(r)))
    return out
