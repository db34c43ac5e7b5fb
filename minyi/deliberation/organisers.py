"""Who organises D5/D6 work on a unit: consultation plans, hearings, Q&A sessions, inquiries, appraisals.

The same office roles that run polls (`minyi.ballots.predicates.POLL_OFFICIAL_ROLES`): staff of the unit
or of a unit above it. Named rules in rules.py wrap these predicates for pages and the API.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import NotPermitted
from minyi.core.models import Person, Unit
from minyi.core.scope import authorizing_grant, has_role

ORGANISER_ROLES = frozenset(
    {"admin", "leader", "district_staff", "township_staff", "community_staff", "station_staff"}
)
# Who may put questions at a Q&A session or special inquiry (seed 003: deputies; CPPCC members join).
ASKER_ROLES = ("deputy", "cppcc_member")


def unit_of(obj: Any) -> Unit | None:
    if obj is None or isinstance(obj, Unit):
        return obj
    if hasattr(obj, "unit"):
        return obj.unit  # type: ignore[no-any-return]
    if hasattr(obj, "plan"):
        return obj.plan.unit  # type: ignore[no-any-return]
    return None


def is_organiser(person: Person | None, obj: Any) -> bool:
    unit = unit_of(obj)
    return person is not None and unit is not None and has_role(person, ORGANISER_ROLES, unit)


@rules.predicate
def is_unit_organiser(user: Person, obj: Any = None) -> bool:
    return is_organiser(user, obj)


def require_organiser(actor: Actor, obj: Any) -> None:
    if not actor.is_system and not is_organiser(actor.person, obj):
        raise NotPermitted("not_permitted", _("只有本单位或上级单位的工作人员可以办理"))


def organiser_actor(person: Person, obj: Any) -> Actor:
    unit = unit_of(obj)
    grant = authorizing_grant(person, ORGANISER_ROLES, unit) if unit is not None else None
    if grant is None:
        return Actor(person=person)
    return Actor(person=person, role=grant.role, unit=grant.unit)
