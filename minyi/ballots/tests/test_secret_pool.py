"""Secret ballots are unlinkable while the poll is open: sealed in a pool, flushed in shuffled batches.

The shuffle is replaced by a seeded one so the assertions are about the mechanism, not luck: the
physical order of the flushed rows (SQLite rowid, PostgreSQL ctid) is the seeded permutation of the
receipts — not the order of casting — and nothing of a pending ballot is readable in the database.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from minyi.ballots import pool
from minyi.ballots.actions import do_cast_ballot, do_close_poll, do_open_poll, do_publish_poll
from minyi.ballots.models import Ballot, Elector, PendingBallot, Poll
from minyi.ballots.tests.conftest import voter
from minyi.core.errors import ActionError
from minyi.core.models import Event, Person

SEED = 2026


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "shuffle", random.Random(SEED).shuffle)


@pytest.fixture
def voters(tree: Any, make_person: Any) -> list[Person]:
    return [make_person("resident", tree.community, name=f"居民{i}") for i in range(20)]


def physical_order(poll: Poll) -> list[str]:
    """Receipts in the table's physical order, as a DBA reading the raw table would see them."""
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT receipt FROM ballots_ballot WHERE poll_id = %s ORDER BY {position}",
            [poll.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_batch_is_written_in_seeded_shuffled_order_not_cast_order(
    make_poll: Any, voters: list[Person], system: Any, settings: Any, seeded: None
) -> None:
    settings.MINYI_BALLOT_BATCH_SIZE = 20
    poll = do_open_poll(make_poll(secrecy="secret"), actor=system, electorate=voters)
    cast_order = []
    for i, person in enumerate(voters[:19]):
        cast_order.append(do_cast_ballot(poll, ("yes", "no")[i % 2], actor=voter(person)).receipt)
    # 19 ballots: all sealed in the pool; the ballot table holds none of them.
    assert not Ballot.objects.filter(poll=poll).exists()
    sealed = list(PendingBallot.objects.filter(poll=poll).values_list("sealed", flat=True))
    assert len(sealed) == 19 and len({len(s) for s in sealed}) == 1  # fixed size: yes and no look alike
    assert not any(r in s or r.replace("-", "") in s for r in cast_order for s in sealed)
    assert {f.name for f in PendingBallot._meta.get_fields()} == {"id", "poll", "sealed"}
    # The 20th fills the batch: opened, shuffled, written in one go, the pool emptied.
    cast_order.append(do_cast_ballot(poll, "abstain", actor=voter(voters[19])).receipt)
    assert not PendingBallot.objects.filter(poll=poll).exists()
    expected = sorted(cast_order)
    random.Random(SEED).shuffle(expected)
    assert physical_order(poll) == expected != cast_order
    # Neither the primary keys carry the order.
    by_id = list(Ballot.objects.filter(poll=poll).order_by("id").values_list("receipt", flat=True))
    assert by_id != cast_order
    assert Ballot.objects.filter(poll=poll, voter__isnull=False).count() == 0


def test_close_flushes_the_partial_batch_totals_equal_ballots(
    make_poll: Any, voters: list[Person], system: Any, settings: Any
) -> None:
    settings.MINYI_BALLOT_BATCH_SIZE = 6
    poll = do_open_poll(
        make_poll("choose", "secret", {"seats": 2}, ["健身广场", "加装电梯", "停车棚"]),
        actor=system,
        electorate=voters,
    )
    marks = [["1"], ["1", "2"], ["2"], ["3"], []] * 3  # 15 ballots: two batches of 6, three pending
    receipts = {}
    for person, choice in zip(voters, marks, strict=False):
        receipts[do_cast_ballot(poll, choice, actor=voter(person)).receipt] = sorted(choice)
    assert Ballot.objects.filter(poll=poll).count() == 12
    assert PendingBallot.objects.filter(poll=poll).count() == 3
    # No double vote, pool or not.
    with pytest.raises(ActionError) as error:
        do_cast_ballot(poll, ["1"], actor=voter(voters[0]))
    assert error.value.code == "already_voted"
    assert Ballot.objects.filter(poll=poll).count() + PendingBallot.objects.filter(poll=poll).count() == 15
    poll = do_close_poll(poll, actor=system)
    assert not PendingBallot.objects.filter(poll=poll).exists()
    assert dict(Ballot.objects.filter(poll=poll).values_list("receipt", "choices")) == receipts
    assert poll.participants == 15 == Elector.objects.filter(poll=poll, voted=True).count()
    assert dict(poll.result["ranking"]) == {"1": 6, "2": 6, "3": 3}


def test_a_pending_receipt_is_reported_counted(
    make_poll: Any, members: list[Person], system: Any, client: Client
) -> None:
    poll = do_open_poll(make_poll(secrecy="secret"), actor=system)
    receipt = do_cast_ballot(poll, "yes", actor=voter(members[0])).receipt
    assert PendingBallot.objects.filter(poll=poll).count() == 1
    body = client.get(f"/api/v1/ballots/polls/{poll.pk}/receipts/{receipt}").json()
    assert body == {"receipt": receipt, "counted": True, "choices": None}
    assert client.get(f"/api/v1/ballots/polls/{poll.pk}/receipts/AAAA-BBBB-CCCC").status_code == 404
    poll = do_publish_poll(do_close_poll(poll, actor=system), actor=system)
    assert client.get(f"/api/v1/ballots/polls/{poll.pk}/receipts/{receipt}").json()["choices"] == "yes"


def test_a_pool_sealed_under_another_key_or_altered_is_refused_at_closing(
    make_poll: Any, members: list[Person], system: Any, settings: Any
) -> None:
    poll = do_open_poll(make_poll(secrecy="secret"), actor=system)
    do_cast_ballot(poll, "yes", actor=voter(members[0]))
    before = (Event.objects.count(), Ballot.objects.count(), PendingBallot.objects.count())
    settings.MINYI_BALLOT_POOL_KEY = "a different key"
    with pytest.raises(ActionError) as error:
        do_close_poll(poll, actor=system)
    assert error.value.code == "ballot_pool_unreadable"
    assert (Event.objects.count(), Ballot.objects.count(), PendingBallot.objects.count()) == before
    poll.refresh_from_db()
    assert poll.state == "open"
    # A row moved from another poll does not authenticate either (the poll id is in the MAC).
    settings.MINYI_BALLOT_POOL_KEY = ""
    sealed = PendingBallot.objects.get(poll=poll).sealed
    with pytest.raises(ActionError):
        pool.unseal(poll.pk + 1, sealed)
    assert pool.unseal(poll.pk, sealed)["c"] == "yes"


def test_named_polls_do_not_use_the_pool(make_poll: Any, members: list[Person], system: Any) -> None:
    poll = do_open_poll(make_poll(secrecy="named"), actor=system)
    do_cast_ballot(poll, "no", actor=voter(members[0]))
    assert Ballot.objects.get(poll=poll).voter == members[0] and not PendingBallot.objects.exists()
