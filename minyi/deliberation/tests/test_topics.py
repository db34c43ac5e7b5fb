"""D4: the five steps in order, no skipping, members-only rights, notifications and events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Poll
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Channel, Event, Notification, Person, ProcessInstance
from minyi.deliberation.actions.meetings import do_sign_in
from minyi.deliberation.actions.polls import do_close_topic_poll, do_open_topic_poll, do_resolve_topic
from minyi.deliberation.actions.topics import (
    TopicInput,
    do_adopt_plan,
    do_close_topic,
    do_mark_invalid,
    do_propose_topic,
    do_report_progress,
    do_submit_resident_topic,
    do_supervise_topic,
    do_topic_from_voice,
    topic_state,
)
from minyi.deliberation.models import Decision, Meeting, Topic
from minyi.deliberation.reports import topic_report
from minyi.deliberation.tests.conftest import events, member_actor, plan, staff_actor
from minyi.voices.models import Category, Voice

pytestmark = pytest.mark.django_db


def test_member_proposes_topic_published_and_staff_notified(
    council: Any, members: list[Person], staff: Person
) -> None:
    topic = do_propose_topic(
        council,
        TopicInput(title="加装电梯", description="老旧小区", area="community"),
        actor=member_actor(members[1]),
    )
    assert topic_state(topic) == "proposed"
    start = events(topic, "deliberation_topic.start")
    assert len(start) == 1 and start[0].public
    assert Notification.objects.filter(recipient=staff, kind="deliberation.topic.proposed").count() == 1


def test_non_member_cannot_propose(council: Any, members: list[Person], make_person: Any) -> None:
    outsider = make_person(name="王五")
    with pytest.raises(NotPermitted) as error:
        do_propose_topic(
            council, TopicInput(title="x", description="y", area="community"), actor=member_actor(outsider)
        )
    assert error.value.code == "not_member"
    assert not Topic.objects.exists() and not ProcessInstance.objects.exists()


def test_resident_topic_from_public_page(council: Any, make_person: Any) -> None:
    resident = make_person(name="居民甲")
    topic = do_submit_resident_topic(
        council,
        TopicInput(title="增设快递柜", description="方便取件", area="daily_life"),
        actor=member_actor(resident),
    )
    assert topic.source == "resident" and topic_state(topic) == "proposed"


@pytest.mark.parametrize("area,title", [("nowhere", "x"), ("community", ""), ("community", "长" * 101)])
def test_bad_topic_input_writes_nothing(council: Any, members: list[Person], area: str, title: str) -> None:
    with pytest.raises(ActionError):
        do_propose_topic(
            council, TopicInput(title=title, description="y", area=area), actor=member_actor(members[0])
        )
    assert (
        not Topic.objects.exists()
        and not Event.objects.filter(action__startswith="deliberation_topic").exists()
    )


def test_topic_cannot_skip_a_step(proposed: Topic, staff: Person) -> None:
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_adopt_plan(proposed, plan(), actor=staff_actor(staff))
    assert error.value.code == "transition_wrong_state"
    proposed.refresh_from_db()
    assert proposed.plan == "" and proposed.reviewed_at is None
    assert Event.objects.count() == before and topic_state(proposed) == "proposed"
    with pytest.raises(ActionError):
        do_close_topic(
            proposed,
            feedback="x",
            meeting=Meeting.objects.create(
                council=proposed.council, kind="feedback", title="反馈会", starts_at=timezone.now()
            ),
            actor=staff_actor(staff),
        )
    assert topic_state(proposed) == "proposed"


def test_member_cannot_take_staff_step(proposed: Topic, members: list[Person]) -> None:
    with pytest.raises(NotPermitted):
        do_mark_invalid(proposed, reason="重复", actor=member_actor(members[0]))
    assert topic_state(proposed) == "proposed"


def test_invalid_topic_has_public_reason_and_proposer_is_told(
    proposed: Topic, staff: Person, members: list[Person]
) -> None:
    with pytest.raises(ActionError) as error:
        do_mark_invalid(proposed, reason=" ", actor=staff_actor(staff))
    assert error.value.code == "reason_required"
    topic = do_mark_invalid(proposed, reason="属于物业合同范围，已转物业处理", actor=staff_actor(staff))
    assert topic.invalid_reason.startswith("属于物业") and topic_state(topic) == "invalid"
    event = events(topic, "deliberation_topic.mark_invalid")[0]
    assert event.public and event.reason.startswith("属于物业")
    assert Notification.objects.filter(recipient=members[0], kind="deliberation.topic.invalid").exists()


def test_plan_refuses_bad_budget_and_dates(proposed: Topic, staff: Person) -> None:
    from minyi.deliberation.actions.topics import PlanInput, do_mark_valid

    do_mark_valid(proposed, actor=staff_actor(staff))
    today = timezone.localdate()
    for bad in [
        PlanInput("可行", "方案", "-1", "2人", today, today),
        PlanInput("可行", "方案", "abc", "2人", today, today),
        PlanInput("可行", "方案", "1.234", "2人", today, today),
        PlanInput("可行", "方案", "100", "2人", today, today - dt.timedelta(days=1)),
    ]:
        with pytest.raises(ActionError):
            do_adopt_plan(proposed, bad, actor=staff_actor(staff))
    assert topic_state(proposed) == "reviewing"


def _vote_all(poll: Poll, people: list[Person], choice: str) -> None:
    for person in people:
        do_cast_ballot(poll, choice, actor=member_actor(person))


def test_full_procedure_through_ballots(
    resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person, council: Any
) -> None:
    for person in members[:4]:
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    do_supervise_topic(resolving, actor=member_actor(members[2]))
    poll = do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    assert poll.state == "open" and poll.electorate_size == 5 and poll.present_size == 4
    assert Notification.objects.filter(kind="deliberation.poll.open").count() == 4
    # A member who did not sign in cannot vote; a non-member neither.
    with pytest.raises(NotPermitted):
        do_cast_ballot(poll, "yes", actor=member_actor(members[4]))
    _vote_all(poll, members[:3], "yes")
    _vote_all(poll, members[3:4], "no")
    poll = do_close_topic_poll(resolving, actor=staff_actor(staff))
    assert poll.state == "published" and poll.result["passed"]
    with pytest.raises(ActionError) as error:
        do_resolve_topic(resolving, actor=staff_actor(staff))
    assert error.value.code == "input_required"
    deadline = timezone.localdate() + dt.timedelta(days=30)
    topic = do_resolve_topic(resolving, responsible=staff, deadline=deadline, actor=staff_actor(staff))
    assert topic_state(topic) == "publicising" and topic.responsible == staff and "赞成 3 票" in topic.result
    assert Decision.objects.filter(meeting=open_meeting, topic=topic, poll=poll).exists()
    assert Notification.objects.filter(recipient=staff, kind="deliberation.topic.assigned").exists()
    do_report_progress(topic, "已采购灯具", actor=staff_actor(staff))
    assert Notification.objects.filter(recipient=members[2], kind="deliberation.topic.progress").count() == 1
    topic = do_close_topic(topic, feedback="路灯已全部修复", meeting=open_meeting, actor=staff_actor(staff))
    assert topic_state(topic) == "closed"
    assert Notification.objects.filter(recipient=members[2], kind="deliberation.topic.closed").exists()
    actions = [e.action for e in events(topic)]
    assert actions == [
        "deliberation_topic.start",
        "deliberation_topic.mark_valid",
        "deliberation_topic.adopt_plan",
        "deliberation.topic.supervise",
        "deliberation.topic.poll_open",
        "deliberation_topic.pass_vote",
        "deliberation.topic.progress",
        "deliberation_topic.close",
    ]
    report = topic_report(council, timezone.localdate().year)
    assert (report.proposed, report.passed, report.closed, report.resolution_rate) == (1, 1, 1, 100)


def test_failed_vote_closes_topic_with_result(
    resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person, council: Any
) -> None:
    for person in members[:3]:
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    poll = do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    _vote_all(poll, members[:3], "no")
    do_close_topic_poll(resolving, actor=staff_actor(staff))
    topic = do_resolve_topic(resolving, actor=staff_actor(staff))
    assert topic_state(topic) == "failed" and "未通过" in topic.result and topic.closed_at is not None
    report = topic_report(council, timezone.localdate().year)
    assert report.failed == 1 and report.resolution_rate is None


def test_opening_poll_without_quorum_is_refused(
    resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person
) -> None:
    for person in members[:2]:  # 2 of 5: not more than half
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    assert error.value.code == "quorum_not_met" and error.value.details["required"] == 3
    assert not Poll.objects.exists() and Event.objects.count() == before
    resolving.refresh_from_db()
    assert resolving.poll is None


def test_non_member_cannot_supervise(resolving: Topic, make_person: Any) -> None:
    with pytest.raises(NotPermitted):
        do_supervise_topic(resolving, actor=member_actor(make_person(name="外人")))


def test_topic_from_voice_keeps_the_link(council: Any, tree: Any, staff: Person, make_person: Any) -> None:
    channel = Channel.objects.create(code="web", name="网站")
    category = Category.objects.create(code="lights", name="路灯")
    voice = Voice.objects.create(
        tracking_code="MY-2026-000001",
        category=category,
        channel=channel,
        unit=tree.community,
        title="路灯不亮",
        content="3栋门口路灯不亮",
        created_at=timezone.now(),
    )
    with pytest.raises(NotPermitted):
        do_topic_from_voice(
            voice, council=council, area="environment", actor=member_actor(make_person(name="路人"))
        )
    topic = do_topic_from_voice(voice, council=council, area="environment", actor=staff_actor(staff))
    assert topic.voice == voice and topic.source == "voice" and list(voice.topics.all()) == [topic]
    assert Event.objects.filter(
        chain=f"voices.voice:{voice.pk}", action="deliberation.topic.from_voice"
    ).exists()
    with pytest.raises(ActionError) as error:
        do_topic_from_voice(voice, council=council, area="environment", actor=staff_actor(staff))
    assert error.value.code == "voice_has_topic"
