"""V5 — deputies' suggestions and committee proposals: file, assign, 面商, reply, rate, follow up, close.

Each step is one `do_*` action over the `suggestion` process (minyi/voices/processes/suggestion.yaml);
the same actions carry out the steps when they are taken from the generic process page (registered
with `steps.register_step` at the bottom).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actions.channels import channel_by_code
from minyi.core.actors import Actor
from minyi.core.calendar import DayKind, deadline_after
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, NotFound
from minyi.core.models import DeputyRecord, Person, ProcessInstance, RoleGrant, Unit
from minyi.core.models.people import DeputyBody, DeputyLevel
from minyi.core.models.units import UnitKind
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_type
from minyi.voices.actions.suggestion_voice import NewVoice, create_voice
from minyi.voices.milestones import note_face_to_face
from minyi.voices.models import (
    Category,
    FaceToFaceConsultation,
    Resolution,
    Satisfaction,
    SuggestionArea,
    SuggestionCounter,
    SuggestionDetails,
    Voice,
    VoiceKind,
)

PROCESS = "suggestion"
SUGGESTION_KINDS = (VoiceKind.DEPUTY_SUGGESTION, VoiceKind.CPPCC_PROPOSAL)
BODY_OF_KIND: dict[str, str] = {
    VoiceKind.DEPUTY_SUGGESTION: DeputyBody.NPC,
    VoiceKind.CPPCC_PROPOSAL: DeputyBody.CPPCC,
}
ROLE_OF_BODY: dict[str, str] = {DeputyBody.NPC: "deputy", DeputyBody.CPPCC: "cppcc_member"}
# The level of a mandate decides which office dispatches its suggestions.
DISPATCH_KIND_OF_LEVEL: dict[str, str] = {
    DeputyLevel.TOWNSHIP: UnitKind.TOWNSHIP,
    DeputyLevel.COUNTY: UnitKind.DISTRICT,
    DeputyLevel.CITY: UnitKind.CITY,
}
MAX_CO_SIGNERS = 30
TEXT_MAX = 4000


@dataclass(frozen=True)
class SuggestionInput:
    kind: str
    title: str
    content: str
    category: Category
    area: str
    term: str = ""
    session: str = ""
    unit: Unit | None = None  # where the matter is; the proposer's constituency when omitted
    expects_implementation: bool = True
    co_signers: Sequence[Person] = field(default_factory=tuple)
    channel: str = "web"


@dataclass(frozen=True)
class ConsultationInput:
    held_at: dt.datetime
    place: str
    department_attendees: str
    proposer_present: bool = True
    notes: str = ""


# --- who may file, and where it goes -------------------------------------------------------------


def current_record(person: Person, body: str, today: dt.date | None = None) -> DeputyRecord | None:
    """The person's mandate of `body` in force today (the most recent when several)."""
    today = today or timezone.localdate()
    return (
        DeputyRecord.objects.filter(person=person, body=body, term_start__lte=today)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .select_related("unit")
        .order_by("-term_start", "-pk")
        .first()
    )


def role_grant_of_body(person: Person, body: str) -> RoleGrant | None:
    return (
        RoleGrant.objects.active()
        .filter(person=person, role=ROLE_OF_BODY[body])
        .select_related("unit")
        .order_by("-granted_at", "-pk")
        .first()
    )


def is_member_of_body(person: Person, body: str) -> bool:
    return person.is_active and (
        current_record(person, body) is not None or role_grant_of_body(person, body) is not None
    )


def _nearest(unit: Unit, kind: str) -> Unit | None:
    return unit.ancestors_and_self().filter(kind=kind).order_by("-depth").first()


def dispatch_unit_for(record: DeputyRecord | None, home: Unit) -> Unit:
    """The office that assigns the suggestion: the government of the mandate's level over `home`."""
    level_kind = DISPATCH_KIND_OF_LEVEL.get(record.level) if record is not None else UnitKind.DISTRICT
    if record is not None and level_kind is None:  # provincial/national mandates: the root of this tree
        return home.ancestors_and_self().first() or home
    found = _nearest(home, level_kind or UnitKind.DISTRICT) or _nearest(home, UnitKind.DISTRICT)
    return found or home.ancestors_and_self().first() or home


