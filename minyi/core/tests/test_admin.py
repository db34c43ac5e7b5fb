"""The administration site through the Django test client: scoped, recorded, append-only record."""

from __future__ import annotations

import pytest
from django.test import Client

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actions.roles import do_grant_role
from minyi.core.models import ChainHead, Channel, Checkpoint, Event, Person, RoleGrant, Unit

GRANTS = "/admin/core/rolegrant/"


@pytest.fixture
def district_admin(tree, make_person):  # type: ignore[no-untyped-def]
    return make_person("admin", tree.district, name="东城管理员")


@pytest.fixture
def as_district_admin(client: Client, district_admin: Person) -> Client:
    client.force_login(district_admin)
    return client


@pytest.fixture
def superuser(make_person):  # type: ignore[no-untyped-def]
    root = make_person(name="超级管理员")
    Person.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    return Person.objects.get(pk=root.pk)


def grant_post(client: Client, **data: object):  # type: ignore[no-untyped-def]
    return client.post(f"{GRANTS}add/", {"note": "", "_save": "1", **data})


def test_grant_through_the_admin_is_recorded(as_district_admin, tree, make_person, district_admin) -> None:  # type: ignore[no-untyped-def]
    worker = make_person(name="王五")
    response = grant_post(
        as_district_admin,
        username=worker.username,
        role="community_staff",
        unit=tree.community.pk,
        note="换届",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(person=worker)
    assert (grant.role, grant.unit, grant.granted_by, grant.note) == (
        "community_staff",
        tree.community,
        district_admin,
        "换届",
    )
    event = Event.objects.get(action="core.role.grant", subject_id=str(worker.pk))
    assert (event.actor, event.actor_role, event.actor_unit, event.unit) == (
        district_admin,
        "admin",
        tree.district,
        tree.community,
    )
    assert event.data["grant"] == grant.pk


@pytest.mark.parametrize("place", ["other_community", "other_district", "city"])
def test_out_of_scope_unit_is_a_form_error_and_writes_nothing(
    as_district_admin, tree, make_person, place
) -> None:  # type: ignore[no-untyped-def]
    worker = make_person()
    events = Event.objects.count()
    response = grant_post(
        as_district_admin, username=worker.username, role="community_staff", unit=getattr(tree, place).pk
    )
    assert response.status_code == 200
    assert "该单位不在您的管辖范围内" in response.content.decode()
    assert not RoleGrant.objects.filter(person=worker).exists()
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "emperor", "未知的角色：emperor"),
        ("username", "nobody", "找不到用户名为 nobody 的人员"),
    ],
)
def test_bad_grant_input_is_a_chinese_form_error(
    as_district_admin, tree, make_person, field, value, message
) -> None:  # type: ignore[no-untyped-def]
    worker = make_person()
    events = Event.objects.count()
    data = {"username": worker.username, "role": "community_staff", "unit": tree.community.pk, field: value}
    response = grant_post(as_district_admin, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RoleGrant.objects.filter(person=worker).count() == 0
    assert Event.objects.count() == events


def test_duplicate_grant_is_a_form_error(as_district_admin, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    worker = make_person("community_staff", tree.community)
    response = grant_post(
        as_district_admin, username=worker.username, role="community_staff", unit=tree.community.pk
    )
    assert "该人员已在此单位拥有该角色" in response.content.decode()
    assert RoleGrant.objects.filter(person=worker).count() == 1


def _revoke(client: Client, grants: list[RoleGrant], reason: str | None):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {"action": "revoke_grants", "_selected_action": [g.pk for g in grants]}
    if reason is not None:
        data |= {"apply": "1", "reason": reason}
    return client.post(GRANTS, data)


def test_revoke_asks_for_a_reason_then_records(as_district_admin, tree, make_person, district_admin) -> None:  # type: ignore[no-untyped-def]
    worker = make_person("community_staff", tree.community)
    grant = RoleGrant.objects.get(person=worker)
    events = Event.objects.count()

    page = _revoke(as_district_admin, [grant], None)
    assert page.status_code == 200 and "撤销理由" in page.content.decode()

    missing = _revoke(as_district_admin, [grant], "   ")
    assert missing.status_code == 200
    assert "撤销角色必须说明理由" in missing.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is None and Event.objects.count() == events

    done = _revoke(as_district_admin, [grant], "离任")
    assert done.status_code == 302
    grant.refresh_from_db()
    assert (
        grant.revoked_at is not None and grant.revoked_by == district_admin and grant.revoke_reason == "离任"
    )
    event = Event.objects.get(action="core.role.revoke")
    assert (event.reason, event.actor, event.actor_unit) == ("离任", district_admin, tree.district)


def test_revoke_cannot_reach_outside_scope(as_district_admin, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    outsider = make_person("community_staff", tree.other_community)
    grant = RoleGrant.objects.get(person=outsider)
    _revoke(as_district_admin, [grant], "越权尝试")
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert not Event.objects.filter(action="core.role.revoke").exists()


def test_lists_are_scoped_to_the_admins_subtree(as_district_admin, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("community_staff", tree.community, name="东城社工")
    make_person("community_staff", tree.other_community, name="西城社工")
    grants = as_district_admin.get(GRANTS).content.decode()
    assert "东城社工" in grants and "西城社工" not in grants
    units = as_district_admin.get("/admin/core/unit/").content.decode()
    assert "金沙社区" in units and "白沙社区" not in units and "示范市" not in units
    people = as_district_admin.get("/admin/core/person/").content.decode()
    assert "东城社工" in people and "西城社工" not in people
    outsider_grant = RoleGrant.objects.get(person__name="西城社工")
    assert (
        as_district_admin.get(f"{GRANTS}{outsider_grant.pk}/change/").status_code == 302
    )  # "does not exist"
    assert as_district_admin.get(f"/admin/core/unit/{tree.other_district.pk}/change/").status_code == 302


def test_unit_search_by_name_and_code(as_district_admin, tree) -> None:  # type: ignore[no-untyped-def]
    by_code = as_district_admin.get("/admin/core/unit/", {"q": "990101001001"}).content.decode()
    assert "金沙社区" in by_code and "青云街道人大代表联络站" not in by_code
    by_name = as_district_admin.get("/admin/core/unit/", {"q": "白沙"}).content.decode()
    assert "白沙社区" not in by_name  # outside the scope even when searched for


def test_superuser_sees_everything(client, superuser, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("community_staff", tree.other_community, name="西城社工")
    client.force_login(superuser)
    assert "西城社工" in client.get(GRANTS).content.decode()
    assert "白沙社区" in client.get("/admin/core/unit/").content.decode()


def test_non_administrators_cannot_enter(client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    for role in ("leader", "community_staff", "resident"):
        client.force_login(make_person(role, tree.district))
        assert client.get("/admin/").status_code == 302
        assert client.get(GRANTS).status_code == 302


def test_add_unit_through_the_admin(as_district_admin, tree) -> None:  # type: ignore[no-untyped-def]
    ok = as_district_admin.post(
        "/admin/core/unit/add/",
        {"parent": tree.township.pk, "name": "新苑社区", "kind": "community", "code": "", "_save": "1"},
    )
    assert ok.status_code == 302
    unit = Unit.objects.get(name="新苑社区")
    assert unit.get_parent() == tree.township
    assert Event.objects.filter(action="core.unit.create", subject_id=str(unit.pk)).exists()

    refused = as_district_admin.post(
        "/admin/core/unit/add/",
        {"parent": tree.other_township.pk, "name": "越界社区", "kind": "community", "_save": "1"},
    )
    assert "该单位不在您的管辖范围内" in refused.content.decode()
    assert not Unit.objects.filter(name="越界社区").exists()


def test_rename_unit_needs_a_reason(as_district_admin, tree) -> None:  # type: ignore[no-untyped-def]
    url = f"/admin/core/unit/{tree.community.pk}/change/"
    missing = as_district_admin.post(url, {"name": "金沙新社区", "reason": "", "_save": "1"})
    assert "更改单位名称必须说明理由" in missing.content.decode()
    assert (
        as_district_admin.post(url, {"name": "金沙新社区", "reason": "更名", "_save": "1"}).status_code == 302
    )
    assert Event.objects.get(action="core.unit.rename").reason == "更名"


def test_add_person_and_see_roles_read_only(as_district_admin, tree, system) -> None:  # type: ignore[no-untyped-def]
    response = as_district_admin.post(
        "/admin/core/person/add/",
        {
            "username": "zhao6",
            "name": "赵六",
            "phone": "13800000000",
            "home_unit": tree.community.pk,
            "_save": "1",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(username="zhao6")
    assert Event.objects.filter(action="core.person.create", subject_id=str(person.pk)).exists()
    do_grant_role(person, "courier", tree.community, actor=system)
    page = as_district_admin.get(f"/admin/core/person/{person.pk}/change/").content.decode()
    assert "民情专递员" in page
    assert 'name="role_grants-0-role"' not in page  # inline shows values, not inputs


def test_public_record_admins_are_read_only_even_for_superusers(client, superuser, tree) -> None:  # type: ignore[no-untyped-def]
    client.force_login(superuser)
    event = Event.objects.first()
    head = ChainHead.objects.first()
    for base, obj in (("event", event), ("chainhead", head)):
        assert client.get(f"/admin/core/{base}/").status_code == 200
        assert client.get(f"/admin/core/{base}/add/").status_code == 403
        assert client.get(f"/admin/core/{base}/{obj.pk}/delete/").status_code == 403
        assert client.post(f"/admin/core/{base}/{obj.pk}/change/", {}).status_code == 403
    assert client.get("/admin/core/checkpoint/add/").status_code == 403
    before = Event.objects.count()
    client.post(
        "/admin/core/event/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert Event.objects.count() == before
    assert Checkpoint.objects.count() == 0


def test_events_are_scoped_for_administrators(as_district_admin, tree) -> None:  # type: ignore[no-untyped-def]
    inside = Event.objects.get(action="core.unit.create", subject_id=str(tree.community.pk))
    outside = Event.objects.get(action="core.unit.create", subject_id=str(tree.other_community.pk))
    assert as_district_admin.get(f"/admin/core/event/{inside.pk}/change/").status_code == 200
    assert as_district_admin.get(f"/admin/core/event/{outside.pk}/change/").status_code == 302


def test_channel_change_through_the_admin(client, tree, make_person, system, as_district_admin) -> None:  # type: ignore[no-untyped-def]
    ensure_default_channels(actor=system)
    web = Channel.objects.get(code="web")
    url = f"/admin/core/channel/{web.pk}/change/"
    # A district administrator sees the registry but cannot change it.
    assert as_district_admin.get("/admin/core/channel/").status_code == 200
    assert as_district_admin.get(url).status_code == 200  # view-only page
    assert (
        as_district_admin.post(url, {"name": "门户网站", "is_active": "on", "_save": "1"}).status_code == 403
    )

    client.force_login(make_person("admin", tree.city))
    response = client.post(
        url, {"code": "www", "name": "门户网站", "is_active": "on", "reason": "改名", "_save": "1"}
    )
    assert response.status_code == 302
    web.refresh_from_db()
    assert (web.code, web.name) == ("web", "门户网站")
    event = Event.objects.get(action="core.channel.update")
    assert event.reason == "改名" and event.data["changes"] == {"name": ["网站", "门户网站"]}
    assert client.get("/admin/core/channel/add/").status_code == 403


def test_add_deputy_record_through_the_admin(as_district_admin, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    deputy = make_person(name="钱七")
    data = {
        "username": deputy.username,
        "body": "npc",
        "level": "county",
        "unit": tree.station.pk,
        "term": "第十八届",
        "term_start": "2026-01-01",
        "_save": "1",
    }
    assert as_district_admin.post("/admin/core/deputyrecord/add/", data).status_code == 302
    assert deputy.deputy_records.get().unit == tree.station
    assert Event.objects.filter(action="core.deputy.add", subject_id=str(deputy.pk)).exists()

    refused = as_district_admin.post(
        "/admin/core/deputyrecord/add/", data | {"unit": tree.other_community.pk}
    )
    assert "该单位不在您的管辖范围内" in refused.content.decode()
    bad_term = as_district_admin.post("/admin/core/deputyrecord/add/", data | {"term_end": "2025-01-01"})
    assert "任期结束不能早于任期开始" in bad_term.content.decode()
    assert deputy.deputy_records.count() == 1


def test_every_page_in_scope_renders(as_district_admin, tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    ensure_default_channels(actor=system)
    worker = make_person("community_staff", tree.community)
    grant = RoleGrant.objects.get(person=worker)
    index = as_district_admin.get("/admin/").content.decode()
    assert "角色授予" in index and "受理渠道" in index
    pages = [
        "/admin/core/unit/",
        f"/admin/core/unit/{tree.community.pk}/change/",
        "/admin/core/unit/add/",
        "/admin/core/person/",
        f"/admin/core/person/{worker.pk}/change/",
        "/admin/core/person/add/",
        GRANTS,
        f"{GRANTS}{grant.pk}/change/",
        f"{GRANTS}add/",
        "/admin/core/deputyrecord/",
        "/admin/core/deputyrecord/add/",
        "/admin/core/channel/",
        "/admin/core/event/",
        "/admin/core/chainhead/",
        f"/admin/core/chainhead/{ChainHead.objects.first().pk}/change/",
        "/admin/core/checkpoint/",
    ]
    for page in pages:
        assert as_district_admin.get(page).status_code == 200, page
