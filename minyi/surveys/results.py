"""Aggregate results of a survey: counts, shares and means per respondent group and weighted overall.

Overall figures are the weighted mean of the group figures (weights are relative); a group with no
answer to a question drops out of that question's overall figure and the others share its weight.
Everything is computed in a constant number of queries, whatever the number of questions or answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from minyi.surveys.models import Answer, Question, QuestionKind, RespondentGroup, Survey

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """One question's figures for one group (or overall)."""

    answered: int = 0  # respondents who answered the question
    counts: dict[str, int] = field(default_factory=dict)  # option -> count (choice questions)
    shares: dict[str, Decimal] = field(default_factory=dict)  # option -> % of those who answered
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)  # row -> option -> count
    matrix_shares: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    mean: Decimal | None = None  # rating questions
    # Satisfaction index 0–100: a rating's mean on a 0–100 scale, or the % choosing a "satisfied" option.
    index: Decimal | None = None

    def as_json(self) -> dict[str, Any]:
        def text(v: Decimal | None) -> str | None:
            return None if v is None else str(rounded(v))

        data: dict[str, Any] = {"answered": self.answered}
        if self.counts:
            data["counts"] = self.counts
            data["shares"] = {k: text(v) for k, v in self.shares.items()}
        if self.matrix:
            data["matrix"] = self.matrix
        if self.mean is not None:
            data["mean"] = text(self.mean)
        if self.index is not None:
            data["index"] = text(self.index)
        return data


@dataclass
class GroupInfo:
    pk: int
    name: str
    weight: Decimal
    responses: int


@dataclass
class QuestionResult:
    question: Question
    by_group: list[Figures]  # aligned with SurveyResults.groups
    overall: Figures
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    groups: list[GroupInfo]
    questions: list[QuestionResult]

    @property
    def responses(self) -> int:
        return sum(g.responses for g in self.groups)

    @property
    def rating_index(self) -> Decimal | None:
        """Mean satisfaction index over the rating questions (overall figures)."""
        values = [
            q.overall.index for q in self.questions if q.question.is_rating and q.overall.index is not None
        ]
        return sum(values, Decimal(0)) / len(values) if values else None

    def summary(self) -> dict[str, Any]:
        return {
            "groups": [
                {"name": g.name, "weight": str(g.weight), "responses": g.responses} for g in self.groups
            ],
            "questions": {q.question.key: q.overall.as_json() for q in self.questions},
        }


def _index(question: Question, figures: Figures) -> Decimal | None:
    if question.kind == QuestionKind.RATING5 and figures.mean is not None:
        return (figures.mean - 1) / 4 * HUNDRED
    if question.kind == QuestionKind.RATING100:
        return figures.mean
    if question.satisfied_keys and figures.answered:
        return sum((figures.shares.get(k, Decimal(0)) for k in question.satisfied_keys), Decimal(0))
    return None


def _weighted(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    total = sum((w for w, _v in pairs), Decimal(0))
    return sum((w * v for w, v in pairs), Decimal(0)) / total if total else None


def _overall(question: Question, groups: list[GroupInfo], by_group: list[Figures]) -> Figures:
    present = [(g.weight, f) for g, f in zip(groups, by_group, strict=True) if f.answered]
    overall = Figures(answered=sum(f.answered for f in by_group))
    for key, _label in question.options:
        if question.kind != QuestionKind.MATRIX:
            overall.counts[key] = sum(f.counts.get(key, 0) for f in by_group)
            share = _weighted([(w, f.shares.get(key, Decimal(0))) for w, f in present])
            if share is not None:
                overall.shares[key] = share
    for row, _label in question.rows:
        overall.matrix[row] = {
            k: sum(f.matrix.get(row, {}).get(k, 0) for f in by_group) for k, _l in question.options
        }
        overall.matrix_shares[row] = {}
        for key, _l in question.options:
            share = _weighted([(w, f.matrix_shares.get(row, {}).get(key, Decimal(0))) for w, f in present])
            if share is not None:
                overall.matrix_shares[row][key] = share
    overall.mean = _weighted([(w, f.mean) for w, f in present if f.mean is not None])
    overall.index = _weighted([(w, f.index) for w, f in present if f.index is not None])
    return overall


def compute_results(survey: Survey, *, with_texts: bool = False) -> SurveyResults:
    """Aggregate `survey` in four queries (five with the open-text answers)."""
    groups = [
        GroupInfo(pk=g.pk, name=g.name, weight=g.weight, responses=g.n)
        for g in RespondentGroup.objects.filter(survey=survey)
        .annotate(n=Count("responses"))
        .order_by("position", "pk")
    ]
    questions = list(Question.objects.filter(survey=survey).select_related("section"))
    answers = Answer.objects.filter(question__survey=survey)
    per: dict[tuple[int, int], Figures] = defaultdict(Figures)
    sums: dict[tuple[int, int], tuple[Decimal, int]] = {}
    for row in answers.values("question_id", "response__group_id").annotate(
        answered=Count("response_id", distinct=True), total=Sum("value"), rated=Count("value")
    ):
        key = (row["question_id"], row["response__group_id"])
        per[key].answered = row["answered"]
        if row["rated"]:
            sums[key] = (Decimal(row["total"]), row["rated"])
    for row in (
        answers.filter(~Q(choice=""))
        .values("question_id", "response__group_id", "row", "choice")
        .annotate(n=Count("id"))
    ):
        figures = per[(row["question_id"], row["response__group_id"])]
        if row["row"]:
            figures.matrix.setdefault(row["row"], {})[row["choice"]] = row["n"]
        else:
            figures.counts[row["choice"]] = row["n"]
    texts: dict[int, list[str]] = defaultdict(list)
    if with_texts:
        for qid, text in (
            answers.exclude(text="").order_by("question_id", "id").values_list("question_id", "text")
        ):
            texts[qid].append(text)

    results = []
    for question in questions:
        by_group = []
        for group in groups:
            figures = per.get((question.pk, group.pk)) or Figures()
            if figures.answered:
                for key, _label in question.options:
                    figures.counts.setdefault(key, 0)
                    figures.shares[key] = Decimal(figures.counts[key]) * HUNDRED / figures.answered
                for row, _label in question.rows:
                    counts = figures.matrix.setdefault(row, {})
                    for k, _l in question.options:
                        counts.setdefault(k, 0)
                    answered_row = sum(counts.values())
                    figures.matrix_shares[row] = {
                        k: Decimal(counts.get(k, 0)) * HUNDRED / answered_row
                        for k, _l in question.options
                        if answered_row
                    }
                if question.kind == QuestionKind.MATRIX:
                    figures.counts = {}
                    figures.shares = {}
                total = sums.get((question.pk, group.pk))
                if total is not None:
                    figures.mean = total[0] / total[1]
                figures.index = _index(question, figures)
            by_group.append(figures)
        results.append(
            QuestionResult(
                question=question,
                by_group=by_group,
                overall=_overall(question, groups, by_group),
                texts=texts.get(question.pk, []),
            )
        )
    return SurveyResults(survey=survey, groups=groups, questions=results)
