"""The public record (O4) and process instances (O3), read-only."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from minyi.core.api.schemas import EventOut, ProcessInstanceOut, UnitRef
from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotFound
from minyi.core.models import Event, Person, ProcessInstance
from minyi.core.record.public import PUBLIC_EVENT_RELATED, public_event_view
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import has_role, scope_q

router = Router(tags=["record"])

# Whoever holds one of these over an event's unit holds `core.verify_record` on it (minyi/core/rules.py),
# so the list below is the same rule expressed as a query.
VERIFYING_ROLES = frozenset({"admin"}) | SUPERVISORY_ROLE_CODES


def visible_events(person: Person | None) -> QuerySet[Event]:
    """Public events for everyone; every event for those who may verify the record over its unit."""
    visible = Q(public=True)
    if person is not None:
        # The rule answers no for an event without a unit, and so does this query.
        visible |= scope_q(person, VERIFYING_ROLES, field="unit__path")
    return Event.objects.filter(visible)


def event_out(event: Event, person: Person | None) -> EventOut:
    may_verify = (
        person is not None and event.unit_id is not None and has_role(person, VERIFYING_ROLES, event.unit)
    )
    shown = public_event_view(event)
    return EventOut(
        id=event.pk,
        chain=event.chain,
        seq=event.seq,
        hash=event.hash,
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        action=event.action,
        action_label=shown.action_label,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        unit_id=event.unit_id,
        actor_role=event.actor_role,
        actor_unit_id=event.actor_unit_id,
        actor_label=shown.actor_label,
        actor_id=event.actor_id if may_verify else None,
        masked=not may_verify,
        data=event.data if may_verify else shown.data,
        reason=event.reason if may_verify else shown.reason,
        public=event.public,
    )


class EventFilters(PageQuery):
    subject_type: Annotated[Text, Field(max_length=60)] | None = Field(None, description="e.g. core.unit")
    subject_id: Annotated[Text, Field(max_length=40)] | None = None
    action: Annotated[Text, Field(max_length=80)] | None = Field(None, description="e.g. core.role.grant")


@router.get("/record/events", response={200: Page[EventOut], **error_responses(401, 422)}, auth=None)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    """Events in the order they happened. Anonymous callers see public events only, in their public
    projection (personal data masked). Callers who may verify the record over an event's unit
    (admins and supervisory roles in scope) see every such event unmasked, with `actor_id`."""
    person = optional_person(request)
    events = visible_events(person).select_related(*PUBLIC_EVENT_RELATED).order_by("occurred_at", "id")
    if filters.subject_type:
        events = events.filter(subject_type=filters.subject_type)
    if filters.subject_id:
        events = events.filter(subject_id=filters.subject_id)
    if filters.action:
        events = events.filter(action=filters.action)
    return paginate(request, events, filters, lambda rows: [event_out(e, person) for e in rows])


@router.get(
    "/process-instances/{instance_id}", response={200: ProcessInstanceOut, **error_responses(401, 404, 422)}
)
def get_process_instance(request: HttpRequest, instance_id: ObjectId) -> ProcessInstanceOut:
    """One instance, for those with `core.view_process`; anyone else gets 404 (no existence leak)."""
    me = current_person(request)
    instance = get_object_or_404(ProcessInstance.objects.select_related("unit"), pk=instance_id)
    if not me.has_perm("core.view_process", instance):
        raise NotFound("not_found", _("未找到请求的资源"))
    return ProcessInstanceOut(
        id=instance.pk,
        process=instance.process,
        version=instance.version,
        subject_type=instance.subject_type,
        subject_id=instance.subject_id,
        title=instance.title,
        unit=UnitRef.of(instance.unit),
        state=instance.state,
        state_entered_at=instance.state_entered_at,
        deadline_at=instance.deadline_at,
        awaiting_roles=[code for code in instance.awaiting_roles.split(",") if code],
        is_final=instance.is_final,
        created_at=instance.created_at,
        updated_at=instance.updated_at,
    )
