"""Pages and API: public board (masked, constant queries), member phone pages, staff run page, projector."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minyi.ballots.models import Elector
from minyi.core.models import Person
from minyi.deliberation.actions.meetings import do_sign_in, sign_in_token
from minyi.deliberation.actions.topics import TopicInput, do_propose_topic
from minyi.deliberation.models import Attendance, Meeting, Topic
from minyi.deliberation.tests.conftest import member_actor, staff_actor

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Minyi-2026"


def login(person: Person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


def _topics(council: Any, member: Person, n: int) -> None:
    for i in range(n):
        do_propose_topic(
            council,
            TopicInput(title=f"议题{i}", description="内容", area="services"),
            actor=member_actor(member),
        )


def test_board_masks_names_and_has_constant_queries(
    client: Client, council: Any, members: list[Person], django_assert_max_num_queries: Any
) -> None:
    _topics(council, members[0], 2)
    response = client.get(reverse("deliberation:board"))
    assert response.status_code == 200 and "议题1" in response.content.decode()
    assert members[0].name not in response.content.decode() and "代*" in response.content.decode()
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("deliberation:board"))
    _topics(council, members[1], 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("deliberation:board"))


def test_api_topics_constant_queries(
    client: Client, council: Any, members: list[Person], django_assert_max_num_queries: Any
) -> None:
    _topics(council, members[0], 2)
    with django_assert_max_num_queries(10) as few:
        body = client.get("/api/v1/deliberation/topics").json()
    assert body["count"] == 2 and body["items"][0]["proposer"] == "代**"
    _topics(council, members[0], 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/deliberation/topics").json()["count"] == 7


def test_api_non_member_propose_refused(council: Any, members: list[Person], make_person: Any) -> None:
    outsider = login(make_person(name="外人"))
    response = outsider.post(
        f"/api/v1/deliberation/councils/{council.pk}/topics",
        {"title": "x", "description": "y", "area": "services"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_member"
    member = login(members[0])
    response = member.post(
        f"/api/v1/deliberation/councils/{council.pk}/topics",
        {"title": "路灯", "description": "坏了", "area": "services"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["state"] == "proposed"


def test_propose_page_member_and_resident(council: Any, members: list[Person], make_person: Any) -> None:
    url = reverse("deliberation:propose", args=[council.pk])
    response = login(members[0]).post(
        url, {"title": "加装电梯", "description": "6层无电梯", "area": "community"}
    )
    assert response.status_code == 302
    response = login(make_person(name="居民")).post(
        url, {"title": "快递柜", "description": "少", "area": "daily_life"}
    )
    assert response.status_code == 302
    assert sorted(Topic.objects.values_list("source", flat=True)) == ["member", "resident"]
    assert login(members[0]).post(url, {"title": "", "description": "", "area": "x"}).status_code == 400


def test_qr_sign_in_page_and_twice(meeting: Meeting, members: list[Person]) -> None:
    client = login(members[0])
    url = reverse("deliberation:qr_sign_in", args=[meeting.pk, sign_in_token(meeting)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400 and "已经签到" in response.content.decode()
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert Client().get(url).status_code == 302  # login first


def test_api_sign_in_bad_token(meeting: Meeting, members: list[Person]) -> None:
    response = login(members[0]).post(
        f"/api/v1/deliberation/meetings/{meeting.pk}/sign-in",
        {"token": "x:y:z"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "sign_in_code_invalid"
    assert not Attendance.objects.exists()


def test_run_meeting_vote_and_projector(
    open_meeting: Meeting, resolving: Topic, members: list[Person], staff: Person, make_person: Any
) -> None:
    run = reverse("deliberation:run", args=[open_meeting.pk])
    assert login(members[0]).get(run).status_code == 403
    staff_client = login(staff)
    page = staff_client.get(run)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    # Without quorum the poll is refused with the reason shown, nothing created.
    staff_client.post(run, {"op": "open_poll", "topic": resolving.pk})
    resolving.refresh_from_db()
    assert resolving.poll is None
    assert "法定人数" in staff_client.get(run).content.decode()
    for person in members[:3]:
        staff_client.post(run, {"op": "sign_in", "person": person.pk})
    staff_client.post(run, {"op": "open_poll", "topic": resolving.pk})
    resolving.refresh_from_db()
    poll = resolving.poll
    assert poll is not None and poll.state == "open"
    # The member's phone view lists the vote; the vote page casts through ballots.
    me = login(members[0])
    assert reverse("deliberation:vote", args=[poll.pk]) in me.get(reverse("deliberation:me")).content.decode()
    response = me.post(reverse("deliberation:vote", args=[poll.pk]), {"choice": "yes"})
    assert response.status_code == 200 and "回执码" in response.content.decode()
    assert me.post(reverse("deliberation:vote", args=[poll.pk]), {"choice": "yes"}).status_code == 400
    outsider = login(make_person(name="外人"))
    assert outsider.post(reverse("deliberation:vote", args=[poll.pk]), {"choice": "yes"}).status_code == 400
    login(members[1]).post(reverse("deliberation:vote", args=[poll.pk]), {"choice": "yes"})
    assert Elector.objects.filter(poll=poll, voted=True).count() == 2
    projector = Client().get(reverse("deliberation:projector", args=[poll.pk]))
    assert "表决进行中" in projector.content.decode() and "every 5s" in projector.content.decode()
    staff_client.post(run, {"op": "close_poll", "topic": resolving.pk})
    live = Client().get(reverse("deliberation:projector_live", args=[poll.pk])).content.decode()
    assert "通过" in live and "every 5s" not in live
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    staff_client.post(
        run, {"op": "resolve", "topic": resolving.pk, "responsible": staff.pk, "deadline": deadline}
    )
    staff_client.post(run, {"op": "minutes", "minutes": "会议纪要正文"})
    docx = staff_client.get(reverse("deliberation:minutes_docx", args=[open_meeting.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    topic_page = Client().get(reverse("deliberation:topic", args=[resolving.pk])).content.decode()
    assert "赞成 2 票" in topic_page and staff.name not in topic_page


def test_observer_apply_page(meeting: Meeting, make_person: Any) -> None:
    client = login(make_person(name="居民丙"))
    assert (
        client.post(reverse("deliberation:observe", args=[meeting.pk]), {"note": "旁听"}).status_code == 302
    )
    assert meeting.observer_requests.count() == 1
    assert Client().get(reverse("deliberation:meeting", args=[meeting.pk])).status_code == 200


def test_staff_sign_in_twice_page_shows_error(meeting: Meeting, members: list[Person], staff: Person) -> None:
    do_sign_in(meeting, members[0], method="staff", actor=staff_actor(staff))
    client = login(staff)
    response = client.post(
        reverse("deliberation:run", args=[meeting.pk]),
        {"op": "sign_in", "person": members[0].pk},
        follow=True,
    )
    assert "已经签到" in response.content.decode()
    assert Attendance.objects.count() == 1