def instance_for(voice: Voice) -> ProcessInstance:
    instance = (
        ProcessInstance.objects.select_related("unit")
        .filter(process=PROCESS, subject_type=subject_type(voice), subject_id=str(voice.pk))
        .first()
    )
    if instance is None:
        raise NotFound("suggestion_not_found", _("未找到该建议（提案）的办理流程"))
    return instance


def suggestion_url(voice: Voice) -> str:
    return reverse("voices:suggestion", args=[voice.pk])


def _people_to_tell(voice: Voice, details: SuggestionDetails) -> list[Person]:
    """The proposer and the co-signers (附议人 follow what happens to what they signed)."""
    people = [voice.submitter] if voice.submitter is not None else []
    return people + list(details.co_signers.all())


def _notify_responsible(instance: ProcessInstance, voice: Voice, *, kind: str, title: str) -> None:
    notify(runtime.responsible_people(instance, voice), kind=kind, title=title, url=suggestion_url(voice))


def handlers_of(department: Unit) -> list[Person]:
    """Department handlers reaching `department` (told of ratings after the state has moved on)."""
    grants = (
        RoleGrant.objects.active()
        .filter(role="department_handler", unit__path__in=department.ancestor_paths(), person__is_active=True)
        .select_related("person")
    )
    return [grant.person for grant in grants]


# --- filing ------------------------------------------------------------------------------------


def check_file_suggestion(proposer: Person, data: SuggestionInput) -> tuple[str, DeputyRecord | None, Unit]:
    """Validate; returns (body, the proposer's mandate or None, the unit the matter concerns)."""
    if data.kind not in SUGGESTION_KINDS:
        raise ActionError("suggestion_kind_invalid", _("类型应为代表建议或政协提案"), {"field": "kind"})
    body = BODY_OF_KIND[VoiceKind(data.kind)]
    record = current_record(proposer, body)
    grant = None if record is not None else role_grant_of_body(proposer, body)
    if record is None and grant is None:
        message = (
            _("只有人大代表才能提出代表建议") if body == DeputyBody.NPC else _("只有政协委员才能提出政协提案")
        )
        raise ActionError("not_a_deputy", message, {"field": "proposer"})
    if data.area not in SuggestionArea.values:
        raise ActionError("area_invalid", _("请选择建议类别"), {"field": "area"})
    if not (data.term or (record.term if record else "")).strip():
        raise ActionError("term_required", _("请填写届次"), {"field": "term"})
    if not data.session.strip():
        raise ActionError(
            "session_required", _("请填写会议（如：第三次会议、闭会期间）"), {"field": "session"}
        )
    if len(data.co_signers) > MAX_CO_SIGNERS:
        raise ActionError(
            "too_many_co_signers",
            _("附议人不能超过 %(n)d 人") % {"n": MAX_CO_SIGNERS},
            {"field": "co_signers"},
        )
    seen: set[int] = set()
    for person in data.co_signers:
        if person.pk == proposer.pk:
            raise ActionError("co_signer_is_proposer", _("领衔人不能同时作为附议人"), {"field": "co_signers"})
        if person.pk in seen:
            raise ActionError(
                "co_signer_duplicate",
                _("附议人“%(name)s”重复") % {"name": person.name},
                {"field": "co_signers"},
            )
        seen.add(person.pk)
        if not is_member_of_body(person, body):
            message = (
                _("“%(name)s”不是人大代表，不能附议代表建议")
                if body == DeputyBody.NPC
                else _("“%(name)s”不是政协委员，不能附议政协提案")
            )
            raise ActionError(
                "co_signer_not_member",
                message % {"name": person.name},
                {"field": "co_signers", "person": person.pk},
            )
    unit = data.unit or (record.unit if record else grant.unit if grant else None)
    assert unit is not None  # one of record/grant exists
    return body, record, unit


