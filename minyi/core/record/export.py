"""Exporting a chain so anyone can verify it without database access (see trail.verify_export)."""

from __future__ import annotations

from typing import Any

from minyi.core.models import Event
from minyi.core.record.trail import verify_export
from minyi.core.record.write import hashed_fields

__all__ = ["export_chain", "verify_export"]


def export_chain(chain: str, *, include_private: bool = False) -> list[dict[str, Any]]:
    """The chain's events in seq order, as JSON-ready dicts.

    A public event carries every hashed field, so its hash can be recomputed. A non-public event is
    exported redacted — chain, seq, prev_hash and hash only — so the links still verify while its
    contents stay private (pass ``include_private=True`` for an auditor's full export).
    """
    entries: list[dict[str, Any]] = []
    for event in Event.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        if event.public or include_private:
            entry = {"id": event.pk, **hashed_fields(event)}
        else:
            entry = {
                "id": event.pk,
                "chain": event.chain,
                "seq": event.seq,
                "prev_hash": event.prev_hash,
                "redacted": True,
            }
        entry["hash"] = event.hash
        entry["signature"] = event.signature
        entries.append(entry)
    return entries
