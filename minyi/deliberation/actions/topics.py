"""D4 — the five-step topic procedure (议事五步法) through the `deliberation_topic` process.

Each step is a transition of the process, so none can be skipped: the engine refuses a transition
from any state but the one before it (`transition_wrong_state`) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.steps import register_step
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person, ProcessInstance, RoleGrant
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_ref
from minyi.deliberation.models import Area, Council, Meeting, Progress, Supervision, Topic, TopicSource
from minyi.deliberation.predicates import is_council_manager, is_member_of
from minyi.voices.models import Voice

PROCESS = "deliberation_topic"
SUPERVISED_STATES = ("reviewing", "resolving", "publicising")
TITLE_MAX = 100
DESCRIPTION_MAX = 4000


def instance_for(topic: Topic) -> ProcessInstance:
    kind, pk = subject_ref(topic)
    return ProcessInstance.objects.select_related("unit").get(
        process=PROCESS, subject_type=kind, subject_id=pk
    )


def topic_state(topic: Topic) -> str:
    return instance_for(topic).state


def instances_for(topics: list[Topic]) -> dict[int, ProcessInstance]:
    """Topic id → process instance, in one query (list pages)."""
    kind = Topic._meta.label_lower
    rows = ProcessInstance.objects.filter(
        process=PROCESS, subject_type=kind, subject_id__in=[str(t.pk) for t in topics]
    )
    return {int(i.subject_id): i for i in rows}


def managers_of(council: Council) -> list[Person]:
    grants = (
        RoleGrant.objects.active()
        .filter(role="community_staff", unit__path__in=council.unit.ancestor_paths(), person__is_active=True)
        .select_related("person")
    )
    return [g.person for g in grants]


def supervisors_of(topic: Topic) -> list[Person]:
    return [s.person for s in Supervision.objects.filter(topic=topic).select_related("person")]


def require_manager(actor: Actor, council: Council) -> None:
    if not actor.is_system and not is_council_manager(actor.person, council):
        raise NotPermitted("not_permitted", _("只有社区“两委”工作人员可以办理"))


@dataclass(frozen=True)
class TopicInput:
    title: str
    description: str
    area: str


def check_topic_input(data: TopicInput) -> None:
    if not data.title.strip():
        raise ActionError("title_required", _("议题不能为空"), {"field": "title"})
    if len(data.title.strip()) > TITLE_MAX:
        raise ActionError(
            "input_invalid", _("议题不能超过 %(n)d 个字") % {"n": TITLE_MAX}, {"field": "title"}
        )
    if not data.description.strip():
        raise ActionError("description_required", _("请填写议题内容"), {"field": "description"})
    if len(data.description) > DESCRIPTION_MAX:
        raise ActionError(
            "input_invalid", _("内容不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}, {"field": "description"}
        )
    if data.area not in Area.values:
        raise ActionError("area_unknown", _("请选择议题所属的方面"), {"field": "area"})


def _create(
    council: Council,
    data: TopicInput,
    *,
    source: str,
    actor: Actor,
    proposer: Person | None,
    voice: Voice | None = None,
) -> Topic:
    if not council.is_active:
        raise ActionError("council_inactive", _("该议事会已停用"), {})
    check_topic_input(data)
    topic = Topic.objects.create(
        council=council,
        title=data.title.strip(),
        description=data.description.strip(),
        area=data.area,
        source=source,
        proposer=proposer,
        voice=voice,
        proposed_at=timezone.now(),
    )
    # The start event is public: topics are published before the meeting (seed 000 "议题事先向居民公开").
    runtime.start(PROCESS, subject=topic, unit=council.unit, title=topic.title, actor=actor)
    notify(
        managers_of(council),
        kind="deliberation.topic.proposed",
        title=_("新议题待商议：%(title)s") % {"title": topic.title},
    )
    return topic


@transaction.atomic
def do_propose_topic(council: Council, data: TopicInput, *, actor: Actor) -> Topic:
    """提出议题权: only the council's members propose topics."""
    if not is_member_of(actor.person, council):
        raise NotPermitted("not_member", _("只有本议事会代表可以提出议题"))
    return _create(council, data, source=TopicSource.MEMBER, actor=actor, proposer=actor.person)


@transaction.atomic
def do_submit_resident_topic(council: Council, data: TopicInput, *, actor: Actor) -> Topic:
    """A resident's proposal from the public page (征集议题); it enters 提议 like a member's."""
    if actor.person is None:
        raise NotPermitted("login_required", _("请先登录后再提交议题"))
    return _create(council, data, source=TopicSource.RESIDENT, actor=actor, proposer=actor.person)


@transaction.atomic
def do_topic_from_voice(voice: Voice, *, council: Council, area: str, actor: Actor, title: str = "") -> Topic:
    """Turn a voice (民情事项) into a topic, keeping the link both ways on the record."""
    require_manager(actor, council)
    if Topic.objects.filter(voice=voice).exists():
        raise Conflict("voice_has_topic", _("该民情事项已转为议题"), {"field": "voice"})
    data = TopicInput(title=(title or voice.title)[:TITLE_MAX], description=voice.content, area=area)
    topic = _create(
        council, data, source=TopicSource.VOICE, actor=actor, proposer=voice.submitter, voice=voice
    )
    record_event(
        actor=actor,
        action="deliberation.topic.from_voice",
        subject=voice,
        unit=voice.unit,
        public=False,
        data={"topic": topic.pk, "council": council.pk},
    )
    return topic


