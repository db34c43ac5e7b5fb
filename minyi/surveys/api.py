"""Surveys HTTP API (a ninja Router mounted at /api/v1/surveys/).

Lists and reads check a named rule; responding goes through `do_submit_response`. Responding is a
public operation (open links need no account): the caller is the token or session person when
there is one, and a session caller must send the CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.utils import check_csrf

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import optional_person
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotPermitted
from minyi.core.models import Person
from minyi.core.scope import scope_q
from minyi.surveys.actions import do_submit_response
from minyi.surveys.models import Question, RespondentGroup, Survey, SurveyState
from minyi.surveys.predicates import SURVEY_STAFF_ROLES
from minyi.surveys.results import compute_results

router = Router(tags=["surveys"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class SurveyOut(Schema):
    id: int
    unit_id: int
    title: str
    description: str
    kind: str
    anonymity: str
    state: str
    subject_type: str
    subject_id: str
    open_at: str | None

    @staticmethod
    def resolve_open_at(survey: Survey) -> str | None:
        return survey.open_at.isoformat() if survey.open_at else None


class QuestionOut(Schema):
    key: str
    kind: str
    text: str
    help_text: str
    required: bool
    section: str | None
    options: list[list[str]]
    rows: list[list[str]]
    min_choices: int | None
    max_choices: int | None
    max_length: int | None

    @staticmethod
    def resolve_section(question: Question) -> str | None:
        return question.section.title if question.section else None


class FormOut(Schema):
    survey: SurveyOut
    group: str
    access: str
    questions: list[QuestionOut]


class RespondIn(Schema):
    # {question key: "option" | ["options"] | number | {row: "option"} | "text"}
    answers: dict[Text, Any]
    # Open links: a random id the client keeps (one response per device); pages use a cookie.
    device_key: Text = ""


class SubmittedOut(Schema):
    survey_id: int
    group_id: int
    answered: int


class ResultsOut(Schema):
    survey_id: int
    state: str
    responses: int
    rating_index: str | None
    results: dict[str, Any]


def caller(request: HttpRequest) -> Person | AnonymousUser:
    return optional_person(request) or AnonymousUser()


def not_found() -> tuple[int, ErrorOut]:
    return 404, ErrorOut(code="survey_not_found", message=_("问卷不存在或无权查看"))


def open_group(token: str) -> RespondentGroup | None:
    return (
        RespondentGroup.objects.select_related("survey__unit")
        .filter(token=token, survey__state__in=[SurveyState.OPEN, SurveyState.CLOSED, SurveyState.PUBLISHED])
        .first()
    )


class SurveyFilters(PageQuery):
    unit: ObjectId | None = None


@router.get("", response=Page[SurveyOut], auth=None)
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> Any:
    """Published surveys, and every survey in the caller's staff scope. Constant queries."""
    person = caller(request)
    visible = Q(state=SurveyState.PUBLISHED)
    if isinstance(person, Person):
        visible |= scope_q(person, SURVEY_STAFF_ROLES)
    surveys = Survey.objects.filter(visible).order_by("-pk")
    if filters.unit is not None:
        surveys = surveys.filter(unit_id=filters.unit)
    return paginate(request, surveys, filters)


@router.get("/respond/{token}", response={200: FormOut, **ERRORS}, auth=None)
def response_form(request: HttpRequest, token: Text) -> Any:
    """The questionnaire behind a group's response link."""
    group = open_group(token)
    if group is None:
        return not_found()
    questions = list(Question.objects.filter(survey=group.survey).select_related("section"))
    return FormOut(
        survey=SurveyOut.from_orm(group.survey),
        group=group.name,
        access=group.access,
        questions=[QuestionOut.from_orm(q) for q in questions],
    )


@router.post("/respond/{token}", response={200: SubmittedOut, **ERRORS}, auth=None)
def respond(request: HttpRequest, token: Text, payload: RespondIn) -> Any:
    person = optional_person(request)
    if person is not None and not getattr(request, "minyi_via_token", False) and check_csrf(request):
        raise NotPermitted("csrf_failed", _("CSRF 校验失败，请刷新页面后重试"))
    group = open_group(token)
    if group is None:
        return not_found()
    submitted = do_submit_response(
        group, payload.answers, actor=Actor(person=person, role="respondent"), device_key=payload.device_key
    )
    return SubmittedOut(
        survey_id=submitted.survey_id, group_id=submitted.group_id, answered=submitted.answered
    )


@router.get("/{survey_id}/results", response={200: ResultsOut, **ERRORS}, auth=None)
def results(request: HttpRequest, survey_id: ObjectId) -> Any:
    survey = Survey.objects.select_related("unit").filter(pk=survey_id).first()
    if survey is None or not caller(request).has_perm("surveys.view_results", survey):
        return not_found()
    computed = compute_results(survey)
    index = computed.rating_index
    return ResultsOut(
        survey_id=survey.pk,
        state=survey.state,
        responses=computed.responses,
        rating_index=None if index is None else f"{index:.2f}",
        results=computed.summary(),
    )