def _next_number(body: str, term: str, session: str) -> int:
    counter, _created = SuggestionCounter.objects.get_or_create(body=body, term=term, session=session)
    counter = SuggestionCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def do_file_suggestion(data: SuggestionInput, *, actor: Actor) -> Voice:
    """A deputy (member) files a suggestion (proposal); it goes straight to the dispatching office."""
    proposer = actor.person
    if proposer is None:
        raise ActionError("proposer_required", _("建议（提案）须由代表（委员）本人提出"))
    body, record, unit = check_file_suggestion(proposer, data)
    term = (data.term or (record.term if record else "")).strip()
    voice = create_voice(
        NewVoice(
            kind=data.kind,
            category=data.category,
            channel=channel_by_code(data.channel),
            unit=unit,
            title=data.title,
            content=data.content,
            submitter=proposer,
            registered_by=proposer,
            contact_name=proposer.name,
            contact_phone=proposer.phone,
        ),
        actor=actor,
    )
    dispatch = dispatch_unit_for(record, unit)
    details = SuggestionDetails.objects.create(
        voice=voice,
        body=body,
        number=_next_number(body, term, data.session.strip()),
        term=term,
        session=data.session.strip(),
        area=data.area,
        proposer_record=record,
        dispatch_unit=dispatch,
        expects_implementation=data.expects_implementation,
        filed_at=voice.created_at,
    )
    details.co_signers.set(data.co_signers)
    instance = runtime.start(
        PROCESS, subject=voice, unit=dispatch, title=f"{details.number_label} {voice.title}", actor=actor
    )
    record_event(
        actor=actor,
        action="voices.suggestion.file",
        subject=voice,
        unit=unit,
        public=True,
        data={
            "body": body,
            "number": details.number,
            "term": term,
            "session": details.session,
            "area": data.area,
            "record": record.pk if record else None,
            "co_signers": sorted(p.pk for p in data.co_signers),
            "dispatch_unit": dispatch.pk,
            "expects_implementation": data.expects_implementation,
        },
    )
    _notify_responsible(
        instance,
        voice,
        kind="voices.suggestion.filed",
        title=_("新建议（提案）待交办：%(t)s") % {"t": instance.title},
    )
    notify(
        data.co_signers,
        kind="voices.suggestion.cosigned",
        title=_("您已附议：%(t)s") % {"t": instance.title},
        url=suggestion_url(voice),
    )
    return voice


# --- assignment ----------------------------------------------------------------------------------


def details_of(voice: Voice) -> SuggestionDetails:
    details = SuggestionDetails.objects.filter(voice=voice).first()
    if details is None:
        raise NotFound("suggestion_not_found", _("该事项不是代表建议或政协提案"))
    return details


def check_assign_suggestion(details: SuggestionDetails, department: Unit, due_days: int | None) -> None:
    if department.kind != UnitKind.DEPARTMENT or not department.is_active:
        raise ActionError(
            "department_invalid", _("承办单位必须是启用的职能部门"), {"field": "lead_department"}
        )
    if not department.is_within(details.dispatch_unit):
        raise ActionError(
            "department_out_of_scope", _("承办单位不在交办机关的辖区内"), {"field": "lead_department"}
        )
    if due_days is not None and not 1 <= due_days <= 180:
        raise ActionError("due_days_invalid", _("办理期限应在1至180天之间"), {"field": "due_days"})


@transaction.atomic
def do_assign_suggestion(
    voice: Voice, department: Unit, *, actor: Actor, due_days: int | None = None
) -> Voice:
    details = details_of(voice)
    check_assign_suggestion(details, department, due_days)
    instance = instance_for(voice)
    deadline = deadline_after(runtime.now(), due_days, DayKind.CALENDAR) if due_days else None
    inputs: dict[str, Any] = {"lead_department": department}
    if due_days:
        inputs["due_days"] = due_days
    runtime.transition(
        instance, "assign", actor=actor, inputs=inputs, move_to=department, deadline_at=deadline
    )
    voice.lead_department = department
    voice.save(update_fields=["lead_department"])
    _notify_responsible(
        instance,
        voice,
        kind="voices.suggestion.assigned",
        title=_("交办建议（提案）：%(t)s") % {"t": instance.title},
    )
    notify(
        _people_to_tell(voice, details),
        kind="voices.suggestion.assigned",
        title=_("您的建议（提案）已交%(d)s办理") % {"d": department.name},
        url=suggestion_url(voice),
    )
    return voice


