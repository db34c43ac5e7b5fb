"""Poll lifecycle: created → open → closed → published, the electorate snapshot and quorum."""

from __future__ import annotations

import pytest

from minyi.ballots.actions import (
    PollInput,
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_open_poll,
    do_publish_poll,
)
from minyi.ballots.models import Elector, Poll, PollState
from minyi.ballots.tests.conftest import as_actor, events, voter
from minyi.core.actions.roles import do_grant_role
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Event


def test_full_lifecycle_records_each_step(make_poll, members, official) -> None:
    poll = make_poll()
    actor = as_actor(official)
    do_open_poll(poll, actor=actor)
    for person, choice in zip(members, ["yes", "yes", "yes", "no", "abstain"], strict=True):
        do_cast_ballot(poll, choice, actor=voter(person))
    do_close_poll(poll, actor=actor)
    do_publish_poll(poll, actor=actor)
    poll.refresh_from_db()
    assert poll.state == PollState.PUBLISHED and poll.electorate_size == 5 and poll.participants == 5
    assert poll.result["yes"] == 3 and poll.result["passed"] is True and poll.result["base"] == 4
    assert [e.action for e in events(poll)] == [
        "ballots.poll.create",
        "ballots.poll.open",
        *["ballots.ballot.cast"] * 5,
        "ballots.poll.close",
        "ballots.poll.publish",
    ]
    assert events(poll, "ballots.poll.publish")[0].data["result"]["passed"] is True
    assert all(e.public for e in events(poll))


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ([], "close"),
        ([], "publish"),
        (["open"], "open"),
        (["open"], "publish"),
        (["open", "close"], "open"),
        (["open", "close"], "close"),
        (["open", "close", "publish"], "publish"),
        (["open", "close", "publish"], "open"),
    ],
)
def test_wrong_state_refused_and_nothing_recorded(make_poll, members, official, steps, action) -> None:
    poll = make_poll()
    actor = as_actor(official)
    do = {"open": do_open_poll, "close": do_close_poll, "publish": do_publish_poll}
    for step in steps:
        do[step](poll, actor=actor)
    before = Event.objects.count()
    with pytest.raises(Conflict) as exc:
        do[action](poll, actor=actor)
    assert exc.value.code == "poll_wrong_state"
    assert Event.objects.count() == before


def test_electorate_fixed_at_opening(make_poll, members, council, make_person, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system)
    latecomer = make_person("council_member", council, name="后来者")
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(latecomer))
    assert exc.value.code == "not_elector"
    assert Elector.objects.filter(poll=poll).count() == 5


def test_explicit_electorate_and_outsider(make_poll, members, make_person, system) -> None:
    poll = make_poll()
    do_open_poll(poll, actor=system, electorate=members[:3])
    outsider = members[4]
    before = Event.objects.count()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(outsider))
    assert exc.value.code == "not_elector" and exc.value.status == 403
    assert Event.objects.count() == before


def test_empty_electorate_refused(make_poll, system) -> None:
    poll = make_poll(electorate_roles=["deputy"])
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=system)
    assert exc.value.code == "electorate_empty"
    assert Poll.objects.get(pk=poll.pk).state == PollState.CREATED


def test_quorum_required_and_checked(make_poll, members, system) -> None:
    poll = make_poll(quorum={"numerator": 1, "denominator": 2, "strict": True})
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=system)
    assert exc.value.code == "sign_in_required"
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=system, present=members[:2])  # 2 of 5 is not more than half
    assert exc.value.code == "quorum_not_met" and exc.value.details["required"] == 3
    assert not Elector.objects.filter(poll=poll).exists()
    assert events(poll, "ballots.poll.open") == []
    do_open_poll(poll, actor=system, present=members[:3])
    poll.refresh_from_db()
    assert poll.present_size == 3 and poll.state == PollState.OPEN


def test_absent_member_cannot_vote_when_sign_in_taken(make_poll, members, system) -> None:
    poll = make_poll(rule={"base": "present"})
    do_open_poll(poll, actor=system, present=members[:3])
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(poll, "yes", actor=voter(members[4]))
    assert exc.value.code == "not_present"


def test_sign_in_of_non_member_refused(make_poll, members, make_person, system) -> None:
    poll = make_poll(rule={"base": "present"})
    stranger = make_person()
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=system, present=[*members[:3], stranger])
    assert exc.value.code == "present_not_member"


def test_majority_of_all_members(make_poll, members, system) -> None:
    poll = make_poll(rule={"base": "electorate"})
    do_open_poll(poll, actor=system)
    for person in members[:2]:
        do_cast_ballot(poll, "yes", actor=voter(person))
    do_close_poll(poll, actor=system)
    poll.refresh_from_db()
    # 2 yes, 0 no: yes beats no, but not more than half of 5 members
    assert poll.result["passed"] is False and poll.result["required"] == 3


@pytest.mark.parametrize(
    ("method", "rule", "options", "extra", "code"),
    [
        ("yes_no", {"base": "nonsense"}, [], {}, "rule_invalid"),
        ("yes_no", {"threshold": {"numerator": 3, "denominator": 2}}, [], {}, "rule_invalid"),
        ("choose", {"seats": 2}, ["甲", "乙"], {}, "not_competitive"),
        ("choose", {"seats": 1, "base": "yes_no"}, ["甲", "乙"], {}, "rule_invalid"),
        ("choose", {"seats": 1}, ["甲", "甲"], {}, "option_repeated"),
        ("yes_no", {}, ["甲"], {}, "options_not_allowed"),
        ("yes_no", {}, [], {"secrecy": "secret", "show_live": True}, "live_results_secret"),
        ("yes_no", {}, [], {"electorate_roles": ["king"]}, "role_unknown"),
        ("score", {"groups": []}, ["王局长"], {}, "rule_invalid"),
        ("poll", {}, [], {}, "method_unknown"),
    ],
)
def test_bad_poll_refused(council, official, method, rule, options, extra, code) -> None:
    from minyi.ballots.actions import OptionInput

    data = PollInput(
        unit=council,
        title="议题",
        method=method,
        secrecy=extra.pop("secrecy", "named"),
        rule=rule,
        options=[OptionInput(label=o) for o in options],
        **extra,
    )
    before = Event.objects.count()
    with pytest.raises(ActionError) as exc:
        do_create_poll(data, actor=as_actor(official))
    assert exc.value.code == code
    assert Event.objects.count() == before and not Poll.objects.exists()


def test_role_holders_in_subtree_form_the_electorate(make_poll, tree, members, make_person, system) -> None:
    elsewhere = make_person()
    do_grant_role(elsewhere, "council_member", tree.other_community, actor=system)
    poll = make_poll()
    do_open_poll(poll, actor=system)
    assert not Elector.objects.filter(poll=poll, person=elsewhere).exists()
    assert Elector.objects.filter(poll=poll).count() == 5
