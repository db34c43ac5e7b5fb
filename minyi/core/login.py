"""Password login with throttling per (username, client address).

After MINYI_LOGIN_MAX_FAILURES failures within MINYI_LOGIN_LOCK_MINUTES the pair is refused, even
with the right password, until the window has passed; a successful login clears the pair's failures.
Attempts refused while locked are not counted, so a lock always ends when the window does.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.models import LoginFailure, Person


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.MINYI_LOGIN_LOCK_MINUTES)


def is_locked(username: str, address: str | None) -> bool:
    recent = LoginFailure.objects.filter(username=username, address=address, at__gte=_window_start())
    return recent.count() >= settings.MINYI_LOGIN_MAX_FAILURES


def note_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username, address=address)


def clear_failures(username: str, address: str | None) -> None:
    LoginFailure.objects.filter(username=username, address=address).delete()


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150, strip=True)
    password = forms.CharField(label=gettext_lazy("密码"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.request = request
        self.person: Person | None = None
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if not username or not password:
            return cleaned
        address = client_address(self.request)
        if is_locked(str(username), address):
            raise forms.ValidationError(
                _("登录失败次数过多，该账号已暂时锁定，请%(minutes)d分钟后再试。")
                % {"minutes": settings.MINYI_LOGIN_LOCK_MINUTES},
                code="locked",
            )
        person = authenticate(self.request, username=username, password=password)
        if person is None or not person.is_active:
            note_failure(str(username), address)
            raise forms.ValidationError(_("用户名或密码不正确。"), code="invalid_login")
        clear_failures(str(username), address)
        self.person = person  # type: ignore[assignment]
        return cleaned
