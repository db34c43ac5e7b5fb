"""API: deputies' suggestions and committee proposals (V5), under /api/v1/voices/suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.engine import runtime
from minyi.core.engine.steps import acting_as
from minyi.core.errors import NotFound, NotPermitted
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.voices.actions.suggestions import (
    PROCESS,
    ConsultationInput,
    SuggestionInput,
    do_assign_suggestion,
    do_file_suggestion,
    do_rate_suggestion,
    do_record_consultation,
    do_reply_suggestion,
    instance_for,
)
from minyi.voices.models import Category, FaceToFaceConsultation, Voice
from minyi.voices.suggest_rules import visible_suggestions

router = Router(tags=["voices"])


class ConsultationOut(Schema):
    held_at: dt.datetime
    place: str
    department: str
    department_attendees: str
    proposer_present: bool
    notes: str


class SuggestionOut(Schema):
    id: int
    tracking_code: str
    kind: str
    number: int
    number_label: str
    term: str
    session: str
    area: str
    title: str
    content: str
    proposer: str
    co_signers: list[str]
    state: str
    dispatch_unit: int
    lead_department: int | None
    deadline_at: dt.datetime | None
    reply: str
    resolution: str
    satisfaction: str
    expects_implementation: bool
    no_consultation_reason: str
    consultations: list[ConsultationOut]


class SuggestionIn(Schema):
    kind: Literal["deputy_suggestion", "cppcc_proposal"]
    title: Text = Field(..., min_length=1, max_length=100)
    content: Text = Field(..., min_length=1, max_length=4000)
    category: Text = Field(..., max_length=40, description="category code (Open311 service_code)")
    area: Text = Field(..., max_length=20)
    term: Text = Field("", max_length=40)
    session: Text = Field(..., min_length=1, max_length=40)
    expects_implementation: bool = True
    co_signers: list[ObjectId] = Field(default_factory=list, max_length=30)


class AssignIn(Schema):
    lead_department: ObjectId
    due_days: int | None = Field(None, ge=1, le=180)


class ConsultationIn(Schema):
    held_at: dt.datetime
    place: Text = Field(..., max_length=200)
    department_attendees: Text = Field(..., max_length=300)
    proposer_present: bool = True
    notes: Text = Field("", max_length=4000)


class ReplyIn(Schema):
    reply: Text = Field(..., max_length=4000)
    resolution: Literal["resolved", "answered"]
    no_consultation_reason: Text = Field("", max_length=500)


class RateIn(Schema):
    satisfaction: Literal["satisfied", "basic", "unsatisfied"]
    comment: Text = Field("", max_length=1000)


def _queryset(person: Person) -> object:
    return (
        visible_suggestions(person)
        .select_related("suggestion", "submitter")
        .prefetch_related(
            "suggestion__co_signers",
            Prefetch("consultations", FaceToFaceConsultation.objects.select_related("department")),
        )
        .order_by("-created_at", "-pk")
    )


def to_items(voices: list[Voice]) -> list[SuggestionOut]:
    instances = {
        i.subject_id: i
        for i in ProcessInstance.objects.filter(
            process=PROCESS, subject_type="voices.voice", subject_id__in=[str(v.pk) for v in voices]
        )
    }
    items = []
    for voice in voices:
        details = voice.suggestion
        instance = instances.get(str(voice.pk))
        items.append(
            SuggestionOut(
                id=voice.pk,
                tracking_code=voice.tracking_code,
                kind=voice.kind,
                number=details.number,
                number_label=details.number_label,
                term=details.term,
                session=details.session,
                area=details.area,
                title=voice.title,
                content=voice.content,
                proposer=voice.submitter.name if voice.submitter else "",
                co_signers=[p.name for p in details.co_signers.all()],
                state=instance.state if instance else "",
                dispatch_unit=details.dispatch_unit_id,
                lead_department=voice.lead_department_id,
                deadline_at=instance.deadline_at if instance and not instance.is_final else None,
                reply=voice.reply,
                resolution=voice.resolution,
                satisfaction=voice.satisfaction,
                expects_implementation=details.expects_implementation,
                no_consultation_reason=details.no_consultation_reason,
                consultations=[
                    ConsultationOut(
                        held_at=c.held_at,
                        place=c.place,
                        department=c.department.name,
                        department_attendees=c.department_attendees,
                        proposer_present=c.proposer_present,
                        notes=c.notes,
                    )
                    for c in voice.consultations.all()
                ],
            )
        )
    return items


def _visible(person: Person, voice_id: int) -> Voice:
    voice = _queryset(person).filter(pk=voice_id).first()  # type: ignore[attr-defined]
    if voice is None:
        raise NotFound("not_found", _("未找到该建议（提案）"))
    return voice  # type: ignore[no-any-return]


def _one(person: Person, voice_id: int) -> SuggestionOut:
    return to_items([_visible(person, voice_id)])[0]


def _actor_for(person: Person, voice: Voice, transition: str) -> Actor:
    """The office (or relation) in which `person` may take `transition` now; 403 when none."""
    instance = instance_for(voice)
    step = next((t for t in runtime.available_transitions(instance, person) if t.name == transition), None)
    if step is None:
        raise NotPermitted("not_permitted", _("您现在不能办理这一步"))
    return acting_as(person, step, instance)


@router.get("/suggestions", response={200: Page[SuggestionOut], **error_responses(401, 422)})
def list_suggestions(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, object]:
    person = current_person(request)
    return paginate(request, _queryset(person), filters, to_items)  # type: ignore[arg-type]


@router.get("/suggestions/{voice_id}", response={200: SuggestionOut, **error_responses(401, 404, 422)})
def get_suggestion(request: HttpRequest, voice_id: ObjectId) -> SuggestionOut:
    return _one(current_person(request), voice_id)


@router.post("/suggestions", response={201: SuggestionOut, **error_responses(400, 401, 403, 404, 422)})
def file_suggestion(request: HttpRequest, data: SuggestionIn) -> tuple[int, SuggestionOut]:
    person = current_person(request)
    if not person.has_perm("voices.file_suggestion"):
        raise NotPermitted("not_permitted", _("只有人大代表或政协委员才能提出建议（提案）"))
    category = Category.objects.filter(code=data.category, is_active=True).first()
    if category is None:
        raise NotFound("category_unknown", _("未知的类别"), {"field": "category"})
    signers = list(Person.objects.filter(pk__in=data.co_signers))
    if len(signers) != len(set(data.co_signers)):
        raise NotFound("co_signer_unknown", _("找不到附议人"), {"field": "co_signers"})
    voice = do_file_suggestion(
        SuggestionInput(
            kind=data.kind,
            title=data.title,
            content=data.content,
            category=category,
            area=data.area,
            term=data.term,
            session=data.session,
            expects_implementation=data.expects_implementation,
            co_signers=signers,
        ),
        actor=Actor(person=person, role="deputy" if data.kind == "deputy_suggestion" else "cppcc_member"),
    )
    return 201, _one(person, voice.pk)


@router.post(
    "/suggestions/{voice_id}/assign",
    response={200: SuggestionOut, **error_responses(400, 401, 403, 404, 422)},
)
def assign_suggestion(request: HttpRequest, voice_id: ObjectId, data: AssignIn) -> SuggestionOut:
    person = current_person(request)
    voice = _visible(person, voice_id)
    department = Unit.objects.filter(pk=data.lead_department).first()
    if department is None:
        raise NotFound("unit_unknown", _("未知的单位"), {"field": "lead_department"})
    do_assign_suggestion(voice, department, actor=_actor_for(person, voice, "assign"), due_days=data.due_days)
    return _one(person, voice_id)


@router.post(
    "/suggestions/{voice_id}/consultations",
    response={201: SuggestionOut, **error_responses(400, 401, 403, 404, 422)},
)
def record_consultation(
    request: HttpRequest, voice_id: ObjectId, data: ConsultationIn
) -> tuple[int, SuggestionOut]:
    person = current_person(request)
    voice = _visible(person, voice_id)
    held_at = data.held_at if timezone.is_aware(data.held_at) else timezone.make_aware(data.held_at)
    do_record_consultation(
        voice,
        ConsultationInput(
            held_at=held_at,
            place=data.place,
            department_attendees=data.department_attendees,
            proposer_present=data.proposer_present,
            notes=data.notes,
        ),
        actor=_actor_for(person, voice, "consult"),
    )
    return 201, _one(person, voice_id)


@router.post(
    "/suggestions/{voice_id}/reply", response={200: SuggestionOut, **error_responses(400, 401, 403, 404, 422)}
)
def reply_suggestion(request: HttpRequest, voice_id: ObjectId, data: ReplyIn) -> SuggestionOut:
    person = current_person(request)
    voice = _visible(person, voice_id)
    transition = "reply" if instance_for(voice).state != "assigned" else "reply_without_consultation"
    do_reply_suggestion(
        voice,
        actor=_actor_for(person, voice, transition),
        reply=data.reply,
        resolution=data.resolution,
        no_consultation_reason=data.no_consultation_reason,
    )
    return _one(person, voice_id)


@router.post(
    "/suggestions/{voice_id}/rate", response={200: SuggestionOut, **error_responses(400, 401, 403, 404, 422)}
)
def rate_suggestion(request: HttpRequest, voice_id: ObjectId, data: RateIn) -> SuggestionOut:
    person = current_person(request)
    voice = _visible(person, voice_id)
    do_rate_suggestion(
        voice, actor=_actor_for(person, voice, "rate"), satisfaction=data.satisfaction, comment=data.comment
    )
    return _one(person, voice_id)
