"""Who may see which voices in the reports (forms, ledger, rates).

The handling module owns visibility: `minyi.voices.queries.visible_voices(person)` and the rules
`voices.view_voice` / `voices.view_contact`. Reports use them as soon as they exist; until then the
INTERIM functions below apply the same policy (docs/voices.md, "Reports"), with `scope_q`. Once the
handling module is merged, the interim branches are dead code and can be deleted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet

from minyi.core.models import Person
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import has_role, scope_q
from minyi.voices.models import CoHandler, Voice

# Offices that handle or register items where the matter is (and its subtree).
HANDLING_ROLES = frozenset(
    {"admin", "district_staff", "township_staff", "community_staff", "station_staff", "hotline_operator"}
)
# Read-only over their scope: leaders and the joint supervision bodies.
READING_ROLES = SUPERVISORY_ROLE_CODES
DEPARTMENT_ROLE = "department_handler"
# Who may run the ledger and the rates at all (a submitter sees only their own item's forms).
REPORT_ROLES = HANDLING_ROLES | READING_ROLES | {DEPARTMENT_ROLE}


def _handling_visible_voices() -> Callable[[Person], QuerySet[Voice]] | None:
    try:
        module = importlib.import_module("minyi.voices.queries")
    except ImportError:
        return None
    return cast("Callable[[Person], QuerySet[Voice]] | None", getattr(module, "visible_voices", None))


def interim_visible_voices(person: Person) -> QuerySet[Voice]:
    """INTERIM (until minyi.voices.queries.visible_voices lands): staff and supervisors in their
    subtree of the matter's unit; department handlers for items their department leads or co-handles;
    submitters their own items."""
    co_handled = CoHandler.objects.filter(voice=OuterRef("pk")).filter(scope_q(person, DEPARTMENT_ROLE))
    condition = (
        scope_q(person, HANDLING_ROLES | READING_ROLES)
        | scope_q(person, DEPARTMENT_ROLE, "lead_department__path")
        | Q(Exists(co_handled))
        | Q(submitter=person)
    )
    return Voice.objects.filter(condition)


def report_voices(person: Person) -> QuerySet[Voice]:
    """The voices the ledger and the rates count for `person`."""
    shared = _handling_visible_voices()
    return shared(person) if shared is not None else interim_visible_voices(person)


def may_run_reports(person: Person) -> bool:
    return person.is_superuser or has_role(person, REPORT_ROLES)


def _interim_may_view(person: Person, voice: Voice) -> bool:
    if voice.submitter_id is not None and voice.submitter_id == person.pk:
        return True
    if has_role(person, HANDLING_ROLES | READING_ROLES, voice.unit):
        return True
    department_units = [voice.lead_department] if voice.lead_department_id else []
    department_units += [c.unit for c in voice.co_handlers.select_related("unit")]
    return any(has_role(person, DEPARTMENT_ROLE, unit) for unit in department_units)


def _interim_may_view_contact(person: Person, voice: Voice) -> bool:
    """Contact data is for those who must reach the submitter: the handling offices over the matter's
    unit, the lead department, and the submitter themself — not readers (leaders, supervisors)."""
    if voice.submitter_id is not None and voice.submitter_id == person.pk:
        return True
    if has_role(person, HANDLING_ROLES, voice.unit):
        return True
    return voice.lead_department is not None and has_role(person, DEPARTMENT_ROLE, voice.lead_department)


def may_view_voice(person: Person, voice: Voice) -> bool:
    if rules.perm_exists("voices.view_voice"):
        return person.has_perm("voices.view_voice", voice)
    return person.is_superuser or (person.is_active and _interim_may_view(person, voice))


def may_view_contact(person: Person, voice: Voice) -> bool:
    if rules.perm_exists("voices.view_contact"):
        return person.has_perm("voices.view_contact", voice)
    return person.is_superuser or (person.is_active and _interim_may_view_contact(person, voice))
