"""Predicates behind the named deliberation rules (rules.py): the seven rights as permissions (D2)."""

from __future__ import annotations

import rules

from minyi.core.models import Person
from minyi.core.scope import has_role
from minyi.deliberation.models import Council, Meeting, Membership, Topic

# Who runs a council: the community's two committees (社区两委) and administrators of the unit.
MANAGER_ROLES = frozenset({"community_staff", "admin"})


def council_of(obj: Council | Meeting | Topic | None) -> Council | None:
    if obj is None or isinstance(obj, Council):
        return obj
    return obj.council


def is_member_of(person: Person | None, council: Council | None) -> bool:
    """An active member of the council (cached per person and council for the request)."""
    if person is None or council is None or not person.is_authenticated:
        return False
    cache: dict[int, bool] = person.__dict__.setdefault("_minyi_council_member", {})
    if council.pk not in cache:
        cache[council.pk] = Membership.objects.filter(council=council, person=person, is_active=True).exists()
    return cache[council.pk]


def forget_membership(person: Person) -> None:
    person.__dict__.pop("_minyi_council_member", None)


@rules.predicate
def is_council_member(user: Person, obj: Council | Meeting | Topic | None = None) -> bool:
    return is_member_of(user, council_of(obj))


@rules.predicate
def is_council_manager(user: Person, obj: Council | Meeting | Topic | None = None) -> bool:
    council = council_of(obj)
    return council is not None and has_role(user, MANAGER_ROLES, council.unit)
