"""The result of a subject's effect evaluation (P4): weighted satisfaction rate and grade.

Other apps (projects) call `create_effect_evaluation(subject, …)` to start one and
`effect_result(subject)` to show or report it; neither needs to know the survey's questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.subjects import subject_ref
from minyi.surveys.actions.effect import OVERALL_KEY, RATING_KEYS, create_effect_evaluation
from minyi.surveys.models import Kind, Survey
from minyi.surveys.results import compute_results, rounded

__all__ = ["EffectResult", "GroupSatisfaction", "create_effect_evaluation", "effect_result", "grade_of"]

GRADES = {"satisfied": _("满意"), "basic": _("基本满意"), "unsatisfied": _("不满意")}


@dataclass(frozen=True)
class GroupSatisfaction:
    name: str
    weight: Decimal
    responses: int
    rate: Decimal | None  # % answering 满意 or 基本满意


@dataclass(frozen=True)
class EffectResult:
    survey: Survey
    state: str
    responses: int
    # Weighted mean over groups of the share answering 满意 or 基本满意, in % (None before any answer).
    satisfaction_rate: Decimal | None
    grade: str  # "satisfied" | "basic" | "unsatisfied" | "" (no answers yet)
    groups: tuple[GroupSatisfaction, ...]
    # Satisfaction index 0–100 of each rating question (build quality, usefulness, maintenance).
    ratings: dict[str, Decimal | None]
    # Weighted share (%) of each overall answer: {"satisfied": …, "basic": …, "unsatisfied": …}.
    shares: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def grade_label(self) -> str:
        return str(GRADES[self.grade]) if self.grade else ""

    @property
    def is_final(self) -> bool:
        return self.state in ("closed", "published")


def grade_of(rate: Decimal | None) -> str:
    """Grade bands as in appraisals (E3): ≥ SATISFIED 满意, ≥ BASIC 基本满意, below 不满意."""
    if rate is None:
        return ""
    if rate >= settings.MINYI_EFFECT_GRADE_SATISFIED:
        return "satisfied"
    if rate >= settings.MINYI_EFFECT_GRADE_BASIC:
        return "basic"
    return "unsatisfied"


def effect_result(subject: models.Model) -> EffectResult | None:
    """The latest effect evaluation of `subject`, or None when it has none."""
    kind, pk = subject_ref(subject)
    survey = (
        Survey.objects.filter(kind=Kind.EFFECT, subject_type=kind, subject_id=pk)
        .select_related("unit")
        .order_by("-pk")
        .first()
    )
    if survey is None:
        return None
    results = compute_results(survey)
    by_key = {q.question.key: q for q in results.questions}
    overall = by_key.get(OVERALL_KEY)
    rate = overall.overall.index if overall is not None else None
    groups = tuple(
        GroupSatisfaction(
            name=g.name,
            weight=g.weight,
            responses=g.responses,
            rate=rounded(overall.by_group[i].index) if overall is not None else None,
        )
        for i, g in enumerate(results.groups)
    )
    return EffectResult(
        survey=survey,
        state=survey.state,
        responses=results.responses,
        satisfaction_rate=rounded(rate),
        grade=grade_of(rate),
        groups=groups,
        ratings={key: rounded(by_key[key].overall.index) if key in by_key else None for key in RATING_KEYS},
        shares={key: rounded(overall.overall.shares.get(key)) for key in GRADES} if overall is not None else {},
    )
