"""Reading hotline (12345) and chat-group exports: the table, its columns, and each row checked.

Nothing here writes. `parse_table` turns a file into checked rows — valid ones carry the resolved
unit and category, invalid ones a Chinese problem per column — for the preview and the import run.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import scope_roots
from minyi.voices.models import Category, ImportSource, Voice

IMPORT_ROLES = ("hotline_operator", "district_staff", "township_staff")
PLACE_KINDS = (UnitKind.COMMUNITY, UnitKind.TOWNSHIP, UnitKind.GRID)
CONTENT_MAX = 4000
PREVIEW_ROWS = 10

# Headers as the exports write them → the field they mean. Compared without spaces.
HEADER_FIELDS: dict[str, str] = {
    "工单编号": "ticket",
    "工单号": "ticket",
    "编号": "ticket",
    "受理编号": "ticket",
    "来电时间": "time",
    "受理时间": "time",
    "时间": "time",
    "发言时间": "time",
    "来电人": "name",
    "姓名": "name",
    "联系人": "name",
    "发言人": "name",
    "联系电话": "phone",
    "电话": "phone",
    "手机号": "phone",
    "来电号码": "phone",
    "诉求内容": "content",
    "内容": "content",
    "来电内容": "content",
    "消息内容": "content",
    "所属社区/街道": "unit",
    "所属社区": "unit",
    "所属街道": "unit",
    "社区": "unit",
    "街道": "unit",
    "所属区域": "unit",
    "诉求类别": "category",
    "类别": "category",
    "问题类别": "category",
    "渠道": "channel",
    "来源": "channel",
    "标题": "title",
    "地址": "place",
    "地点": "place",
    "事发地址": "place",
    "群名": "group",
    "群名称": "group",
}
FIELD_LABELS = {
    "ticket": "工单编号",
    "time": "时间",
    "name": "来电人/发言人",
    "phone": "联系电话",
    "content": "内容",
    "unit": "所属社区/街道",
    "category": "诉求类别",
    "channel": "渠道",
    "title": "标题",
    "place": "地址",
    "group": "群名",
}
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日",
    "%Y-%m-%dT%H:%M:%S",
    "%Y.%m.%d %H:%M",
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, size, no recognisable header)."""


@dataclass
class ParsedTable:
    source: str
    columns: dict[str, str]  # header → field, as recognised
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid_rows(self) -> int:
        return sum(1 for row in self.rows if row["ok"])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers and ticket numbers typed as numbers in Excel
    return str(value).strip()


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of cells as text from a .csv (UTF-8 or GB18030, as Chinese Excel saves it) or .xlsx."""
    if len(data) > settings.MINYI_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("文件过大，不能超过 %(n)d MB") % {"n": settings.MINYI_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    name = filename.lower()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes nearly anything
            raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 编码的 CSV"))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise ImportFileError(_("文件不是有效的 .xlsx 表格"))
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("文件不是有效的 .xlsx 表格")) from None
        sheet = book.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    raise ImportFileError(_("只支持 .xlsx 或 .csv 文件"))


def recognise(headers: list[str]) -> tuple[str, dict[int, str], dict[str, str]]:
    """Which export this is, and which column holds which field."""
    by_index: dict[int, str] = {}
    columns: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = re.sub(r"\s+", "", header)
        field_name = HEADER_FIELDS.get(key)
        if field_name and field_name not in by_index.values():
            by_index[index] = field_name
            columns[header] = field_name
    found = set(by_index.values())
    if "content" not in found:
        raise ImportFileError(_("第1行没有识别出“诉求内容”或“内容”列，请检查表头"))
    source = (
        ImportSource.CHAT if {"group", "name"} <= found and "ticket" not in found else ImportSource.HOTLINE
    )
    return source, by_index, columns


def parse_time(text: str) -> dt.datetime | None:
    for fmt in _TIME_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(value)
    return None


class UnitFinder:
    """Finds the community or township a row names, among those in the importer's scope."""

    def __init__(self, person: Person):
        units = list(
            Unit.objects.filter(kind__in=PLACE_KINDS, is_active=True).only("id", "name", "path", "depth")
        )
        self.names = {unit.path: unit.name for unit in units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, []).append(unit)
        self.roots = scope_roots(person, IMPORT_ROLES)

    def in_scope(self, unit: Unit) -> bool:
        return any(unit.path.startswith(root) for root in self.roots)

    def find(self, text: str) -> tuple[Unit | None, str]:
        compact = re.sub(r"\s+", "", text)
        candidates = self.by_name.get(compact) or [
            unit for name, units in self.by_name.items() if name in compact for unit in units
        ]
        if not candidates:
            return None, _("未找到名为“%(v)s”的社区或街道") % {"v": text[:40]}
        deepest = max(unit.depth for unit in candidates)
        candidates = [unit for unit in candidates if unit.depth == deepest]
        if len(candidates) > 1:
            # Two communities of the same name: the township named beside it decides.
            named = [u for u in candidates if self.names.get(u.path[: -Unit.steplen], "\0") in compact]
            candidates = named or candidates
        if len(candidates) > 1:
            return None, _("“%(v)s”对应多个社区，请写明所属街道") % {"v": text[:40]}
        unit = candidates[0]
        if not self.in_scope(unit):
            return None, _("“%(v)s”不在您的管辖范围内") % {"v": unit.name}
        return unit, ""


