"""D2 duties beyond attendance: 联系居民及辖区单位 (contacts), 带头执行决议 (assignments), 反映督办事项 (reports)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.actions.consultation import _required
from minyi.deliberation.actions.topics import managers_of, require_manager, topic_state
from minyi.deliberation.models import (
    Assignment,
    ContactKind,
    LiaisonContact,
    Membership,
    Supervision,
    SupervisionReport,
    Topic,
)


def _own_membership(actor: Actor, council_id: int) -> Membership:
    membership = (
        Membership.objects.filter(council_id=council_id, person=actor.person, is_active=True)
        .select_related("council__unit")
        .first()
        if actor.person is not None
        else None
    )
    if membership is None:
        raise NotPermitted("not_member", _("只有本议事会在任代表可以办理"))
    return membership


@transaction.atomic
def do_log_contact(
    membership: Membership, *, contacted_on: dt.date, kind: str, whom: str, summary: str, actor: Actor
) -> LiaisonContact:
    """A member logs a contact with residents or a unit; only the member themself logs their own."""
    if actor.person is None or actor.person.pk != membership.person_id or not membership.is_active:
        raise NotPermitted("not_own_membership", _("只能登记本人的联系记录"))
    if kind not in ContactKind.values:
        raise ActionError("kind_unknown", _("请选择联系方式"), {"field": "kind"})
    if contacted_on > timezone.localdate():
        raise ActionError("input_invalid", _("联系日期不能晚于今天"), {"field": "contacted_on"})
    contact = LiaisonContact.objects.create(
        membership=membership,
        contacted_on=contacted_on,
        kind=kind,
        whom=_required(whom, "whom_required", _("请填写联系对象"), "whom", 200),
        summary=_required(summary, "summary_required", _("请填写反映的问题与意见"), "summary"),
    )
    record_event(
        actor=actor,
        action="deliberation.duty.contact",
        subject=membership.council,
        unit=membership.council.unit,
        public=False,
        data={"contact": contact.pk, "on": contacted_on, "kind": kind},
    )
    return contact


@transaction.atomic
def do_assign_task(topic: Topic, membership: Membership, task: str, *, actor: Actor) -> Assignment:
    """Staff give a member a part in carrying out a passed topic (带头执行决议)."""
    require_manager(actor, topic.council)
    if membership.council_id != topic.council_id or not membership.is_active:
        raise ActionError("not_member", _("只能指派本议事会在任代表"), {"field": "membership"})
    if topic_state(topic) != "publicising":
        raise Conflict("topic_not_in_progress", _("议题不在办理公示阶段"), {})
    assignment = Assignment.objects.create(
        topic=topic,
        membership=membership,
        task=_required(task, "task_required", _("请填写任务"), "task", 300),
        assigned_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="deliberation.topic.assign",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"assignment": assignment.pk, "person": membership.person_id, "task": assignment.task},
    )
    notify(
        [membership.person],
        kind="deliberation.topic.task",
        title=_("请带头落实议题：%(title)s") % {"title": topic.title},
        body=assignment.task,
        url=f"/deliberation/topics/{topic.pk}/",
    )
    return assignment


@transaction.atomic
def do_complete_assignment(assignment: Assignment, *, note: str, actor: Actor) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("topic__council__unit")
        .get(pk=assignment.pk)
    )
    if actor.person is None or actor.person.pk != assignment.membership.person_id:
        require_manager(actor, assignment.topic.council)
    if assignment.done_at is not None:
        raise Conflict("assignment_done", _("该任务已完成"), {})
    assignment.note = _required(note, "note_required", _("请填写完成情况"), "note")
    assignment.done_at = timezone.now()
    assignment.save(update_fields=["note", "done_at"])
    record_event(
        actor=actor,
        action="deliberation.topic.assignment_done",
        subject=assignment.topic,
        unit=assignment.topic.council.unit,
        public=True,
        data={"assignment": assignment.pk, "note": assignment.note},
    )
    return assignment


@transaction.atomic
def do_report_supervision(topic: Topic, text: str, *, actor: Actor) -> SupervisionReport:
    """A member supervising the topic reports what they found (反映督办事项); the staff are told."""
    membership = _own_membership(actor, topic.council_id)
    if not Supervision.objects.filter(topic=topic, person=membership.person).exists():
        raise NotPermitted("not_supervising", _("请先督办该议题"))
    report = SupervisionReport.objects.create(
        topic=topic,
        membership=membership,
        text=_required(text, "report_required", _("请填写督办情况"), "text"),
        reported_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="deliberation.topic.supervision_report",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"report": report.pk, "text": report.text},
    )
    notify(
        managers_of(topic.council),
        kind="deliberation.topic.supervision_report",
        title=_("代表反映督办情况：%(title)s") % {"title": topic.title},
        body=report.text,
        url=f"/deliberation/topics/{topic.pk}/",
    )
    return report
