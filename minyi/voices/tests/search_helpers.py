"""Voices for the search tests, made through the engine until v_intake's actions are on this branch.

TODO(lead): switch `make_voice` to v_intake's `do_submit_voice` / `do_register_voice` once merged (they
call `index_voice` themselves); the tracking-code counter here is only a stand-in.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.models import Channel, Person, Unit
from minyi.voices.actions.intake import start_handling
from minyi.voices.models import Category, Voice
from minyi.voices.search import index_voice

_numbers = itertools.count(1)


def category(code: str = "lighting", name: str = "路灯照明") -> Category:
    found, _created = Category.objects.get_or_create(code=code, defaults={"name": name})
    return found


@transaction.atomic
def make_voice(
    unit: Unit,
    title: str,
    content: str = "",
    *,
    submitter: Person | None = None,
    published: bool = False,
    cat: Category | None = None,
    created_at: dt.datetime | None = None,
    state: str | None = None,
) -> Voice:
    system = Actor.system()
    if not Channel.objects.exists():
        ensure_default_channels(actor=system)
    voice = Voice.objects.create(
        tracking_code=f"MY-2026-{next(_numbers):06d}",
        category=cat or category(),
        channel=Channel.objects.get(code="web"),
        unit=unit,
        title=title,
        content=content or title,
        submitter=submitter,
        wants_public=published,
        is_published=published,
        created_at=created_at or timezone.now(),
    )
    instance = start_handling(voice, actor=system)
    if state:  # jump to a state the way an administrator's recorded override would
        runtime.override(instance, state, actor=system, reason="test")
    index_voice(voice)
    return voice
