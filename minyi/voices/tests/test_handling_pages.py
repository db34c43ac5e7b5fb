"""Workbench pages: inbox (filters, order, constant queries), bulk, item page, supervision, board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minyi.core.engine.steps import perform
from minyi.core.models import Event, Notification, ProcessInstance
from minyi.voices.actions.handling import instance_for
from minyi.voices.models import Supervision
from minyi.voices.tests.handling_support import register_voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree, make_person):  # type: ignore[no-untyped-def]
    return make_person("community_staff", tree.community, name="王社区")


def _inbox_queries(client, n: int, tree) -> int:  # type: ignore[no-untyped-def]
    for _ in range(n):
        register_voice(tree.community)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("voices:inbox"))
    assert response.status_code == 200
    return len(queries)


def test_inbox_query_count_is_constant(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    few = _inbox_queries(client, 2, tree)
    many = _inbox_queries(client, 12, tree)
    assert few == many


def test_inbox_marks_and_sorts_overdue_and_supervised_first(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    fresh = register_voice(tree.community, title="新事项")
    late = register_voice(tree.community, title="超期事项")
    ProcessInstance.objects.filter(pk=instance_for(late).pk).update(deadline_at="2020-01-01T00:00:00Z")
    client.force_login(staff)
    page = client.get(reverse("voices:inbox")).content.decode()
    assert page.index("超期事项") < page.index("新事项")
    assert "badge-overdue" in page
    only_late = client.get(reverse("voices:inbox"), {"overdue": "on"}).content.decode()
    assert "超期事项" in only_late and "新事项" not in only_late
    texts = client.get(reverse("voices:inbox"), {"q": fresh.tracking_code}).content.decode()
    assert "新事项" in texts and "超期事项" not in texts
    states = client.get(reverse("voices:inbox"), {"state": "closed"}).content.decode()
    assert "新事项" not in states


def _closed_voice(tree, staff, title: str):  # type: ignore[no-untyped-def]
    """A voice handled to the end through its steps (accept, reply, feedback): its instance is final."""
    voice = register_voice(tree.community, title=title)
    for name, inputs in (
        ("accept", {}),
        ("reply", {"reply": "已修复", "resolution": "resolved"}),
        ("feedback", {"satisfaction": "satisfied"}),
    ):
        perform(instance_for(voice), name, person=staff, inputs=inputs, reason="")
    assert instance_for(voice).is_final
    return voice


def test_inbox_shows_open_items_by_default_and_closed_on_request(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    register_voice(tree.community, title="待办事项")
    closed = _closed_voice(tree, staff, "办结事项")
    client.force_login(staff)
    page = client.get(reverse("voices:inbox")).content.decode()
    assert "待办事项" in page and "办结事项" not in page
    assert "共 1 件" in page
    assert 'name="include_closed"' in page and "包括已办结" in page
    everything = client.get(reverse("voices:inbox"), {"include_closed": "on"}).content.decode()
    assert "待办事项" in everything and "办结事项" in everything
    assert "共 2 件" in everything
    # Choosing a final state shows closed items without the checkbox; an open state only open ones.
    finished = client.get(reverse("voices:inbox"), {"state": "closed"}).content.decode()
    assert "办结事项" in finished and "待办事项" not in finished and "共 1 件" in finished
    searched = client.get(reverse("voices:inbox"), {"q": closed.tracking_code}).content.decode()
    assert "共 0 件" in searched
    searched = client.get(
        reverse("voices:inbox"), {"q": closed.tracking_code, "include_closed": "on"}
    ).content.decode()
    assert "办结事项" in searched and "共 1 件" in searched


def _district_inbox_queries(client, tree, staff, n: int, params: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    for i in range(n):
        register_voice(tree.community, title=f"待办{i}")
        _closed_voice(tree, staff, f"办结{i}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("voices:inbox"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"include_closed": "on"}, {"state": "closed"}])
def test_inbox_query_count_is_constant_with_and_without_closed_items(  # type: ignore[no-untyped-def]
    client, tree, staff, make_person, params
) -> None:
    client.force_login(make_person("district_staff", tree.district))
    few = _district_inbox_queries(client, tree, staff, 1, params)
    many = _district_inbox_queries(client, tree, staff, 6, params)
    assert few == many


def test_inbox_refuses_people_without_handling_roles(client, make_person) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_person())
    assert client.get(reverse("voices:inbox")).status_code == 403


def test_bulk_accept_is_all_or_nothing(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    first, second = register_voice(tree.community), register_voice(tree.community)
    perform(instance_for(second), "accept", person=staff, inputs={}, reason="")
    client.force_login(staff)
    count = Event.objects.count()
    response = client.post(
        reverse("voices:bulk"), {"action": "accept", "voices": [first.pk, second.pk]}, follow=True
    )
    assert second.tracking_code in response.content.decode()  # named in the failure report
    assert Event.objects.count() == count and instance_for(first).state == "registered"
    third = register_voice(tree.community)
    client.post(reverse("voices:bulk"), {"action": "accept", "voices": [first.pk, third.pk]})
    assert instance_for(first).state == instance_for(third).state == "community_handling"


def test_bulk_assign_through_the_assign_action(client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    district = make_person("district_staff", tree.district)
    handler = make_person("department_handler", tree.department)
    voices = [register_voice(tree.district) for _ in range(2)]
    for voice in voices:
        ProcessInstance.objects.filter(pk=instance_for(voice).pk).update(
            state="district_dispatch", awaiting_roles=",district_staff,"
        )
    client.force_login(district)
    client.post(
        reverse("voices:bulk"),
        {"action": "assign", "lead_department": tree.department.pk, "voices": [v.pk for v in voices]},
    )
    for voice in voices:
        voice.refresh_from_db()
        assert voice.lead_department_id == tree.department.pk
        assert instance_for(voice).unit_id == tree.department.pk
    assert Notification.objects.filter(recipient=handler, kind="voices.assigned").count() == 2


def test_item_page_shows_only_allowed_steps_and_hides_contact(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    submitter = make_person(name="李四")
    voice = register_voice(tree.community, submitter=submitter)
    client.force_login(staff)
    page = client.get(reverse("voices:item", args=[voice.pk])).content.decode()
    assert "联系电话" in page and "受理" in page
    assert reverse("voices:item_step", args=[voice.pk, "accept"]) in page
    assert reverse("voices:item_step", args=[voice.pk, "take_at_township"]) not in page
    supervisor = make_person("supervisor", tree.district)
    client.force_login(supervisor)
    page = client.get(reverse("voices:item", args=[voice.pk])).content.decode()
    assert "联系电话" not in page and "/steps/" not in page and "督办意见" in page
    stranger = make_person()
    client.force_login(stranger)
    assert client.get(reverse("voices:item", args=[voice.pk])).status_code == 404


def test_item_step_through_page_and_errors_shown(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    client.force_login(staff)
    url = reverse("voices:item_step", args=[voice.pk, "escalate_to_township"])
    response = client.post(url, {"escalate_to_township-reason": ""})
    assert response.status_code == 400 and instance_for(voice).state == "registered"
    response = client.post(url, {"escalate_to_township-reason": "需街道协调"})
    assert response.status_code == 302
    instance = instance_for(voice)
    assert (instance.state, instance.unit_id) == ("township_handling", tree.township.pk)


def test_submitter_sees_trail_without_names(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    submitter = make_person()
    voice = register_voice(tree.community, submitter=submitter)
    perform(instance_for(voice), "accept", person=staff, inputs={}, reason="")
    client.force_login(submitter)
    page = client.get(reverse("voices:item", args=[voice.pk])).content.decode()
    assert "金沙社区" in page and "受理" in page and "王社区" not in page


def test_supervise_and_end(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    deputy = make_person("deputy", tree.township)
    voice = register_voice(tree.community)
    client.force_login(deputy)
    response = client.post(reverse("voices:supervise", args=[voice.pk]), {"note": ""})
    assert response.status_code == 400 and not Supervision.objects.exists()
    client.post(reverse("voices:supervise", args=[voice.pk]), {"note": "请加快办理"})
    voice.refresh_from_db()
    assert voice.is_supervised
    assert Notification.objects.filter(recipient=staff, kind="voices.supervised").exists()
    assert Event.objects.filter(action="voices.supervise", subject_id=str(voice.pk)).exists()
    client.force_login(staff)
    assert "badge-supervised" in client.get(reverse("voices:inbox")).content.decode()
    assert client.post(reverse("voices:supervise", args=[voice.pk]), {"note": "x"}).status_code == 403
    client.force_login(deputy)
    client.post(reverse("voices:end_supervision", args=[Supervision.objects.get().pk]))
    voice.refresh_from_db()
    assert not voice.is_supervised


def test_publish_only_with_consent_and_board_masks(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    refused = register_voice(tree.community, wants_public=False)
    voice = register_voice(tree.community, wants_public=True, title="13812345678 路灯")
    client.force_login(staff)
    client.post(reverse("voices:publish", args=[refused.pk]))
    refused.refresh_from_db()
    assert not refused.is_published
    client.post(reverse("voices:publish", args=[voice.pk]))
    voice.refresh_from_db()
    assert voice.is_published
    client.logout()
    board = client.get(reverse("voices:board")).content.decode()
    assert voice.tracking_code in board and refused.tracking_code not in board
    assert "13812345678" not in board and "138****5678" in board
    page = client.get(reverse("voices:public_item", args=[voice.tracking_code])).content.decode()
    assert "李四" not in page and "13812345678" not in page and "2单元" not in page and "金沙社区****" in page
    assert client.get(reverse("voices:public_item", args=[refused.tracking_code])).status_code == 404


def test_portal_home_links_to_board(client) -> None:  # type: ignore[no-untyped-def]
    assert reverse("voices:board") in client.get("/").content.decode()


def test_workbench_links_to_item_page(tree, staff) -> None:  # type: ignore[no-untyped-def]
    from minyi.core.engine.labels import instance_url

    voice = register_voice(tree.community)
    assert instance_url(instance_for(voice)) == reverse("voices:item", args=[voice.pk])
    assert dt is not None


def test_board_pager_counts_at_most_the_cap(client, tree, staff, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from minyi.voices.views import handling

    monkeypatch.setattr(handling, "BOARD_PAGE_SIZE", 1)
    voices = [register_voice(tree.community, wants_public=True, title=f"{n}号楼路灯") for n in range(4)]
    client.force_login(staff)
    for voice in voices:
        client.post(reverse("voices:publish", args=[voice.pk]))
    client.logout()
    settings.MINYI_LIST_COUNT_CAP = 2  # four published items: the pager says "1 / 2+"
    assert "1 / 2+" in client.get(reverse("voices:board")).content.decode()
    settings.MINYI_LIST_COUNT_CAP = 100
    assert "1 / 4<" in client.get(reverse("voices:board")).content.decode()
    # Beyond the counted pages the list goes on: "next" while pages are full, every item reachable.
    settings.MINYI_LIST_COUNT_CAP = 2
    seen = []
    for number in range(1, 6):
        html = client.get(reverse("voices:board"), {"page": number}).content.decode()
        seen += [v.tracking_code for v in voices if v.tracking_code in html]
        if f"?page={number + 1}" not in html:
            break
    assert sorted(seen) == sorted(v.tracking_code for v in voices) and number == 5  # page 5 is empty
