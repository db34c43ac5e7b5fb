"""The demo deliberation: built through the actions, topics in every step, deterministic, run once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from minyi.ballots.models import PollState
from minyi.core.demo.build import build_demo
from minyi.core.models import Event, ProcessInstance
from minyi.deliberation.demo import COUNCIL_MEMBERS, build_demo_deliberation
from minyi.deliberation.models import (
    Attendance,
    Council,
    Hearing,
    InquirySession,
    Meeting,
    MeetingKind,
    MeetingState,
    Membership,
    Progress,
    Recommendation,
    Topic,
)
from minyi.voices.demo import build_demo_voices

DEMO_VOICE_COUNT = 60  # enough for a voice of the first community to become a topic


def _fingerprint() -> list[object]:
    topics = list(Topic.objects.order_by("pk").values_list("title", "source", "proposer__username", "result"))
    states = list(
        ProcessInstance.objects.filter(process="deliberation_topic")
        .order_by("pk")
        .values_list("state", flat=True)
    )
    members = list(Membership.objects.order_by("pk").values_list("person__name", "member_type", "votes"))
    attendance = list(Attendance.objects.order_by("pk").values_list("meeting__title", "person__username"))
    return [topics, states, members, attendance]


def test_demo_deliberation(db):
    build_demo(2026)
    build_demo_voices(2026, count=DEMO_VOICE_COUNT)
    summary = build_demo_deliberation(2026)
    council = Council.objects.get()
    assert council.unit.code.endswith("C") and summary.members == COUNCIL_MEMBERS
    members = Membership.objects.filter(council=council, is_active=True)
    assert members.count() == COUNCIL_MEMBERS
    assert {"council", "deputy"} <= set(members.values_list("person__username", flat=True))
    assert members.values("member_type").distinct().count() >= 6
    assert Recommendation.objects.filter(council=council).exists()
    # Regular meetings on the 15th: the past months held with attendance and minutes, the next planned.
    regular = Meeting.objects.filter(council=council, kind=MeetingKind.REGULAR)
    assert {m.starts_at.day for m in regular} == {15}
    held = regular.filter(state=MeetingState.CLOSED)
    assert held.count() >= 10 and not held.filter(minutes="").exists()
    assert all(Attendance.objects.filter(meeting=m).count() >= 8 for m in held)
    assert regular.filter(state=MeetingState.PLANNED).exists()
    # Topics in every step of the five-step procedure.
    states = set(ProcessInstance.objects.filter(process="deliberation_topic").values_list("state", flat=True))
    assert {"proposed", "invalid", "reviewing", "resolving", "publicising", "failed", "closed"} <= states
    # Invalid topics publish their reason; reviewed ones carry the adopted plan.
    assert Topic.objects.exclude(invalid_reason="").count() == 2
    assert Topic.objects.exclude(plan="").exclude(reviewed_at=None).count() >= 6
    voted = Topic.objects.exclude(poll=None)
    assert voted.count() >= 5 and not voted.exclude(poll__state=PollState.PUBLISHED).exists()
    assert Topic.objects.filter(result__contains="通过").exists()
    assert Progress.objects.exists()
    closed = Topic.objects.exclude(feedback_meeting=None)
    assert closed.filter(feedback_meeting__kind=MeetingKind.FEEDBACK).count() == 2
    assert Topic.objects.filter(source="voice").exclude(voice=None).count() == 1
    assert Topic.objects.filter(source="resident", proposer__username="resident").exists()
    late = ProcessInstance.objects.exclude(process="voice").filter(deadline_at__lt=timezone.now())
    assert not late.exists(), list(late.values_list("process", "state", "title"))
    # D5 and D6.
    assert Hearing.objects.filter(item__isnull=False).exists()
    assert InquirySession.objects.filter(state="published").exists()
    # The public record was written by the actions, in the demo accounts' names.
    assert Event.objects.filter(action="deliberation.topic.progress", public=True).exists()
    assert Event.objects.filter(action="deliberation.meeting.close", actor__username="community").exists()
    assert Event.objects.filter(action="ballots.ballot.cast", actor__username="council").exists()
    assert Event.objects.filter(action="deliberation_topic.mark_invalid").exclude(reason="").exists()
    # A second run adds nothing.
    events = Event.objects.count()
    assert build_demo_deliberation(2026).councils == 0
    assert Event.objects.count() == events and Council.objects.count() == 1


def test_demo_deliberation_is_deterministic_per_seed(db):
    build_demo(2026)
    build_demo_voices(2026, count=DEMO_VOICE_COUNT)
    with transaction.atomic():
        build_demo_deliberation(2026)
        first = _fingerprint()
        transaction.set_rollback(True)
    assert not Council.objects.exists()
    build_demo_deliberation(2026)
    assert _fingerprint() == first
