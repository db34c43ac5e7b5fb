"""D5/D6 and duties HTTP API, added to the deliberation router (so under /api/v1/deliberation/).

Public reads (`auth=None`): published consultation plans, hearings (results once published), published
Q&A sessions and inquiries, announced appraisals. Authenticated: applying to speak, an adviser's opinion,
a member logging a liaison contact. Errors are {code, message, details} (docs/api.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotFound
from minyi.core.masking import mask_name
from minyi.deliberation.actions.appraisals import appraisal_rows
from minyi.deliberation.actions.consultation import do_record_adviser_opinion
from minyi.deliberation.actions.duties import do_log_contact
from minyi.deliberation.actions.hearings import do_apply_to_speak
from minyi.deliberation.models import (
    AdviserInvitation,
    Appraisal,
    AppraisalState,
    ConsultationItem,
    ConsultationPlan,
    Hearing,
    HearingState,
    InquirySession,
    Membership,
    SessionState,
    SpeakerState,
)
from minyi.deliberation.organisers import is_organiser

router = Router(tags=["deliberation"])


class ItemOut(Schema):
    id: int
    title: str
    channel: str
    form: str
    organiser: str
    participants: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    outcome: str


class PlanOut(Schema):
    id: int
    unit_id: int
    year: int
    title: str
    published_at: dt.datetime | None
    items: list[ItemOut]


def _plans_out(plans: list[ConsultationPlan]) -> list[PlanOut]:
    return [
        PlanOut(
            id=p.pk,
            unit_id=p.unit_id,
            year=p.year,
            title=p.title,
            published_at=p.published_at,
            items=[
                ItemOut(
                    id=i.pk,
                    title=i.title,
                    channel=i.channel,
                    form=i.form,
                    organiser=i.organiser.name,
                    participants=i.participants,
                    starts_on=i.starts_on,
                    ends_on=i.ends_on,
                    status=i.status,
                    outcome=i.outcome,
                )
                for i in p.items.all()
            ],
        )
        for p in plans
    ]


def _published_plans() -> Any:
    items = ConsultationItem.objects.select_related("organiser").order_by("starts_on", "pk")
    return ConsultationPlan.objects.filter(published_at__isnull=False).prefetch_related(
        Prefetch("items", items)
    )


class PlanFilters(PageQuery):
    year: int | None = None


@router.get("/consultation/plans", response={200: Page[PlanOut], **error_responses(401, 422)}, auth=None)
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> Any:
    """Published annual consultation plans with their items (three queries per page)."""
    optional_person(request)
    plans = _published_plans().order_by("-year", "-pk")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return paginate(request, plans, filters, _plans_out)


@router.get(
    "/consultation/plans/{plan_id}", response={200: PlanOut, **error_responses(401, 404, 422)}, auth=None
)
def get_plan(request: HttpRequest, plan_id: ObjectId) -> Any:
    optional_person(request)
    plan = _published_plans().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("plan_not_found", _("协商计划不存在或未发布"))
    return _plans_out([plan])[0]


class OpinionOut(Schema):
    speaker: str  # masked
    text: str
    response: str
    reason: str


class HearingOut(Schema):
    id: int
    title: str
    matter: str
    held_at: dt.datetime
    place: str
    apply_until: dt.date
    seats: int
    state: str
    speakers: list[str]  # masked names of the selected speakers
    decision: str
    opinions: list[OpinionOut]  # only once published


@router.get("/hearings/{hearing_id}", response={200: HearingOut, **error_responses(401, 404, 422)}, auth=None)
def get_hearing(request: HttpRequest, hearing_id: ObjectId) -> Any:
    optional_person(request)
    hearing = Hearing.objects.filter(pk=hearing_id).first()
    if hearing is None:
        raise NotFound("hearing_not_found", _("听证会不存在"))
    published = hearing.state == HearingState.PUBLISHED
    speakers = hearing.applications.filter(state=SpeakerState.SELECTED).select_related("person")
    opinions = hearing.opinions.select_related("speaker__person") if published else []
    return HearingOut(
        id=hearing.pk,
        title=hearing.title,
        matter=hearing.matter,
        held_at=hearing.held_at,
        place=hearing.place,
        apply_until=hearing.apply_until,
        seats=hearing.seats,
        state=hearing.state,
        speakers=[mask_name(a.person.name) for a in speakers],
        decision=hearing.decision if published else "",
        opinions=[
            OpinionOut(
                speaker=mask_name(o.speaker.person.name), text=o.text, response=o.response, reason=o.reason
            )
            for o in opinions
        ],
    )


class ApplyIn(Schema):
    stance: Text


class ApplyOut(Schema):
    hearing_id: int
    state: str


@router.post(
    "/hearings/{hearing_id}/apply", response={201: ApplyOut, **error_responses(400, 401, 404, 409, 422)}
)
def apply_to_speak(request: HttpRequest, hearing_id: ObjectId, payload: ApplyIn) -> Any:
    hearing = Hearing.objects.select_related("unit").filter(pk=hearing_id).first()
    if hearing is None:
        raise NotFound("hearing_not_found", _("听证会不存在"))
    application = do_apply_to_speak(hearing, payload.stance, actor=Actor(person=current_person(request)))
    return 201, ApplyOut(hearing_id=hearing.pk, state=application.state)


class OpinionIn(Schema):
    opinion: Text


@router.post(
    "/consultation/invitations/{invitation_id}/opinion",
    response={200: ApplyOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def adviser_opinion(request: HttpRequest, invitation_id: ObjectId, payload: OpinionIn) -> Any:
    """The invited expert or legal adviser gives their opinion."""
    invitation = AdviserInvitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("invitation_not_found", _("邀请不存在"))
    do_record_adviser_opinion(invitation, payload.opinion, actor=Actor(person=current_person(request)))
    return 200, ApplyOut(hearing_id=0, state="recorded")


class AnswerOut(Schema):
    official: str
    office: str
    office_unit: str
    text: str


class FollowUpOut(Schema):
    text: str
    responsible_unit: str
    deadline: dt.date | None
    state: str
    voice_tracking_code: str
    result: str


class QuestionOut(Schema):
    asker: str
    asker_role: str
    text: str
    answers: list[AnswerOut]
    follow_ups: list[FollowUpOut]


class SessionOut(Schema):
    id: int
    kind: str
    title: str
    subject: str
    held_at: dt.datetime
    questions: list[QuestionOut]


def _sessions_out(sessions: list[InquirySession]) -> list[SessionOut]:
    return [
        SessionOut(
            id=s.pk,
            kind=s.kind,
            title=s.title,
            subject=s.subject,
            held_at=s.held_at,
            questions=[
                QuestionOut(
                    asker=q.asker.name,
                    asker_role=q.asker_role,
                    text=q.text,
                    answers=[
                        AnswerOut(
                            official=a.official.name,
                            office=a.office,
                            office_unit=a.office_unit.name,
                            text=a.text,
                        )
                        for a in q.answers.all()
                    ],
                    follow_ups=[
                        FollowUpOut(
                            text=f.text,
                            responsible_unit=f.responsible_unit.name if f.responsible_unit else "",
                            deadline=f.deadline,
                            state=f.state,
                            voice_tracking_code=f.voice.tracking_code if f.voice else "",
                            result=f.result,
                        )
                        for f in q.follow_ups.all()
                    ],
                )
                for q in s.questions.all()
            ],
        )
        for s in sessions
    ]


def _published_sessions() -> Any:
    return InquirySession.objects.filter(state=SessionState.PUBLISHED).prefetch_related(
        "questions__asker",
        "questions__answers__official",
        "questions__answers__office_unit",
        "questions__follow_ups__responsible_unit",
        "questions__follow_ups__voice",
    )


@router.get("/inquiries", response={200: Page[SessionOut], **error_responses(401, 422)}, auth=None)
def list_sessions(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """Published Q&A sessions and special inquiries: deputies and officials are named (public office)."""
    optional_person(request)
    return paginate(request, _published_sessions().order_by("-held_at", "-pk"), filters, _sessions_out)


@router.get(
    "/inquiries/{session_id}", response={200: SessionOut, **error_responses(401, 404, 422)}, auth=None
)
def get_session(request: HttpRequest, session_id: ObjectId) -> Any:
    optional_person(request)
    session = _published_sessions().filter(pk=session_id).first()
    if session is None:
        raise NotFound("session_not_found", _("问政会（专题询问）不存在或未公开"))
    return _sessions_out([session])[0]


class AppraisalRowOut(Schema):
    unit_id: int
    unit: str
    score: str | None
    grade: str | None


class AppraisalOut(Schema):
    id: int
    title: str
    work: str
    held_at: dt.datetime
    state: str
    poll_id: int | None
    groups: list[dict[str, Any]]
    results: list[AppraisalRowOut]


@router.get(
    "/appraisals/{appraisal_id}", response={200: AppraisalOut, **error_responses(401, 404, 422)}, auth=None
)
def get_appraisal(request: HttpRequest, appraisal_id: ObjectId) -> Any:
    person = optional_person(request)
    appraisal = Appraisal.objects.select_related("unit", "poll").filter(pk=appraisal_id).first()
    if appraisal is None or (
        appraisal.state != AppraisalState.ANNOUNCED and not is_organiser(person, appraisal.unit)
    ):
        raise NotFound("appraisal_not_found", _("评议不存在或结果未公布"))
    return AppraisalOut(
        id=appraisal.pk,
        title=appraisal.title,
        work=appraisal.work,
        held_at=appraisal.held_at,
        state=appraisal.state,
        poll_id=appraisal.poll_id,
        groups=appraisal.groups,
        results=[
            AppraisalRowOut(unit_id=r["unit"].pk, unit=r["unit"].name, score=r["score"], grade=r["grade"])
            for r in appraisal_rows(appraisal)
        ],
    )


class ContactIn(Schema):
    council_id: ObjectId
    contacted_on: dt.date
    kind: Text
    whom: Text
    summary: Text


class ContactOut(Schema):
    id: int
    contacted_on: dt.date


@router.post("/duties/contacts", response={201: ContactOut, **error_responses(400, 401, 403, 404, 422)})
def log_contact(request: HttpRequest, payload: ContactIn) -> Any:
    """A member logs a liaison contact with residents or a unit (联系居民及辖区单位)."""
    person = current_person(request)
    membership = (
        Membership.objects.select_related("council__unit")
        .filter(council_id=payload.council_id, person=person, is_active=True)
        .first()
    )
    if membership is None:
        raise NotFound("membership_not_found", _("您不是该议事会的在任代表"))
    contact = do_log_contact(
        membership,
        contacted_on=payload.contacted_on,
        kind=payload.kind,
        whom=payload.whom,
        summary=payload.summary,
        actor=Actor(person=person, role="council_member"),
    )
    return 201, ContactOut(id=contact.pk, contacted_on=contact.contacted_on)
