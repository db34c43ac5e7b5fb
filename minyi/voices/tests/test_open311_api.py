"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, every error case."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from minyi.core.actions.tokens import do_create_token, do_revoke_token
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.models import Event, ProcessInstance
from minyi.voices.models import Open311Request, Voice
from minyi.voices.tests.open311_support import make_categories

BASE = "/open311/v2"


@pytest.fixture
def setup(tree: Any, make_person: Any) -> dict[str, Any]:
    roads, noise = make_categories()
    client_person = make_person(name="市政平台")
    key = do_create_token(client_person, actor=Actor(person=client_person), name="open311").secret
    return {"tree": tree, "roads": roads, "noise": noise, "key": key, "person": client_person}


def post(data: dict[str, str], fmt: str = "json", headers: dict[str, str] | None = None) -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", data, headers=headers or {})


def body(response: Any) -> Any:
    return json.loads(response.content)


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def valid(setup: dict[str, Any], **extra: str) -> dict[str, str]:
    data = {
        "api_key": setup["key"],
        "service_code": "roads",
        "address_string": "青云街道金沙社区3栋门口",
        "description": "小区门口井盖缺失，夜间很危险",
        "email": "li@example.com",
        "first_name": "四",
        "last_name": "李",
        "phone": "13812345678",
    }
    data.update(extra)
    return data


# ---- services ----------------------------------------------------------------------------------


def test_services_json_lists_categories(setup: dict[str, Any]) -> None:
    response = Client().get(f"{BASE}/services.json")
    assert response.status_code == 200
    rows = body(response)
    assert [r["service_code"] for r in rows] == ["roads", "noise"]
    assert rows[0] == {
        "service_code": "roads",
        "service_name": "道路交通",
        "description": "道路破损、井盖缺失等",
        "metadata": True,
        "type": "realtime",
        "keywords": "道路,井盖,路灯",
        "group": "城市建设",
    }


def test_services_xml(setup: dict[str, Any]) -> None:
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == ["roads", "noise"]
    assert services[0].findtext("metadata") == "true"
    assert services[0].findtext("type") == "realtime"


def test_inactive_category_is_not_a_service(setup: dict[str, Any]) -> None:
    setup["noise"].is_active = False
    setup["noise"].save(update_fields=["is_active"])
    assert [r["service_code"] for r in body(Client().get(f"{BASE}/services.json"))] == ["roads"]
    assert Client().get(f"{BASE}/services/noise.json").status_code == 404


def test_service_definition_json(setup: dict[str, Any]) -> None:
    response = Client().get(f"{BASE}/services/roads.json")
    assert response.status_code == 200
    definition = body(response)
    assert definition["service_code"] == "roads"
    by_code = {a["code"]: a for a in definition["attributes"]}
    assert set(by_code) == {"unit_code", "severity"}
    severity = by_code["severity"]
    assert severity["datatype"] == "singlevaluelist"
    assert severity["variable"] is True and severity["required"] is False
    assert [v["key"] for v in severity["values"]] == ["low", "medium", "high"]
    assert {"datatype_description", "order", "description"} <= set(severity)


