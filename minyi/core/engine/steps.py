"""Taking a step from a page or the API: who acts in which role, and which action carries it out.

Most transitions are plain `runtime.transition` calls. Some have business effects beyond the state
change (approving a role request grants the role); their app registers the action that performs
them, so pages and API never bypass it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.definitions import TransitionDef
from minyi.core.models import Person, ProcessInstance
from minyi.core.roles import RELATIONAL_ROLE_BY_CODE
from minyi.core.scope import authorizing_grant

StepPerformer = Callable[..., Any]
_PERFORMERS: dict[tuple[str, str], StepPerformer] = {}


def register_step(process: str, transition: str, performer: StepPerformer) -> None:
    """`performer(instance, inputs=, reason=, actor=)` carries out `transition` of `process`."""
    _PERFORMERS[(process, transition)] = performer


def acting_as(person: Person, step: TransitionDef, instance: ProcessInstance) -> Actor:
    """The Actor for `person` taking `step`: the role (and granting unit) that entitles them.

    The nearest grant wins, so a township handler acting on a community item is recorded as acting
    for the township, not for the city where they may also hold a role.
    """
    definition = runtime.definition_of(instance)
    roles = runtime.effective_roles(step, instance, definition)
    grant = authorizing_grant(person, roles - set(RELATIONAL_ROLE_BY_CODE), instance.unit)
    if grant is not None:
        return Actor(person=person, role=grant.role, unit=grant.unit)
    relational = sorted(roles & set(RELATIONAL_ROLE_BY_CODE))
    return Actor(person=person, role=relational[0] if relational else "", unit=None)


def perform(
    instance: ProcessInstance, name: str, *, person: Person, inputs: Mapping[str, Any], reason: str
) -> ProcessInstance:
    """Take transition `name` as `person`; raises ActionError (nothing written) when refused."""
    definition = runtime.definition_of(instance)
    step = definition.transitions.get(name)
    actor = acting_as(person, step, instance) if step else Actor(person=person)
    performer = _PERFORMERS.get((instance.process, name))
    if performer is None:
        return runtime.transition(instance, name, actor=actor, inputs=dict(inputs), reason=reason)
    performer(instance, inputs=dict(inputs), reason=reason, actor=actor)
    instance.refresh_from_db()
    return instance
