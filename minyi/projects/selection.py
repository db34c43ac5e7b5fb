"""Budget-limited selection (P2): greedy by votes and the Method of Equal Shares, with explanations.

Pure functions over plain data (no database): `Candidate` rows and approval ballots in, a
`Selection` out, with one plain-Chinese sentence per project saying why it was or was not funded.
Greedy is computed here directly from the vote counts (it is "highest votes first, skip what no
longer fits", which pabutools' greedy with cost satisfaction also computes — the tests check both
agree); MES is pabutools' `method_of_equal_shares` with cost satisfaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

WAN = Decimal(10000)


@dataclass(frozen=True)
class Candidate:
    key: str
    cost: Decimal
    votes: int
    title: str = ""


@dataclass(frozen=True)
class Decision:
    key: str
    rank: int
    votes: int
    cost: Decimal
    selected: bool
    reason: str  # a code: selected_greedy, selected_mes, selected_completion, below_threshold, no_budget, mes_share
    budget_left: Decimal  # the budget left when the project's turn came (greedy) or at the end (MES)
    explanation: str = ""


@dataclass
class Selection:
    rule: str
    budget: Decimal
    decisions: list[Decision] = field(default_factory=list)

    @property
    def selected(self) -> list[str]:
        return [d.key for d in self.decisions if d.selected]

    @property
    def spent(self) -> Decimal:
        return sum((d.cost for d in self.decisions if d.selected), Decimal(0))


def yuan(amount: Decimal) -> str:
    """30万元 / 4,500元 — amounts as residents read them."""
    if abs(amount) >= WAN:
        text = f"{(amount / WAN).quantize(Decimal('0.01')).normalize():f}"
        return _("%(amount)s万元") % {"amount": text}
    return _("%(amount)s元") % {"amount": f"{amount.quantize(Decimal('1')):,}"}


def ranking(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Most votes first; equal votes by key so the order is the same on every run (and as pabutools')."""
    return sorted(candidates, key=lambda c: (-c.votes, c.key))


def count_votes(keys: Iterable[str], ballots: Iterable[tuple[Sequence[str], int]]) -> dict[str, int]:
    votes: Counter[str] = Counter(dict.fromkeys(keys, 0))
    for marks, weight in ballots:
        for key in marks:
            votes[key] += weight
    return dict(votes)


def greedy(candidates: Sequence[Candidate], budget: Decimal, *, min_votes: int = 0) -> Selection:
    """Highest votes first; a project that no longer fits is skipped and the next is tried."""
    left = budget
    result = Selection(rule="greedy", budget=budget)
    for rank, c in enumerate(ranking(candidates), start=1):
        if c.votes < min_votes:
            result.decisions.append(Decision(c.key, rank, c.votes, c.cost, False, "below_threshold", left))
        elif c.cost <= left:
            result.decisions.append(Decision(c.key, rank, c.votes, c.cost, True, "selected_greedy", left))
            left -= c.cost
        else:
            result.decisions.append(Decision(c.key, rank, c.votes, c.cost, False, "no_budget", left))
    _explain(result, min_votes)
    return result


