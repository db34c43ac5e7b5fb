"""API: intake, mounted under /api/v1/voices by minyi/voices/api/__init__.py.

- `POST /api/v1/voices` creates an item. A resident channel (web, mobile, photo) files it as the
  caller's own submission; a staff channel (hotline, mailbox, letter, visit, reception, courier)
  registers it on someone's behalf and needs an intake role on the unit. An `Idempotency-Key`
  header makes retries safe: the replay answers 200 with the first item (and its verification
  code); the first call answers 201.
- `GET /api/v1/voices/track?tracking_code=&verification_code=` is public and throttled per client
  address; a wrong or forged code is a 400 that reveals nothing, too many a 429.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.engine.labels import describe
from minyi.core.login import client_address
from minyi.core.models import Unit
from minyi.core.models.channels import ChannelCode
from minyi.voices.actions.intake import (
    STAFF_CHANNELS,
    IntakeResult,
    VoiceInput,
    do_register_voice,
    do_submit_voice,
    register_actor,
)
from minyi.voices.actions.tracking import find_tracked_voice, tracked_view
from minyi.voices.models import VoiceKind

router = Router(tags=["voices"])

ShortText = Annotated[Text, Field(max_length=200)]


class VoiceIn(Schema):
    title: Annotated[Text, Field(max_length=100)]
    content: Annotated[Text, Field(max_length=4000)]
    category: Annotated[Text, Field(max_length=40, description="类别代码（Open311 service_code）")]
    unit: ObjectId
    place: ShortText = ""
    kind: VoiceKind = VoiceKind.REQUEST
    channel: ChannelCode = ChannelCode.WEB
    contact_name: Annotated[Text, Field(max_length=60)] = ""
    contact_phone: Annotated[Text, Field(max_length=20)] = ""
    contact_email: Annotated[Text, Field(max_length=254)] = ""
    wants_public: bool = False
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    received_at: datetime | None = Field(default=None, description="工作人员登记时的实际受理时间")


class VoiceCreatedOut(Schema):
    id: int
    tracking_code: str
    verification_code: str | None = Field(description="仅匿名提交或代为登记时返回；请转告反映人")
    state: str
    state_title: str
    unit: int
    category: str
    channel: str
    created_at: datetime
    replayed: bool


class TrackQuery(Schema):
    tracking_code: Annotated[Text, Field(max_length=20)]
    verification_code: Annotated[Text, Field(max_length=20)]


class TrackStepOut(Schema):
    at: datetime
    label: str
    unit: str
    state: str
    reason: str


class TrackOut(Schema):
    tracking_code: str
    title: str
    content: str
    category: str
    unit: str
    state: str
    is_final: bool
    handling_unit: str
    deadline_at: datetime | None
    contact_name: str = Field(description="已脱敏")
    contact_phone: str = Field(description="已脱敏")
    reply: str
    replied_at: datetime | None
    resolution: str
    steps: list[TrackStepOut]


def _created_out(result: IntakeResult) -> VoiceCreatedOut:
    voice = result.voice
    return VoiceCreatedOut(
        id=voice.pk,
        tracking_code=voice.tracking_code,
        verification_code=result.verification_code or None,
        state=result.instance.state,
        state_title=describe(result.instance).state,
        unit=voice.unit_id,
        category=voice.category.code,
        channel=voice.channel.code,
        created_at=voice.created_at,
        replayed=not result.created,
    )


@router.post("", response={200: VoiceCreatedOut, 201: VoiceCreatedOut, **error_responses(400, 401, 403, 422)})
def create_voice(request: HttpRequest, data: VoiceIn) -> tuple[int, VoiceCreatedOut]:
    person = current_person(request)
    key = request.headers.get("Idempotency-Key") or None
    values = VoiceInput(
        title=data.title,
        content=data.content,
        category=data.category,
        unit=data.unit,
        place=data.place,
        kind=data.kind,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        wants_public=data.wants_public,
        latitude=data.latitude,
        longitude=data.longitude,
        idempotency_key=key,
        received_at=data.received_at,
    )
    if data.channel in STAFF_CHANNELS:
        unit = Unit.objects.filter(pk=data.unit).first()
        result = do_register_voice(values, actor=register_actor(person, unit), channel_code=data.channel)
    else:
        result = do_submit_voice(
            values, actor=Actor(person=person, role="resident"), channel_code=data.channel
        )
    return (201 if result.created else 200), _created_out(result)


@router.get("/track", auth=None, response={200: TrackOut, **error_responses(400, 422, 429)})
def track_voice(request: HttpRequest, query: Query[TrackQuery]) -> TrackOut:
    voice = find_tracked_voice(query.tracking_code, query.verification_code, address=client_address(request))
    view = tracked_view(voice)
    return TrackOut(
        tracking_code=voice.tracking_code,
        title=voice.title,
        content=voice.content,
        category=voice.category.name,
        unit=voice.unit.name,
        state=view.state,
        is_final=view.is_final,
        handling_unit=view.handling_unit,
        deadline_at=view.deadline_at,
        contact_name=view.contact_name,
        contact_phone=view.contact_phone,
        reply=voice.reply,
        replied_at=voice.replied_at,
        resolution=voice.resolution,
        steps=[
            TrackStepOut(at=s.at, label=s.label, unit=s.unit_name, state=s.state, reason=s.reason)
            for s in view.steps
        ],
    )
