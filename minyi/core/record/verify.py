"""Verifying the whole public record in the database (O4), streaming, in bounded memory.

Events are read in pages ordered by (chain, seq) — the unique index — so memory holds one page of
events, one page of heads and the last checkpoint's head map (one entry per chain), never the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from minyi.core.models import ChainHead, Checkpoint, Event
from minyi.core.record.checkpoint import checkpoint_fields
from minyi.core.record.hashing import GENESIS, event_hash, head_message, signature_ok
from minyi.core.record.trail import ChainChecker, Problem, ProblemKind, VerifyReport, render_report
from minyi.core.record.write import hashed_fields

__all__ = ["Problem", "ProblemKind", "VerifyReport", "render_report", "verify_record"]

PAGE = 2000


def _event_pages(page: int) -> Iterator[list[Event]]:
    """Pages of events in (chain, seq) order by keyset; each query is an index range scan on both DBs."""
    chain, seq = None, 0
    while True:
        rows: list[Event] = []
        if chain is not None:
            rows = list(Event.objects.filter(chain=chain, seq__gt=seq).order_by("seq")[:page])
        if len(rows) < page:
            after = Event.objects.order_by("chain", "seq")
            if chain is not None:
                after = after.filter(chain__gt=chain)
            rows += list(after[: page - len(rows)])
        if not rows:
            return
        yield rows
        chain, seq = rows[-1].chain, rows[-1].seq


def _verify_checkpoints(report: VerifyReport, anchor: str | None) -> Checkpoint | None:
    """Check the checkpoint chain; return the last checkpoint whose hash and signature hold."""
    previous_hash = GENESIS
    trusted: Checkpoint | None = None
    anchor_found = anchor is None
    # One checkpoint in memory at a time: each holds a head map the size of the chain count.
    for checkpoint in Checkpoint.objects.order_by("id").iterator(chunk_size=1):
        report.checkpoints += 1
        good = True
        if event_hash(checkpoint_fields(checkpoint)) != checkpoint.hash:
            good = False
            report.add(
                Problem(
                    ProblemKind.CHECKPOINT_EDITED,
                    "",
                    None,
                    None,
                    "contents do not match the checkpoint's hash",
                    checkpoint.pk,
                )
            )
        elif not signature_ok("checkpoint", checkpoint.hash, checkpoint.signature):
            good = False
            report.add(
                Problem(
                    ProblemKind.CHECKPOINT_FORGED,
                    "",
                    None,
                    None,
                    "signature is not the audit key's: checkpoint rewritten or forged",
                    checkpoint.pk,
                )
            )
        if checkpoint.prev_hash != previous_hash:
            report.add(
                Problem(
                    ProblemKind.CHECKPOINT_BROKEN_LINK,
                    "",
                    None,
                    None,
                    "does not link to the checkpoint before it: a checkpoint was deleted or inserted",
                    checkpoint.pk,
                )
            )
        anchor_found = anchor_found or checkpoint.hash == anchor
        previous_hash = checkpoint.hash
        if good:
            trusted = checkpoint
    if not anchor_found:
        report.add(
            Problem(
                ProblemKind.ANCHOR_MISSING,
                "",
                None,
                None,
                f"the published checkpoint {anchor} is not in the record: checkpoints were removed",
            )
        )
    return trusted


def _check_head(
    report: VerifyReport, checker: ChainChecker, head: ChainHead | None, first_beyond: Event | None
) -> None:
    last_seq, last_hash = checker.finish()
    chain = checker.chain
    if head is None:
        report.add(
            Problem(
                ProblemKind.HEAD_MISSING,
                chain,
                last_seq,
                checker.last_id,
                "events exist but the chain has no head row",
            )
        )
        return
    if not signature_ok("head", head_message(chain, head.seq, head.hash), head.signature):
        report.add(
            Problem(
                ProblemKind.HEAD_FORGED,
                chain,
                head.seq,
                None,
                "head signature invalid: the head row was changed outside record_event",
            )
        )
    if head.seq < last_seq:
        report.add(
            Problem(
                ProblemKind.BEYOND_HEAD,
                chain,
                head.seq + 1,
                first_beyond.pk if first_beyond else None,
                f"chain continues to seq {last_seq} past its head (seq {head.seq}): "
                "appended outside record_event",
            )
        )
    elif head.seq > last_seq:
        report.add(
            Problem(
                ProblemKind.TRUNCATED,
                chain,
                last_seq + 1,
                None,
                f"chain ends at seq {last_seq} but its head says seq {head.seq}: events removed",
            )
        )
    elif head.hash != last_hash:
        report.add(
            Problem(
                ProblemKind.HEAD_MISMATCH,
                chain,
                head.seq,
                checker.last_id,
                "head hash differs from the last event's hash",
            )
        )


def verify_record(*, anchor: str | None = None, page: int = PAGE) -> VerifyReport:
    """Verify every event, chain head and checkpoint; ``anchor`` is a checkpoint hash published outside.

    Detects edited, forged, inserted, deleted, reordered and appended events, truncated and removed
    chains, edited or deleted heads and checkpoints, naming each by chain, seq and event id.
    """
    report = VerifyReport()
    trusted = _verify_checkpoints(report, anchor)
    anchored: dict[str, Any] = dict(trusted.heads) if trusted else {}
    if trusted is None:
        report.notes.append("no valid checkpoint: whole chains removed with their heads cannot be detected")
    else:
        report.notes.append(
            f"events after checkpoint {trusted.pk} are protected by chain heads and signatures only"
        )

    def signature_check(digest: str, signature: str) -> bool:
        return signature_ok("event", digest, signature)

    checker: ChainChecker | None = None
    head: ChainHead | None = None
    first_beyond: Event | None = None
    for rows in _event_pages(page):
        chains = {row.chain for row in rows}
        heads = {h.chain: h for h in ChainHead.objects.filter(chain__in=chains)}
        for row in rows:
            if checker is None or row.chain != checker.chain:
                if checker is not None:
                    _check_head(report, checker, head, first_beyond)
                report.chains += 1
                entry = anchored.pop(row.chain, None)
                checker = ChainChecker(
                    row.chain,
                    report,
                    signature_ok=signature_check,
                    anchor=tuple(entry) if entry else None,  # type: ignore[arg-type]
                    anchor_id=trusted.pk if trusted else None,
                )
                head, first_beyond = heads.get(row.chain), None
            if head is not None and first_beyond is None and row.seq > head.seq:
                first_beyond = row
            checker.feed(hashed_fields(row), row.seq, row.prev_hash, row.hash, row.signature, row.pk)
    if checker is not None:
        _check_head(report, checker, head, first_beyond)

    # Chains the checkpoint signed that have no events left at all.
    for chain, (seq, _digest) in sorted(anchored.items()):
        report.add(
            Problem(
                ProblemKind.CHAIN_REMOVED,
                chain,
                None,
                None,
                f"checkpoint {trusted.pk if trusted else '?'} signed seq {seq} but the chain has no events",
            )
        )
    _heads_without_events(report, set(anchored), page)
    return report


def _heads_without_events(report: VerifyReport, reported: set[str], page: int) -> None:
    """Heads whose chain has no events (a chain removed since the last checkpoint, head left behind)."""
    after = None
    while True:
        query = ChainHead.objects.order_by("chain")
        if after is not None:
            query = query.filter(chain__gt=after)
        batch = list(query.values_list("chain", "seq")[:page])
        if not batch:
            return
        chains = [chain for chain, _ in batch]
        present = set(Event.objects.filter(chain__in=chains).values_list("chain", flat=True).distinct())
        for chain, seq in batch:
            if chain not in present and chain not in reported:
                report.add(
                    Problem(
                        ProblemKind.CHAIN_REMOVED,
                        chain,
                        None,
                        None,
                        f"head says seq {seq} but the chain has no events",
                    )
                )
        after = chains[-1]
