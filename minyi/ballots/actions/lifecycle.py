"""A poll's lifecycle: created → open → closed → published, one action per step.

Each step locks the poll row, refuses the wrong current state and writes its event on the poll's
chain. The electorate (and the sign-in list, when one is taken) is fixed at opening.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from minyi.ballots import pool, tally
from minyi.ballots.models import Ballot, Counting, Elector, Method, Poll, PollOption, PollState, Secrecy
from minyi.ballots.results import compute_result
from minyi.ballots.schemas import ScoreRuleInput, ThresholdInput, rule_input
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.models.units import subtree_q
from minyi.core.record.write import record_event
from minyi.core.roles import ROLE_BY_CODE


@dataclass(frozen=True)
class OptionInput:
    label: str
    key: str = ""  # defaults to the option's position ("1", "2", …)
    subject_type: str = ""
    subject_id: str = ""


@dataclass(frozen=True)
class PollInput:
    unit: Unit
    title: str
    method: str
    secrecy: str
    rule: Mapping[str, Any] = field(default_factory=dict)
    options: Sequence[OptionInput] = ()
    counting: str = Counting.ELECTRONIC
    electorate_roles: Sequence[str] = ()
    quorum: Mapping[str, Any] | None = None
    show_live: bool = False
    description: str = ""
    subject_type: str = ""
    subject_id: str = ""


def _invalid(code: str, message: str, field_name: str, **details: Any) -> ActionError:
    return ActionError(code, message, {"field": field_name, **details})


def check_create_poll(data: PollInput) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Validate a new poll; returns the normalised rule and quorum JSON."""
    if not data.title.strip():
        raise _invalid("title_required", _("标题不能为空"), "title")
    if data.method not in Method.values:
        raise _invalid("method_unknown", _("未知的表决方式"), "method")
    if data.secrecy not in Secrecy.values:
        raise _invalid("secrecy_unknown", _("未知的记名方式"), "secrecy")
    if data.counting not in Counting.values:
        raise _invalid("counting_unknown", _("未知的计票方式"), "counting")
    try:
        rule = rule_input(data.method, dict(data.rule))
        quorum = ThresholdInput.model_validate(dict(data.quorum)) if data.quorum is not None else None
    except ValidationError as exc:
        raise _invalid(
            "rule_invalid", _("计票规则不正确：%(error)s") % {"error": exc.errors()[0]["msg"]}, "rule"
        ) from exc
    if data.show_live and data.secrecy == Secrecy.SECRET:
        # Results that change after each ballot would tell an observer what the last voter chose.
        raise _invalid("live_results_secret", _("无记名投票不能实时显示结果"), "show_live")
    if data.counting == Counting.PAPER and data.method == Method.SCORE:
        raise _invalid("paper_score_unsupported", _("现场测评打分不支持纸质计票"), "counting")
    for role in data.electorate_roles:
        if role not in ROLE_BY_CODE:
            raise _invalid("role_unknown", _("未知的角色：%(role)s") % {"role": role}, "electorate_roles")
    if isinstance(rule, ScoreRuleInput):
        for group in rule.groups:
            for role in group.roles:
                if role not in ROLE_BY_CODE:
                    raise _invalid("role_unknown", _("未知的角色：%(role)s") % {"role": role}, "rule")
    labels = [o.label.strip() for o in data.options]
    keys = [o.key or str(i + 1) for i, o in enumerate(data.options)]
    if data.method == Method.YES_NO and data.options:
        raise _invalid("options_not_allowed", _("赞成/反对/弃权表决不设候选项"), "options")
    if data.method == Method.CHOOSE:
        seats = rule.seats  # type: ignore[union-attr]
        if len(labels) <= seats:
            # 差额: candidates must exceed seats (P2).
            raise _invalid("not_competitive", _("候选项数必须多于应选数"), "options", seats=seats)
    if data.method == Method.SCORE and not labels:
        raise _invalid("options_required", _("至少需要一个测评对象"), "options")
    if any(not label for label in labels):
        raise _invalid("option_label_required", _("候选项名称不能为空"), "options")
    if len(set(keys)) != len(keys) or len(set(labels)) != len(labels):
        raise _invalid("option_repeated", _("候选项重复"), "options")
    return rule.model_dump(mode="json"), quorum.model_dump(mode="json") if quorum else None


