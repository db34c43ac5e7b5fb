"""Ballots benchmark: 1,000 voters casting into one poll concurrently over HTTP, and tallying 100,000 ballots.

    python -m benchmarks.ballots --db sqlite
    python -m benchmarks.ballots --db postgres      # MINYI_BENCH_BALLOTS_POSTGRES_URL, default …/bench2

The poll is a secret choose-2-of-4 vote (P2's 差额票决) opened for 1,000 people, each with an API token.
A real server (`minyi serve`, waitress) runs in a subprocess on a free 127.0.0.1 port against the
prepared database; threads fire `POST /api/v1/ballots/polls/{id}/cast` with `Authorization: Bearer`.
The bare endpoint is `GET /api/v1/roles` (public, one cheap query) on the same server in the same run;
throughput is reported as cast/s ÷ bare/s. Afterwards every voter tries again (all must get 409), and
the database is checked: ballots + sealed pool = electors voted = successful casts; the poll is closed
(flushing the pool) and ballots = voters, receipts unique and identical to those returned. The tally part times the pure counting (`tally.count_choices` + `decide_choose`)
and the full `results.compute_result` over 100,000 stored ballots of a choose-3-of-10 poll.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get("MINYI_BENCH_BALLOTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench2")
SQLITE_PATH = Path(tempfile.gettempdir()) / "minyi-bench-ballots.sqlite3"
VAR_DIR = Path(tempfile.gettempdir()) / "minyi-bench-ballots-var"


def configure(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["MINYI_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        os.environ["MINYI_DATABASE_URL"] = POSTGRES_URL
    os.environ["MINYI_VAR_DIR"] = str(VAR_DIR)
    os.environ["DJANGO_SETTINGS_MODULE"] = "minyi.config.settings"
    VAR_DIR.mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", interactive=False, verbosity=0)


def prepare(voters: int) -> tuple[int, list[str]]:
    """One unit, `voters` people with a token each, and an open secret choose-2-of-4 poll for them."""
    from django.contrib.auth.hashers import make_password

    from minyi.ballots.actions import OptionInput, PollInput, do_create_poll, do_open_poll
    from minyi.core.actions.units import UnitInput, do_create_unit
    from minyi.core.actors import Actor
    from minyi.core.models import ApiToken, Person
    from minyi.core.models.tokens import TOKEN_PREFIX, token_digest

    system = Actor.system()
    unit = do_create_unit(UnitInput(name="基准测试市", kind="city", code="BENCH01"), None, actor=system)
    unusable = make_password(None)
    # Setup, not measured: people and tokens are bulk-inserted (argon2 hashing 1,000 passwords would
    # dominate the run); casting goes through the real action behind the real endpoint.
    Person.objects.bulk_create(
        Person(username=f"voter{i:04d}", name=f"代表{i}", password=unusable) for i in range(voters)
    )
    people = list(Person.objects.filter(username__startswith="voter").order_by("username"))
    secrets_ = [f"{TOKEN_PREFIX}bench-{i:04d}-{random.getrandbits(128):032x}" for i in range(voters)]
    ApiToken.objects.bulk_create(
        ApiToken(owner=p, name="bench", prefix=s[:12], key_hash=token_digest(s))
        for p, s in zip(people, secrets_, strict=True)
    )
    poll = do_create_poll(
        PollInput(
            unit=unit,
            title="基准测试：民生实事项目差额票决",
            method="choose",
            secrecy="secret",
            rule={"seats": 2},
            options=[OptionInput(label=f"项目{k}", key=k) for k in "ABCD"],
        ),
        actor=system,
    )
    do_open_poll(poll, actor=system, electorate=people)
    return poll.pk, secrets_


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, threads: int) -> subprocess.Popen[bytes]:
    code = "import sys; from minyi.cli import main; sys.argv = ['minyi'] + sys.argv[1:]; main()"
    args = [
        sys.executable,
        "-c",
        code,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        str(threads),
    ]
    # The server's output goes to a file: an unread pipe fills up and blocks the server.
    log = (VAR_DIR / "server.log").open("wb")
    server = subprocess.Popen(args, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/roles")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"server did not start, see {VAR_DIR / 'server.log'}")


_local = threading.local()


def request(
    port: int, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, dict[str, Any] | None]:
    """One request on this thread's keep-alive connection (reconnects once if the server closed it)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body) if body is not None else None
    for attempt in (1, 2):
        conn = getattr(_local, "conn", None)
        if conn is None:
            conn = _local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        except (http.client.HTTPException, OSError):
            conn.close()
            _local.conn = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def timed(threads: int, jobs: list[Any], fn: Any) -> tuple[float, list[Any]]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(fn, jobs))
    return time.perf_counter() - start, results


