"""D6 — 代表问政会 and 专题询问: questions from deputies, answers from named officials, follow-up, publication.

A follow-up is either turned into a voice (民情事项) through the intake action, so the voice process
handles and tracks it, or kept here as a tracked item with a responsible unit and a deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.core.scope import authorizing_grant
from minyi.deliberation.actions.consultation import _required
from minyi.deliberation.models import (
    Answer,
    FollowUp,
    FollowUpState,
    InquirySession,
    Question,
    SessionKind,
    SessionState,
)
from minyi.deliberation.organisers import ASKER_ROLES, require_organiser


@dataclass(frozen=True)
class SessionInput:
    kind: str
    title: str
    subject: str
    held_at: dt.datetime
    place: str = ""


def _event(session: InquirySession, action: str, actor: Actor, data: dict[str, object], public: bool) -> None:
    record_event(
        actor=actor,
        action=f"deliberation.inquiry.{action}",
        subject=session,
        unit=session.unit,
        public=public,
        data=data,
    )


def _locked(session: InquirySession) -> InquirySession:
    return InquirySession.objects.select_for_update(of=("self",)).select_related("unit").get(pk=session.pk)


def require_session_state(session: InquirySession, *states: str) -> None:
    if session.state not in states:
        raise Conflict(
            "session_wrong_state",
            _("当前为“%(state)s”，不能进行此操作") % {"state": SessionState(session.state).label},
            {"state": session.state},
        )


@transaction.atomic
def do_create_session(unit: Unit, data: SessionInput, *, actor: Actor) -> InquirySession:
    require_organiser(actor, unit)
    if data.kind not in SessionKind.values:
        raise ActionError("kind_unknown", _("请选择问政会或专题询问"), {"field": "kind"})
    session = InquirySession.objects.create(
        unit=unit,
        kind=data.kind,
        title=_required(data.title, "title_required", _("请填写名称"), "title", 200),
        subject=_required(data.subject, "subject_required", _("请填写主题"), "subject"),
        held_at=data.held_at,
        place=data.place.strip(),
    )
    _event(session, "create", actor, {"kind": session.kind, "title": session.title}, public=True)
    return session


@transaction.atomic
def do_record_question(session: InquirySession, asker: Person, text: str, *, actor: Actor) -> Question:
    """A question put by a deputy or CPPCC member (the asker must hold that role on the unit or above)."""
    require_organiser(actor, session.unit)
    session = _locked(session)
    require_session_state(session, SessionState.PLANNED, SessionState.HELD)
    grant = authorizing_grant(asker, ASKER_ROLES, session.unit)
    if grant is None:
        raise NotPermitted(
            "not_deputy", _("%(name)s 不是人大代表或政协委员") % {"name": asker}, {"field": "asker"}
        )
    question = Question.objects.create(
        session=session,
        asker=asker,
        asker_role=grant.role,
        text=_required(text, "question_required", _("请填写问题"), "text"),
        asked_at=timezone.now(),
    )
    if session.state == SessionState.PLANNED:
        session.state = SessionState.HELD
        session.save(update_fields=["state"])
    _event(session, "question", actor, {"question": question.pk, "asker": asker.pk}, public=False)
    return question


@transaction.atomic
def do_record_answer(
    question: Question, official: Person, *, office: str, office_unit: Unit, text: str, actor: Actor
) -> Answer:
    """The answer of a named official (姓名 + 职务), e.g. the head of the housing bureau."""
    session = question.session
    require_organiser(actor, session.unit)
    require_session_state(_locked(session), SessionState.HELD)
    answer = Answer.objects.create(
        question=question,
        official=official,
        office=_required(office, "office_required", _("请填写答复人职务"), "office", 120),
        office_unit=office_unit,
        text=_required(text, "answer_required", _("请填写答复内容"), "text"),
        answered_at=timezone.now(),
    )
    _event(session, "answer", actor, {"question": question.pk, "official": official.pk}, public=False)
    return answer


@transaction.atomic
def do_track_follow_up(
    question: Question, text: str, *, responsible_unit: Unit, deadline: dt.date, actor: Actor
) -> FollowUp:
    """A commitment tracked here: a responsible unit and a deadline (跟踪督办)."""
    session = question.session
    require_organiser(actor, session.unit)
    if deadline < timezone.localdate():
        raise ActionError("input_invalid", _("请填写今天或以后的办理期限"), {"field": "deadline"})
    follow_up = FollowUp.objects.create(
        question=question,
        text=_required(text, "follow_up_required", _("请填写跟踪事项"), "text"),
        responsible_unit=responsible_unit,
        deadline=deadline,
    )
    _event(
        session, "follow_up", actor, {"follow_up": follow_up.pk, "unit": responsible_unit.pk}, public=False
    )
    return follow_up


@transaction.atomic
def do_follow_up_as_voice(
    question: Question,
    *,
    title: str,
    text: str,
    category: object,
    unit: Unit,
    actor: Actor,
    channel_code: str = ChannelCode.RECEPTION,
) -> FollowUp:
    """Turn a follow-up into a voice through the intake action; the voice process then handles and tracks it."""
    from minyi.voices.actions.intake import VoiceInput, do_register_voice

    session = question.session
    require_organiser(actor, session.unit)
    text = _required(text, "follow_up_required", _("请填写跟踪事项"), "text")
    result = do_register_voice(
        VoiceInput(
            title=title,
            content=text,
            category=category,  # type: ignore[arg-type]
            unit=unit,
            received_at=timezone.now(),
        ),
        actor=actor,
        channel_code=channel_code,
    )
    follow_up = FollowUp.objects.create(
        question=question, text=text, voice=result.voice, responsible_unit=unit
    )
    _event(session, "follow_up", actor, {"follow_up": follow_up.pk, "voice": result.voice.pk}, public=False)
    return follow_up


@transaction.atomic
def do_complete_follow_up(follow_up: FollowUp, *, result: str, actor: Actor) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("question__session__unit")
        .get(pk=follow_up.pk)
    )
    session = follow_up.question.session
    require_organiser(actor, session.unit)
    if follow_up.voice_id is not None:
        raise Conflict("follow_up_is_voice", _("该事项已转为民情事项，按其流程办结"), {})
    if follow_up.state == FollowUpState.DONE:
        raise Conflict("follow_up_done", _("该事项已办结"), {})
    follow_up.result = _required(result, "result_required", _("请填写办理结果"), "result")
    follow_up.state, follow_up.done_at = FollowUpState.DONE, timezone.now()
    follow_up.save(update_fields=["result", "state", "done_at"])
    _event(
        session, "follow_up_done", actor, {"follow_up": follow_up.pk, "result": follow_up.result}, public=True
    )
    return follow_up


@transaction.atomic
def do_publish_session(session: InquirySession, *, actor: Actor) -> InquirySession:
    """Publish questions, answers and follow-up (向代表和社会公布); askers and officials are told."""
    require_organiser(actor, session.unit)
    session = _locked(session)
    require_session_state(session, SessionState.HELD)
    questions = list(session.questions.select_related("asker").prefetch_related("answers__official"))
    if not questions:
        raise ActionError("no_questions", _("还没有记录问题"), {})
    unanswered = [q.pk for q in questions if not q.answers.all()]
    if unanswered:
        raise ActionError(
            "questions_unanswered",
            _("还有 %(n)d 个问题未答复") % {"n": len(unanswered)},
            {"questions": unanswered},
        )
    session.state, session.published_at = SessionState.PUBLISHED, timezone.now()
    session.save(update_fields=["state", "published_at"])
    _event(session, "publish", actor, {"questions": len(questions)}, public=True)
    people = [q.asker for q in questions] + [a.official for q in questions for a in q.answers.all()]
    notify(
        people,
        kind="deliberation.inquiry.published",
        title=_("已公开：%(title)s") % {"title": session.title},
        url=f"/deliberation/inquiries/{session.pk}/",
    )
    return session