@transaction.atomic
def do_return_suggestion(voice: Voice, *, actor: Actor, reason: str) -> Voice:
    """The department says it is not theirs: back to the dispatching office for reassignment."""
    details = details_of(voice)
    instance = instance_for(voice)
    runtime.transition(
        instance, "return_for_reassignment", actor=actor, reason=reason, move_to=details.dispatch_unit
    )
    voice.lead_department = None
    voice.save(update_fields=["lead_department"])
    _notify_responsible(
        instance,
        voice,
        kind="voices.suggestion.returned",
        title=_("建议（提案）被退回，请重新交办：%(t)s") % {"t": instance.title},
    )
    return voice


# --- 面商 and reply ------------------------------------------------------------------------------


def check_consultation(details: SuggestionDetails, data: ConsultationInput) -> None:
    if timezone.is_naive(data.held_at):
        raise ActionError("held_at_invalid", _("面商时间无效"), {"field": "held_at"})
    if data.held_at > timezone.now() + dt.timedelta(minutes=5):
        raise ActionError("held_at_future", _("面商时间不能晚于现在：请在面商后登记"), {"field": "held_at"})
    if data.held_at < details.filed_at - dt.timedelta(days=1):
        raise ActionError(
            "held_at_before_filing", _("面商时间不能早于建议（提案）提出时间"), {"field": "held_at"}
        )
    for name, value, limit in (
        ("place", data.place, 200),
        ("department_attendees", data.department_attendees, 300),
    ):
        if not value.strip():
            raise ActionError(f"{name}_required", _("请填写面商地点和承办单位参加人员"), {"field": name})
        if len(value) > limit:
            raise ActionError(f"{name}_too_long", _("内容过长"), {"field": name})
    if len(data.notes) > TEXT_MAX:
        raise ActionError(
            "notes_too_long", _("面商情况不能超过 %(n)d 个字") % {"n": TEXT_MAX}, {"field": "notes"}
        )


@transaction.atomic
def do_record_consultation(voice: Voice, data: ConsultationInput, *, actor: Actor) -> FaceToFaceConsultation:
    details = details_of(voice)
    check_consultation(details, data)
    recorder = actor.person
    if recorder is None:
        raise ActionError("recorder_required", _("面商记录须由承办单位工作人员登记"))
    instance = instance_for(voice)
    department = instance.unit
    # 面商 does not extend the time allowed to reply: keep the deadline set at assignment.
    runtime.transition(
        instance,
        "consult",
        actor=actor,
        deadline_at=instance.deadline_at,
        inputs={
            "held_at": data.held_at.isoformat(),
            "place": data.place,
            "proposer_present": data.proposer_present,
            "department_attendees": data.department_attendees,
            "notes": data.notes,
        },
    )
    consultation = FaceToFaceConsultation.objects.create(
        voice=voice,
        department=department,
        held_at=data.held_at,
        place=data.place.strip(),
        department_attendees=data.department_attendees.strip(),
        proposer_present=data.proposer_present,
        notes=data.notes.strip(),
        recorded_by=recorder,
    )
    note_face_to_face(voice, data.held_at)  # 面商率 (minyi/voices/rates.py) counts it
    notify(
        _people_to_tell(voice, details)[:1],
        kind="voices.suggestion.consulted",
        title=_("%(d)s已登记与您的面商情况") % {"d": department.name},
        url=suggestion_url(voice),
    )
    return consultation


def check_reply(reply: str, resolution: str) -> None:
    if not reply.strip():
        raise ActionError("reply_required", _("请填写答复内容"), {"field": "reply"})
    if len(reply) > TEXT_MAX:
        raise ActionError(
            "reply_too_long", _("答复内容不能超过 %(n)d 个字") % {"n": TEXT_MAX}, {"field": "reply"}
        )
    if resolution not in Resolution.values:
        raise ActionError("resolution_invalid", _("请选择办理结果：已落实或已答复"), {"field": "resolution"})


