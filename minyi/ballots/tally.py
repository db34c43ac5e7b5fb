"""Counting votes: pure functions over plain data, no Django (D4 决议, P2 差额票决, E3 现场测评).

Every rule is exact integer / rational arithmetic: a threshold "more than half" or "at least two
thirds" is compared as ``yes * denominator > numerator * base``, never through a rounded float, so
the boundaries (exactly half, 2/3 of a base not divisible by 3) are decided the same way everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class TallyError(ValueError):
    """A ballot or count that no rule can accept (the caller turns it into an ActionError)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- thresholds -------------------------------------------------------------------------------


class Base(StrEnum):
    """What a threshold is a fraction of."""

    YES_NO = "yes_no"  # yes + no: abstentions do not count (so "more than half" ⇔ yes > no)
    CAST = "cast"  # every valid ballot cast, abstentions included
    PRESENT = "present"  # members present (the sign-in list fixed when the poll opened)
    ELECTORATE = "electorate"  # all members (the electorate fixed when the poll opened)


@dataclass(frozen=True)
class Threshold:
    """``count > numerator/denominator × base`` when strict, else ``count ≥ …``."""

    numerator: int = 1
    denominator: int = 2
    strict: bool = True

    def __post_init__(self) -> None:
        if self.denominator <= 0 or self.numerator < 0 or self.numerator > self.denominator:
            raise TallyError("threshold_invalid", "threshold must be a fraction between 0 and 1")

    def reached(self, count: int, base: int) -> bool:
        if self.strict:
            return count * self.denominator > self.numerator * base
        return count * self.denominator >= self.numerator * base

    def minimum(self, base: int) -> int:
        """The smallest count that reaches the threshold for this base."""
        exact = self.numerator * base
        whole, rest = divmod(exact, self.denominator)
        if self.strict:
            return whole + 1
        return whole + (1 if rest else 0)


@dataclass(frozen=True)
class Turnout:
    """The numbers fixed when a poll opens plus how many took part."""

    electorate: int
    present: int | None  # None when no sign-in list was taken
    participants: int

    def base(self, base: Base, cast: int, yes_no: int | None = None) -> int:
        if base is Base.ELECTORATE:
            return self.electorate
        if base is Base.PRESENT:
            if self.present is None:
                raise TallyError(
                    "present_unknown", "the rule counts members present but no sign-in list was taken"
                )
            return self.present
        if base is Base.YES_NO:
            return cast if yes_no is None else yes_no
        return cast


# --- (1) yes / no / abstain -------------------------------------------------------------------


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class MajorityRule:
    base: Base = Base.YES_NO
    threshold: Threshold = field(default_factory=Threshold)


@dataclass(frozen=True)
class YesNoCounts:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    invalid: int = 0  # paper ballots only: spoilt ballots are counted but never valid

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def total(self) -> int:
        return self.cast + self.invalid


@dataclass(frozen=True)
class YesNoOutcome:
    counts: YesNoCounts
    base: int
    required: int
    passed: bool


def count_yes_no(ballots: Iterable[str]) -> YesNoCounts:
    counter: Counter[str] = Counter()
    for ballot in ballots:
        if ballot not in Choice.__members__.values():
            raise TallyError("choice_invalid", f"unknown choice {ballot!r}")
        counter[ballot] += 1
    return YesNoCounts(yes=counter[Choice.YES], no=counter[Choice.NO], abstain=counter[Choice.ABSTAIN])


def decide_yes_no(counts: YesNoCounts, rule: MajorityRule, turnout: Turnout) -> YesNoOutcome:
    """A motion passes when yes reaches the threshold of its base and at least one member said yes."""
    base = turnout.base(rule.base, counts.cast, yes_no=counts.yes + counts.no)
    passed = counts.yes > 0 and rule.threshold.reached(counts.yes, base)
    return YesNoOutcome(
        counts=counts, base=base, required=max(1, rule.threshold.minimum(base)), passed=passed
    )


# --- (2) choose up to k of n (差额票决) --------------------------------------------------------


class TieRule(StrEnum):
    RUNOFF = "runoff"  # list the candidates for a second round
    LEAVE_OPEN = "leave_open"  # nobody in a boundary tie is elected; unfilled seats stay open


