"""Predicates of the voices rules. They mirror minyi.voices.queries.visible_q for one item.

A voice has two units: where the matter is (`Voice.unit`) and where it is handled now (its process
instance's unit, `Voice.instance`). The instance is read once per voice object and cached on it.
"""

from __future__ import annotations

from typing import Any

import rules

from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.scope import has_role
from minyi.voices.models import Voice
from minyi.voices.queries import (
    AREA_ROLES,
    DEPARTMENT_ROLE,
    HANDLER_ROLES,
    SUPERVISING_ROLES,
    TERRITORIAL_ROLES,
)

_CACHE = "_handling_instance"


def handling_instance(voice: Voice) -> ProcessInstance | None:
    if not hasattr(voice, _CACHE):
        setattr(
            voice,
            _CACHE,
            ProcessInstance.objects.select_related("unit").filter(pk=voice.instance_id).first()
            if voice.instance_id is not None
            else None,
        )
    cached: ProcessInstance | None = getattr(voice, _CACHE)
    return cached


def handling_unit(voice: Voice) -> Unit | None:
    instance = handling_instance(voice)
    return instance.unit if instance is not None else None


def _over(user: Person, roles: str | frozenset[str], *units: Unit | None) -> bool:
    return any(unit is not None and has_role(user, roles, unit) for unit in units)


def _is_voice(obj: Any) -> bool:
    return isinstance(obj, Voice)


@rules.predicate
def is_submitter(user: Person, voice: Any = None) -> bool:
    return _is_voice(voice) and voice.submitter_id is not None and voice.submitter_id == user.pk


@rules.predicate
def is_territorial_handler(user: Person, voice: Any = None) -> bool:
    """Community/station/township/district staff over the item's area or its handling unit."""
    if voice is None:
        return has_role(user, TERRITORIAL_ROLES)
    return _is_voice(voice) and _over(user, TERRITORIAL_ROLES, voice.unit, handling_unit(voice))


@rules.predicate
def is_department_handler(user: Person, voice: Any = None) -> bool:
    """A handler of the department handling it now, leading it, or co-handling it."""
    if voice is None:
        return has_role(user, DEPARTMENT_ROLE)
    if not _is_voice(voice):
        return False
    if _over(user, DEPARTMENT_ROLE, handling_unit(voice), voice.lead_department):
        return True
    co_units = [co.unit for co in voice.co_handlers.select_related("unit")]
    return _over(user, DEPARTMENT_ROLE, *co_units)


@rules.predicate
def is_read_only_over(user: Person, voice: Any = None) -> bool:
    """Supervisory bodies, leaders, deputies and CPPCC members over the item (V3, read-only)."""
    if voice is None:
        return has_role(user, SUPERVISING_ROLES)
    return _is_voice(voice) and _over(user, SUPERVISING_ROLES, voice.unit, handling_unit(voice))


@rules.predicate
def is_official(user: Person, voice: Any = None) -> bool:
    """Anyone holding an office or supervisory role over the item (they may see handlers' names)."""
    roles = HANDLER_ROLES | AREA_ROLES
    if voice is None:
        return has_role(user, roles)
    return _is_voice(voice) and _over(user, roles, voice.unit, handling_unit(voice))


@rules.predicate
def consented_to_publish(user: Person, voice: Any = None) -> bool:
    return _is_voice(voice) and bool(voice.wants_public)
