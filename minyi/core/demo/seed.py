"""A synthetic jurisdiction of any size, for benchmarks and load tests.

Creating 100,000 units one `do_create_unit` at a time would take minutes, so this path computes the
tree paths itself and inserts in bulk. It keeps the record's promise: every unit and person gets the
same creation event, hashed exactly as `record_event` hashes it (a new chain per subject, seq 1), and
its chain head, so `verify_record()` accepts the result.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from minyi.core.actors import Actor
from minyi.core.demo import names
from minyi.core.models import ChainHead, Event, Person, Unit
from minyi.core.models.units import UnitKind, subtree_q
from minyi.core.record.hashing import GENESIS, event_hash, normalise
from minyi.core.record.write import hashed_fields
from minyi.core.subjects import subject_type

BATCH_SIZE = 2000
# Share of the units at each level below the city; whatever is left over becomes grids.
LEVEL_SHARES: tuple[tuple[str, float], ...] = (
    (UnitKind.DISTRICT, 0.001),
    (UnitKind.TOWNSHIP, 0.01),
    (UnitKind.COMMUNITY, 0.1),
)
DEPARTMENT_SHARE = 0.01

Progress = Callable[[int], object]
Row = dict[str, Any]


@dataclass(frozen=True)
class SeedResult:
    root_code: str
    units: int
    people: int
    events: int
    seconds: float


def level_sizes(total_units: int) -> list[tuple[str, int]]:
    """How many units of each kind a city of `total_units` has (city first, grids last)."""
    if total_units < 1:
        raise ValueError("a jurisdiction needs at least one unit")
    sizes: list[tuple[str, int]] = [(UnitKind.CITY, 1)]
    left = total_units - 1
    for kind, share in LEVEL_SHARES:
        count = min(left, max(1, round(total_units * share)))
        if count:
            sizes.append((kind, count))
        left -= count
    departments = min(left, round(total_units * DEPARTMENT_SHARE))
    if departments:
        sizes.append((UnitKind.DEPARTMENT, departments))
        left -= departments
    if left:
        sizes.append((UnitKind.GRID, left))
    return sizes


def _next_root_path() -> str:
    last = Unit.get_last_root_node()
    index = 1 if last is None else Unit._str2int(last.path[: Unit.steplen]) + 1
    return Unit._get_path(None, 1, index)


def seed_jurisdiction(
    units: int, people: int, seed: int = 1, *, progress: bool = False, name: str = "合成市"
) -> SeedResult:
    """Create a city of `units` units and `people` residents next to whatever the database holds."""
    started = time.perf_counter()
    rng = random.Random(seed)
    actor = Actor.system()
    with (
        tqdm(total=units + people, desc="seed", unit="条", disable=not progress) as bar,
        transaction.atomic(),
    ):
        root_path = _next_root_path()
        code_prefix = f"SYN{root_path}-"
        rows, parent_path = _plan_units(level_sizes(units), root_path, code_prefix, name, rng)
        raw_insert(Unit, rows)
        ids = dict(Unit.objects.filter(subtree_q(root_path)).values_list("path", "id"))
        bulk_record_first_events(
            Unit,
            [ids[row["path"]] for row in rows],
            "core.unit.create",
            [
                {
                    "name": r["name"],
                    "kind": r["kind"],
                    "code": r["code"],
                    "parent": ids.get(parent_path[r["path"]]),
                }
                for r in rows
            ],
            units=[ids[row["path"]] for row in rows],
            public=True,
            actor=actor,
            progress=bar.update,
        )
        homes = [ids[r["path"]] for r in rows if r["kind"] in (UnitKind.COMMUNITY, UnitKind.GRID)] or [
            ids[root_path]
        ]
        created_people = _seed_people(people, rng, homes, actor, bar.update, code_prefix.lower())
    return SeedResult(
        root_code=rows[0]["code"],
        units=units,
        people=created_people,
        events=units + created_people,
        seconds=time.perf_counter() - started,
    )


def _plan_units(
    sizes: list[tuple[str, int]], root_path: str, code_prefix: str, name: str, rng: random.Random
) -> tuple[list[Row], dict[str, str | None]]:
    """Every unit's row (path, depth, numchild…) and its parent's path, parents before children."""
    rows: list[Row] = []
    parent_path: dict[str, str | None] = {}
    levels: list[list[Row]] = []
    parents: list[Row] = []
    for kind, count in sizes:
        level_parents = (
            (levels[1] if len(levels) > 1 else levels[0]) if kind == UnitKind.DEPARTMENT else parents
        )
        level: list[Row] = []
        for index in range(count):
            if kind == UnitKind.CITY:
                row = _unit_row(root_path, 1, name, kind, f"{code_prefix}{len(rows) + 1:07d}")
                parent_path[root_path] = None
            else:
                # Children are spread evenly; numchild doubles as the next free step under each parent.
                parent = level_parents[index % len(level_parents)]
                parent["numchild"] += 1
                path = Unit._get_path(parent["path"], parent["depth"] + 1, parent["numchild"])
                label = rng.choice(names.PLACE_FIRST) + rng.choice(names.PLACE_SECOND) + _KIND_SUFFIX[UnitKind(kind)]
                row = _unit_row(path, parent["depth"] + 1, label, kind, f"{code_prefix}{len(rows) + 1:07d}")
                parent_path[path] = parent["path"]
            rows.append(row)
            level.append(row)
        levels.append(level)
        if kind != UnitKind.DEPARTMENT:
            parents = level
    return rows, parent_path


def _unit_row(path: str, depth: int, name: str, kind: str, code: str) -> Row:
    return {"path": path, "depth": depth, "numchild": 0, "name": name, "kind": kind, "code": code}


_KIND_SUFFIX = {
    UnitKind.DISTRICT: "区",
    UnitKind.TOWNSHIP: "街道",
    UnitKind.COMMUNITY: "社区",
    UnitKind.GRID: "网格",
    UnitKind.DEPARTMENT: "局",
}


def _seed_people(
    count: int, rng: random.Random, homes: Sequence[int], actor: Actor, progress: Progress, prefix: str
) -> int:
    if not count:
        return 0
    rows = [
        {
            "username": f"{prefix}{number:07d}",
            "name": names.person_name(rng),
            "phone": names.mobile_number(rng),
            "home_unit_id": rng.choice(homes),
            "password": make_password(None),
        }
        for number in range(1, count + 1)
    ]
    raw_insert(Person, rows)
    ids: dict[str, int] = dict(Person.objects.filter(username__startswith=prefix).values_list("username", "id"))
    person_ids = [ids[str(row["username"])] for row in rows]
    bulk_record_first_events(
        Person,
        person_ids,
        "core.person.create",
        [{"username": row["username"]} for row in rows],
        units=[cast(int | None, row["home_unit_id"]) for row in rows],
        public=False,
        actor=actor,
        progress=progress,
    )
    return len(rows)


def raw_insert(model: type[models.Model], rows: Sequence[Row], batch_size: int = BATCH_SIZE) -> None:
    """INSERT rows given as {attname: value}; unset fields take their default, auto timestamps now.

    Django's bulk_create compiles every value of every row; here only the values that need it
    (timestamps, JSON) go through the field's adaptation, which makes large seeds several times faster.
    """
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "db_returning", False)]  # all but auto-increment keys
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    adapt = {f.attname: f for f in fields if isinstance(f, models.DateTimeField | models.JSONField)}
    adapted_times: dict[tuple[str, Any], Any] = {}  # a batch shares one timestamp: adapt it once
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    params = []
    for row in rows:
        values = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in adapt:
                if isinstance(f, models.DateTimeField):
                    key = (f.attname, value)
                    if key not in adapted_times:
                        adapted_times[key] = f.get_db_prep_save(value, connection)
                    value = adapted_times[key]
                else:
                    value = f.get_db_prep_save(value, connection)
            values.append(value)
        params.append(values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])


def bulk_record_first_events(
    model: type[models.Model],
    subject_ids: Sequence[int],
    action: str,
    data: Sequence[Row],
    *,
    units: Sequence[int | None],
    public: bool,
    actor: Actor,
    progress: Progress,
) -> None:
    """The first event of each new subject's chain, hashed by `record.write.hashed_fields` as
    `record_event` would hash it, and the chain's head."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk events must be written inside the caller's transaction")
    kind = subject_type(model())
    for start in range(0, len(subject_ids), BATCH_SIZE):
        events: list[Row] = []
        heads: list[Row] = []
        occurred_at = timezone.now()
        for index in range(start, min(start + BATCH_SIZE, len(subject_ids))):
            event = SimpleNamespace(
                chain=f"{kind}:{subject_ids[index]}",
                seq=1,
                prev_hash=GENESIS,
                occurred_at=occurred_at,
                actor_id=actor.person.pk if actor.person else None,
                actor_role=actor.role,
                actor_unit_id=actor.unit.pk if actor.unit else None,
                unit_id=units[index],
                action=action,
                subject_type=kind,
                subject_id=str(subject_ids[index]),
                data=normalise(data[index]),
                reason="",
                public=public,
            )
            event.hash = event_hash(hashed_fields(event))  # type: ignore[arg-type]
            events.append(vars(event))
            heads.append({"chain": event.chain, "seq": 1, "hash": event.hash})
        raw_insert(ChainHead, heads)
        raw_insert(Event, events)
        progress(len(events))
