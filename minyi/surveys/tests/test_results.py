"""Results: per-group counts and means, weighted overall, satisfaction index, constant queries, xlsx."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from minyi.surveys.actions import do_close_survey, do_open_survey, do_submit_response
from minyi.surveys.export import survey_workbook
from minyi.surveys.models import RespondentGroup
from minyi.surveys.results import compute_results, rounded
from minyi.surveys.tests.conftest import good_answers, respondent, staff_actor


@pytest.fixture
def answered(make_survey: Any, staff: Any, reps: list, deputies: list) -> Any:
    survey = do_open_survey(make_survey(), actor=staff_actor(staff))
    groups = {g.name: g for g in RespondentGroup.objects.select_related("survey").filter(survey=survey)}
    for person, q1, q3, q5 in zip(reps, ["1", "1", "2"], [5, 4, 3], ["1", "1", "3"], strict=True):
        do_submit_response(
            groups["居民代表"], good_answers(q1=q1, q3=q3, q5={"1": q5, "2": "2"}), actor=respondent(person)
        )
    for person, q3 in zip(deputies, [2, 4], strict=True):
        do_submit_response(groups["人大代表"], good_answers(q1="2", q3=q3, q6=""), actor=respondent(person))
    do_submit_response(
        groups["受益群众"], good_answers(q1="3", q3=5, q4=100), actor=respondent(None), device_key="d1"
    )
    return do_close_survey(survey, actor=staff_actor(staff))


def by_key(results: Any) -> dict[str, Any]:
    return {q.question.key: q for q in results.questions}


def test_counts_means_and_weighted_overall(answered: Any) -> None:
    results = compute_results(answered)
    assert [(g.name, g.responses) for g in results.groups] == [
        ("居民代表", 3),
        ("人大代表", 2),
        ("受益群众", 1),
    ]
    q = by_key(results)
    rating = q["q3"]
    assert [rounded(f.mean) for f in rating.by_group] == [Decimal("4.00"), Decimal("3.00"), Decimal("5.00")]
    # weighted mean of group means: 0.5×4 + 0.3×3 + 0.2×5 = 3.9
    assert rounded(rating.overall.mean) == Decimal("3.90")
    # satisfaction index of a 1–5 rating: (3.9 − 1) / 4 × 100
    assert rounded(rating.overall.index) == Decimal("72.50")
    assert rounded(q["q4"].overall.mean) == Decimal("84.00")  # 0.8×80 + 0.2×100
    single = q["q1"]
    assert single.by_group[0].counts == {"1": 2, "2": 1, "3": 0}
    assert {k: rounded(v) for k, v in single.overall.shares.items()} == {
        "1": Decimal("33.33"),
        "2": Decimal("46.67"),
        "3": Decimal("20.00"),
    }
    assert single.overall.counts == {"1": 2, "2": 3, "3": 1}
    multiple = q["q2"]
    assert multiple.overall.counts == {"1": 6, "2": 0, "3": 6, "4": 0}
    matrix = q["q5"]
    assert matrix.by_group[0].matrix["1"] == {"1": 2, "2": 0, "3": 1}
    assert rounded(matrix.overall.matrix_shares["2"]["2"]) == Decimal("100.00")
    # Two deputies left the optional text blank: the question's answered count says so.
    assert [f.answered for f in q["q6"].by_group] == [3, 0, 1]
    assert results.summary()["questions"]["q3"]["mean"] == "3.90"


def test_group_without_answers_drops_out_of_weighting(make_survey: Any, staff: Any, reps: list) -> None:
    survey = do_open_survey(make_survey(), actor=staff_actor(staff))
    reps_group = RespondentGroup.objects.select_related("survey").get(survey=survey, name="居民代表")
    do_submit_response(reps_group, good_answers(q3=2), actor=respondent(reps[0]))
    rating = by_key(compute_results(survey))["q3"]
    assert rounded(rating.overall.mean) == Decimal("2.00")


def test_results_take_constant_queries(answered: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):
        compute_results(answered)
    with django_assert_num_queries(5):
        compute_results(answered, with_texts=True)


def test_export_has_aggregates_and_anonymous_raw_answers(answered: Any, reps: list) -> None:
    book = load_workbook(io.BytesIO(survey_workbook(answered)))
    aggregates, raw = book.worksheets
    rows = list(raw.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "群体") and len(rows) == 7
    names = {p.name for p in reps}
    assert not any(isinstance(cell, str) and cell in names for row in rows for cell in row)
    flat = [row for row in aggregates.iter_rows(values_only=True)]
    assert ("居民代表", 0.5, 3, None, None) in flat
    assert any(r[1] == "加权总体" and r[2] == "平均分" and r[4] == 3.9 for r in flat if r and len(r) > 4)


def test_export_constant_queries(answered: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(6):
        survey_workbook(answered)


def test_formula_injection_neutralised(make_survey: Any, staff: Any, reps: list) -> None:
    survey = do_open_survey(make_survey(), actor=staff_actor(staff))
    reps_group = RespondentGroup.objects.select_related("survey").get(survey=survey, name="居民代表")
    do_submit_response(reps_group, good_answers(q6="=HYPERLINK(1)"), actor=respondent(reps[0]))
    raw = load_workbook(io.BytesIO(survey_workbook(survey))).worksheets[1]
    assert list(raw.iter_rows(values_only=True))[1][-1] == "'=HYPERLINK(1)"
