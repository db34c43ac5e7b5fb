"""Casting: bad ballots refused with nothing written, receipts, and the secret-ballot storage design."""

from __future__ import annotations

import pytest

from minyi.ballots.actions import do_cast_ballot, do_close_poll, do_open_poll, do_publish_poll
from minyi.ballots.models import Ballot, Elector, PendingBallot, PollState
from minyi.ballots.tests.conftest import events, voter
from minyi.core.errors import ActionError
from minyi.core.models import Event


def snapshot() -> tuple[int, int, int, int]:
    return (
        Event.objects.count(),
        Ballot.objects.count(),
        PendingBallot.objects.count(),
        Elector.objects.filter(voted=True).count(),
    )


def test_vote_twice_refused(make_poll, members, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    do_cast_ballot(poll, "yes", actor=voter(members[0]))
    before = snapshot()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "no", actor=voter(members[0]))
    assert exc.value.code == "already_voted" and exc.value.status == 409
    assert snapshot() == before


def test_vote_in_unopened_or_closed_poll_refused(make_poll, members, system) -> None:
    poll = make_poll()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(members[0]))
    assert exc.value.code == "poll_wrong_state"
    do_open_poll(poll, actor=system)
    do_close_poll(poll, actor=system)
    before = snapshot()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(members[0]))
    assert exc.value.code == "poll_wrong_state"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        (["1", "2", "3"], "too_many_marks"),
        (["9"], "candidate_unknown"),
        (["1", "1"], "candidate_repeated"),
        ("1", "choice_invalid"),
        ([1], "choice_invalid"),
    ],
)
def test_bad_choose_ballot_refused(make_poll, members, system, choices, code) -> None:
    poll = make_poll("choose", "secret", {"seats": 2}, ["健身广场", "加装电梯", "停车棚"])
    do_open_poll(poll, actor=system)
    before = snapshot()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, choices, actor=voter(members[0]))
    assert exc.value.code == code
    assert snapshot() == before


@pytest.mark.parametrize("choices", ["maybe", ["yes"], None, {"yes": 1}])
def test_bad_yes_no_ballot_refused(make_poll, members, system, choices) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    before = snapshot()
    with pytest.raises(ActionError):
        do_cast_ballot(poll, choices, actor=voter(members[0]))
    assert snapshot() == before


def test_receipts_are_random_and_unique(make_poll, members, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    receipts = [do_cast_ballot(poll, "yes", actor=voter(p)).receipt for p in members]
    assert len(set(receipts)) == 5
    assert all(len(r) == 14 and r.count("-") == 2 for r in receipts)
    assert set(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)) == set(receipts)


def test_named_ballot_names_its_voter(make_poll, members, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    do_cast_ballot(poll, "no", actor=voter(members[0]))
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.voter == members[0] and ballot.choices == "no"
    event = events(poll, "ballots.ballot.cast")[0]
    assert event.actor == members[0] and event.data == {"choices": "no"} and event.public


def test_secret_ballot_storage_has_no_link_to_voter(make_poll, members, system) -> None:
    poll = make_poll("choose", "secret", {"seats": 2}, ["健身广场", "加装电梯", "停车棚"])
    do_open_poll(poll, actor=system)
    cast = {}
    for person, marks in zip(members, [["1"], ["1", "2"], ["2"], ["3"], []], strict=True):
        cast[do_cast_ballot(poll, marks, actor=voter(person)).receipt] = sorted(marks)
    # The ballot table: no voter, no timestamp, no sequential key.
    field_names = {f.name for f in Ballot._meta.get_fields()}
    assert field_names == {"id", "poll", "voter", "group", "choices", "receipt"}
    assert Ballot.objects.filter(poll=poll, voter__isnull=False).count() == 0
    # The participation events name voters, never contents.
    for event in events(poll, "ballots.ballot.cast"):
        assert event.data == {} and not event.public and event.actor in members
    # Five ballots, flushed only at closing: all still sealed in the pool, none in the ballot table.
    assert (
        Ballot.objects.filter(poll=poll).count() == 0 and PendingBallot.objects.filter(poll=poll).count() == 5
    )
    do_close_poll(poll, actor=system)
    # Closing rewrote the rows under new random ids; receipts and contents survive unchanged.
    rows = dict(Ballot.objects.filter(poll=poll).values_list("receipt", "choices"))
    assert rows == cast and PendingBallot.objects.filter(poll=poll).count() == 0
    poll.refresh_from_db()
    assert poll.result["ballots"] == 5
    assert dict(poll.result["ranking"]) == {"1": 2, "2": 2, "3": 1}
    assert poll.result["elected"] == [] and poll.result["open_seats"] == 2  # 2 of 5 is not more than half
    assert do_publish_poll(poll, actor=system).state == PollState.PUBLISHED


def test_non_member_actor_without_person_refused(make_poll, members, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=system)
    assert exc.value.code == "not_elector"
