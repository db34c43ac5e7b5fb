"""The process-instance page and the role-request page, driven as a user would (O2, O3, O4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minyi.core.models import Event, Notification, ProcessInstance, RoleGrant, RoleRequest

pytestmark = pytest.mark.django_db


def login(client, person):  # type: ignore[no-untyped-def]
    client.force_login(person)
    return client


def request_via_page(client, tree):  # type: ignore[no-untyped-def]
    return client.post(reverse("core:request_role"), {"role": "council_member", "unit": tree.community.code,
                                                      "note": "愿意参加居民议事"})


def test_request_appears_on_admin_workbench_and_approval_grants_role(client, tree, make_person):
    resident = make_person(name="李四")
    admin = make_person("admin", tree.township, name="王五")
    response = request_via_page(login(client, resident), tree)
    instance = ProcessInstance.objects.get(process="role_request")
    assert response.status_code == 302 and response.url == reverse("core:process_instance", args=[instance.pk])
    assert instance.state == "pending" and instance.unit == tree.community

    login(client, admin)
    workbench = client.get(reverse("core:workbench"))
    assert "申请" in workbench.content.decode() and "账号角色申请" in workbench.content.decode()
    page = client.get(reverse("core:process_instance", args=[instance.pk]))
    assert page.status_code == 200
    assert "批准" in page.content.decode() and "不予批准" in page.content.decode()

    response = client.post(reverse("core:process_act", args=[instance.pk, "approve"]), {"approve-reason": ""})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.state == "approved" and instance.is_final
    grant = RoleGrant.objects.active().get(person=resident, role="council_member", unit=tree.community)
    assert RoleRequest.objects.get(person=resident).grant == grant
    approve = Event.objects.get(action="role_request.approve")
    assert (approve.actor, approve.actor_role, approve.actor_unit) == (admin, "admin", tree.township)
    assert Event.objects.filter(action="core.role.grant", data__grant=grant.pk).exists()
    assert Notification.objects.filter(recipient=resident, kind="core.role_request.decided").exists()


def test_submitter_sees_trail_with_units_but_not_official_names(client, tree, make_person):
    resident = make_person(name="李四")
    admin = make_person("admin", tree.township, name="王五")
    request_via_page(login(client, resident), tree)
    instance = ProcessInstance.objects.get(process="role_request")
    login(client, admin)
    client.post(reverse("core:process_act", args=[instance.pk, "reject"]), {"reject-reason": "请先参加一次议事会"})
    login(client, resident)
    html = client.get(reverse("core:process_instance", args=[instance.pk])).content.decode()
    assert "不予批准" in html and "请先参加一次议事会" in html and "青云街道" in html
    assert "王五" not in html


def test_outsiders_get_403_and_cannot_act(client, tree, make_person):
    resident = make_person(name="李四")
    request_via_page(login(client, resident), tree)
    instance = ProcessInstance.objects.get(process="role_request")
    other_admin = make_person("admin", tree.other_township)
    login(client, other_admin)
    assert client.get(reverse("core:process_instance", args=[instance.pk])).status_code == 403
    before = Event.objects.count()
    assert client.post(reverse("core:process_act", args=[instance.pk, "approve"]), {}).status_code == 403
    assert Event.objects.count() == before
    assert not RoleGrant.objects.filter(person=resident).exists()


def test_reject_without_reason_is_a_form_error_and_writes_nothing(client, tree, make_person):
    resident = make_person()
    admin = make_person("admin", tree.community)
    request_via_page(login(client, resident), tree)
    instance = ProcessInstance.objects.get(process="role_request")
    login(client, admin)
    before = Event.objects.count()
    response = client.post(reverse("core:process_act", args=[instance.pk, "reject"]), {"reject-reason": ""})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必须说明理由" in response.content.decode()
    instance.refresh_from_db()
    assert instance.state == "pending" and Event.objects.count() == before


def test_override_is_recorded_and_reserved_to_admins(client, tree, make_person):
    resident = make_person()
    request_via_page(login(client, resident), tree)
    instance = ProcessInstance.objects.get(process="role_request")
    url = reverse("core:process_override", args=[instance.pk])
    assert client.post(url, {"to_state": "withdrawn", "reason": "x"}).status_code == 403

    admin = make_person("admin", tree.city)
    login(client, admin)
    response = client.post(url, {"to_state": "withdrawn", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"to_state": "withdrawn", "reason": "申请人电话告知撤回"})
    assert response.status_code == 302
    event = Event.objects.get(action="role_request.override")
    assert event.reason == "申请人电话告知撤回" and event.data["to"] == "withdrawn"


def test_request_for_unknown_unit_is_a_form_error(client, tree, make_person):
    login(client, make_person())
    response = client.post(reverse("core:request_role"), {"role": "courier", "unit": "不存在的社区"})
    assert response.status_code == 400
    assert "找不到单位" in response.content.decode()
    assert not RoleRequest.objects.exists()
