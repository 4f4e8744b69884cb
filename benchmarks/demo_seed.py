"""Seeding the demo organisation: wall time, rows, database size and peak memory.

Prints the median of several runs for 2,000 and 100,000 employees on SQLite, and on
PostgreSQL when one is reachable (``LODESTAR_BENCH_POSTGRES_URL``, default the local test
server). Each run is a fresh process on a fresh, migrated database, so the peak resident
memory (``resource.getrusage``) belongs to that run alone. The time covers ``seed_demo``,
the commit and closing the engine (which checkpoints SQLite's write-ahead log); the
migration before it is not counted. Not a test.

    uv run python benchmarks/demo_seed.py                     # both sizes, 3 runs each
    uv run python benchmarks/demo_seed.py --sizes 2000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get(
    "LODESTAR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SEED = 42


def run_once(backend: str, employees: int) -> dict[str, Any]:
    """Seed one fresh database in this process and measure it."""
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session

    from lodestar.db import kpi_store
    from lodestar.db.base import Base
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Employee
    from lodestar.db.session import make_engine
    from lodestar.services.demo import seed_demo

    tmp = Path(tempfile.mkdtemp(prefix="lodestar-bench-"))
    admin = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'demo.db'}"
    else:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        name = f"lodestar_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            summary = seed_demo(session, employees=employees, seed=SEED)
        engine.dispose()
        seconds = time.perf_counter() - started
        engine = make_engine(url)
        with Session(engine) as session:
            rows = sum(
                int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables
            )
            assert session.scalar(select(func.count()).select_from(Employee)) == summary.employees
            observations = kpi_store.observation_count(session)
            assert observations == summary.kpi_observations
            if backend == "sqlite":
                size = sum(p.stat().st_size for p in tmp.glob("demo.db*"))
            else:
                size = int(session.scalar(text("SELECT pg_database_size(current_database())")))
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        for p in tmp.glob("*"):
            p.unlink()
        tmp.rmdir()
    return {
        "seconds": seconds,
        "employees": summary.employees,
        "kpi_observations": summary.kpi_observations,
        "rows": rows,
        "bytes": size,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False
    finally:
        engine.dispose()


def measure(backend: str, employees: int, runs: int) -> dict[str, Any]:
    """Median of ``runs`` fresh-process runs."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", backend, str(employees)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in results) for key in results[0]} | {
        "runs": runs,
        "min_seconds": min(r["seconds"] for r in results),
        "max_seconds": max(r["seconds"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "EMPLOYEES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_once(args.one[0], int(args.one[1]))))
        return
    backends = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    print(f"Seeding the demo organisation (seed {SEED}), median of {args.runs} fresh runs")
    where = f"at {POSTGRES_URL}" if "postgresql" in backends else "not reachable"
    print(f"{os.cpu_count()} CPUs; PostgreSQL {where}")
    header = (
        f"{'backend':<11}{'employees':>10}{'seconds':>10}{'(min-max)':>15}{'people':>9}"
        f"{'KPI rows':>12}{'all rows':>12}{'size MiB':>10}{'peak MiB':>10}{'rows/s':>11}"
    )
    print(header)
    for employees in args.sizes:
        for backend in backends:
            r = measure(backend, employees, args.runs)
            spread = f"({r['min_seconds']:.1f}-{r['max_seconds']:.1f})"
            print(
                f"{backend:<11}{employees:>10,}{r['seconds']:>10.1f}{spread:>15}"
                f"{int(r['employees']):>9,}{int(r['kpi_observations']):>12,}{int(r['rows']):>12,}"
                f"{r['bytes'] / 2**20:>10.0f}{r['peak_mib']:>10.0f}"
                f"{r['rows'] / r['seconds']:>11,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
