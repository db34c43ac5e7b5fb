"""V1 — the ledger (台账) of voices as .xlsx: one row per item, the columns an office keeps.

Built for large ledgers: one SELECT (process state, deadline, co-handlers and the community's
township come from correlated subqueries, not per-row queries) read with `.iterator()`, written by a
write-only openpyxl workbook to a temporary file; memory stays flat and the query count is the same
for ten rows or a million.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Aggregate, CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Length, Substr
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from minyi.core.calendar import local_tz
from minyi.core.engine.registry import current_definition
from minyi.core.models import ProcessInstance, Unit
from minyi.voices.milestones import PROCESS, SUBJECT_TYPE
from minyi.voices.models import CoHandler, Resolution, Satisfaction, Voice
from minyi.voices.rates import Period

SUMMARY_LENGTH = 60
DATE_FORMAT = "yyyy-mm-dd hh:mm"
OVERDUE_OPEN = "超期未办"
OVERDUE_REPLIED = "超期答复"
NOT_OVERDUE = "否"
# The feedback wait after a reply is not handling time: an item awaiting the submitter's rating is not overdue.
NOT_HANDLING_STATES = ("replied",)


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    is_date: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("编号", 16),
    Column("登记时间", 17, is_date=True),
    Column("渠道", 12),
    Column("类别", 12),
    Column("所属社区/街道", 22),
    Column("标题", 28),
    Column("内容摘要", 40),
    Column("牵头单位", 20),
    Column("协办单位", 24),
    Column("当前状态", 14),
    Column("办理时限", 17, is_date=True),
    Column("是否超期", 10),
    Column("答复时间", 17, is_date=True),
    Column("办理结果", 16),
    Column("满意度", 10),
    Column("督办", 6),
)


class GroupConcat(Aggregate):
    """Comma-joined values: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def __init__(self, expression: Any, separator: str = "、", **extra: Any) -> None:
        super().__init__(expression, Value(separator), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


@dataclass(frozen=True)
class LedgerFilters:
    period: Period | None = None
    unit: Unit | None = None
    department: Unit | None = None
    category_id: int | None = None
    channel_id: int | None = None
    state: str = ""
    supervised: bool | None = None
    overdue: bool = False


def _instance_field(name: str) -> Subquery:
    instances = ProcessInstance.objects.filter(
        process=PROCESS, subject_type=SUBJECT_TYPE, subject_id=Cast(OuterRef("pk"), CharField())
    )
    return Subquery(instances.values(name)[:1])


def overdue_open_q(now: dt.datetime) -> Q:
    return Q(instance_is_final=False, instance_deadline__lt=now) & ~Q(instance_state__in=NOT_HANDLING_STATES)


def replied_late_q() -> Q:
    return Q(milestones__replied_at__gt=F("milestones__reply_due_at"))


def ledger_queryset(
    voices: QuerySet[Voice], filters: LedgerFilters, now: dt.datetime | None = None
) -> QuerySet[Voice]:
    """The filtered rows, annotated with everything the columns need (values, not model instances)."""
    now = now or timezone.now()
    co_handlers = (
        CoHandler.objects.filter(voice=OuterRef("pk"))
        .values("voice")
        .annotate(names=GroupConcat("unit__name"))
        .values("names")
    )
    parent_path = Substr(OuterRef("unit__path"), 1, Length(OuterRef("unit__path")) - Unit.steplen)
    parent_name = Unit.objects.filter(path=parent_path).values("name")[:1]
    queryset = voices.annotate(
        instance_state=_instance_field("state"),
        instance_deadline=_instance_field("deadline_at"),
        instance_is_final=_instance_field("is_final"),
        co_handler_names=Subquery(co_handlers),
        parent_unit_name=Subquery(parent_name),
        summary=Substr("content", 1, SUMMARY_LENGTH),
        reply_time=Coalesce("replied_at", "milestones__replied_at"),
    )
    if filters.period is not None:
        start, end = filters.period.bounds()
        queryset = queryset.filter(created_at__gte=start, created_at__lt=end)
    if filters.unit is not None:
        queryset = queryset.filter(filters.unit.subtree_q("unit__path"))
    if filters.department is not None:
        queryset = queryset.filter(filters.department.subtree_q("lead_department__path"))
    if filters.category_id is not None:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.channel_id is not None:
        queryset = queryset.filter(channel_id=filters.channel_id)
    if filters.state:
        queryset = queryset.filter(instance_state=filters.state)
    if filters.supervised is not None:
        queryset = queryset.filter(is_supervised=filters.supervised)
    if filters.overdue:
        queryset = queryset.filter(overdue_open_q(now) | replied_late_q())
    return queryset.order_by("created_at", "pk")


ROW_FIELDS = (
    "tracking_code",
    "created_at",
    "channel__name",
    "category__name",
    "unit__name",
    "parent_unit_name",
    "title",
    "summary",
    "lead_department__name",
    "co_handler_names",
    "instance_state",
    "instance_deadline",
    "instance_is_final",
    "milestones__reply_due_at",
    "milestones__replied_at",
    "reply_time",
    "resolution",
    "satisfaction",
    "is_supervised",
)


def _excel_time(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: local wall-clock time, naive."""
    if value is None:
        return None
    return timezone.localtime(value, local_tz()).replace(tzinfo=None, microsecond=0)


class RowFormatter:
    def __init__(self, now: dt.datetime) -> None:
        definition = current_definition(PROCESS)
        self.state_titles = {name: state.title.zh for name, state in definition.states.items()}
        self.resolutions = {c.value: _zh(c.label) for c in Resolution}
        self.satisfactions = {c.value: _zh(c.label) for c in Satisfaction}
        self.now = now

    def overdue(self, row: dict[str, Any]) -> str:
        due, replied = row["milestones__reply_due_at"], row["milestones__replied_at"]
        if due is not None and replied is not None and replied > due:
            return OVERDUE_REPLIED
        deadline = row["instance_deadline"]
        open_step = row["instance_is_final"] is False and row["instance_state"] not in NOT_HANDLING_STATES
        if open_step and deadline is not None and deadline < self.now:
            return OVERDUE_OPEN
        return NOT_OVERDUE

    def values(self, row: dict[str, Any]) -> list[Any]:
        place = " ".join(p for p in (row["parent_unit_name"], row["unit__name"]) if p)
        deadline = row["milestones__reply_due_at"] or row["instance_deadline"]
        return [
            row["tracking_code"],
            _excel_time(row["created_at"]),
            row["channel__name"],
            row["category__name"],
            place,
            row["title"],
            row["summary"],
            row["lead_department__name"] or "",
            row["co_handler_names"] or "",
            self.state_titles.get(row["instance_state"] or "", row["instance_state"] or ""),
            _excel_time(deadline),
            self.overdue(row),
            _excel_time(row["reply_time"]),
            self.resolutions.get(row["resolution"], ""),
            self.satisfactions.get(row["satisfaction"], ""),
            "是" if row["is_supervised"] else "",
        ]


def _zh(label: Any) -> str:
    with translation.override("zh-hans"):
        return str(label)


def _header(sheet: WriteOnlyWorksheet) -> list[Any]:
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    return cells


def write_ledger(
    rows: QuerySet[Voice], out: IO[bytes], now: dt.datetime | None = None, title: str = "民情台账"
) -> int:
    """Stream the rows into `out` as one sheet; returns the number of item rows written."""
    now = now or timezone.now()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet))
    formatter = RowFormatter(now)
    date_columns = {i for i, c in enumerate(COLUMNS) if c.is_date}
    count = 0
    for row in rows.values(*ROW_FIELDS).iterator(chunk_size=2000):
        values = formatter.values(row)
        cells: list[Any] = []
        for index, value in enumerate(values):
            if index in date_columns and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(out)
    return count


def ledger_file(rows: QuerySet[Voice], now: dt.datetime | None = None) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (rewound), for a streaming download."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    count = write_ledger(rows, out, now)
    out.seek(0)
    return out, count
