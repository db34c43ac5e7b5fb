import pytest
from django.test import override_settings
from django.urls import reverse

from minyi.core.models import LoginFailure

PASSWORD = "pass-Minyi-2026"


def attempt(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        reverse("core:login"),
        {"username": username, "password": password, **extra},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_login_page_has_labelled_fields(client, db):
    html = client.get(reverse("core:login")).content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html


def test_login_success_redirects_to_workbench_and_clears_failures(client, make_person):
    person = make_person()
    attempt(client, person.username, "wrong-password")
    assert LoginFailure.objects.count() == 1
    response = attempt(client, person.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")
    assert LoginFailure.objects.count() == 0
    assert client.get(reverse("core:workbench")).status_code == 200


def test_login_honours_only_safe_next(client, make_person):
    person = make_person()
    assert (
        attempt(client, person.username, PASSWORD, next="/workbench/?overdue=1")["Location"]
        == "/workbench/?overdue=1"
    )
    client.logout()
    assert (
        attempt(client, person.username, PASSWORD, next="https://evil.example/")["Location"] == "/workbench/"
    )


def test_wrong_password_is_refused_and_counted(client, make_person):
    person = make_person()
    response = attempt(client, person.username, "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert LoginFailure.objects.filter(username=person.username, address="10.0.0.1").count() == 1
    assert "_auth_user_id" not in client.session


@override_settings(MINYI_LOGIN_MAX_FAILURES=3, MINYI_LOGIN_LOCK_MINUTES=15)
def test_lock_after_max_failures_even_with_right_password(client, make_person):
    person = make_person()
    for _ in range(3):
        attempt(client, person.username, "wrong-password")
    response = attempt(client, person.username, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录失败次数过多" in html and "15分钟后再试" in html
    assert "_auth_user_id" not in client.session
    # Refused attempts while locked are not counted, so the lock ends with its window.
    assert LoginFailure.objects.count() == 3
    # Another client address is not locked out by someone else's guessing.
    assert attempt(client, person.username, PASSWORD, address="10.0.0.2").status_code == 302


@override_settings(MINYI_LOGIN_MAX_FAILURES=2, MINYI_LOGIN_LOCK_MINUTES=15)
def test_old_failures_fall_out_of_the_window(client, make_person):
    import datetime as dt

    from django.utils import timezone

    person = make_person()
    for _ in range(2):
        attempt(client, person.username, "wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, person.username, PASSWORD).status_code == 302


def test_logout_requires_post(client, make_person):
    person = make_person()
    client.force_login(person)
    assert client.get(reverse("core:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in client.session


def test_logout_checks_csrf(make_person):
    from django.test import Client

    person = make_person()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post(reverse("core:logout")).status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("data", [{"username": "", "password": "x"}, {"username": "a", "password": ""}])
def test_missing_fields_are_field_errors_not_failures(client, db, data):
    response = client.post(reverse("core:login"), data)
    assert response.status_code == 200
    assert LoginFailure.objects.count() == 0
