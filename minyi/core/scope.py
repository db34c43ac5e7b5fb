"""Jurisdiction scoping: a role granted on a unit reaches that unit's whole subtree (O1, O2).

Every check reads the person's active grants once per request (cached on the Person instance, which
is `request.user` for the whole request). An inactive account holds no role at all, whatever grants
it still has: deactivating a person takes effect immediately, without revoking each grant.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.models.units import subtree_q

_CACHE_ATTR = "_minyi_grants"


def _is_live(person: Person | None) -> bool:
    return person is not None and person.is_authenticated and bool(getattr(person, "is_active", False))


def _wanted(roles: str | Iterable[str]) -> set[str]:
    return {roles} if isinstance(roles, str) else set(roles)


def active_grants(person: Person) -> list[RoleGrant]:
    """The person's active grants, cached on the instance for the request."""
    cached: list[RoleGrant] | None = getattr(person, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(person=person).select_related("unit"))
        setattr(person, _CACHE_ATTR, cached)
    return cached


def forget_grants(person: Person) -> None:
    """Drop the cached grants, e.g. after granting or revoking within the same request."""
    if hasattr(person, _CACHE_ATTR):
        delattr(person, _CACHE_ATTR)


def has_role(person: Person | None, roles: str | Iterable[str], unit: Unit | None = None) -> bool:
    """Does the person hold one of `roles` on `unit` or one of its ancestors (any unit when None)?"""
    if person is None or not _is_live(person):
        return False
    wanted = _wanted(roles)
    for grant in active_grants(person):
        if grant.role in wanted and (unit is None or unit.path.startswith(grant.unit.path)):
            return True
    return False


def roles_on(person: Person | None, unit: Unit) -> set[str]:
    """Every role the person holds on `unit` through a grant on it or an ancestor."""
    if person is None or not _is_live(person):
        return set()
    return {g.role for g in active_grants(person) if unit.path.startswith(g.unit.path)}


def scope_roots(person: Person | None, roles: str | Iterable[str]) -> list[str]:
    """Paths of the smallest set of subtrees covering every unit where the person holds one of `roles`.

    A grant inside another granted subtree adds nothing, so it is dropped: the filter built from
    these roots has one range per disjoint subtree, however many grants the person has.
    """
    if person is None or not _is_live(person):
        return []
    wanted = _wanted(roles)
    paths = sorted({g.unit.path for g in active_grants(person) if g.role in wanted})
    roots: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def scope_q(person: Person | None, roles: str | Iterable[str], field: str = "unit__path") -> Q:
    """A filter for rows whose unit lies in a subtree where the person holds one of `roles`.

    Each subtree is a range on the path column (`path >= P AND path <= P'ZZZ…'`), which SQLite and
    PostgreSQL both answer from the path index. Matches nothing when the person holds none of them;
    Django then skips the query altogether.
    """
    condition = Q(pk__in=[])
    for path in scope_roots(person, roles):
        condition |= subtree_q(path, field)
    return condition


def units_in_scope(person: Person | None, roles: str | Iterable[str]) -> Q:
    """Filter on Unit itself (its own path column)."""
    return scope_q(person, roles, field="path")


def authorizing_grant(person: Person | None, roles: str | Iterable[str], unit: Unit) -> RoleGrant | None:
    """The closest grant by which the person holds one of `roles` on `unit` (None when they hold none).

    Actions record it as the actor's role and unit, so the record shows in which capacity someone acted.
    """
    if person is None or not _is_live(person):
        return None
    wanted = _wanted(roles)
    best: RoleGrant | None = None
    for grant in active_grants(person):
        closer = best is None or len(grant.unit.path) > len(best.unit.path)
        if grant.role in wanted and unit.path.startswith(grant.unit.path) and closer:
            best = grant
    return best
