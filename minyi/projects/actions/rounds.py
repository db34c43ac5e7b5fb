"""P1/P2 — a round through the `projects_round` process: shortlist, the deputies' vote, selection.

The vote is a `choose` poll of minyi.ballots (secret, up to k of n, more than half of all deputies
by default). A budget round (greedy / MES) also polls the deputies — each marks the projects they
approve — or takes imported pabulib ballots; the budget rule then picks the funded projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.ballots.actions import (
    OptionInput,
    PollInput,
    do_close_poll,
    do_create_poll,
    do_open_poll,
    do_publish_poll,
)
from minyi.ballots.models import Ballot, Method, PollState
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.labels import register_subject_url
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.notify import notify
from minyi.core.record.public import register_action_labels
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_ref
from minyi.projects import selection
from minyi.projects.actions.projects import parse_cost
from minyi.projects.models import (
    Completion,
    Project,
    ProjectStatus,
    Round,
    RoundBallot,
    RoundState,
    SelectionRule,
    TieRule,
)
from minyi.projects.predicates import manages_round_unit

PROCESS = "projects_round"
POLL_SUBJECT = "projects.round"

register_subject_url("projects.round", "projects:round")
register_subject_url("projects.project", "projects:project")
register_action_labels(
    {
        "projects.round.create": gettext_lazy("创建民生实事项目票决轮次"),
        "projects.project.recommend": gettext_lazy("推荐民生实事项目"),
        "projects.project.screen": gettext_lazy("联络站筛选项目"),
        "projects.project.opinion": gettext_lazy("记录部门意见"),
        "projects.round.shortlist": gettext_lazy("确定候选项目名单"),
        "projects.round.vote_open": gettext_lazy("开始代表票决"),
        "projects.round.count": gettext_lazy("票决计票"),
        "projects.round.publish": gettext_lazy("公布票决结果"),
        "projects.round.import": gettext_lazy("导入 pabulib 投票数据"),
    }
)


@dataclass(frozen=True)
class RoundInput:
    unit: Unit
    year: int
    title: str
    seats: int
    budget: Decimal | str | None = None
    selection_rule: str = SelectionRule.SEATS
    tie_rule: str = TieRule.RUNOFF
    min_votes: int = 0
    mes_completion: str = Completion.ADD1_GREEDY
    threshold_numerator: int = 1
    threshold_denominator: int = 2
    threshold_strict: bool = True


def require_manager(actor: Actor, round_: Round) -> None:
    if not actor.is_system and not manages_round_unit(actor.person, round_.unit):
        raise NotPermitted("not_permitted", _("只有乡镇（街道）或区工作人员可以办理票决轮次"))


def check_round(data: RoundInput) -> Decimal | None:
    if data.unit.kind not in ("township", "district"):
        raise ActionError("unit_kind", _("票决轮次须设在乡镇（街道）或区"), {"field": "unit"})
    if not data.title.strip():
        raise ActionError("title_required", _("请填写名称"), {"field": "title"})
    if not 2000 <= data.year <= 2100:
        raise ActionError("input_invalid", _("年度不正确"), {"field": "year"})
    if data.seats < 1:
        raise ActionError("input_invalid", _("项目名额至少为1"), {"field": "seats"})
    if data.selection_rule not in SelectionRule.values or data.tie_rule not in TieRule.values:
        raise ActionError("rule_unknown", _("未知的产生办法"), {"field": "selection_rule"})
    if data.mes_completion not in Completion.values:
        raise ActionError("rule_unknown", _("未知的补足方式"), {"field": "mes_completion"})
    if not 0 <= data.threshold_numerator <= data.threshold_denominator or data.threshold_denominator < 1:
        raise ActionError("input_invalid", _("通过比例不正确"), {"field": "threshold_numerator"})
    budget = parse_cost(data.budget, field="budget", required=data.selection_rule != SelectionRule.SEATS)
    return budget


@transaction.atomic
def do_create_round(data: RoundInput, *, actor: Actor) -> Round:
    if not actor.is_system and not manages_round_unit(actor.person, data.unit):
        raise NotPermitted("not_permitted", _("只有乡镇（街道）或区工作人员可以创建票决轮次"))
    budget = check_round(data)
    if Round.objects.filter(unit=data.unit, year=data.year, title=data.title.strip()).exists():
        raise Conflict("round_exists", _("同名的票决轮次已存在"), {"field": "title"})
    round_ = Round.objects.create(
        unit=data.unit,
        year=data.year,
        title=data.title.strip(),
        seats=data.seats,
        budget=budget,
        selection_rule=data.selection_rule,
        tie_rule=data.tie_rule,
        min_votes=data.min_votes,
        mes_completion=data.mes_completion,
        threshold_numerator=data.threshold_numerator,
        threshold_denominator=data.threshold_denominator,
        threshold_strict=data.threshold_strict,
    )
    runtime.start(PROCESS, subject=round_, unit=round_.unit, title=round_.title, actor=actor)
    record_event(
        actor=actor,
        action="projects.round.create",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={
            "year": round_.year,
            "seats": round_.seats,
            "budget": str(budget or ""),
            "rule": round_.selection_rule,
        },
    )
    return round_


def instance_for(round_: Round) -> ProcessInstance:
    kind, pk = subject_ref(round_)
    return ProcessInstance.objects.get(process=PROCESS, subject_type=kind, subject_id=pk)


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("unit").get(pk=round_.pk)


def _move(round_: Round, transition: str, state: str, *, actor: Actor, reason: str = "") -> Round:
    require_manager(actor, round_)
    round_ = _locked(round_)
    runtime.transition(instance_for(round_), transition, actor=actor, reason=reason)
    round_.state = state
    round_.save(update_fields=["state"])
    return round_


@transaction.atomic
def do_start_screening(round_: Round, *, actor: Actor) -> Round:
    return _move(round_, "start_screening", RoundState.SCREENING, actor=actor)


@transaction.atomic
def do_start_consulting(round_: Round, *, actor: Actor) -> Round:
    pending = Project.objects.filter(round=round_, status=ProjectStatus.RECOMMENDED).count()
    if pending:
        raise Conflict(
            "projects_unscreened", _("还有 %(n)d 个项目未筛选") % {"n": pending}, {"unscreened": pending}
        )
    return _move(round_, "start_consulting", RoundState.CONSULTING, actor=actor)


@transaction.atomic
def do_cancel_round(round_: Round, *, reason: str, actor: Actor) -> Round:
    return _move(round_, "cancel", RoundState.CANCELLED, actor=actor, reason=reason)


@transaction.atomic
def do_shortlist(round_: Round, projects: list[Project], *, actor: Actor) -> Round:
    """确定备选名单: screened-in projects; more candidates than seats (差额), else refused."""
    require_manager(actor, round_)
    round_ = _locked(round_)
    if round_.state != RoundState.CONSULTING:
        raise Conflict("round_not_consulting", _("本轮不在征求部门意见阶段"), {"state": round_.state})
    ids = {p.pk for p in projects}
    chosen = list(Project.objects.select_for_update().filter(pk__in=ids, round=round_))
    if len(chosen) != len(ids):
        raise ActionError("project_other_round", _("候选项目须属于本轮"), {"field": "projects"})
    wrong = [p.title for p in chosen if p.status != ProjectStatus.SCREENED_IN]
    if wrong:
        raise ActionError(
            "project_not_screened_in",
            _("“%(title)s”未通过筛选，不能列入候选") % {"title": wrong[0]},
            {"field": "projects"},
        )
    if len(chosen) <= round_.seats:
        raise ActionError(
            "not_competitive",
            _("候选项目 %(n)d 个，必须多于项目名额 %(seats)d 个（差额票决）")
            % {"n": len(chosen), "seats": round_.seats},
            {"field": "projects", "candidates": len(chosen), "seats": round_.seats},
        )
    runtime.transition(instance_for(round_), "shortlist", actor=actor)
    Project.objects.filter(pk__in=ids).update(status=ProjectStatus.SHORTLISTED)
    round_.state = RoundState.SHORTLISTED
    round_.save(update_fields=["state"])
    record_event(
        actor=actor,
        action="projects.round.shortlist",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={"projects": sorted(ids)},
    )
    return round_


def candidates_of(round_: Round) -> list[Project]:
    return list(
        Project.objects.filter(
            round=round_,
            status__in=[ProjectStatus.SHORTLISTED, ProjectStatus.ELECTED, ProjectStatus.NOT_ELECTED],
        ).order_by("pk")
    )


def _poll_rule(round_: Round, seats: int, n: int) -> dict[str, Any]:
    threshold = {
        "numerator": round_.threshold_numerator,
        "denominator": round_.threshold_denominator,
        "strict": round_.threshold_strict,
    }
    if round_.selection_rule == SelectionRule.SEATS:
        return {
            "seats": seats,
            "base": round_.threshold_base,
            "threshold": threshold,
            "tie_rule": round_.tie_rule,
        }
    # A budget round: each deputy approves any number of projects (n-1 so the ballots engine still sees a
    # competitive vote); the budget rule decides, not the seats.
    return {
        "seats": max(1, n - 1),
        "base": "cast",
        "threshold": {"numerator": 0, "denominator": 1, "strict": False},
    }


@transaction.atomic
def do_open_vote(
    round_: Round,
    *,
    actor: Actor,
    electorate: list[Person] | None = None,
    present: list[Person] | None = None,
) -> Round:
    """Open the deputies' secret ballot on the shortlist (or, for a runoff, among the tied)."""
    require_manager(actor, round_)
    round_ = _locked(round_)
    runoff = round_.state == RoundState.VOTING
    if runoff:
        if (
            round_.poll is None
            or round_.poll.state != PollState.CLOSED
            or not (round_.poll.result or {}).get("runoff")
        ):
            raise Conflict("no_runoff", _("本轮没有需要第二轮票决的项目"), {})
        first_result: dict[str, Any] = round_.poll.result or {}
        keys = set(first_result["runoff"])
        candidates = [p for p in candidates_of(round_) if str(p.pk) in keys]
        seats = int(first_result.get("open_seats", 0))
    elif round_.state == RoundState.SHORTLISTED:
        candidates = candidates_of(round_)
        seats = round_.seats
    else:
        raise Conflict("round_not_shortlisted", _("候选名单尚未确定，不能票决"), {"state": round_.state})
    runtime.transition(instance_for(round_), "open_vote", actor=actor)
    poll = do_create_poll(
        PollInput(
            unit=round_.unit,
            title=(_("%(title)s（第二轮）") if runoff else _("%(title)s")) % {"title": round_.title},
            method=Method.CHOOSE,
            secrecy="secret" if round_.secret else "named",
            rule=_poll_rule(round_, seats, len(candidates)),
            options=[
                OptionInput(
                    label=p.title, key=str(p.pk), subject_type="projects.project", subject_id=str(p.pk)
                )
                for p in candidates
            ],
            electorate_roles=["deputy"],
            subject_type=POLL_SUBJECT,
            subject_id=str(round_.pk),
        ),
        actor=actor,
    )
    poll = do_open_poll(poll, actor=actor, electorate=electorate, present=present)
    if not runoff:
        round_.first_poll = poll
    round_.poll = poll
    round_.state = RoundState.VOTING
    round_.save(update_fields=["poll", "first_poll", "state"])
    record_event(
        actor=actor,
        action="projects.round.vote_open",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={"poll": poll.pk, "runoff": runoff, "candidates": [p.pk for p in candidates], "seats": seats},
    )
    return round_


