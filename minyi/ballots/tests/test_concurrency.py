"""Many voters casting into one poll at once: no lost and no double votes (PostgreSQL especially)."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from minyi.ballots.actions import (
    OptionInput,
    PollInput,
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_open_poll,
)
from minyi.ballots.models import Ballot, Elector, PendingBallot
from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Event

VOTERS = 12


def _run(target, args_list) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


@pytest.mark.django_db(transaction=True)
def test_concurrent_casts_neither_lost_nor_doubled() -> None:
    system = Actor.system()
    city = do_create_unit(UnitInput(name="示范市", kind="city"), None, actor=system)
    people = [
        do_create_person(PersonInput(username=f"v{i}", name=f"代表{i}"), actor=system) for i in range(VOTERS)
    ]
    poll = do_create_poll(
        PollInput(
            unit=city,
            title="民生实事票决",
            method="choose",
            secrecy="secret",
            rule={"seats": 2},
            options=[OptionInput(label=x) for x in ("甲", "乙", "丙")],
        ),
        actor=system,
    )
    do_open_poll(poll, actor=system, electorate=people)
    barrier = threading.Barrier(VOTERS * 2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def cast(person) -> None:  # type: ignore[no-untyped-def]
        barrier.wait(timeout=60)
        result = ""
        for _attempt in range(200):
            try:
                do_cast_ballot(poll, ["1", "2"], actor=Actor(person=person, role="deputy"))
                result = "ok"
            except ActionError as exc:
                result = exc.code
            except OperationalError as exc:
                # In-memory SQLite shares one cache between threads and reports "table is locked"
                # instead of waiting (busy_timeout does not apply). The action rolled back, so
                # trying again is what a waiting writer would do. Any other error is surfaced.
                if "locked" in str(exc) and connection.vendor == "sqlite":
                    time.sleep(random.uniform(0.001, 0.02))
                    continue
                result = f"db:{exc}"
            break
        connections.close_all()
        with lock:
            outcomes.append(result)

    # Every voter tries twice at the same moment.
    _run(cast, [(p,) for p in people] * 2)
    assert sorted(outcomes) == sorted(["ok"] * VOTERS + ["already_voted"] * VOTERS)
    # Every ballot waits sealed in the pool until closing (no intermediate flushes by default).
    assert Ballot.objects.filter(poll=poll).count() == 0
    assert PendingBallot.objects.filter(poll=poll).count() == VOTERS
    assert Elector.objects.filter(poll=poll, voted=True).count() == VOTERS
    assert (
        Event.objects.filter(chain=f"ballots.poll:{poll.pk}", action="ballots.ballot.cast").count() == VOTERS
    )
    poll = do_close_poll(poll, actor=system)
    assert dict(poll.result["ranking"]) == {"1": VOTERS, "2": VOTERS, "3": 0}
    assert Ballot.objects.filter(poll=poll).count() == VOTERS and not PendingBallot.objects.exists()
