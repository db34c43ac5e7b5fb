"""Budget rules against pabutools, on generated pabulib instances and on the real files."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
from pabutools.election import Project as PbtProject
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Event
from minyi.projects import selection
from minyi.projects.actions.pabulib_io import do_import_pabulib, export_pabulib
from minyi.projects.actions.rounds import RoundInput, do_create_round, do_publish_round
from minyi.projects.models import Project, ProjectStatus, RoundBallot
from minyi.projects.pabulib import PbFile, PbProject, parse_pb, write_pb

DATA = Path("/work/shared/data/pabulib")


def generated(seed: int, projects: int = 12, voters: int = 300, unit: int = 1000) -> str:
    rng = random.Random(seed)
    rows = [
        PbProject(key=str(100 + i), cost=Decimal(rng.randrange(10, 200) * unit), name=f"P{i}")
        for i in range(projects)
    ]
    weights = [rng.random() ** 2 for _ in rows]
    ballots = []
    for _ in range(voters):
        k = rng.randint(1, 4)
        marks = set(rng.choices([p.key for p in rows], weights=weights, k=k))
        ballots.append((tuple(sorted(marks)), 1))
    budget = sum(p.cost for p in rows) / 3
    return write_pb({"budget": f"{budget.quantize(Decimal(1))}", "instance": "test"}, rows, ballots)


def pabutools_of(pb: PbFile, min_votes: int = 0) -> tuple[Instance, ApprovalProfile]:
    counts = pb.counts()
    projects = {p.key: PbtProject(p.key, Fraction(p.cost)) for p in pb.projects if counts[p.key] >= min_votes}
    instance = Instance(projects.values(), budget_limit=Fraction(pb.budget))
    profile = ApprovalProfile(instance=instance)
    for marks, n in pb.ballots.items():
        chosen = [projects[k] for k in marks if k in projects]
        for _ in range(n):
            profile.append(ApprovalBallot(chosen))
    return instance, profile


def candidates(pb: PbFile) -> list[selection.Candidate]:
    counts = pb.counts()
    return [selection.Candidate(p.key, p.cost, counts[p.key]) for p in pb.projects]


@pytest.mark.parametrize("seed", range(6))
def test_greedy_matches_pabutools_on_generated_instances(seed: int) -> None:
    pb = parse_pb(generated(seed))
    ours = selection.greedy(candidates(pb), pb.budget)
    instance, profile = pabutools_of(pb)
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert sorted(ours.selected) == sorted(p.name for p in theirs)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("completion", ["none", "add1"])
def test_mes_matches_pabutools_on_generated_instances(seed: int, completion: str) -> None:
    # Small costs keep add1 (one increment of 1 per voter per step) to a few steps.
    pb = parse_pb(generated(seed, voters=150, unit=1))
    ours = selection.mes(candidates(pb), list(pb.ballots.items()), pb.budget, completion=completion)
    instance, profile = pabutools_of(pb)
    kwargs = {"voter_budget_increment": 1} if completion == "add1" else {}
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, **kwargs)
    assert sorted(ours.selected) == sorted(p.name for p in theirs)


def test_mes_greedy_completion_spends_what_fits() -> None:
    pb = parse_pb(generated(3, unit=1))
    ours = selection.mes(candidates(pb), list(pb.ballots.items()), pb.budget, completion="add1_greedy")
    left = pb.budget - ours.spent
    assert left >= 0
    assert all(d.cost > left for d in ours.decisions if not d.selected)
    assert all(d.explanation.endswith("。") for d in ours.decisions)


@pytest.fixture(scope="module")
def warszawa() -> PbFile:
    return parse_pb((DATA / "Poland_Warszawa_2026.pb").read_text())


@pytest.fixture(scope="module")
def wieliczka() -> PbFile:
    return parse_pb((DATA / "Poland_Wieliczka_2023_Green_Budget.pb").read_text())


@pytest.mark.realdata
def test_warszawa_2026_greedy_with_threshold_selects_the_official_17(warszawa: PbFile) -> None:
    counts = warszawa.counts()
    assert all(counts[p.key] == p.votes for p in warszawa.projects)
    ours = selection.greedy(candidates(warszawa), warszawa.budget, min_votes=3000)
    official = sorted(p.key for p in warszawa.projects if p.selected)
    assert len(official) == 17 and sorted(ours.selected) == official
    # pabutools agrees on the instance restricted to projects with at least 3000 votes.
    instance, profile = pabutools_of(warszawa, min_votes=3000)
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert sorted(p.name for p in theirs) == official


@pytest.mark.realdata
def test_wieliczka_mes_add1_matches_pabutools_and_differs_from_official_as_documented(
    wieliczka: PbFile,
) -> None:
    ours = selection.mes(
        candidates(wieliczka), list(wieliczka.ballots.items()), wieliczka.budget, completion="add1"
    )
    instance, profile = pabutools_of(wieliczka)
    profile_multi = profile.as_multiprofile()
    theirs = method_of_equal_shares(instance, profile_multi, sat_class=Cost_Sat, voter_budget_increment=1)
    assert sorted(ours.selected) == sorted(p.name for p in theirs)
    official = {p.key for p in wieliczka.projects if p.selected}
    # Known gap (docs/projects.md): the official add1-comparison variant funds 30; plain add1 funds 31.
    assert len(ours.selected) == 31 and len(official) == 30
    assert set(ours.selected) - official == {"66", "67"} and official - set(ours.selected) == {"46"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "META\nkey;value\nnum_projects;3\nnum_votes;1\nbudget;100\nPROJECTS\nproject_id;cost\n1;10\n2;20\nVOTES\nvoter_id;vote\n1;1,2\n",
            "num_projects=3",
        ),
        (
            "META\nkey;value\nnum_projects;2\nnum_votes;5\nbudget;100\nPROJECTS\nproject_id;cost\n1;10\n2;20\nVOTES\nvoter_id;vote\n1;1,2\n",
            "num_votes=5",
        ),
        (
            "META\nkey;value\nnum_projects;2\nnum_votes;1\nbudget;100\nPROJECTS\nproject_id;cost\n1;10\n2;20\nVOTES\nvoter_id;vote\n1;1,9\n",
            "未知项目编号 9",
        ),
    ],
)
def test_inconsistent_pb_is_refused_and_nothing_imported(tree, make_person, text: str, problem: str) -> None:
    staff = make_person("township_staff", tree.township)
    actor = Actor(person=staff)
    round_ = do_create_round(
        RoundInput(
            unit=tree.township, year=2026, title="导入", seats=1, selection_rule="greedy", budget="100"
        ),
        actor=actor,
    )
    events = Event.objects.count()
    with pytest.raises(ActionError) as err:
        do_import_pabulib(round_, text, actor=actor)
    assert err.value.code == "pb_invalid" and problem in err.value.message
    assert not Project.objects.exists() and not RoundBallot.objects.exists()
    assert Event.objects.count() == events


def test_import_run_publish_and_export_round_trip(tree, make_person) -> None:
    staff = make_person("township_staff", tree.township)
    actor = Actor(person=staff)
    text = generated(7, projects=8, voters=120)
    round_ = do_create_round(
        RoundInput(unit=tree.township, year=2026, title="导入", seats=1, selection_rule="mes", budget="1"),
        actor=actor,
    )
    round_ = do_import_pabulib(round_, text, actor=actor)
    round_ = do_publish_round(round_, actor=actor)
    pb = parse_pb(text)
    expected = selection.mes(candidates(pb), list(pb.ballots.items()), pb.budget)
    elected = sorted(
        Project.objects.filter(status=ProjectStatus.ELECTED).values_list("external_id", flat=True)
    )
    assert elected == sorted(expected.selected)
    again = parse_pb(export_pabulib(round_))
    assert again.voters == pb.voters and again.ballots == pb.ballots
    assert sorted(p.key for p in again.projects if p.selected) == elected
