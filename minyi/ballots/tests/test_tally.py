"""tally.py: exact thresholds, counting invariants, k-of-n ties and weighted scores (no database)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minyi.ballots import tally
from minyi.ballots.tally import Base, ChooseRule, MajorityRule, Threshold, TieRule, Turnout

HALF = Threshold(1, 2, strict=True)
TWO_THIRDS = Threshold(2, 3, strict=False)


def turnout(electorate: int = 10, present: int | None = None, participants: int = 0) -> Turnout:
    return Turnout(electorate=electorate, present=present, participants=participants)


# --- thresholds ---


def test_exactly_half_is_not_more_than_half() -> None:
    assert not HALF.reached(5, 10)
    assert HALF.reached(6, 10)
    assert HALF.minimum(10) == 6
    assert HALF.minimum(9) == 5  # 4.5 → more than half is 5


def test_two_thirds_boundary_with_rounding() -> None:
    assert TWO_THIRDS.minimum(10) == 7  # 6.67 → 7
    assert not TWO_THIRDS.reached(6, 10)
    assert TWO_THIRDS.reached(7, 10)
    assert TWO_THIRDS.minimum(9) == 6  # exactly two thirds counts ("at least")
    assert TWO_THIRDS.reached(6, 9)
    assert not Threshold(2, 3, strict=True).reached(6, 9)  # "more than two thirds"


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 12), st.integers(1, 12), st.booleans())
def test_minimum_is_the_exact_boundary(count: int, base: int, a: int, b: int, strict: bool) -> None:
    num, den = min(a, b), max(a, b)
    threshold = Threshold(num, den, strict)
    assert threshold.reached(count, base) == (count >= threshold.minimum(base))
    exact = (
        Fraction(count, 1) > Fraction(num * base, den)
        if strict
        else Fraction(count) >= Fraction(num * base, den)
    )
    assert threshold.reached(count, base) == exact


def test_bad_threshold_refused() -> None:
    with pytest.raises(tally.TallyError):
        Threshold(3, 2)


# --- yes / no / abstain ---


def yn(yes: int, no: int, abstain: int = 0) -> tally.YesNoCounts:
    return tally.YesNoCounts(yes=yes, no=no, abstain=abstain)


def test_yes_over_no_ignores_abstentions() -> None:
    rule = MajorityRule(Base.YES_NO, HALF)
    assert tally.decide_yes_no(yn(3, 2, 5), rule, turnout()).passed
    assert not tally.decide_yes_no(yn(3, 3, 0), rule, turnout()).passed


def test_half_of_cast_counts_abstentions() -> None:
    rule = MajorityRule(Base.CAST, HALF)
    assert not tally.decide_yes_no(yn(3, 2, 1), rule, turnout()).passed  # 3 of 6 is exactly half
    assert tally.decide_yes_no(yn(4, 2, 1), rule, turnout()).passed


def test_half_of_present_and_of_all_members() -> None:
    present = MajorityRule(Base.PRESENT, HALF)
    everyone = MajorityRule(Base.ELECTORATE, HALF)
    t = turnout(electorate=20, present=12)
    assert tally.decide_yes_no(yn(7, 0), present, t).passed
    assert not tally.decide_yes_no(yn(6, 0), present, t).passed
    assert not tally.decide_yes_no(yn(10, 0), everyone, t).passed
    assert tally.decide_yes_no(yn(11, 0), everyone, t).passed
    with pytest.raises(tally.TallyError):
        tally.decide_yes_no(yn(1, 0), present, turnout(present=None))


def test_no_ballots_never_pass_even_at_least_zero() -> None:
    rule = MajorityRule(Base.CAST, Threshold(0, 1, strict=False))
    assert not tally.decide_yes_no(yn(0, 0), rule, turnout()).passed


@given(st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=200))
def test_counts_equal_ballots(ballots: list[str]) -> None:
    counts = tally.count_yes_no(ballots)
    assert counts.cast == len(ballots)
    assert (counts.yes, counts.no, counts.abstain) == tuple(
        ballots.count(c) for c in ("yes", "no", "abstain")
    )


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 30))
def test_majority_rules_agree_with_exact_fractions(yes: int, no: int, abstain: int, absent: int) -> None:
    t = turnout(electorate=yes + no + abstain + absent, present=yes + no + abstain)
    for base, denominator_of in [
        (Base.YES_NO, yes + no),
        (Base.CAST, yes + no + abstain),
        (Base.PRESENT, yes + no + abstain),
        (Base.ELECTORATE, yes + no + abstain + absent),
    ]:
        assert tally.decide_yes_no(yn(yes, no, abstain), MajorityRule(base, HALF), t).passed == (
            yes > 0 and 2 * yes > denominator_of
        )
        assert tally.decide_yes_no(yn(yes, no, abstain), MajorityRule(base, TWO_THIRDS), t).passed == (
            yes > 0 and 3 * yes >= 2 * denominator_of
        )


def test_unknown_choice_refused() -> None:
    with pytest.raises(tally.TallyError):
        tally.count_yes_no(["yes", "maybe"])


# --- choose k of n ---

CANDIDATES = ["a", "b", "c", "d", "e"]


def choose(
    votes: dict[str, int],
    seats: int = 2,
    electorate: int = 10,
    tie: TieRule = TieRule.RUNOFF,
    ballots: int = 10,
) -> tally.ChooseOutcome:
    rule = ChooseRule(seats=seats, base=Base.ELECTORATE, threshold=HALF, tie_rule=tie)
    counts = tally.ChooseCounts(votes=dict.fromkeys(CANDIDATES, 0) | votes, ballots=ballots)
    return tally.decide_choose(counts, rule, turnout(electorate=electorate))


def test_elected_in_top_k_and_above_threshold() -> None:
    out = choose({"a": 9, "b": 7, "c": 6})
    assert out.elected == ("a", "b") and out.open_seats == 0 and out.runoff == ()


def test_exactly_half_of_electorate_is_not_elected() -> None:
    out = choose({"a": 9, "b": 5, "c": 4})
    assert out.elected == ("a",) and out.open_seats == 1
    assert out.runoff == ("b", "c")  # one open seat: the best two unelected go to a second round


def test_boundary_tie_runoff_lists_tied_candidates() -> None:
    out = choose({"a": 9, "b": 7, "c": 7, "d": 1})
    assert (
        out.elected == ("a",) and out.tied == ("b", "c") and out.runoff == ("b", "c") and out.open_seats == 1
    )


def test_boundary_tie_leave_open() -> None:
    out = choose({"a": 9, "b": 7, "c": 7}, tie=TieRule.LEAVE_OPEN)
    assert out.elected == ("a",) and out.tied == ("b", "c") and out.runoff == () and out.open_seats == 1


def test_tie_below_boundary_is_harmless() -> None:
    out = choose({"a": 9, "b": 8, "c": 7, "d": 7})
    assert out.elected == ("a", "b") and out.tied == ()


def test_under_filled_runoff_includes_ties_at_cut() -> None:
    out = choose({"a": 4, "b": 4, "c": 4, "d": 1}, seats=1)
    assert out.elected == () and out.open_seats == 1 and out.runoff == ("a", "b", "c")


def test_ballot_checks() -> None:
    with pytest.raises(tally.TallyError, match="at most"):
        tally.check_choose_ballot(["a", "b", "c"], CANDIDATES, 2)
    with pytest.raises(tally.TallyError, match="unknown"):
        tally.check_choose_ballot(["z"], CANDIDATES, 2)
    with pytest.raises(tally.TallyError, match="more than once"):
        tally.check_choose_ballot(["a", "a"], CANDIDATES, 2)
    assert tally.check_choose_ballot([], CANDIDATES, 2) == frozenset()


@given(
    st.integers(1, 4).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(st.lists(st.sampled_from(CANDIDATES), max_size=k, unique=True), max_size=60),
            st.integers(0, 40),
            st.sampled_from(list(TieRule)),
        )
    )
)
def test_choose_invariants(args: tuple[int, list[list[str]], int, TieRule]) -> None:
    seats, ballots, absent, tie = args
    counts = tally.count_choices(ballots, CANDIDATES, seats)
    # totals equal ballots; no ballot counted twice for a candidate
    assert counts.ballots == len(ballots)
    assert sum(counts.votes.values()) == sum(len(b) for b in ballots)
    for key in CANDIDATES:
        assert counts.votes[key] == sum(1 for b in ballots if key in b) <= len(ballots)
    rule = ChooseRule(seats=seats, threshold=HALF, tie_rule=tie)
    out = tally.decide_choose(counts, rule, turnout(electorate=len(ballots) + absent))
    electorate = len(ballots) + absent
    assert len(out.elected) + out.open_seats == seats
    assert not set(out.elected) & set(out.tied)
    for key in out.elected:
        assert 2 * counts.votes[key] > electorate
        # nobody unelected outvotes an elected candidate
        assert all(
            counts.votes[other] <= counts.votes[key] for other in CANDIDATES if other not in out.elected
        )
    if out.tied:
        assert len({counts.votes[k] for k in out.tied}) == 1 and len(out.tied) > out.open_seats
    if tie is TieRule.LEAVE_OPEN:
        assert out.runoff == ()
    elif out.open_seats:
        assert out.runoff and not set(out.runoff) & set(out.elected)


# --- scores ---

FORM = (tally.Criterion("work", Fraction(6)), tally.Criterion("style", Fraction(4)))
RULE = tally.ScoreRule(
    groups=(
        tally.RaterGroup("deputies", Fraction(50), FORM),
        tally.RaterGroup("residents", Fraction(30), FORM),
        tally.RaterGroup("staff", Fraction(20), FORM),
    )
)


def test_rater_score_is_weighted_mean_of_criteria() -> None:
    assert tally.rater_score(RULE.groups[0], {"work": 90, "style": 70}) == Fraction(82)


def test_score_range_and_form_checked() -> None:
    with pytest.raises(tally.TallyError) as exc:
        tally.rater_score(RULE.groups[0], {"work": 101, "style": 70})
    assert exc.value.code == "score_out_of_range"
    with pytest.raises(tally.TallyError):
        tally.rater_score(RULE.groups[0], {"work": -1, "style": 70})
    with pytest.raises(tally.TallyError) as exc:
        tally.rater_score(RULE.groups[0], {"work": 80})
    assert exc.value.code == "criteria_mismatch"
    with pytest.raises(tally.TallyError):
        tally.rater_score(RULE.groups[0], {"work": True, "style": 70})
    assert tally.rater_score(RULE.groups[0], {"work": "100", "style": 0}) == 60


def test_groups_combined_by_weight_and_graded() -> None:
    out = tally.decide_scores(
        {"deputies": [Fraction(90), Fraction(80)], "residents": [Fraction(70)], "staff": [Fraction(60)]}, RULE
    )
    assert out.score == Fraction(85 * 50 + 70 * 30 + 60 * 20, 100)  # 75.5
    assert out.grade == "基本满意"


def test_grade_bands_at_boundaries() -> None:
    bands = tally.SEED_GRADE_BANDS
    assert tally.grade(Fraction(80), bands) == "满意"
    assert tally.grade(Fraction(7999, 100), bands) == "基本满意"
    assert tally.grade(Fraction(60), bands) == "基本满意"
    assert tally.grade(Fraction(5999, 100), bands) == "不满意"


def test_empty_group_rules() -> None:
    scores = {"deputies": [Fraction(90)], "residents": [Fraction(60)]}
    reweighted = tally.decide_scores(scores, RULE)
    assert reweighted.score == Fraction(90 * 50 + 60 * 30, 80)
    assert [g.weight for g in reweighted.groups] == [Fraction(5, 8), Fraction(3, 8), 0]
    zero = tally.decide_scores(scores, tally.ScoreRule(RULE.groups, tally.EmptyGroupRule.ZERO))
    assert zero.score == Fraction(90 * 50 + 60 * 30, 100)
    failed = tally.decide_scores(scores, tally.ScoreRule(RULE.groups, tally.EmptyGroupRule.FAIL))
    assert failed.score is None and failed.grade is None and failed.incomplete == ("staff",)
    nobody = tally.decide_scores({}, RULE)
    assert nobody.score is None and nobody.incomplete == ("deputies", "residents", "staff")


@given(
    st.dictionaries(
        st.sampled_from(["deputies", "residents", "staff"]),
        st.lists(st.integers(0, 100).map(Fraction), min_size=1, max_size=20),
        min_size=1,
    )
)
def test_combined_score_stays_within_group_means(scores: dict[str, list[Fraction]]) -> None:
    out = tally.decide_scores(scores, RULE)
    means = [sum(v) / len(v) for v in scores.values()]
    assert out.score is not None and min(means) <= out.score <= max(means)
    assert sum(g.weight for g in out.groups) == 1


def test_rounded_half_up() -> None:
    assert tally.rounded(Fraction(1, 8)) == "0.13"
    assert tally.rounded(None) is None
