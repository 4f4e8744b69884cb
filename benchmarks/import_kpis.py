"""Importing KPI observations: wall time and rows per second for a large long-format CSV.

Generates one CSV (2 employee-grain KPIs × 50 employees-per-… weekly values) in a temporary
folder, then for each run: a fresh migrated database holding the employees and KPIs, and
one timed ``import_file(kind="kpis")`` + commit (reading the file, full validation, bulk
insert — COPY on PostgreSQL — and the index rebuild). Optionally times a re-import of the
same file (every row unchanged). Prints the median of the runs. Not a test.

Each run also times the bare bulk load of the same file into a bare table with no key and no
index, as the issue's yardstick (``sqlite3``'s ``.import`` for SQLite; ``COPY`` for
PostgreSQL), and prints the ratio of the two medians.

    uv run python benchmarks/import_kpis.py                       # 10 M rows, 3 runs
    uv run python benchmarks/import_kpis.py --rows 1000000 --runs 3 --reimport
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

POSTGRES_URL = os.environ.get(
    "LODESTAR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WEEKS = 100
KPIS = ("bench_conversion", "bench_deal_size")


def write_csv(path: Path, rows: int) -> int:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    people = max(1, rows // (WEEKS * len(KPIS)))
    periods = pd.date_range("2024-01-01", periods=WEEKS, freq="W-MON").strftime("%Y-%m-%d")
    subject = np.repeat([f"E{i:07d}" for i in range(people)], WEEKS * len(KPIS))
    kpi = np.tile(np.repeat(KPIS, WEEKS), people)
    period = np.tile(np.asarray(periods), people * len(KPIS))
    rng = np.random.default_rng(1)
    value = np.round(rng.normal(0.3, 0.1, len(subject)), 4)
    table = pa.table({"subject": subject, "kpi": kpi, "period": period, "value": value})
    pa_csv.write_csv(table, path)
    return people


def fresh_database(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"lodestar_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str, people: int) -> None:
    from sqlalchemy.orm import Session

    from lodestar.db.bulk import insert_frame
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Department, Employee, Kpi, Team, User
    from lodestar.db.session import make_engine

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        s.add(Department(id=1, code="bench", name="Bench"))
        s.flush()
        s.add(User(id=1, email="bench@example.org", name="Bench", role="admin", password_hash="-"))
        s.add(Team(id=1, name="Bench team", department_id=1))
        s.flush()
        for code in KPIS:
            s.add(Kpi(code=code, name=code, unit="%", direction="up", grain="employee",
                      cadence="weekly", lead_lag="lag"))  # fmt: skip
        insert_frame(
            s,
            Employee,
            pd.DataFrame(
                {
                    "id": np.arange(1, people + 1),
                    "external_id": [f"E{i:07d}" for i in range(people)],
                    "name": "Bench person",
                    "team_id": 1,
                    "hire_date": pd.Timestamp("2020-01-01"),
                }
            ),
        )
    engine.dispose()


def timed_import(url: str, csv_path: Path) -> tuple[float, str]:
    from sqlalchemy.orm import Session

    from lodestar.db.session import make_engine
    from lodestar.domain.roles import Actor
    from lodestar.services.imports import import_file

    actor = Actor(user_id=1, name="bench", role="admin")  # the account prepare() adds
    engine = make_engine(url)
    start = time.perf_counter()
    with Session(engine) as s, s.begin():
        report = import_file(s, actor, "kpis", csv_path.read_bytes(), csv_path.name)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, report.summary()


BARE_TABLE = "CREATE TABLE bare (subject text, kpi text, period date, value double precision)"


def bare_load(url: str, csv_path: Path) -> float:
    """Seconds to bulk-load the file into a bare table: ``sqlite3 .import`` / ``COPY``."""
    import subprocess

    if url.startswith("sqlite"):
        db = url.removeprefix("sqlite:///")
        subprocess.run(["sqlite3", db, BARE_TABLE.replace("date", "text")], check=True)
        start = time.perf_counter()
        subprocess.run(["sqlite3", db, f".import --csv --skip 1 {csv_path} bare"], check=True)
        return time.perf_counter() - start
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port or 5432, user=u.username, dbname=u.database
    ) as conn:
        conn.execute(BARE_TABLE)
        conn.commit()
        start = time.perf_counter()
        with (
            csv_path.open("rb") as f,
            conn.cursor() as cur,
            cur.copy("COPY bare FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:  # noqa: BLE001
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--reimport", action="store_true", help="Also time a re-import.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "kpis.csv"
        t0 = time.perf_counter()
        people = write_csv(csv_path, args.rows)
        rows = people * WEEKS * len(KPIS)
        size = csv_path.stat().st_size / 1e6
        print(f"CSV: {rows:,} rows, {size:,.0f} MB, written in {time.perf_counter() - t0:.1f} s")
        for backend in args.backends.split(","):
            if backend == "postgresql" and not postgres_reachable():
                print("postgresql: not reachable, skipped")
                continue
            times, again, bare = [], [], []
            for _ in range(args.runs):
                url = fresh_database(backend, folder)
                try:
                    bare.append(bare_load(url, csv_path))
                    print(f"  {backend} bare bulk load: {bare[-1]:.1f} s")
                    prepare(url, people)
                    elapsed, summary = timed_import(url, csv_path)
                    times.append(elapsed)
                    print(f"  {backend}: {elapsed:.1f} s — {summary}")
                    if args.reimport:
                        elapsed, summary = timed_import(url, csv_path)
                        again.append(elapsed)
                        print(f"  {backend} re-import: {elapsed:.1f} s — {summary}")
                finally:
                    if backend == "postgresql":
                        drop_database(url)
                    else:
                        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            median = statistics.median(times)
            base = statistics.median(bare)
            print(f"{backend}: median {median:.1f} s over {len(times)} runs, "
                  f"{rows / median / 1e6:.2f} M rows/s; bare bulk load median {base:.1f} s, "
                  f"ratio {median / base:.1f}x")  # fmt: skip
            if again:
                print(
                    f"{backend} re-import (all unchanged): median {statistics.median(again):.1f} s"
                )


if __name__ == "__main__":
    main()
