"""INTERIM: creating a Voice until v_intake's `do_register_voice` is on this branch.

Suggestions (V5) and couriers' visits (V6) both register voices. The intake helper owns tracking
numbers and registration; this module is the one place that does it meanwhile, so the lead can
replace `create_voice` by a call to `do_register_voice` in one spot when merging.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Channel, Person, Unit
from minyi.core.record.write import record_event
from minyi.voices.models import Category, TrackingCounter, Voice

TITLE_MAX = Voice._meta.get_field("title").max_length or 100
CONTENT_MAX = 4000


@dataclass(frozen=True)
class NewVoice:
    kind: str
    category: Category
    channel: Channel
    unit: Unit
    title: str
    content: str
    place: str = ""
    submitter: Person | None = None
    registered_by: Person | None = None
    contact_name: str = ""
    contact_phone: str = ""


def check_new_voice(data: NewVoice) -> None:
    if not data.title.strip():
        raise ActionError("title_required", _("标题不能为空"), {"field": "title"})
    if len(data.title.strip()) > TITLE_MAX:
        raise ActionError(
            "title_too_long", _("标题不能超过 %(n)d 个字") % {"n": TITLE_MAX}, {"field": "title"}
        )
    if not data.content.strip():
        raise ActionError("content_required", _("内容不能为空"), {"field": "content"})
    if len(data.content) > CONTENT_MAX:
        raise ActionError(
            "content_too_long", _("内容不能超过 %(n)d 个字") % {"n": CONTENT_MAX}, {"field": "content"}
        )
    if not data.category.is_active:
        raise ActionError("category_inactive", _("该类别已停用"), {"field": "category"})


def next_tracking_code(year: int) -> str:
    counter, _created = TrackingCounter.objects.get_or_create(year=year)
    counter = TrackingCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"MY-{year}-{counter.last:06d}"


@transaction.atomic
def create_voice(data: NewVoice, *, actor: Actor) -> Voice:
    """Create the Voice row and record `voices.voice.register` (the caller starts its process)."""
    check_new_voice(data)
    now = timezone.now()
    voice = Voice.objects.create(
        tracking_code=next_tracking_code(timezone.localtime(now).year),
        kind=data.kind,
        category=data.category,
        channel=data.channel,
        unit=data.unit,
        title=data.title.strip(),
        content=data.content.strip(),
        place=data.place.strip(),
        submitter=data.submitter,
        registered_by=data.registered_by,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        created_at=now,
    )
    record_event(
        actor=actor,
        action="voices.voice.register",
        subject=voice,
        unit=data.unit,
        data={
            "tracking_code": voice.tracking_code,
            "kind": data.kind,
            "channel": data.channel.code,
            "category": data.category.code,
        },
    )
    return voice
