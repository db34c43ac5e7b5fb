"""How an item's record reads on pages (V4): the trail of steps and the masked public view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minyi.core.engine.labels import localized
from minyi.core.engine.registry import current_definition
from minyi.core.masking import mask_address, mask_text
from minyi.core.models import Event, Unit
from minyi.core.roles import role_label
from minyi.voices.models import Voice
from minyi.voices.queries import PROCESS, SUBJECT_TYPE

# Internal working records: officials see them, submitters and the public do not.
INTERNAL_ACTIONS = frozenset({"voices.note", "voices.co_handlers", "core.attachment.store"})


@dataclass(frozen=True)
class TrailEntry:
    at: dt.datetime
    label: str
    actor_text: str
    reason: str
    moved_to: str


def _label(action: str) -> str:
    definition = current_definition(PROCESS)
    prefix = f"{PROCESS}."
    if action.startswith(prefix) and action[len(prefix) :] in definition.transitions:
        return localized(definition.transitions[action[len(prefix) :]].title)
    return {
        f"{PROCESS}.start": _("登记"),
        f"{PROCESS}.override": _("管理员干预"),
        f"{PROCESS}.overdue.remind": _("超期提醒"),
        f"{PROCESS}.overdue.escalate": _("超期上交"),
        f"{PROCESS}.overdue.transition": _("超期自动流转"),
        "voices.supervise": _("督办"),
        "voices.end_supervision": _("结束督办"),
        "voices.publish": _("公示"),
        "voices.unpublish": _("撤下公示"),
        "voices.note": _("办理情况"),
        "voices.co_handlers": _("确定协办单位"),
        "core.attachment.store": _("上传照片"),
    }.get(action, action)


def build_trail(voice: Voice, *, show_names: bool, public: bool = False) -> list[TrailEntry]:
    """Every event of the item, oldest first, with times and units; names only when `show_names`."""
    events = list(
        Event.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(voice.pk))
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )
    if not show_names:
        events = [e for e in events if e.action not in INTERNAL_ACTIONS]
    moved = {e.pk: e.data.get("unit_to") or e.data.get("to_unit") for e in events if isinstance(e.data, dict)}
    names = dict(Unit.objects.filter(pk__in=[u for u in moved.values() if u]).values_list("pk", "name"))
    entries = []
    for event in events:
        if event.actor is None:
            parts = [_("系统")]
        else:
            parts = [
                event.actor_unit.name if event.actor_unit else "",
                role_label(event.actor_role) if event.actor_role else "",
            ]
            if show_names:
                parts.append(event.actor.name or event.actor.get_username())
        reason = event.reason
        if event.action == "voices.supervise" and not show_names:
            reason = ""
        to = moved.get(event.pk)
        entries.append(
            TrailEntry(
                at=event.occurred_at,
                label=_label(event.action),
                actor_text=" · ".join(p for p in parts if p),
                reason=mask_text(reason) if public else reason,
                moved_to=names.get(to, "")
                if to and to != event.data.get("unit_from", event.data.get("from_unit"))
                else "",
            )
        )
    return entries


@dataclass(frozen=True)
class PublicVoice:
    tracking_code: str
    title: str
    content: str
    place: str
    category: str
    unit: str
    state: str
    created_at: dt.datetime
    replied_at: dt.datetime | None
    reply: str
    resolution: str
    closed_at: dt.datetime | None


def masked_public_voice(voice: Voice, state_titles: dict[str, str]) -> PublicVoice:
    """What the publicity board shows: no names or contacts, digits and addresses below the community masked."""
    state = getattr(voice, "process_state", None) or ""
    return PublicVoice(
        tracking_code=voice.tracking_code,
        title=mask_text(voice.title),
        content=mask_text(voice.content),
        place=mask_address(mask_text(voice.place), voice.unit.name),
        category=voice.category.name,
        unit=voice.unit.name,
        state=state_titles.get(state, state),
        created_at=voice.created_at,
        replied_at=voice.replied_at,
        reply=mask_text(voice.reply),
        resolution=voice.get_resolution_display() if voice.resolution else "",
        closed_at=voice.closed_at,
    )
