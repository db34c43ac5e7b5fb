"""Helpers for API tests: calling /api/v1/ with a token or a session, and counting queries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minyi.core.actions.tokens import do_create_token
from minyi.core.actors import Actor
from minyi.core.models import Person

API = "/api/v1"


def token_for(person: Person, name: str = "测试令牌", days: int | None = None) -> str:
    return do_create_token(person, actor=Actor(person=person), name=name, expires_in_days=days).secret


class ApiClient:
    """A Django test client that speaks JSON to /api/v1/, with a bearer token or anonymously."""

    def __init__(self, token: str | None = None, client: Client | None = None, language: str | None = None):
        self.client = client or Client()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path: str, params: dict[str, Any] | None = None) -> HttpResponse:
        return self.client.get(API + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> HttpResponse:
        payload = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(API + path, payload, content_type="application/json", headers=self.headers)


def assert_constant_queries(
    django_assert_num_queries: Any, call: Callable[[], HttpResponse], grow: Callable[[], None]
) -> HttpResponse:
    """Call, grow the data, call again: the second call must run exactly as many queries."""
    with CaptureQueriesContext(connection) as first:
        response = call()
    assert response.status_code == 200, response.content
    grow()
    with django_assert_num_queries(len(first.captured_queries)):
        response = call()
    assert response.status_code == 200, response.content
    return response
