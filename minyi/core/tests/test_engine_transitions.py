"""The guarded transition: role × scope × state grid (mostly refusals), inputs, start and override."""

from __future__ import annotations

import pytest

from minyi.core.actions.role_requests import do_request_role
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, ProcessInstance
from minyi.core.tests.engine_support import registered, review_definition


@pytest.fixture(autouse=True)
def review_process():  # type: ignore[no-untyped-def]
    with registered(review_definition()) as definition:
        yield definition


@pytest.fixture
def started(tree, make_person):  # type: ignore[no-untyped-def]
    """A test_review instance on the community, its subject a role request by `submitter`."""
    submitter = make_person(name="李四")
    request = do_request_role("council_member", tree.community, actor=Actor(submitter))
    instance = runtime.start(
        "test_review", subject=request, unit=tree.community, title="测试事项", actor=Actor(submitter)
    )
    return instance, submitter, request


def chain_events(request) -> list[Event]:  # type: ignore[no-untyped-def]
    return list(Event.objects.filter(chain=f"core.rolerequest:{request.pk}").order_by("seq"))


def test_start_sets_state_deadline_awaiting_and_records(started) -> None:
    instance, submitter, request = started
    assert instance.state == "submitted" and not instance.is_final
    assert instance.awaiting_roles == ",township_staff,community_staff,submitter,"
    assert instance.deadline_at is not None and instance.overdue_steps_applied == 0
    event = chain_events(request)[-1]
    assert event.action == "test_review.start" and event.actor_id == submitter.pk
    assert event.data["to"] == "submitted" and event.unit_id == instance.unit_id


def test_start_twice_for_one_subject_is_refused(started, tree) -> None:
    instance, submitter, request = started
    with pytest.raises(Conflict):
        runtime.start("test_review", subject=request, unit=tree.community, title="x", actor=Actor(submitter))
    assert ProcessInstance.objects.filter(process="test_review").count() == 1


def test_start_unknown_process(tree, system) -> None:
    with pytest.raises(ActionError) as caught:
        runtime.start("no_such", subject=tree.city, unit=tree.city, title="x", actor=system)
    assert caught.value.code == "process_unknown"


# (role, unit attribute on tree, allowed?) for transition `take` on an instance in the community.
TAKE_GRID = [
    ("township_staff", "township", True),
    ("community_staff", "community", True),
    ("township_staff", "district", True),  # a grant on an ancestor reaches the community
    ("township_staff", "other_township", False),
    ("community_staff", "other_community", False),
    ("district_staff", "district", False),
    ("admin", "city", False),
    ("leader", "township", False),
    ("resident", "community", False),
    ("deputy", "community", False),
    (None, None, False),
]


@pytest.mark.parametrize(("role", "where", "allowed"), TAKE_GRID)
def test_take_grid(started, tree, make_person, role, where, allowed) -> None:
    instance, _submitter, request = started
    person = make_person(role, getattr(tree, where) if where else None)
    before = len(chain_events(request))
    if allowed:
        runtime.transition(instance, "take", actor=Actor(person), inputs={})
        assert instance.state == "in_review"
        assert len(chain_events(request)) == before + 1
        assert [t.name for t in runtime.available_transitions(instance, person)] == ["return_it"] * (
            role == "township_staff"
        )
    else:
        assert runtime.available_transitions(instance, person) == []
        with pytest.raises(NotPermitted) as caught:
            runtime.transition(instance, "take", actor=Actor(person), inputs={})
        assert caught.value.code == "not_permitted"
        assert ProcessInstance.objects.get(pk=instance.pk).state == "submitted"
        assert len(chain_events(request)) == before


