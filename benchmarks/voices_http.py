"""Voices benchmarks over HTTP: the handler's inbox and item pages, and intake API throughput.

Called by `benchmarks.voices` on its seeded database. The people and the items they handle are made
through actions (`do_create_person`, `do_grant_role`, the `voice` process steps), never by hand:

- the township officer (`township_staff` on the first township) takes open items at the township and
  escalates them; a district officer assigns them to a department of that district, so the
  department handler (`department_handler` on it) has real items in its inbox;
- the inbox and an item page are fetched through Django's test client, logged in as each of them
  (first the portal home page, as a reference for what any page costs on the machine at that time)
  (and as the district officer, whose scope is a whole district);
- intake throughput: a real WSGI server (waitress, 2 threads, one process) on a free 127.0.0.1 port,
  `POST /api/v1/voices` (channel `web`, a resident's API token) vs the bare `GET /api/v1/roles`.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.run import percentile

ASSIGNED = 20  # items moved to the department (each one is three real process steps)


def _person(username: str, name: str) -> Any:
    from minyi.core.actions.people import PersonInput, do_create_person
    from minyi.core.actors import Actor
    from minyi.core.models import Person

    found = Person.objects.filter(username=username).first()
    return found or do_create_person(PersonInput(username=username, name=name), actor=Actor.system())


def _grant(person: Any, role: str, unit: Any) -> None:
    from minyi.core.actions.roles import do_grant_role
    from minyi.core.actors import Actor
    from minyi.core.models import RoleGrant

    if not RoleGrant.objects.active().filter(person=person, role=role, unit=unit).exists():
        do_grant_role(person, role, unit, actor=Actor.system())


def handlers(root: Any) -> dict[str, Any]:
    """The township officer and a department handler, with items assigned through the process."""
    from minyi.core.engine.steps import perform
    from minyi.core.models import ProcessInstance, Unit
    from minyi.core.models.units import subtree_q
    from minyi.voices.models import Voice

    township = Unit.objects.filter(subtree_q(root.path), kind="township").order_by("path").first()
    district = township.get_parent()
    department = Unit.objects.filter(subtree_q(district.path), kind="department").order_by("path").first()
    officer = _person("bench-township", "王街道")
    dispatcher = _person("bench-district", "赵区级")
    handler = _person("bench-department", "孙承办")
    _grant(officer, "township_staff", township)
    _grant(dispatcher, "district_staff", district)
    _grant(handler, "department_handler", department)
    have = Voice.objects.filter(lead_department=department).count()
    if have < ASSIGNED:
        open_ids = Voice.objects.filter(
            subtree_q(township.path, "unit__path"), closed_at__isnull=True, lead_department__isnull=True
        ).values_list("pk", flat=True)[: ASSIGNED - have]
        for pk in open_ids:
            instance = ProcessInstance.objects.get(subject_type="voices.voice", subject_id=str(pk))
            if instance.state != "registered":
                continue
            instance = perform(instance, "take_at_township", person=officer, inputs={}, reason="")
            instance = perform(
                instance, "escalate_to_district", person=officer, inputs={}, reason="需区级部门办理"
            )
            perform(
                instance, "assign", person=dispatcher, inputs={"lead_department": department.pk}, reason=""
            )
    in_township = Voice.objects.filter(subtree_q(township.path, "unit__path"))
    return {
        "township officer": (officer, in_township.filter(closed_at__isnull=True).order_by("-pk").first()),
        "department handler": (
            handler,
            Voice.objects.filter(lead_department=department).order_by("-pk").first(),
        ),
        "district officer": (
            dispatcher,
            Voice.objects.filter(lead_department=department).order_by("pk").first(),
        ),
        "_scope": (
            in_township.count(),
            in_township.filter(closed_at__isnull=True).count(),
            department.name,
            Voice.objects.filter(lead_department=department).count(),
        ),
    }


def measure_pages(root: Any, repeats: int) -> dict[str, dict[str, float]]:
    from django.test import Client
    from django.urls import reverse

    people = handlers(root)
    total, open_count, department, assigned = people.pop("_scope")
    print(
        f"\ninbox and item pages through the test client ({repeats} requests each; township scope "
        f"{total:,} items, {open_count:,} open; department {department} has {ASSIGNED} assigned):"
    )
    results: dict[str, dict[str, float]] = {}
    for label, (person, voice) in people.items():
        client = Client()
        client.force_login(person)
        pages = [("inbox", reverse("voices:inbox")), ("item", reverse("voices:item", args=[voice.pk]))]
        if not results:  # a reference in the same run: the portal home page, one query for the person
            pages.insert(0, ("home", "/"))
        for page, url in pages:
            status = client.get(url).status_code  # warm up (templates, rules) outside the timings
            assert status == 200, f"{label} {url}: {status}"
            times = []
            for _ in range(repeats):
                began = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - began)
            p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
            results[f"{label} {page}"] = {"p50": p50, "p95": p95}
            print(f"  {label:<18} {page:<5} {url:<22} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fire(
    urls_and_bodies: list[tuple[str, bytes | None]], headers: dict[str, str], workers: int
) -> tuple[float, dict[int, int]]:
    def one(item: tuple[str, bytes | None]) -> int:
        url, body = item
        request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(one, urls_and_bodies))
    seconds = time.perf_counter() - began
    counts: dict[int, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return seconds, counts


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_intake(
    root: Any,
    communities: list[tuple[int, str]],
    count: int,
    clients: int = 4,
    worker: bool = False,
    rounds: int = 3,
) -> dict[str, float]:
    """Intake POSTs vs a bare JSON GET on the same 2-thread waitress server, `count` requests each,
    in `rounds` alternating rounds (bare, intake, bare, intake, …): the ratio of each round is taken
    between measurements seconds apart, and the median of the rounds is reported, because a shared
    machine's speed drifts by tens of percent within minutes. The server process's own CPU time per
    request (from /proc) is reported beside it: it does not depend on how busy the machine is.

    Each POST queues its follow-up (index row, notification of the office) for the Huey worker. With
    `worker`, a consumer (`python -m minyi.cli worker`, as `minyi demo` starts it) runs alongside the
    server during both measurements and competes for the CPU, and the time it needs to catch up is
    reported; without it the queued follow-ups are run here afterwards, outside the timings.
    """
    from django.db import connection
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from minyi.core.actions.tokens import do_create_token, do_revoke_token
    from minyi.core.actors import Actor
    from minyi.core.models import ApiToken
    from minyi.core.models.units import subtree_q
    from minyi.voices.actions.intake_followup import do_finish_intake
    from minyi.voices.models import Voice, VoiceSearchIndex

    resident = _person("bench-resident", "周居民")
    as_resident = Actor(person=resident, role="resident")
    for old in ApiToken.objects.usable(timezone.now()).filter(owner=resident, name="bench"):
        do_revoke_token(old, actor=as_resident)  # an earlier run's (a person may hold 20 at most)
    secret = do_create_token(resident, actor=as_resident, name="bench", expires_in_days=1).secret
    from benchmarks.voices import _parts

    rng = random.Random(23)
    bodies = []
    for _ in range(count * rounds + 1):  # the last one warms the server up
        unit_id, name = rng.choice(communities)
        code, place, body = _parts(rng, name)
        payload = {"title": (place + body)[:30], "content": place + body, "category": code, "unit": unit_id,
                   "place": place, "channel": "web"}  # fmt: skip
        bodies.append(json.dumps(payload, ensure_ascii=False).encode())
    before = Voice.objects.filter(subtree_q(root.path, "unit__path")).count()
    last_pk = Voice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    HUEY.flush()  # leftovers of an earlier run (their items are finished below, with this run's)
    connection.close()  # SQLite: let the server write without this process holding anything open

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [
        str(Path(sys.executable).with_name("waitress-serve")),
        "--threads=2", "--host=127.0.0.1", f"--port={port}", "minyi.config.wsgi:application",
    ]  # fmt: skip
    log = Path(os.environ.get("MINYI_VAR_DIR", "/tmp")) / "bench-waitress.log"
    with log.open("wb") as sink:  # a file, not a pipe: a full pipe would block the server
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    consumer = None
    if worker:
        with log.with_name("bench-worker.log").open("wb") as sink:
            consumer = subprocess.Popen(
                [sys.executable, "-m", "minyi.cli", "worker"], env=env, stdout=sink, stderr=subprocess.STDOUT
            )
    caught_up = float("nan")
    measured: list[dict[str, float]] = []
    statuses: dict[str, dict[int, int]] = {"bare": {}, "intake": {}}
    try:
        for _ in range(300):  # up to 30 s for Django to start
            try:
                with urllib.request.urlopen(f"{base}/api/v1/roles", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:  # not listening yet, or still importing Django
                time.sleep(0.1)
        else:
            raise RuntimeError("the waitress server did not start")
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        # Warm both endpoints (jieba, the process definition, rules) outside the timings.
        _fire(
            [(f"{base}/api/v1/voices", bodies[-1])] + [(f"{base}/api/v1/roles", None)] * 4,
            headers,
            clients,
        )
        for n in range(rounds):
            cpu = _cpu_seconds(server.pid)
            bare_seconds, bare = _fire([(f"{base}/api/v1/roles", None)] * count, {}, clients)
            cpu_bare = _cpu_seconds(server.pid)
            batch = bodies[n * count : (n + 1) * count]
            intake_seconds, intake = _fire([(f"{base}/api/v1/voices", b) for b in batch], headers, clients)
            cpu_intake = _cpu_seconds(server.pid)
            measured.append(
                {
                    "bare": count / bare_seconds,
                    "intake": count / intake_seconds,
                    "bare_cpu_ms": (cpu_bare - cpu) / count * 1000,
                    "intake_cpu_ms": (cpu_intake - cpu_bare) / count * 1000,
                }
            )
            for name, counted in (("bare", bare), ("intake", intake)):
                for status, number in counted.items():
                    statuses[name][status] = statuses[name].get(status, 0) + number
        if consumer is not None:
            started = time.perf_counter()
            while HUEY.pending_count() and time.perf_counter() - started < 600:
                time.sleep(0.2)
            caught_up = time.perf_counter() - started
    finally:
        for process in (server, consumer):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    created = Voice.objects.filter(subtree_q(root.path, "unit__path")).count() - before - 1
    new_ids = list(Voice.objects.filter(pk__gt=last_pk).values_list("pk", flat=True))
    followed = VoiceSearchIndex.objects.filter(voice_id__in=new_ids).count()
    queued = HUEY.pending_count()
    HUEY.flush()
    finished = do_finish_intake(new_ids)  # whatever the worker did not do (all of it without one)
    print(
        f"\nintake API throughput (waitress-serve --threads=2, one process, 127.0.0.1; {rounds} rounds of "
        f"{count} requests each from {clients} client threads; req/s, and the server's CPU ms per request):"
    )
    for n, m in enumerate(measured, start=1):
        print(
            f"  round {n}: GET /api/v1/roles {m['bare']:7.1f} req/s ({m['bare_cpu_ms']:5.2f} ms)   "
            f"POST /api/v1/voices {m['intake']:7.1f} req/s ({m['intake_cpu_ms']:5.2f} ms)   "
            f"ratio {m['intake'] / m['bare']:5.2f}"
        )
    ratio = statistics.median(m["intake"] / m["bare"] for m in measured)
    cpu_ratio = statistics.median(m["bare_cpu_ms"] / m["intake_cpu_ms"] for m in measured)
    print(f"  statuses: GET {statuses['bare']}  POST {statuses['intake']}  ({created} items created)")
    print(f"  server log: {log}")
    print(f"  ratio intake / bare, median of {rounds} rounds   {ratio:5.2f}  (target ≥ 0.3)")
    print(f"  server CPU per request, bare / intake, median   {cpu_ratio:5.2f}")
    if worker:
        print(
            f"  huey worker alongside: caught up {caught_up:.1f} s after the last POST; {followed} of "
            f"{len(new_ids)} new items followed up by it (index row, notification), {queued} tasks left"
        )
    else:
        print(
            f"  no huey worker: {queued} follow-up tasks queued; run here afterwards "
            f"({finished.indexed} indexed, {finished.notified} notifications)"
        )
    return {
        "intake": statistics.median(m["intake"] for m in measured),
        "bare": statistics.median(m["bare"] for m in measured),
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
    }
