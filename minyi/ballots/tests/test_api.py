"""The ballots router: poll, cast, results, receipts; permissions and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minyi.ballots.actions import do_cast_ballot, do_close_poll, do_open_poll, do_publish_poll
from minyi.ballots.tests.conftest import voter
from minyi.core.models import Event, Person


class BallotsApi:
    """Calls the mounted /api/v1/ballots router through the whole API stack (auth, error handlers)."""

    prefix = "/api/v1/ballots"

    def __init__(self, http: Client) -> None:
        self.http = http
        self.current: Person | None = None

    def _as(self, user: Person | None) -> None:
        """Log in (or out) only on a change of person, so query counts measure the request alone."""
        if user == self.current:
            return
        if user is None:
            self.http.logout()
        else:
            self.http.force_login(user)
        self.current = user

    def get(self, path: str, user: Person | None = None):  # type: ignore[no-untyped-def]
        self._as(user)
        return self.http.get(self.prefix + path)

    def post(self, path: str, json: dict, user: Person | None = None):  # type: ignore[no-untyped-def]
        self._as(user)
        return self.http.post(self.prefix + path, data=json, content_type="application/json")


@pytest.fixture
def client() -> BallotsApi:
    return BallotsApi(Client())


@pytest.fixture
def open_poll(make_poll, members, system):
    poll = make_poll("choose", "secret", {"seats": 1, "base": "cast"}, ["健身广场", "加装电梯", "停车棚"])
    return do_open_poll(poll, actor=system)


def test_get_poll_visible_to_electors_only_until_published(client, open_poll, members, make_person) -> None:
    assert client.get(f"/polls/{open_poll.pk}", user=members[0]).json()["options"][0]["label"] == "健身广场"
    assert client.get(f"/polls/{open_poll.pk}", user=make_person()).status_code == 404
    assert client.get(f"/polls/{open_poll.pk}").status_code == 404  # anonymous


def test_cast_and_receipt_flow(client, open_poll, members, system, make_person) -> None:
    response = client.post(f"/polls/{open_poll.pk}/cast", json={"choices": ["2"]}, user=members[0])
    assert response.status_code == 200
    receipt = response.json()["receipt"]
    again = client.post(f"/polls/{open_poll.pk}/cast", json={"choices": ["1"]}, user=members[0])
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    bad = client.post(f"/polls/{open_poll.pk}/cast", json={"choices": ["1", "2"]}, user=members[1])
    assert bad.status_code == 400 and bad.json()["code"] == "too_many_marks"
    # results are hidden until published
    assert client.get(f"/polls/{open_poll.pk}/results", user=members[0]).status_code == 403
    check = client.get(f"/polls/{open_poll.pk}/receipts/{receipt.lower()}").json()
    assert check == {"receipt": receipt, "counted": True, "choices": None}
    assert client.get(f"/polls/{open_poll.pk}/receipts/AAAA-BBBB-CCCC").status_code == 404
    do_cast_ballot(open_poll, ["2"], actor=voter(members[1]))
    do_publish_poll(do_close_poll(open_poll, actor=system), actor=system)
    results = client.get(f"/polls/{open_poll.pk}/results").json()  # public once published
    assert results["result"]["elected"] == ["2"]
    assert client.get(f"/polls/{open_poll.pk}/receipts/{receipt}").json()["choices"] == ["2"]
    listing = client.get(f"/polls/{open_poll.pk}/receipts").json()
    assert sorted(r["receipt"] for r in listing) == [r["receipt"] for r in listing]
    assert receipt in {r["receipt"] for r in listing}


def test_outsider_cannot_cast(client, open_poll, members, official) -> None:
    before = Event.objects.count()
    response = client.post(f"/polls/{open_poll.pk}/cast", json={"choices": ["1"]}, user=official)
    assert response.status_code == 403 and response.json()["code"] == "not_elector"
    assert Event.objects.count() == before


def test_live_results_for_named_show_live_polls(client, make_poll, members, system) -> None:
    poll = do_open_poll(make_poll(show_live=True), actor=system)
    do_cast_ballot(poll, "yes", actor=voter(members[0]))
    live = client.get(f"/polls/{poll.pk}/results", user=members[1]).json()
    assert live["state"] == "open" and live["result"]["yes"] == 1


def test_list_polls_constant_queries(client, make_poll, members, official, system) -> None:
    def count_queries() -> tuple[int, int]:
        official.__dict__.pop("_minyi_grants", None)  # a fresh request reads the grants again
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/polls", user=official)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json())

    make_poll("choose", "named", {"seats": 1}, ["甲", "乙"])
    client.get("/polls", user=official)  # log in before measuring
    few, n_few = count_queries()
    for _ in range(4):
        do_open_poll(make_poll("choose", "named", {"seats": 1}, ["甲", "乙", "丙"]), actor=system)
    many, n_many = count_queries()
    assert (n_few, n_many) == (1, 5) and few == many


def test_receipt_list_constant_queries(client, make_poll, members, system) -> None:
    poll = do_open_poll(make_poll(), actor=system)
    for person in members:
        do_cast_ballot(poll, "yes", actor=voter(person))
    do_publish_poll(do_close_poll(poll, actor=system), actor=system)
    client.get(f"/polls/{poll.pk}/receipts")  # settle the anonymous session before measuring
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(f"/polls/{poll.pk}/receipts").json()) == 5
    assert len(ctx.captured_queries) <= 3
