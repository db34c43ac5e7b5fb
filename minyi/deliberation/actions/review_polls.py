"""D4 审议 by vote — the representatives' assembly adopts a topic's implementation plan through ballots.

Optional per council (`Council.assembly_vote`). Staff put the plan (feasibility, plan, budget, staffing,
dates) to the members signed in at an open meeting with the topic on its agenda: a yes/no poll of the
council's active members, the sign-in list and quorum the meeting's, the rule MINYI_COUNCIL_VOTE_RULE.
Closing counts and publishes it (当场宣布); if it passed, the plan is adopted (`do_adopt_plan`, the
process moves to 决议); if not, the topic stays in 审议 and a revised plan can be put to a new vote.
Either way the outcome is a decision in the meeting's minutes and a public event on the topic.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from minyi.ballots.actions import PollInput, do_close_poll, do_create_poll, do_open_poll, do_publish_poll
from minyi.ballots.models import Counting, Method, Poll, PollState
from minyi.ballots.schemas import MAJORITY_PRESETS
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.actions.meetings import (
    active_members,
    do_add_decision,
    present_members,
    quorum,
    quorum_json,
    require_meeting_state,
)
from minyi.deliberation.actions.polls import POLL_SUBJECT, meeting_of_poll, vote_outcome
from minyi.deliberation.actions.topics import (
    PlanInput,
    _locked,
    _proposer_and_supervisors,
    check_plan,
    do_adopt_plan,
    require_manager,
    topic_state,
)
from minyi.deliberation.models import AgendaItem, Meeting, MeetingState, Topic


def _plan_json(data: PlanInput) -> dict[str, str]:
    return {
        "feasibility": data.feasibility.strip(),
        "plan": data.plan.strip(),
        "budget": str(check_plan(data)),
        "staffing": data.staffing.strip(),
        "starts_on": data.starts_on.isoformat(),
        "ends_on": data.ends_on.isoformat(),
    }


def _plan_input(stored: dict[str, str]) -> PlanInput:
    return PlanInput(
        feasibility=stored["feasibility"],
        plan=stored["plan"],
        budget=stored["budget"],
        staffing=stored["staffing"],
        starts_on=dt.date.fromisoformat(stored["starts_on"]),
        ends_on=dt.date.fromisoformat(stored["ends_on"]),
    )


@transaction.atomic
def do_open_review_poll(
    topic: Topic, meeting: Meeting, plan: PlanInput, *, actor: Actor, secret: bool = False
) -> Poll:
    """Put the plan to the assembly's vote at `meeting`; refused without quorum (nothing written)."""
    require_manager(actor, topic.council)
    topic = _locked(topic)
    if not topic.council.assembly_vote:
        raise Conflict("assembly_vote_off", _("本议事会的审议由工作人员记录，不经投票"), {})
    if topic_state(topic) != "reviewing":
        raise Conflict("topic_not_reviewing", _("议题不在审议阶段"), {"state": topic_state(topic)})
    if (
        meeting.council_id != topic.council_id
        or not AgendaItem.objects.filter(meeting=meeting, topic=topic).exists()
    ):
        raise ActionError("topic_not_on_agenda", _("议题不在本次会议议程中"), {"field": "topic"})
    require_meeting_state(meeting, MeetingState.OPEN)
    if topic.review_poll is not None and topic.review_poll.state == PollState.OPEN:
        raise Conflict("poll_exists", _("该议题的审议表决正在进行"), {"poll": topic.review_poll_id})
    for name in ("feasibility", "plan", "staffing"):
        if not getattr(plan, name).strip():
            raise ActionError("input_required", _("请填写完整的实施方案"), {"field": name})
    stored = _plan_json(plan)
    status = quorum(meeting)
    if not status.reached:
        raise ActionError(
            "quorum_not_met",
            _("到会代表 %(present)d 人，未达到法定人数 %(required)d 人，不能表决")
            % {"present": status.present, "required": status.required},
            {"present": status.present, "required": status.required, "members": status.members},
        )
    present = present_members(meeting)
    poll = do_create_poll(
        PollInput(
            unit=topic.council.unit,
            title=_("审议：%(title)s") % {"title": topic.title},
            method=Method.YES_NO,
            secrecy="secret" if secret else "named",
            rule=MAJORITY_PRESETS[settings.MINYI_COUNCIL_VOTE_RULE].model_dump(mode="json"),
            quorum=quorum_json(),
            counting=Counting.ELECTRONIC,
            subject_type=POLL_SUBJECT,
            subject_id=str(topic.pk),
            description=stored["plan"],
        ),
        actor=actor,
    )
    poll = do_open_poll(poll, actor=actor, electorate=active_members(topic.council), present=present)
    topic.review_poll, topic.proposed_plan = poll, stored
    topic.save(update_fields=["review_poll", "proposed_plan"])
    record_event(
        actor=actor,
        action="deliberation.topic.review_poll_open",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"poll": poll.pk, "meeting": meeting.pk, "plan": stored},
    )
    notify(
        present,
        kind="deliberation.poll.open",
        title=_("请对议题实施方案表决：%(title)s") % {"title": topic.title},
    )
    return poll


@transaction.atomic
def do_close_review_poll(topic: Topic, *, actor: Actor) -> Topic:
    """Close and publish the assembly's vote; a passed vote adopts the plan (the topic goes to 决议)."""
    require_manager(actor, topic.council)
    topic = _locked(topic)
    poll = topic.review_poll
    if poll is None or poll.state != PollState.OPEN:
        raise Conflict("poll_missing", _("该议题没有进行中的审议表决"), {})
    poll = do_publish_poll(do_close_poll(poll, actor=actor), actor=actor)
    outcome = vote_outcome(poll)
    passed = bool((poll.result or {}).get("passed"))
    if passed:
        topic = do_adopt_plan(topic, _plan_input(topic.proposed_plan), actor=actor, by_vote=True)
    record_event(
        actor=actor,
        action="deliberation.topic.review_vote",
        subject=topic,
        unit=topic.council.unit,
        public=True,
        data={"poll": poll.pk, "passed": passed, "outcome": outcome},
    )
    meeting = meeting_of_poll(topic)
    if meeting is not None and meeting.state != MeetingState.PLANNED:
        do_add_decision(
            meeting,
            _("议题“%(title)s”实施方案审议表决：%(outcome)s") % {"title": topic.title, "outcome": outcome},
            topic=topic,
            poll=poll,
            actor=actor,
        )
    notify(
        _proposer_and_supervisors(topic),
        kind="deliberation.topic.reviewed",
        title=_("议题实施方案审议表决结果：%(title)s") % {"title": topic.title},
        body=outcome,
    )
    return topic
