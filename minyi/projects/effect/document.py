"""The list of effect results for the next deputies' assembly as a printable .docx (A4, office layout)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.models import Unit
from minyi.projects.effect.report import ResultRow, rate_text, title_of
from minyi.voices.documents.docx_layout import fill, grid, new_form, to_bytes


def assembly_docx(unit: Unit | None, rows: list[ResultRow]) -> bytes:
    document = new_form(title_of(unit), _("制表日期：%(day)s") % {"day": timezone.localdate().isoformat()})
    headers = [
        _("序号"),
        _("项目"),
        _("所在单位"),
        _("答卷数"),
        _("满意"),
        _("基本满意"),
        _("不满意"),
        _("满意率"),
        _("等次"),
    ]
    table = grid(document, len(headers))
    for cell, text in zip(table.add_row().cells, headers, strict=True):
        fill(cell, text, bold=True, center=True)
    for index, row in enumerate(rows, start=1):
        e = row.evaluation
        figures = (
            [
                str(e.responses or 0),
                *(rate_text(v) for _label, v in row.shares),
                rate_text(e.satisfaction_rate),
                row.grade_label,
            ]
            if row.visible
            else ["", "", "", "", _("结果待公布"), ""]
        )
        cells = table.add_row().cells
        values = [str(index), e.project.title, e.project.unit.name, *figures]
        for cell, text in zip(cells, values, strict=True):
            fill(cell, text, center=cell is not cells[1])
    if not rows:
        document.add_paragraph(_("暂无待报告的效果评价结果。"))
    document.add_paragraph(
        _("满意率为群众代表、人大代表各群体中选择“满意”或“基本满意”的比例按群体权重加权平均。")
    )
    return to_bytes(document)
