"""D1/D2 additions: council editing, the governance-council electorate, duties, and the 公示 deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.engine.sweep import sweep
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, Notification, Person
from minyi.deliberation.actions import council_admin, duties
from minyi.deliberation.actions.meetings import do_sign_in
from minyi.deliberation.actions.polls import do_close_topic_poll, do_open_topic_poll, do_resolve_topic
from minyi.deliberation.actions.topics import do_supervise_topic, instance_for
from minyi.deliberation.duty_report import duty_summary
from minyi.deliberation.models import Council, Meeting, Membership, Topic
from minyi.deliberation.tests.conftest import events, member_actor, staff_actor

pytestmark = pytest.mark.django_db


def governance_council(council: Council, members: list[Person], staff: Person) -> None:
    council_admin.do_update_council(
        council,
        name=council.name,
        kind=council.kind,
        governance_vote=True,
        is_active=True,
        actor=staff_actor(staff),
    )
    council_admin.do_update_member(
        Membership.objects.get(person=members[3], council=council),
        member_type="governance",
        actor=staff_actor(staff),
    )


def test_governance_members_alone_vote(
    council: Council, resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person
) -> None:
    governance_council(council, members, staff)
    for person in members[:4]:
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    # 4 of 5 members are present, but only 1 of the 2 governance members: no quorum for the governance vote.
    with pytest.raises(ActionError) as err:
        do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    assert err.value.code == "quorum_not_met" and err.value.details["members"] == 2
    assert not Event.objects.filter(action="ballots.poll.create").exists()
    do_sign_in(open_meeting, members[4], method="staff", actor=staff_actor(staff))
    poll = do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    assert (poll.electorate_size, poll.present_size) == (2, 2)
    with pytest.raises(NotPermitted) as denied:
        do_cast_ballot(poll, "yes", actor=member_actor(members[0]))
    assert denied.value.code == "not_elector"
    for person in members[3:]:
        do_cast_ballot(poll, "yes", actor=member_actor(person))
    poll = do_close_topic_poll(resolving, actor=staff_actor(staff))
    assert poll.result["passed"] and poll.result["yes"] == 2


def test_governance_vote_without_governance_members(
    council: Council, resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person
) -> None:
    council_admin.do_update_member(
        Membership.objects.get(person=members[4], council=council),
        member_type="resident",
        actor=staff_actor(staff),
    )
    council_admin.do_update_council(
        council,
        name=council.name,
        kind=council.kind,
        governance_vote=True,
        is_active=True,
        actor=staff_actor(staff),
    )
    for person in members:
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    with pytest.raises(ActionError) as err:
        do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    assert err.value.code == "no_governance_members"


def test_council_edit_and_bad_input(
    council: Council, term: Any, staff: Person, members: list[Person]
) -> None:
    with pytest.raises(ActionError):
        council_admin.do_update_council(
            council, name=" ", kind="hall", governance_vote=False, is_active=True, actor=staff_actor(staff)
        )
    with pytest.raises(ActionError):
        council_admin.do_update_term(
            term, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2025, 1, 1), actor=staff_actor(staff)
        )
    term = council_admin.do_update_term(
        term, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2028, 1, 1), actor=staff_actor(staff)
    )
    assert term.ends_on == dt.date(2028, 1, 1)
    m = Membership.objects.get(person=members[0])
    with pytest.raises(ActionError):
        council_admin.do_update_member(m, member_type="boss", actor=staff_actor(staff))
    actions = [e.action for e in events(council)]
    assert actions[-1] == "deliberation.term.update"


def passed_topic(resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person) -> Topic:
    for person in members[:4]:
        do_sign_in(open_meeting, person, method="staff", actor=staff_actor(staff))
    poll = do_open_topic_poll(resolving, open_meeting, actor=staff_actor(staff))
    for person in members[:4]:
        do_cast_ballot(poll, "yes", actor=member_actor(person))
    do_close_topic_poll(resolving, actor=staff_actor(staff))
    return do_resolve_topic(
        resolving,
        responsible=members[0],
        deadline=timezone.localdate() + dt.timedelta(days=10),
        actor=staff_actor(staff),
    )


def test_publicising_deadline_reminds_staff(
    resolving: Topic, open_meeting: Meeting, members: list[Person], staff: Person
) -> None:
    topic = passed_topic(resolving, open_meeting, members, staff)
    instance = instance_for(topic)
    assert timezone.localtime(instance.deadline_at).date() == topic.deadline + dt.timedelta(days=1)
    assert instance.version == 2
    sweep(now=instance.deadline_at - dt.timedelta(hours=1))
    assert not Notification.objects.filter(recipient=staff, kind="process.remind").exists()
    before = Event.objects.filter(action="deliberation_topic.overdue.remind").count()
    sweep(now=instance.deadline_at + dt.timedelta(hours=1))
    assert Event.objects.filter(action="deliberation_topic.overdue.remind").count() == before + 1
    assert Notification.objects.filter(recipient=staff, kind="process.remind").exists()


def test_duties_tracked_and_summarised(
    council: Council,
    resolving: Topic,
    open_meeting: Meeting,
    members: list[Person],
    staff: Person,
    make_person: Any,
    django_assert_num_queries: Any,
) -> None:
    topic = passed_topic(resolving, open_meeting, members, staff)
    mine = Membership.objects.get(person=members[1])
    contact = duties.do_log_contact(
        mine,
        contacted_on=timezone.localdate(),
        kind="visit",
        whom="3栋住户",
        summary="反映楼道灯不亮",
        actor=member_actor(members[1]),
    )
    assert contact.pk
    with pytest.raises(NotPermitted):
        duties.do_log_contact(
            mine,
            contacted_on=timezone.localdate(),
            kind="visit",
            whom="x",
            summary="y",
            actor=member_actor(members[2]),
        )
    with pytest.raises(ActionError):
        duties.do_log_contact(
            mine,
            contacted_on=timezone.localdate() + dt.timedelta(days=1),
            kind="visit",
            whom="x",
            summary="y",
            actor=member_actor(members[1]),
        )
    with pytest.raises(NotPermitted):
        duties.do_assign_task(topic, mine, "带头宣传", actor=member_actor(members[1]))
    task = duties.do_assign_task(topic, mine, "带头动员3栋居民", actor=staff_actor(staff))
    assert Notification.objects.filter(recipient=members[1], kind="deliberation.topic.task").exists()
    with pytest.raises(ActionError):
        duties.do_complete_assignment(task, note=" ", actor=member_actor(members[1]))
    duties.do_complete_assignment(task, note="已动员", actor=member_actor(members[1]))
    with pytest.raises(Conflict):
        duties.do_complete_assignment(task, note="again", actor=member_actor(members[1]))
    with pytest.raises(NotPermitted) as err:
        duties.do_report_supervision(topic, "进展缓慢", actor=member_actor(members[1]))
    assert err.value.code == "not_supervising"
    do_supervise_topic(topic, actor=member_actor(members[1]))
    duties.do_report_supervision(topic, "灯具已到货", actor=member_actor(members[1]))
    assert Notification.objects.filter(recipient=staff, kind="deliberation.topic.supervision_report").exists()
    outsider = make_person(name="外人")
    with pytest.raises(NotPermitted):
        duties.do_report_supervision(topic, "x", actor=member_actor(outsider))
    # 6 queries; 5 here because no meeting was closed this year (the attendance lookup by an empty id list is skipped).
    with django_assert_num_queries(5):
        rows = duty_summary(council, timezone.localdate().year)
    row = next(r for r in rows if r.person == members[1])
    assert (row.contacts, row.tasks, row.tasks_done, row.reports) == (1, 1, 1, 1)
    assert [e.action for e in events(topic)][-3:] == [
        "deliberation.topic.assignment_done",
        "deliberation.topic.supervise",
        "deliberation.topic.supervision_report",
    ]
