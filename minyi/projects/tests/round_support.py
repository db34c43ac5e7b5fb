"""A livelihood-project round walked through its stages by the real actions, stopping at any stage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.projects.actions.projects import (
    RecommendationInput,
    ScreeningInput,
    do_recommend_project,
    do_screen_project,
)
from minyi.projects.actions.rounds import (
    RoundInput,
    do_close_vote,
    do_create_round,
    do_open_vote,
    do_publish_round,
    do_shortlist,
    do_start_consulting,
    do_start_screening,
)
from minyi.projects.models import Project, Round

STAGES = ("collecting", "screening", "consulting", "shortlisted", "voting", "counted", "published")


def round_through(
    stage: str,
    tree: Any,
    *,
    staff: Person,
    station: Person,
    deputies: Sequence[Person],
    titles: Sequence[str] = ("金沙社区路灯改造", "金沙社区健身广场"),
    seats: int = 1,
    title: str = "民生实事",
) -> tuple[Round, list[Project]]:
    """A round on the township, recommended by the station, screened in, shortlisted, voted by every
    deputy for all but the last project, counted and published — as far as `stage`."""
    office, desk = Actor(person=staff), Actor(person=station)
    round_ = do_create_round(RoundInput(unit=tree.township, year=2026, title=title, seats=seats), actor=office)
    projects: list[Project] = []
    if stage == "collecting":
        return round_, projects
    projects = [
        do_recommend_project(
            round_,
            RecommendationInput(
                title=t, description="理由", unit=tree.community, cost="100000", place="金沙社区", beneficiaries=800
            ),
            actor=desk,
        )
        for t in titles
    ]
    steps = [
        ("screening", lambda r: do_start_screening(r, actor=office)),
        ("consulting", lambda r: _screen_and_consult(r, projects, office, desk)),
        ("shortlisted", lambda r: do_shortlist(r, projects, actor=office)),
        ("voting", lambda r: do_open_vote(r, actor=office, electorate=list(deputies))),
        ("counted", lambda r: _vote_and_count(r, projects, deputies, office)),
        ("published", lambda r: do_publish_round(r, actor=office)),
    ]
    for name, step in steps:
        round_ = step(round_)
        if name == stage:
            break
    return round_, projects


def _screen_and_consult(round_: Round, projects: list[Project], office: Actor, desk: Actor) -> Round:
    for project in projects:
        do_screen_project(project, ScreeningInput(include=True, reason="符合条件"), actor=desk)
    return do_start_consulting(round_, actor=office)


def _vote_and_count(round_: Round, projects: list[Project], deputies: Sequence[Person], office: Actor) -> Round:
    assert round_.poll is not None
    for deputy in deputies:
        do_cast_ballot(round_.poll, [str(p.pk) for p in projects[:-1]], actor=Actor(person=deputy))
    return do_close_vote(round_, actor=office)