@transaction.atomic
def do_create_poll(data: PollInput, *, actor: Actor) -> Poll:
    rule, quorum = check_create_poll(data)
    poll = Poll.objects.create(
        unit=data.unit,
        title=data.title.strip(),
        description=data.description,
        method=data.method,
        secrecy=data.secrecy,
        counting=data.counting,
        rule=rule,
        quorum=quorum,
        electorate_roles=list(data.electorate_roles),
        show_live=data.show_live,
        subject_type=data.subject_type,
        subject_id=data.subject_id,
        created_by=actor.person,
    )
    PollOption.objects.bulk_create(
        PollOption(
            poll=poll,
            key=o.key or str(i + 1),
            label=o.label.strip(),
            position=i,
            subject_type=o.subject_type,
            subject_id=o.subject_id,
        )
        for i, o in enumerate(data.options)
    )
    record_event(
        actor=actor,
        action="ballots.poll.create",
        subject=poll,
        unit=poll.unit,
        public=True,
        data={
            "title": poll.title,
            "method": poll.method,
            "secrecy": poll.secrecy,
            "counting": poll.counting,
            "rule": rule,
            "quorum": quorum,
            "options": [[o.key or str(i + 1), o.label] for i, o in enumerate(data.options)],
        },
    )
    return poll