def test_relational_role_only_for_the_submitter(started, tree, make_person) -> None:
    instance, submitter, request = started
    stranger = make_person("community_staff", tree.community)
    with pytest.raises(NotPermitted):
        runtime.transition(instance, "withdraw", actor=Actor(stranger), inputs={})
    assert [t.name for t in runtime.available_transitions(instance, submitter)] == ["withdraw"]
    runtime.transition(instance, "withdraw", actor=Actor(submitter), inputs={})
    assert instance.is_final and instance.awaiting_roles == "" and instance.deadline_at is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("fly", "transition_unknown"),
        ("accept", "transition_wrong_state"),
        ("resubmit", "transition_wrong_state"),
        ("return_it", "transition_wrong_state"),
    ],
)
def test_wrong_transition_or_state_writes_nothing(started, tree, make_person, name, code) -> None:
    instance, _submitter, request = started
    boss = make_person("district_staff", tree.district)
    before = len(chain_events(request))
    with pytest.raises(ActionError) as caught:
        runtime.transition(instance, name, actor=Actor(boss), inputs={"grade": "A"})
    assert caught.value.code == code
    assert len(chain_events(request)) == before


def test_final_instance_refuses_everything(started, make_person, tree) -> None:
    instance, submitter, _request = started
    runtime.transition(instance, "withdraw", actor=Actor(submitter))
    with pytest.raises(ActionError) as caught:
        runtime.transition(instance, "withdraw", actor=Actor(submitter))
    assert caught.value.code == "process_final"
    assert runtime.available_transitions(instance, submitter) == []


def test_inputs_are_typed_and_required(started, tree, make_person) -> None:
    instance, _submitter, request = started
    staff = make_person("township_staff", tree.township)
    with pytest.raises(ActionError) as caught:
        runtime.transition(instance, "take", actor=Actor(staff), inputs={"note": "x" * 21})
    assert caught.value.code == "input_invalid"
    with pytest.raises(ActionError) as caught:
        runtime.transition(instance, "take", actor=Actor(staff), inputs={"colour": "red"})
    assert caught.value.code == "input_unknown"
    runtime.transition(instance, "take", actor=Actor(staff), inputs={"note": " 已受理 "})
    assert chain_events(request)[-1].data["inputs"] == {"note": "已受理"}
    # return_it: reason and an integer score are required.
    with pytest.raises(ActionError) as caught:
        runtime.transition(instance, "return_it", actor=Actor(staff), inputs={"score": 3})
    assert caught.value.code == "reason_required"
    for bad in ({}, {"score": ""}):
        with pytest.raises(ActionError) as caught:
            runtime.transition(instance, "return_it", actor=Actor(staff), inputs=bad, reason="材料不全")
        assert caught.value.code == "input_required"
    for bad in ({"score": "three"}, {"score": True}, {"score": 2.5}):
        with pytest.raises(ActionError) as caught:
            runtime.transition(instance, "return_it", actor=Actor(staff), inputs=bad, reason="材料不全")
        assert caught.value.code == "input_invalid"
    assert instance.state == "in_review"


def test_every_input_type(started, tree, make_person) -> None:
    instance, submitter, request = started
    runtime.transition(instance, "take", actor=Actor(make_person("township_staff", tree.township)))
    boss = make_person("district_staff", tree.district)
    bad_inputs = [
        {"grade": "C"},
        {"grade": "A", "due_on": "2026-02-30"},
        {"grade": "A", "amount": "lots"},
        {"grade": "A", "ok": "maybe"},
        {"grade": "A", "reviewer": 999999},
        {"grade": "A", "where": "abc"},
        {"grade": "A", "amount": 1.5},
    ]
    for bad in bad_inputs:
        with pytest.raises(ActionError) as caught:
            runtime.transition(instance, "accept", actor=Actor(boss), inputs=bad)
        assert caught.value.code == "input_invalid", bad
    runtime.transition(
        instance,
        "accept",
        actor=Actor(boss),
        inputs={
            "grade": "B",
            "due_on": "2026-02-14",
            "amount": "12.50",
            "ok": "yes",
            "reviewer": submitter,
            "where": tree.township.pk,
        },
    )
    assert chain_events(request)[-1].data["inputs"] == {
        "grade": "B",
        "due_on": "2026-02-14",
        "amount": "12.50",
        "ok": True,
        "reviewer": submitter.pk,
        "where": tree.township.pk,
    }
    assert instance.state == "accepted" and instance.is_final


