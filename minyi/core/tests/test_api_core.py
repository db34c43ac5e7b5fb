"""Core endpoints: me, units, catalogue, role grants, notifications, record events, process instances."""

from __future__ import annotations

import pytest
from django.test import Client

from minyi.core.actions.roles import do_grant_role
from minyi.core.actions.units import UnitInput, do_create_unit, do_rename_unit
from minyi.core.models import Channel, Event, Notification, RoleGrant
from minyi.core.notify import notify
from minyi.core.tests.apitest import API, ApiClient, assert_constant_queries, token_for
from minyi.core.tests.standin_instances import standin_instance

pytestmark = pytest.mark.django_db


def session_client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- me --------------------------------------------------------------------------------------------


def test_me_lists_active_roles_with_units(make_person, tree, system):
    person = make_person("township_staff", tree.township)
    do_grant_role(person, "resident", tree.community, actor=system)
    revoked = do_grant_role(person, "deputy", tree.district, actor=system)
    from minyi.core.actions.roles import do_revoke_role

    do_revoke_role(revoked, actor=system, reason="任期届满")
    body = ApiClient(token_for(person)).get("/me").json()
    assert body["id"] == person.pk and body["name"] == "张三"
    roles = {(r["role"], r["unit"]["id"]) for r in body["roles"]}
    assert roles == {("township_staff", tree.township.pk), ("resident", tree.community.pk)}
    staff = next(r for r in body["roles"] if r["role"] == "township_staff")
    assert staff["role_label"] == "乡镇（街道）工作人员"
    assert staff["unit"] == {
        "id": tree.township.pk,
        "name": "青云街道",
        "kind": "township",
        "code": "990101001",
    }


# --- units -----------------------------------------------------------------------------------------


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["name"] for u in response.json()["items"]]


def test_units_filters(tree):
    client = ApiClient()
    assert len(names(client.get("/units"))) == 9
    assert names(client.get("/units", {"kind": "district"})) == ["东城区", "西城区"]
    assert set(names(client.get("/units", {"parent": tree.district.pk}))) == {
        "青云街道",
        "东城区住房和城乡建设局",
    }
    assert set(names(client.get("/units", {"within": tree.township.pk}))) == {
        "青云街道",
        "金沙社区",
        "青云街道人大代表联络站",
    }
    assert names(client.get("/units", {"within": tree.district.pk, "kind": "community"})) == ["金沙社区"]
    assert names(client.get("/units", {"q": "白沙"})) == ["白沙街道", "白沙社区"]
    assert names(client.get("/units", {"q": "990102"})) == ["西城区", "白沙街道", "白沙社区"]
    assert client.get("/units", {"within": 10**9}).status_code == 404
    assert client.get("/units", {"parent": 10**9}).status_code == 404


def test_unit_detail_and_children(tree):
    client = ApiClient()
    body = client.get(f"/units/{tree.township.pk}").json()
    assert (
        body["parent_id"] == tree.district.pk and body["kind_label"] == "乡镇/街道" and body["has_children"]
    )
    assert client.get(f"/units/{tree.city.pk}").json()["parent_id"] is None
    page = client.get(f"/units/{tree.township.pk}/children").json()
    assert [u["name"] for u in page["items"]] == ["金沙社区", "青云街道人大代表联络站"]
    assert {u["parent_id"] for u in page["items"]} == {tree.township.pk}
    missing = client.get("/units/999999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_units_pagination_is_capped(tree, settings):
    settings.MINYI_API_PAGE_SIZE = 4
    client = ApiClient()
    first = client.get("/units", {"page_size": 100}).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (9, 1, 4, 4)
    assert first["previous"] is None and "page=2" in first["next"] and first["next"].startswith("http")
    last = client.get("/units", {"page": 3, "page_size": 4}).json()
    assert len(last["items"]) == 1 and last["next"] is None and "page=2" in last["previous"]
    beyond = client.get("/units", {"page": 50}).json()
    assert beyond["items"] == [] and beyond["count"] == 9


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/units", {"parent": "community"}),
        ("/units/{community}/children", {}),
        ("/units", {"kind": "grid", "within": "township"}),
    ],
)
def test_unit_lists_have_constant_queries(tree, system, django_assert_num_queries, path, params):
    def add_grids(n: int, start: int) -> None:
        for i in range(start, start + n):
            do_create_unit(UnitInput(name=f"第{i}网格", kind="grid"), tree.community, actor=system)

    path = path.format(community=tree.community.pk)
    params = {k: getattr(tree, v).pk if k in {"parent", "within"} else v for k, v in params.items()}
    add_grids(5, 0)
    client = ApiClient()
    response = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(path, params), lambda: add_grids(45, 5)
    )
    assert response.json()["count"] == 50
    assert {u["parent_id"] for u in response.json()["items"]} == {tree.community.pk}


# --- catalogue -------------------------------------------------------------------------------------