class CategoryFinder:
    def __init__(self, default: Category | None):
        self.categories = list(Category.objects.filter(is_active=True))
        self.default = default

    def find(self, text: str) -> Category | None:
        if text:
            for category in self.categories:
                if text in (category.name, category.code):
                    return category
            for category in self.categories:
                if category.name in text or text in category.name:
                    return category
        return self.default


def row_key(source: str, values: dict[str, str]) -> str:
    """The stable key that makes re-imports find the same row: the ticket, else a content hash."""
    if source == ImportSource.HOTLINE and values.get("ticket"):
        return f"{source}:{values['ticket'][:100]}"
    basis = "|".join(values.get(name, "") for name in ("group", "time", "name", "phone", "content"))
    return f"{source}:{hashlib.sha256(basis.encode('utf-8')).hexdigest()[:40]}"


def check_row(
    values: dict[str, str],
    source: str,
    units: UnitFinder,
    categories: CategoryFinder,
    default_unit: Unit | None,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The cleaned row and its problems as (column label, problem)."""
    problems: list[tuple[str, str]] = []
    content = values.get("content", "")
    if not content:
        problems.append((FIELD_LABELS["content"], _("内容不能为空")))
    elif len(content) > CONTENT_MAX:
        problems.append((FIELD_LABELS["content"], _("内容超过 %(n)d 字") % {"n": CONTENT_MAX}))
    when = None
    if values.get("time"):
        when = parse_time(values["time"])
        if when is None:
            problems.append(
                (
                    FIELD_LABELS["time"],
                    _("无法识别的时间“%(v)s”，应为 2026-03-01 09:30 格式") % {"v": values["time"][:30]},
                )
            )
    elif source == ImportSource.CHAT:
        problems.append((FIELD_LABELS["time"], _("群聊记录必须有发言时间")))
    phone = values.get("phone", "")
    if phone and not _PHONE.match(phone):
        problems.append((FIELD_LABELS["phone"], _("电话号码格式不正确“%(v)s”") % {"v": phone[:30]}))
    if len(values.get("ticket", "")) > 100:
        problems.append((FIELD_LABELS["ticket"], _("工单编号过长")))
    unit: Unit | None = default_unit
    unit_text = values.get("unit") or (values.get("group", "") if source == ImportSource.CHAT else "")
    if unit_text:
        found, problem = units.find(unit_text)
        if found is not None:
            unit = found
        elif values.get("unit") or default_unit is None:
            problems.append((FIELD_LABELS["unit"], problem))
    if unit is None and not any(label == FIELD_LABELS["unit"] for label, _p in problems):
        problems.append((FIELD_LABELS["unit"], _("缺少所属社区/街道，且未选择默认所属区域")))
    category = categories.find(values.get("category", ""))
    if category is None:
        problems.append(
            (
                FIELD_LABELS["category"],
                _("无法识别诉求类别“%(v)s”，且未选择默认类别") % {"v": values.get("category", "")[:30]},
            )
        )
    cleaned = {
        "ref": row_key(source, values),
        "unit": unit.pk if unit else None,
        "category": category.pk if category else None,
        "title": (values.get("title") or content.splitlines()[0] if content else "")[:30],
        "content": content,
        "contact_name": values.get("name", "")[:60],
        "contact_phone": phone[:20],
        "place": values.get("place", "")[:200],
        "time": when.isoformat() if when else "",
        "ticket": values.get("ticket", ""),
        "group": values.get("group", "")[:100],
        "channel": values.get("channel", "")[:40],
    }
    return cleaned, problems


def parse_table(
    table: list[list[str]], *, person: Person, default_unit: Unit | None, default_category: Category | None
) -> ParsedTable:
    rows = [row for row in table]
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportFileError(_("文件是空的"))
    source, by_index, columns = recognise(rows[0])
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell for cell in row)]
    if not body:
        raise ImportFileError(_("文件只有表头，没有数据行"))
    if len(body) > settings.MINYI_IMPORT_MAX_ROWS:
        raise ImportFileError(_("数据行过多，一次最多导入 %(n)d 行") % {"n": settings.MINYI_IMPORT_MAX_ROWS})
    parsed = ParsedTable(source=source, columns=columns)
    units, categories = UnitFinder(person), CategoryFinder(default_category)
    first_row_of: dict[str, int] = {}
    for number, row in body:
        values = {name: (row[index] if index < len(row) else "") for index, name in by_index.items()}
        cleaned, problems = check_row(values, source, units, categories, default_unit)
        cleaned.update(row=number, ok=not problems, skip="", raw=values)
        if not problems:
            earlier = first_row_of.setdefault(cleaned["ref"], number)
            if earlier != number:
                cleaned["skip"] = _("与第 %(n)d 行重复") % {"n": earlier}
        parsed.rows.append(cleaned)
        parsed.errors.extend(
            {"row": number, "column": column, "problem": problem} for column, problem in problems
        )
    mark_already_imported(parsed.rows)
    return parsed


def mark_already_imported(rows: Iterable[dict[str, Any]]) -> None:
    pending = [row for row in rows if row["ok"] and not row["skip"]]
    for start in range(0, len(pending), 500):
        chunk = pending[start : start + 500]
        existing = set(
            Voice.objects.filter(external_ref__in=[row["ref"] for row in chunk]).values_list(
                "external_ref", flat=True
            )
        )
        for row in chunk:
            if row["ref"] in existing:
                row["skip"] = _("已导入过")
