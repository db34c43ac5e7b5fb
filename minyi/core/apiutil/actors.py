"""Who the caller acts as when an API handler calls an action."""

from __future__ import annotations

from collections.abc import Iterable

from minyi.core.actors import Actor
from minyi.core.models import Person, Unit
from minyi.core.scope import active_grants


def actor_in_role(person: Person, roles: Iterable[str], unit: Unit) -> Actor:
    """The person acting through the nearest grant of one of `roles` that reaches `unit`.

    The nearest grant names the office that really decided; call only after a rule has allowed it.
    """
    wanted = set(roles)
    reaching = [g for g in active_grants(person) if g.role in wanted and unit.path.startswith(g.unit.path)]
    if not reaching:
        return Actor(person=person)
    grant = max(reaching, key=lambda g: len(g.unit.path))
    return Actor(person=person, role=grant.role, unit=grant.unit)


def actor_as_self(person: Person) -> Actor:
    """The person acting on their own account (their tokens, their inbox)."""
    return Actor(person=person)
