"""D4 决议 — the council votes on a topic through minyi.ballots; the result moves the topic on.

The electorate is the council's active members; the sign-in list is the members who signed in at
the meeting, so the poll's quorum is the meeting's. We check the quorum first so the error names the
meeting's numbers, and ballots checks it again when opening.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.ballots.actions import PollInput, do_close_poll, do_create_poll, do_open_poll, do_publish_poll
from minyi.ballots.models import Counting, Method, Poll, PollState
from minyi.ballots.schemas import MAJORITY_PRESETS
from minyi.core.actors import Actor
from minyi.core.calendar import local_tz
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.actions.meetings import (
    QuorumStatus,
    active_members,
    do_add_decision,
    present_members,
    quorum,
    quorum_json,
    quorum_threshold,
    require_meeting_state,
)
from minyi.deliberation.actions.topics import (
    _locked,
    _proposer_and_supervisors,
    instance_for,
    require_manager,
    topic_state,
)
from minyi.deliberation.models import AgendaItem, Meeting, MeetingState, Membership, MemberType, Topic

POLL_SUBJECT = "deliberation.topic"


def vote_outcome(poll: Poll) -> str:
    """A sentence for the minutes and the public board, e.g. 赞成 7 票，反对 2 票，弃权 1 票，通过。"""
    result = poll.result or {}
    passed = _("通过") if result.get("passed") else _("未通过")
    return _(
        "应到 %(electorate)s 人，实到 %(present)s 人；赞成 %(yes)s 票，反对 %(no)s 票，弃权 %(abstain)s 票，%(passed)s。"
    ) % {
        "electorate": result.get("electorate"),
        "present": result.get("present"),
        "yes": result.get("yes", 0),
        "no": result.get("no", 0),
        "abstain": result.get("abstain", 0),
        "passed": passed,
    }


def voters_for(topic: Topic, meeting: Meeting) -> tuple[list[Person], list[Person]]:
    """The 决议 electorate and those of it present: all active members, or only the governance members
    (五级治理理事会) when the council is so configured (seed 000: the governance council votes)."""
    if not topic.council.governance_vote:
        return active_members(topic.council), present_members(meeting)
    governance = {
        m.person_id: m.person
        for m in Membership.objects.filter(
            council=topic.council, is_active=True, member_type=MemberType.GOVERNANCE
        ).select_related("person")
    }
    if not governance:
        raise ActionError("no_governance_members", _("本议事会没有“五级治理”理事会成员，不能表决"), {})
    return list(governance.values()), [p for p in present_members(meeting) if p.pk in governance]


def voting_quorum(
    topic: Topic, meeting: Meeting, electorate: list[Person], present: list[Person]
) -> QuorumStatus:
    """The meeting's quorum when all members vote; else the governance members' own quorum."""
    if not topic.council.governance_vote:
        return quorum(meeting)
    threshold = quorum_threshold()
    members = len(electorate)
    return QuorumStatus(
        members, len(present), threshold.minimum(members), threshold.reached(len(present), members)
    )


def meeting_of_poll(topic: Topic) -> Meeting | None:
    item = (
        AgendaItem.objects.filter(topic=topic)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    return item.meeting if item else None


@transaction.atomic
def do_open_topic_poll(topic: Topic, meeting: Meeting, *, actor: Actor, secret: bool = False) -> Poll:
    """Open the council's vote on `topic` at `meeting`; refused without quorum (nothing written)."""
    require_manager(actor, topic.council)
    topic = _locked(topic)
    if topic_state(topic) != "resolving":
        raise Conflict("topic_not_resolving", _("议题尚未通过审议，不能表决"), {"state": topic_state(topic)})
    if (
        meeting.council_id != topic.council_id
        or not AgendaItem.objects.filter(meeting=meeting, topic=topic).exists()
    ):
        raise ActionError("topic_not_on_agenda", _("议题不在本次会议议程中"), {"field": "topic"})
    require_meeting_state(meeting, MeetingState.OPEN)
    if topic.poll_id is not None:
        raise Conflict("poll_exists", _("该议题已发起表决"), {"poll": topic.poll_id})
    electorate, present = voters_for(topic, meeting)
    status = voting_quorum(topic, meeting, electorate, present)
    if not status.reached:
        raise ActionError(
            "quorum_not_met",
            _("到会代表 %(present)d 人，未达到法定人数 %(required)d 人，不能表决")
            % {"present": status.present, "required": status.required},
            {"present": status.present, "required": status.required, "members": status.members},
        )
    rule = MAJORITY_PRESETS[settings.MINYI_COUNCIL_VOTE_RULE].model_dump(mode="json")
    poll = do_create_poll(
        PollInput(
            unit=topic.council.unit,
            title=topic.title,
            method=Method.YES_NO,
            secrecy="secret" if secret else "named",
            rule=rule,
            quorum=quorum_json(),
            counting=Counting.ELECTRONIC,
            subject_type=POLL_SUBJECT,
            subject_id=str(topic.pk),
            description=topic.plan,
        ),
        actor=actor,
    )
    poll = do_open_poll(poll, actor=actor, electorate=electorate, present=present)
    topic.poll = poll
    topic.save(update_fields=["poll"])
    record_event(
        actor=actor,
        action="deliberation.topic.poll_open",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"poll": poll.pk, "meeting": meeting.pk},
    )
    notify(
        present,
        kind="deliberation.poll.open",
        title=_("请对议题表决：%(title)s") % {"title": topic.title},
    )
    return poll


