"""Who may do what with rounds and projects (used by rules.py, actions, pages and the API)."""

from __future__ import annotations

from collections.abc import Iterable

from minyi.core.models import Person, Unit
from minyi.core.scope import active_grants, has_role

ROUND_ROLES = ("township_staff", "district_staff", "admin")


def _role_in_or_above(person: Person | None, roles: Iterable[str], unit: Unit) -> bool:
    """A grant on the unit, an ancestor, or a unit inside it (a station inside the township)."""
    if person is None or not person.is_authenticated:
        return False
    wanted = set(roles)
    return any(
        g.role in wanted and (unit.path.startswith(g.unit.path) or g.unit.path.startswith(unit.path))
        for g in active_grants(person)
    )


def manages_round_unit(person: Person | None, unit: Unit) -> bool:
    """Township or district staff (or an administrator) on the round's unit or above it."""
    return person is not None and person.is_authenticated and has_role(person, ROUND_ROLES, unit)


def may_screen_in(person: Person | None, unit: Unit) -> bool:
    """Liaison-station staff of a station inside (or above) the round's unit, or the round's managers."""
    return manages_round_unit(person, unit) or _role_in_or_above(person, ("station_staff",), unit)


def is_deputy_in(person: Person | None, unit: Unit) -> bool:
    return _role_in_or_above(person, ("deputy",), unit)
