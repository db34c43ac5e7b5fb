"""The one place where Open311 and bulk imports create a voice.

A thin adapter until v_intake's `do_register_voice` (minyi/voices/actions/intake.py) is on this
branch: the lead points `create_voice` at it. It does what registration must do — a tracking code,
the voice row, its registration event, the `voice` process started at the voice's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.models import Channel, Unit
from minyi.core.record.write import record_event
from minyi.voices.models import Category, TrackingCounter, Voice


@dataclass(frozen=True)
class NewVoice:
    category: Category
    unit: Unit
    channel_code: str
    title: str
    content: str
    place: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    external_ref: str | None = None
    idempotency_key: str | None = None
    # Where the item came from (import batch and row, Open311 client…), kept in the registration event.
    origin: dict[str, Any] = field(default_factory=dict)


def _next_tracking_code(year: int) -> str:
    TrackingCounter.objects.get_or_create(year=year)
    counter = TrackingCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"MY-{year}-{counter.last:06d}"


@transaction.atomic
def create_voice(new: NewVoice, *, actor: Actor) -> Voice:
    now = timezone.now()
    channel = Channel.objects.get(code=new.channel_code)
    voice = Voice.objects.create(
        tracking_code=_next_tracking_code(timezone.localtime(now).year),
        category=new.category,
        channel=channel,
        unit=new.unit,
        title=new.title[:100],
        content=new.content,
        place=new.place,
        latitude=new.latitude,
        longitude=new.longitude,
        contact_name=new.contact_name,
        contact_phone=new.contact_phone,
        contact_email=new.contact_email,
        registered_by=actor.person,
        external_ref=new.external_ref,
        idempotency_key=new.idempotency_key,
        created_at=now,
    )
    # Contact data stays on the voice (private); the event names only what the record needs.
    record_event(
        actor=actor,
        action="voices.voice.register",
        subject=voice,
        unit=voice.unit,
        public=False,
        data={
            "tracking_code": voice.tracking_code,
            "channel": channel.code,
            "category": new.category.code,
            "unit": new.unit.pk,
            "external_ref": new.external_ref,
            **new.origin,
        },
    )
    runtime.start("voice", subject=voice, unit=voice.unit, title=voice.title, actor=actor)
    return voice
