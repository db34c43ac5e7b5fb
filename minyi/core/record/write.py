"""Writing to the public record. Called only from actions, inside their transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.models import ChainHead, Event, Unit
from minyi.core.record.hashing import GENESIS, event_hash, head_message, normalise, sign, timestamp
from minyi.core.subjects import chain_name, subject_ref


def hashed_fields(event: Event) -> dict[str, Any]:
    """Exactly what an event's hash covers; the verifier recomputes it from stored rows."""
    return {
        "chain": event.chain,
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "occurred_at": timestamp(event.occurred_at),
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "actor_unit": event.actor_unit_id,
        "unit": event.unit_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "reason": event.reason,
        "public": event.public,
    }


def record_event(
    *,
    actor: Actor,
    action: str,
    subject: models.Model,
    unit: Unit | None,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    public: bool = False,
) -> Event:
    """Append one event to the subject's chain. Locks only that chain's head row.

    A subject inserted by the action itself starts its chain with `prepare_event` and `start_chain`
    instead (no head to read; the intake does this).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the action's transaction.atomic block")
    event = prepare_event(
        actor=actor, action=action, subject=subject, unit=unit, data=data, reason=reason, public=public
    )
    chain = event.chain
    # Three statements for an existing chain (lock head, insert event, update head). A chain's first
    # event creates its head in a savepoint; if a concurrent writer created it first, the savepoint
    # rolls back and the event is appended behind theirs.
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                _seal(event, seq=1, prev_hash=GENESIS)
                _create_head(chain, event)
            return event
        except IntegrityError:
            event.pk = None
            head = ChainHead.objects.select_for_update().get(chain=chain)
    _seal(event, seq=head.seq + 1, prev_hash=head.hash)
    head.seq, head.hash = event.seq, event.hash
    head.signature = sign("head", head_message(chain, head.seq, head.hash))
    head.save(update_fields=["seq", "hash", "signature", "updated_at"])
    return event


def prepare_event(
    *,
    actor: Actor,
    action: str,
    subject: models.Model,
    unit: Unit | None,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    public: bool = False,
) -> Event:
    """The event `record_event` would append, not yet placed on its chain (no seq, hash or row)."""
    kind, pk = subject_ref(subject)
    return Event(
        chain=chain_name(subject),
        occurred_at=timezone.now(),
        actor=actor.person,
        actor_role=actor.role,
        actor_unit=actor.unit,
        unit=unit,
        action=action,
        subject_type=kind,
        subject_id=pk,
        data=normalise(dict(data or {})),
        reason=reason,
        public=public,
    )


def start_chain(events: Sequence[Event]) -> ChainHead:
    """Place `events` (prepared, one new subject's) as its chain's first events, seq 1, 2, …, hashed
    and signed, and return the chain's head; the caller inserts events and head in its transaction
    (`minyi.core.rows.insert_rows`). Should the chain exist after all, the head's insert fails, and
    with it the caller's transaction, as with `record_event(new_chain=True)`."""
    if not events or len({event.chain for event in events}) != 1:
        raise ValueError("start_chain takes the first events of one chain")
    prev_hash = GENESIS
    for seq, event in enumerate(events, start=1):
        _place(event, seq=seq, prev_hash=prev_hash)
        prev_hash = event.hash
    last = events[-1]
    return _head(last.chain, last)


def _head(chain: str, event: Event) -> ChainHead:
    return ChainHead(
        chain=chain, seq=event.seq, hash=event.hash,
        signature=sign("head", head_message(chain, event.seq, event.hash)),
    )  # fmt: skip


def _create_head(chain: str, event: Event) -> None:
    _head(chain, event).save(force_insert=True)


def _place(event: Event, *, seq: int, prev_hash: str) -> None:
    """Place the event at `seq` behind `prev_hash`, hash and sign it (not yet inserted)."""
    event.seq, event.prev_hash = seq, prev_hash
    event.hash = event_hash(hashed_fields(event))
    event.signature = sign("event", event.hash)


def _seal(event: Event, *, seq: int, prev_hash: str) -> None:
    """Place the event at `seq` behind `prev_hash`, hash and sign it, and insert it."""
    _place(event, seq=seq, prev_hash=prev_hash)
    event.save(force_insert=True)
