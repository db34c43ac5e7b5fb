"""D4 审议 by vote (Council.assembly_vote): the representatives' assembly adopts the plan through ballots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Poll
from minyi.core.errors import ActionError
from minyi.core.models import Event, Notification, Person
from minyi.deliberation.actions import council_admin
from minyi.deliberation.actions.meetings import do_add_to_agenda, do_open_meeting, do_sign_in
from minyi.deliberation.actions.review_polls import do_close_review_poll, do_open_review_poll
from minyi.deliberation.actions.topics import do_adopt_plan, do_mark_valid, topic_state
from minyi.deliberation.models import Council, Decision, Meeting, Topic
from minyi.deliberation.tests.conftest import events, member_actor, plan, staff_actor

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Minyi-2026"


def by_vote(council: Council, staff: Person, on: bool = True) -> None:
    council_admin.do_update_council(
        council,
        name=council.name,
        kind=council.kind,
        governance_vote=False,
        assembly_vote=on,
        is_active=True,
        actor=staff_actor(staff),
    )


@pytest.fixture
def reviewing(proposed: Topic, staff: Person) -> Topic:
    return do_mark_valid(proposed, actor=staff_actor(staff))


@pytest.fixture
def assembly(meeting: Meeting, reviewing: Topic, staff: Person, members: list[Person]) -> Meeting:
    do_add_to_agenda(meeting, reviewing, actor=staff_actor(staff))
    meeting = do_open_meeting(meeting, actor=staff_actor(staff))
    for person in members[:4]:
        do_sign_in(meeting, person, method="staff", actor=staff_actor(staff))
    return meeting


def vote(poll: Poll, people: list[Person], choice: str) -> None:
    for person in people:
        do_cast_ballot(poll, choice, actor=member_actor(person))


def test_the_assembly_adopts_the_plan_by_vote(
    council: Council, reviewing: Topic, assembly: Meeting, members: list[Person], staff: Person
) -> None:
    by_vote(council, staff)
    # With the vote configured, staff can no longer record the adoption themselves.
    with pytest.raises(ActionError) as error:
        do_adopt_plan(reviewing, plan(), actor=staff_actor(staff))
    assert error.value.code == "assembly_vote_required"
    poll = do_open_review_poll(reviewing, assembly, plan(), actor=staff_actor(staff))
    assert poll.state == "open" and poll.electorate_size == 5 and poll.present_size == 4
    assert poll.title == "审议：小区路灯维修" and poll.description == "加装护栏"
    assert Notification.objects.filter(kind="deliberation.poll.open").count() == 4
    with pytest.raises(ActionError) as error:
        do_open_review_poll(reviewing, assembly, plan(), actor=staff_actor(staff))
    assert error.value.code == "poll_exists"
    vote(poll, members[:3], "yes")
    vote(poll, members[3:4], "no")
    topic = do_close_review_poll(reviewing, actor=staff_actor(staff))
    assert topic_state(topic) == "resolving"
    assert topic.plan == "加装护栏" and str(topic.budget) == "12000.50" and topic.reviewed_at is not None
    poll.refresh_from_db()
    assert poll.state == "published" and poll.result["passed"]
    assert Decision.objects.filter(meeting=assembly, topic=topic, poll=poll).exists()
    actions = [e.action for e in events(topic)]
    assert actions[-3:] == [
        "deliberation.topic.review_poll_open",
        "deliberation_topic.adopt_plan",
        "deliberation.topic.review_vote",
    ]
    (event,) = events(topic, "deliberation.topic.review_vote")
    assert event.public and event.data["passed"] and "赞成 3 票" in event.data["outcome"]


def test_a_rejected_plan_stays_in_review_and_can_be_put_again(
    council: Council, reviewing: Topic, assembly: Meeting, members: list[Person], staff: Person
) -> None:
    by_vote(council, staff)
    poll = do_open_review_poll(reviewing, assembly, plan(), actor=staff_actor(staff), secret=True)
    vote(poll, members[:4], "no")
    topic = do_close_review_poll(reviewing, actor=staff_actor(staff))
    assert topic_state(topic) == "reviewing" and topic.plan == "" and topic.budget is None
    assert not events(topic, "deliberation.topic.review_vote")[0].data["passed"]
    second = do_open_review_poll(topic, assembly, plan(), actor=staff_actor(staff))
    assert second.pk != poll.pk
    vote(second, members[:3], "yes")
    assert topic_state(do_close_review_poll(topic, actor=staff_actor(staff))) == "resolving"


def test_refused_without_quorum_config_or_agenda_and_nothing_written(
    council: Council,
    reviewing: Topic,
    meeting: Meeting,
    members: list[Person],
    staff: Person,
    make_person: Any,
    tree: Any,
) -> None:
    do_add_to_agenda(meeting, reviewing, actor=staff_actor(staff))
    meeting = do_open_meeting(meeting, actor=staff_actor(staff))
    for person in members[:2]:  # 2 of 5: no quorum
        do_sign_in(meeting, person, method="staff", actor=staff_actor(staff))
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_open_review_poll(reviewing, meeting, plan(), actor=staff_actor(staff))
    assert error.value.code == "assembly_vote_off"  # not configured for this council
    by_vote(council, staff)
    elsewhere = make_person("community_staff", tree.other_community)
    before = Event.objects.count()
    cases = [
        (staff_actor(staff), plan(), "quorum_not_met"),
        (member_actor(members[0]), plan(), "not_permitted"),
        (staff_actor(elsewhere), plan(), "not_permitted"),
        (
            staff_actor(staff),
            dt_plan(ends_before_start=True),
            "input_invalid",
        ),
    ]
    for actor, data, code in cases:
        with pytest.raises(ActionError) as error:
            do_open_review_poll(reviewing, meeting, data, actor=actor)
        assert error.value.code == code
    assert not Poll.objects.exists() and Event.objects.count() == before
    reviewing.refresh_from_db()
    assert reviewing.review_poll is None and reviewing.proposed_plan == {}
    with pytest.raises(ActionError) as error:
        do_close_review_poll(reviewing, actor=staff_actor(staff))
    assert error.value.code == "poll_missing"


def dt_plan(*, ends_before_start: bool) -> Any:
    from minyi.deliberation.actions.topics import PlanInput

    today = timezone.localdate()
    return PlanInput(
        feasibility="可行",
        plan="加装护栏",
        budget="1",
        staffing="物业",
        starts_on=today,
        ends_on=today - dt.timedelta(days=1) if ends_before_start else today,
    )


def test_run_page_puts_the_plan_to_the_vote(
    council: Council, reviewing: Topic, assembly: Meeting, members: list[Person], staff: Person
) -> None:
    by_vote(council, staff)
    client = Client()
    assert client.login(username=staff.username, password=PASSWORD)
    url = reverse("deliberation:run", args=[assembly.pk])
    assert "发起审议表决" in client.get(url).content.decode()
    today = timezone.localdate()
    form = {
        "op": "open_review",
        "topic": reviewing.pk,
        "feasibility": "可行",
        "plan": "更换灯具",
        "budget": "800",
        "staffing": "物业1人",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=10)).isoformat(),
    }
    bad = client.post(url, {**form, "budget": "很多"}, follow=True)
    assert "经费必须是金额" in bad.content.decode() and not Poll.objects.exists()
    client.post(url, form)
    reviewing.refresh_from_db()
    poll = reviewing.review_poll
    assert poll is not None and poll.state == "open"
    assert "结束审议表决并宣布" in client.get(url).content.decode()
    member = Client()
    assert member.login(username=members[0].username, password=PASSWORD)
    page = member.post(reverse("deliberation:vote", args=[poll.pk]), {"choice": "yes"}).content.decode()
    assert "更换灯具" in page and "投票成功" in page
    vote(poll, members[1:3], "yes")
    client.post(url, {"op": "close_review", "topic": reviewing.pk})
    reviewing.refresh_from_db()
    assert topic_state(reviewing) == "resolving" and reviewing.plan == "更换灯具"
    assert "发起表决" in client.get(url).content.decode()  # now the 决议 vote
    # The council setting is on the manage page.
    manage = client.get(reverse("deliberation:council_manage", args=[council.pk])).content.decode()
    assert 'name="assembly_vote" value="1" checked' in manage
    assert dt.date.fromisoformat(str(reviewing.plan_ends_on)) == today + dt.timedelta(days=10)
