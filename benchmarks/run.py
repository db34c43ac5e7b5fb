"""Benchmarks measured in one run: event writes vs raw inserts, subtree queries over a synthetic city.

    python -m benchmarks.run --db sqlite [--quick]
    python -m benchmarks.run --db postgres [--quick]     # MINYI_BENCH_POSTGRES_URL, default database `bench`

Ratios matter more than absolute numbers (the machine is shared). The database is emptied first.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

POSTGRES_URL = os.environ.get("MINYI_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench")
SQLITE_PATH = Path(tempfile.gettempdir()) / "minyi-bench.sqlite3"


def configure(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["MINYI_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        os.environ["MINYI_DATABASE_URL"] = POSTGRES_URL
    os.environ["MINYI_VAR_DIR"] = str(Path(tempfile.gettempdir()) / "minyi-bench-var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "minyi.config.settings"
    Path(os.environ["MINYI_VAR_DIR"]).mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", interactive=False, verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_events(count: int) -> dict[str, float]:
    """record_event inside one atomic action per event vs one raw INSERT per transaction into core_event."""
    from django.db import connection, transaction
    from django.utils import timezone

    from minyi.core.actors import Actor
    from minyi.core.models import Event, Unit
    from minyi.core.record.write import record_event

    actor = Actor.system()
    subjects = list(Unit.objects.order_by("path")[:100])

    @transaction.atomic
    def do_touch(unit: Unit, n: int) -> None:  # the smallest real action: validate nothing, record one event
        record_event(actor=actor, action="bench.touch", subject=unit, unit=unit, data={"n": n}, public=True)

    start = time.perf_counter()
    for n in range(count):
        do_touch(subjects[n % len(subjects)], n)
    action_seconds = time.perf_counter() - start

    table = connection.ops.quote_name(Event._meta.db_table)
    columns = "chain, seq, prev_hash, hash, occurred_at, actor_role, action, subject_type, subject_id, data, reason, public"
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def row(n: int) -> tuple[object, ...]:
        digest = hashlib.sha256(f"raw{n}".encode()).hexdigest()
        return (
            f"raw:{n}",
            1,
            "0" * 64,
            digest,
            now,
            "system",
            "bench.raw",
            "raw",
            str(n),
            f'{{"n": {n}}}',
            "",
            True,
        )

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for n in range(count):
            with transaction.atomic():
                cursor.execute(sql, row(n))
    raw_seconds = time.perf_counter() - start

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [row(count + n) for n in range(count)])
    batch_seconds = time.perf_counter() - start
    return {
        "actions_per_s": count / action_seconds,
        "raw_per_s": count / raw_seconds,
        "batch_per_s": count / batch_seconds,
    }


def bench_subtree(root_code: str, repeats: int) -> dict[str, object]:
    from django.db.models.functions import Substr

    from minyi.core.models import Unit
    from minyi.core.models.units import subtree_q

    rng = random.Random(42)
    root = Unit.objects.get(code=root_code)
    results: dict[str, object] = {}
    for kind in ("district", "township"):
        paths = list(Unit.objects.filter(subtree_q(root.path), kind=kind).values_list("path", flat=True))
        sample = [rng.choice(paths) for _ in range(repeats)]
        indexed, scanned, sizes = [], [], []
        for path in sample:
            start = time.perf_counter()
            sizes.append(Unit.objects.filter(subtree_q(path)).count())
            indexed.append(time.perf_counter() - start)
        for path in sample[: max(5, repeats // 4)]:
            # Same rows, but a predicate no index can serve: the full scan the range query avoids.
            start = time.perf_counter()
            Unit.objects.annotate(prefix=Substr("path", 1, len(path))).filter(prefix=path).count()
            scanned.append(time.perf_counter() - start)
        results[kind] = {
            "subtree_size": statistics.median(sizes),
            "p50_ms": percentile(indexed, 0.5) * 1000,
            "p95_ms": percentile(indexed, 0.95) * 1000,
            "scan_p50_ms": percentile(scanned, 0.5) * 1000,
        }
    path = sample[0]
    results["plan_indexed"] = Unit.objects.filter(subtree_q(path)).values("id").explain()
    results["plan_scan"] = (
        Unit.objects.annotate(prefix=Substr("path", 1, len(path))).filter(prefix=path).values("id").explain()
    )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 units and fewer events (a smoke run)")
    args = parser.parse_args(argv)
    units, events, repeats = (10_000, 500, 40) if args.quick else (100_000, 3_000, 200)

    configure(args.db)
    from django.db import connection

    from minyi.core.demo.seed import seed_jurisdiction

    print(
        f"# Minyi benchmarks — {connection.vendor} {connection.Database.__name__}, "
        f"{'quick' if args.quick else 'full'} run, python {sys.version.split()[0]}"
    )
    seeded = seed_jurisdiction(units, units // 10, seed=1)
    print(
        f"\nseed: {seeded.units:,} units + {seeded.people:,} people (+ {seeded.events:,} creation events) "
        f"in {seeded.seconds:.1f} s = {seeded.events / seeded.seconds:,.0f} rows/s"
    )

    writes = bench_events(events)
    print(f"\nevent writes ({events:,} each):")
    print(f"  record_event in one atomic action each : {writes['actions_per_s']:8,.0f} /s")
    print(f"  raw INSERT, one transaction each       : {writes['raw_per_s']:8,.0f} /s  (the ceiling)")
    print(f"  raw INSERT, all in one transaction     : {writes['batch_per_s']:8,.0f} /s  (bulk, for scale)")
    print(f"  ratio actions / ceiling                : {writes['actions_per_s'] / writes['raw_per_s']:.2f}")

    subtree = bench_subtree(seeded.root_code, repeats)
    print(f"\nsubtree_q count over {units:,} units ({repeats} random roots per kind):")
    for kind in ("district", "township"):
        r = subtree[kind]
        assert isinstance(r, dict)
        print(
            f"  {kind:<9} ~{r['subtree_size']:>7,.0f} units  p50 {r['p50_ms']:7.2f} ms  p95 {r['p95_ms']:7.2f} ms"
            f"  | full scan p50 {r['scan_p50_ms']:7.2f} ms  ({r['scan_p50_ms'] / r['p50_ms']:.0f}x slower)"
        )
    label = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    print(f"\n{label} subtree_q:\n  " + str(subtree["plan_indexed"]).replace("\n", "\n  "))
    print(f"{label} full scan (substr predicate):\n  " + str(subtree["plan_scan"]).replace("\n", "\n  "))


if __name__ == "__main__":
    main()