@transaction.atomic
def do_close_topic_poll(topic: Topic, *, actor: Actor) -> Poll:
    """Close and publish the vote (当场宣布): electronic polls are counted on closing."""
    require_manager(actor, topic.council)
    topic = _locked(topic)
    if topic.poll is None:
        raise Conflict("poll_missing", _("该议题尚未发起表决"), {})
    poll = do_close_poll(topic.poll, actor=actor)
    return do_publish_poll(poll, actor=actor)


@transaction.atomic
def do_resolve_topic(
    topic: Topic, *, actor: Actor, responsible: Person | None = None, deadline: dt.date | None = None
) -> Topic:
    """决议: a passed topic gets a responsible person and deadline; a failed one closes with the result."""
    require_manager(actor, topic.council)
    topic = _locked(topic)
    if topic_state(topic) != "resolving":
        raise Conflict("topic_not_resolving", _("议题不在决议阶段"), {"state": topic_state(topic)})
    poll = topic.poll
    if poll is None or poll.state not in (PollState.CLOSED, PollState.PUBLISHED) or poll.result is None:
        raise Conflict("poll_not_counted", _("表决尚未结束计票"), {})
    outcome = vote_outcome(poll)
    instance = instance_for(topic)
    if poll.result.get("passed"):
        if responsible is None:
            raise ActionError("input_required", _("请指定责任人"), {"field": "responsible"})
        if deadline is None or deadline < timezone.localdate():
            raise ActionError("input_invalid", _("请填写今天或以后的办理期限"), {"field": "deadline"})
        runtime.transition(
            instance,
            "pass_vote",
            actor=actor,
            inputs={"poll": poll.pk, "responsible": responsible, "deadline": deadline},
            # The 公示 step is due at the end of the responsible person's deadline; the sweep reminds after.
            deadline_at=dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), tzinfo=local_tz()),
        )
        topic.responsible, topic.deadline = responsible, deadline
    else:
        runtime.transition(instance, "fail_vote", actor=actor, inputs={"poll": poll.pk})
        topic.closed_at = timezone.now()
    topic.result = outcome
    topic.resolved_at = timezone.now()
    topic.save(update_fields=["responsible", "deadline", "result", "resolved_at", "closed_at"])
    meeting = meeting_of_poll(topic)
    if meeting is not None and meeting.state != MeetingState.PLANNED:
        do_add_decision(
            meeting,
            _("议题“%(title)s”：%(outcome)s") % {"title": topic.title, "outcome": outcome},
            topic=topic,
            poll=poll,
            actor=actor,
        )
    people = _proposer_and_supervisors(topic)
    if responsible is not None and poll.result.get("passed"):
        notify(
            [responsible],
            kind="deliberation.topic.assigned",
            title=_("您被指定为议题责任人：%(title)s") % {"title": topic.title},
            body=_("办理期限：%(deadline)s") % {"deadline": deadline},
        )
    notify(
        people,
        kind="deliberation.topic.resolved",
        title=_("议题表决结果：%(title)s") % {"title": topic.title},
        body=outcome,
    )
    return topic
