"""The reference process: 账号角色申请 (role_request), from request to grant, refusal and escalation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minyi.core.actions.role_requests import (
    do_decide_role_request,
    do_request_role,
    do_withdraw_role_request,
    instance_for,
)
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.sweep import sweep
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Event, Notification, ProcessInstance, RoleGrant, RoleRequest
from minyi.core.scope import has_role

BEIJING = ZoneInfo("Asia/Shanghai")


def chain(request: RoleRequest) -> list[Event]:
    return list(Event.objects.filter(chain=f"core.rolerequest:{request.pk}").order_by("seq"))


@pytest.fixture
def resident(make_person):  # type: ignore[no-untyped-def]
    return make_person(name="赵六")


def test_request_starts_the_process_and_awaits_admins(tree, resident) -> None:
    request = do_request_role("council_member", tree.community, actor=Actor(resident), note="愿意参加议事")
    instance = instance_for(request)
    assert instance.state == "pending" and instance.unit == tree.community
    assert instance.awaiting_roles == ",admin,submitter,"
    assert ProcessInstance.objects.filter(awaiting_roles__contains=",admin,", is_final=False).count() == 1
    [event] = chain(request)
    assert event.action == "role_request.start" and event.actor_id == resident.pk
    assert event.data["inputs"] == {
        "role": "council_member",
        "unit": tree.community.pk,
        "note": "愿意参加议事",
    }
    assert request.relational_roles(resident) == {"submitter"}


@pytest.mark.parametrize(
    ("role", "code"), [("wizard", "role_unknown"), ("council_member", "role_request_pending")]
)
def test_bad_requests_write_nothing(tree, resident, role, code) -> None:
    do_request_role("council_member", tree.community, actor=Actor(resident))
    before = Event.objects.count()
    with pytest.raises(ActionError) as caught:
        do_request_role(role, tree.community, actor=Actor(resident))
    assert caught.value.code == code
    assert Event.objects.count() == before and RoleRequest.objects.count() == 1


def test_request_for_a_role_already_held(tree, make_person) -> None:
    handler = make_person("department_handler", tree.department)
    with pytest.raises(ActionError) as caught:
        do_request_role("department_handler", tree.department, actor=Actor(handler))
    assert caught.value.code == "role_already_granted"


def test_admin_over_the_unit_approves_and_the_role_is_granted(tree, resident, make_person) -> None:
    request = do_request_role("department_handler", tree.department, actor=Actor(resident))
    admin = make_person("admin", tree.district)
    assert [t.name for t in runtime.available_transitions(instance_for(request), admin)] == [
        "approve",
        "reject",
    ]
    do_decide_role_request(request, approve=True, actor=Actor(admin))
    request.refresh_from_db()
    assert request.grant is not None and request.grant.role == "department_handler"
    resident._minyi_grants = None
    assert has_role(resident, "department_handler", tree.department)
    assert instance_for(request).state == "approved"
    assert [e.action for e in chain(request)] == ["role_request.start", "role_request.approve"]
    assert Event.objects.filter(action="core.role.grant", subject_id=str(resident.pk)).count() == 1
    assert Notification.objects.filter(recipient=resident, kind="core.role_request.decided").count() == 1


@pytest.mark.parametrize(
    ("role", "where"),
    [
        ("admin", "other_district"),
        ("admin", "other_community"),
        ("township_staff", "township"),
        ("leader", "city"),
        ("resident", "community"),
    ],
)
def test_only_admins_over_the_unit_decide(tree, resident, make_person, role, where) -> None:
    request = do_request_role("council_member", tree.community, actor=Actor(resident))
    outsider = make_person(role, getattr(tree, where))
    for approve in (True, False):
        with pytest.raises(NotPermitted):
            do_decide_role_request(request, approve=approve, actor=Actor(outsider), reason="不符合条件")
    with pytest.raises(NotPermitted):
        do_decide_role_request(request, approve=True, actor=Actor(resident))  # not one's own request
    assert instance_for(request).state == "pending"
    assert not RoleGrant.objects.filter(person=resident).exists()
    assert len(chain(request)) == 1


def test_reject_needs_a_reason_and_grants_nothing(tree, resident, make_person) -> None:
    request = do_request_role("council_member", tree.community, actor=Actor(resident))
    admin = make_person("admin", tree.community)
    with pytest.raises(ActionError) as caught:
        do_decide_role_request(request, approve=False, actor=Actor(admin))
    assert caught.value.code == "reason_required"
    do_decide_role_request(request, approve=False, actor=Actor(admin), reason="非本社区居民")
    assert instance_for(request).state == "rejected"
    assert chain(request)[-1].reason == "非本社区居民"
    assert not RoleGrant.objects.filter(person=resident).exists()
    with pytest.raises(ActionError) as caught:
        do_decide_role_request(request, approve=True, actor=Actor(admin))
    assert caught.value.code == "process_final"


def test_submitter_withdraws(tree, resident, make_person) -> None:
    request = do_request_role("council_member", tree.community, actor=Actor(resident))
    with pytest.raises(NotPermitted):
        do_withdraw_role_request(request, actor=Actor(make_person("admin", tree.community)))
    do_withdraw_role_request(request, actor=Actor(resident))
    assert instance_for(request).state == "withdrawn"
    # A new request for the same role may follow once the first is closed.
    do_request_role("council_member", tree.community, actor=Actor(resident))


def test_overdue_request_reminds_then_moves_to_the_parent_admins(
    tree, resident, make_person, monkeypatch
) -> None:
    monkeypatch.setattr(runtime, "now", lambda: dt.datetime(2026, 2, 12, 9, 0, tzinfo=BEIJING))
    community_admin = make_person("admin", tree.community)
    township_admin = make_person("admin", tree.township)
    request = do_request_role("council_member", tree.community, actor=Actor(resident))
    instance = instance_for(request)
    # 3 working days from Thu 12 Feb: Fri 13, Sat 14 (adjusted workday), Tue 24 (after the holiday).
    assert instance.deadline_at == dt.datetime.combine(dt.date(2026, 2, 24), dt.time.max, tzinfo=BEIJING)
    sweep(dt.datetime(2026, 2, 25, 8, 0, tzinfo=BEIJING))
    assert set(Notification.objects.filter(kind="process.remind").values_list("recipient_id", flat=True)) == {
        community_admin.pk,
        township_admin.pk,
        resident.pk,
    }
    sweep(dt.datetime(2026, 2, 27, 8, 0, tzinfo=BEIJING))  # escalation: 2 working days after the deadline
    instance.refresh_from_db()
    assert instance.unit == tree.township
    community_admin._minyi_grants = None
    assert runtime.available_transitions(instance, community_admin) == []
    with pytest.raises(NotPermitted):
        do_decide_role_request(request, approve=True, actor=Actor(community_admin))
    do_decide_role_request(request, approve=True, actor=Actor(township_admin))
    assert RoleGrant.objects.get(person=resident).unit == tree.community  # the role asked for, where asked
    assert [e.action for e in chain(request)] == [
        "role_request.start",
        "role_request.overdue.remind",
        "role_request.overdue.escalate",
        "role_request.approve",
    ]
