"""Paper ballots: counts entered by one official, confirmed by a second, different one."""

from __future__ import annotations

import pytest

from minyi.ballots.actions import (
    PaperCountInput,
    do_cast_ballot,
    do_close_poll,
    do_confirm_paper_counts,
    do_enter_paper_counts,
    do_open_poll,
    do_publish_poll,
)
from minyi.ballots.models import PaperCount, PollState
from minyi.ballots.tests.conftest import as_actor, events, voter
from minyi.core.errors import ActionError
from minyi.core.models import Event


@pytest.fixture
def paper_poll(make_poll, members, official):
    poll = make_poll(counting="paper", rule={"base": "present"}, secrecy="secret")
    do_open_poll(poll, actor=as_actor(official), present=members[:4])
    return do_close_poll(poll, actor=as_actor(official))


COUNTS = PaperCountInput(counts={"yes": 3, "no": 1, "abstain": 0}, ballots_returned=4)


def test_enter_confirm_publish(paper_poll, official, official2) -> None:
    do_enter_paper_counts(paper_poll, COUNTS, actor=as_actor(official))
    with pytest.raises(ActionError) as exc:
        do_publish_poll(paper_poll, actor=as_actor(official))
    assert exc.value.code == "paper_counts_unconfirmed"
    do_confirm_paper_counts(paper_poll, COUNTS, actor=as_actor(official2))
    poll = do_publish_poll(paper_poll, actor=as_actor(official))
    assert poll.state == PollState.PUBLISHED
    assert poll.result["passed"] is True and poll.result["base"] == 4 and poll.participants == 4
    confirm = events(poll, "ballots.paper.confirm")[0]
    assert confirm.actor == official2 and confirm.data["entered_by"] == official.pk


def test_same_official_cannot_confirm(paper_poll, official) -> None:
    do_enter_paper_counts(paper_poll, COUNTS, actor=as_actor(official))
    before = Event.objects.count()
    with pytest.raises(ActionError) as exc:
        do_confirm_paper_counts(paper_poll, COUNTS, actor=as_actor(official))
    assert exc.value.code == "same_official" and exc.value.status == 403
    assert Event.objects.count() == before
    assert PaperCount.objects.get(poll=paper_poll).confirmed_at is None


def test_differing_second_count_refused_then_corrected(paper_poll, official, official2) -> None:
    do_enter_paper_counts(paper_poll, COUNTS, actor=as_actor(official))
    other = PaperCountInput(counts={"yes": 2, "no": 2, "abstain": 0}, ballots_returned=4)
    with pytest.raises(ActionError) as exc:
        do_confirm_paper_counts(paper_poll, other, actor=as_actor(official2))
    assert exc.value.code == "paper_counts_differ"
    do_enter_paper_counts(paper_poll, other, actor=as_actor(official))  # recount, re-entered
    do_confirm_paper_counts(paper_poll, other, actor=as_actor(official2))
    paper_poll.refresh_from_db()
    assert paper_poll.result["passed"] is False  # 2 of 4 present is not more than half


@pytest.mark.parametrize(
    "data",
    [
        PaperCountInput(counts={"yes": 3, "no": 1, "abstain": 1}, ballots_returned=4),  # sum ≠ returned
        PaperCountInput(counts={"yes": 4, "no": 1, "abstain": 0}, ballots_returned=5),  # more than present
        PaperCountInput(counts={"yes": 3, "no": 0, "abstain": 0}, ballots_returned=4, invalid=5),
        PaperCountInput(counts={"yes": -1, "no": 5, "abstain": 0}, ballots_returned=4),
        PaperCountInput(counts={"yes": 4, "no": 0}, ballots_returned=4),
    ],
)
def test_mismatching_totals_refused(paper_poll, official, data) -> None:
    before = Event.objects.count()
    with pytest.raises(ActionError):
        do_enter_paper_counts(paper_poll, data, actor=as_actor(official))
    assert Event.objects.count() == before and not PaperCount.objects.exists()


def test_invalid_ballots_counted_but_not_valid(paper_poll, official, official2) -> None:
    data = PaperCountInput(counts={"yes": 2, "no": 1, "abstain": 0}, ballots_returned=4, invalid=1)
    do_enter_paper_counts(paper_poll, data, actor=as_actor(official))
    do_confirm_paper_counts(paper_poll, data, actor=as_actor(official2))
    paper_poll.refresh_from_db()
    assert paper_poll.result["invalid"] == 1 and paper_poll.result["cast"] == 3


def test_paper_rules(make_poll, members, official, official2) -> None:
    poll = make_poll(counting="paper")
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=as_actor(official))
    assert exc.value.code == "sign_in_required"
    do_open_poll(poll, actor=as_actor(official), present=members)
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(members[0]))
    assert exc.value.code == "paper_poll"
    with pytest.raises(ActionError) as exc:  # counts only after the ballot box is closed
        do_enter_paper_counts(poll, COUNTS, actor=as_actor(official))
    assert exc.value.code == "poll_wrong_state"


def test_paper_competitive_vote(make_poll, members, official, official2) -> None:
    poll = make_poll(
        "choose", "secret", {"seats": 1, "base": "present"}, ["甲", "乙", "丙"], counting="paper"
    )
    do_open_poll(poll, actor=as_actor(official), present=members)
    do_close_poll(poll, actor=as_actor(official))
    too_many = PaperCountInput(counts={"1": 5, "2": 1, "3": 0}, ballots_returned=5)
    with pytest.raises(ActionError) as exc:
        do_enter_paper_counts(poll, too_many, actor=as_actor(official))
    assert exc.value.code == "paper_totals_mismatch"
    data = PaperCountInput(counts={"1": 3, "2": 2, "3": 0}, ballots_returned=5)
    do_enter_paper_counts(poll, data, actor=as_actor(official))
    do_confirm_paper_counts(poll, data, actor=as_actor(official2))
    poll.refresh_from_db()
    assert poll.result["elected"] == ["1"]


def test_system_cannot_enter_paper_counts(paper_poll, system) -> None:
    with pytest.raises(ActionError) as exc:
        do_enter_paper_counts(paper_poll, COUNTS, actor=system)
    assert exc.value.code == "official_required"
