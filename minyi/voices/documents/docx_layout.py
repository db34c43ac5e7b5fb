"""Page layout of printed office forms: A4, 宋体 body, 黑体 centred title, bordered table, signature lines."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.run import Run

from minyi.core.calendar import local_tz

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(12)  # 小四
TITLE_SIZE = Pt(18)  # 小二
LABEL_WIDTH = Mm(30)
TEXT_WIDTH = Mm(160)  # A4 (210 mm) less 25 mm margins on each side


def set_font(run: Run, name: str, size: Pt | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font both: Word uses w:eastAsia for Chinese characters."""
    run.font.name = name
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold


def new_form(title: str, subtitle: str = "") -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(heading.add_run(title), TITLE_FONT, TITLE_SIZE, bold=True)
    if subtitle:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(line.add_run(subtitle), BODY_FONT, Pt(10.5))
    return document


def fill(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    """Write text into a cell, one paragraph per line."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = (text or "").split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(paragraph.add_run(line), BODY_FONT, BODY_SIZE, bold=bold)


def grid(document: DocumentObject, columns: int) -> Table:
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def field_rows(
    table: Table, rows: list[list[tuple[str, str]]], min_height: dict[str, int] | None = None
) -> None:
    """Rows of (label, value) pairs on a four-column table: two pairs per row, or one pair spanning it."""
    min_height = min_height or {}
    for pairs in rows:
        cells = table.add_row().cells
        if len(pairs) == 1:
            label, value = pairs[0]
            fill(cells[0], label, bold=True, center=True)
            merged = cells[1].merge(cells[3])
            fill(merged, value)
            if label in min_height:
                table.rows[-1].height = Mm(min_height[label])
        else:
            for index, (label, value) in enumerate(pairs[:2]):
                fill(cells[index * 2], label, bold=True, center=True)
                fill(cells[index * 2 + 1], value)
    for row in table.rows:
        row.cells[0].width = LABEL_WIDTH


def signature_line(document: DocumentObject, who: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    set_font(
        paragraph.add_run(f"{who}（签字）：________________　　日期：______年____月____日"),
        BODY_FONT,
        BODY_SIZE,
    )


def checkboxes(options: list[tuple[str, str]], chosen: str) -> str:
    return "　".join(("☑" if value == chosen else "☐") + label for value, label in options)


def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value, local_tz())
    return f"{local.year}年{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