def test_roles_catalogue_and_channels(db):
    Channel.objects.create(code="hotline", name="12345热线", staff_entered=True, sort_order=2)
    Channel.objects.create(code="web", name="网站", sort_order=1)
    Channel.objects.create(code="letter", name="来信", is_active=False)
    roles = ApiClient().get("/roles").json()
    assert roles[0] == {
        "code": "admin",
        "label": "系统管理员",
        "description": "管理单位、人员、角色与流程",
        "staff": True,
    }
    assert "submitter" not in {r["code"] for r in roles}
    assert ApiClient().get("/channels").json() == [
        {"code": "web", "name": "网站", "staff_entered": False},
        {"code": "hotline", "name": "12345热线", "staff_entered": True},
    ]


# --- role grants -----------------------------------------------------------------------------------


def test_admin_grants_and_revokes_within_scope(make_person, tree):
    admin = make_person("admin", tree.district)
    grantee = make_person()
    client = ApiClient(token_for(admin))
    response = client.post(
        "/role-grants",
        {"person": grantee.pk, "role": "community_staff", "unit": tree.community.pk, "note": "换届"},
    )
    assert response.status_code == 201, response.content
    grant = RoleGrant.objects.get(pk=response.json()["id"])
    assert (grant.person, grant.role, grant.unit, grant.granted_by) == (
        grantee,
        "community_staff",
        tree.community,
        admin,
    )
    event = Event.objects.get(action="core.role.grant", data__grant=grant.pk)
    assert (event.actor_id, event.actor_role, event.actor_unit_id) == (admin.pk, "admin", tree.district.pk)

    response = client.post(f"/role-grants/{grant.pk}/revoke", {"reason": "调离"})
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert Event.objects.filter(action="core.role.revoke", data__grant=grant.pk, reason="调离").exists()
    again = client.post(f"/role-grants/{grant.pk}/revoke", {"reason": "调离"})
    assert again.status_code == 400 and again.json()["code"] == "role_already_revoked"


@pytest.mark.parametrize(
    ("role", "where", "target"),
    [
        ("admin", "other_district", "community"),  # admin, wrong scope
        ("admin", "community", "township"),  # admin below the target
        ("township_staff", "township", "community"),  # wrong role
        ("leader", "city", "community"),  # supervisory, not admin
        (None, None, "community"),
    ],  # no role at all
)
def test_grant_refused_without_admin_over_the_unit(make_person, tree, role, where, target):
    caller = make_person(role, getattr(tree, where)) if role else make_person()
    grantee = make_person()
    before = Event.objects.count()
    response = ApiClient(token_for(caller)).post(
        "/role-grants", {"person": grantee.pk, "role": "resident", "unit": getattr(tree, target).pk}
    )
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert not RoleGrant.objects.filter(person=grantee).exists()
    assert Event.objects.count() == before + 1  # only the caller's token creation


