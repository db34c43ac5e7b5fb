"""Voices benchmarks: a synthetic city's five years of voices, then search and duplicate suggestion.

    python -m benchmarks.voices --db sqlite                      # 100,000 voices (quick, a few minutes)
    python -m benchmarks.voices --db postgres                    # MINYI_BENCH_POSTGRES_URL, default `bench`
    python -m benchmarks.voices --db sqlite --voices 1000000     # the city-scale variant
    python -m benchmarks.voices --db postgres --reuse --only-intake --intake-worker  # intake, Huey worker alongside

The database is emptied first (as benchmarks.run does). Voices are inserted in bulk with their
process instance (linked as `Voice.instance`) and their first public-record event (hashed as `record_event` would), and indexed
with the same jieba tokens as `index_voice`. Measured: `search_voices` for an anonymous visitor
(published items), a township officer and a city leader; `similar_open_voices` for new texts in random
communities; the handling inbox and item pages through Django's test client, and intake API
throughput against a bare JSON endpoint on a 2-thread waitress server (benchmarks/voices_http.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.run import configure as configure_base
from benchmarks.run import percentile

YEARS = 5
OPEN_SHARE = 0.03  # the newest items are still being handled
PUBLISHED_SHARE = 0.3
BATCH = 5000

# category code, name, templates ({p} = a place in the community, {t} = a time phrase)
CATEGORIES: list[tuple[str, str, list[str]]] = [
    (
        "lighting",
        "路灯照明",
        ["{p}路灯不亮，{t}很黑", "{p}路灯坏了好几天，晚上出行不便", "{p}的路灯白天一直亮着浪费电"],
    ),
    (
        "roads",
        "道路交通",
        ["{p}路面坑洼不平，{t}骑车很危险", "{p}人行道地砖松动破损", "{p}井盖缺失存在安全隐患"],
    ),
    (
        "sanitation",
        "环境卫生",
        ["{p}垃圾清运不及时，{t}臭味很大", "{p}垃圾桶满了没人清理", "{p}楼道堆放杂物无人清理"],
    ),
    (
        "property",
        "物业管理",
        ["{p}物业不作为，{t}电梯经常故障", "{p}物业费上涨没有公示", "{p}小区门禁坏了一直没修"],
    ),
    (
        "noise",
        "噪声扰民",
        ["{p}广场舞噪音扰民，{t}还在跳", "{p}装修噪音太大，{t}就开始施工", "{p}夜市油烟噪音扰民"],
    ),
    (
        "parking",
        "停车管理",
        ["{p}停车位不够，{t}乱停乱放", "{p}电动车充电桩不够，飞线充电很危险", "{p}共享单车堆满人行道"],
    ),
    (
        "elderly",
        "养老服务",
        ["{p}老人助餐点太少，{t}排队很久", "{p}希望加装电梯方便老人上下楼", "{p}养老服务站活动太少"],
    ),
    ("education", "教育", ["{p}学位紧张，孩子入学难", "{p}学校门口{t}交通拥堵", "{p}幼儿园收费不透明"]),
    ("health", "医疗卫生", ["{p}社区医院药品不全", "{p}卫生服务站{t}没有医生", "{p}医保报销流程太复杂"]),
    ("water", "水电气", ["{p}{t}停水没有提前通知", "{p}下水道堵塞污水外溢", "{p}暖气不热，家里很冷"]),
    ("market", "市场监管", ["{p}菜市场缺斤短两", "{p}占道经营影响通行", "{p}超市出售过期食品"]),
    ("housing", "住房保障", ["{p}老旧小区改造进度太慢", "{p}楼顶漏水一直没人修", "{p}违章搭建影响采光"]),
]
TIMES = ["晚上", "早上", "周末", "每天", "最近一周", "雨天", "夜里十点以后", "上下班高峰"]
SPOTS = ["门口", "东门", "北侧", "广场", "{n}栋楼下", "{n}号楼旁边", "停车场", "主干道"]
QUERIES = ["路灯", "路灯 不亮", "噪音", "垃圾 清运", "停车位", "电梯", "物业", "井盖", "充电桩", "漏水",
           "广场舞", "加装电梯", "学位", "停水", "占道经营"]  # fmt: skip


def configure(db: str) -> None:
    """benchmarks.run's fresh database, plus tables of apps whose migrations are not generated yet."""
    configure_base(db)
    from django.conf import settings
    from django.core.management import call_command

    from minyi.voices import migrations

    if not any(Path(migrations.__file__).parent.glob("0*.py")):  # until the lead generates them
        settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "voices": None}
        call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def reuse(db: str) -> None:
    import os

    from benchmarks.run import POSTGRES_URL, SQLITE_PATH

    os.environ["MINYI_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else POSTGRES_URL
    os.environ.setdefault("MINYI_VAR_DIR", str(Path(SQLITE_PATH).parent / "minyi-bench-var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "minyi.config.settings"
    import django

    django.setup()
    _create_missing_tables()
    _refresh_stored_definitions()


def _refresh_stored_definitions() -> None:
    """A process file edited since the seed without a version bump (during development) would make
    every new start fail; the seeded instances sit only in `registered` and `closed`, so the stored
    source is replaced by the current file's (a benchmark shortcut, never done to a real database)."""
    from minyi.core.engine.registry import current_definition
    from minyi.core.models import ProcessDefinitionVersion

    for stored in ProcessDefinitionVersion.objects.all():
        try:
            definition = current_definition(stored.name)
        except Exception:  # a process no longer registered: leave it
            continue
        if definition.version == stored.version and definition.digest != stored.digest:
            stored.source, stored.digest = definition.source, definition.digest
            stored.save(update_fields=["source", "digest"])
            print(f"# refreshed stored definition {stored.name} v{stored.version}", file=sys.stderr)


def _create_missing_tables() -> None:
    """Tables of models merged since the database was seeded (new apps, new voices models): created
    from the models, additively, so the seeded voices stay. Existing tables are not altered."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    missing = [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in existing
    ]
    if missing:
        with connection.schema_editor() as editor:
            for model in missing:
                editor.create_model(model)
        print(f"# created {len(missing)} tables added since the seed", file=sys.stderr)


def sync_tracking_counters() -> None:
    """The seed writes tracking codes itself; the intake numbers from `TrackingCounter`, so each year's
    counter must continue after the highest seeded code (or new items would collide with old ones)."""
    from django.db.models import Max
    from django.utils import timezone

    from minyi.voices.models import TrackingCounter, Voice

    for year in range(timezone.now().year - YEARS - 1, timezone.now().year + 1):
        top = Voice.objects.filter(tracking_code__startswith=f"MY-{year}-").aggregate(m=Max("tracking_code"))[
            "m"
        ]
        if top:
            last = int(top.rsplit("-", 1)[1])
            TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})


def reused() -> dict[str, Any]:
    from minyi.core.models import Unit
    from minyi.voices.models import Voice

    root = Unit.objects.filter(depth=1, code__startswith="SYN").order_by("-path").first()
    communities = list(
        Unit.objects.filter(path__startswith=root.path, kind="community").values_list("id", "name")
    )
    sync_tracking_counters()
    print(f"# reusing {Voice.objects.count():,} seeded voices")
    return {"root": root, "communities": communities}


def _parts(rng: random.Random, community: str) -> tuple[str, str, str]:
    """A new item's category code, place (community + spot) and what is wrong there."""
    code, _name, templates = rng.choice(CATEGORIES)
    place = community + rng.choice(SPOTS).format(n=rng.randint(1, 30))
    return code, place, rng.choice(templates).format(p="", t=rng.choice(TIMES))


def _text(rng: random.Random, community: str) -> tuple[str, str, str]:
    code, place, body = _parts(rng, community)
    return code, (place + body)[:30], place + body


_memo: dict[str, list[str]] = {}


def _tokens(*parts: str) -> list[str]:
    """jieba tokens of each part, memoised: segmenting 1,000,000 texts one by one would dominate the
    seed; the parts (places, complaint bodies, category names) repeat, so each is segmented once."""
    from minyi.voices.search.tokens import index_tokens

    out: list[str] = []
    for part in parts:
        if part not in _memo:
            _memo[part] = index_tokens(part)
        out.extend(_memo[part])
    return out


def seed_voices(count: int, seed: int = 7) -> dict[str, Any]:
    """A city sized to `count` voices across five years; returns what the measurements need."""
    from django.db import connection, transaction
    from django.utils import timezone

    from minyi.core.actions.channels import ensure_default_channels
    from minyi.core.actors import Actor
    from minyi.core.demo.seed import bulk_record_first_events, raw_insert, seed_jurisdiction
    from minyi.core.engine.registry import current_definition, ensure_stored
    from minyi.core.engine.runtime import wrap_roles
    from minyi.core.models import Channel, ProcessInstance, Unit
    from minyi.core.models.units import subtree_q
    from minyi.voices.models import Category, Voice, VoiceSearchIndex

    started = time.perf_counter()
    rng = random.Random(seed)
    system = Actor.system()
    city = seed_jurisdiction(max(2_000, count // 5), 1_000, seed=seed)
    root = Unit.objects.get(code=city.root_code)
    communities = list(Unit.objects.filter(subtree_q(root.path), kind="community").values_list("id", "name"))
    ensure_default_channels(actor=system)
    channels = list(Channel.objects.values_list("id", flat=True))
    definition = current_definition("voice")
    ensure_stored(definition)
    awaiting = wrap_roles(definition.awaiting_roles("registered"))
    with transaction.atomic():
        for order, (code, name, _t) in enumerate(CATEGORIES):
            Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    categories = dict(Category.objects.values_list("code", "id"))
    names = dict(Category.objects.values_list("code", "name"))
    now = timezone.now()
    span = dt.timedelta(days=365 * YEARS).total_seconds()
    # Oldest first, so the newest OPEN_SHARE are the ones still open.
    moments = sorted(now - dt.timedelta(seconds=rng.random() * span) for _ in range(count))
    open_from = int(count * (1 - OPEN_SHARE))
    counters: dict[int, int] = {}
    seeded_at = time.perf_counter()
    tokens_seconds = 0.0
    for start in range(0, count, BATCH):
        rows, texts = [], []
        for index in range(start, min(start + BATCH, count)):
            created = moments[index]
            counters[created.year] = counters.get(created.year, 0) + 1
            unit_id, community = rng.choice(communities)
            code, place, body = _parts(rng, community)
            title, content = (place + body)[:30], place + body
            closed = index < open_from
            rows.append(
                {
                    "tracking_code": f"MY-{created.year}-{counters[created.year]:06d}",
                    "kind": "request",
                    "category_id": categories[code],
                    "channel_id": rng.choice(channels),
                    "unit_id": unit_id,
                    "title": title,
                    "content": content,
                    "wants_public": closed and rng.random() < PUBLISHED_SHARE,
                    "reply": "已处理并回复" if closed else "",
                    "resolution": "resolved" if closed else "",
                    "satisfaction": rng.choice(["satisfied", "satisfied", "basic", "unsatisfied"])
                    if closed
                    else "",
                    "created_at": created,
                    "closed_at": created + dt.timedelta(days=rng.randint(1, 20)) if closed else None,
                }
            )
            rows[-1]["is_published"] = rows[-1]["wants_public"]
            texts.append((place, body, names[code]))
        with transaction.atomic():
            raw_insert(Voice, rows)
            ids = dict(
                Voice.objects.filter(tracking_code__in=[r["tracking_code"] for r in rows]).values_list(
                    "tracking_code", "id"
                )
            )
            voice_ids = [ids[r["tracking_code"]] for r in rows]
            raw_insert(
                ProcessInstance,
                [
                    {
                        "process": "voice",
                        "version": definition.version,
                        "subject_type": "voices.voice",
                        "subject_id": str(pk),
                        "title": r["title"],
                        "unit_id": r["unit_id"],
                        "state": "closed" if r["closed_at"] else "registered",
                        "state_entered_at": r["closed_at"] or r["created_at"],
                        "awaiting_roles": "" if r["closed_at"] else awaiting,
                        "is_final": bool(r["closed_at"]),
                    }
                    for pk, r in zip(voice_ids, rows, strict=True)
                ],
            )
            link_instances(voice_ids)
            bulk_record_first_events(
                Voice,
                voice_ids,
                "voice.start",
                [{"version": definition.version, "to": "registered", "inputs": {}} for _r in rows],
                units=[r["unit_id"] for r in rows],
                public=definition.public,
                actor=system,
                progress=lambda _n: None,
            )
            began = time.perf_counter()
            tokens = [" ".join(_tokens(place, body, place, body, name)) for place, body, name in texts]
            tokens_seconds += time.perf_counter() - began
            raw_insert(
                VoiceSearchIndex,
                [
                    {"voice_id": pk, "tokens": t, "indexed_at": now}
                    for pk, t in zip(voice_ids, tokens, strict=True)
                ],
            )
        print(f"  seeded {min(start + BATCH, count):,} / {count:,} voices", file=sys.stderr, end="\r")
    sync_tracking_counters()
    # The FTS5 triggers indexed every row as it was inserted; statistics for the planners.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "units": city.units,
        "communities": communities,
        "root": root,
        "seconds": time.perf_counter() - started,
        "voice_seconds": time.perf_counter() - seeded_at,
        "token_seconds": tokens_seconds,
    }


def link_instances(voice_ids: list[int]) -> None:
    """Set `Voice.instance` of freshly inserted voices, as the intake's `start_handling` does (one
    UPDATE per batch, each voice's instance found by the (subject_type, subject_id) index)."""
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast

    from minyi.core.models import ProcessInstance
    from minyi.voices.models import Voice

    instance = ProcessInstance.objects.filter(
        process="voice", subject_type="voices.voice", subject_id=Cast(OuterRef("pk"), CharField())
    )
    Voice.objects.filter(pk__in=voice_ids).update(instance=Subquery(instance.values("pk")[:1]))


def timed(call: Callable[[], object], repeats: int) -> dict[str, float]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return {"p50": percentile(times, 0.5) * 1000, "p95": percentile(times, 0.95) * 1000}


def people(root: Any) -> dict[str, Any]:
    from minyi.core.actions.people import PersonInput, do_create_person
    from minyi.core.actions.roles import do_grant_role
    from minyi.core.actors import Actor
    from minyi.core.models import Person, Unit
    from minyi.core.models.units import subtree_q

    existing = {p.username: p for p in Person.objects.filter(username__in=["bench-township", "bench-leader"])}
    if len(existing) == 2:  # a reused database
        return {
            "anonymous": None,
            "township officer": existing["bench-township"],
            "city leader": existing["bench-leader"],
        }
    system = Actor.system()
    township = Unit.objects.filter(subtree_q(root.path), kind="township").order_by("path").first()
    officer = do_create_person(PersonInput(username="bench-township", name="王街道"), actor=system)
    leader = do_create_person(PersonInput(username="bench-leader", name="李市长"), actor=system)
    do_grant_role(officer, "township_staff", township, actor=system)
    do_grant_role(leader, "leader", root, actor=system)
    return {"anonymous": None, "township officer": officer, "city leader": leader}


def measure(
    seeded: dict[str, Any],
    repeats: int,
    pages: int,
    requests: int,
    worker: bool = False,
    only_intake: bool = False,
    rounds: int = 3,
) -> None:
    from benchmarks.voices_http import measure_intake, measure_pages

    communities = seeded["communities"]
    if not only_intake:
        measure_lookups(seeded, repeats)
        measure_pages(seeded["root"], pages)
    if requests:
        measure_intake(seeded["root"], communities, requests, worker=worker, rounds=rounds)


def measure_lookups(seeded: dict[str, Any], repeats: int) -> None:
    from minyi.core.models import Unit
    from minyi.voices.search import search_voices
    from minyi.voices.similarity import similar_open_voices

    rng = random.Random(11)
    search_voices(None, "路灯")  # load jieba once, outside the timings
    print(f"\nsearch_voices, first page of 20 ({repeats} random queries each, e.g. {QUERIES[1]!r}):")
    for label, person in people(seeded["root"]).items():
        r = timed(lambda p=person: search_voices(p, rng.choice(QUERIES)), repeats)
        print(f"  {label:<17} p50 {r['p50']:7.2f} ms  p95 {r['p95']:7.2f} ms")
    communities = seeded["communities"]
    units = {pk: Unit.objects.get(pk=pk) for pk, _name in rng.sample(communities, min(50, len(communities)))}

    def suggest() -> object:
        pk = rng.choice(list(units))
        name = next(n for p, n in communities if p == pk)
        return similar_open_voices(units[pk], _text(rng, name)[2])

    r = timed(suggest, repeats)
    found = sum(1 for _ in range(50) if suggest())
    print(f"\nsimilar_open_voices ({repeats} new texts in random communities; {found}/50 got suggestions):")
    print(f"  p50 {r['p50']:7.2f} ms  p95 {r['p95']:7.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--voices", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run seeded")
    parser.add_argument("--page-repeats", type=int, default=100, help="requests per page and person")
    parser.add_argument("--requests", type=int, default=500, help="intake and bare API requests (0: skip)")
    parser.add_argument(
        "--intake-worker", action="store_true", help="run a Huey consumer alongside the intake server"
    )
    parser.add_argument("--only-intake", action="store_true", help="skip search and page measurements")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating bare/intake rounds (median reported)"
    )
    args = parser.parse_args(argv)
    if args.reuse:
        reuse(args.db)
    else:
        configure(args.db)
    from django.db import connection

    print(
        f"# Minyi voices benchmarks — {connection.vendor}, {args.voices:,} voices over {YEARS} years, "
        f"python {sys.version.split()[0]}"
    )
    if args.reuse:
        seeded = reused()
    else:
        seeded = seed_voices(args.voices)
        print(
            f"\nseed: {seeded['units']:,} units, {args.voices:,} voices (+ process instances, registration "
            f"events, index rows) in {seeded['seconds']:.1f} s; voices alone {seeded['voice_seconds']:.1f} s "
            f"= {args.voices / seeded['voice_seconds']:,.0f} voices/s (jieba {seeded['token_seconds']:.1f} s)"
        )
    measure(
        seeded,
        args.repeats,
        args.page_repeats,
        args.requests,
        args.intake_worker,
        args.only_intake,
        args.rounds,
    )


if __name__ == "__main__":
    main()
