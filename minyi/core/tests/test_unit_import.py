"""Importing units from .csv and .xlsx: parents anywhere in the file, row errors in Chinese, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from minyi.core.actions.unit_import import check_unit_import, do_import_units, read_unit_rows
from minyi.core.errors import ActionError
from minyi.core.models import Event, Unit

pytestmark = pytest.mark.django_db

HEADER = ["编码", "名称", "类别", "上级编码", "地址", "电话"]
# The community (row 2) names a township that only comes later (row 4).
GOOD_ROWS = [
    ["990101001009", "新桥社区", "社区", "990101009", "示范市东城区新桥路1号", "0990-6123456"],
    ["990101001009G01", "第一网格", "网格", "990101001009", "", ""],
    ["990101009", "新桥街道", "街道", "990101", "", ""],
    ["D-990101-JY", "东城区教育局", "部门", "990101", "", ""],
    ["S-990101009", "新桥街道人大代表联络站", "station", "990101009", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    text = "\n".join(",".join(row) for row in [HEADER, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_csv_import_creates_units_parents_first_with_events(tree, system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = Event.objects.count()
    units = do_import_units(write_csv(tmp_path / "units.csv", GOOD_ROWS), actor=system)
    assert [u.code for u in units] == [row[0] for row in GOOD_ROWS]
    community = Unit.objects.get(code="990101001009")
    township = Unit.objects.get(code="990101009")
    assert community.get_parent() == township and township.get_parent() == tree.district
    assert community.address == "示范市东城区新桥路1号" and community.phone == "0990-6123456"
    assert Unit.objects.get(code="990101001009G01").kind == "grid"
    assert Unit.objects.get(code="S-990101009").kind == "station"
    assert Event.objects.count() - before == len(GOOD_ROWS)
    assert Event.objects.filter(action="core.unit.create", subject_id=str(community.pk)).exists()
    assert Unit.find_problems() == ([], [], [], [], [])


def test_xlsx_import_with_numeric_codes(tree, system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [
        [990101002, "白鹭街道", "乡镇/街道", 990101, "", None],
        [990101002001, "白鹭社区", "community", 990101002, None, None],
    ]
    units = do_import_units(write_xlsx(tmp_path / "units.xlsx", rows), actor=system)
    assert [(u.code, u.kind) for u in units] == [("990101002", "township"), ("990101002001", "community")]


def test_gb18030_csv_from_excel(tree, system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        tmp_path / "units.csv", [["990101003", "红旗镇", "镇", "990101", "", ""]], encoding="gb18030"
    )
    assert do_import_units(path, actor=system)[0].name == "红旗镇"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_parent_code_imports_nothing(tree, system, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    rows = [*GOOD_ROWS, ["990101001010", "金桥社区", "社区", "990199999", "", ""]]
    path = (write_csv if fmt == "csv" else write_xlsx)(tmp_path / f"units.{fmt}", rows)  # type: ignore[operator]
    units, events = Unit.objects.count(), Event.objects.count()
    with pytest.raises(ActionError) as caught:
        do_import_units(path, actor=system)
    assert caught.value.code == "unit_import_invalid"
    assert caught.value.details["errors"] == [
        {
            "row": 7,
            "field": "parent_code",
            "message": "上级编码 990199999 不存在（既不在系统中，也不在本文件中）",
        }
    ]
    assert "第 7 行" in caught.value.message
    assert (Unit.objects.count(), Event.objects.count()) == (units, events)


def test_every_kind_of_row_error_is_reported_with_its_row(tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["990101005", "", "街道", "990101", "", ""],  # 2: empty name
        ["990101006", "某某", "居委", "990101", "", ""],  # 3: unknown kind
        ["990101007", "甲街道", "街道", "990101", "", ""],  # 4: fine
        ["990101007", "乙街道", "街道", "990101", "", ""],  # 5: duplicate in file
        [tree.township.code, "青云街道", "街道", "990101", "", ""],  # 6: duplicate in database
        ["990101008001", "错位社区", "社区", "990101", "", ""],  # 7: community under a district
        ["X1", "甲", "网格", "X2", "", ""],  # 8, 9: a cycle (and grids under grids)
        ["X2", "乙", "网格", "X1", "", ""],
        ["990109", "无上级区", "区", "", "", ""],  # 10: a district needs a parent
    ]
    errors = check_unit_import(read_unit_rows(write_csv(tmp_path / "bad.csv", rows)))
    by_row = {(e.row, e.field) for e in errors}
    assert (2, "name") in by_row
    assert (3, "kind") in by_row
    assert not any(e.row == 4 for e in errors)
    assert (5, "code") in by_row
    assert (6, "code") in by_row
    assert (7, "kind") in by_row
    assert (8, "parent_code") in by_row and (9, "parent_code") in by_row
    assert (10, "parent_code") in by_row
    messages = {e.row: str(e) for e in errors}
    assert messages[2] == "第 2 行：名称不能为空"
    assert "居委" in messages[3]
    assert "与第 4 行重复" in [str(e) for e in errors if e.row == 5][0]
    assert "已存在于系统中" in [str(e) for e in errors if e.row == 6][0]
    assert "村/社区 不能设在 区/县 之下" in [str(e) for e in errors if e.row == 7][0]


def test_missing_columns_and_wrong_format(system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "few.csv").write_text("编码,名称\nA,甲\n", encoding="utf-8")
    with pytest.raises(ActionError) as caught:
        do_import_units(tmp_path / "few.csv", actor=system)
    assert caught.value.code == "unit_import_columns" and "类别" in caught.value.message
    with pytest.raises(ActionError) as caught:
        do_import_units(io.BytesIO(b"x"), actor=system, filename="units.txt")
    assert caught.value.code == "unit_import_format"
    (tmp_path / "empty.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(ActionError) as caught:
        do_import_units(tmp_path / "empty.csv", actor=system)
    assert caught.value.code == "unit_import_empty"


def test_uploaded_file_object(tree, system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "units.csv", GOOD_ROWS[2:3])
    with path.open("rb") as handle:
        assert do_import_units(handle, actor=system)[0].code == "990101009"
