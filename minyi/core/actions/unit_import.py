"""O1 — importing units from a spreadsheet (.csv or .xlsx).

All or nothing: every row is checked first and any error stops the whole import, so an office never
ends up with half a tree. A row's parent may be an existing unit or any row of the same file, earlier
or later; rows are created parents first, each through `do_create_unit` so each gets its event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Unit
from minyi.core.models.units import ALLOWED_PARENT_KINDS, UnitKind

# Header → field. Chinese headers are what offices use; English ones are accepted for scripts.
COLUMNS: dict[str, str] = {
    "编码": "code",
    "单位编码": "code",
    "code": "code",
    "名称": "name",
    "单位名称": "name",
    "name": "name",
    "类别": "kind",
    "kind": "kind",
    "上级编码": "parent_code",
    "parent_code": "parent_code",
    "parent": "parent_code",
    "地址": "address",
    "address": "address",
    "电话": "phone",
    "联系电话": "phone",
    "phone": "phone",
}
REQUIRED_FIELDS = ("code", "name", "kind", "parent_code")

# What people write in the 类别 column, besides the kind codes themselves.
KIND_ALIASES: dict[str, str] = {
    "市": UnitKind.CITY,
    "地级市": UnitKind.CITY,
    "区": UnitKind.DISTRICT,
    "县": UnitKind.DISTRICT,
    "区县": UnitKind.DISTRICT,
    "区/县": UnitKind.DISTRICT,
    "县级市": UnitKind.DISTRICT,
    "街道": UnitKind.TOWNSHIP,
    "乡": UnitKind.TOWNSHIP,
    "镇": UnitKind.TOWNSHIP,
    "乡镇": UnitKind.TOWNSHIP,
    "乡镇/街道": UnitKind.TOWNSHIP,
    "街道办事处": UnitKind.TOWNSHIP,
    "社区": UnitKind.COMMUNITY,
    "村": UnitKind.COMMUNITY,
    "村/社区": UnitKind.COMMUNITY,
    "居委会": UnitKind.COMMUNITY,
    "村委会": UnitKind.COMMUNITY,
    "网格": UnitKind.GRID,
    "小组": UnitKind.GRID,
    "村民小组": UnitKind.GRID,
    "楼栋": UnitKind.GRID,
    "小组/网格/楼栋": UnitKind.GRID,
    "部门": UnitKind.DEPARTMENT,
    "职能部门": UnitKind.DEPARTMENT,
    "局": UnitKind.DEPARTMENT,
    "联络站": UnitKind.STATION,
    "代表联络站": UnitKind.STATION,
    "人大代表联络站": UnitKind.STATION,
    "议事会": UnitKind.COUNCIL,
    "服务点": UnitKind.SERVICE_POINT,
}


@dataclass(frozen=True)
class UnitRow:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    code: str
    name: str
    kind: str
    parent_code: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


def parse_kind(value: str) -> str | None:
    value = value.strip()
    if value in UnitKind.values:
        return value
    return KIND_ALIASES.get(value)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    return str(value).strip()


def _rows_from_table(table: Iterable[Iterable[object]]) -> list[UnitRow]:
    iterator = iter(table)
    header = [_cell(h) for h in next(iterator, [])]
    fields = [COLUMNS.get(h) or COLUMNS.get(h.lower()) for h in header]
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise ActionError(
            "unit_import_columns",
            _("缺少必需的列：%(cols)s")
            % {"cols": "、".join(next(h for h, f in COLUMNS.items() if f == m) for m in missing)},
            {"missing": missing},
        )
    rows = []
    for number, values in enumerate(iterator, start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        record = {f: cells[i] if i < len(cells) else "" for i, f in enumerate(fields) if f}
        rows.append(UnitRow(number=number, **record))
    return rows


def read_unit_rows(file: str | Path | IO[bytes], filename: str | None = None) -> list[UnitRow]:
    """Rows of a .csv (UTF-8, with or without BOM, or GB18030) or .xlsx file."""
    name = filename or (str(file) if isinstance(file, str | Path) else getattr(file, "name", ""))
    raw = Path(file).read_bytes() if isinstance(file, str | Path) else file.read()
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        return _rows_from_table(sheet.iter_rows(values_only=True))
    if name.lower().endswith(".csv"):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # what Excel on a Chinese Windows saves
        return _rows_from_table(csv.reader(io.StringIO(text)))
    raise ActionError("unit_import_format", _("只支持 .csv 或 .xlsx 文件"), {"field": "file"})


def check_unit_import(rows: list[UnitRow]) -> list[RowError]:
    """Every problem of every row, in row order; an empty list means the file can be imported."""
    errors: list[RowError] = []
    by_code: dict[str, UnitRow] = {}
    for row in rows:
        if row.code and row.code in by_code:
            errors.append(
                RowError(
                    row.number,
                    "code",
                    _("编码 %(code)s 与第 %(other)d 行重复")
                    % {"code": row.code, "other": by_code[row.code].number},
                )
            )
        elif row.code:
            by_code[row.code] = row
    existing = {
        u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows if r.code]).only("code") if u.code
    }
    parents = {
        u.code: u
        for u in Unit.objects.filter(code__in=[r.parent_code for r in rows if r.parent_code]).only(
            "code", "kind"
        )
        if u.code
    }
    for row in rows:
        errors.extend(_row_errors(row, by_code, existing, parents))
    errors.extend(_cycle_errors(rows, by_code))
    return sorted(errors, key=lambda e: e.row)


def _row_errors(
    row: UnitRow, by_code: dict[str, UnitRow], existing: dict[str, Unit], parents: dict[str, Unit]
) -> list[RowError]:
    errors = []
    n = row.number
    if not row.name:
        errors.append(RowError(n, "name", _("名称不能为空")))
    elif len(row.name) > Unit._meta.get_field("name").max_length:  # type: ignore[operator]
        errors.append(RowError(n, "name", _("名称过长")))
    if not row.code:
        errors.append(RowError(n, "code", _("编码不能为空")))
    elif len(row.code) > Unit._meta.get_field("code").max_length:  # type: ignore[operator]
        errors.append(RowError(n, "code", _("编码过长")))
    elif row.code in existing:
        errors.append(RowError(n, "code", _("编码 %(code)s 已存在于系统中") % {"code": row.code}))
    kind = parse_kind(row.kind)
    if kind is None:
        errors.append(RowError(n, "kind", _("未知的类别：%(kind)s") % {"kind": row.kind or _("（空）")}))
    parent_kind: str | None = None
    if row.parent_code:
        if row.parent_code == row.code:
            errors.append(RowError(n, "parent_code", _("上级编码不能是本单位自己")))
        elif row.parent_code in by_code:
            parent_kind = parse_kind(by_code[row.parent_code].kind)
        elif row.parent_code in parents:
            parent_kind = parents[row.parent_code].kind
        else:
            errors.append(
                RowError(
                    n,
                    "parent_code",
                    _("上级编码 %(code)s 不存在（既不在系统中，也不在本文件中）") % {"code": row.parent_code},
                )
            )
    if kind is None:
        return errors
    allowed = ALLOWED_PARENT_KINDS[kind]
    if not row.parent_code and allowed:
        errors.append(
            RowError(n, "parent_code", _("%(kind)s 必须填写上级编码") % {"kind": UnitKind(kind).label})
        )
    elif parent_kind is not None and parent_kind not in allowed:
        errors.append(
            RowError(
                n,
                "kind",
                _("%(kind)s 不能设在 %(parent_kind)s 之下")
                % {"kind": UnitKind(kind).label, "parent_kind": UnitKind(parent_kind).label},
            )
        )
    return errors


def _cycle_errors(rows: list[UnitRow], by_code: dict[str, UnitRow]) -> list[RowError]:
    errors = []
    for row in rows:
        seen = {row.code}
        parent = by_code.get(row.parent_code)
        while parent is not None:
            if parent.code in seen:
                errors.append(RowError(row.number, "parent_code", _("上级编码形成循环")))
                break
            seen.add(parent.code)
            parent = by_code.get(parent.parent_code)
    return errors


def creation_order(rows: list[UnitRow]) -> list[UnitRow]:
    """Rows ordered so every row comes after the row it names as parent (the file may say it later)."""
    by_code = {row.code: row for row in rows}
    ordered: list[UnitRow] = []
    placed: set[str] = set()

    def place(row: UnitRow) -> None:
        if row.code in placed:
            return
        parent = by_code.get(row.parent_code)
        if parent is not None:
            place(parent)
        placed.add(row.code)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


@transaction.atomic
def do_import_units(
    file: str | Path | IO[bytes],
    *,
    actor: Actor,
    filename: str | None = None,
    on_created: Callable[[Unit], object] | None = None,
) -> list[Unit]:
    rows = read_unit_rows(file, filename)
    if not rows:
        raise ActionError("unit_import_empty", _("文件中没有任何单位"), {"field": "file"})
    errors = check_unit_import(rows)
    if errors:
        raise ActionError(
            "unit_import_invalid",
            _("导入失败，共 %(n)d 处错误，未导入任何单位：") % {"n": len(errors)}
            + "；".join(str(e) for e in errors),
            {"errors": [{"row": e.row, "field": e.field, "message": e.message} for e in errors]},
        )
    units: dict[str, Unit] = {}
    for row in creation_order(rows):
        parent = units.get(row.parent_code) or (
            Unit.objects.get(code=row.parent_code) if row.parent_code else None
        )
        kind = parse_kind(row.kind)
        assert kind is not None  # checked above
        unit = do_create_unit(
            UnitInput(name=row.name, kind=kind, code=row.code, address=row.address, phone=row.phone),
            parent,
            actor=actor,
        )
        units[row.code] = unit
        if on_created:
            on_created(unit)
    return [units[row.code] for row in rows]
