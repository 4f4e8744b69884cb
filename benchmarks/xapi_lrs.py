"""The xAPI endpoint over HTTP: statements/s POSTed in batches of 100 and of 1,000 (validated
and committed before the answer), single-statement POST latency (p50/p95), and GET filtered by
agent, verb or activity (p95) with ``--stored`` statements in the database (1,000,000 for the
issue's figure). Prints medians of ``--runs`` and the load average (the machine is shared).

    .venv/bin/python benchmarks/xapi_lrs.py                    # SQLite
    .venv/bin/python benchmarks/xapi_lrs.py --postgres         # PostgreSQL (127.0.0.1:5432)
    .venv/bin/python benchmarks/xapi_lrs.py --stored 1000000   # the GET figure at 1 M
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.xapi.credentials import create_credential
from lodestar.services.xapi.writer import checked_statement, write_statements

PEOPLE, VERBS, ACTIVITIES = 5000, 12, 400
VERB = "http://adlnet.gov/expapi/verbs/v"
ACTIVITY = "https://lms.example.com/activity/"


def statement(i: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:learner{i % PEOPLE}@example.com"},
        "verb": {"id": f"{VERB}{i % VERBS}", "display": {"en-US": "did"}},
        "object": {
            "id": f"{ACTIVITY}{i % ACTIVITIES}",
            "definition": {"name": {"en-US": f"Activity {i % ACTIVITIES}"}},
        },
        "result": {"score": {"scaled": (i % 100) / 100}, "completion": True},
        "timestamp": "2026-03-01T10:00:00Z",
    }


def database(postgres: bool) -> str:
    if not postgres:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'lrs.db'}"
    name = f"lodestar_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    """Remove what ``database`` made: the PostgreSQL database, or the SQLite file's folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        shutil.rmtree(Path(str(parsed.database)).parent, ignore_errors=True)
        return
    admin = create_engine(parsed.set(database="test"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()
    print(f"dropped {parsed.database}")


def prepare(url: str, stored: int) -> tuple[str, str]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        if not s.scalar(select(User.id).limit(1)):
            seed_demo(s, employees=50, seed=1)
        admin = actor_of(s.scalars(select(User).where(User.role == "admin")).first())
        made = create_credential(s, admin, f"bench-{uuid.uuid4().hex[:6]}")
    started = time.perf_counter()
    for start in range(0, stored, 5000):
        with Session(engine) as s, s.begin():
            write_statements(
                s,
                [checked_statement(statement(i)) for i in range(start, min(stored, start + 5000))],
            )
    if stored:
        took = time.perf_counter() - started
        print(f"loaded {stored:,} statements in-process in {took:.0f} s ({stored / took:,.0f}/s)")
    engine.dispose()
    return made.info.key, made.secret


class Client:
    def __init__(self, port: int, key: str, secret: str) -> None:
        self.host, self.port, self.reconnects = "127.0.0.1", port, 0
        self.conn = http.client.HTTPConnection(self.host, port, timeout=120)
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        try:
            self.conn.request(method, path, body=body, headers=self.headers)
            answer = self.conn.getresponse()
            return answer.status, answer.read()
        except (http.client.HTTPException, OSError) as exc:
            # A server process restarted under load closed the connection: count it, and
            # send the request again on a new one (statements are idempotent by id).
            self.reconnects += 1
            print(f"  (connection lost: {type(exc).__name__}; sent again)")
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.conn.request(method, path, body=body, headers=self.headers)
            answer = self.conn.getresponse()
            return answer.status, answer.read()


def ingest(port: int, key: str, secret: str, batch: int, total: int, clients: int) -> float:
    """Statements/s for ``total`` statements POSTed in batches by ``clients`` connections."""
    bodies = [
        json.dumps([statement(i) for i in range(b * batch, (b + 1) * batch)]).encode()
        for b in range(total // batch)
    ]
    queue = list(reversed(bodies))
    lock, failures, retries = threading.Lock(), [], [0]

    def work() -> None:
        c = Client(port, key, secret)
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            status, text_ = c.call("POST", "/xapi/statements", body)
            while status == 503:  # the database was busy: try again, as an LRS client does
                retries[0] += 1
                time.sleep(0.5)
                status, text_ = c.call("POST", "/xapi/statements", body)
            if status != 200:
                failures.append((status, text_[:200]))

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    assert not failures, failures[:3]
    if retries[0]:
        print(f"  ({retries[0]} batch{'es' if retries[0] > 1 else ''} retried after a 503)")
    return total / took


def latencies(client: Client, calls: list[tuple[str, str, bytes | None]]) -> list[float]:
    out = []
    for method, path, body in calls:
        started = time.perf_counter()
        status, _ = client.call(method, path, body)
        out.append((time.perf_counter() - started) * 1000)
        assert status in (200, 204), status
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def filtered_gets(client: Client, stored: int) -> dict[str, float]:
    """GET filtered by agent, verb and activity (limit 10), 100 each: prints p50/p95 and
    returns the p95 of each."""
    filtered = {
        "agent": [
            f"/xapi/statements?limit=10&agent=%7B%22mbox%22%3A%22mailto%3Alearner{i}"
            "%40example.com%22%7D"
            for i in range(0, PEOPLE, PEOPLE // 100)
        ],
        "verb": [
            "/xapi/statements?limit=10&" + urlencode({"verb": f"{VERB}{i % VERBS}"})
            for i in range(100)
        ],
        "activity": [
            "/xapi/statements?limit=10&" + urlencode({"activity": f"{ACTIVITY}{i * 4}"})
            for i in range(100)
        ],
    }
    latencies(client, [("GET", p, None) for p in filtered["agent"][:10]])  # warm-up
    out = {}
    for name, paths in filtered.items():
        ms = latencies(client, [("GET", p, None) for p in paths])
        print(
            f"GET by {name} ({stored:,} stored): p50 {statistics.median(ms):.1f} ms, "
            f"p95 {pct(ms, 95):.1f} ms"
        )
        out[name] = pct(ms, 95)
    return out


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """``lodestar serve`` on a free port with ``workers`` processes, once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LODESTAR_DATABASE_URL": url, "LODESTAR_DEMO": "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", "lodestar", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/xapi/about")
            if probe.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    return server, port


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server: gracefully, or killed after a minute (a loaded machine is slow)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--database", help="a database an earlier run loaded (skips loading)")
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--total", type=int, default=20_000, help="statements per run of 100s")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for --database")
    args = parser.parse_args()
    url = args.database or database(args.postgres)
    key, secret = prepare(url, 0 if args.database else args.stored)
    print(f"database: {url}")
    server, port = start_server(url, args.workers)
    try:
        client = Client(port, key, secret)
        filtered_gets(client, args.stored)
        singles = [
            ("POST", "/xapi/statements", json.dumps(statement(i)).encode()) for i in range(300)
        ]
        ms = latencies(client, singles)
        print(f"single POST: p50 {statistics.median(ms):.1f} ms, p95 {pct(ms, 95):.1f} ms")
        for batch, total in ((100, args.total), (1000, 2 * args.total)):
            rates = [
                ingest(port, key, secret, batch, total, args.clients) for _ in range(args.runs)
            ]
            print(
                f"batches of {batch:,}: median {statistics.median(rates):,.0f} statements/s "
                f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})"
            )
        load = os.getloadavg()
        print(
            f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.workers} server processes, "
            f"{args.clients} clients; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
            f" on {os.cpu_count()} cores"
        )
    finally:
        stop(server)
        if not (args.keep or args.database):
            drop_database(url)


if __name__ == "__main__":
    main()
