"""Creating the Voice behind a deputy's suggestion or a member's proposal (V5).

Not intake's `do_record_voice`: a suggestion is filed by a deputy at the level of their mandate (a
district or city unit, not a community), is not a resident's request kind, and runs its own
`suggestion` process, which the caller starts. The tracking number comes from intake's counter.
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
from minyi.voices.actions.tracking import next_tracking_code
from minyi.voices.models import Category, Voice

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
