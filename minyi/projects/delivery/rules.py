"""Named permissions of P3/P5/P6, used identically by pages, API and tests (docs/projects-delivery.md)."""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, Unit
from minyi.core.scope import has_role

# Who runs the work of a project on its unit: the community (village) committee, the township, the district.
MANAGER_ROLES = frozenset({"community_staff", "township_staff", "district_staff", "admin"})
# Who reports problems (民呼我督): deputies and resident representatives (议事代表, 政协委员).
PROBLEM_ROLES = frozenset({"deputy", "council_member", "cppcc_member"})
# Oversight: finance and audit (P5), the discipline commission (P6); read-only, may raise findings.
FINDING_ROLES = frozenset({"finance", "auditor", "supervisor"})
# Read-only supervision views: oversight, leaders, inspectors and the liaison stations.
VIEWER_ROLES = (
    MANAGER_ROLES | FINDING_ROLES | frozenset({"leader", "inspector", "procuratorate", "station_staff"})
)
# The chair meeting's office for the special fund (选联工委 / 主任会议) sits at the district.
FUND_ROLES = frozenset({"district_staff", "leader", "admin"})
VERIFY_ROLES = frozenset({"township_staff", "district_staff"})


def unit_of(obj: Any) -> Unit | None:
    if obj is None or isinstance(obj, Unit):
        return obj
    for name in ("unit", "village", "township"):
        unit = getattr(obj, name, None)
        if isinstance(unit, Unit):
            return unit
    return None


def reaches(person: Person | None, roles: frozenset[str], unit: Unit | None) -> bool:
    """A role on the unit or an ancestor, or — for people granted below it (a village deputy on a
    township project) — inside the unit."""
    if person is None or unit is None or not person.is_authenticated:
        return False
    if has_role(person, roles, unit):
        return True
    from minyi.core.scope import active_grants

    return any(g.role in roles and g.unit.path.startswith(unit.path) for g in active_grants(person))


@rules.predicate
def manages(user: Person, obj: Any = None) -> bool:
    return has_role(user, MANAGER_ROLES, unit_of(obj))


@rules.predicate
def files_problems(user: Person, obj: Any = None) -> bool:
    return reaches(user, PROBLEM_ROLES, unit_of(obj))


@rules.predicate
def oversees(user: Person, obj: Any = None) -> bool:
    return has_role(user, FINDING_ROLES, unit_of(obj))


@rules.predicate
def views_supervision(user: Person, obj: Any = None) -> bool:
    return reaches(user, VIEWER_ROLES, unit_of(obj))


@rules.predicate
def runs_fund(user: Person, obj: Any = None) -> bool:
    return has_role(user, FUND_ROLES, unit_of(obj))


@rules.predicate
def verifies(user: Person, obj: Any = None) -> bool:
    return has_role(user, VERIFY_ROLES, unit_of(obj))


@rules.predicate
def village_committee(user: Person, obj: Any = None) -> bool:
    return has_role(user, {"community_staff", "admin"}, unit_of(obj))


rules.add_perm("projects.manage_delivery", rules.is_authenticated & manages)
rules.add_perm("projects.file_delivery_problem", rules.is_authenticated & files_problems)
rules.add_perm("projects.raise_finding", rules.is_authenticated & oversees)
rules.add_perm("projects.answer_finding", rules.is_authenticated & manages)
rules.add_perm("projects.view_supervision", rules.is_authenticated & views_supervision)
rules.add_perm("projects.manage_selfbuild", rules.is_authenticated & village_committee)
rules.add_perm("projects.verify_fund_item", rules.is_authenticated & verifies)
rules.add_perm("projects.manage_fund", rules.is_authenticated & runs_fund)
