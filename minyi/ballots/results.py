"""From stored ballots or confirmed paper counts to a result (JSON for the poll row and the API).

The arithmetic is in tally.py; this module only reads rows and shapes the answer.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from minyi.ballots import tally
from minyi.ballots.models import Ballot, Counting, Method, PaperCount, Poll
from minyi.ballots.schemas import ChooseRuleInput, MajorityRuleInput, ScoreRuleInput, rule_input


def turnout(poll: Poll, participants: int) -> tally.Turnout:
    return tally.Turnout(
        electorate=poll.electorate_size or 0, present=poll.present_size, participants=participants
    )


def option_keys(poll: Poll) -> list[str]:
    return [option.key for option in poll.options.all()]


def compute_result(poll: Poll) -> dict[str, Any]:
    if poll.counting == Counting.PAPER:
        return _paper_result(poll, poll.paper_count)
    ballots = list(Ballot.objects.filter(poll=poll).values_list("group", "choices"))
    rule = rule_input(poll.method, poll.rule)
    common = {"electorate": poll.electorate_size, "present": poll.present_size, "participants": len(ballots)}
    if poll.method == Method.YES_NO:
        assert isinstance(rule, MajorityRuleInput)
        counts = tally.count_yes_no(choices for _, choices in ballots)
        return common | _yes_no(tally.decide_yes_no(counts, rule.to_tally(), turnout(poll, len(ballots))))
    if poll.method == Method.CHOOSE:
        assert isinstance(rule, ChooseRuleInput)
        choose_counts = tally.count_choices((c for _, c in ballots), option_keys(poll), rule.seats)
        return common | _choose(
            tally.decide_choose(choose_counts, rule.to_tally(), turnout(poll, len(ballots)))
        )
    assert isinstance(rule, ScoreRuleInput)
    return common | _scores(poll, rule.to_tally(), ballots)


def _paper_result(poll: Poll, paper: PaperCount) -> dict[str, Any]:
    rule = rule_input(poll.method, poll.rule)
    common = {
        "electorate": poll.electorate_size,
        "present": poll.present_size,
        "participants": paper.ballots_returned,
    }
    if poll.method == Method.YES_NO:
        assert isinstance(rule, MajorityRuleInput)
        counts = tally.YesNoCounts(invalid=paper.invalid, **paper.counts)
        return common | _yes_no(
            tally.decide_yes_no(counts, rule.to_tally(), turnout(poll, paper.ballots_returned))
        )
    assert isinstance(rule, ChooseRuleInput)
    choose_counts = tally.ChooseCounts(
        votes=paper.counts, ballots=paper.ballots_returned - paper.invalid, invalid=paper.invalid
    )
    return common | _choose(
        tally.decide_choose(choose_counts, rule.to_tally(), turnout(poll, paper.ballots_returned))
    )


def _yes_no(outcome: tally.YesNoOutcome) -> dict[str, Any]:
    c = outcome.counts
    return {
        "yes": c.yes,
        "no": c.no,
        "abstain": c.abstain,
        "invalid": c.invalid,
        "cast": c.cast,
        "base": outcome.base,
        "required": outcome.required,
        "passed": outcome.passed,
    }


def _choose(outcome: tally.ChooseOutcome) -> dict[str, Any]:
    return {
        "ballots": outcome.counts.ballots,
        "invalid": outcome.counts.invalid,
        "base": outcome.base,
        "required": outcome.required,
        "ranking": [[key, votes] for key, votes in outcome.ranking],
        "elected": list(outcome.elected),
        "tied": list(outcome.tied),
        "open_seats": outcome.open_seats,
        "runoff": list(outcome.runoff),
    }


def _scores(poll: Poll, rule: tally.ScoreRule, ballots: list[tuple[str, Any]]) -> dict[str, Any]:
    per_option: dict[str, dict[str, list[Fraction]]] = {key: defaultdict(list) for key in option_keys(poll)}
    for group_code, sheets in ballots:
        group = rule.group(group_code)
        for key, sheet in sheets.items():
            per_option[key][group_code].append(tally.rater_score(group, sheet))
    options: dict[str, Any] = {}
    for key, by_group in per_option.items():
        outcome = tally.decide_scores(by_group, rule)
        options[key] = {
            "score": tally.rounded(outcome.score),
            "grade": outcome.grade,
            "incomplete": list(outcome.incomplete),
            "groups": [
                {
                    "code": g.code,
                    "raters": g.raters,
                    "mean": tally.rounded(g.mean),
                    "weight": tally.rounded(g.weight, 4),
                }
                for g in outcome.groups
            ],
        }
    return {"options": options}
