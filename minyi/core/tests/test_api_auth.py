"""API authentication: bearer tokens (hashed, expiring, revocable) and the session with CSRF."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from minyi.core.actions.tokens import do_create_token, do_revoke_token
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import ApiToken, Event
from minyi.core.tests.apitest import API, ApiClient, assert_constant_queries, token_for

pytestmark = pytest.mark.django_db


def test_create_token_stores_only_the_digest_and_records_an_event(make_person):
    person = make_person()
    made = do_create_token(person, actor=Actor(person=person), name="  报表脚本 ", expires_in_days=30)
    token = ApiToken.objects.get()
    assert made.secret.startswith("myk_") and len(made.secret) > 40
    assert token.key_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {token.key_hash, token.prefix, token.name}
    assert token.prefix == made.secret[:12]
    assert token.name == "报表脚本"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    event = Event.objects.get(action="core.token.create")
    assert (event.subject_type, event.subject_id, event.actor_id, event.public) == (
        "core.apitoken",
        str(token.pk),
        person.pk,
        False,
    )
    assert made.secret not in str(event.data) and token.key_hash not in str(event.data)


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [
        ("", None, "token_name_required"),
        ("   ", None, "token_name_required"),
        ("x" * 81, None, "token_name_too_long"),
        ("ok", 0, "token_expiry_range"),
        ("ok", 366, "token_expiry_range"),
    ],
)
def test_create_token_refuses_bad_input_and_writes_nothing(make_person, name, days, code):
    person = make_person()
    with pytest.raises(ActionError) as caught:
        do_create_token(person, actor=Actor(person=person), name=name, expires_in_days=days)
    assert caught.value.code == code
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(action="core.token.create").exists()


def test_token_limit_per_person(make_person, settings):
    settings.MINYI_API_TOKEN_MAX_PER_PERSON = 2
    person = make_person()
    first = do_create_token(person, actor=Actor(person=person), name="a")
    do_create_token(person, actor=Actor(person=person), name="b")
    with pytest.raises(Conflict) as caught:
        do_create_token(person, actor=Actor(person=person), name="c")
    assert caught.value.code == "token_limit" and caught.value.status == 409
    do_revoke_token(first.token, actor=Actor(person=person))
    do_create_token(person, actor=Actor(person=person), name="c")


def test_bearer_token_authenticates_and_touches_last_used(make_person, settings):
    person = make_person()
    secret = token_for(person)
    response = ApiClient(secret).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == person.username
    first_use = ApiToken.objects.get().last_used_at
    assert first_use is not None
    ApiClient(secret).get("/me")  # within the touch interval: no write
    assert ApiToken.objects.get().last_used_at == first_use
    settings.MINYI_API_TOKEN_TOUCH_SECONDS = 0
    ApiClient(secret).get("/me")
    assert ApiToken.objects.get().last_used_at > first_use


def test_revoked_expired_and_inactive_tokens_are_refused(make_person):
    person = make_person()
    revoked = do_create_token(person, actor=Actor(person=person), name="r")
    do_revoke_token(revoked.token, actor=Actor(person=person), reason="泄露")
    assert ApiClient(revoked.secret).get("/me").status_code == 401

    expired = do_create_token(person, actor=Actor(person=person), name="e", expires_in_days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(expired.secret).get("/me").status_code == 401

    live = token_for(person)
    assert ApiClient(live).get("/me").status_code == 200
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert ApiClient(live).get("/me").status_code == 401


def test_token_endpoints_list_create_revoke(make_person):
    person = make_person()
    client = Client()
    client.force_login(person)
    created = client.post(
        f"{API}/me/tokens", {"name": "脚本", "expires_in_days": 7}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["token"]
    assert ApiToken.objects.get(pk=body["id"]).key_hash == hashlib.sha256(secret.encode()).hexdigest()

    listed = ApiClient(secret).get("/me/tokens").json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert "token" not in listed["items"][0] and "key_hash" not in listed["items"][0]

    revoked = ApiClient(secret).post(f"/me/tokens/{body['id']}/revoke", {"reason": "不用了"})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert Event.objects.filter(
        action="core.token.revoke", subject_id=str(body["id"]), reason="不用了"
    ).exists()
    assert ApiClient(secret).get("/me/tokens").status_code == 401
    again = client.post(f"{API}/me/tokens/{body['id']}/revoke", content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "token_already_revoked"
    assert client.get(f"{API}/me/tokens", {"include_revoked": "true"}).json()["count"] == 1
    assert client.get(f"{API}/me/tokens").json()["count"] == 0


def test_a_token_cannot_mint_tokens_and_others_tokens_are_404(make_person):
    owner, stranger = make_person(), make_person()
    secret = token_for(owner)
    response = ApiClient(secret).post("/me/tokens", {"name": "再来一个"})
    assert response.status_code == 403 and response.json()["code"] == "session_required"
    assert ApiToken.objects.count() == 1
    mine = ApiToken.objects.get()
    response = ApiClient(token_for(stranger)).post(f"/me/tokens/{mine.pk}/revoke", {})
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None


def test_token_create_validation_is_422(make_person):
    client = Client()
    client.force_login(make_person())
    response = client.post(f"{API}/me/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    response = client.post(
        f"{API}/me/tokens", {"name": "a", "expires_in_days": 400}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "token_expiry_range"
    assert not ApiToken.objects.exists()


def test_session_unsafe_methods_need_csrf_but_reads_do_not(make_person):
    person = make_person()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.get(f"{API}/me").status_code == 200
    refused = client.post(f"{API}/me/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()

    client.get(f"{API}/docs")  # the docs page sets the CSRF cookie, as a browser would get it
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        f"{API}/me/tokens", {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_anonymous_unsafe_request_is_401_not_403(make_person):
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/me/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bearer_token_needs_no_csrf(make_person, tree):
    admin = make_person("admin", tree.city)
    grantee = make_person()
    client = ApiClient(token_for(admin), client=Client(enforce_csrf_checks=True))
    response = client.post(
        "/role-grants", {"person": grantee.pk, "role": "resident", "unit": tree.community.pk}
    )
    assert response.status_code == 201, response.content


def test_token_list_has_constant_queries(make_person, settings, django_assert_num_queries):
    settings.MINYI_API_TOKEN_MAX_PER_PERSON = 100
    person = make_person()
    client = Client()
    client.force_login(person)
    for i in range(5):
        do_create_token(person, actor=Actor(person=person), name=f"t{i}")

    def grow() -> None:
        for i in range(45):
            do_create_token(person, actor=Actor(person=person), name=f"u{i}")

    response = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(f"{API}/me/tokens"), grow
    )
    assert response.json()["count"] == 50
