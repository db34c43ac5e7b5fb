"""The one place where Open311 and bulk imports create a voice: intake's `do_record_voice`, fed from
their own shape of input."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from minyi.core.actors import Actor
from minyi.core.models import Unit
from minyi.voices.actions.intake import VoiceInput, do_record_voice
from minyi.voices.models import Category, Voice


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


def create_voice(new: NewVoice, *, actor: Actor) -> Voice:
    """Register through intake's funnel: same checks, tracking number, event, process, notifications."""
    result = do_record_voice(
        VoiceInput(
            title=new.title[:100],
            content=new.content,
            category=new.category,
            unit=new.unit,
            place=new.place,
            latitude=new.latitude,
            longitude=new.longitude,
            contact_name=new.contact_name,
            contact_phone=new.contact_phone,
            contact_email=new.contact_email,
            idempotency_key=new.idempotency_key,
            external_ref=new.external_ref,
            origin=dict(new.origin),
        ),
        actor=actor,
        channel_code=new.channel_code,
    )
    return result.voice