def lock_poll(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().select_related("unit").get(pk=poll.pk)


def require_state(poll: Poll, *states: str) -> None:
    if poll.state not in states:
        raise Conflict(
            "poll_wrong_state",
            _("表决当前状态为“%(state)s”，不能进行此操作") % {"state": PollState(poll.state).label},
            {"state": poll.state, "expected": list(states)},
        )


def role_holders(unit: Unit, roles: Sequence[str]) -> list[Person]:
    """Active people holding one of `roles` on `unit` or a unit inside it."""
    ids = (
        RoleGrant.objects.active()
        .filter(subtree_q(unit.path, "unit__path"), role__in=list(roles), person__is_active=True)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return list(Person.objects.filter(pk__in=ids))


def _snapshot(
    poll: Poll, electorate: Sequence[Person] | None, raters: Mapping[str, Sequence[Person]] | None
) -> dict[int, tuple[Person, str]]:
    """person id -> (person, rater group). Refuses an empty electorate or a rater in two groups."""
    members: dict[int, tuple[Person, str]] = {}
    if poll.method == Method.SCORE:
        rule = rule_input(poll.method, poll.rule)
        assert isinstance(rule, ScoreRuleInput)
        given = raters or {}
        unknown = set(given) - {g.code for g in rule.groups}
        if unknown:
            raise _invalid(
                "group_unknown", _("未知的测评组：%(group)s") % {"group": sorted(unknown)[0]}, "raters"
            )
        for group in rule.groups:
            people = given[group.code] if group.code in given else role_holders(poll.unit, group.roles)
            for person in people:
                if person.pk in members and members[person.pk][1] != group.code:
                    raise _invalid(
                        "rater_in_two_groups",
                        _("%(name)s 不能同时属于两个测评组") % {"name": person},
                        "raters",
                    )
                members[person.pk] = (person, group.code)
    else:
        people = electorate if electorate is not None else role_holders(poll.unit, poll.electorate_roles)
        members = {p.pk: (p, "") for p in people}
    if not members:
        raise _invalid("electorate_empty", _("没有符合条件的投票人，不能开始表决"), "electorate")
    return members


def _needs_sign_in(poll: Poll) -> bool:
    rule = poll.rule
    return (
        poll.quorum is not None or poll.counting == Counting.PAPER or rule.get("base") == tally.Base.PRESENT
    )


def check_open_poll(
    poll: Poll, members: Mapping[int, tuple[Person, str]], present: Sequence[Person] | None
) -> None:
    require_state(poll, PollState.CREATED)
    if present is None:
        if _needs_sign_in(poll):
            raise _invalid("sign_in_required", _("本表决需要到会签到名单"), "present")
        return
    strangers = [p for p in present if p.pk not in members]
    if strangers:
        raise _invalid(
            "present_not_member", _("%(name)s 不在投票人名单中") % {"name": strangers[0]}, "present"
        )
    if poll.quorum is not None:
        threshold = ThresholdInput.model_validate(poll.quorum).to_tally()
        count, size = len({p.pk for p in present}), len(members)
        if not threshold.reached(count, size):
            raise _invalid(
                "quorum_not_met",
                _("到会人数 %(count)d 未达到法定人数 %(required)d")
                % {"count": count, "required": threshold.minimum(size)},
                "present",
                present=count,
                required=threshold.minimum(size),
                electorate=size,
            )


@transaction.atomic
def do_open_poll(
    poll: Poll,
    *,
    actor: Actor,
    electorate: Sequence[Person] | None = None,
    present: Sequence[Person] | None = None,
    raters: Mapping[str, Sequence[Person]] | None = None,
) -> Poll:
    """Open voting. Fixes the electorate (given, or the role holders now) and the sign-in list."""
    poll = lock_poll(poll)
    require_state(poll, PollState.CREATED)
    members = _snapshot(poll, electorate, raters)
    check_open_poll(poll, members, present)
    present_ids = {p.pk for p in present} if present is not None else set()
    Elector.objects.bulk_create(
        Elector(poll=poll, person=person, group=group, present=person.pk in present_ids)
        for person, group in members.values()
    )
    poll.state = PollState.OPEN
    poll.opened_at = timezone.now()
    poll.electorate_size = len(members)
    poll.present_size = len(present_ids) if present is not None else None
    poll.save(update_fields=["state", "opened_at", "electorate_size", "present_size"])
    record_event(
        actor=actor,
        action="ballots.poll.open",
        subject=poll,
        unit=poll.unit,
        public=True,
        data={"electorate": poll.electorate_size, "present": poll.present_size},
    )
    return poll


def _shuffle_secret_ballots(poll: Poll) -> None:
    """Rewrite a secret poll's ballots in random order under new random ids.

    While the poll is open ballots reach `Ballot` in shuffled batches (pool.py), so a batch's rows share
    a transaction; rewriting all of them in one transaction, in random order, leaves no live row whose
    position, id or transaction id tells even which batch it came from (docs/ballots.md).
    """
    rows = list(Ballot.objects.filter(poll=poll).values_list("group", "choices", "receipt"))
    pool.shuffle(rows)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(
        Ballot(id=uuid.uuid4(), poll=poll, group=group, choices=choices, receipt=receipt)
        for group, choices, receipt in rows
    )


@transaction.atomic
def do_close_poll(poll: Poll, *, actor: Actor) -> Poll:
    """Stop voting. Electronic polls are counted now; paper polls wait for their counts."""
    poll = lock_poll(poll)
    require_state(poll, PollState.OPEN)
    data: dict[str, Any] = {}
    if poll.counting == Counting.ELECTRONIC:
        if poll.is_secret:
            pool.flush(poll)  # the last, possibly partial batch of the pool
        voted = Elector.objects.filter(poll=poll, voted=True).count()
        stored = Ballot.objects.filter(poll=poll).count()
        if voted != stored:  # cannot happen through actions; refuse to count a damaged poll
            raise ActionError(
                "ballots_mismatch",
                _("选票数与投票人数不符，请联系管理员"),
                {"voted": voted, "ballots": stored},
            )
        if poll.is_secret:
            _shuffle_secret_ballots(poll)
        poll.participants = voted
        poll.result = compute_result(poll)
        data = {"participants": voted}
    poll.state = PollState.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["state", "closed_at", "participants", "result"])
    record_event(
        actor=actor, action="ballots.poll.close", subject=poll, unit=poll.unit, public=True, data=data
    )
    return poll


@transaction.atomic
def do_publish_poll(poll: Poll, *, actor: Actor) -> Poll:
    """Publish the result (公示). Paper counts must first be confirmed by a second official."""
    poll = lock_poll(poll)
    require_state(poll, PollState.CLOSED)
    if poll.counting == Counting.PAPER and (poll.result is None or not _paper_confirmed(poll)):
        raise Conflict("paper_counts_unconfirmed", _("纸质计票结果尚未经第二名工作人员核对确认"), {})
    poll.state = PollState.PUBLISHED
    poll.published_at = timezone.now()
    poll.save(update_fields=["state", "published_at"])
    record_event(
        actor=actor,
        action="ballots.poll.publish",
        subject=poll,
        unit=poll.unit,
        public=True,
        data={"result": poll.result},
    )
    return poll


def _paper_confirmed(poll: Poll) -> bool:
    paper = getattr(poll, "paper_count", None)
    return paper is not None and paper.confirmed_at is not None
