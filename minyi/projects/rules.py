"""Named projects permissions: pages, the API and tests ask these names (docs/projects.md).

Ask with the object acted on — a `Round` (or one of its `Project`s), a `Unit` for creating a round, a
self-build round, a fund or a fund item. A rule answers for who (role and scope) *and* when (the stage
the object is in), so a page shows exactly the forms that can be used now. Asked without an object a
rule answers "anywhere in the tree" (menus); never authorize a change that way.

The delivery (P3) and the role-only rules of P5/P6 (`projects.manage_delivery`, `projects.manage_selfbuild`,
`projects.manage_fund`, `projects.verify_fund_item`, `projects.raise_finding`, …) live in
`delivery/rules.py`; the actions check the same predicates again.
"""

from __future__ import annotations

from typing import Any

import rules

from minyi.ballots.models import PollState
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import has_role
from minyi.projects.delivery.rules import (
    FUND_ROLES,
    VERIFY_ROLES,
    reaches,
    runs_fund,
    village_committee,
)
from minyi.projects.fund.models import Fund, FundItem
from minyi.projects.models import Project, ProjectStatus, Round, RoundState, SelectionRule, TieRule
from minyi.projects.predicates import is_deputy_in, may_screen_in
from minyi.projects.selfbuild.models import SelfBuildRound

# ---- rounds (P1/P2) ----------------------------------------------------------------------------------

# The roles of the `projects_round` process steps (processes/round.yaml): an administrator configures
# the platform but does not move a round, so the pages do not offer them forms the engine would refuse.
ROUND_STAFF = ("township_staff", "district_staff")


def round_of(obj: Any) -> Round | None:
    if isinstance(obj, Round):
        return obj
    if isinstance(obj, Project):
        return obj.round
    return None


@rules.predicate
def manages_round(user: Person, obj: Any = None) -> bool:
    """Township or district staff on the round's unit or above it."""
    if obj is None:
        return has_role(user, ROUND_STAFF)
    unit = obj if isinstance(obj, Unit) else getattr(round_of(obj), "unit", None)
    return unit is not None and has_role(user, ROUND_STAFF, unit)


@rules.predicate
def is_round_unit(user: Person, obj: Any = None) -> bool:
    """A round is held by a township (street) or a district."""
    return obj is None or (isinstance(obj, Unit) and obj.kind in (UnitKind.TOWNSHIP, UnitKind.DISTRICT))


@rules.predicate
def screens(user: Person, obj: Any = None) -> bool:
    round_ = round_of(obj)
    return round_ is not None and may_screen_in(user, round_.unit)


@rules.predicate
def is_deputy_of_round(user: Person, obj: Any = None) -> bool:
    round_ = round_of(obj)
    return round_ is not None and is_deputy_in(user, round_.unit)


def _in_state(*states: str) -> Any:
    @rules.predicate(name=f"round_in_{'_'.join(states)}")
    def check(user: Person, obj: Any = None) -> bool:
        round_ = round_of(obj)
        return round_ is not None and round_.state in states

    return check


is_collecting = _in_state(RoundState.COLLECTING)
is_screening = _in_state(RoundState.SCREENING)
is_consulting = _in_state(RoundState.CONSULTING)
is_cancellable = _in_state(
    RoundState.COLLECTING, RoundState.SCREENING, RoundState.CONSULTING, RoundState.SHORTLISTED
)
is_published = _in_state(RoundState.PUBLISHED)


def _poll_state(round_: Round) -> str | None:
    return round_.poll.state if round_.poll_id is not None and round_.poll is not None else None


@rules.predicate
def vote_can_open(user: Person, obj: Any = None) -> bool:
    """Shortlisted, or counted with a second round among the tied pending."""
    round_ = round_of(obj)
    if round_ is None:
        return False
    if round_.state == RoundState.SHORTLISTED:
        return True
    return (
        round_.state == RoundState.VOTING
        and _poll_state(round_) == PollState.CLOSED
        and bool((round_.poll.result or {}).get("runoff"))  # type: ignore[union-attr]
    )


@rules.predicate
def vote_is_open(user: Person, obj: Any = None) -> bool:
    round_ = round_of(obj)
    return round_ is not None and round_.state == RoundState.VOTING and _poll_state(round_) == PollState.OPEN


@rules.predicate
def is_counted(user: Person, obj: Any = None) -> bool:
    """Voting is over and counted, with no second round pending."""
    round_ = round_of(obj)
    if round_ is None or round_.state != RoundState.VOTING or not round_.result:
        return False
    if _poll_state(round_) == PollState.OPEN:
        return False
    return not (round_.result.get("runoff") and round_.tie_rule == TieRule.RUNOFF)


@rules.predicate
def takes_pabulib(user: Person, obj: Any = None) -> bool:
    """A budget round still collecting and without projects takes a `.pb` file."""
    round_ = round_of(obj)
    return (
        round_ is not None
        and round_.selection_rule != SelectionRule.SEATS
        and round_.state == RoundState.COLLECTING
        and not Project.objects.filter(round=round_).exists()
    )


