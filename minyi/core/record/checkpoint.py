"""Signed checkpoints over every chain head (O4).

Chains are independent so writers never queue on one lock; a checkpoint ties them together after the
fact. It signs every head at one moment and links to the previous checkpoint, so a chain truncated or
removed after being checkpointed — even with its head row rewritten — is caught by ``verify_record``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from minyi.core.models import ChainHead, Checkpoint
from minyi.core.record.hashing import GENESIS, event_hash, sign, timestamp


def checkpoint_fields(checkpoint: Checkpoint) -> dict[str, Any]:
    """Exactly what a checkpoint's hash covers."""
    return {
        "created_at": timestamp(checkpoint.created_at),
        "prev_hash": checkpoint.prev_hash,
        "event_count": checkpoint.event_count,
        "heads": checkpoint.heads,
    }


@transaction.atomic
def make_checkpoint() -> Checkpoint:
    """Sign the current head of every chain, chained to the previous checkpoint."""
    previous = Checkpoint.objects.select_for_update().order_by("-id").only("hash").first()
    heads: dict[str, list[Any]] = {}
    event_count = 0
    # One statement, so one snapshot of the heads on PostgreSQL even while writers keep appending.
    for chain, seq, digest in (
        ChainHead.objects.order_by().values_list("chain", "seq", "hash").iterator(chunk_size=5000)
    ):
        heads[chain] = [seq, digest]
        event_count += seq  # seqs are contiguous from 1, so a chain's head seq is its event count
    checkpoint = Checkpoint(
        created_at=timezone.now(),
        heads=heads,
        event_count=event_count,
        prev_hash=previous.hash if previous else GENESIS,
    )
    checkpoint.hash = event_hash(checkpoint_fields(checkpoint))
    checkpoint.signature = sign("checkpoint", checkpoint.hash)
    checkpoint.save(force_insert=True)
    return checkpoint
