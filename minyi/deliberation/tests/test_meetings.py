"""D1–D3: recommendation, schedule rule, sign-in (staff and QR), quorum, observers, minutes, attendance duty."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone
from docx import Document

from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, Notification, Person
from minyi.deliberation.actions.councils import CouncilInput, do_add_member, do_create_council
from minyi.deliberation.actions.meetings import (
    do_add_decision,
    do_apply_to_observe,
    do_close_meeting,
    do_decide_observer,
    do_generate_regular_meetings,
    do_open_meeting,
    do_record_minutes,
    do_sign_in,
    quorum,
    regular_meeting_day,
    sign_in_token,
)
from minyi.deliberation.minutes import minutes_docx
from minyi.deliberation.models import Attendance, Meeting, ObserverRequest
from minyi.deliberation.reports import attendance_rates
from minyi.deliberation.tests.conftest import events, member_actor, staff_actor

pytestmark = pytest.mark.django_db


def test_council_only_on_community_or_council_unit(tree: Any, system: Any) -> None:
    with pytest.raises(ActionError) as error:
        do_create_council(CouncilInput(unit=tree.township, name="x"), actor=system)
    assert error.value.code == "council_unit_kind"
    assert (
        do_create_council(
            CouncilInput(unit=tree.community, name="坝坝会", kind="courtyard"), actor=system
        ).kind
        == "courtyard"
    )


def test_member_twice_refused(council: Any, term: Any, members: list[Person], system: Any) -> None:
    with pytest.raises(Conflict):
        do_add_member(council, members[0], member_type="resident", term=term, actor=system)
    assert len(events(council, "deliberation.member.add")) == 5


def test_regular_meetings_on_the_15th(council: Any, staff: Person) -> None:
    created = do_generate_regular_meetings(council, 2026, actor=staff_actor(staff))
    assert len(created) == 12
    assert [timezone.localtime(m.starts_at).date() for m in created][:2] == [
        dt.date(2026, 1, 15),
        dt.date(2026, 2, 15),
    ]
    assert do_generate_regular_meetings(council, 2026, actor=staff_actor(staff)) == []  # idempotent


def test_shift_to_next_working_day_when_configured() -> None:
    # 2026-02-15 is a Sunday in the Spring Festival period (holiday 2026-02-15 … 02-23).
    assert regular_meeting_day(2026, 2) == dt.date(2026, 2, 15)
    with override_settings(MINYI_COUNCIL_MEETING_SHIFT_TO_WORKDAY=True):
        shifted = regular_meeting_day(2026, 2)
        assert shifted > dt.date(2026, 2, 15)
        from minyi.core.calendar import is_working_day

        assert is_working_day(shifted)
        assert regular_meeting_day(2026, 4) == dt.date(2026, 4, 15)  # a Wednesday stays
    with override_settings(MINYI_COUNCIL_MEETING_DAY=31):
        assert regular_meeting_day(2026, 2) == dt.date(2026, 2, 28)


def test_sign_in_twice_refused_and_non_member_refused(
    meeting: Meeting, members: list[Person], staff: Person, make_person: Any
) -> None:
    do_sign_in(meeting, members[0], method="staff", actor=staff_actor(staff))
    with pytest.raises(Conflict) as error:
        do_sign_in(meeting, members[0], method="staff", actor=staff_actor(staff))
    assert error.value.code == "already_signed_in"
    with pytest.raises(NotPermitted) as denied:
        do_sign_in(meeting, make_person(name="路人"), method="staff", actor=staff_actor(staff))
    assert denied.value.code == "not_member"
    assert Attendance.objects.count() == 1 and len(events(meeting, "deliberation.meeting.sign_in")) == 1


def test_qr_sign_in_signed_and_expiring(
    meeting: Meeting, members: list[Person], other_meeting: Meeting
) -> None:
    token = sign_in_token(meeting)
    with pytest.raises(ActionError) as wrong:
        do_sign_in(
            meeting,
            members[0],
            method="qr",
            token=sign_in_token(other_meeting),
            actor=member_actor(members[0]),
        )
    assert wrong.value.code == "sign_in_code_invalid"
    with pytest.raises(NotPermitted):  # a code signs in only its holder
        do_sign_in(meeting, members[1], method="qr", token=token, actor=member_actor(members[0]))
    with override_settings(MINYI_MEETING_SIGN_IN_MINUTES=0):
        signer = signing.TimestampSigner(salt="minyi.deliberation.sign_in")
        old = signer.sign(str(meeting.pk))
        import time

        time.sleep(1.1)
        with pytest.raises(ActionError) as expired:
            do_sign_in(meeting, members[0], method="qr", token=old, actor=member_actor(members[0]))
        assert expired.value.code == "sign_in_code_expired"
    assert not Attendance.objects.exists()
    attendance = do_sign_in(meeting, members[0], method="qr", token=token, actor=member_actor(members[0]))
    assert attendance.method == "qr"


@pytest.fixture
def other_meeting(council: Any, staff: Person) -> Meeting:
    from minyi.deliberation.actions.meetings import MeetingInput, do_schedule_meeting

    return do_schedule_meeting(
        council, MeetingInput(title="另一会议", starts_at=timezone.now()), actor=staff_actor(staff)
    )


def test_quorum_more_than_half(meeting: Meeting, members: list[Person], staff: Person) -> None:
    for person in members[:2]:
        do_sign_in(meeting, person, method="staff", actor=staff_actor(staff))
    assert quorum(meeting) == quorum(meeting).__class__(members=5, present=2, required=3, reached=False)
    do_sign_in(meeting, members[2], method="staff", actor=staff_actor(staff))
    assert quorum(meeting).reached


def test_observers_apply_and_are_notified(
    meeting: Meeting, members: list[Person], staff: Person, make_person: Any
) -> None:
    resident = make_person(name="居民乙")
    with pytest.raises(ActionError) as error:
        do_apply_to_observe(meeting, actor=member_actor(members[0]))
    assert error.value.code == "member_attends"
    request = do_apply_to_observe(meeting, actor=member_actor(resident), note="关心路灯")
    with pytest.raises(Conflict):
        do_apply_to_observe(meeting, actor=member_actor(resident))
    do_decide_observer(request, approve=True, actor=staff_actor(staff))
    assert ObserverRequest.objects.get().state == "approved"
    assert Notification.objects.filter(recipient=resident, kind="deliberation.observer.decided").count() == 1
    with pytest.raises(Conflict):
        do_decide_observer(request, approve=False, actor=staff_actor(staff))


def test_minutes_docx_and_attendance_rate(
    meeting: Meeting,
    members: list[Person],
    staff: Person,
    council: Any,
    other_meeting: Meeting,
    django_assert_num_queries: Any,
) -> None:
    for person in members[:3]:
        do_sign_in(meeting, person, method="staff", actor=staff_actor(staff))
    do_sign_in(other_meeting, members[0], method="staff", actor=staff_actor(staff))
    with pytest.raises(Conflict):
        do_record_minutes(meeting, "x", actor=staff_actor(staff))  # not open yet
    for m in (meeting, other_meeting):
        do_open_meeting(m, actor=staff_actor(staff))
    do_record_minutes(meeting, "一、通报上月议题办理情况\n二、审议新议题", actor=staff_actor(staff))
    do_add_decision(meeting, "同意维修路灯", actor=staff_actor(staff))
    for m in (meeting, other_meeting):
        do_close_meeting(m, actor=staff_actor(staff))
    document = Document(io.BytesIO(minutes_docx(Meeting.objects.get(pk=meeting.pk))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "实到 3 人" in text and "同意维修路灯" in text and "审议新议题" in text
    with django_assert_num_queries(3):  # meetings, members, sign-ins: constant in the number of members
        rates = {row.person.pk: row for row in attendance_rates(council, timezone.localdate().year)}
    assert (
        rates[members[0].pk].rate == 100
        and rates[members[1].pk].rate == 50
        and rates[members[4].pk].rate == 0
    )
    assert rates[members[1].pk].meetings == 2
    assert Event.objects.filter(action="deliberation.meeting.close").count() == 2
