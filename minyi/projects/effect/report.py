"""What the effect-evaluation pages, the .docx and the API list (constant queries whatever the count).

The list "for the next assembly" is the attached results not yet reported; under way are the
evaluations whose survey is still open; completed projects not yet evaluated show their due date.
A result's figures are public once its survey is published; before that only supervision roles of
the list's unit see them (the surveys app's rule for results).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from minyi.core.models import Person, Unit
from minyi.core.models.units import subtree_q
from minyi.projects.effect.actions import completions, delay
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.models import Project, ProjectStatus
from minyi.surveys.effect import GRADES
from minyi.surveys.models import SurveyState

SHARE_KEYS = tuple(GRADES)  # satisfied, basic, unsatisfied


@dataclass(frozen=True)
class ResultRow:
    evaluation: EffectEvaluation
    visible: bool  # figures may be shown to this viewer

    @property
    def project(self) -> Project:
        return self.evaluation.project

    @property
    def grade_label(self) -> str:
        return str(GRADES[self.evaluation.grade]) if self.visible and self.evaluation.grade else ""

    def share(self, key: str) -> Decimal | None:
        value = self.evaluation.shares.get(key) if self.visible else None
        return None if value is None else Decimal(value)

    @property
    def shares(self) -> list[tuple[str, Decimal | None]]:
        return [(str(GRADES[key]), self.share(key)) for key in SHARE_KEYS]


def _in_unit(rows: QuerySet[EffectEvaluation], unit: Unit | None) -> QuerySet[EffectEvaluation]:
    return rows.filter(subtree_q(unit.path, "project__unit__path")) if unit is not None else rows


def _base() -> QuerySet[EffectEvaluation]:
    return EffectEvaluation.objects.select_related("project__unit", "project__round", "survey")


def may_see_unpublished(person: Person | None, unit: Unit | None) -> bool:
    return bool(
        person and person.is_authenticated and unit and person.has_perm("projects.view_effect_results", unit)
    )


def results(unit: Unit | None, *, reported: bool | None = False) -> QuerySet[EffectEvaluation]:
    """Attached results in `unit` (all units when None): pending the next assembly (reported=False),
    already reported (True) or both (None)."""
    rows = _in_unit(_base().filter(attached_at__isnull=False), unit)
    if reported is not None:
        rows = rows.filter(reported_at__isnull=not reported)
    return rows.order_by("project__unit__path", "due_on", "pk")


def as_rows(
    evaluations: Iterable[EffectEvaluation], unit: Unit | None, person: Person | None
) -> list[ResultRow]:
    staff = may_see_unpublished(person, unit)
    return [ResultRow(e, staff or e.survey.state == SurveyState.PUBLISHED) for e in evaluations]


def result_rows(
    unit: Unit | None, person: Person | None, *, reported: bool | None = False
) -> list[ResultRow]:
    """`results` as rows with their visibility for `person` (one query)."""
    return as_rows(results(unit, reported=reported), unit, person)


def under_way(unit: Unit | None) -> list[EffectEvaluation]:
    return list(_in_unit(_base().filter(attached_at__isnull=True), unit).order_by("due_on", "pk"))


@dataclass(frozen=True)
class Upcoming:
    project: Project
    completed_on: dt.date
    due_on: dt.date


def upcoming(unit: Unit | None) -> list[Upcoming]:
    """Completed elected projects without an evaluation yet, soonest due first (two queries)."""
    done = completions()
    projects = Project.objects.filter(
        pk__in=list(done), status=ProjectStatus.ELECTED, effect_evaluation__isnull=True
    ).select_related("unit", "round")
    if unit is not None:
        projects = projects.filter(subtree_q(unit.path, "unit__path"))
    rows = [Upcoming(p, done[p.pk], done[p.pk] + delay()) for p in projects]
    return sorted(rows, key=lambda r: (r.due_on, r.project.pk))


def rate_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def title_of(unit: Unit | None) -> str:
    return _("%(unit)s民生实事项目效果评价结果（提交下一次代表大会）") % {"unit": unit.name if unit else ""}


def project_result(project_id: int, unit: Unit, person: Person | None) -> ResultRow | None:
    """The effect evaluation of one project as a row (its delivery page), or None (one query)."""
    evaluation = _base().filter(project_id=project_id).first()
    return as_rows([evaluation], unit, person)[0] if evaluation is not None else None