def test_revoke_refused_out_of_scope_and_needs_reason(make_person, tree, system):
    admin = make_person("admin", tree.other_district)
    grant = do_grant_role(make_person(), "resident", tree.community, actor=system)
    response = ApiClient(token_for(admin)).post(f"/role-grants/{grant.pk}/revoke", {"reason": "x"})
    assert response.status_code == 403
    local_admin = make_person("admin", tree.township)
    response = ApiClient(token_for(local_admin)).post(f"/role-grants/{grant.pk}/revoke", {"reason": "  "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = ApiClient(token_for(local_admin)).post(f"/role-grants/{grant.pk}/revoke", {})
    assert response.status_code == 422
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert (
        ApiClient(token_for(local_admin)).post("/role-grants/99999/revoke", {"reason": "x"}).status_code
        == 404
    )


def test_grant_to_missing_person_or_unit_is_404(make_person, tree):
    client = ApiClient(token_for(make_person("admin", tree.city)))
    assert (
        client.post("/role-grants", {"person": 99999, "role": "resident", "unit": tree.city.pk}).status_code
        == 404
    )
    assert client.post("/role-grants", {"person": 1, "role": "resident", "unit": 99999}).status_code == 404


# --- notifications ---------------------------------------------------------------------------------


def test_notifications_are_mine_and_can_be_read(make_person):
    me, other = make_person(), make_person()
    notify([me], kind="test", title="一")
    notify([me], kind="test", title="二")
    theirs = notify([other], kind="test", title="他人的")[0]
    client = ApiClient(token_for(me))
    page = client.get("/notifications").json()
    assert [n["title"] for n in page["items"]] == ["二", "一"]
    first = Notification.objects.get(title="一")
    response = client.post(f"/notifications/{first.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    first.refresh_from_db()
    read_at = first.read_at
    assert client.post(f"/notifications/{first.pk}/read").json()["read_at"] == response.json()["read_at"]
    first.refresh_from_db()
    assert first.read_at == read_at
    assert [n["title"] for n in client.get("/notifications", {"unread": "true"}).json()["items"]] == ["二"]
    assert [n["title"] for n in client.get("/notifications", {"unread": "false"}).json()["items"]] == ["一"]
    assert client.post(f"/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_list_has_constant_queries(make_person, django_assert_num_queries):
    me = make_person()
    notify([me] * 1, kind="t", title="x")
    for i in range(4):
        notify([me], kind="t", title=f"x{i}")
    client = session_client(me)

    def grow() -> None:
        for i in range(45):
            notify([me], kind="t", title=f"y{i}")

    response = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(f"{API}/notifications"), grow
    )
    assert response.json()["count"] == 50


# --- record events ---------------------------------------------------------------------------------


def test_public_sees_public_events_only_verifiers_see_all_in_scope(make_person, tree, system):
    resident = make_person("resident", tree.community)  # grant event: private, unit=community
    params = {"subject_type": "core.person", "subject_id": str(resident.pk)}

    anonymous = ApiClient().get("/record/events", params).json()
    assert anonymous["count"] == 0
    create_unit = (
        ApiClient()
        .get("/record/events", {"subject_type": "core.unit", "subject_id": str(tree.community.pk)})
        .json()
    )
    assert [e["action"] for e in create_unit["items"]] == ["core.unit.create"]
    assert create_unit["items"][0]["actor_id"] is None

    supervisor = make_person("supervisor", tree.district)
    seen = ApiClient(token_for(supervisor)).get("/record/events", params).json()
    assert [e["action"] for e in seen["items"]] == ["core.role.grant"]
    assert seen["items"][0]["actor_id"] is None and seen["items"][0]["actor_role"] == "system"
    assert seen["items"][0]["masked"] is False
    # person.create has no unit: the verify rule answers no for it, so nobody lists it.
    person_create = ApiClient(token_for(supervisor)).get(
        "/record/events", {**params, "action": "core.person.create"}
    )
    assert person_create.json()["count"] == 0

    outsider_admin = make_person("admin", tree.other_district)
    outsider = ApiClient(token_for(outsider_admin)).get("/record/events", params).json()
    assert outsider["items"] == []

    plain = make_person("township_staff", tree.township)
    assert ApiClient(token_for(plain)).get("/record/events", params).json()["count"] == 0


def test_public_callers_get_the_masked_projection(make_person, tree, system):
    do_rename_unit(tree.community, "金沙社区", actor=system, reason="居民张三来电13912345678反映")
    params = {"subject_type": "core.unit", "subject_id": str(tree.community.pk), "action": "core.unit.rename"}
    public = ApiClient().get("/record/events", params).json()["items"][0]
    assert public["masked"] is True and "13912345678" not in public["reason"]
    assert public["action_label"] == "单位更名" and public["actor_label"] == "系统"
    verifier = ApiClient(token_for(make_person("admin", tree.township))).get("/record/events", params)
    shown = verifier.json()["items"][0]
    assert shown["masked"] is False and shown["reason"] == "居民张三来电13912345678反映"


def test_event_visibility_matches_the_verify_rule(make_person, tree, system):
    make_person("resident", tree.community)
    make_person("resident", tree.other_community)
    viewer = make_person("inspector", tree.township)
    ids = {
        e["id"] for e in ApiClient(token_for(viewer)).get("/record/events", {"page_size": 50}).json()["items"]
    }
    for event in Event.objects.select_related("unit"):
        expected = event.public or viewer.has_perm("core.verify_record", event)
        assert (event.pk in ids) == expected, event


def test_event_list_has_constant_queries(make_person, tree, system, django_assert_num_queries):
    admin = make_person("admin", tree.city)
    for i in range(4):
        do_rename_unit(tree.community, f"金沙{i}", actor=system, reason="")
    client = session_client(admin)
    params = {"subject_type": "core.unit", "subject_id": str(tree.community.pk)}

    def grow() -> None:
        for i in range(45):
            do_rename_unit(tree.community, f"金沙社区{i}", actor=system, reason="")

    response = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(f"{API}/record/events", params), grow
    )
    assert response.json()["count"] == 50
    assert response.json()["items"][-1]["actor_id"] is None  # the system acted


# --- process instances -----------------------------------------------------------------------------


def real_subject_instance(unit):
    """A stand-in instance whose subject exists (the relational-role check loads the subject)."""
    instance = standin_instance(title="路灯不亮", unit=unit, awaiting_roles=["community_staff"])
    instance.subject_id = str(unit.pk)
    instance.save(update_fields=["subject_id"])
    return instance


def test_process_instance_visible_to_its_actors_and_supervisors(make_person, tree):
    instance = real_subject_instance(tree.community)
    for role, unit, status in [
        ("community_staff", tree.community, 200),  # acts in the process, over the unit
        ("township_staff", tree.township, 200),
        ("leader", tree.city, 200),  # supervisory
        ("admin", tree.district, 200),
        ("resident", tree.community, 404),  # no part in it
        ("community_staff", tree.other_community, 404),  # wrong scope
        ("admin", tree.other_district, 404),
    ]:
        response = ApiClient(token_for(make_person(role, unit))).get(f"/process-instances/{instance.pk}")
        assert response.status_code == status, (role, unit)
    body = (
        ApiClient(token_for(make_person("admin", tree.city))).get(f"/process-instances/{instance.pk}").json()
    )
    assert body["awaiting_roles"] == ["community_staff"] and body["unit"]["id"] == tree.community.pk
    assert body["title"] == "路灯不亮" and body["state"] == "handling"
    assert ApiClient().get(f"/process-instances/{instance.pk}").status_code == 401
