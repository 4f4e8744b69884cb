"""Load: concurrent signed-in users over the main pages and the API of a demo organisation.

Seeds a fresh demo company (``lodestar demo seed``) in a temporary SQLite file, starts
``lodestar serve --demo`` on a free local port, signs in ``--users`` virtual users (each its own
session, shared out over the demo personas: L&D, managers, an executive, employees) and lets
them browse for ``--duration`` seconds. Each user opens a page or calls the API its role would
use, waits a random think time (exponential, mean ``--think`` seconds; 0 for none), and goes
on. Managers now and then save a draft request, so writes are in the mix.

Prints requests/s, p50/p95/p99 latency and the error count (any answer that is not 2xx or a
redirect, and any failed connection), overall and per kind of request. Bounded: it stops at
``--duration`` or ``--max-requests``, whichever comes first, and only ever talks to 127.0.0.1.
A benchmark, not a test.

    uv run python benchmarks/load.py                                  # 2,000 employees, 3 min
    uv run python benchmarks/load.py --duration 20                    # a short run
    uv run python benchmarks/load.py --employees 100000 --think 0     # large demo, no think time
    uv run python benchmarks/load.py --url http://127.0.0.1:8000      # a server already running
    uv run python benchmarks/load.py --postgres postgresql+psycopg://postgres@127.0.0.1/test
                                                  # a fresh database on that PostgreSQL server

The server runs as ``lodestar serve`` would (``--workers``/``--threads`` pass through; its
defaults otherwise). The load average (``os.getloadavg``) is printed before and after: on a
shared machine absolute latencies mean little without it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PERSONA = re.compile(
    r'action="/login/persona/(\d+)".*?badge role-(\w+)".*?data-persona="([^"]+)"', re.S
)

# What each role does, as (kind, weight). Paths with {priority}/{kpi}/{program}/{request} take
# an id discovered after sign-in.
WORKLOAD: dict[str, list[tuple[str, int]]] = {
    "ld": [
        ("page /", 2),
        ("page /triage", 3),
        ("page /requests", 2),
        ("page /requests/{request}", 2),
        ("page /priorities", 2),
        ("page /priorities/{priority}", 3),
        ("page /kpis", 1),
        ("page /kpis/{kpi}", 3),
        ("page /programs", 1),
        ("page /programs/{program}", 3),
        ("api /api/triage", 2),
        ("api /api/requests", 2),
        ("api /api/priorities", 1),
        ("api /api/priorities/{priority}/page", 2),
        ("api /api/kpis/{kpi}/trend", 2),
        ("api /api/programs/{program}/impact", 2),
    ],
    "manager": [
        ("page /", 2),
        ("page /requests", 3),
        ("page /requests/{request}", 2),
        ("page /priorities/{priority}", 2),
        ("page /kpis/{kpi}", 2),
        ("page /programs/{program}", 2),
        ("api /api/requests", 2),
        ("api /api/kpis/{kpi}/trend", 1),
        ("api /api/programs", 1),
        ("page /requests/new", 1),
        ("write POST /api/requests?draft=true", 1),
    ],
    "executive": [
        ("page /", 2),
        ("page /priorities", 3),
        ("page /priorities/{priority}", 3),
        ("page /kpis/{kpi}", 2),
        ("page /programs", 2),
        ("page /programs/{program}", 2),
        ("api /api/priorities", 1),
        ("api /api/programs/{program}/impact", 1),
    ],
    "employee": [
        ("page /", 3),
        ("page /requests", 3),
        ("api /api/me", 1),
        ("api /api/requests", 2),
    ],
}
ROLE_SHARE = {"ld": 0.3, "manager": 0.3, "executive": 0.1, "employee": 0.3}


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    count: int = 0

    def record(self, kind: str, seconds: float, problem: str | None) -> None:
        self.count += 1
        self.latencies[kind].append(seconds)
        if problem:
            self.errors[kind] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind}: {problem}")


@dataclass
class User:
    client: httpx.AsyncClient
    role: str
    csrf: str
    requests: list[int] = field(default_factory=list)  # the requests this user may see


def _check_local(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        sys.exit(f"This benchmark only loads a local server; {url} is not on 127.0.0.1.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def fresh_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at ``server_url``; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    _check_local("http://" + (make_url(server_url).host or "") + "/")
    name = f"lodestar_load_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # one connection, kept for the drop
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def start_server(
    employees: int, database_url: str, args: argparse.Namespace
) -> tuple[subprocess.Popen[bytes], str]:
    """Seed a demo company into a fresh database and serve it; returns (process, base URL)."""
    env = {
        **os.environ,
        "LODESTAR_DATABASE_URL": database_url,
        "LODESTAR_DEMO": "true",
        "PYTHONUNBUFFERED": "1",
    }
    lodestar = str(Path(sys.executable).with_name("lodestar"))
    started = time.perf_counter()
    subprocess.run(
        [lodestar, "demo", "seed", "--employees", str(employees)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"seeded {employees:,} employees in {time.perf_counter() - started:.1f} s")
    port = _free_port()
    command = [lodestar, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
    for option in ("workers", "threads"):
        if getattr(args, option):
            command += [f"--{option}", str(getattr(args, option))]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                assert server.stdout is not None
                print(server.stdout.readline().decode().strip())  # "running ... with N workers"
                return server, base
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            sys.exit("The server stopped before answering; run `lodestar serve --demo` to see why.")
        time.sleep(0.3)
    server.terminate()
    sys.exit("The server did not answer /healthz within 120 s.")


async def sign_in(base: str, persona: tuple[str, str], limits: httpx.Limits) -> User:
    persona_id, role = persona
    client = httpx.AsyncClient(base_url=base, timeout=60, limits=limits)
    page = await client.get("/login")
    match = CSRF.search(page.text)
    assert match, "the sign-in page has no CSRF token"
    csrf = match.group(1)
    resp = await client.post(f"/login/persona/{persona_id}", data={"csrf_token": csrf})
    if resp.status_code != 303:
        raise SystemExit(f"Signing in as persona {persona_id} answered {resp.status_code}.")
    # Signing in issues a new session token, and with it a new CSRF token.
    match = CSRF.search((await client.get("/account")).text)
    assert match, "the account page has no CSRF token"
    csrf = match.group(1)
    visible = (await client.get("/api/requests")).json()
    return User(client, role, csrf, [r["id"] for r in visible][:200])


async def discover_ids(user: User) -> dict[str, list[int]]:
    """Ids the workload's paths need, as an L&D user sees them."""
    get = user.client.get
    ids = {
        "priority": [p["id"] for p in (await get("/api/priorities")).json()],
        "kpi": [k["id"] for k in (await get("/api/kpis")).json()],
        "program": [p["id"] for p in (await get("/api/programs")).json()],
    }
    empty = [name for name, found in ids.items() if not found]
    if empty:
        raise SystemExit(f"The demo has no {', '.join(empty)}; seed it again.")
    return ids