def _locked(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().select_related("council__unit").get(pk=topic.pk)


def _proposer_and_supervisors(topic: Topic) -> list[Person]:
    people = supervisors_of(topic)
    if topic.proposer is not None:
        people.append(topic.proposer)
    return people


@transaction.atomic
def do_mark_valid(topic: Topic, *, actor: Actor, reason: str = "") -> Topic:
    """商议: the two committees find the topic valid; it goes to the representatives' assembly."""
    runtime.transition(instance_for(topic), "mark_valid", actor=actor, reason=reason)
    topic = _locked(topic)
    topic.consulted_at = timezone.now()
    topic.save(update_fields=["consulted_at"])
    notify(
        _proposer_and_supervisors(topic),
        kind="deliberation.topic.valid",
        title=_("议题经商议为有效议题：%(title)s") % {"title": topic.title},
    )
    return topic


@transaction.atomic
def do_mark_invalid(topic: Topic, *, reason: str, actor: Actor) -> Topic:
    """商议: invalid; the reason is public (公示栏和微信平台反馈)."""
    runtime.transition(instance_for(topic), "mark_invalid", actor=actor, reason=reason)
    topic = _locked(topic)
    topic.consulted_at = timezone.now()
    topic.invalid_reason = reason.strip()
    topic.save(update_fields=["consulted_at", "invalid_reason"])
    notify(
        _proposer_and_supervisors(topic),
        kind="deliberation.topic.invalid",
        title=_("议题未被采纳：%(title)s") % {"title": topic.title},
        body=topic.invalid_reason,
    )
    return topic


@dataclass(frozen=True)
class PlanInput:
    feasibility: str
    plan: str
    budget: Decimal | str
    staffing: str
    starts_on: dt.date
    ends_on: dt.date


def check_plan(data: PlanInput) -> Decimal:
    """Validate an implementation plan; returns the budget."""
    try:
        budget = Decimal(str(data.budget))
    except InvalidOperation:
        raise ActionError("input_invalid", _("经费必须是金额"), {"field": "budget"}) from None
    if not budget.is_finite() or budget < 0 or budget != budget.quantize(Decimal("0.01")) or budget >= 10**12:
        raise ActionError("input_invalid", _("经费必须是不小于0、最多两位小数的金额"), {"field": "budget"})
    if data.ends_on < data.starts_on:
        raise ActionError("input_invalid", _("计划完成日期不能早于开始日期"), {"field": "ends_on"})
    return budget


@transaction.atomic
def do_adopt_plan(topic: Topic, data: PlanInput, *, actor: Actor, by_vote: bool = False) -> Topic:
    """审议: the representatives' assembly judges feasibility and adopts the plan (budget in 元, people, dates).

    When the council has `assembly_vote` set, the plan is adopted only by the assembly's vote
    (`review_polls.do_close_review_poll`, `by_vote=True`); staff cannot record it directly.
    """
    budget = check_plan(data)
    if not by_vote and Council.objects.filter(pk=topic.council_id, assembly_vote=True).exists():
        raise Conflict(
            "assembly_vote_required", _("本议事会的实施方案须经居民代表大会投票通过"), {"field": "plan"}
        )
    runtime.transition(
        instance_for(topic),
        "adopt_plan",
        actor=actor,
        inputs={
            "feasibility": data.feasibility,
            "plan": data.plan,
            "budget": budget,
            "staffing": data.staffing,
            "starts_on": data.starts_on,
            "ends_on": data.ends_on,
        },
    )
    topic = _locked(topic)
    topic.feasibility, topic.plan, topic.budget = data.feasibility.strip(), data.plan.strip(), budget
    topic.staffing, topic.plan_starts_on, topic.plan_ends_on = (
        data.staffing.strip(),
        data.starts_on,
        data.ends_on,
    )
    topic.reviewed_at = timezone.now()
    topic.save(
        update_fields=[
            "feasibility",
            "plan",
            "budget",
            "staffing",
            "plan_starts_on",
            "plan_ends_on",
            "reviewed_at",
        ]
    )
    return topic


@transaction.atomic
def do_supervise_topic(topic: Topic, *, actor: Actor) -> Supervision:
    """督办权: a member follows an accepted topic; they are told of its progress and its close."""
    topic = _locked(topic)
    if not is_member_of(actor.person, topic.council):
        raise NotPermitted("not_member", _("只有本议事会代表可以督办议题"))
    if topic_state(topic) not in SUPERVISED_STATES:
        raise Conflict("topic_not_supervisable", _("只有已采纳、尚未办结的议题可以督办"), {})
    assert actor.person is not None
    if Supervision.objects.filter(topic=topic, person=actor.person).exists():
        raise Conflict("already_supervising", _("您已在督办该议题"), {})
    supervision = Supervision.objects.create(topic=topic, person=actor.person)
    record_event(
        actor=actor,
        action="deliberation.topic.supervise",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={},
    )
    return supervision


@transaction.atomic
def do_report_progress(topic: Topic, text: str, *, actor: Actor) -> Progress:
    """公示: the responsible person (or staff) reports progress; supervisors are told."""
    topic = _locked(topic)
    person = actor.person
    if person is None or (
        person.pk != topic.responsible_id and not is_council_manager(person, topic.council)
    ):
        raise NotPermitted("not_permitted", _("只有责任人或社区“两委”可以报告办理进展"))
    if topic_state(topic) != "publicising":
        raise Conflict("topic_not_in_progress", _("议题不在办理公示阶段"), {})
    if not text.strip():
        raise ActionError("progress_required", _("请填写办理进展"), {"field": "text"})
    progress = Progress.objects.create(
        topic=topic, text=text.strip(), recorded_by=person, recorded_at=timezone.now()
    )
    record_event(
        actor=actor,
        action="deliberation.topic.progress",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"text": progress.text},
    )
    notify(
        supervisors_of(topic),
        kind="deliberation.topic.progress",
        title=_("督办议题有新进展：%(title)s") % {"title": topic.title},
        body=progress.text,
    )
    return progress


