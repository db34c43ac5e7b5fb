"""API authentication: a personal bearer token, or the browser session (CSRF enforced for unsafe methods).

Operations that everyone may call use `auth=None` and `optional_person(request)`, which honours the
same two credentials; a bearer token that is presented but invalid is refused there too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from minyi.core.errors import NotPermitted
from minyi.core.models import ApiToken, Person
from minyi.core.models.tokens import token_digest
from minyi.core.rows import By, ColumnOf, rows_by


def person_for_token(raw: str) -> Person | None:
    """The owner of a usable token, refreshing `last_used_at` at most once per touch interval."""
    if not raw or len(raw) > 200:
        return None
    now = timezone.now()
    # Every API call by a client reads its token and its owner: one round trip by unique column
    # (`rows_by`) instead of compiling the ORM's join each time.
    digest = token_digest(raw)
    token, owner = rows_by(
        [By(ApiToken, "key_hash", digest), By(Person, "pk", ColumnOf(ApiToken, "key_hash", digest, "owner"))]
    )
    if not isinstance(token, ApiToken) or not token.is_usable(now):
        return None
    if not isinstance(owner, Person) or not owner.is_active:
        return None
    stale_before = now - timedelta(seconds=settings.MINYI_API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale_before:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return owner


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A token that is sent but unusable is a 401, never a fallback."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = person_for_token(token.strip())
        if person is None:
            raise AuthenticationError()
        # Code shared with pages (rules, scope helpers) reads request.user.
        request.user = person
        request.minyi_via_token = True  # type: ignore[attr-defined]
        return person


class SessionAuth(APIKeyCookie):
    """The Django session. CSRF is checked only once a session user is found, so that an anonymous
    unsafe request is told 401 (log in) rather than 403 (CSRF)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise NotPermitted("csrf_failed", _("CSRF 校验失败，请刷新页面后重试"))
        return user

    def authenticate(
        self, request: HttpRequest, key: str | None
    ) -> Any:  # pragma: no cover - __call__ decides
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
# Every operation requires one of these unless it says auth=None.
API_AUTH = [token_auth, session_auth]


def optional_person(request: HttpRequest) -> Person | None:
    """The caller on a public operation, or None for an anonymous one."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError()
        return token_auth.authenticate(request, raw)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def current_person(request: HttpRequest) -> Person:
    """The caller on an authenticated operation."""
    person = getattr(request, "auth", None)
    if not isinstance(person, Person):  # pragma: no cover - ninja ran the auth callbacks already
        raise AuthenticationError()
    return person