def test_service_definition_xml(setup: dict[str, Any]) -> None:
    root = xml(Client().get(f"{BASE}/services/roads.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "roads"
    attributes = root.find("attributes").findall("attribute")  # type: ignore[union-attr]
    severity = next(a for a in attributes if a.findtext("code") == "severity")
    assert [v.findtext("key") for v in severity.find("values").findall("value")] == ["low", "medium", "high"]  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_format(setup: dict[str, Any], fmt: str) -> None:
    response = Client().get(f"{BASE}/services/nothing.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert body(response)[0]["code"] == 404 and body(response)[0]["description"]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.find("error").findtext("code") == "404"  # type: ignore[union-attr]


def test_wrong_jurisdiction_is_404_and_right_one_works(setup: dict[str, Any]) -> None:
    assert Client().get(f"{BASE}/services.json", {"jurisdiction_id": "other.city"}).status_code == 404
    assert Client().get(f"{BASE}/services.json", {"jurisdiction_id": "minyi.local"}).status_code == 200


def test_unknown_path_and_format_are_open311_404(setup: dict[str, Any]) -> None:
    response = Client().get(f"{BASE}/services.csv")
    assert response.status_code == 404 and body(response)[0]["code"] == 404
    assert xml(Client().get(f"{BASE}/nothing.xml")).tag == "errors"


def test_wrong_method_is_405_in_format(setup: dict[str, Any]) -> None:
    response = Client().post(f"{BASE}/services.xml")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert xml(response).tag == "errors"


# ---- POST requests ----------------------------------------------------------------------------


def test_post_creates_voice_with_event_and_process(setup: dict[str, Any]) -> None:
    response = post(
        valid(setup, **{"attribute[severity]": "high", "media_url": "https://img.example.com/a.jpg"})
    )
    assert response.status_code == 200, response.content
    [row] = body(response)
    assert set(row) == {"service_request_id", "token", "service_notice", "account_id"}
    voice = Voice.objects.get(tracking_code=row["service_request_id"])
    assert voice.tracking_code.startswith(f"MY-{timezone.localtime().year}-")
    assert voice.channel.code == "open311"
    assert voice.unit == setup["tree"].community
    assert voice.category == setup["roads"]
    assert (voice.contact_name, voice.contact_phone, voice.contact_email) == (
        "李四",
        "13812345678",
        "li@example.com",
    )
    assert voice.registered_by == setup["person"]
    extra = Open311Request.objects.get(voice=voice)
    assert extra.token == row["token"] and extra.attributes == {"severity": "high"}
    assert extra.media_url == "https://img.example.com/a.jpg"
    event = Event.objects.get(
        subject_type="voices.voice", subject_id=str(voice.pk), action="voices.voice.register"
    )
    assert event.data["channel"] == "open311" and "13812345678" not in json.dumps(event.data)
    instance = ProcessInstance.objects.get(process="voice", subject_id=str(voice.pk))
    assert instance.state == "registered" and instance.unit == setup["tree"].community


def test_post_xml_answer(setup: dict[str, Any]) -> None:
    root = xml(post(valid(setup), fmt="xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None and request.findtext("service_request_id", "").startswith("MY-")
    assert request.findtext("token") and request.findtext("service_notice")


def test_post_with_coordinates_and_unit_code(setup: dict[str, Any]) -> None:
    data = valid(setup, lat="30.657420", long="104.065735", **{"attribute[unit_code]": "990102001001"})
    del data["address_string"]
    response = post(data)
    assert response.status_code == 200, response.content
    voice = Voice.objects.get()
    assert voice.unit == setup["tree"].other_community
    assert str(voice.latitude) == "30.657420" and str(voice.longitude) == "104.065735"


def test_post_with_address_id(setup: dict[str, Any]) -> None:
    data = valid(setup, address_id="990101001")
    del data["address_string"]
    assert post(data).status_code == 200
    assert Voice.objects.get().unit == setup["tree"].township


def test_idempotency_key_replays_the_first_request(setup: dict[str, Any]) -> None:
    first = body(post(valid(setup), headers={"Idempotency-Key": "abc-1"}))
    second = post(valid(setup), headers={"Idempotency-Key": "abc-1"})
    assert second.status_code == 200 and body(second) == first
    assert Voice.objects.count() == 1
    post(valid(setup), headers={"Idempotency-Key": "abc-2"})
    assert Voice.objects.count() == 2


def _error(response: Any, status: int, fmt: str = "json") -> str:
    assert response.status_code == status, response.content
    if fmt == "xml":
        error = xml(response).find("error")
        assert error is not None and error.findtext("code") == str(status)
        return error.findtext("description") or ""
    [error] = body(response)
    assert error["code"] == status
    return str(error["description"])


BAD_POSTS = [
    ({"api_key": ""}, 403, "api_key"),
    ({"api_key": "myk_forged"}, 403, "api_key"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "unknown"}, 404, "service_code"),
    ({"description": ""}, 400, "description"),
    ({"description": "长" * 4001}, 400, "4000"),
    ({"description": "请看 <script>alert(1)</script>"}, 400, "HTML"),
    ({"description": "<b>粗体</b>"}, 400, "HTML"),
    ({"attribute[severity]": "extreme"}, 400, "severity"),
    ({"attribute[colour]": "red"}, 400, "colour"),
    ({"attribute[unit_code]": "000000"}, 400, "000000"),
    ({"address_id": "D-990101-ZJ", "address_string": ""}, 400, "D-990101-ZJ"),
    ({"address_string": "火星基地"}, 400, "address_string"),
    ({"address_string": "", "lat": "30.1", "long": "104.1"}, 400, "unit_code"),
    ({"address_string": ""}, 400, "lat"),
    ({"lat": "30.1"}, 400, "long"),
    ({"lat": "north", "long": "104"}, 400, "lat"),
    ({"lat": "95", "long": "104"}, 400, "lat"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"phone": "call me"}, 400, "phone"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"description": "坏\x00字符"}, 400, "description"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("change", "status", "mentions"), BAD_POSTS)
def test_bad_post_is_refused_and_writes_nothing(
    setup: dict[str, Any], fmt: str, change: dict[str, str], status: int, mentions: str
) -> None:
    events = Event.objects.count()
    description = _error(post(valid(setup, **change), fmt=fmt), status, fmt)
    assert mentions in description
    assert not Voice.objects.exists() and not Open311Request.objects.exists()
    assert Event.objects.count() == events


def test_revoked_key_is_403(setup: dict[str, Any]) -> None:
    from minyi.core.models import ApiToken

    do_revoke_token(ApiToken.objects.get(), actor=Actor.system())
    _error(post(valid(setup)), 403)
    assert not Voice.objects.exists()


# ---- GET requests / tokens ---------------------------------------------------------------------


def _create(setup: dict[str, Any], **extra: str) -> str:
    response = post(valid(setup, **extra))
    assert response.status_code == 200, response.content
    return str(body(response)[0]["service_request_id"])


def test_get_request_json_has_no_personal_data(setup: dict[str, Any]) -> None:
    code = _create(setup, lat="30.5", long="104.1")
    response = Client().get(f"{BASE}/requests/{code}.json")
    assert response.status_code == 200
    [row] = body(response)
    text = response.content.decode()
    for private in ("李四", "13812345678", "li@example.com", "井盖缺失", "3栋"):
        assert private not in text
    assert row["service_request_id"] == code
    assert row["status"] == "open"
    assert row["status_notes"] == "待受理"
    assert row["service_code"] == "roads" and row["service_name"] == "道路交通"
    assert row["agency_responsible"] == "金沙社区"
    assert row["address"] == "金沙社区"
    assert row["lat"] is None and row["description"] is None
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        parsed = dt.datetime.fromisoformat(row[key])
        assert parsed.tzinfo is not None and row[key].endswith("+08:00")


def test_published_request_shows_masked_description_and_place(setup: dict[str, Any]) -> None:
    code = _create(
        setup,
        lat="30.5",
        long="104.1",
        description="井盖缺失，联系13812345678",
        media_url="https://img.example.com/a.jpg",
    )
    Voice.objects.filter(tracking_code=code).update(is_published=True)
    [row] = body(Client().get(f"{BASE}/requests/{code}.json"))
    assert "13812345678" not in row["description"] and row["description"].startswith("井盖缺失")
    assert row["address"] == "青云街道金沙社区****"
    assert row["lat"] == 30.5 and row["long"] == 104.1
    assert row["media_url"] == "https://img.example.com/a.jpg"


def test_get_request_xml(setup: dict[str, Any]) -> None:
    code = _create(setup)
    root = xml(Client().get(f"{BASE}/requests/{code}.xml"))
    request = root.find("request")
    assert root.tag == "service_requests" and request is not None
    assert request.findtext("service_request_id") == code
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(setup: dict[str, Any], fmt: str) -> None:
    _error(Client().get(f"{BASE}/requests/MY-2020-999999.{fmt}"), 404, fmt)


def test_closed_status_reply_and_agency(setup: dict[str, Any]) -> None:
    code = _create(setup)
    voice = Voice.objects.get(tracking_code=code)
    instance = ProcessInstance.objects.get(process="voice", subject_id=str(voice.pk))
    runtime.transition(instance, "accept", actor=Actor.system())
    runtime.transition(
        instance, "reply", actor=Actor.system(), inputs={"reply": "已修复井盖", "resolution": "resolved"}
    )
    Voice.objects.filter(pk=voice.pk).update(reply="已修复井盖", lead_department=setup["tree"].department)
    [row] = body(Client().get(f"{BASE}/requests/{code}.json"))
    assert row["status"] == "open" and row["status_notes"] == "已修复井盖"
    assert row["agency_responsible"] == "东城区住房和城乡建设局"
    runtime.transition(instance, "feedback", actor=Actor.system(), inputs={"satisfaction": "satisfied"})
    [row] = body(Client().get(f"{BASE}/requests/{code}.json"))
    assert row["status"] == "closed" and row["expected_datetime"] is None
    assert [
        r["service_request_id"] for r in body(Client().get(f"{BASE}/requests.json", {"status": "closed"}))
    ] == [code]
    assert body(Client().get(f"{BASE}/requests.json", {"status": "open"})) == []


def test_list_filters(setup: dict[str, Any]) -> None:
    first = _create(setup)
    second = _create(setup, service_code="noise")
    third = _create(setup)
    old = Voice.objects.get(tracking_code=third)
    Voice.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))

    def ids(**params: str) -> list[str]:
        response = Client().get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in body(response)]

    assert ids() == [second, first]  # default window: the last 90 days, newest first
    assert ids(service_code="noise") == [second]
    assert set(ids(service_request_id=f"{first},{third}")) == {first, third}  # ids ignore the window
    long_ago = (timezone.now() - dt.timedelta(days=200)).date().isoformat()
    assert set(ids(start_date=long_ago)) == {first, second, third}
    assert ids(end_date=(timezone.now() - dt.timedelta(days=100)).isoformat()) == [third]
    assert ids(status="open", service_code="roads") == [first]