@dataclass(frozen=True)
class ChooseRule:
    seats: int
    base: Base = Base.ELECTORATE
    threshold: Threshold = field(default_factory=Threshold)
    tie_rule: TieRule = TieRule.RUNOFF

    def __post_init__(self) -> None:
        if self.seats < 1:
            raise TallyError("seats_invalid", "at least one seat")
        if self.base is Base.YES_NO:
            raise TallyError("base_invalid", "a competitive vote has no yes/no base")


@dataclass(frozen=True)
class ChooseCounts:
    votes: Mapping[str, int]  # candidate key -> ballots marking it
    ballots: int  # valid ballots (blank ones included)
    invalid: int = 0


@dataclass(frozen=True)
class ChooseOutcome:
    counts: ChooseCounts
    base: int
    required: int
    ranking: tuple[tuple[str, int], ...]  # every candidate, most votes first (ties by key for stable output)
    elected: tuple[str, ...]
    tied: tuple[str, ...]  # qualified candidates tied at the last seat
    open_seats: int
    runoff: tuple[str, ...]  # candidates of a second round (tie rule "runoff" only)


def check_choose_ballot(marks: Sequence[str], candidates: Iterable[str], seats: int) -> frozenset[str]:
    known = set(candidates)
    chosen = frozenset(marks)
    if len(chosen) != len(marks):
        raise TallyError("candidate_repeated", "a candidate is marked more than once")
    if len(chosen) > seats:
        raise TallyError("too_many_marks", f"at most {seats} candidates may be marked")
    unknown = chosen - known
    if unknown:
        raise TallyError("candidate_unknown", f"unknown candidate {sorted(unknown)[0]!r}")
    return chosen


def count_choices(ballots: Iterable[Sequence[str]], candidates: Sequence[str], seats: int) -> ChooseCounts:
    votes = dict.fromkeys(candidates, 0)
    n = 0
    for marks in ballots:
        for key in check_choose_ballot(marks, candidates, seats):
            votes[key] += 1
        n += 1
    return ChooseCounts(votes=votes, ballots=n)


def decide_choose(counts: ChooseCounts, rule: ChooseRule, turnout: Turnout) -> ChooseOutcome:
    base = turnout.base(rule.base, counts.ballots)
    ranking = tuple(sorted(counts.votes.items(), key=lambda kv: (-kv[1], kv[0])))
    qualified = [(key, n) for key, n in ranking if n > 0 and rule.threshold.reached(n, base)]
    tied: list[str] = []
    if len(qualified) <= rule.seats:
        elected = [key for key, _ in qualified]
    else:
        boundary = qualified[rule.seats - 1][1]
        above = [key for key, n in qualified if n > boundary]
        at = [key for key, n in qualified if n == boundary]
        if len(above) + len(at) <= rule.seats:
            elected = above + at
        else:
            elected, tied = above, at
    open_seats = rule.seats - len(elected)
    runoff: list[str] = []
    if rule.tie_rule is TieRule.RUNOFF and open_seats:
        if tied:
            runoff = tied
        else:
            # Under-filled: the best unelected candidates, one more than the open seats so the second
            # round is still competitive, plus everyone tied with the last of them.
            rest = [(key, n) for key, n in ranking if key not in elected]
            cut = min(len(rest), open_seats + 1)
            if cut:
                last = rest[cut - 1][1]
                runoff = [key for key, n in rest if n >= last]
    return ChooseOutcome(
        counts=counts,
        base=base,
        required=max(1, rule.threshold.minimum(base)),
        ranking=ranking,
        elected=tuple(elected),
        tied=tuple(tied),
        open_seats=open_seats,
        runoff=tuple(runoff),
    )


# --- (3) scores 0–100 by rater groups (现场测评) -----------------------------------------------

SCORE_MIN = Fraction(0)
SCORE_MAX = Fraction(100)


class EmptyGroupRule(StrEnum):
    REWEIGHT = "reweight"  # drop the group and share its weight among the groups that rated
    ZERO = "zero"  # the group counts with a mean of 0
    FAIL = "fail"  # no combined score: the result is incomplete


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: Fraction


