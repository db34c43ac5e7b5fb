"""The /api/v1/ foundation: docs without CDN, one error body everywhere, languages."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation
from ninja.errors import Throttled

from minyi.config.api import api
from minyi.core.apiutil import errors
from minyi.core.apiutil.errors import handle_http_error
from minyi.core.models import Channel
from minyi.core.tests.apitest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def assert_error_body(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


def test_docs_page_loads_assets_from_the_installed_package_not_a_cdn():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset


def test_openapi_schema_lists_core_operations_and_both_credentials():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/units/{unit_id}/children",
        "/api/v1/channels",
        "/api/v1/roles",
        "/api/v1/role-grants",
        "/api/v1/role-grants/{grant_id}/revoke",
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/record/events",
        "/api/v1/process-instances/{instance_id}",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/{token_id}/revoke",
    ):
        assert path in paths, path
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert "ErrorOut" in schema["components"]["schemas"]


def test_unknown_path_under_api_is_json_404_not_html():
    body = assert_error_body(Client().get("/api/v1/no/such/thing"), 404, "not_found")
    assert body["details"]["path"] == "/api/v1/no/such/thing"
    # A trailing slash is not silently redirected either.
    assert_error_body(Client().get("/api/v1/roles/"), 404, "not_found")
    assert_error_body(Client().post("/api/v1/nowhere", {}), 404, "not_found")


def test_wrong_method_is_json_405_with_allow_header():
    response = Client().delete("/api/v1/roles")
    body = assert_error_body(response, 405, "method_not_allowed")
    assert body["details"]["allowed"] == ["GET"]
    assert response["Allow"] == "GET"


def test_missing_credentials_is_401_and_bad_token_is_401_even_on_public_operations():
    assert_error_body(Client().get("/api/v1/me"), 401, "not_authenticated")
    assert_error_body(ApiClient("myk_not-a-real-token").get("/roles"), 401, "not_authenticated")
    assert_error_body(ApiClient("myk_not-a-real-token").get("/me"), 401, "not_authenticated")
    # Anonymous public reads work.
    assert Client().get("/api/v1/roles").status_code == 200


def test_validation_error_is_422_in_chinese_with_field_details(tree):
    body = assert_error_body(
        ApiClient().get("/units", {"kind": "planet", "page": 0}), 422, "validation_error"
    )
    assert body["message"] == "请求参数有误"
    fields = {f["field"]: f for f in body["details"]["fields"]}
    assert set(fields) == {"query.kind", "query.page"}
    assert all(f["type"] and f["message"] for f in fields.values())
    assert_error_body(ApiClient().get("/units/0"), 422, "validation_error")
    assert_error_body(ApiClient().get(f"/units/{2**70}"), 422, "validation_error")
    assert_error_body(ApiClient().get("/units", {"q": "金\x00沙"}), 422, "validation_error")


def test_accept_language_en_switches_the_message(tree):
    response = ApiClient(language="en").get("/units", {"kind": "planet"})
    body = assert_error_body(response, 422, "validation_error")
    assert response["Content-Language"] == "en"
    with translation.override("en"):
        assert body["message"] == translation.gettext("请求参数有误")
    response = ApiClient(language="zh-hans").get("/units", {"kind": "planet"})
    assert response["Content-Language"] == "zh-hans"


def test_malformed_json_body_is_400(make_person, tree):
    person = make_person("admin", tree.city)
    response = ApiClient(token_for(person)).post("/role-grants", raw="{not json")
    assert_error_body(response, 400, "bad_request")


def test_action_error_keeps_its_code_status_and_details(make_person, tree):
    admin = make_person("admin", tree.city)
    grantee = make_person()
    response = ApiClient(token_for(admin)).post(
        "/role-grants", {"person": grantee.pk, "role": "emperor", "unit": tree.township.pk}
    )
    body = assert_error_body(response, 400, "role_unknown")
    assert body["details"] == {"field": "role"}


def test_unhandled_exception_is_json_500_without_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    logged: list[str] = []
    monkeypatch.setattr(Channel.objects, "filter", boom)
    monkeypatch.setattr(errors.logger, "exception", lambda msg, *args, **kw: logged.append(msg % args))
    response = Client(raise_request_exception=True).get("/api/v1/channels")
    body = assert_error_body(response, 500, "internal_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["details"] == {}
    assert logged == ["Unhandled error in API GET /api/v1/channels"]


def test_throttled_is_429_with_wait(rf):
    response = handle_http_error(rf.get("/api/v1/roles"), Throttled(wait=3.2))
    body = assert_error_body(response, 429, "throttled")
    assert body["details"] == {"wait_seconds": 4}


def test_every_error_status_is_documented_with_the_error_schema():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, spec in operation["responses"].items():
                if str(status).startswith(("4", "5")):
                    ref = spec["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (path, method, status)
