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
from minyi.core.errors import NotFound, NotPermitted
from minyi.core.masking import mask_name
from minyi.core.models import Person
from minyi.deliberation.actions.meetings import do_sign_in
from minyi.deliberation.actions.survey_topics import FromSurveyInput, do_topic_from_survey_answers
from minyi.deliberation.actions.topics import TopicInput, do_propose_topic, instances_for
from minyi.deliberation.models import Council, Meeting, SignInMethod, SurveySource, Topic
from minyi.deliberation.survey_answers import chosen_responses, council_survey_answers
from minyi.deliberation.views.common import member_actor, staff_actor

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
    survey_id: int | None  # 提议 from a questionnaire: the survey and the answers' numbers (第N份)
    survey_answers: list[int]


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
    sources: dict[int, list[SurveySource]] = {}
    for source in SurveySource.objects.filter(topic__in=topics):
        sources.setdefault(source.topic_id, []).append(source)
    out = []
    for t in topics:
        instance = instances.get(t.pk)
        from_survey = sources.get(t.pk, [])
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
                survey_id=from_survey[0].survey_id if from_survey else None,
                survey_answers=[x.number for x in from_survey],
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


class AnswerOut(Schema):
    number: int
    response_id: str
    topic: str
    area: str
    detail: str
    respondent: str  # masked; empty for anonymous surveys
    topic_id: int | None


class SurveyAnswersOut(Schema):
    survey_id: int
    title: str
    state: str
    anonymity: str
    responses: int
    answers: list[AnswerOut]  # only once the survey is closed


class FromSurveyIn(Schema):
    survey: ObjectId
    responses: list[Text]
    title: Text = ""
    area: Text = ""
    description: Text = ""


def _managed_council(request: HttpRequest, council_id: int) -> tuple[Council, Person]:
    council = Council.objects.select_related("unit").filter(pk=council_id).first()
    if council is None:
        raise NotFound("council_not_found", _("议事会不存在"))
    person = current_person(request)
    if not person.has_perm("deliberation.manage_council", council):
        raise NotPermitted("not_permitted", _("只有社区“两委”工作人员可以办理"))
    return council, person


@router.get(
    "/councils/{council_id}/survey-answers",
    response={200: list[SurveyAnswersOut], **error_responses(401, 403, 404, 422)},
)
def survey_answers(request: HttpRequest, council_id: ObjectId) -> Any:
    """The council's topic-collection surveys and, once closed, their answers (staff; four queries)."""
    council, _person = _managed_council(request, council_id)
    return [
        SurveyAnswersOut(
            survey_id=entry.survey.pk,
            title=entry.survey.title,
            state=entry.survey.state,
            anonymity=entry.survey.anonymity,
            responses=entry.responses,
            answers=[
                AnswerOut(
                    number=row.number,
                    response_id=row.response_id,
                    topic=row.topic,
                    area=row.area,
                    detail=row.detail,
                    respondent=row.respondent,
                    topic_id=row.converted_to.pk if row.converted_to else None,
                )
                for row in entry.rows
            ],
        )
        for entry in council_survey_answers(council)
    ]


@router.post(
    "/councils/{council_id}/topics/from-survey",
    response={201: TopicOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def topic_from_survey(request: HttpRequest, council_id: ObjectId, payload: FromSurveyIn) -> Any:
    """Turn one or several (merged) answers of a closed topic-collection survey into a topic in 提议."""
    council, person = _managed_council(request, council_id)
    topic = do_topic_from_survey_answers(
        council,
        FromSurveyInput(
            responses=chosen_responses(council, str(payload.survey), payload.responses),
            title=payload.title,
            area=payload.area,
            description=payload.description,
        ),
        actor=staff_actor(person, council),
    )
    return 201, _topics_out([topic])[0]


# D5/D6 and the members' duties (api_participation.py), under the same /api/v1/deliberation prefix.
from minyi.deliberation.api_participation import router as participation_router  # noqa: E402

router.add_router("", participation_router)
