"""Casting a ballot online. One ballot per elector, checked under the poll's row lock."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.ballots import tally
from minyi.ballots.actions.lifecycle import lock_poll, require_state
from minyi.ballots.models import Ballot, Counting, Elector, Method, Poll, PollState
from minyi.ballots.pool import pool_ballot
from minyi.ballots.results import option_keys
from minyi.ballots.schemas import ChooseRuleInput, ScoreRuleInput, rule_input
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.record.write import record_event

# No 0/O, 1/I: a receipt is read aloud and copied by hand. 32 symbols × 12 = 60 random bits.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class CastReceipt:
    """Shown to the voter once; the platform never shows it to anyone again."""

    poll_id: int
    receipt: str


def normalise_choices(poll: Poll, group: str, choices: Any) -> Any:
    """Validate a ballot against the poll's rule and return what is stored. Raises ActionError."""
    try:
        if poll.method == Method.YES_NO:
            if not isinstance(choices, str):
                raise tally.TallyError("choice_invalid", "yes, no or abstain")
            tally.count_yes_no([choices])
            return choices
        rule = rule_input(poll.method, poll.rule)
        keys = option_keys(poll)
        if poll.method == Method.CHOOSE:
            assert isinstance(rule, ChooseRuleInput)
            if not isinstance(choices, list | tuple) or not all(isinstance(c, str) for c in choices):
                raise tally.TallyError("choice_invalid", "a list of candidate keys")
            return sorted(tally.check_choose_ballot(list(choices), keys, rule.seats))
        assert isinstance(rule, ScoreRuleInput)
        form = rule.to_tally().group(group)
        if not isinstance(choices, dict) or set(choices) != set(keys):
            raise tally.TallyError("subjects_mismatch", "score every subject of the poll")
        stored: dict[str, dict[str, str]] = {}
        for key in keys:
            sheet = choices[key]
            if not isinstance(sheet, dict):
                raise tally.TallyError("criteria_mismatch", "a score sheet per subject")
            tally.rater_score(form, sheet)  # validates range and completeness
            stored[key] = {code: str(Decimal(str(value))) for code, value in sheet.items()}
        return stored
    except tally.TallyError as exc:
        raise ActionError(exc.code, _("选票无效：%(error)s") % {"error": exc}, {"field": "choices"}) from exc


def check_cast_ballot(poll: Poll, elector: Elector | None) -> Elector:
    if poll.counting == Counting.PAPER:
        raise Conflict("paper_poll", _("本表决使用纸质选票，不能在线投票"), {})
    require_state(poll, PollState.OPEN)
    if elector is None:
        raise NotPermitted("not_elector", _("您不在本次表决的投票人名单中"), {})
    if poll.present_size is not None and not elector.present:
        raise NotPermitted("not_present", _("您未在到会签到名单中，不能投票"), {})
    if elector.voted:
        raise Conflict("already_voted", _("您已经投过票"), {})
    return elector


@transaction.atomic
def do_cast_ballot(poll: Poll, choices: Any, *, actor: Actor) -> CastReceipt:
    """Record one ballot. A secret ballot goes sealed into the pool and carries no voter, time or order."""
    poll = lock_poll(poll)  # serialises casts with each other and with closing
    elector = (
        Elector.objects.select_for_update().filter(poll=poll, person=actor.person).first()
        if actor.person is not None
        else None
    )
    elector = check_cast_ballot(poll, elector)
    stored = normalise_choices(poll, elector.group, choices)
    receipt = new_receipt()
    if poll.is_secret:
        # Sealed into the pool; written to Ballot later in a shuffled batch (pool.py).
        pool_ballot(poll, group=elector.group, choices=stored, receipt=receipt)
    else:
        Ballot.objects.create(
            poll=poll, voter=actor.person, group=elector.group, choices=stored, receipt=receipt
        )
    elector.voted = True
    elector.save(update_fields=["voted"])
    # A secret cast's event names the voter (participation is the sign-in record) but never the contents.
    record_event(
        actor=actor,
        action="ballots.ballot.cast",
        subject=poll,
        unit=poll.unit,
        public=not poll.is_secret,
        data={} if poll.is_secret else {"choices": stored},
    )
    return CastReceipt(poll_id=poll.pk, receipt=receipt)