@transaction.atomic
def do_close_topic(topic: Topic, *, feedback: str, meeting: Meeting, actor: Actor) -> Topic:
    """公示: the feedback meeting (议案办理反馈会) reports the result; the topic is closed."""
    from minyi.deliberation.actions.meetings import do_add_decision

    if meeting.council_id != topic.council_id:
        raise ActionError("meeting_other_council", _("会议不属于该议事会"), {"field": "meeting"})
    runtime.transition(
        instance_for(topic), "close", actor=actor, inputs={"feedback": feedback, "meeting": meeting.pk}
    )
    topic = _locked(topic)
    topic.feedback = feedback.strip()
    topic.feedback_meeting = meeting
    topic.closed_at = timezone.now()
    topic.save(update_fields=["feedback", "feedback_meeting", "closed_at"])
    do_add_decision(
        meeting,
        _("议题“%(title)s”办理完毕：%(feedback)s") % {"title": topic.title, "feedback": topic.feedback},
        topic=topic,
        actor=actor,
    )
    notify(
        _proposer_and_supervisors(topic),
        kind="deliberation.topic.closed",
        title=_("议题已办结：%(title)s") % {"title": topic.title},
        body=topic.feedback,
    )
    return topic


# Steps taken from the generic process page go through the same actions.
def _topic(instance: ProcessInstance) -> Topic:
    return Topic.objects.select_related("council__unit").get(pk=instance.subject_id)


def _perform_valid(instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor) -> Topic:
    return do_mark_valid(_topic(instance), actor=actor, reason=reason)


def _perform_invalid(
    instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor
) -> Topic:
    return do_mark_invalid(_topic(instance), reason=reason, actor=actor)


def _perform_plan(instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor) -> Topic:
    def day(value: Any) -> dt.date:
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise ActionError("input_invalid", _("日期格式应为 YYYY-MM-DD"), {"field": "starts_on"}) from None

    return do_adopt_plan(
        _topic(instance),
        PlanInput(
            feasibility=str(inputs.get("feasibility", "")),
            plan=str(inputs.get("plan", "")),
            budget=str(inputs.get("budget", "")),
            staffing=str(inputs.get("staffing", "")),
            starts_on=day(inputs.get("starts_on")),
            ends_on=day(inputs.get("ends_on")),
        ),
        actor=actor,
    )


def _perform_close(instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor) -> Topic:
    topic = _topic(instance)
    meeting = Meeting.objects.filter(pk=inputs.get("meeting") or 0, council=topic.council).first()
    if meeting is None:
        raise ActionError("meeting_unknown", _("请选择本议事会的反馈会"), {"field": "meeting"})
    return do_close_topic(topic, feedback=str(inputs.get("feedback", "")), meeting=meeting, actor=actor)


def _perform_resolve(
    instance: ProcessInstance, *, inputs: dict[str, Any], reason: str, actor: Actor
) -> Topic:
    from minyi.deliberation.actions.polls import do_resolve_topic

    responsible = Person.objects.filter(pk=inputs.get("responsible") or 0).first()
    deadline = inputs.get("deadline")
    if deadline is not None and not isinstance(deadline, dt.date):
        try:
            deadline = dt.date.fromisoformat(str(deadline))
        except ValueError:
            raise ActionError("input_invalid", _("日期格式应为 YYYY-MM-DD"), {"field": "deadline"}) from None
    return do_resolve_topic(_topic(instance), responsible=responsible, deadline=deadline, actor=actor)


register_step(PROCESS, "mark_valid", _perform_valid)
register_step(PROCESS, "mark_invalid", _perform_invalid)
register_step(PROCESS, "adopt_plan", _perform_plan)
register_step(PROCESS, "pass_vote", _perform_resolve)
register_step(PROCESS, "fail_vote", _perform_resolve)
register_step(PROCESS, "close", _perform_close)
