"""Verifying a hash-chained trail — standard library only, so anyone can copy this one file.

An outside party who downloads a published trail (``export_chain`` output, a JSON list) runs::

    python trail.py trail.json [--head SEQ:HASH]

The database verifier (``verify.py``) feeds stored rows through the same ``ChainChecker``, so the
rules an outsider applies are exactly the rules the platform applies to itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64
# How far from its stored seq an event's hash is tried, to name a reordered event as such.
MOVED_WINDOW = 8
# A report lists at most this many problems and counts the rest: a wholesale rewrite stays readable.
MAX_PROBLEMS = 1000

# The fields an event's hash covers, in the export and in hashed_fields().
HASHED_KEYS = (
    "chain",
    "seq",
    "prev_hash",
    "occurred_at",
    "actor",
    "actor_role",
    "actor_unit",
    "unit",
    "action",
    "subject_type",
    "subject_id",
    "data",
    "reason",
    "public",
)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(dict(fields)).encode("utf-8")).hexdigest()


class ProblemKind(StrEnum):
    EDITED = "edited"  # contents no longer match the stored hash
    FORGED = "forged"  # hash matches contents but is not signed with the audit key (rewritten/forged row)
    MOVED = "moved"  # the row's hash is valid for another seq: events were reordered or renumbered
    MISSING = "missing"  # a gap in seq: events deleted
    INSERTED = "inserted"  # a row its successor does not link to: inserted into the chain
    BROKEN_LINK = "broken_link"  # prev_hash does not name the previous event's hash
    BEYOND_HEAD = "beyond_head"  # events after the chain head: appended outside record_event
    TRUNCATED = "truncated"  # the chain ends before its head / the last checkpoint says it should
    HEAD_MISMATCH = "head_mismatch"  # head seq matches the last event but its hash does not
    HEAD_MISSING = "head_missing"  # events but no head row
    HEAD_FORGED = "head_forged"  # head signature invalid: head edited by hand
    CHAIN_REMOVED = "chain_removed"  # head or checkpoint names a chain that has no events
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"  # the event at a checkpointed seq has another hash
    CHECKPOINT_EDITED = "checkpoint_edited"  # checkpoint contents do not match its hash
    CHECKPOINT_FORGED = "checkpoint_forged"  # checkpoint signature invalid
    CHECKPOINT_BROKEN_LINK = "checkpoint_broken_link"  # checkpoint chain broken: one deleted or inserted
    ANCHOR_MISSING = "anchor_missing"  # an externally published checkpoint hash is not in the record
    MALFORMED = "malformed"  # an exported entry lacks fields or is out of order


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    chain: str  # "" for checkpoint problems
    seq: int | None
    event_id: int | None
    message: str
    checkpoint_id: int | None = None

    def line(self) -> str:
        where = []
        if self.chain:
            where.append(self.chain)
        if self.seq is not None:
            where.append(f"seq {self.seq}")
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        if self.checkpoint_id is not None:
            where.append(f"checkpoint {self.checkpoint_id}")
        return f"[{self.kind}] {' · '.join(where)}: {self.message}"


@dataclass
class VerifyReport:
    chains: int = 0
    events: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0  # problems found beyond MAX_PROBLEMS
    notes: list[str] = field(default_factory=list)  # limits of what this run could prove

    @property
    def ok(self) -> bool:
        return not self.problems and not self.omitted

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.omitted += 1

    def kinds(self) -> set[ProblemKind]:
        return {p.kind for p in self.problems}


def render_report(report: VerifyReport) -> str:
    lines = [
        f"chains: {report.chains}  events: {report.events}  checkpoints: {report.checkpoints}",
        "OK: the record is intact."
        if report.ok
        else f"FAILED: {len(report.problems) + report.omitted} problem(s).",
    ]
    lines += [f"  {p.line()}" for p in report.problems]
    if report.omitted:
        lines.append(f"  … and {report.omitted} more")
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


class ChainChecker:
    """Checks one chain's events, fed in seq order, with constant memory."""

    def __init__(
        self,
        chain: str,
        report: VerifyReport,
        *,
        signature_ok: Callable[[str, str], bool] | None = None,
        anchor: tuple[int, str] | None = None,
        anchor_id: int | None = None,
    ) -> None:
        self.chain = chain
        self.report = report
        self.signature_ok = signature_ok
        self.anchor = anchor
        self.anchor_id = anchor_id
        self.last_seq = 0
        self.last_hash = GENESIS
        self.before_last_hash: str | None = None
        self.last_problem: Problem | None = None
        self.last_id: int | None = None
        self.count = 0

    def _problem(self, kind: ProblemKind, seq: int | None, event_id: int | None, message: str) -> Problem:
        problem = Problem(kind, self.chain, seq, event_id, message)
        self.report.add(problem)
        return problem

    def feed(
        self,
        fields: Mapping[str, Any] | None,
        seq: int,
        prev_hash: str,
        stored_hash: str,
        signature: str | None = None,
        event_id: int | None = None,
    ) -> None:
        """``fields`` is None for a redacted (non-public) exported event: only its links are checked."""
        self.count += 1
        self.report.events += 1
        problem: Problem | None = None
        if fields is not None and event_hash(fields) != stored_hash:
            written_as = next(
                (
                    s
                    for d in range(1, MOVED_WINDOW + 1)
                    for s in (seq - d, seq + d)
                    if s >= 1 and event_hash({**fields, "seq": s}) == stored_hash
                ),
                None,
            )
            if written_as is not None:
                problem = self._problem(
                    ProblemKind.MOVED,
                    seq,
                    event_id,
                    f"stored at seq {seq} but was written as seq {written_as} (reordered)",
                )
            else:
                problem = self._problem(
                    ProblemKind.EDITED,
                    seq,
                    event_id,
                    "contents do not match the event's hash: a recorded field was changed",
                )
        elif self.signature_ok is not None and not self.signature_ok(stored_hash, signature or ""):
            problem = self._problem(
                ProblemKind.FORGED,
                seq,
                event_id,
                "hash is not signed with the audit key: the row was rewritten or forged",
            )

        expected = self.last_seq + 1
        if seq > expected:
            span = f"seq {expected}" if seq == expected + 1 else f"seq {expected}–{seq - 1}"
            self._problem(
                ProblemKind.MISSING, expected, None, f"{span} missing before event {event_id} (deleted)"
            )
        elif seq < expected:
            self._problem(
                ProblemKind.MALFORMED, seq, event_id, f"seq {seq} out of order after seq {self.last_seq}"
            )
        elif prev_hash != self.last_hash:
            previous = self.last_problem
            if (
                prev_hash == self.before_last_hash
                and previous is not None
                and previous.kind in (ProblemKind.FORGED, ProblemKind.EDITED)
            ):
                # The successor links past the previous row: that row was slipped into the chain.
                if previous in self.report.problems:
                    self.report.problems.remove(previous)
                self._problem(
                    ProblemKind.INSERTED,
                    previous.seq,
                    previous.event_id,
                    "its successor links to the event before it: the row was inserted",
                )
            elif previous is None and (problem is None or problem.kind != ProblemKind.MOVED):
                self._problem(
                    ProblemKind.BROKEN_LINK,
                    seq,
                    event_id,
                    f"prev_hash does not match the hash of seq {self.last_seq}",
                )
            # Otherwise the previous row's own problem already explains the broken link.

        if self.anchor is not None and seq == self.anchor[0] and stored_hash != self.anchor[1]:
            problem = problem or self._problem(
                ProblemKind.CHECKPOINT_MISMATCH,
                seq,
                event_id,
                f"differs from the hash signed in checkpoint {self.anchor_id}: the chain was rewritten",
            )

        self.before_last_hash, self.last_hash = self.last_hash, stored_hash
        self.last_seq, self.last_id, self.last_problem = seq, event_id, problem

    def finish(self) -> tuple[int, str]:
        if self.anchor is not None and self.last_seq < self.anchor[0]:
            self._problem(
                ProblemKind.TRUNCATED,
                self.last_seq + 1,
                None,
                f"chain ends at seq {self.last_seq} but checkpoint {self.anchor_id} "
                f"signed seq {self.anchor[0]}",
            )
        return self.last_seq, self.last_hash


