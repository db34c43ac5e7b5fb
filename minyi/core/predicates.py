"""Named predicates for core rules. Each reads the actor's active grants once per request.

A predicate asked about an object works out the object's unit and asks whether the user holds the
role on that unit or an ancestor. Asked without an object it answers "anywhere" — good for showing a
menu entry, never enough to act on a record. An object whose unit cannot be worked out is outside
everyone's scope (superusers pass every rule before predicates run).
"""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, ProcessInstance, RoleGrant, Unit
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import active_grants, has_role

ADMIN_ROLE = "admin"


def _unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, ProcessInstance | RoleGrant):
        return obj.unit
    if isinstance(obj, Person):
        return obj.home_unit
    return getattr(obj, "unit", None)


def _holds_over(user: Person, roles: str | frozenset[str], obj: Any) -> bool:
    if obj is None:
        return has_role(user, roles)
    unit = _unit_of(obj)
    return unit is not None and has_role(user, roles, unit)


@rules.predicate
def is_admin_over(user: Person, obj: Any = None) -> bool:
    """Administrator on the object's unit or an ancestor (any unit when no object is given)."""
    return _holds_over(user, ADMIN_ROLE, obj)


@rules.predicate
def is_supervisory_over(user: Person, obj: Any = None) -> bool:
    """Leader or joint-supervision body (V3) on the object's unit or an ancestor."""
    return _holds_over(user, SUPERVISORY_ROLE_CODES, obj)


@rules.predicate
def is_self(user: Person, obj: Any = None) -> bool:
    return isinstance(obj, Person) and obj.pk == user.pk


def _office_roles_of_process(instance: ProcessInstance) -> set[str]:
    from minyi.core.engine.runtime import definition_of

    definition = definition_of(instance)
    return {role for step in definition.transitions.values() for role in step.office_roles}


@rules.predicate
def takes_part_in_process(user: Person, instance: ProcessInstance) -> bool:
    """Holds, on the instance's unit or above, a role that acts somewhere in its process."""
    return has_role(user, _office_roles_of_process(instance), instance.unit)


@rules.predicate
def is_related_to_process(user: Person, instance: ProcessInstance) -> bool:
    """A relational role (submitter, assignee) on the instance's subject."""
    from minyi.core.engine.runtime import relational_roles_of, subject_of

    return bool(relational_roles_of(subject_of(instance), user))

@rules.predicate
def is_admin_over_person(user: Person, obj: Any = None) -> bool:
    """Administrator over the person's home unit or over a unit where the person holds a role.

    The second half lets an administrator see (and revoke) the roles of someone living elsewhere
    who works in their jurisdiction.
    """
    if not isinstance(obj, Person):
        return _holds_over(user, ADMIN_ROLE, obj)
    if obj.home_unit_id is not None and has_role(user, ADMIN_ROLE, obj.home_unit):
        return True
    return any(has_role(user, ADMIN_ROLE, grant.unit) for grant in active_grants(obj))


@rules.predicate
def is_platform_admin(user: Person, obj: Any = None) -> bool:
    """Administrator on a root of the tree: settings that apply to the whole platform (channels)."""
    # has_role first: it refuses anonymous and inactive accounts before their grants are read.
    return has_role(user, ADMIN_ROLE) and any(
        g.role == ADMIN_ROLE and g.unit.depth == 1 for g in active_grants(user)
    )
