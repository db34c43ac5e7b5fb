"""Named predicates for surveys. Staff of the survey's unit (or above) run it; the public sees
published aggregates; raw answers stay with the staff who ran the survey (E2: evaluated
departments never see them)."""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, Unit
from minyi.core.scope import has_role
from minyi.surveys.models import Survey, SurveyState

# Roles that build, open, close and publish surveys in their unit and export raw answers.
SURVEY_STAFF_ROLES = frozenset(
    {"admin", "leader", "district_staff", "township_staff", "community_staff", "station_staff", "evaluator"}
)


def _unit(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, Survey):
        return obj.unit
    return None


@rules.predicate
def is_survey_staff(user: Person, obj: Survey | Unit | None = None) -> bool:
    if obj is not None and _unit(obj) is None:
        return False
    return has_role(user, SURVEY_STAFF_ROLES, _unit(obj))


@rules.predicate
def is_published(user: Person, survey: Survey | None = None) -> bool:
    return survey is not None and survey.state == SurveyState.PUBLISHED
