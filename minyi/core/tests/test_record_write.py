"""record_event: hashes survive the database round trip exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.models import ChainHead, Event
from minyi.core.record.hashing import event_hash, head_message, normalise, signature_ok
from minyi.core.record.write import hashed_fields, record_event

DATA = {
    "标题": "金沙社区3栋漏水，居民张三反映",
    "nested": {"层级": {"深": ["甲", {"乙": "丙"}, 1, 2.5, None]}, "空": {}},
    "amount": Decimal("12345.60"),
    "day": date(2024, 2, 29),
    "moment": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    "yes": True,
    "no": False,
    "nothing": None,
    "int": 1,
    "float_one": 1.0,
    "float": 0.1 + 0.2,
    "tiny": 1.5e-07,
    "huge": 1e16,
    "negative_zero": -0.0,
    "big_int": 2**70,
    "emoji": "👍 满意",
    "quote": 'a "quoted" \\ backslash\nnewline\ttab',
}


def _write(subject, data, actor=None):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return record_event(
            actor=actor or Actor.system(),
            action="test.write",
            subject=subject,
            unit=subject,
            data=data,
            reason="理由：测试",
            public=True,
        )


def test_hash_survives_round_trip_with_awkward_json(tree, monkeypatch):
    fixed = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    event = _write(tree.community, DATA)
    stored = Event.objects.get(pk=event.pk)
    assert stored.occurred_at == fixed  # microseconds kept
    assert stored.data == event.data == normalise(DATA)
    assert event_hash(hashed_fields(stored)) == stored.hash == event.hash
    assert stored.data["amount"] == "12345.60"
    assert stored.data["day"] == "2024-02-29"
    assert isinstance(stored.data["int"], int) and isinstance(stored.data["float_one"], float)
    assert stored.data["huge"] == 10**16 and isinstance(stored.data["huge"], int)
    assert stored.data["big_int"] == 2**70


def test_zero_microseconds_round_trip(tree, monkeypatch):
    fixed = datetime(2026, 3, 4, 5, 6, 7, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    event = _write(tree.community, {"a": 1})
    stored = Event.objects.get(pk=event.pk)
    assert event_hash(hashed_fields(stored)) == stored.hash


def test_event_and_head_are_signed_and_chained(tree, make_person):
    staff = make_person("community_staff", tree.community)
    actor = Actor(staff, "community_staff", tree.community)
    first = _write(tree.community, {"n": 1}, actor)
    second = _write(tree.community, {"n": 2}, actor)
    assert (first.seq, second.seq) == (2, 3)  # seq 1 is the unit's creation
    assert second.prev_hash == first.hash
    assert signature_ok("event", second.hash, second.signature)
    head = ChainHead.objects.get(chain=second.chain)
    assert (head.seq, head.hash) == (3, second.hash)
    assert signature_ok("head", head_message(head.chain, head.seq, head.hash), head.signature)
    stored = Event.objects.get(pk=second.pk)
    assert (stored.actor_id, stored.actor_role, stored.actor_unit_id) == (
        staff.pk,
        "community_staff",
        tree.community.pk,
    )
    assert stored.reason == "理由：测试"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "nul\x00byte"])
def test_unstorable_values_are_refused_before_writing(tree, bad):
    before = Event.objects.count()
    with pytest.raises(ValueError):
        _write(tree.community, {"bad": bad})
    assert Event.objects.count() == before


def test_start_chain_refuses_a_chain_that_exists(tree):  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    from minyi.core.record.write import prepare_event, start_chain
    from minyi.core.rows import insert_rows, reserve_ids

    _write(tree.community, {"n": 1})  # the community's chain exists
    before = Event.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        event = prepare_event(actor=Actor.system(), action="test.x", subject=tree.community, unit=None)
        event.pk = reserve_ids({Event: 1})[Event][0]
        insert_rows([event, start_chain([event])])
    assert Event.objects.count() == before
