"""Jurisdiction scoping: a role granted on a unit reaches that unit's whole subtree (O1, O2)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.models.units import subtree_q


def active_grants(person: Person) -> list[RoleGrant]:
    """The person's active grants, cached on the instance for the request."""
    cached: list[RoleGrant] | None = getattr(person, "_minyi_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(person=person).select_related("unit"))
        person._minyi_grants = cached  # type: ignore[attr-defined]
    return cached


def has_role(person: Person | None, roles: str | Iterable[str], unit: Unit | None = None) -> bool:
    """Does the person hold one of `roles` on `unit` or one of its ancestors (any unit when None)?"""
    if person is None or not person.is_authenticated:
        return False
    wanted = {roles} if isinstance(roles, str) else set(roles)
    for grant in active_grants(person):
        if grant.role in wanted and (unit is None or unit.path.startswith(grant.unit.path)):
            return True
    return False


def roles_on(person: Person | None, unit: Unit) -> set[str]:
    """Every role the person holds on `unit` through a grant on it or an ancestor."""
    if person is None or not person.is_authenticated:
        return set()
    return {g.role for g in active_grants(person) if unit.path.startswith(g.unit.path)}


def scope_q(person: Person | None, roles: str | Iterable[str], field: str = "unit__path") -> Q:
    """A filter for rows whose unit lies in a subtree where the person holds one of `roles`.

    Matches nothing when the person holds none of them.
    """
    if person is None or not person.is_authenticated:
        return Q(pk__in=[])
    wanted = {roles} if isinstance(roles, str) else set(roles)
    condition = Q(pk__in=[])
    for grant in active_grants(person):
        if grant.role in wanted:
            condition |= subtree_q(grant.unit.path, field)
    return condition