def mes(
    candidates: Sequence[Candidate],
    ballots: Sequence[tuple[Sequence[str], int]],
    budget: Decimal,
    *,
    completion: str = "add1_greedy",
    min_votes: int = 0,
) -> Selection:
    """Method of Equal Shares (cost satisfaction) via pabutools, then the configured completion.

    `ballots` are (marks, multiplicity); identical ballots may be grouped. Projects below `min_votes`
    are left out of the instance. Completions: `add1` raises every voter's share by 1 until the
    outcome would exceed the budget (pabutools' `voter_budget_increment=1`); `greedy` fills what is
    left by votes; `add1_greedy` does both; `none` stops after MES.
    """
    from pabutools.election import (
        ApprovalBallot,
        ApprovalMultiProfile,
        ApprovalProfile,
        Cost_Sat,
        Instance,
        Project,
    )
    from pabutools.rules import method_of_equal_shares

    eligible = [c for c in candidates if c.votes >= min_votes]
    projects = {c.key: Project(c.key, Fraction(c.cost)) for c in eligible}
    instance = Instance(projects.values(), budget_limit=Fraction(budget))
    voters = sum(weight for _marks, weight in ballots)
    profile: ApprovalProfile | ApprovalMultiProfile
    if len(ballots) * 2 < voters:
        # Many identical ballots: pabutools works per distinct ballot.
        profile = ApprovalMultiProfile(instance=instance)
        for marks, weight in ballots:
            chosen = [projects[k] for k in marks if k in projects]
            if chosen:
                ballot = ApprovalBallot(chosen).frozen()
                profile[ballot] = profile.get(ballot, 0) + weight
    else:
        # Mostly distinct ballots: a plain profile is faster in pabutools than a multiprofile.
        profile = ApprovalProfile(instance=instance)
        for marks, weight in ballots:
            chosen = [projects[k] for k in marks if k in projects]
            for _i in range(weight if chosen else 0):
                profile.append(ApprovalBallot(chosen))
    kwargs = {"voter_budget_increment": 1} if completion in ("add1", "add1_greedy") else {}
    chosen_keys = {p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat, **kwargs)}
    return _mes_result(candidates, chosen_keys, budget, completion=completion, min_votes=min_votes)


def _mes_result(
    candidates: Sequence[Candidate], chosen: set[str], budget: Decimal, *, completion: str, min_votes: int
) -> Selection:
    left = budget - sum((c.cost for c in candidates if c.key in chosen), Decimal(0))
    filled: set[str] = set()
    if completion in ("greedy", "add1_greedy"):
        for c in ranking(candidates):
            if c.key not in chosen and c.votes >= min_votes and c.cost <= left:
                filled.add(c.key)
                left -= c.cost
    result = Selection(rule="mes", budget=budget)
    for rank, c in enumerate(ranking(candidates), start=1):
        if c.key in chosen:
            decision = Decision(c.key, rank, c.votes, c.cost, True, "selected_mes", left)
        elif c.key in filled:
            decision = Decision(c.key, rank, c.votes, c.cost, True, "selected_completion", left)
        elif c.votes < min_votes:
            decision = Decision(c.key, rank, c.votes, c.cost, False, "below_threshold", left)
        elif c.cost > left:
            decision = Decision(c.key, rank, c.votes, c.cost, False, "no_budget", left)
        else:
            decision = Decision(c.key, rank, c.votes, c.cost, False, "mes_share", left)
        result.decisions.append(decision)
    _explain(result, min_votes)
    return result


def _explain(result: Selection, min_votes: int) -> None:
    out = []
    for d in result.decisions:
        head = _("得票 %(votes)s，排名第%(rank)d") % {"votes": f"{d.votes:,}", "rank": d.rank}
        money = {"left": yuan(d.budget_left), "cost": yuan(d.cost)}
        tail = {
            "selected_greedy": _("预算剩余 %(left)s，足以支付本项目 %(cost)s，入选") % money,
            "selected_mes": _(
                "支持本项目的投票人以平均分配的预算份额共同承担其费用 %(cost)s，按等额份额法入选"
            )
            % money,
            "selected_completion": _("等额份额法分配后预算剩余 %(left)s，按得票补足，本项目 %(cost)s 入选")
            % money,
            "below_threshold": _("未达到最低得票 %(min)s，未入选") % {"min": f"{min_votes:,}"},
            "no_budget": _("预算剩余 %(left)s，不足以支付本项目 %(cost)s，未入选") % money,
            "mes_share": _("支持者分得的预算份额不足以共同承担本项目费用 %(cost)s，未入选") % money,
        }[d.reason]
        out.append(
            Decision(d.key, d.rank, d.votes, d.cost, d.selected, d.reason, d.budget_left, f"{head}；{tail}。")
        )
    result.decisions = out
