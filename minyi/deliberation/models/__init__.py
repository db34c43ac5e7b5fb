"""Deliberation models: councils and members (councils.py), meetings (meetings.py), topics (topics.py)."""

from minyi.deliberation.models.councils import (
    Council,
    CouncilKind,
    Membership,
    MemberType,
    Recommendation,
    RecommendationMethod,
    Term,
)
from minyi.deliberation.models.meetings import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingKind,
    MeetingState,
    ObserverRequest,
    ObserverState,
    SignInMethod,
)
from minyi.deliberation.models.topics import Area, Progress, Supervision, Topic, TopicSource

__all__ = [
    "AgendaItem",
    "Area",
    "Attendance",
    "Council",
    "CouncilKind",
    "Decision",
    "Meeting",
    "MeetingKind",
    "MeetingState",
    "MemberType",
    "Membership",
    "ObserverRequest",
    "ObserverState",
    "Progress",
    "Recommendation",
    "RecommendationMethod",
    "SignInMethod",
    "Supervision",
    "Term",
    "Topic",
    "TopicSource",
]