def test_override_by_admin_is_recorded(started, tree, make_person) -> None:
    instance, _submitter, request = started
    admin = make_person("admin", tree.district)
    before = len(chain_events(request))
    with pytest.raises(ActionError) as caught:
        runtime.override(instance, "accepted", actor=Actor(admin), reason="  ")
    assert caught.value.code == "reason_required"
    with pytest.raises(ActionError) as caught:
        runtime.override(instance, "limbo", actor=Actor(admin), reason="纠错")
    assert caught.value.code == "state_unknown"
    assert len(chain_events(request)) == before
    runtime.override(instance, "returned", actor=Actor(admin), reason="纠正误操作")
    assert instance.state == "returned" and instance.awaiting_roles == ",submitter,"
    event = chain_events(request)[-1]
    assert event.action == "test_review.override" and event.reason == "纠正误操作"
    assert event.data["from"] == "submitted" and event.data["to"] == "returned"


@pytest.mark.parametrize(
    ("role", "where"),
    [("admin", "other_district"), ("leader", "district"), ("township_staff", "township"), (None, None)],
)
def test_override_refused_without_admin_over_the_unit(started, tree, make_person, role, where) -> None:
    instance, _submitter, request = started
    person = make_person(role, getattr(tree, where) if where else None)
    before = len(chain_events(request))
    with pytest.raises(NotPermitted):
        runtime.override(instance, "accepted", actor=Actor(person), reason="试图越权")
    assert ProcessInstance.objects.get(pk=instance.pk).state == "submitted"
    assert len(chain_events(request)) == before


def test_running_instance_keeps_its_version(started, tree, make_person) -> None:
    instance, submitter, request = started
    from minyi.core.engine import registry
    from minyi.core.tests.engine_support import REVIEW_YAML

    v2 = review_definition(
        REVIEW_YAML.replace("version: 1", "version: 2").replace(
            "roles: [township_staff, community_staff]", "roles: [community_staff]"
        )
    )
    registry.register(v2)
    try:
        staff = make_person("township_staff", tree.township)
        runtime.transition(instance, "take", actor=Actor(staff))  # allowed by version 1
        assert instance.state == "in_review"
        fresh = make_person(name="王五")
        other = do_request_role("council_member", tree.community, actor=Actor(fresh))
        newer = runtime.start(
            "test_review", subject=other, unit=tree.community, title="新", actor=Actor(fresh)
        )
        assert newer.version == 2 and newer.awaiting_roles == ",community_staff,submitter,"
        with pytest.raises(NotPermitted):
            runtime.transition(newer, "take", actor=Actor(staff))
    finally:
        registry._versions.pop(("test_review", 2), None)


def test_transition_can_hand_over_to_another_unit_with_its_own_deadline(started, tree, make_person) -> None:
    import datetime as dt

    from django.utils import timezone

    instance, _submitter, _request = started
    staff = make_person("township_staff", tree.township)
    due = timezone.now() + dt.timedelta(days=20)
    moved = runtime.transition(instance, "take", actor=Actor(staff, "township_staff", tree.township),
                               move_to=tree.township, deadline_at=due)
    assert moved.unit == tree.township and moved.deadline_at == due
    event = Event.objects.get(action="test_review.take")
    assert event.data["unit_from"] == tree.community.pk and event.data["unit_to"] == tree.township.pk
    assert event.data["deadline_at"] == due.isoformat()
    # The community's staff no longer reach it; the township's still do.
    assert not runtime.available_transitions(moved, make_person("community_staff", tree.community))
