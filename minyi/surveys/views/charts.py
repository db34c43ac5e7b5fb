"""ECharts options data for the results page (the page's script turns these into charts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from minyi.surveys.models import Question, QuestionKind
from minyi.surveys.results import Figures, SurveyResults, rounded


def _n(value: Any) -> float | None:
    r = rounded(value)
    return None if r is None else float(r)


def chart_data(results: SurveyResults) -> list[dict[str, Any]]:
    """One chart per question except open text: group and weighted-overall figures side by side."""
    overall_label = _("加权总体")
    charts = []
    for qr in results.questions:
        q = qr.question
        chart: dict[str, Any] = {"id": f"chart-{q.key}", "stacked": False, "percent": True}
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chart["categories"] = [label for _k, label in q.options]
            chart["series"] = [
                {"name": g.name, "data": [_n(f.shares.get(k)) for k, _l in q.options]}
                for g, f in zip(results.groups, qr.by_group, strict=True)
            ] + [{"name": overall_label, "data": [_n(qr.overall.shares.get(k)) for k, _l in q.options]}]
        elif q.is_rating:
            chart["percent"] = False
            chart["max"] = q.scale()[1]
            chart["categories"] = [g.name for g in results.groups] + [overall_label]
            chart["series"] = [
                {"name": _("平均分"), "data": [_n(f.mean) for f in qr.by_group] + [_n(qr.overall.mean)]}
            ]
        elif q.kind == QuestionKind.MATRIX:
            chart["stacked"] = True
            chart["categories"] = [label for _r, label in q.rows]
            chart["series"] = [
                {"name": label, "data": [_n(qr.overall.matrix_shares.get(r, {}).get(k)) for r, _l in q.rows]}
                for k, label in q.options
            ]
        else:
            continue
        charts.append(chart)
    return charts


@dataclass
class TableRow:
    name: str
    figures: Figures
    cells: list[str]
    overall: bool = False


@dataclass
class MatrixLine:
    label: str
    cells: list[str]


@dataclass
class QuestionTable:
    """One question on the results page: a row per group and the weighted overall row."""

    question: Question
    overall: Figures
    texts: list[str]
    rows: list[TableRow] = field(default_factory=list)
    matrix_rows: list[MatrixLine] = field(default_factory=list)


def _pct(value: Decimal | None) -> str:
    r = rounded(value)
    return "—" if r is None else f"{r}%"


def _cells(q: Question, f: Figures) -> list[str]:
    cells = []
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        cells += [
            f"{f.counts.get(k, 0)}（{_pct(f.shares.get(k))}）" if f.answered else "—" for k, _l in q.options
        ]
    if q.is_rating:
        mean = rounded(f.mean)
        cells.append("—" if mean is None else str(mean))
    if q.is_rating or q.satisfied_keys:
        index = rounded(f.index)
        cells.append("—" if index is None else str(index))
    return cells


def result_tables(results: SurveyResults) -> list[QuestionTable]:
    tables = []
    for qr in results.questions:
        q = qr.question
        table = QuestionTable(question=q, overall=qr.overall, texts=qr.texts)
        for group, figures in zip(results.groups, qr.by_group, strict=True):
            table.rows.append(TableRow(group.name, figures, _cells(q, figures)))
        table.rows.append(TableRow(_("加权总体"), qr.overall, _cells(q, qr.overall), overall=True))
        for row, label in q.rows:
            shares = qr.overall.matrix_shares.get(row, {})
            table.matrix_rows.append(MatrixLine(label, [_pct(shares.get(k)) for k, _l in q.options]))
        tables.append(table)
    return tables