def round_ballots(round_: Round) -> list[tuple[list[str], int]]:
    """(marks, multiplicity): the poll's ballots, or the ballots imported from pabulib."""
    if round_.poll_id is not None:
        return [
            (list(c), 1)
            for c in Ballot.objects.filter(poll_id=round_.poll_id).values_list("choices", flat=True)
        ]
    return [
        ([str(k) for k in marks], n)
        for marks, n in RoundBallot.objects.filter(round=round_).values_list("marks", "count")
    ]


def compute_selection(
    round_: Round, projects: list[Project], ballots: list[tuple[list[str], int]]
) -> selection.Selection:
    votes = selection.count_votes((str(p.pk) for p in projects), ballots)
    candidates = [selection.Candidate(str(p.pk), p.cost, votes[str(p.pk)], p.title) for p in projects]
    assert round_.budget is not None
    if round_.selection_rule == SelectionRule.GREEDY:
        return selection.greedy(candidates, round_.budget, min_votes=round_.min_votes)
    return selection.mes(
        candidates, ballots, round_.budget, completion=round_.mes_completion, min_votes=round_.min_votes
    )


def _seat_explanations(result: dict[str, Any], titles: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    required = result.get("required", 0)
    elected, tied, runoff = set(result["elected"]), set(result["tied"]), set(result["runoff"])
    for rank, (key, votes) in enumerate(result["ranking"], start=1):
        head = _("得票 %(votes)s，排名第%(rank)d") % {"votes": f"{votes:,}", "rank": rank}
        if key in elected:
            tail = _("达到当选所需 %(required)s 票且在名额之内，当选") % {"required": required}
        elif votes < required:
            tail = _("未达到当选所需 %(required)s 票（超过全体代表半数），未当选") % {"required": required}
        elif key in tied:
            tail = _("与其他项目得票相同，争最后名额，未当选")
        else:
            tail = _("名额已满，未当选")
        if key in runoff:
            tail += _("；进入第二轮票决")
        out[key] = {
            "votes": votes,
            "rank": rank,
            "selected": key in elected,
            "explanation": f"{head}；{tail}。",
        }
    return out


@transaction.atomic
def do_close_vote(round_: Round, *, actor: Actor) -> Round:
    """Close the poll and count; seats rounds follow the ballots result, budget rounds run their rule."""
    require_manager(actor, round_)
    round_ = _locked(round_)
    if round_.state != RoundState.VOTING or round_.poll is None:
        raise Conflict("round_not_voting", _("本轮不在票决阶段"), {"state": round_.state})
    poll = do_close_poll(round_.poll, actor=actor)
    projects = candidates_of(round_)
    titles = {str(p.pk): p.title for p in projects}
    outcome: dict[str, Any] = dict(round_.result or {})
    if round_.selection_rule == SelectionRule.SEATS:
        result = poll.result or {}
        decisions = outcome.get("projects", {})
        decisions.update(_seat_explanations(result, titles))
        outcome.update(
            {
                "rule": "seats",
                "projects": decisions,
                "electorate": result.get("electorate"),
                "participants": result.get("participants"),
                "required": result.get("required"),
                "open_seats": result.get("open_seats", 0),
                "runoff": result.get("runoff", []),
            }
        )
    else:
        chosen = compute_selection(round_, projects, round_ballots(round_))
        outcome = _budget_outcome(chosen, poll.result or {})
    round_.result = outcome
    round_.save(update_fields=["result"])
    record_event(
        actor=actor,
        action="projects.round.count",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={"poll": poll.pk},
    )
    return round_


def _budget_outcome(chosen: selection.Selection, poll_result: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": chosen.rule,
        "budget": str(chosen.budget),
        "spent": str(chosen.spent),
        "participants": poll_result.get("participants"),
        "electorate": poll_result.get("electorate"),
        "open_seats": 0,
        "runoff": [],
        "projects": {
            d.key: {
                "votes": d.votes,
                "rank": d.rank,
                "selected": d.selected,
                "reason": d.reason,
                "explanation": d.explanation,
            }
            for d in chosen.decisions
        },
    }


@transaction.atomic
def do_publish_round(round_: Round, *, actor: Actor) -> Round:
    """Publish: projects are marked elected / not elected with their counts; a pending runoff refuses."""
    require_manager(actor, round_)
    round_ = _locked(round_)
    if round_.state != RoundState.VOTING or not round_.result:
        raise Conflict("round_not_counted", _("票决尚未计票，不能公布"), {"state": round_.state})
    if round_.poll is not None and round_.poll.state == PollState.OPEN:
        raise Conflict("round_not_counted", _("票决尚未截止，不能公布"), {})
    if round_.result.get("runoff") and round_.tie_rule == TieRule.RUNOFF:
        raise Conflict("runoff_pending", _("有项目需要进行第二轮票决"), {"runoff": round_.result["runoff"]})
    runtime.transition(instance_for(round_), "publish", actor=actor)
    if round_.poll is not None and round_.poll.state == PollState.CLOSED:
        do_publish_poll(round_.poll, actor=actor)
    if round_.first_poll is not None and round_.first_poll_id != round_.poll_id:
        first = round_.first_poll
        if first.state == PollState.CLOSED:
            do_publish_poll(first, actor=actor)
    now = timezone.now()
    decisions = round_.result.get("projects", {})
    projects = candidates_of(round_)
    for project in projects:
        d = decisions.get(str(project.pk))
        project.votes = d["votes"] if d else 0
        project.status = ProjectStatus.ELECTED if d and d["selected"] else ProjectStatus.NOT_ELECTED
        project.elected_at = now if project.status == ProjectStatus.ELECTED else None
    Project.objects.bulk_update(projects, ["votes", "status", "elected_at"])
    round_.state = RoundState.PUBLISHED
    round_.published_at = now
    round_.save(update_fields=["state", "published_at"])
    elected = [p for p in projects if p.status == ProjectStatus.ELECTED]
    record_event(
        actor=actor,
        action="projects.round.publish",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={"elected": [p.pk for p in elected], "result": round_.result},
    )
    notify(
        [p.proposer for p in projects if p.proposer is not None],
        kind="projects.round.published",
        title=_("民生实事项目票决结果已公布：%(title)s") % {"title": round_.title},
    )
    return round_
