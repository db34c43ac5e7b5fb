"""verify_record names every kind of tampering, done straight in the database (bypassing actions)."""

from __future__ import annotations

import pytest

from minyi.core.actions.units import do_rename_unit
from minyi.core.actors import Actor
from minyi.core.models import ChainHead, Checkpoint, Event
from minyi.core.record.checkpoint import make_checkpoint
from minyi.core.record.hashing import event_hash, sign
from minyi.core.record.tasks import checkpoint_record
from minyi.core.record.trail import ProblemKind
from minyi.core.record.verify import render_report, verify_record
from minyi.core.record.write import hashed_fields


@pytest.fixture
def chain(tree, system):  # type: ignore[no-untyped-def]
    """The community's chain: seq 1 (created) then four renames, seq 2–5."""
    for n in range(2, 6):
        do_rename_unit(tree.community, f"金沙社区{n}", actor=system, reason=f"第{n}次更名")
    return f"core.unit:{tree.community.pk}"


def event(chain: str, seq: int) -> Event:
    return Event.objects.get(chain=chain, seq=seq)


def only(report, kind):  # type: ignore[no-untyped-def]
    found = [p for p in report.problems if p.kind == kind]
    assert found, render_report(report)
    return found


def test_intact_record_verifies(chain, system):
    make_checkpoint()
    report = verify_record(page=3)  # small pages exercise the keyset paging across chains
    assert report.ok, render_report(report)
    assert report.events == Event.objects.count() and report.chains == ChainHead.objects.count()
    assert report.checkpoints == 1
    assert "OK" in render_report(report)


def test_edited_field_is_named(chain):
    target = event(chain, 3)
    Event.objects.filter(pk=target.pk).update(reason="篡改的理由")
    report = verify_record()
    [problem] = report.problems
    assert (problem.kind, problem.chain, problem.seq, problem.event_id) == (
        ProblemKind.EDITED,
        chain,
        3,
        target.pk,
    )
    assert not report.ok and "edited" in render_report(report)


def test_edited_json_data_is_named(chain):
    target = event(chain, 2)
    data = dict(target.data, to="别的名字")
    Event.objects.filter(pk=target.pk).update(data=data)
    [problem] = verify_record().problems
    assert (problem.kind, problem.seq, problem.event_id) == (ProblemKind.EDITED, 2, target.pk)


def test_edited_and_rehashed_is_named_forged(chain):
    target = event(chain, 3)
    target.reason = "篡改"
    target.hash = event_hash(hashed_fields(target))
    Event.objects.filter(pk=target.pk).update(reason=target.reason, hash=target.hash)
    [problem] = verify_record().problems  # seq 4's broken link is explained by seq 3, not repeated
    assert (problem.kind, problem.seq, problem.event_id) == (ProblemKind.FORGED, 3, target.pk)


def test_deleted_event_is_named_missing(chain):
    target = event(chain, 3)
    Event.objects.filter(pk=target.pk).delete()
    [problem] = verify_record().problems
    assert (problem.kind, problem.chain, problem.seq) == (ProblemKind.MISSING, chain, 3)
    assert str(event(chain, 4).pk) in problem.message


def test_reordered_events_are_named_moved(chain):
    second, third = event(chain, 2), event(chain, 3)
    Event.objects.filter(pk=second.pk).update(seq=1000)
    Event.objects.filter(pk=third.pk).update(seq=2)
    Event.objects.filter(pk=second.pk).update(seq=3)
    problems = verify_record().problems
    assert [(p.kind, p.seq, p.event_id) for p in problems] == [
        (ProblemKind.MOVED, 2, third.pk),
        (ProblemKind.MOVED, 3, second.pk),
    ]
    assert "written as seq 3" in problems[0].message


def _forge(chain: str, seq: int, prev_hash: str, signed: bool = False) -> Event:
    template = event(chain, 2)
    forged = Event(
        chain=chain,
        seq=seq,
        prev_hash=prev_hash,
        occurred_at=template.occurred_at,
        action="core.unit.rename",
        subject_type=template.subject_type,
        subject_id=template.subject_id,
        unit_id=template.unit_id,
        data={"from": "x", "to": "伪造"},
        reason="伪造",
    )
    forged.hash = event_hash(hashed_fields(forged))
    forged.signature = sign("event", forged.hash) if signed else "0" * 64
    forged.save(force_insert=True)
    return forged


def test_row_inserted_in_the_middle_is_named(chain):
    for seq in range(5, 2, -1):  # make room at seq 3
        Event.objects.filter(chain=chain, seq=seq).update(seq=seq + 1)
    forged = _forge(chain, 3, event(chain, 2).hash)
    report = verify_record()
    [inserted] = only(report, ProblemKind.INSERTED)
    assert (inserted.seq, inserted.event_id) == (3, forged.pk)
    assert ProblemKind.FORGED not in report.kinds()  # the forged row is named once, as inserted
    assert {p.seq for p in only(report, ProblemKind.MOVED)} == {4, 5, 6}


def test_row_appended_without_head_is_named(chain):
    forged = _forge(chain, 6, event(chain, 5).hash, signed=True)  # even a correctly signed row
    [problem] = verify_record().problems
    assert (problem.kind, problem.seq, problem.event_id) == (ProblemKind.BEYOND_HEAD, 6, forged.pk)


def test_row_appended_with_head_updated_is_named(chain):
    forged = _forge(chain, 6, event(chain, 5).hash)
    ChainHead.objects.filter(chain=chain).update(seq=6, hash=forged.hash)
    report = verify_record()
    assert {(p.kind, p.seq) for p in report.problems} == {
        (ProblemKind.FORGED, 6),
        (ProblemKind.HEAD_FORGED, 6),
    }