@transaction.atomic
def do_reply_suggestion(
    voice: Voice, *, actor: Actor, reply: str, resolution: str, no_consultation_reason: str = ""
) -> Voice:
    """Reply after 面商; without one only with a recorded reason (it then counts against 面商率)."""
    details = details_of(voice)
    check_reply(reply, resolution)
    instance = instance_for(voice)
    inputs = {"reply": reply, "resolution": resolution}
    if instance.state == "assigned":
        if not no_consultation_reason.strip():
            raise ActionError(
                "consultation_required",
                _("答复前应与代表（委员）面商；确实无法面商的，请说明原因"),
                {"field": "no_consultation_reason"},
            )
        runtime.transition(
            instance, "reply_without_consultation", actor=actor, inputs=inputs, reason=no_consultation_reason
        )
        details.no_consultation_reason = no_consultation_reason.strip()
        details.save(update_fields=["no_consultation_reason"])
    else:
        runtime.transition(instance, "reply", actor=actor, inputs=inputs)
    voice.reply = reply.strip()
    voice.resolution = resolution
    voice.replied_at = runtime.now()
    voice.save(update_fields=["reply", "resolution", "replied_at"])
    notify(
        _people_to_tell(voice, details),
        kind="voices.suggestion.replied",
        title=_("建议（提案）已答复，请评价：%(t)s") % {"t": instance.title},
        url=suggestion_url(voice),
    )
    return voice


# --- the proposer's rating, follow-up and closing ------------------------------------------------


@transaction.atomic
def do_rate_suggestion(voice: Voice, *, actor: Actor, satisfaction: str, comment: str = "") -> Voice:
    details_of(voice)
    if satisfaction not in Satisfaction.values:
        raise ActionError(
            "satisfaction_invalid", _("请选择满意、基本满意或不满意"), {"field": "satisfaction"}
        )
    instance = instance_for(voice)
    department_people = handlers_of(instance.unit)
    runtime.transition(
        instance, "rate", actor=actor, inputs={"satisfaction": satisfaction, "comment": comment}
    )
    voice.satisfaction = satisfaction
    voice.feedback_comment = comment.strip()
    voice.feedback_at = runtime.now()
    voice.save(update_fields=["satisfaction", "feedback_comment", "feedback_at"])
    notify(
        department_people,
        kind="voices.suggestion.rated",
        title=_("代表（委员）已评价：%(s)s") % {"s": Satisfaction(satisfaction).label},
        url=suggestion_url(voice),
    )
    return voice


def check_follow_up(voice: Voice, details: SuggestionDetails) -> None:
    if not details.expects_implementation:
        raise ActionError("follow_up_not_needed", _("该建议（提案）未要求落实，不能跟踪落实"))
    if voice.resolution != Resolution.ANSWERED:
        raise ActionError("follow_up_already_resolved", _("该建议（提案）已落实，无需跟踪"))


@transaction.atomic
def do_follow_up_suggestion(voice: Voice, *, actor: Actor, reason: str) -> Voice:
    """An answered-only reply to a suggestion that asked for implementation goes back to the department."""
    details = details_of(voice)
    check_follow_up(voice, details)
    instance = instance_for(voice)
    runtime.transition(instance, "follow_up", actor=actor, reason=reason)
    details.follow_up_count += 1
    details.save(update_fields=["follow_up_count"])
    _notify_responsible(
        instance,
        voice,
        kind="voices.suggestion.follow_up",
        title=_("建议（提案）需跟踪落实：%(t)s") % {"t": instance.title},
    )
    return voice


@transaction.atomic
def do_close_suggestion(voice: Voice, *, actor: Actor) -> Voice:
    details = details_of(voice)
    instance = instance_for(voice)
    closed = runtime.transition(instance, "close", actor=actor)
    voice.closed_at = closed.state_entered_at  # written with the step (minyi.voices.closed_at)
    notify(
        _people_to_tell(voice, details)[:1],
        kind="voices.suggestion.closed",
        title=_("建议（提案）已办结：%(t)s") % {"t": instance.title},
        url=suggestion_url(voice),
    )
    return voice
