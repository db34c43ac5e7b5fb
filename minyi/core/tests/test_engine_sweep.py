"""The overdue sweep (remind, escalate, automatic transition; idempotent) and working-day deadlines
around the 2026 Spring Festival (holiday 2026-02-15..23; Saturdays 02-14 and 02-28 are workdays)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from minyi.core.actions.role_requests import do_request_role, do_withdraw_role_request
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.sweep import sweep
from minyi.core.models import Event, Notification
from minyi.core.tests.engine_support import REVIEW_YAML, registered, review_definition

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BEIJING)


def end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def review_process():  # type: ignore[no-untyped-def]
    with registered(review_definition()) as definition:
        yield definition


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    state = {"now": at("2026-02-12")}
    monkeypatch.setattr(runtime, "now", lambda: state["now"])
    return state


def start_review(tree, make_person, clock, day: str = "2026-02-12"):  # type: ignore[no-untyped-def]
    clock["now"] = at(day)
    submitter = make_person(name="李四")
    request = do_request_role("council_member", tree.community, actor=Actor(submitter))
    # The request's own role_request instance is closed so only test_review is swept here.
    do_withdraw_role_request(request, actor=Actor(submitter))
    instance = runtime.start(
        "test_review", subject=request, unit=tree.community, title="测试事项", actor=Actor(submitter)
    )
    return instance, submitter, request


def actions(request) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Event.objects.filter(chain=f"core.rolerequest:{request.pk}")
        .order_by("seq")
        .filter(action__startswith="test_review.")
        .values_list("action", flat=True)
    )


def test_calendar_knows_the_2026_spring_festival() -> None:
    for day in range(15, 24):
        assert not chinese_calendar.is_workday(dt.date(2026, 2, day))
    assert chinese_calendar.is_workday(dt.date(2026, 2, 14))  # adjusted Saturday
    assert chinese_calendar.is_workday(dt.date(2026, 2, 28))  # adjusted Saturday
    assert chinese_calendar.is_workday(dt.date(2026, 2, 24))


@pytest.mark.parametrize(
    ("start", "days", "calendar", "expected"),
    [
        ("2026-02-12", 2, "working", "2026-02-14"),  # Fri, then the adjusted Saturday
        ("2026-02-13", 1, "working", "2026-02-14"),
        ("2026-02-13", 2, "working", "2026-02-24"),  # the holiday is skipped entirely
        ("2026-02-14", 1, "working", "2026-02-24"),
        ("2026-02-18", 1, "working", "2026-02-24"),  # started inside the holiday
        ("2026-02-26", 2, "working", "2026-02-28"),  # Fri 27, then the adjusted Saturday 28
        ("2026-02-27", 2, "working", "2026-03-02"),  # Sat 28 (workday), Sun 1 Mar off, Mon 2
        ("2026-02-13", 3, "calendar", "2026-02-16"),  # calendar days ignore the holiday
    ],
)
def test_state_deadline_around_the_spring_festival(
    tree, make_person, clock, start, days, calendar, expected
) -> None:
    source = REVIEW_YAML.replace("version: 1", "version: 9").replace(
        "deadline: {days: 2, calendar: working}", f"deadline: {{days: {days}, calendar: {calendar}}}"
    )
    with registered(review_definition(source)):
        instance, _submitter, _request = start_review(tree, make_person, clock, day=start)
    assert instance.deadline_at == end_of(expected)
    assert instance.state_entered_at == at(start)


def test_sweep_reminds_escalates_then_closes_and_is_idempotent(tree, make_person, clock) -> None:
    instance, submitter, request = start_review(tree, make_person, clock)
    township = make_person("township_staff", tree.township)
    community = make_person("community_staff", tree.community)
    elsewhere = make_person("township_staff", tree.other_township)
    district = make_person("district_staff", tree.district)
    assert instance.deadline_at == end_of("2026-02-14")

    assert sweep(at("2026-02-14", "23:00")).applied == 0
    report = sweep(at("2026-02-15", "08:00"))
    assert (report.reminded, report.escalated, report.transitioned, report.errors) == (1, 0, 0, [])
    reminded = set(Notification.objects.filter(kind="process.remind").values_list("recipient_id", flat=True))
    assert reminded == {township.pk, community.pk, submitter.pk}
    assert elsewhere.pk not in reminded and district.pk not in reminded
    assert sweep(at("2026-02-15", "09:00")).applied == 0  # nothing twice
    assert Notification.objects.filter(kind="process.remind").count() == 3

    # Escalation is due one working day after the deadline: the end of 2026-02-24.
    assert sweep(at("2026-02-24", "18:00")).applied == 0
    report = sweep(at("2026-02-25", "08:00"))
    assert report.escalated == 1 and report.applied == 1
    instance.refresh_from_db()
    assert instance.unit == tree.district
    assert instance.awaiting_roles == ",submitter,district_staff,"
    assert set(
        Notification.objects.filter(kind="process.escalate").values_list("recipient_id", flat=True)
    ) == {district.pk, submitter.pk}
    assert runtime.available_transitions(instance, township) == []
    assert [t.name for t in runtime.available_transitions(instance, district)] == ["take"]
    assert [t.name for t in runtime.available_transitions(instance, submitter)] == ["withdraw"]

    # Three calendar days later the instance closes itself.
    assert sweep(at("2026-02-27", "20:00")).applied == 0
    report = sweep(at("2026-02-28", "00:30"))
    assert report.transitioned == 1
    instance.refresh_from_db()
    assert instance.state == "expired" and instance.is_final and instance.awaiting_roles == ""
    assert sweep(at("2026-03-30")).applied == 0
    assert actions(request) == [
        "test_review.start",
        "test_review.overdue.remind",
        "test_review.overdue.escalate",
        "test_review.overdue.transition",
    ]
    events = Event.objects.filter(
        chain=f"core.rolerequest:{request.pk}", action__startswith="test_review.overdue"
    )
    assert all(event.actor_id is None and event.actor_role == "system" for event in events)


def test_late_sweep_applies_every_due_step_once(tree, make_person, clock) -> None:
    instance, _submitter, request = start_review(tree, make_person, clock)
    report = sweep(at("2026-03-20"))
    assert (report.reminded, report.escalated, report.transitioned) == (1, 1, 1)
    assert sweep(at("2026-03-20")).applied == 0
    instance.refresh_from_db()
    assert instance.state == "expired"
    assert actions(request).count("test_review.overdue.remind") == 1


def test_transition_resets_overdue_progress(tree, make_person, clock) -> None:
    instance, _submitter, _request = start_review(tree, make_person, clock)
    sweep(at("2026-02-15"))
    instance.refresh_from_db()
    assert instance.overdue_steps_applied == 1
    clock["now"] = at("2026-02-16")
    runtime.transition(instance, "take", actor=Actor(make_person("township_staff", tree.township)))
    instance.refresh_from_db()
    assert instance.overdue_steps_applied == 0
    assert instance.deadline_at == end_of("2026-02-21")  # 5 calendar days, holiday or not
    assert sweep(at("2026-02-21", "23:00")).applied == 0
    assert sweep(at("2026-02-22")).reminded == 1


def test_final_and_not_yet_due_instances_are_left_alone(tree, make_person, clock) -> None:
    instance, submitter, _request = start_review(tree, make_person, clock)
    runtime.transition(instance, "withdraw", actor=Actor(submitter))
    assert sweep(at("2026-04-01")).examined == 0
