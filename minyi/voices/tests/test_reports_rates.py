"""Rates (docs/voices.md, "Rates"): a hand-built quarter, each rate asserted exactly, with boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from minyi.core.calendar import DayKind, deadline_after
from minyi.voices.milestones import note_face_to_face, sync_milestones
from minyi.voices.models import Voice, VoiceMilestones
from minyi.voices.rates import (
    EMPTY,
    PeriodError,
    RateFilters,
    compute_rates,
    parse_period,
    rates_by_child_unit,
    rates_by_department,
    rates_by_month,
)
from minyi.voices.tests.reports_support import at, feedback, frozen, make_voice, reply, step

AS_OF = at(2026, 3, 31, 12)
Q1 = parse_period("2026-Q1")


@pytest.fixture
def quarter(tree):  # type: ignore[no-untyped-def]
    """Eight items of 东城区 in 2026 Q1 (A–H), one in April, one in 西城区."""
    c, t = tree.community, tree.township
    v = {}
    # A: accepted on time; replied exactly at its deadline; resolved; satisfied.
    v["A"] = make_voice(c, at(2026, 3, 2))
    step(v["A"], "accept", at(2026, 3, 3, 10))
    due_a = deadline_after(at(2026, 3, 3, 10), 5, DayKind.WORKING)
    reply(v["A"], due_a, "resolved")
    feedback(v["A"], at(2026, 3, 12), "satisfied")
    # B: accepted late (deadline 3 March 23:59:59.999999), replied late, answered, basically satisfied.
    v["B"] = make_voice(c, at(2026, 3, 2))
    step(v["B"], "accept", at(2026, 3, 4, 9))
    reply(v["B"], at(2026, 3, 20), "answered")
    feedback(v["B"], at(2026, 3, 21), "basic")
    # C: a deputy's suggestion escalated to the district, assigned with an explicit deadline,
    # consulted face to face before the reply; unsatisfied.
    v["C"] = make_voice(c, at(2026, 3, 2), kind="deputy_suggestion")
    step(v["C"], "accept", at(2026, 3, 3))
    step(v["C"], "escalate_to_township", at(2026, 3, 4), reason="需街道协调", move_to=t)
    step(v["C"], "escalate_to_district", at(2026, 3, 5), reason="需区级部门", move_to=tree.district)
    step(
        v["C"],
        "assign",
        at(2026, 3, 6),
        inputs={"lead_department": tree.department.pk},
        move_to=tree.department,
        deadline_at=at(2026, 3, 31, 18),
    )
    with frozen(at(2026, 3, 25)):
        note_face_to_face(v["C"], at(2026, 3, 25))
    reply(v["C"], at(2026, 3, 30), "resolved")
    feedback(v["C"], at(2026, 3, 30, 15), "unsatisfied")
    # D: a CPPCC proposal replied on time; the face-to-face meeting came after the reply.
    v["D"] = make_voice(c, at(2026, 3, 2), kind="cppcc_proposal")
    step(v["D"], "accept", at(2026, 3, 3))
    reply(v["D"], at(2026, 3, 5), "resolved")
    note_face_to_face(v["D"], at(2026, 3, 6))
    # E: never accepted (its acceptance deadline has passed).
    v["E"] = make_voice(c, at(2026, 3, 2))
    # F: declined on time: a response, but never due a reply.
    v["F"] = make_voice(c, at(2026, 3, 2))
    step(v["F"], "decline", at(2026, 3, 3), reason="不属于受理范围")
    # G: registered the day before AS_OF; its acceptance is not yet due.
    v["G"] = make_voice(c, at(2026, 3, 31, 9))
    # H: accepted, its handling deadline (10 March) passed without a reply.
    v["H"] = make_voice(c, at(2026, 3, 3))
    step(v["H"], "accept", at(2026, 3, 3, 11))
    # Outside: April; another district.
    v["later"] = make_voice(c, at(2026, 4, 1))
    v["elsewhere"] = make_voice(tree.other_community, at(2026, 3, 2))
    return v


def _rates(tree, **kw):  # type: ignore[no-untyped-def]
    filters = RateFilters(period=Q1, unit=tree.district, **kw)
    return compute_rates(Voice.objects.all(), filters, as_of=AS_OF)


def test_each_rate_exactly(quarter, tree) -> None:  # type: ignore[no-untyped-def]
    row = _rates(tree)
    got = {code: (r.numerator, r.denominator) for code, r in row.rates.items()}
    assert row.registered == 8
    assert got == {
        "response": (5, 7),  # A C D F H on time; B late; E overdue; G not yet due
        "on_time": (3, 5),  # A (exactly at the deadline) C D; B late; H overdue unreplied
        "reply": (4, 5),  # A B C D replied of A B C D H due
        "face_to_face": (1, 2),  # C consulted before its reply; D after
        "satisfaction": (2, 3),  # A satisfied + B basic of A B C rated
        "satisfied": (1, 3),
        "basic": (1, 3),
        "resolution": (3, 4),  # A C D resolved of A B C D replied
    }
    assert row.rates["response"].display() == "71.4%"
    assert row.rates["resolution"].percent == 75.0


def test_milestones_follow_the_record(quarter, tree) -> None:  # type: ignore[no-untyped-def]
    a = VoiceMilestones.objects.get(voice=quarter["A"])
    assert a.accept_due_at == deadline_after(at(2026, 3, 2), 1, DayKind.WORKING)
    assert a.replied_at == a.reply_due_at  # the boundary case really is "exactly at the deadline"
    c = VoiceMilestones.objects.get(voice=quarter["C"])
    assert c.reply_due_at == at(2026, 3, 31, 18)  # the deadline given when assigning
    assert c.consulted_at == at(2026, 3, 25)
    assert VoiceMilestones.objects.get(voice=quarter["F"]).excluded is True
    # Recomputing from the record changes nothing and keeps the face-to-face date.
    sync_milestones(quarter["C"])
    assert VoiceMilestones.objects.get(voice=quarter["C"]).consulted_at == at(2026, 3, 25)


def test_a_reply_one_microsecond_late_is_late(tree) -> None:  # type: ignore[no-untyped-def]
    voice = make_voice(tree.community, at(2026, 3, 2))
    step(voice, "accept", at(2026, 3, 3, 10))
    due = deadline_after(at(2026, 3, 3, 10), 5, DayKind.WORKING)
    reply(voice, due + dt.timedelta(microseconds=1))
    row = _rates(tree)
    assert (row.rates["on_time"].numerator, row.rates["on_time"].denominator) == (0, 1)
    assert (row.rates["reply"].numerator, row.rates["reply"].denominator) == (1, 1)


def test_no_items_means_no_rate_not_zero(tree) -> None:  # type: ignore[no-untyped-def]
    make_voice(tree.community, at(2026, 3, 31, 9))  # registered, nothing due yet
    row = _rates(tree)
    assert row.registered == 1
    for rate in row.rates.values():
        assert rate.denominator == 0 and rate.value is None and rate.display() == EMPTY


def test_rates_are_one_query_each(quarter, tree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    filters = RateFilters(period=Q1, unit=tree.district)
    with django_assert_num_queries(1):
        compute_rates(Voice.objects.all(), filters, as_of=AS_OF)
    with django_assert_num_queries(1):
        rates_by_month(Voice.objects.all(), filters, as_of=AS_OF)
    with django_assert_num_queries(1):
        rates_by_department(Voice.objects.all(), filters, as_of=AS_OF)
    with django_assert_num_queries(2):  # the rows, then the child units' names
        rates_by_child_unit(Voice.objects.all(), filters, tree.district, as_of=AS_OF)


def test_groupings(quarter, tree) -> None:  # type: ignore[no-untyped-def]
    filters = RateFilters(period=Q1, unit=tree.district)
    children = rates_by_child_unit(Voice.objects.all(), filters, tree.district, as_of=AS_OF)
    assert [(r.label, r.registered) for r in children] == [("青云街道", 8)]
    departments = rates_by_department(Voice.objects.all(), filters, as_of=AS_OF)
    assert [(r.label, r.registered, r.rates["on_time"].numerator) for r in departments] == [
        ("东城区住房和城乡建设局", 1, 1)
    ]
    months = rates_by_month(Voice.objects.all(), RateFilters(period=parse_period("2026")), as_of=AS_OF)
    assert [(r.label, r.registered) for r in months] == [("2026-03", 9), ("2026-04", 1)]
    dept_only = _rates(tree, department=tree.department)
    assert dept_only.registered == 1 and dept_only.rates["face_to_face"].numerator == 1
    assert _rates(tree, kinds=("cppcc_proposal",)).registered == 1


def test_period_parsing() -> None:
    assert (Q1.start, Q1.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    feb = parse_period("2026-02")
    assert (feb.start, feb.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    year = parse_period("2025")
    assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    span = parse_period(start="2026-03-02", end="2026-03-02")
    assert span.bounds()[1] - span.bounds()[0] == dt.timedelta(days=1)
    assert parse_period(today=dt.date(2026, 5, 4)).start == dt.date(2026, 4, 1)
    for bad in ("2026-13", "26-Q1", "2026-Q5", "next year"):
        with pytest.raises(PeriodError):
            parse_period(bad)
    with pytest.raises(PeriodError):
        parse_period(start="2026-03-05", end="2026-03-01")
