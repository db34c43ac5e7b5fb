"""Deliberation HTTP API (mounted at /api/v1/deliberation). Errors are {code, message, details} (docs/api.md).

Public reads (`auth=None`): the topic board and a topic. Members propose topics and sign in to a
meeting with the code from its QR poster; voting goes through `POST /api/v1/ballots/polls/{id}/cast`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.engine.labels import describe
from minyi.core.errors import NotFound
from minyi.core.masking import mask_name
from minyi.deliberation.actions.meetings import do_sign_in
from minyi.deliberation.actions.topics import TopicInput, do_propose_topic, instances_for
from minyi.deliberation.models import Council, Meeting, SignInMethod, Topic
from minyi.deliberation.views.common import member_actor

router = Router(tags=["deliberation"])


class TopicOut(Schema):
    id: int
    council_id: int
    title: str
    description: str
    area: str
    source: str
    state: str
    state_label: str
    proposer: str  # masked
    proposed_at: dt.datetime
    invalid_reason: str
    budget: Decimal | None
    result: str
    deadline: dt.date | None
    feedback: str
    poll_id: int | None


class TopicIn(Schema):
    title: Text
    description: Text
    area: Text


class SignInIn(Schema):
    token: Text


class SignInOut(Schema):
    meeting_id: int
    method: str
    signed_at: dt.datetime


def _topics_out(topics: list[Topic]) -> list[TopicOut]:
    instances = instances_for(topics)
    out = []
    for t in topics:
        instance = instances.get(t.pk)
        out.append(
            TopicOut(
                id=t.pk,
                council_id=t.council_id,
                title=t.title,
                description=t.description,
                area=t.area,
                source=t.source,
                state=instance.state if instance else "",
                state_label=describe(instance).state if instance else "",
                proposer=mask_name(t.proposer.name) if t.proposer and t.proposer.name else "",
                proposed_at=t.proposed_at,
                invalid_reason=t.invalid_reason,
                budget=t.budget,
                result=t.result,
                deadline=t.deadline,
                feedback=t.feedback,
                poll_id=t.poll_id,
            )
        )
    return out


class TopicFilters(PageQuery):
    council: ObjectId | None = None


@router.get("/topics", response={200: Page[TopicOut], **error_responses(401, 422)}, auth=None)
def list_topics(request: HttpRequest, filters: Query[TopicFilters]) -> Any:
    """The public topic board, newest first (three queries per page)."""
    optional_person(request)
    topics = Topic.objects.select_related("proposer").order_by("-proposed_at", "-pk")
    if filters.council is not None:
        topics = topics.filter(council_id=filters.council)
    return paginate(request, topics, filters, _topics_out)


@router.get("/topics/{topic_id}", response={200: TopicOut, **error_responses(401, 404, 422)}, auth=None)
def get_topic(request: HttpRequest, topic_id: ObjectId) -> Any:
    optional_person(request)
    topic = Topic.objects.select_related("proposer").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound("topic_not_found", _("议题不存在"))
    return _topics_out([topic])[0]


@router.post(
    "/councils/{council_id}/topics", response={201: TopicOut, **error_responses(400, 401, 403, 404, 422)}
)
def propose_topic(request: HttpRequest, council_id: ObjectId, payload: TopicIn) -> Any:
    council = Council.objects.select_related("unit").filter(pk=council_id).first()
    if council is None:
        raise NotFound("council_not_found", _("议事会不存在"))
    topic = do_propose_topic(
        council,
        TopicInput(payload.title, payload.description, payload.area),
        actor=member_actor(current_person(request)),
    )
    return 201, _topics_out([topic])[0]


@router.post(
    "/meetings/{meeting_id}/sign-in",
    response={201: SignInOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def sign_in(request: HttpRequest, meeting_id: ObjectId, payload: SignInIn) -> Any:
    meeting = Meeting.objects.select_related("council__unit").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting_not_found", _("会议不存在"))
    person = current_person(request)
    attendance = do_sign_in(
        meeting, person, method=SignInMethod.QR, token=payload.token, actor=member_actor(person)
    )
    return 201, SignInOut(meeting_id=meeting.pk, method=attendance.method, signed_at=attendance.signed_at)


# D5/D6 and the members' duties (api_participation.py), under the same /api/v1/deliberation prefix.
from minyi.deliberation.api_participation import router as participation_router  # noqa: E402

router.add_router("", participation_router)