def bench_casting(voters: int, threads: int, server_threads: int) -> dict[str, Any]:
    from django.db import connections

    from minyi.ballots.actions import do_close_poll
    from minyi.ballots.models import Ballot, Elector, PendingBallot, Poll
    from minyi.core.actors import Actor

    poll_id, tokens = prepare(voters)
    connections.close_all()
    port = free_port()
    server = start_server(port, server_threads)
    try:
        rng = random.Random(7)
        ballots = [rng.sample("ABCD", rng.choice([1, 2])) for _ in tokens]
        timed(threads, list(range(50)), lambda _i: request(port, "GET", "/api/v1/roles"))  # warm-up
        bare_s, bare = timed(threads, list(range(voters)), lambda _i: request(port, "GET", "/api/v1/roles"))
        cast_path = f"/api/v1/ballots/polls/{poll_id}/cast"
        cast_s, casts = timed(
            threads,
            list(zip(tokens, ballots, strict=True)),
            lambda job: request(port, "POST", cast_path, {"choices": job[1]}, token=job[0]),
        )
        again_s, again = timed(
            threads, tokens, lambda token: request(port, "POST", cast_path, {"choices": ["A"]}, token=token)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = [body["receipt"] for status, body in casts if status == 200 and body]
    # Secret ballots wait sealed in the pool until closing (or reach the Ballot table in shuffled
    # batches when MINYI_BALLOT_BATCH_SIZE is set). Count both, then close the poll (which flushes).
    pending = PendingBallot.objects.filter(poll_id=poll_id).count()
    in_table = Ballot.objects.filter(poll_id=poll_id).count()
    close_start = time.perf_counter()
    do_close_poll(Poll.objects.get(pk=poll_id), actor=Actor.system())
    close_s = time.perf_counter() - close_start
    stored = list(Ballot.objects.filter(poll_id=poll_id).values_list("receipt", flat=True))
    voted = Elector.objects.filter(poll_id=poll_id, voted=True).count()
    checks = {
        "bare_all_200": all(status == 200 for status, _ in bare),
        "casts_all_200": len(ok) == voters,
        "second_attempts_all_409_already_voted": all(
            status == 409 and body and body.get("code") == "already_voted" for status, body in again
        ),
        "ballots + pool == voters while open": in_table + pending == voters,
        "ballots == voters after closing": len(stored) == voters,
        "pool empty after closing": not PendingBallot.objects.filter(poll_id=poll_id).exists(),
        "electors voted == voters": voted == voters,
        "receipts unique and == returned": len(set(stored)) == voters and set(stored) == set(ok),
    }
    return {
        "voters": voters,
        "client_threads": threads,
        "server_threads": server_threads,
        "bare_s": bare_s,
        "bare_rps": voters / bare_s,
        "cast_s": cast_s,
        "cast_rps": voters / cast_s,
        "ratio": (voters / cast_s) / (voters / bare_s),
        "again_s": again_s,
        "close_s": close_s,
        "pending_before_close": pending,
        "statuses": sorted({status for status, _ in casts}),
        "checks": checks,
    }


def bench_tally(count: int, seats: int, candidates: int) -> dict[str, Any]:
    import uuid

    from minyi.ballots import tally
    from minyi.ballots.actions import OptionInput, PollInput, do_create_poll
    from minyi.ballots.models import Ballot, Poll
    from minyi.ballots.results import compute_result
    from minyi.core.actors import Actor
    from minyi.core.models import Unit

    rng = random.Random(11)
    keys = [f"c{i}" for i in range(candidates)]
    marks = [sorted(rng.sample(keys, rng.randint(0, seats))) for _ in range(count)]
    start = time.perf_counter()
    counts = tally.count_choices(marks, keys, seats)
    outcome = tally.decide_choose(
        counts,
        tally.ChooseRule(seats=seats),
        tally.Turnout(electorate=count, present=None, participants=count),
    )
    pure_s = time.perf_counter() - start
    assert sum(counts.votes.values()) == sum(len(m) for m in marks)
    poll = do_create_poll(
        PollInput(
            unit=Unit.objects.get(code="BENCH01"),
            title="基准测试：10选3",
            method="choose",
            secrecy="secret",
            rule={"seats": seats, "base": "cast"},
            options=[OptionInput(label=k, key=k) for k in keys],
        ),
        actor=Actor.system(),
    )
    start = time.perf_counter()
    Ballot.objects.bulk_create(
        (Ballot(id=uuid.uuid4(), poll=poll, choices=m, receipt=f"T{i:011d}") for i, m in enumerate(marks)),
        batch_size=5000,
    )
    insert_s = time.perf_counter() - start
    Poll.objects.filter(pk=poll.pk).update(electorate_size=count)
    poll.refresh_from_db()
    start = time.perf_counter()
    result = compute_result(poll)
    db_s = time.perf_counter() - start
    assert result["ballots"] == count and dict(result["ranking"]) == dict(counts.votes)
    return {
        "ballots": count,
        "seats": seats,
        "candidates": candidates,
        "pure_s": pure_s,
        "insert_s": insert_s,
        "compute_result_s": db_s,
        "elected": list(outcome.elected),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16, help="client threads")
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--tally", type=int, default=100_000)
    args = parser.parse_args()
    configure(args.db)
    from django.db import connection

    print(f"# Minyi ballots benchmark — {connection.vendor}, python {sys.version.split()[0]}")
    cast = bench_casting(args.voters, args.threads, args.server_threads)
    print(
        f"\nconcurrent casting over HTTP: {cast['voters']} voters, {cast['client_threads']} client threads, "
        f"waitress {cast['server_threads']} threads"
    )
    print(f"  bare GET /api/v1/roles   : {cast['bare_s']:7.2f} s  {cast['bare_rps']:8.1f} req/s")
    print(
        f"  POST …/cast (token auth) : {cast['cast_s']:7.2f} s  {cast['cast_rps']:8.1f} req/s  (statuses {cast['statuses']})"
    )
    print(f"  ratio cast / bare        : {cast['ratio']:.2f}")
    print(f"  second attempt by all    : {cast['again_s']:7.2f} s")
    print(
        f"  close (flush pool of {cast['pending_before_close']}, reshuffle, count): {cast['close_s']:7.2f} s"
    )
    for name, passed in cast["checks"].items():
        print(f"  check {name:40s}: {'ok' if passed else 'FAILED'}")
    print(f"  within 60 s              : {'ok' if cast['cast_s'] < 60 else 'FAILED'}")
    t = bench_tally(args.tally, 3, 10)
    print(f"\ntally: {t['ballots']:,} ballots, choose {t['seats']} of {t['candidates']}")
    print(f"  pure count + decide (tally.py)            : {t['pure_s']:6.2f} s")
    print(f"  compute_result from the database rows     : {t['compute_result_s']:6.2f} s")
    print(f"  (setup: bulk insert of the ballots        : {t['insert_s']:6.2f} s)")
    print(f"  elected: {t['elected']}")
    if not all(cast["checks"].values()) or cast["cast_s"] >= 60:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
