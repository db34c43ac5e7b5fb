"""Paper ballots in a meeting: one official types in the counts, a second, different one confirms them.

The confirming official types the counts again from the tally sheet (double entry); any difference
is refused, so a typo by either official cannot reach the published result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.ballots.actions.lifecycle import lock_poll, require_state
from minyi.ballots.models import Counting, Method, PaperCount, Poll, PollState
from minyi.ballots.results import compute_result, option_keys
from minyi.ballots.schemas import ChooseRuleInput, rule_input
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.record.write import record_event


@dataclass(frozen=True)
class PaperCountInput:
    counts: Mapping[str, int]  # yes_no: yes/no/abstain; choose: candidate key -> votes
    ballots_returned: int
    invalid: int = 0


def _bad(code: str, message: str, **details: object) -> ActionError:
    return ActionError(code, message, {"field": "counts", **details})


def check_paper_counts(poll: Poll, data: PaperCountInput) -> None:
    if poll.counting != Counting.PAPER:
        raise Conflict("not_paper_poll", _("本表决不是纸质计票"), {})
    require_state(poll, PollState.CLOSED)
    numbers = [*data.counts.values(), data.ballots_returned, data.invalid]
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
        raise _bad("count_invalid", _("票数必须是非负整数"))
    participants = poll.present_size or 0
    if data.ballots_returned > participants:
        raise _bad(
            "paper_totals_mismatch",
            _("收回票数 %(returned)d 多于到会投票人数 %(present)d")
            % {"returned": data.ballots_returned, "present": participants},
            returned=data.ballots_returned,
            present=participants,
        )
    if data.invalid > data.ballots_returned:
        raise _bad("paper_totals_mismatch", _("无效票数多于收回票数"))
    valid = data.ballots_returned - data.invalid
    if poll.method == Method.YES_NO:
        if set(data.counts) != {"yes", "no", "abstain"}:
            raise _bad("count_keys", _("请填写赞成、反对、弃权票数"))
        if sum(data.counts.values()) != valid:
            raise _bad(
                "paper_totals_mismatch",
                _("赞成、反对、弃权票数之和 %(sum)d 与有效票数 %(valid)d 不符")
                % {"sum": sum(data.counts.values()), "valid": valid},
                valid=valid,
            )
        return
    rule = rule_input(poll.method, poll.rule)
    assert isinstance(rule, ChooseRuleInput)
    if set(data.counts) != set(option_keys(poll)):
        raise _bad("count_keys", _("请为每位候选项填写得票数"))
    if any(n > valid for n in data.counts.values()):
        raise _bad("paper_totals_mismatch", _("候选项得票数不能多于有效票数"), valid=valid)
    if sum(data.counts.values()) > valid * rule.seats:
        raise _bad(
            "paper_totals_mismatch", _("得票总数多于有效票数乘以应选数"), valid=valid, seats=rule.seats
        )


@transaction.atomic
def do_enter_paper_counts(poll: Poll, data: PaperCountInput, *, actor: Actor) -> PaperCount:
    """Type in (or correct, before confirmation) the counts of a closed paper poll."""
    if actor.person is None:
        raise NotPermitted("official_required", _("纸质计票结果须由工作人员本人录入"), {})
    poll = lock_poll(poll)
    check_paper_counts(poll, data)
    paper = PaperCount.objects.select_for_update().filter(poll=poll).first()
    if paper is not None and paper.confirmed_at is not None:
        raise Conflict("paper_counts_confirmed", _("计票结果已确认，不能修改"), {})
    if paper is None:
        paper = PaperCount(poll=poll)
    paper.counts = dict(data.counts)
    paper.ballots_returned = data.ballots_returned
    paper.invalid = data.invalid
    paper.entered_by = actor.person
    paper.entered_at = timezone.now()
    paper.save()
    record_event(
        actor=actor,
        action="ballots.paper.enter",
        subject=poll,
        unit=poll.unit,
        public=True,
        data={"counts": paper.counts, "ballots_returned": paper.ballots_returned, "invalid": paper.invalid},
    )
    return paper


@transaction.atomic
def do_confirm_paper_counts(poll: Poll, data: PaperCountInput, *, actor: Actor) -> PaperCount:
    """A second official re-enters the counts; equal counts are confirmed and the poll is counted."""
    poll = lock_poll(poll)
    check_paper_counts(poll, data)
    paper = PaperCount.objects.select_for_update().filter(poll=poll).first()
    if paper is None:
        raise Conflict("paper_counts_missing", _("尚未录入计票结果"), {})
    if paper.confirmed_at is not None:
        raise Conflict("paper_counts_confirmed", _("计票结果已确认"), {})
    if actor.person is None or actor.person.pk == paper.entered_by_id:
        raise NotPermitted("same_official", _("须由录入人以外的另一名工作人员核对确认"), {})
    if (dict(data.counts), data.ballots_returned, data.invalid) != (
        paper.counts,
        paper.ballots_returned,
        paper.invalid,
    ):
        raise _bad("paper_counts_differ", _("核对票数与录入票数不一致，请重新清点"))
    paper.confirmed_by = actor.person
    paper.confirmed_at = timezone.now()
    paper.save(update_fields=["confirmed_by", "confirmed_at"])
    poll.participants = paper.ballots_returned
    poll.result = compute_result(poll)
    poll.save(update_fields=["participants", "result"])
    record_event(
        actor=actor,
        action="ballots.paper.confirm",
        subject=poll,
        unit=poll.unit,
        public=True,
        data={"entered_by": paper.entered_by_id, "result": poll.result},
    )
    return paper
