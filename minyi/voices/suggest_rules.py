"""Named rules and scoped querysets for suggestions (V5) and couriers (V6).

Rules: `voices.file_suggestion` (deputies and CPPCC members), `voices.view_suggestion` (a Voice of a
suggestion kind: its proposer, co-signers, the offices acting in its process, supervisors in scope),
`voices.manage_couriers` (a community: its party organisation — community or subdistrict staff —
or an administrator above), `voices.log_courier_visit` (anyone holding the courier role somewhere).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet

from minyi.core.models import DeputyRecord, Person, Unit
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import has_role, scope_q
from minyi.voices.models import CourierAppointment, FaceToFaceConsultation, Voice, VoiceKind

SUGGESTION_KINDS = (VoiceKind.DEPUTY_SUGGESTION, VoiceKind.CPPCC_PROPOSAL)
COURIER_MANAGER_ROLES = frozenset({"community_staff", "township_staff", "admin"})
SUGGESTION_OFFICE_ROLES = frozenset({"district_staff", "township_staff", "admin"})


@rules.predicate
def is_deputy_or_member(user: Person, obj: Any = None) -> bool:
    return (
        has_role(user, {"deputy", "cppcc_member"})
        or DeputyRecord.objects.filter(person=user, body__in=["npc", "cppcc"]).exists()
    )


@rules.predicate
def may_see_suggestion(user: Person, voice: Any = None) -> bool:
    if not isinstance(voice, Voice):
        return False
    return visible_suggestions(user).filter(pk=voice.pk).exists()


@rules.predicate
def manages_couriers_of(user: Person, unit: Any = None) -> bool:
    if unit is None:
        return has_role(user, COURIER_MANAGER_ROLES)
    target = unit if isinstance(unit, Unit) else getattr(unit, "community", None)
    return isinstance(target, Unit) and has_role(user, COURIER_MANAGER_ROLES, target)


@rules.predicate
def is_courier(user: Person, obj: Any = None) -> bool:
    return has_role(user, "courier")


rules.add_perm("voices.file_suggestion", rules.is_authenticated & is_deputy_or_member)
rules.add_perm("voices.view_suggestion", rules.is_authenticated & may_see_suggestion)
rules.add_perm("voices.manage_couriers", rules.is_authenticated & manages_couriers_of)
rules.add_perm("voices.log_courier_visit", rules.is_authenticated & is_courier)


def visible_suggestions(person: Person | None) -> QuerySet[Voice]:
    """Suggestions a person may see: own, co-signed, assigned to their department, dispatched in their
    scope, or under their supervision scope. One query, whatever the number of grants."""
    base = Voice.objects.filter(kind__in=SUGGESTION_KINDS)
    if person is None or not person.is_authenticated:
        return base.none()
    condition = (
        Q(submitter=person)
        | Q(suggestion__co_signers=person)
        | scope_q(person, "department_handler", "lead_department__path")
        | scope_q(person, SUGGESTION_OFFICE_ROLES, "suggestion__dispatch_unit__path")
        | scope_q(person, SUPERVISORY_ROLE_CODES, "unit__path")
    )
    return base.filter(pk__in=base.filter(condition).values("pk"))


def consulted_before_reply() -> Exists:
    """True for a voice whose department met the proposer (面商) before it replied (面商率's numerator)."""
    return Exists(
        FaceToFaceConsultation.objects.filter(voice=OuterRef("pk"), held_at__lte=OuterRef("replied_at"))
    )


def face_to_face_count(queryset: QuerySet[Voice]) -> int:
    """How many replied items of `queryset` had a face-to-face consultation before the reply.

    面商率 = face_to_face_count(suggestions) / suggestions.filter(replied_at__isnull=False).count().
    """
    return queryset.filter(replied_at__isnull=False).filter(consulted_before_reply()).count()


def managed_appointments(person: Person | None) -> QuerySet[CourierAppointment]:
    return CourierAppointment.objects.filter(scope_q(person, COURIER_MANAGER_ROLES, "community__path"))
