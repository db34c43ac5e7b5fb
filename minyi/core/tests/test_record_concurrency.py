"""Concurrent first writes to one new chain: both events land, in order, and the chain verifies (O4)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from minyi.core.actors import Actor
from minyi.core.models import ChainHead, Event, Unit
from minyi.core.record.verify import verify_record
from minyi.core.record.write import record_event


@pytest.mark.django_db(transaction=True)
def test_two_writers_racing_for_a_new_chain_both_append():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the race needs row locks")
    unit = Unit.add_root(name="竞态市", kind="city", code="RACE01")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                record_event(actor=Actor.system(), action=f"test.race.{n}", subject=unit, unit=unit)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    chain = f"core.unit:{unit.pk}"
    events = list(Event.objects.filter(chain=chain).order_by("seq"))
    assert [e.seq for e in events] == [1, 2] and events[1].prev_hash == events[0].hash
    assert ChainHead.objects.get(chain=chain).seq == 2
    assert verify_record().ok
