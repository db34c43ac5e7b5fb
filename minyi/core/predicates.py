"""Named predicates for core rules. Each reads the actor's active grants once per request."""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.roles import SUPERVISORY_ROLE_CODES
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