async def browse(
    user: User,
    ids: dict[str, list[int]],
    rng: random.Random,
    think: float,
    stop_at: float,
    budget: list[int],
    results: Results,
) -> None:
    workload = [
        (kind, weight)
        for kind, weight in WORKLOAD[user.role]
        if "{request}" not in kind or user.requests
    ]
    kinds, weights = zip(*workload, strict=True)
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        kind = rng.choices(kinds, weights)[0]
        label, _, target = kind.partition(" ")
        path = target.format(
            priority=rng.choice(ids["priority"]),
            kpi=rng.choice(ids["kpi"]),
            program=rng.choice(ids["program"]),
            request=rng.choice(user.requests) if user.requests else 0,
        )
        started = time.perf_counter()
        problem: str | None = None
        try:
            if label == "write":
                _, _, url = path.partition(" ")
                body = {"title": "Load test draft", "business_objective": "Measure the server."}
                resp = await user.client.post(url, json=body, headers={"X-CSRF-Token": user.csrf})
            else:
                resp = await user.client.get(path)
            if resp.status_code >= 400:
                problem = f"{resp.status_code} {path}"
                if "json" in resp.headers.get("content-type", ""):
                    problem += f": {resp.json().get('detail', '')[:90]}"
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__} {path}"
        results.record(kind, time.perf_counter() - started, problem)
        if think > 0:
            await asyncio.sleep(min(rng.expovariate(1 / think), think * 5))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(results: Results, seconds: float, args: argparse.Namespace) -> None:
    every = [v for vs in results.latencies.values() for v in vs]
    errors = sum(results.errors.values())
    print(
        f"\n{args.users} users, think {args.think:g} s, {seconds:.0f} s: "
        f"{results.count:,} requests, {results.count / seconds:.1f} requests/s, "
        f"p50 {_percentile(every, 0.5) * 1000:.0f} ms, "
        f"p95 {_percentile(every, 0.95) * 1000:.0f} ms, "
        f"p99 {_percentile(every, 0.99) * 1000:.0f} ms, {errors} errors"
    )
    print(f"\n{'request':48} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in sorted(results.latencies, key=lambda k: -statistics.median(results.latencies[k])):
        vs = results.latencies[kind]
        print(
            f"{kind:48} {len(vs):>7} {_percentile(vs, 0.5) * 1000:>8.0f} "
            f"{_percentile(vs, 0.95) * 1000:>8.0f} {_percentile(vs, 0.99) * 1000:>8.0f} "
            f"{results.errors.get(kind, 0):>7}"
        )
    for sample in results.samples:
        print("error:", sample)


async def run(base: str, args: argparse.Namespace) -> None:
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so a request never
    # races the server closing the connection it was about to reuse.
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
        login = (await probe.get("/login")).text
    personas: dict[str, list[str]] = defaultdict(list)
    for persona_id, role, _email in PERSONA.findall(login):
        personas[role].append(persona_id)
    if not personas.get("ld"):
        raise SystemExit("The server offers no demo personas: start it with --demo.")
    plan: list[tuple[str, str]] = []
    for role, share in ROLE_SHARE.items():
        pool = personas.get(role) or personas["ld"]
        for i in range(max(1, round(args.users * share))):
            plan.append((pool[i % len(pool)], role if personas.get(role) else "ld"))
    plan = plan[: args.users]
    users = [await sign_in(base, p, limits) for p in plan]
    lead = next(u for u in users if u.role == "ld")
    ids = await discover_ids(lead)
    results = Results()
    budget = [args.max_requests]
    print(f"{len(users)} users signed in; {_load_average()}")
    started = time.monotonic()
    stop_at = started + args.duration
    await asyncio.gather(
        *(
            browse(u, ids, random.Random(args.seed + i), args.think, stop_at, budget, results)
            for i, u in enumerate(users)
        )
    )
    report(results, time.monotonic() - started, args)
    print(_load_average())
    for u in users:
        await u.client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=2000, help="Size of the demo to seed.")
    parser.add_argument("--users", type=int, default=50, help="Concurrent signed-in users.")
    parser.add_argument("--duration", type=float, default=180, help="Seconds of load.")
    parser.add_argument("--think", type=float, default=1.0, help="Mean think time in seconds.")
    parser.add_argument("--max-requests", type=int, default=200_000, help="Stop after this many.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed of the users' choices.")
    parser.add_argument("--url", help="Load a server already running on 127.0.0.1 instead.")
    parser.add_argument("--postgres", help="Seed a fresh database on this PostgreSQL server.")
    parser.add_argument("--workers", type=int, help="Server processes (lodestar serve's default).")
    parser.add_argument("--threads", type=int, help="Threads per server process.")
    args = parser.parse_args()
    if args.url:
        _check_local(args.url)
        asyncio.run(run(args.url.rstrip("/"), args))
        return
    with tempfile.TemporaryDirectory(prefix="lodestar-load-") as tmp, ExitStack() as stack:
        url = f"sqlite:///{Path(tmp) / 'load.db'}"
        if args.postgres:
            url = stack.enter_context(fresh_postgres(args.postgres))
        server, base = start_server(args.employees, url, args)
        try:
            asyncio.run(run(base, args))
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the server and its worker processes
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