@rules.predicate
def is_opinion_subject(user: Person, obj: Any = None) -> bool:
    """Opinions are asked on screened-in projects (or on a round, for its page)."""
    return not isinstance(obj, Project) or obj.status == ProjectStatus.SCREENED_IN


manager = rules.is_authenticated & manages_round
rules.add_perm("projects.create_round", manager & is_round_unit)
rules.add_perm("projects.manage_round", manager)
rules.add_perm("projects.start_screening", manager & is_collecting)
rules.add_perm("projects.start_consulting", manager & is_screening)
rules.add_perm("projects.cancel_round", manager & is_cancellable)
rules.add_perm("projects.recommend_project", rules.is_authenticated & is_collecting)
rules.add_perm("projects.screen_recommendation", rules.is_authenticated & screens & is_screening)
# A voice (民情事项) turned into a recommendation by the station or township, while recommendations are open.
rules.add_perm("projects.recommend_from_voice", rules.is_authenticated & screens & (is_collecting | is_screening))
rules.add_perm("projects.record_opinion", manager & is_consulting & is_opinion_subject)
rules.add_perm("projects.fix_shortlist", manager & is_consulting)
rules.add_perm("projects.open_vote", manager & vote_can_open)
rules.add_perm("projects.close_vote", manager & vote_is_open)
rules.add_perm("projects.publish_round", manager & is_counted)
rules.add_perm("projects.import_pabulib", manager & takes_pabulib)
rules.add_perm("projects.export_pabulib", is_published)
rules.add_perm("projects.vote_in_round", rules.is_authenticated & is_deputy_of_round & vote_is_open)

# ---- villager self-build (P5) ------------------------------------------------------------------------


def selfbuild_stage(round_: SelfBuildRound) -> str:
    """The process state, read once per object (several rules ask on one page)."""
    cached = getattr(round_, "_stage_cache", None)
    if cached is None:
        from minyi.projects.selfbuild.actions import stage

        cached = stage(round_)
        round_._stage_cache = cached  # type: ignore[attr-defined]
    return cached


def _at_stage(name: str) -> Any:
    @rules.predicate(name=f"selfbuild_{name}")
    def check(user: Person, obj: Any = None) -> bool:
        return isinstance(obj, SelfBuildRound) and selfbuild_stage(obj) == name

    return check


@rules.predicate
def is_village(user: Person, obj: Any = None) -> bool:
    return obj is None or (isinstance(obj, Unit) and obj.kind == UnitKind.COMMUNITY)


@rules.predicate
def is_caretaker(user: Person, obj: Any = None) -> bool:
    return isinstance(obj, SelfBuildRound) and obj.caretaker_id is not None and obj.caretaker_id == user.pk


committee = rules.is_authenticated & village_committee
rules.add_perm("projects.create_selfbuild", committee & is_village)
rules.add_perm("projects.selfbuild_discuss", committee & _at_stage("discussing"))
rules.add_perm("projects.selfbuild_decide", committee & _at_stage("deciding"))
rules.add_perm("projects.selfbuild_build", committee & _at_stage("building"))
rules.add_perm("projects.selfbuild_evaluate", committee & _at_stage("evaluating"))
rules.add_perm(
    "projects.selfbuild_maintain",
    rules.is_authenticated & (village_committee | is_caretaker) & _at_stage("maintaining"),
)

# ---- the special fund (P6) ---------------------------------------------------------------------------


def fund_of(obj: Any) -> Fund | None:
    if isinstance(obj, Fund):
        return obj
    if isinstance(obj, FundItem):
        return obj.fund
    return None


@rules.predicate
def is_district(user: Person, obj: Any = None) -> bool:
    return obj is None or (isinstance(obj, Unit) and obj.kind == UnitKind.DISTRICT)


@rules.predicate
def runs_the_fund(user: Person, obj: Any = None) -> bool:
    fund = fund_of(obj)
    return fund is not None and has_role(user, FUND_ROLES, fund.unit)


@rules.predicate
def verifies_in_fund(user: Person, obj: Any = None) -> bool:
    """Township groups inside the fund's district (or the district's own staff) verify on site."""
    fund = fund_of(obj)
    return fund is not None and reaches(user, frozenset(VERIFY_ROLES), fund.unit)


@rules.predicate
def fund_open(user: Person, obj: Any = None) -> bool:
    fund = fund_of(obj)
    return fund is not None and fund.decided_at is None


@rules.predicate
def is_candidate_item(user: Person, obj: Any = None) -> bool:
    return not isinstance(obj, FundItem) or obj.status in ("candidate", "screened")


rules.add_perm("projects.create_fund", rules.is_authenticated & runs_fund & is_district)
rules.add_perm("projects.verify_fund_candidate", rules.is_authenticated & verifies_in_fund & fund_open)
rules.add_perm(
    "projects.screen_fund_item", rules.is_authenticated & runs_the_fund & fund_open & is_candidate_item
)
rules.add_perm("projects.decide_fund", rules.is_authenticated & runs_the_fund & fund_open)
