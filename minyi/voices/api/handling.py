"""API: handling (V2–V4), mounted under /api/v1/voices by minyi/voices/api/__init__.py.

Lists and details read through `visible_voices`; steps go through `steps.perform` (the registered voice
actions). An item the caller may not see is a 404, never a 403, so its existence is not disclosed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from minyi.core.apiutil.actors import actor_in_role
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.engine import runtime
from minyi.core.engine.steps import perform
from minyi.core.errors import ActionError, NotFound, NotPermitted
from minyi.core.models import Person
from minyi.voices.actions.notes import do_add_note
from minyi.voices.actions.supervision import do_supervise
from minyi.voices.models import Voice
from minyi.voices.predicates import handling_instance
from minyi.voices.queries import HANDLER_ROLES, SUPERVISING_ROLES
from minyi.voices.trail import build_trail
from minyi.voices.views.handling import filtered_inbox
from minyi.voices.views.handling_forms import InboxFilters

router = Router(tags=["voices"])


class VoiceFilters(PageQuery):
    state: str | None = Field(None, max_length=40)
    include_closed: bool = Field(
        True, description="also closed items (default); false: open items only, as the inbox page shows"
    )
    overdue: bool = False
    supervised: bool = False
    channel: str | None = Field(None, max_length=20)
    category: ObjectId | None = None
    unit: Text | None = Field(
        None, max_length=60, description="unit name contains (the item's area or its handling unit)"
    )
    q: Text | None = Field(None, max_length=100, description="text in title or content, or a tracking code")


class VoiceRowOut(Schema):
    id: int
    tracking_code: str
    title: str
    kind: str
    category: str
    channel: str
    unit: str
    state: str
    handling_unit: str | None
    deadline_at: dt.datetime | None
    is_overdue: bool
    is_supervised: bool
    created_at: dt.datetime


class TrailEntryOut(Schema):
    at: dt.datetime
    label: str
    actor: str
    reason: str
    moved_to: str


class ContactOut(Schema):
    name: str
    phone: str
    email: str


class NoteOut(Schema):
    id: int
    text: str
    unit: str
    author: str
    created_at: dt.datetime


class VoiceDetailOut(VoiceRowOut):
    content: str
    place: str
    contact: ContactOut | None
    lead_department: str | None
    co_handlers: list[str]
    reply: str
    replied_at: dt.datetime | None
    resolution: str
    satisfaction: str
    reopened_count: int
    duplicate_of: str | None
    is_published: bool
    next_steps: list[str] = Field(description="the steps the caller may take now")
    trail: list[TrailEntryOut]


class StepIn(Schema):
    inputs: dict[str, Any] = Field(default_factory=dict)
    reason: Text = Field("", max_length=2000)


class SuperviseIn(Schema):
    note: Text = Field(..., max_length=2000)


class NoteIn(Schema):
    text: Text = Field(..., max_length=2000)


def _rows(voices: list[Voice]) -> list[VoiceRowOut]:
    return [
        VoiceRowOut(
            id=v.pk,
            tracking_code=v.tracking_code,
            title=v.title,
            kind=v.kind,
            category=v.category.name,
            channel=v.channel.code,
            unit=v.unit.name,
            state=getattr(v, "process_state", None) or "",
            handling_unit=getattr(v, "process_unit_name", None),
            deadline_at=getattr(v, "process_deadline", None),
            is_overdue=bool(getattr(v, "is_overdue", False)),
            is_supervised=v.is_supervised,
            created_at=v.created_at,
        )
        for v in voices
    ]


# GET /api/v1/voices: registered on the root voices router (see minyi/voices/api/__init__.py).
LIST_RESPONSES = {200: Page[VoiceRowOut], **error_responses(401, 422)}


def list_voices(request: HttpRequest, filters: Query[VoiceFilters]) -> dict[str, Any]:
    """Items the caller may see, overdue first, with the inbox filters."""
    person = current_person(request)
    data = {
        k: v for k, v in filters.dict().items() if k not in ("page", "page_size") and v not in (None, False)
    }
    form = InboxFilters(
        data,
        states=[(s, s) for s in [data.get("state", "")] if s],
        channels=[(c, c) for c in [data.get("channel", "")] if c],
    )
    return paginate(request, filtered_inbox(person, form), filters, _rows)


def _voice(person: Person, voice_id: int) -> Voice:
    voice = (
        Voice.objects.select_related("category", "channel", "unit", "lead_department", "duplicate_of")
        .filter(pk=voice_id)
        .first()
    )
    if voice is None or not person.has_perm("voices.view_voice", voice):
        raise NotFound("voice_not_found", _("未找到该事项"))
    return voice


def _detail(person: Person, voice: Voice) -> VoiceDetailOut:
    voice = Voice.objects.select_related(
        "category", "channel", "unit", "lead_department", "duplicate_of"
    ).get(pk=voice.pk)
    instance = handling_instance(voice)
    now = timezone.now()
    state, steps = "", []
    if instance is not None:
        state = instance.state
        steps = [s.name for s in runtime.available_transitions(instance, person)]
    names = person.has_perm("voices.view_names", voice)
    contact = None
    if person.has_perm("voices.view_contact", voice):
        contact = ContactOut(name=voice.contact_name, phone=voice.contact_phone, email=voice.contact_email)
    return VoiceDetailOut(
        id=voice.pk,
        tracking_code=voice.tracking_code,
        title=voice.title,
        kind=voice.kind,
        category=voice.category.name,
        channel=voice.channel.code,
        unit=voice.unit.name,
        state=state,
        handling_unit=instance.unit.name if instance else None,
        deadline_at=instance.deadline_at if instance else None,
        is_overdue=bool(
            instance and not instance.is_final and instance.deadline_at and instance.deadline_at < now
        ),
        is_supervised=voice.is_supervised,
        created_at=voice.created_at,
        content=voice.content,
        place=voice.place,
        contact=contact,
        lead_department=voice.lead_department.name if voice.lead_department else None,
        co_handlers=[co.unit.name for co in voice.co_handlers.select_related("unit")],
        reply=voice.reply,
        replied_at=voice.replied_at,
        resolution=voice.resolution,
        satisfaction=voice.satisfaction,
        reopened_count=voice.reopened_count,
        duplicate_of=voice.duplicate_of.tracking_code if voice.duplicate_of else None,
        is_published=voice.is_published,
        next_steps=steps,
        trail=[
            TrailEntryOut(at=e.at, label=e.label, actor=e.actor_text, reason=e.reason, moved_to=e.moved_to)
            for e in build_trail(voice, show_names=names)
        ],
    )


@router.get("/{voice_id}", response={200: VoiceDetailOut, **error_responses(401, 404, 422)})
def voice_detail(request: HttpRequest, voice_id: ObjectId) -> VoiceDetailOut:
    person = current_person(request)
    return _detail(person, _voice(person, voice_id))


@router.post(
    "/{voice_id}/steps/{name}",
    response={200: VoiceDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def take_step(request: HttpRequest, voice_id: ObjectId, name: str, data: StepIn) -> VoiceDetailOut:
    """Take a step of the `voice` process (accept, assign, reply, feedback, …) through its action."""
    person = current_person(request)
    voice = _voice(person, voice_id)
    instance = handling_instance(voice)
    if instance is None:
        raise NotFound("process_not_found", _("该事项没有办理流程"))
    if len(name) > 60:
        raise ActionError("transition_unknown", _("未知的办理步骤"), {"transition": name[:60]})
    perform(instance, name, person=person, inputs=data.inputs, reason=data.reason)
    return _detail(person, voice)


@router.post(
    "/{voice_id}/supervise", response={200: VoiceDetailOut, **error_responses(400, 401, 403, 404, 422)}
)
def supervise(request: HttpRequest, voice_id: ObjectId, data: SuperviseIn) -> VoiceDetailOut:
    person = current_person(request)
    voice = _voice(person, voice_id)
    if not person.has_perm("voices.supervise_voice", voice):
        raise NotPermitted("not_permitted", _("您没有督办该事项的权限"))
    do_supervise(voice, actor=actor_in_role(person, SUPERVISING_ROLES, voice.unit), note=data.note)
    return _detail(person, voice)


def _notes_out(voice: Voice) -> list[NoteOut]:
    return [
        NoteOut(id=n.pk, text=n.text, unit=n.unit.name, author=n.author.name, created_at=n.created_at)
        for n in voice.notes.select_related("unit", "author")
    ]


@router.get("/{voice_id}/notes", response={200: list[NoteOut], **error_responses(401, 404, 422)})
def list_notes(request: HttpRequest, voice_id: ObjectId) -> list[NoteOut]:
    person = current_person(request)
    voice = _voice(person, voice_id)
    if not person.has_perm("voices.view_names", voice):
        raise NotFound("voice_not_found", _("未找到该事项"))
    return _notes_out(voice)


@router.post("/{voice_id}/notes", response={201: NoteOut, **error_responses(400, 401, 403, 404, 422)})
def add_note(request: HttpRequest, voice_id: ObjectId, data: NoteIn) -> tuple[int, NoteOut]:
    person = current_person(request)
    voice = _voice(person, voice_id)
    instance = handling_instance(voice)
    actor = actor_in_role(person, HANDLER_ROLES, instance.unit if instance else voice.unit)
    if actor.unit is None and voice.lead_department is not None:
        actor = actor_in_role(person, HANDLER_ROLES, voice.lead_department)
    if actor.unit is None:
        actor = actor_in_role(person, HANDLER_ROLES, voice.unit)
    note = do_add_note(voice, actor=actor, text=data.text)
    return 201, NoteOut(
        id=note.pk, text=note.text, unit=note.unit.name, author=person.name, created_at=note.created_at
    )
