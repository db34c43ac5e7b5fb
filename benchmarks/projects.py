"""Budget rules on a Warsaw-size round: ours versus pabutools called directly, and the results page p95.

    python -m benchmarks.projects --db sqlite [--voters 95000 --projects 110]
    python -m benchmarks.projects --db postgres   # MINYI_BENCH_POSTGRES_URL, default database `projects_bench`

The instance is generated like `minyi seed` data (a fixed random seed): ~8 approvals per voter drawn
with skewed project popularity, costs 50,000–3,000,000 元, budget a quarter of the total cost. It is
written as a pabulib file and imported through `do_import_pabulib` (so the round, projects and grouped
ballots are real rows). Then, in the same run:
- **ours**: `compute_selection(round, projects, round_ballots(round))` — reading the ballots from the
  database, building the instance, running the rule, writing the explanations;
- **pabutools**: the rule called directly on an `Instance` + `ApprovalProfile` built beforehand
  (greedy_utilitarian_welfare with Cost_Sat; method_of_equal_shares with Cost_Sat).
MES is run without the add1 completion here (add1 repeats MES once per increment) and our greedy
completion adds nothing measurable. Finally the published round's page is fetched 50 times (p95).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get("MINYI_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/projects_bench")
SQLITE_PATH = Path(tempfile.gettempdir()) / "minyi-bench-projects.sqlite3"


def configure(db: str) -> None:
    from benchmarks.voices_rates import _NoMigrations

    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["MINYI_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        os.environ["MINYI_DATABASE_URL"] = POSTGRES_URL
    os.environ["MINYI_VAR_DIR"] = str(Path(tempfile.gettempdir()) / "minyi-bench-projects-var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "minyi.config.settings"
    Path(os.environ["MINYI_VAR_DIR"]).mkdir(exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    settings.MIGRATION_MODULES = _NoMigrations()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def generate(voters: int, projects: int, rng: random.Random) -> str:
    from minyi.projects.pabulib import PbProject, write_pb

    rows = [
        PbProject(key=str(1000 + i), cost=Decimal(rng.randrange(50, 3000) * 1000), name=f"项目{i}")
        for i in range(projects)
    ]
    weights = [rng.paretovariate(1.2) for _ in rows]
    keys = [p.key for p in rows]
    ballots = []
    for _ in range(voters):
        marks: set[str] = set()
        want = max(1, min(projects, int(rng.gauss(8, 2))))
        while len(marks) < want:
            marks.update(rng.choices(keys, weights=weights, k=want - len(marks)))
        ballots.append((tuple(sorted(marks)), 1))
    budget = (sum(p.cost for p in rows) / 4).quantize(Decimal(1))
    return write_pb({"budget": str(budget), "description": "benchmark"}, rows, ballots)


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--voters", type=int, default=95_000)
    parser.add_argument("--projects", type=int, default=110)
    args = parser.parse_args()
    configure(args.db)

    from django.test import Client
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    from minyi.core.actions.people import PersonInput, do_create_person
    from minyi.core.actions.roles import do_grant_role
    from minyi.core.actions.units import UnitInput, do_create_unit
    from minyi.core.actors import Actor
    from minyi.projects.actions.pabulib_io import do_import_pabulib
    from minyi.projects.actions.rounds import (
        RoundInput,
        compute_selection,
        do_create_round,
        do_publish_round,
        round_ballots,
    )
    from minyi.projects.models import Project as OurProject
    from minyi.projects.pabulib import parse_pb

    rng = random.Random(2026)
    text = generate(args.voters, args.projects, rng)
    system = Actor.system()
    city = do_create_unit(UnitInput(name="示范市", kind="city", code="990100"), None, actor=system)
    district = do_create_unit(UnitInput(name="东城区", kind="district", code="990101"), city, actor=system)
    staff = do_create_person(
        PersonInput(username="bench", name="工作人员", password="pass-Minyi-2026"), actor=system
    )
    do_grant_role(staff, "district_staff", district, actor=system)
    actor = Actor(person=staff)
    results: dict[str, dict[str, float]] = {}
    for rule in ("greedy", "mes"):
        round_ = do_create_round(
            RoundInput(
                unit=district,
                year=2026,
                title=f"基准{rule}",
                seats=1,
                selection_rule=rule,
                budget="1",
                mes_completion="greedy",
            ),
            actor=actor,
        )
        import_s, round_ = timed(lambda r=round_: do_import_pabulib(r, text, actor=actor))
        projects = list(OurProject.objects.filter(round=round_).order_by("pk"))
        ours_s, ours = timed(lambda r=round_, p=projects: compute_selection(r, p, round_ballots(r)))

        pb = parse_pb(text)
        pbt = {p.key: Project(p.key, Fraction(p.cost)) for p in pb.projects}
        instance = Instance(pbt.values(), budget_limit=Fraction(pb.budget))
        profile = ApprovalProfile(instance=instance)
        for marks, n in pb.ballots.items():
            for _ in range(n):
                profile.append(ApprovalBallot([pbt[k] for k in marks]))
        if rule == "greedy":
            theirs_s, theirs = timed(
                lambda i=instance, p=profile: greedy_utilitarian_welfare(i, p, sat_class=Cost_Sat)
            )
            ext = {p.external_id: str(p.pk) for p in projects}
            assert sorted(ext[p.name] for p in theirs) == sorted(ours.selected), (
                "greedy differs from pabutools"
            )
        else:
            theirs_s, theirs = timed(
                lambda i=instance, p=profile: method_of_equal_shares(i, p, sat_class=Cost_Sat)
            )
            ext = {p.external_id: str(p.pk) for p in projects}
            mes_only = sorted(d.key for d in ours.decisions if d.reason == "selected_mes")
            assert sorted(ext[p.name] for p in theirs) == mes_only, "MES differs from pabutools"
        results[rule] = {
            "import_s": import_s,
            "ours_s": ours_s,
            "pabutools_s": theirs_s,
            "ratio": ours_s / theirs_s,
        }
        if rule == "mes":
            round_ = do_publish_round(round_, actor=actor)
            client = Client()
            client.get(f"/projects/rounds/{round_.pk}/")
            samples = []
            for _ in range(50):
                t, response = timed(lambda r=round_, c=client: c.get(f"/projects/rounds/{r.pk}/"))
                assert response.status_code == 200
                samples.append(t)
            results["page"] = {
                "p50_ms": statistics.median(samples) * 1000,
                "p95_ms": statistics.quantiles(samples, n=20)[18] * 1000,
            }
    print(f"db={args.db} voters={args.voters} projects={args.projects}")
    for name, row in results.items():
        print(name, " ".join(f"{k}={v:.3f}" for k, v in row.items()))


if __name__ == "__main__":
    main()
