"""A full program analysis from the database against pyfixest's bare TWFE fit, same panel.

The requirement: the full analysis of a program (panel built in the database, staggered
design estimated with its diagnostics, result stored) on 10,000, 100,000 and 200,000
employees x 104 weeks takes no longer than pyfixest's bare two-way fixed-effects fit of the
same panel, measured in the same run, also while another process keeps one core busy (the
script starts that process itself: ``--load quiet busy``), and peaks under 4 GiB.

The script builds one database per backend (a SQLite file in a temporary directory, and a
fresh PostgreSQL database when one is reachable at ``LODESTAR_BENCH_POSTGRES_URL``, default
the local test server): ``employees`` people in teams of 100, one employee-grain KPI
observed weekly for ``weeks`` weeks, and a program rolled out by team in four cohorts
(weeks 30, 45, 60, 75; half of the teams never start). Everything is loaded with
``db.bulk``. Then, alternating, fresh processes run

(a) ``estimate_program_impact(session, ld_actor, program_id)`` plus the commit, in a process
    that has loaded the estimators' libraries and made threadpoolctl's view of the numerical
    libraries first (``web.warmup.warm_up_estimators``, as a server does at start, in the
    background; the seconds that took are printed on their own line), timed in
    four parts: reading (the people query and the KPI columns), the person x period layout
    (rest of ``build_program_panel``), estimation (``analyse_panel``) and storing (money,
    result row, audit, tiers, commit);
(b) ``pyfixest.feols("value ~ treat_post | employee_id + t", vcov={"CRV1": "employee_id"})``
    on the long frame of the panel ``build_program_panel`` returns (reading and building it
    are not timed; the JIT is warmed up on a small slice first).

Each figure is the median over ``--runs`` runs; peak memory is the process's peak resident
set (``VmHWM``: its own, not its parent's; see ``peak_memory.py``), so (b)'s peak includes
holding the fetched panel. The databases are dropped at the end. Figures, not a test.

    uv run python benchmarks/program_analysis.py             # 10k, 100k, 200k x 104, 3 runs
    uv run python benchmarks/program_analysis.py --employees 20000 --runs 5 --backends sqlite
    uv run python benchmarks/program_analysis.py --employees 100000 --load busy
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get(
    "LODESTAR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEAM_SIZE = 100
TEAMS_PER_DEPARTMENT = 100
COHORT_WEEKS = (30, 45, 60, 75)  # start weeks of the four cohorts; teams 4-7 of 8 never start
FIRST_WEEK = date(2023, 1, 2)
EFFECT = 0.3
LD_EMAIL = "bench-ld@example.com"


def peak_mib() -> float:
    sys.path.insert(0, str(Path(__file__).parent))
    from peak_memory import peak_mib as own_peak  # this process's own peak (not its parent's)

    return own_peak()


# --- building the database (one process per backend) ----------------------------------


def build(url: str, employees: int, weeks: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    from sqlalchemy.orm import Session

    from lodestar.db.bulk import indexes_rebuilt_after, insert_frame, sync_id_sequence
    from lodestar.db.kpi_store import write_observations
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import (
        Department,
        Employee,
        Kpi,
        Program,
        ProgramEnrolment,
        Team,
    )
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import create_user

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    n_teams = -(-employees // TEAM_SIZE)
    n_departments = -(-n_teams // TEAMS_PER_DEPARTMENT)
    team_of = np.arange(employees) // TEAM_SIZE  # 0-based team index per employee
    team_cohort = np.arange(n_teams) % 8  # 0..3 start in COHORT_WEEKS, 4..7 never
    cohort = team_cohort[team_of]
    start_week = np.where(cohort < 4, np.asarray(COHORT_WEEKS + (0,) * 4)[cohort], 0)

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        insert_frame(
            session,
            Department,
            pd.DataFrame(
                {
                    "id": np.arange(1, n_departments + 1),
                    "code": [f"D{d:03d}" for d in range(n_departments)],
                    "name": [f"Department {d}" for d in range(n_departments)],
                }
            ),
        )
        insert_frame(
            session,
            Team,
            pd.DataFrame(
                {
                    "id": np.arange(1, n_teams + 1),
                    "name": [f"Team {t}" for t in range(n_teams)],
                    "department_id": np.arange(n_teams) // TEAMS_PER_DEPARTMENT + 1,
                }
            ),
        )
        ids = np.arange(1, employees + 1)
        people = pd.DataFrame(
            {
                "id": ids,
                "external_id": [f"E{i:07d}" for i in ids],
                "name": [f"Person {i}" for i in ids],
                "team_id": team_of + 1,
                "hire_date": pd.Timestamp("2015-01-01")
                + pd.to_timedelta(rng.integers(0, 2900, employees), unit="D"),
                "performance_rating": np.round(rng.normal(3.2, 0.6, employees), 1),
            }
        )
        with indexes_rebuilt_after(session, Employee, employees):
            insert_frame(session, Employee, people)
        for model in (Department, Team, Employee):
            sync_id_sequence(session, model)
        kpi = Kpi(
            code="bench_kpi",
            name="Deals closed",
            unit="deals",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lag",
            value_per_unit=500.0,
            currency="EUR",
        )
        session.add(kpi)
        session.flush()
        program = Program(
            code="bench_program",
            name="Negotiation skills",
            kpi_id=kpi.id,
            status="running",
            rollout="staggered",
            start_date=FIRST_WEEK + timedelta(weeks=COHORT_WEEKS[0] - 1),
            cost_per_participant=800.0,
        )
        session.add(program)
        session.flush()
        participants = np.flatnonzero(start_week > 0)
        insert_frame(
            session,
            ProgramEnrolment,
            pd.DataFrame(
                {
                    "program_id": program.id,
                    "employee_id": ids[participants],
                    "group": "participant",
                    "cohort": [f"wave {c + 1}" for c in cohort[participants]],
                    "start_date": pd.Timestamp(FIRST_WEEK)
                    + pd.to_timedelta((start_week[participants] - 1) * 7, unit="D"),
                }
            ),
        )
        week = np.tile(np.arange(1, weeks + 1, dtype=np.int64), employees)
        person = np.repeat(ids, weeks)
        starts = np.repeat(start_week, weeks)
        value = (
            np.repeat(rng.normal(10, 2, employees), weeks)
            + 0.01 * week
            + EFFECT * ((starts > 0) & (week >= starts))
            + rng.normal(0, 1, len(week))
        )
        obs = pd.DataFrame(
            {
                "kpi_id": kpi.id,
                "employee_id": person,
                "team_id": np.repeat(team_of + 1, weeks),
                "period": pd.Timestamp(FIRST_WEEK) + pd.to_timedelta((week - 1) * 7, unit="D"),
                "value": value,
                "weight": 1,
            }
        )
        del week, person, starts, value
        write_observations(session, obs)
        user = create_user(
            session, email=LD_EMAIL, name="Bench L&D", role="ld", password="x", fast_hash=True
        )
        out = {"program_id": program.id, "user_id": user.id, "rows": len(obs)}
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return out | {"seconds": time.perf_counter() - started}


# --- (a) the full analysis -------------------------------------------------------------


def run_analysis(url: str, program_id: int) -> dict[str, Any]:

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.db.models import User
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import actor_of
    from lodestar.services.impact import panel as panel_module
    from lodestar.services.impact import program_impact
    from lodestar.web.warmup import warm_up_estimators

    spent: dict[str, float] = {"fetch": 0.0, "panel": 0.0, "estimate": 0.0}

    def timed(key: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - t0

        return wrapper

    panel_module.read_columns = timed("fetch", panel_module.read_columns)
    panel_module._people = timed("fetch", panel_module._people)
    for attr, key in (("build_program_panel", "panel"), ("analyse_panel", "estimate")):
        setattr(program_impact, attr, timed(key, getattr(program_impact, attr)))

    engine = make_engine(url)
    with Session(engine) as session:  # connect and warm the catalogue outside the clock
        actor = actor_of(session.scalars(select(User).where(User.email == LD_EMAIL)).one())
    # The estimators' libraries are loaded, and the view of the numerical libraries made, once
    # per process (a server does it at start, in the background: web/warmup.py), as
    # pyfixest's JIT is warmed up before its fit.
    loading = time.perf_counter()
    warm_up_estimators()
    loaded = time.perf_counter() - loading
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        impact = program_impact.estimate_program_impact(session, actor, program_id)
    total = time.perf_counter() - started
    engine.dispose()
    business = impact.business
    assert business is not None
    return {
        "total": total,
        "fetch": spent["fetch"],
        "prep": spent["panel"] - spent["fetch"],
        "estimate": spent["estimate"],
        "store": total - spent["panel"] - spent["estimate"],
        "libraries": loaded,
        "peak_mib": peak_mib(),
        "att": business.estimate,
        "se": business.se,
        "design": impact.design,
    }


# --- (b) pyfixest's bare TWFE on the same panel ----------------------------------------


def run_twfe(url: str, program_id: int) -> dict[str, Any]:
    import pyfixest as pf
    from sqlalchemy.orm import Session

    from lodestar.db.session import make_engine
    from lodestar.services.impact.panel import build_program_panel

    engine = make_engine(url)
    with Session(engine) as session:
        frame = build_program_panel(session, program_id).frame
    engine.dispose()
    frame = frame[["employee_id", "t", "value", "first_treat"]].copy()
    frame["treat_post"] = (
        (frame["first_treat"] > 0) & (frame["t"] >= frame["first_treat"])
    ).astype(float)
    formula = "value ~ treat_post | employee_id + t"
    pf.feols(formula, data=frame.head(20_000), vcov={"CRV1": "employee_id"})  # JIT warm-up
    started = time.perf_counter()
    fit = pf.feols(formula, data=frame, vcov={"CRV1": "employee_id"})
    seconds = time.perf_counter() - started
    return {
        "total": seconds,
        "peak_mib": peak_mib(),
        "att": float(fit.coef()["treat_post"]),
        "se": float(fit.se()["treat_post"]),
    }


# --- orchestration ---------------------------------------------------------------------


class BusyCore:
    """Another process keeping one core busy (a Python loop) while the block runs."""

    def __enter__(self) -> BusyCore:
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)  # running before the measured child starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


def child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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


def median_of(results: list[dict[str, Any]]) -> dict[str, float]:
    return {
        k: statistics.median(r[k] for r in results)
        for k in results[0]
        if isinstance(results[0][k], int | float)
    }


def report(
    employees: int,
    busy: bool,
    runs: int,
    analyses: list[dict[str, Any]],
    fits: list[dict[str, Any]],
) -> None:
    a, b = median_of(analyses), median_of(fits)
    spread_a = f"{min(r['total'] for r in analyses):.1f}-{max(r['total'] for r in analyses):.1f}"
    spread_b = f"{min(r['total'] for r in fits):.1f}-{max(r['total'] for r in fits):.1f}"
    state = "one core kept busy by another process" if busy else "no extra load"
    print(f"  {employees:,} employees, {state}; load average {os.getloadavg()[0]:.1f}")
    print(f"  median of {runs} fresh-process runs        seconds   (min-max)  peak MiB")
    print(
        f"  (a) full program analysis              {a['total']:8.1f} {spread_a:>11}"
        f"{a['peak_mib']:10.0f}"
    )
    for key, label in (
        ("fetch", "reading (people, KPI columns)"),
        ("prep", "person x period layout"),
        ("estimate", "estimation (CS + naive + diagnostics)"),
        ("store", "storing (result, audit, tiers, commit)"),
        ("libraries", "libraries, warmed once per process"),
    ):
        print(f"        {label:<33}{a[key]:8.1f}")
    print(
        f"  (b) pyfixest bare TWFE fit (CRV1)      {b['total']:8.1f} {spread_b:>11}"
        f"{b['peak_mib']:10.0f}"
    )
    ok = a["total"] <= b["total"] and a["peak_mib"] < 4096
    print(
        f"  ratio (a)/(b) {a['total'] / b['total']:.2f}; "
        f"target (a) <= (b) and peak < 4096 MiB: {'met' if ok else 'NOT met'}"
    )
    print(
        f"  estimates: CS ATT {a['att']:.4f} (se {a['se']:.4f}); "
        f"TWFE {b['att']:.4f} (se {b['se']:.4f}); planted {EFFECT}",
        flush=True,
    )


def bench_backend(
    backend: str, employees: int, weeks: int, runs: int, conditions: list[bool]
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    tmp = Path(tempfile.mkdtemp(prefix="lodestar-bench-"))
    admin = None
    name = ""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        name = f"lodestar_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        built = child("build", url, str(employees), str(weeks))
        program = str(built["program_id"])
        print(
            f"\n{backend}: {employees:,} employees x {weeks} weeks = {built['rows']:,} rows "
            f"(built and loaded in {built['seconds']:.0f} s)",
            flush=True,
        )
        for busy in conditions:
            analyses, fits = [], []
            for _ in range(runs):
                if busy:
                    with BusyCore():
                        analyses.append(child("analysis", url, program))
                    with BusyCore():
                        fits.append(child("twfe", url, program))
                else:
                    analyses.append(child("analysis", url, program))
                    fits.append(child("twfe", url, program))
            report(employees, busy, runs, analyses, fits)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[10_000, 100_000, 200_000])
    parser.add_argument(
        "--load",
        nargs="+",
        choices=["quiet", "busy"],
        default=["quiet", "busy"],
        help="Run as the machine is (quiet), and with one core kept busy by another process.",
    )
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, url, *rest = args.child
        if what == "build":
            result = build(url, int(rest[0]), int(rest[1]))
        elif what == "analysis":
            result = run_analysis(url, int(rest[0]))
        else:
            result = run_twfe(url, int(rest[0]))
        print(json.dumps(result))
        return
    backends = args.backends or ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    print(f"Program analysis vs pyfixest TWFE; {os.cpu_count()} CPUs; backends: {backends}")
    conditions = [c == "busy" for c in args.load]
    for backend in backends:
        for employees in args.employees:
            bench_backend(backend, employees, args.weeks, args.runs, conditions)


if __name__ == "__main__":
    main()