def verify_export(
    entries: Iterable[Mapping[str, Any]], *, heads: Mapping[str, tuple[int, str] | list[Any]] | None = None
) -> VerifyReport:
    """Verify an exported trail on its own: hashes, seq continuity, links, and optionally published heads.

    ``heads`` maps chain → (seq, hash) as published (a checkpoint, a printed 公示 notice); each chain
    must reach that seq with that hash.
    """
    report = VerifyReport()
    report.notes.append("signatures are not checked: they need the platform's audit key")
    checkers: dict[str, ChainChecker] = {}
    for position, entry in enumerate(entries):
        chain = entry.get("chain")
        if not isinstance(chain, str) or not isinstance(entry.get("seq"), int) or "hash" not in entry:
            report.add(
                Problem(
                    ProblemKind.MALFORMED,
                    str(chain or ""),
                    None,
                    None,
                    f"entry {position} lacks chain, seq or hash",
                )
            )
            continue
        checker = checkers.get(chain)
        if checker is None:
            anchor = tuple(heads[chain]) if heads and chain in heads else None
            checker = checkers[chain] = ChainChecker(chain, report, anchor=anchor)  # type: ignore[arg-type]
        redacted = bool(entry.get("redacted"))
        missing = [k for k in HASHED_KEYS if k not in entry]
        if missing and not redacted:
            report.add(
                Problem(
                    ProblemKind.MALFORMED,
                    chain,
                    entry["seq"],
                    entry.get("id"),
                    f"missing fields: {', '.join(missing)}",
                )
            )
            continue
        fields = None if redacted else {k: entry[k] for k in HASHED_KEYS}
        checker.feed(
            fields,
            entry["seq"],
            str(entry.get("prev_hash", "")),
            str(entry["hash"]),
            event_id=entry.get("id"),
        )
    for chain, checker in checkers.items():
        checker.finish()
        if heads and chain in heads:
            seq, digest = heads[chain]
            if checker.last_seq > seq:
                report.add(
                    Problem(
                        ProblemKind.BEYOND_HEAD,
                        chain,
                        seq + 1,
                        None,
                        f"trail continues past the published head seq {seq}",
                    )
                )
    for chain in set(heads or ()) - set(checkers):
        report.add(
            Problem(ProblemKind.CHAIN_REMOVED, chain, None, None, "published head but no events in the trail")
        )
    report.chains = len(checkers)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an exported Minyi public-record trail.")
    parser.add_argument("trail", help="JSON file: a list of exported events")
    parser.add_argument(
        "--head", action="append", default=[], help="published head as CHAIN=SEQ:HASH (repeatable)"
    )
    args = parser.parse_args(argv)
    with open(args.trail, encoding="utf-8") as handle:
        entries = json.load(handle)
    heads: dict[str, tuple[int, str]] = {}
    for spec in args.head:
        chain, _, rest = spec.rpartition("=")
        seq, _, digest = rest.partition(":")
        heads[chain] = (int(seq), digest)
    report = verify_export(entries, heads=heads or None)
    print(render_report(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
