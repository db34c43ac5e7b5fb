"""Timing milestones of a voice, derived from its record (the `voice.*` process events).

`sync_milestones(voice)` is the hook the handling actions call after every transition of the voice
process (inside their transaction): it recomputes the voice's `VoiceMilestones` row from the whole
event chain, so calling it twice, late, or after a transition made by the overdue sweep is harmless.
`rebuild_milestones()` recomputes every row (after an import, a seed, or a missed call).
`note_face_to_face(voice, held_at)` is the hook the suggestions module calls when it records a
face-to-face consultation (面商). Definitions: docs/voices.md, "Rates".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from minyi.core.calendar import deadline_after
from minyi.core.engine.definitions import ProcessDefinition
from minyi.core.engine.registry import current_definition, get_definition
from minyi.core.models import Event, ProcessInstance
from minyi.voices.models import Voice, VoiceMilestones

PROCESS = "voice"
SUBJECT_TYPE = "voices.voice"
# Final states in which an item will never be replied to.
NO_REPLY_STATES = frozenset({"declined", "merged"})
REPLY_TRANSITION = "reply"


@dataclass(frozen=True)
class Milestones:
    registered_at: dt.datetime | None = None
    accept_due_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    reply_due_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None
    excluded: bool = False


def _state_deadline(
    definition: ProcessDefinition, state: str, entered_at: dt.datetime, data: Mapping[str, Any]
) -> dt.datetime | None:
    """The deadline set on entering `state`: the one the step gave explicitly, else the state's default."""
    explicit = data.get("deadline_at")
    if isinstance(explicit, str) and explicit:
        return dt.datetime.fromisoformat(explicit)
    state_def = definition.states.get(state)
    if state_def is None or state_def.deadline is None:
        return None
    return deadline_after(entered_at, state_def.deadline.days, state_def.deadline.calendar)


def milestones_from_events(events: Iterable[Mapping[str, Any]], definition: ProcessDefinition) -> Milestones:
    """Walk one voice's process events (in chain order) and read off its milestones.

    Each event that enters a state carries `to` in its data (start, transitions, override, overdue
    transition); reminders and escalations carry none and change no deadline.
    """
    reply_step = definition.transitions.get(REPLY_TRANSITION)
    handling_states = set(reply_step.sources) if reply_step else set()
    registered_at = accept_due_at = accepted_at = reply_due_at = replied_at = None
    current_deadline: dt.datetime | None = None
    last_state = ""
    for event in events:
        action, at, data = event["action"], event["occurred_at"], event["data"] or {}
        target = data.get("to")
        if not isinstance(target, str):
            continue
        source = data.get("from")
        if action == f"{PROCESS}.start" and registered_at is None:
            registered_at = at
        if source == definition.initial and target != definition.initial and accepted_at is None:
            accepted_at = at
        if action == f"{PROCESS}.{REPLY_TRANSITION}" and replied_at is None:
            replied_at = at
            reply_due_at = current_deadline if source in handling_states else reply_due_at
        deadline = _state_deadline(definition, target, at, data)
        if target == definition.initial and accept_due_at is None:
            accept_due_at = deadline
        if target in handling_states and replied_at is None:
            reply_due_at = deadline
        current_deadline = deadline
        last_state = target
    return Milestones(
        registered_at=registered_at,
        accept_due_at=accept_due_at,
        accepted_at=accepted_at,
        reply_due_at=reply_due_at,
        replied_at=replied_at,
        excluded=last_state in NO_REPLY_STATES,
    )


def _events_by_voice(voice_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    rows = (
        Event.objects.filter(
            subject_type=SUBJECT_TYPE,
            subject_id__in=[str(pk) for pk in voice_ids],
            action__startswith=f"{PROCESS}.",
        )
        .order_by("subject_id", "seq")
        .values("subject_id", "action", "occurred_at", "data")
    )
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["subject_id"]].append(dict(row))
    return grouped


def _definitions_by_voice(voice_ids: list[int]) -> dict[str, ProcessDefinition]:
    versions = ProcessInstance.objects.filter(
        process=PROCESS, subject_type=SUBJECT_TYPE, subject_id__in=[str(pk) for pk in voice_ids]
    ).values_list("subject_id", "version")
    return {subject_id: get_definition(PROCESS, version) for subject_id, version in versions}


def _save(voice: Voice, values: Milestones) -> VoiceMilestones:
    registered_at = values.registered_at or voice.created_at
    row, _created = VoiceMilestones.objects.update_or_create(
        voice=voice,
        defaults={
            "registered_at": registered_at,
            "accept_due_at": values.accept_due_at,
            "accepted_at": values.accepted_at,
            "reply_due_at": values.reply_due_at,
            "replied_at": values.replied_at,
            "excluded": values.excluded,
        },
    )
    return row


def sync_milestones(voice: Voice) -> VoiceMilestones:
    """Recompute the voice's milestones from its record. Handling actions call this after each step."""
    events = _events_by_voice([voice.pk]).get(str(voice.pk), [])
    definition = _definitions_by_voice([voice.pk]).get(str(voice.pk)) or current_definition(PROCESS)
    return _save(voice, milestones_from_events(events, definition))


def first_milestones(voice: Voice, instance: ProcessInstance) -> VoiceMilestones:
    """The milestones of a voice whose process `instance` is starting (unsaved; the intake inserts it).

    The same values `sync_milestones` reads off the one start event, taken from the instance instead
    of reading the record back; the next step's `sync_milestones` recomputes them from the record anyway.
    """
    start = {
        "action": f"{PROCESS}.start",
        "occurred_at": instance.state_entered_at,
        "data": {"to": instance.state},
    }
    values = milestones_from_events([start], get_definition(PROCESS, instance.version))
    return VoiceMilestones(
        voice=voice,
        registered_at=values.registered_at or voice.created_at,
        accept_due_at=values.accept_due_at,
        accepted_at=values.accepted_at,
        reply_due_at=values.reply_due_at,
        replied_at=values.replied_at,
        excluded=values.excluded,
    )


def rebuild_milestones(voices: QuerySet[Voice] | None = None, batch_size: int = 500) -> int:
    """Recompute the milestones of many voices, a batch at a time (three queries per batch + the writes)."""
    queryset = (voices if voices is not None else Voice.objects.all()).order_by("pk")
    count = 0
    batch: list[Voice] = []

    def flush() -> None:
        ids = [v.pk for v in batch]
        events = _events_by_voice(ids)
        definitions = _definitions_by_voice(ids)
        with transaction.atomic():
            for voice in batch:
                definition = definitions.get(str(voice.pk)) or current_definition(PROCESS)
                _save(voice, milestones_from_events(events.get(str(voice.pk), []), definition))
        batch.clear()

    for voice in queryset.only("pk", "created_at").iterator(chunk_size=batch_size):
        batch.append(voice)
        count += 1
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return count


def note_face_to_face(voice: Voice, held_at: dt.datetime) -> VoiceMilestones:
    """Record a face-to-face consultation (面商) with the proposer; the earliest one is kept.

    The suggestions module calls this from the action that records the consultation, in its
    transaction. 面商率 counts it when it was held no later than the first reply.
    """
    row = VoiceMilestones.objects.select_for_update().filter(voice=voice).first() or sync_milestones(voice)
    if row.consulted_at is None or held_at < row.consulted_at:
        row.consulted_at = held_at
        row.save(update_fields=["consulted_at"])
    return row
