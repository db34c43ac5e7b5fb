"""Named predicates for core rules. Each reads the actor's active grants once per request."""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.roles import STAFF_ROLE_CODES, SUPERVISORY_ROLE_CODES
from minyi.core.scope import has_role


def _unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, ProcessInstance):
        return obj.unit
    if isinstance(obj, Person):
        return obj.home_unit
    return getattr(obj, "unit", None)


@rules.predicate
def is_admin_over(user: Person, obj: Any = None) -> bool:
    """Administrator on the object's unit or an ancestor (any unit when no object is given)."""
    return has_role(user, "admin", _unit_of(obj) if obj is not None else None)


@rules.predicate
def is_supervisory_over(user: Person, obj: Any = None) -> bool:
    return has_role(user, SUPERVISORY_ROLE_CODES, _unit_of(obj) if obj is not None else None)


@rules.predicate
def is_self(user: Person, obj: Any = None) -> bool:
    return isinstance(obj, Person) and obj.pk == user.pk


@rules.predicate
def is_staff_over(user: Person, obj: Any = None) -> bool:
    """Holds an office (a staff role) on the object's unit or an ancestor."""
    return has_role(user, STAFF_ROLE_CODES, _unit_of(obj) if obj is not None else None)


@rules.predicate
def is_awaited_on(user: Person, obj: Any = None) -> bool:
    """Holds, on the instance's unit, one of the roles its current state waits for."""
    if not isinstance(obj, ProcessInstance):
        return False
    roles = {code for code in obj.awaiting_roles.split(",") if code}
    return bool(roles) and has_role(user, roles, obj.unit)