def test_tail_truncated_is_named_by_head(chain):
    Event.objects.filter(chain=chain, seq__gte=4).delete()
    [problem] = verify_record().problems
    assert (problem.kind, problem.chain, problem.seq) == (ProblemKind.TRUNCATED, chain, 4)


def test_tail_truncated_with_head_rolled_back_is_named(chain):
    make_checkpoint()
    fourth = event(chain, 4)
    Event.objects.filter(chain=chain, seq__gte=5).delete()
    ChainHead.objects.filter(chain=chain).update(seq=4, hash=fourth.hash)
    report = verify_record()
    assert {(p.kind, p.seq) for p in report.problems} == {
        (ProblemKind.HEAD_FORGED, 4),
        (ProblemKind.TRUNCATED, 5),
    }
    assert "checkpoint" in only(report, ProblemKind.TRUNCATED)[0].message


def test_truncation_after_checkpoint_by_key_holder_is_the_documented_limit(chain):
    """Whoever holds the audit key can rewrite heads; only the checkpoint catches what it covers."""
    make_checkpoint()
    do_rename_unit(event(chain, 1).unit, "之后", actor=Actor.system(), reason="检查点之后")
    fifth = event(chain, 5)
    Event.objects.filter(chain=chain, seq=6).delete()
    ChainHead.objects.filter(chain=chain).update(
        seq=5, hash=fifth.hash, signature=sign("head", f"{chain}\n5\n{fifth.hash}")
    )
    assert verify_record().ok  # undetectable without an outside copy: see docs/public-record.md


def test_chain_removed_entirely_is_named(chain):
    make_checkpoint()
    Event.objects.filter(chain=chain).delete()
    ChainHead.objects.filter(chain=chain).delete()
    [problem] = verify_record().problems
    assert (problem.kind, problem.chain) == (ProblemKind.CHAIN_REMOVED, chain)


def test_chain_removed_leaving_head_is_named(chain):
    Event.objects.filter(chain=chain).delete()
    [problem] = verify_record().problems
    assert (problem.kind, problem.chain) == (ProblemKind.CHAIN_REMOVED, chain)


def test_chain_rewritten_since_checkpoint_is_named(chain):
    make_checkpoint()
    third = event(chain, 3)
    Event.objects.filter(pk=third.pk).update(hash="f" * 64)  # rewrite the signed position's hash
    report = verify_record()
    assert (ProblemKind.EDITED, 3, third.pk) in {(p.kind, p.seq, p.event_id) for p in report.problems}


def test_whole_chain_rewritten_with_key_is_caught_by_checkpoint(chain):
    """Even a rewrite by someone holding the audit key (events and head re-signed) hits the checkpoint."""
    make_checkpoint()
    fifth = event(chain, 5)
    fifth.reason = "改写"
    fifth.hash = event_hash(hashed_fields(fifth))
    Event.objects.filter(pk=fifth.pk).update(
        reason=fifth.reason, hash=fifth.hash, signature=sign("event", fifth.hash)
    )
    ChainHead.objects.filter(chain=chain).update(
        hash=fifth.hash, signature=sign("head", f"{chain}\n5\n{fifth.hash}")
    )
    [problem] = verify_record().problems
    assert (problem.kind, problem.seq, problem.event_id) == (ProblemKind.CHECKPOINT_MISMATCH, 5, fifth.pk)


def test_edited_checkpoint_is_named(chain):
    checkpoint = make_checkpoint()
    heads = dict(checkpoint.heads)
    heads.pop(chain)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(heads=heads)
    [problem] = verify_record().problems
    assert (problem.kind, problem.checkpoint_id) == (ProblemKind.CHECKPOINT_EDITED, checkpoint.pk)


def test_forged_checkpoint_is_named(chain):
    checkpoint = make_checkpoint()
    Checkpoint.objects.filter(pk=checkpoint.pk).update(signature="0" * 64)
    [problem] = verify_record().problems
    assert (problem.kind, problem.checkpoint_id) == (ProblemKind.CHECKPOINT_FORGED, checkpoint.pk)


def test_deleted_checkpoint_is_named(chain, system):
    first = make_checkpoint()
    do_rename_unit(event(chain, 1).unit, "再改", actor=system, reason="r")
    second = make_checkpoint()
    third = make_checkpoint()
    Checkpoint.objects.filter(pk=second.pk).delete()
    [problem] = verify_record().problems
    assert (problem.kind, problem.checkpoint_id) == (ProblemKind.CHECKPOINT_BROKEN_LINK, third.pk)
    assert first.prev_hash == "0" * 64


def test_deleted_last_checkpoint_needs_the_published_anchor(chain):
    make_checkpoint()
    last = make_checkpoint()
    Checkpoint.objects.filter(pk=last.pk).delete()
    assert verify_record().ok
    [problem] = verify_record(anchor=last.hash).problems
    assert problem.kind == ProblemKind.ANCHOR_MISSING


def test_checkpoint_chains_and_counts(chain):
    first = make_checkpoint()
    second = checkpoint_record.call_local()
    second = Checkpoint.objects.get(pk=second)
    assert second.prev_hash == first.hash
    assert second.event_count == Event.objects.count()
    assert second.heads[chain] == [5, event(chain, 5).hash]


def test_verify_runs_in_bounded_queries(chain, django_assert_max_num_queries):
    make_checkpoint()
    # 13 events in pages of 4: at most 3 queries per page (this chain, later chains, their heads) plus a
    # fixed few for checkpoints and the head sweep — never one per event or per chain.
    pages = 13 // 4 + 2
    with django_assert_max_num_queries(3 * pages + 6):
        assert verify_record(page=4).ok