def test_list_xml(setup: dict[str, Any]) -> None:
    code = _create(setup)
    root = xml(Client().get(f"{BASE}/requests.xml"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [code]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-02-30"},
        {"status": "pending"},
        {"start_date": "2026-03-01", "end_date": "2026-01-01"},
        {"service_request_id": ",".join(["X"] * 101)},
    ],
)
def test_bad_list_filters_are_400(setup: dict[str, Any], fmt: str, params: dict[str, str]) -> None:
    _error(Client().get(f"{BASE}/requests.{fmt}", params), 400, fmt)


def test_list_is_capped_at_1000(setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from minyi.voices.open311 import listing

    monkeypatch.setattr(listing, "MAX_RESULTS", 2)
    for _ in range(3):
        _create(setup)
    assert len(body(Client().get(f"{BASE}/requests.json"))) == 2
    assert listing.MAX_RESULTS == 2


def test_list_query_count_is_constant(setup: dict[str, Any], django_assert_num_queries: Any) -> None:
    # Two queries whatever the number of rows: the voices (with category, units, Open311 row), their instances.
    _create(setup)
    with django_assert_num_queries(2):
        assert len(body(Client().get(f"{BASE}/requests.json"))) == 1
    for _ in range(4):
        _create(setup, service_code="noise")
    with django_assert_num_queries(2):
        assert len(body(Client().get(f"{BASE}/requests.json"))) == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_lookup(setup: dict[str, Any], fmt: str) -> None:
    [row] = body(post(valid(setup)))
    response = Client().get(f"{BASE}/tokens/{row['token']}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert body(response) == [{"service_request_id": row["service_request_id"], "token": row["token"]}]
    else:
        assert xml(response).find("request").findtext("service_request_id") == row["service_request_id"]  # type: ignore[union-attr]
    _error(Client().get(f"{BASE}/tokens/nope.{fmt}"), 404, fmt)
