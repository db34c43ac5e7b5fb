"""Named permissions of P4 effect evaluation, used by pages, the API and tests."""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person
from minyi.core.scope import has_role
from minyi.projects.delivery.rules import MANAGER_ROLES, VIEWER_ROLES, reaches, unit_of
from minyi.projects.predicates import ROUND_ROLES


@rules.predicate
def starts_evaluation(user: Person, obj: Any = None) -> bool:
    """Staff of the project's unit (village, township, district) may start an evaluation early."""
    return has_role(user, MANAGER_ROLES, unit_of(obj))


@rules.predicate
def reports_to_assembly(user: Person, obj: Any = None) -> bool:
    """Township or district staff record what was reported to their deputies' assembly."""
    return has_role(user, ROUND_ROLES, unit_of(obj))


@rules.predicate
def sees_pending_results(user: Person, obj: Any = None) -> bool:
    """Supervision roles see results of closed surveys before they are published."""
    return reaches(user, VIEWER_ROLES, unit_of(obj))


rules.add_perm("projects.start_effect_evaluation", rules.is_authenticated & starts_evaluation)
rules.add_perm("projects.report_effect_results", rules.is_authenticated & reports_to_assembly)
rules.add_perm("projects.view_effect_results", rules.is_authenticated & sees_pending_results)
