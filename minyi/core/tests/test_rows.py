"""minyi.core.rows: reserved ids, rows inserted together, rows read by a unique column (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actions.tokens import do_create_token
from minyi.core.actors import Actor
from minyi.core.models import ApiToken, ChainHead, Channel, Event, Person, Unit
from minyi.core.models.tokens import token_digest
from minyi.core.record.hashing import GENESIS
from minyi.core.record.verify import verify_record
from minyi.core.record.write import prepare_event, record_event, start_chain
from minyi.core.rows import By, ColumnOf, insert_rows, reserve_ids, reserve_ids_with, rows_by

AT = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def test_reserved_ids_are_fresh_ascending_and_the_sequence_moves_past_them(tree):
    with transaction.atomic():
        before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ids = reserve_ids({Event: 3, Unit: 1})
        assert ids[Event] == sorted(ids[Event]) and len(set(ids[Event])) == 3
        assert min(ids[Event]) > before and ids[Unit][0] > tree.station.pk
        events = [
            prepare_event(actor=Actor.system(), action="test.rows", subject=tree.station, unit=tree.station)
            for _ in range(3)
        ]
        for event, pk in zip(events, ids[Event], strict=True):
            event.pk, event.chain = pk, "test.rows:1"
        head = start_chain(events)
        insert_rows([*events, head])
    # The ORM's next insert takes an id past the reserved ones (the sequence saw them).
    with transaction.atomic():
        later = record_event(
            actor=Actor.system(), action="test.after", subject=tree.station, unit=tree.station
        )
    assert later.pk > max(ids[Event])


def test_rows_inserted_together_read_back_equal_and_the_chain_verifies(tree):
    with transaction.atomic():
        first = prepare_event(
            actor=Actor.system(), action="test.one", subject=tree.community, unit=tree.community,
            data={"标题": "漏水", "amount": 1.5, "when": AT}, reason="理由", public=True,
        )  # fmt: skip
        second = prepare_event(actor=Actor.system(), action="test.two", subject=tree.community, unit=None)
        first.pk, second.pk = reserve_ids({Event: 2})[Event]
        chain = first.chain
        ChainHead.objects.filter(chain=chain).delete()
        Event.objects.filter(chain=chain).delete()
        head = start_chain([first, second])
        insert_rows([first, second, head])
    assert (first.seq, first.prev_hash, second.seq, second.prev_hash) == (1, GENESIS, 2, first.hash)
    stored = Event.objects.get(pk=first.pk)
    for name in ("chain", "seq", "prev_hash", "hash", "signature", "occurred_at", "actor_id", "action",
                 "subject_type", "subject_id", "data", "reason", "public", "unit_id"):  # fmt: skip
        assert getattr(stored, name) == getattr(first, name), name
    saved_head = ChainHead.objects.get(chain=chain)
    assert (saved_head.seq, saved_head.hash) == (2, second.hash)
    assert saved_head.updated_at is not None  # auto_now filled by the field's pre_save
    assert first._state.adding is False
    assert verify_record().ok


def test_insert_rows_needs_reserved_keys(tree):
    event = prepare_event(actor=Actor.system(), action="test.x", subject=tree.station, unit=tree.station)
    with pytest.raises(ValueError), transaction.atomic():
        insert_rows([event])
    assert not Event.objects.filter(action="test.x").exists()


def test_a_failing_row_fails_the_whole_insert(tree):
    count = Event.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        one = prepare_event(actor=Actor.system(), action="test.dup", subject=tree.station, unit=tree.station)
        two = prepare_event(actor=Actor.system(), action="test.dup", subject=tree.station, unit=tree.station)
        one.pk, two.pk = reserve_ids({Event: 2})[Event]
        head = start_chain([one])
        two.seq, two.prev_hash, two.hash = 1, GENESIS, one.hash  # same hash: unique violation
        insert_rows([one, head, two])
    assert Event.objects.count() == count


def test_rows_by_reads_what_the_orm_reads(tree, system):
    ensure_default_channels(actor=system)
    unit = rows_by([By(Unit, "pk", tree.community.pk)])[0]
    assert unit is not None and unit._state.adding is False
    expected = Unit.objects.get(pk=tree.community.pk)
    for field in Unit._meta.concrete_fields:
        assert getattr(unit, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(unit.is_active, bool)
    channel = rows_by([By(Channel, "code", "web")])[0]
    assert channel is not None and channel == Channel.objects.get(code="web")
    assert rows_by([By(Channel, "code", "nowhere")]) == [None]
    assert rows_by([By(Unit, "pk", 10**30)]) == [None]  # out of the column's range: no row, no database error
    with pytest.raises(ValueError):
        rows_by([By(Unit, "name", tree.community.name)])  # not unique


def test_one_look_up_is_one_statement(tree):
    with CaptureQueriesContext(connection) as queries:
        rows_by([By(Unit, "pk", tree.station.pk)])
    assert len(queries.captured_queries) == 1


def test_rows_by_reads_several_rows_in_one_round_trip_on_postgresql(tree, system, make_person):
    ensure_default_channels(actor=system)
    person = make_person("resident", tree.community)
    token = do_create_token(person, actor=Actor(person=person, role="resident"), name="t", expires_in_days=1)
    digest = token_digest(token.secret)
    lookups = [
        By(Unit, "pk", tree.community.pk),
        By(Unit, "pk", 10**30),  # out of range: None, and not sent
        By(Channel, "code", "nowhere"),
        By(ApiToken, "key_hash", digest),
        By(Person, "pk", ColumnOf(ApiToken, "key_hash", digest, "owner")),
        By(Person, "pk", ColumnOf(ApiToken, "key_hash", "0" * 64, "owner")),  # no such token
        By(Channel, "code", "web"),
    ]
    with CaptureQueriesContext(connection) as queries:
        unit, huge, missing, found_token, owner, nobody, web = rows_by(lookups)
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 6)
    assert unit == tree.community and huge is None and missing is None and nobody is None
    assert isinstance(found_token, ApiToken) and found_token.pk == token.token.pk
    assert owner == person and isinstance(web, Channel) and web.code == "web"
    assert rows_by([]) == [] and rows_by([By(Unit, "pk", -(10**30))]) == [None]


def test_reserve_ids_with_a_statement_of_the_caller(tree):
    with transaction.atomic():
        row, ids = reserve_ids_with("SELECT %s, %s", [7, "甲"], {Event: 2, Unit: 0})
        assert row == (7, "甲") and list(ids) == [Event] and len(ids[Event]) == 2
        with CaptureQueriesContext(connection) as queries:
            nothing, none_reserved = reserve_ids_with(
                'UPDATE "core_unit" SET "name" = "name" WHERE "id" = %s RETURNING "id"', [-1], {Event: 1}
            )
        assert nothing is None
        if connection.vendor == "postgresql":  # one statement: its row was missing, so nothing taken
            assert none_reserved == {} and len(queries.captured_queries) == 1
        else:  # SQLite reserves after the statement (ids are taken only by inserting them)
            assert len(none_reserved[Event]) == 1 and len(queries.captured_queries) == 2


def test_values_of_another_type_take_the_fields_own_preparation(tree):
    """Values of the column's own Python type are sent as they are; any other goes through the field
    (as Model.save does): an int in a text column is stored as its text."""
    with transaction.atomic():
        event = prepare_event(
            actor=Actor.system(), action="test.types", subject=tree.station, unit=tree.station
        )
        event.pk = reserve_ids({Event: 1})[Event][0]
        event.chain, event.subject_id = "test.types:1", 42  # type: ignore[assignment]
        head = start_chain([event])
        insert_rows([event, head])
    stored = Event.objects.get(pk=event.pk)
    assert stored.subject_id == "42" and stored.public is False and stored.unit_id == tree.station.pk
