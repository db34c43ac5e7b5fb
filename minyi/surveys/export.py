"""The .xlsx workbook of a survey: aggregates per group and weighted overall, and the raw answers
anonymised (no names, no times; rows in the random order of their ids)."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from minyi.surveys.models import Answer, Question, QuestionKind, Response, Survey
from minyi.surveys.results import Figures, SurveyResults, compute_results, rounded


def _num(value: Decimal | None) -> float | None:
    r = rounded(value)
    return None if r is None else float(r)


def _safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel (CSV/formula injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _bold_row(sheet: Worksheet, values: list[object]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _figure_rows(question: Question, label: str, figures: Figures) -> list[list[object]]:
    rows: list[list[object]] = []
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for key, option in question.options:
            rows.append([label, option, figures.counts.get(key, 0), _num(figures.shares.get(key))])
    elif question.kind == QuestionKind.MATRIX:
        for row, row_label in question.rows:
            for key, option in question.options:
                rows.append(
                    [
                        label,
                        f"{row_label} · {option}",
                        figures.matrix.get(row, {}).get(key, 0),
                        _num(figures.matrix_shares.get(row, {}).get(key)),
                    ]
                )
    elif question.is_rating:
        rows.append([label, _("平均分"), figures.answered, _num(figures.mean)])
    else:
        rows.append([label, _("填写人数"), figures.answered, None])
    if figures.index is not None:
        rows.append([label, _("满意度指数"), figures.answered, _num(figures.index)])
    return rows


def _aggregates(sheet: Worksheet, results: SurveyResults) -> None:
    sheet.title = _("汇总")
    _bold_row(sheet, [_("群体"), _("权重"), _("答卷数")])
    for group in results.groups:
        sheet.append([group.name, float(group.weight), group.responses])
    sheet.append([])
    _bold_row(sheet, [_("题目"), _("群体"), _("选项/指标"), _("人数"), _("占比(%)/平均分")])
    for qr in results.questions:
        title = f"{qr.question.key} {qr.question.text}"
        for group, figures in zip(results.groups, qr.by_group, strict=True):
            for row in _figure_rows(qr.question, group.name, figures):
                sheet.append([_safe(title), *row])
        for row in _figure_rows(qr.question, _("加权总体"), qr.overall):
            sheet.append([_safe(title), *row])


def _raw(sheet: Worksheet, survey: Survey, questions: list[Question]) -> None:
    sheet.title = _("原始答卷（匿名）")
    by_response: dict[object, dict[int, list[Answer]]] = defaultdict(lambda: defaultdict(list))
    for answer in Answer.objects.filter(response__survey=survey).order_by("id"):
        by_response[answer.response_id][answer.question_id].append(answer)
    _bold_row(sheet, [_("序号"), _("群体"), *[f"{q.key} {q.text}" for q in questions]])
    responses = Response.objects.filter(survey=survey).select_related("group").order_by("id")
    for number, response in enumerate(responses, start=1):
        cells: list[object] = [number, response.group.name]
        for q in questions:
            answers = by_response[response.pk].get(q.pk, [])
            if q.is_rating:
                cells.append(_num(answers[0].value) if answers else None)
            elif q.kind == QuestionKind.MATRIX:
                options, rows = q.option_labels, q.row_labels
                cells.append(
                    "；".join(f"{rows.get(a.row, a.row)}：{options.get(a.choice, a.choice)}" for a in answers)
                )
            elif q.kind == QuestionKind.TEXT:
                cells.append(_safe(answers[0].text) if answers else "")
            else:
                options = q.option_labels
                cells.append("；".join(options.get(a.choice, a.choice) for a in answers))
        sheet.append(cells)


def survey_workbook(survey: Survey) -> bytes:
    """Aggregates and anonymised raw answers, in a constant number of queries."""
    results = compute_results(survey)
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    _aggregates(first, results)
    _raw(book.create_sheet(), survey, [qr.question for qr in results.questions])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
