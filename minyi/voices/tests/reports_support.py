"""Test helpers for the reports: voices moved through the `voice` process at chosen moments.

The intake and handling actions live in other modules that are not on this branch yet, so these
helpers do what those actions do — create the voice and start its process; take a transition with
`runtime.transition` and write the voice fields the handling action writes — and then call
`sync_milestones`, exactly as the handling actions must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.models import Channel, Person, ProcessInstance, Unit
from minyi.voices.actions.intake import start_handling
from minyi.voices.milestones import sync_milestones
from minyi.voices.models import Category, CoHandler, Voice

BEIJING = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Every timezone.now() (engine clock, event times, auto_now fields) reads `moment`."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def category(code: str = "roads", name: str = "道路交通") -> Category:
    return Category.objects.get_or_create(code=code, defaults={"name": name})[0]


def channel(code: str = "hotline") -> Channel:
    if not Channel.objects.exists():
        ensure_default_channels(actor=Actor.system())
    return Channel.objects.get(code=code)


_counter = {"n": 0}


def make_voice(
    unit: Unit,
    when: dt.datetime,
    *,
    kind: str = "request",
    title: str = "路灯不亮",
    content: str = "金沙社区3栋门口路灯坏了一个月，晚上出行不便。",
    contact_name: str = "王小明",
    contact_phone: str = "13812345678",
    submitter: Person | None = None,
    registered_by: Person | None = None,
    channel_code: str = "hotline",
    category_code: str = "roads",
) -> Voice:
    _counter["n"] += 1
    with frozen(when), transaction.atomic():
        voice = Voice.objects.create(
            tracking_code=f"MY-{when.year}-{_counter['n']:06d}",
            kind=kind,
            category=category(category_code),
            channel=channel(channel_code),
            unit=unit,
            title=title,
            content=content,
            place="金沙社区3栋",
            contact_name=contact_name,
            contact_phone=contact_phone,
            submitter=submitter,
            registered_by=registered_by,
            created_at=when,
        )
        start_handling(voice, actor=Actor.system())
        sync_milestones(voice)
    return voice


def instance_of(voice: Voice) -> ProcessInstance:
    return ProcessInstance.objects.get(process="voice", subject_type="voices.voice", subject_id=str(voice.pk))


def step(
    voice: Voice,
    name: str,
    when: dt.datetime,
    *,
    actor: Actor | None = None,
    inputs: Mapping[str, Any] | None = None,
    reason: str = "",
    move_to: Unit | None = None,
    deadline_at: dt.datetime | None = None,
) -> Voice:
    """Take one transition at `when` and write what the handling action would write on the voice."""
    inputs = dict(inputs or {})
    with frozen(when), transaction.atomic():
        runtime.transition(
            instance_of(voice),
            name,
            actor=actor or Actor.system(),
            inputs=inputs,
            reason=reason,
            move_to=move_to,
            deadline_at=deadline_at,
        )
        voice.refresh_from_db()
        fields: list[str] = []
        if name == "assign":
            voice.lead_department = Unit.objects.get(pk=inputs["lead_department"])
            fields.append("lead_department")
        if name == "reply":
            voice.reply, voice.resolution, voice.replied_at = inputs["reply"], inputs["resolution"], when
            fields += ["reply", "resolution", "replied_at"]
        if name == "feedback":
            voice.satisfaction, voice.feedback_at = inputs["satisfaction"], when
            voice.feedback_comment = inputs.get("comment", "")
            voice.closed_at = when
            fields += ["satisfaction", "feedback_at", "feedback_comment", "closed_at"]
        if fields:
            voice.save(update_fields=fields)
        sync_milestones(voice)
    return voice


def add_co_handler(voice: Voice, unit: Unit, opinion: str = "") -> CoHandler:
    return CoHandler.objects.create(voice=voice, unit=unit, opinion=opinion)


def reply(
    voice: Voice, when: dt.datetime, resolution: str = "resolved", text: str = "已修复路灯。", **kw: Any
) -> Voice:
    return step(voice, "reply", when, inputs={"reply": text, "resolution": resolution}, **kw)


def feedback(voice: Voice, when: dt.datetime, satisfaction: str, comment: str = "", **kw: Any) -> Voice:
    return step(voice, "feedback", when, inputs={"satisfaction": satisfaction, "comment": comment}, **kw)