@dataclass(frozen=True)
class RaterGroup:
    code: str
    weight: Fraction
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class GradeBand:
    minimum: Fraction  # a score ≥ minimum earns this label (bands are tried from the highest minimum)
    label: str


# Seed E3: ≥80 满意, 60–80 基本满意, <60 不满意.
SEED_GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(Fraction(80), "满意"),
    GradeBand(Fraction(60), "基本满意"),
    GradeBand(Fraction(0), "不满意"),
)


@dataclass(frozen=True)
class ScoreRule:
    groups: tuple[RaterGroup, ...]
    empty_group: EmptyGroupRule = EmptyGroupRule.REWEIGHT
    bands: tuple[GradeBand, ...] = SEED_GRADE_BANDS

    def group(self, code: str) -> RaterGroup:
        for group in self.groups:
            if group.code == code:
                return group
        raise TallyError("group_unknown", f"unknown rater group {code!r}")


def to_score(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | Fraction):
        raise TallyError("score_invalid", "a score must be a number")
    try:
        score = Fraction(Decimal(str(value))) if not isinstance(value, Fraction) else value
    except (ArithmeticError, ValueError) as exc:
        raise TallyError("score_invalid", "a score must be a number") from exc
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise TallyError("score_out_of_range", "a score must lie between 0 and 100")
    return score


def rater_score(group: RaterGroup, sheet: Mapping[str, object]) -> Fraction:
    """One rater's score for one subject: the criteria's weighted mean. Every criterion must be scored."""
    codes = {c.code for c in group.criteria}
    if set(sheet) != codes:
        raise TallyError("criteria_mismatch", f"score every criterion of the form: {sorted(codes)}")
    total_weight = sum((c.weight for c in group.criteria), Fraction(0))
    return sum((c.weight * to_score(sheet[c.code]) for c in group.criteria), Fraction(0)) / total_weight


@dataclass(frozen=True)
class GroupScore:
    code: str
    raters: int
    mean: Fraction | None  # None when nobody in the group rated
    weight: Fraction  # the weight actually applied (after re-weighting)


@dataclass(frozen=True)
class ScoreOutcome:
    groups: tuple[GroupScore, ...]
    score: Fraction | None  # None when incomplete (an empty group under rule "fail", or nobody rated)
    grade: str | None
    incomplete: tuple[str, ...]


def grade(score: Fraction, bands: Sequence[GradeBand]) -> str | None:
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if score >= band.minimum:
            return band.label
    return None


def decide_scores(rater_scores: Mapping[str, Sequence[Fraction]], rule: ScoreRule) -> ScoreOutcome:
    """Combine each group's mean by the groups' weights. `rater_scores` maps group code -> scores."""
    means: dict[str, Fraction | None] = {}
    for group in rule.groups:
        scores = rater_scores.get(group.code, ())
        means[group.code] = sum(scores, Fraction(0)) / len(scores) if scores else None
    empty = tuple(code for code, mean in means.items() if mean is None)
    applied: dict[str, Fraction] = {g.code: g.weight for g in rule.groups}
    if empty and rule.empty_group is EmptyGroupRule.REWEIGHT:
        for code in empty:
            applied[code] = Fraction(0)
    total = sum(applied.values(), Fraction(0))
    score: Fraction | None = None
    incomplete: tuple[str, ...] = ()
    if (empty and rule.empty_group is EmptyGroupRule.FAIL) or total == 0:
        incomplete = empty or tuple(means)
    else:
        score = sum(((means[c] or Fraction(0)) * w for c, w in applied.items()), Fraction(0)) / total
    groups = tuple(
        GroupScore(
            code=g.code,
            raters=len(rater_scores.get(g.code, ())),
            mean=means[g.code],
            weight=(applied[g.code] / total) if total else Fraction(0),
        )
        for g in rule.groups
    )
    return ScoreOutcome(
        groups=groups,
        score=score,
        grade=grade(score, rule.bands) if score is not None else None,
        incomplete=incomplete,
    )


def rounded(value: Fraction | None, places: int = 2) -> str | None:
    """A fraction as a decimal string for display and storage (half-up, like a hand calculation)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return str(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding="ROUND_HALF_UP")
    )
