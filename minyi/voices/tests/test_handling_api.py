"""API: /api/v1/voices — scoped list, detail, steps, supervision, notes; errors as {code,message,details}."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.core.engine.steps import perform
from minyi.core.models import Event
from minyi.voices.actions.handling import instance_for
from minyi.voices.tests.handling_support import register_voice

pytestmark = pytest.mark.django_db
BASE = "/api/v1/voices"
# The collection path: the voices scaffolding mounts area routers with "", which yields a trailing slash.
LIST = BASE


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def staff(tree, make_person):  # type: ignore[no-untyped-def]
    return make_person("community_staff", tree.community)


def test_list_is_scoped_and_constant(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    register_voice(tree.other_community)

    def count(n: int) -> int:
        for _ in range(n):
            register_voice(tree.community)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    assert count(2) == count(10)
    body = client.get(LIST, {"page_size": 5}).json()
    assert body["count"] == 12 and len(body["items"]) == 5
    assert all(item["unit"] == "金沙社区" for item in body["items"])
    outsider = make_person()
    client.force_login(outsider)
    assert client.get(LIST).json()["count"] == 0


def test_list_includes_closed_items_unless_asked_for_open_ones(client, tree, staff) -> None:  # type: ignore[no-untyped-def]
    open_voice = register_voice(tree.community, title="待办事项")
    closed = register_voice(tree.community, title="办结事项")
    for name, inputs in (
        ("accept", {}),
        ("reply", {"reply": "已修复", "resolution": "resolved"}),
        ("feedback", {"satisfaction": "satisfied"}),
    ):
        perform(instance_for(closed), name, person=staff, inputs=inputs, reason="")
    client.force_login(staff)
    assert {row["id"] for row in client.get(LIST).json()["items"]} == {open_voice.pk, closed.pk}
    only_open = client.get(LIST, {"include_closed": "false"}).json()
    assert [row["id"] for row in only_open["items"]] == [open_voice.pk]


def test_detail_hides_contact_and_unknown_is_404(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    client.force_login(staff)
    body = client.get(f"{BASE}/{voice.pk}").json()
    assert body["contact"]["phone"] == "13812345678" and "accept" in body["next_steps"]
    client.force_login(make_person("inspector", tree.district))
    body = client.get(f"{BASE}/{voice.pk}").json()
    assert body["contact"] is None and body["next_steps"] == []
    client.force_login(make_person("community_staff", tree.other_community))
    response = client.get(f"{BASE}/{voice.pk}")
    assert response.status_code == 404 and set(response.json()) == {"code", "message", "details"}


def test_take_steps_and_refusals(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    client.force_login(staff)
    response = post(client, f"{BASE}/{voice.pk}/steps/escalate_to_township", {"reason": ""})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = post(client, f"{BASE}/{voice.pk}/steps/nope", {})
    assert response.status_code == 400 and response.json()["code"] == "transition_unknown"
    department, township = (
        make_person("department_handler", tree.department),
        make_person("township_staff", tree.township),
    )
    count = Event.objects.count()
    client.force_login(department)
    assert post(client, f"{BASE}/{voice.pk}/steps/accept", {}).status_code == 404  # cannot even see it
    client.force_login(township)
    response = post(client, f"{BASE}/{voice.pk}/steps/accept", {})
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert Event.objects.count() == count
    client.force_login(staff)
    response = post(client, f"{BASE}/{voice.pk}/steps/escalate_to_township", {"reason": "需街道协调"})
    assert response.status_code == 200 and response.json()["state"] == "township_handling"
    assert instance_for(voice).unit_id == tree.township.pk


def test_supervise_and_notes(client, tree, staff, make_person) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    client.force_login(staff)
    assert post(client, f"{BASE}/{voice.pk}/supervise", {"note": "x"}).status_code == 403
    response = post(client, f"{BASE}/{voice.pk}/notes", {"text": "已电话联系群众"})
    assert response.status_code == 201 and response.json()["unit"] == "金沙社区"
    assert [n["text"] for n in client.get(f"{BASE}/{voice.pk}/notes").json()] == ["已电话联系群众"]
    assert post(client, f"{BASE}/{voice.pk}/notes", {"text": " "}).json()["code"] == "text_required"
    client.force_login(make_person("leader", tree.city))
    response = post(client, f"{BASE}/{voice.pk}/supervise", {"note": "限期办结"})
    assert response.status_code == 200 and response.json()["is_supervised"] is True
    assert post(client, f"{BASE}/{voice.pk}/notes", {"text": "x"}).status_code == 403
