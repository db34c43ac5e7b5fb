"""Rate computation for one district-quarter over a 100,000-item city (target ≤ 500 ms).

    python -m benchmarks.voices_rates --db sqlite [--items 100000]
    python -m benchmarks.voices_rates --db postgres     # MINYI_BENCH_POSTGRES_URL, default database `v_reports_bench`

The seed is bulk-inserted (units, 100,000 voices over five years with their milestones), not made
through actions: what is measured is the aggregate, not the intake. The database is emptied first.
Tables are created from the models (no migrations), so the script runs before migrations exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get(
    "MINYI_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/v_reports_bench"
)
SQLITE_PATH = Path(tempfile.gettempdir()) / "minyi-bench-voices-rates.sqlite3"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _NoMigrations(dict[str, Any]):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def configure(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["MINYI_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        os.environ["MINYI_DATABASE_URL"] = POSTGRES_URL
    os.environ["MINYI_VAR_DIR"] = str(Path(tempfile.gettempdir()) / "minyi-bench-voices-var")
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
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def _path(parent: str, index: int) -> str:
    return (
        parent
        + ALPHABET[index // 36**3 % 36]
        + ALPHABET[index // 36**2 % 36]
        + ALPHABET[index // 36 % 36]
        + ALPHABET[index % 36]
    )


def seed(items: int, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from minyi.core.actions.channels import ensure_default_channels
    from minyi.core.actors import Actor
    from minyi.core.models import Channel, Unit
    from minyi.voices.models import Category, Voice, VoiceMilestones

    units: list[Unit] = []

    def unit(path: str, name: str, kind: str, children: int) -> Unit:
        row = Unit(path=path, depth=len(path) // 4, numchild=children, name=name, kind=kind)
        units.append(row)
        return row

    city = unit(_path("", 1), "基准市", "city", 10)
    communities: list[str] = []
    departments: list[str] = []
    for d in range(10):
        district = _path(city.path, d + 1)
        unit(district, f"第{d + 1}区", "district", 15)
        for t in range(10):
            township = _path(district, t + 1)
            unit(township, f"第{d + 1}区第{t + 1}街道", "township", 10)
            for c in range(10):
                communities.append(_path(township, c + 1))
                unit(communities[-1], f"第{d + 1}区第{t + 1}街道第{c + 1}社区", "community", 0)
        for k in range(5):
            departments.append(_path(district, 11 + k))
            unit(departments[-1], f"第{d + 1}区第{k + 1}局", "department", 0)
    with transaction.atomic():
        Unit.objects.bulk_create(units, batch_size=2000)
        ensure_default_channels(actor=Actor.system())
        Category.objects.bulk_create([Category(code=f"c{i}", name=f"类别{i}") for i in range(16)])
    unit_ids = dict(Unit.objects.values_list("path", "pk"))
    channel_ids = list(Channel.objects.values_list("pk", flat=True))
    category_ids = list(Category.objects.values_list("pk", flat=True))
    kinds = ["request"] * 6 + [
        "complaint",
        "suggestion",
        "consultation",
        "deputy_suggestion",
        "cppcc_proposal",
    ]
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2026, 12, 31, tzinfo=dt.UTC) - start).total_seconds()
    batch: list[tuple[Voice, dict[str, Any]]] = []

    def flush() -> None:
        with transaction.atomic():
            created = Voice.objects.bulk_create([v for v, _m in batch])
            VoiceMilestones.objects.bulk_create(
                [VoiceMilestones(voice=v, **m) for v, (_x, m) in zip(created, batch, strict=True)]
            )
        batch.clear()

    for n in range(items):
        created_at = start + dt.timedelta(seconds=rng.random() * span)
        community = rng.choice(communities)
        district = community[:8]
        replied = rng.random() < 0.85
        reply_due = created_at + dt.timedelta(days=rng.choice([7, 10, 21]))
        replied_at = created_at + dt.timedelta(days=rng.random() * 25) if replied else None
        voice = Voice(
            tracking_code=f"MY-{created_at.year}-{n:07d}",
            kind=rng.choice(kinds),
            category_id=rng.choice(category_ids),
            channel_id=rng.choice(channel_ids),
            unit_id=unit_ids[community],
            title="基准事项",
            content="基准内容",
            lead_department_id=unit_ids[rng.choice([p for p in departments if p.startswith(district)])]
            if rng.random() < 0.3
            else None,
            resolution=rng.choice(["resolved", "resolved", "answered"]) if replied else "",
            satisfaction=rng.choice(["satisfied", "basic", "unsatisfied", ""]) if replied else "",
            replied_at=replied_at,
            created_at=created_at,
        )
        milestones = {
            "registered_at": created_at,
            "accept_due_at": created_at + dt.timedelta(days=1),
            "accepted_at": created_at + dt.timedelta(hours=rng.random() * 40),
            "reply_due_at": reply_due,
            "replied_at": replied_at,
            "consulted_at": created_at + dt.timedelta(days=rng.random() * 20) if rng.random() < 0.5 else None,
            "excluded": rng.random() < 0.03,
        }
        batch.append((voice, milestones))
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return {"district": Unit.objects.get(path=_path(city.path, 3))}


def measure(district: Any, repeats: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minyi.voices.models import Voice
    from minyi.voices.rates import (
        RateFilters,
        compute_rates,
        parse_period,
        rates_by_child_unit,
        rates_by_month,
    )

    filters = RateFilters(period=parse_period("2025-Q2"), unit=district)
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    timings: dict[str, list[float]] = {"total": [], "by_township": [], "by_month": [], "page_set": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        total = compute_rates(Voice.objects.all(), filters, now)
        t1 = time.perf_counter()
        rates_by_child_unit(Voice.objects.all(), filters, district, now)
        t2 = time.perf_counter()
        rates_by_month(Voice.objects.all(), filters, now)
        t3 = time.perf_counter()
        timings["total"].append((t1 - t0) * 1000)
        timings["by_township"].append((t2 - t1) * 1000)
        timings["by_month"].append((t3 - t2) * 1000)
        timings["page_set"].append((t3 - t0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        compute_rates(Voice.objects.all(), filters, now)
    result = {f"{k}_p50_ms": statistics.median(v) for k, v in timings.items()}
    result.update({f"{k}_max_ms": max(v) for k, v in timings.items()})
    result["cohort_items"] = total.registered
    result["queries_for_totals"] = len(queries.captured_queries)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    configure(args.db)
    rng = random.Random(2026)
    t0 = time.perf_counter()
    seeded = seed(args.items, rng)
    seed_s = time.perf_counter() - t0
    if args.db == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = measure(seeded["district"], args.repeats)
    print(f"db={args.db} items={args.items} seed={seed_s:.1f}s")
    for key, value in result.items():
        print(f"  {key}: {value:.1f}" if isinstance(value, float) else f"  {key}: {value}")


if __name__ == "__main__":
    main()
