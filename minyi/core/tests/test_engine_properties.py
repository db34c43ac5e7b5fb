"""Property-based: random actors take random transitions; the engine's invariants always hold."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minyi.core.actions.role_requests import do_request_role
from minyi.core.actors import Actor
from minyi.core.calendar import DayKind, deadline_after, is_working_day, working_days_between
from minyi.core.engine import runtime
from minyi.core.engine.definitions import ProcessDefinition
from minyi.core.errors import ActionError
from minyi.core.models import Event, ProcessInstance
from minyi.core.record.hashing import GENESIS, event_hash
from minyi.core.record.write import hashed_fields
from minyi.core.tests.engine_support import registered, review_definition

BEIJING = ZoneInfo("Asia/Shanghai")
# Pool of actors: (role, unit attribute) granted; their office roles on the instance's unit (the community).
POOL = {
    "township": ("township_staff", "township"),
    "community": ("community_staff", "community"),
    "district": ("district_staff", "district"),
    "far_township": ("township_staff", "other_township"),
    "city_admin": ("admin", "city"),
    "nobody": (None, None),
}
ROLES_ON_COMMUNITY = {
    "township": {"township_staff"},
    "community": {"community_staff"},
    "district": {"district_staff"},
    "far_township": set(),
    "city_admin": {"admin"},
    "nobody": set(),
}
VALID_INPUTS = {
    "take": {"note": "已受理"},
    "return_it": {"score": 3},
    "accept": {"grade": "A", "ok": True},
    "resubmit": {},
    "withdraw": {},
}
TRANSITION_NAMES = [*VALID_INPUTS, "fly"]


@pytest.fixture(autouse=True)
def review_process():  # type: ignore[no-untyped-def]
    with registered(review_definition()) as definition:
        yield definition


def verify_chain(chain: str) -> None:
    previous = GENESIS
    for seq, event in enumerate(Event.objects.filter(chain=chain).order_by("seq"), start=1):
        assert event.seq == seq and event.prev_hash == previous
        assert event_hash(hashed_fields(event)) == event.hash
        previous = event.hash


def expect_success(
    definition: ProcessDefinition,
    instance: ProcessInstance,
    name: str,
    who: str,
    inputs_kind: str,
    reason: str,
) -> bool:
    step = definition.transitions.get(name)
    if step is None or instance.is_final or instance.state not in step.sources:
        return False
    if who != "system":
        held = {"submitter"} if who == "submitter" else ROLES_ON_COMMUNITY[who]
        if not held & set(step.roles):
            return False
    if step.require_reason and not reason:
        return False
    if inputs_kind == "bogus":
        return False
    return not (inputs_kind == "missing" and any(i.required for i in step.inputs))


def check_state_invariants(definition: ProcessDefinition, instance: ProcessInstance) -> None:
    assert instance.state in definition.states
    state = definition.states[instance.state]
    assert instance.is_final == state.final
    expected_roles = "" if state.final else runtime.wrap_roles(definition.awaiting_roles(instance.state))
    assert instance.awaiting_roles == expected_roles
    if state.deadline is None:
        assert instance.deadline_at is None
        return
    assert instance.deadline_at == deadline_after(
        instance.state_entered_at, state.deadline.days, state.deadline.calendar
    )
    entered = instance.state_entered_at.astimezone(BEIJING).date()
    due = instance.deadline_at.astimezone(BEIJING)
    assert due.time() == dt.time.max
    if state.deadline.calendar == DayKind.WORKING:
        assert is_working_day(due.date())
        assert working_days_between(entered, due.date()) == state.deadline.days
    else:
        assert (due.date() - entered).days == state.deadline.days


step_strategy = st.tuples(
    st.sampled_from([*POOL, "submitter", "system"]),
    st.sampled_from(TRANSITION_NAMES),
    st.sampled_from(["valid", "missing", "bogus"]),
    st.sampled_from(["", "依规办理"]),
    st.integers(min_value=0, max_value=96),  # hours passing before the attempt
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 20)),
    steps=st.lists(step_strategy, min_size=1, max_size=12),
)
def test_random_transition_sequences_keep_invariants(
    tree, make_person, monkeypatch, review_process, start, steps
) -> None:
    people = getattr(tree, "_pool", None)
    if people is None:
        people = {
            key: make_person(role, getattr(tree, where) if where else None)
            for key, (role, where) in POOL.items()
        }
        tree._pool = people
    clock = {"now": dt.datetime.combine(start, dt.time(9, 30), tzinfo=BEIJING)}
    monkeypatch.setattr(runtime, "now", lambda: clock["now"])
    submitter = make_person(name="提交人")
    request = do_request_role("council_member", tree.community, actor=Actor(submitter))
    instance = runtime.start(
        "test_review", subject=request, unit=tree.community, title="随机", actor=Actor(submitter)
    )
    chain = f"core.rolerequest:{request.pk}"
    definition = review_process
    check_state_invariants(definition, instance)
    for who, name, inputs_kind, reason, hours in steps:
        clock["now"] += dt.timedelta(hours=hours)
        actor = Actor.system() if who == "system" else Actor(submitter if who == "submitter" else people[who])
        inputs = {"valid": VALID_INPUTS.get(name, {}), "missing": {}, "bogus": {"bogus": 1}}[inputs_kind]
        expected = expect_success(definition, instance, name, who, inputs_kind, reason)
        before_events = Event.objects.filter(chain=chain).count()
        before = ProcessInstance.objects.values().get(pk=instance.pk)
        try:
            runtime.transition(instance, name, actor=actor, inputs=inputs, reason=reason)
        except ActionError:
            assert not expected, (who, name, inputs_kind, reason, instance.state)
            assert Event.objects.filter(chain=chain).count() == before_events
            assert ProcessInstance.objects.values().get(pk=instance.pk) == before
            continue
        assert expected, (who, name, inputs_kind, reason, before["state"])
        stored = ProcessInstance.objects.get(pk=instance.pk)
        assert stored.state == definition.transitions[name].target == instance.state
        assert stored.state_entered_at == clock["now"]
        assert Event.objects.filter(chain=chain).count() == before_events + 1
        last = Event.objects.filter(chain=chain).order_by("-seq").first()
        assert last.action == f"test_review.{name}"
        assert last.data["from"] == before["state"] and last.data["to"] == stored.state
        check_state_invariants(definition, stored)
        available = {t.name for t in runtime.available_transitions(stored, people["township"])}
        assert available <= {t.name for t in definition.transitions_from(stored.state)}
    verify_chain(chain)
