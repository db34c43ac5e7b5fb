"""Import and export of pabulib `.pb` files for budget rounds.

Import validates the whole file first (`pabulib.parse_pb`); a file with any problem is refused with
the list of problems and nothing is written. A valid file becomes the round's candidate projects
(status 列入候选, the file's project id kept in `external_id`) and its ballots (grouped), the round
moves to the vote through the process, and the budget rule is run at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, Conflict
from minyi.core.record.write import record_event
from minyi.projects.actions.rounds import (
    _budget_outcome,
    _locked,
    compute_selection,
    instance_for,
    require_manager,
    round_ballots,
)
from minyi.projects.models import (
    Project,
    ProjectSource,
    ProjectStatus,
    Round,
    RoundBallot,
    RoundState,
    SelectionRule,
)
from minyi.projects.pabulib import PbProject, parse_pb, write_pb

MAX_FILE_BYTES = 64 * 1024 * 1024


@transaction.atomic
def do_import_pabulib(round_: Round, text: str, *, actor: Actor) -> Round:
    require_manager(actor, round_)
    round_ = _locked(round_)
    if round_.selection_rule == SelectionRule.SEATS:
        raise ActionError(
            "round_not_budget", _("只有按预算产生的轮次可以导入 pabulib 文件"), {"field": "file"}
        )
    if round_.state != RoundState.COLLECTING or Project.objects.filter(round=round_).exists():
        raise Conflict("round_not_empty", _("只能向尚无项目的新轮次导入"), {"state": round_.state})
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ActionError("file_too_large", _("文件过大"), {"field": "file"})
    pb = parse_pb(text)  # raises before anything is written
    now = timezone.now()
    projects = Project.objects.bulk_create(
        Project(
            round=round_,
            unit=round_.unit,
            title=p.name[:120],
            description=p.name,
            cost=p.cost,
            category="other",
            source=ProjectSource.RESIDENT,
            status=ProjectStatus.SHORTLISTED,
            screening_reason=_("由 pabulib 文件导入"),
            external_id=p.key[:40],
            recommended_at=now,
        )
        for p in pb.projects
    )
    if projects and projects[0].pk is None:  # databases without RETURNING on bulk insert
        projects = list(Project.objects.filter(round=round_).order_by("pk"))
    pk_of = {p.external_id: p.pk for p in projects}
    RoundBallot.objects.bulk_create(
        (
            RoundBallot(round=round_, marks=sorted(pk_of[k] for k in marks), count=n)
            for marks, n in pb.ballots.items()
        ),
        batch_size=5000,
    )
    round_.budget = pb.budget
    threshold = pb.meta.get("min_project_score_threshold", "")
    if threshold.isdigit():
        round_.min_votes = int(threshold)
    instance = instance_for(round_)
    for step in ("start_screening", "start_consulting", "shortlist", "open_vote"):
        instance = runtime.transition(instance, step, actor=actor)
    round_.state = RoundState.VOTING
    round_.result = _budget_outcome(
        compute_selection(round_, projects, round_ballots(round_)), {"participants": pb.voters}
    )
    round_.save(update_fields=["budget", "min_votes", "state", "result"])
    record_event(
        actor=actor,
        action="projects.round.import",
        subject=round_,
        unit=round_.unit,
        public=True,
        data={"projects": len(projects), "voters": pb.voters, "budget": str(pb.budget), "meta": pb.meta},
    )
    return round_


def export_pabulib(round_: Round) -> str:
    """The round as a .pb file: candidates, their cost and votes, selected marks once published."""
    projects = list(
        Project.objects.filter(
            round=round_,
            status__in=[ProjectStatus.SHORTLISTED, ProjectStatus.ELECTED, ProjectStatus.NOT_ELECTED],
        ).order_by("pk")
    )
    decisions = (round_.result or {}).get("projects", {})
    published = round_.state == RoundState.PUBLISHED
    rows = [
        PbProject(
            key=p.external_id or str(p.pk),
            cost=p.cost,
            name=p.title,
            votes=decisions.get(str(p.pk), {}).get("votes", 0),
            selected=(p.status == ProjectStatus.ELECTED) if published else None,
            category=p.category,
        )
        for p in projects
    ]
    key_of = {str(p.pk): p.external_id or str(p.pk) for p in projects}
    ballots = [(tuple(key_of[k] for k in marks if k in key_of), n) for marks, n in round_ballots(round_)]
    meta = {
        "description": round_.title,
        "country": "China",
        "unit": round_.unit.name,
        "instance": str(round_.year),
        "budget": f"{(round_.budget or 0):f}",
        "rule": {"greedy": "greedy", "mes": "equalshares", "seats": "approval-seats"}[round_.selection_rule],
    }
    if round_.min_votes:
        meta["min_project_score_threshold"] = str(round_.min_votes)
    return write_pb(meta, rows, ballots)
