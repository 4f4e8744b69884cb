"""A process killed with SIGKILL in the middle of a large KPI import, on SQLite and
PostgreSQL, leaves nothing half-written; its job is then seen as interrupted, and running it
again lands every row exactly once, the long table and the columnar copy agreeing."""

from __future__ import annotations

import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.imports.conftest import kpi_csv, kpi_rows_and_keys

from lodestar.db.kpi_store import read_columns
from lodestar.db.models import ImportJob, Kpi, KpiPeriodTotal
from lodestar.db.session import make_engine, session_factory
from lodestar.domain.roles import Actor
from lodestar.services.imports import create_job, get_job, mark_interrupted, rerun_job, run_job

LD = Actor(user_id=1, name="L&D", role="ld")  # seed_small_org's IMPORTER
PEOPLE, WEEKS = 300, 400  # 121,600 rows with the team and organisation rows


def child(url: str, path: str, progress: Connection) -> None:
    """The process to kill: creates a job for the file and runs it, saying how far it got."""
    factory = session_factory(make_engine(url))
    with factory() as s:
        job = create_job(s, LD, "kpis", "big.csv", source_path=Path(path))
        s.commit()
    progress.send(("job", job.id))
    run_job(factory, job.id, LD, watch=lambda phase, done, total: progress.send((phase, done)))
    progress.send(("finished", 0))


def stored(url: str) -> tuple[int, int, float, int, float]:
    """(observations, distinct keys, sum of values, rows counted by the totals, sum of
    values by the totals)."""
    engine = make_engine(url)
    with Session(engine) as s:
        rows, keys = kpi_rows_and_keys(s)
        total = sum(float(np.sum(read_columns(s, k).value)) for k in s.scalars(select(Kpi.id)))
        t = KpiPeriodTotal
        counted = int(s.scalar(select(func.coalesce(func.sum(t.row_count), 0))) or 0)
        summed = float(s.scalar(select(func.coalesce(func.sum(t.value_total), 0))) or 0)
    engine.dispose()
    return rows, int(keys), total, counted, summed


def test_a_killed_import_leaves_nothing_and_its_rerun_lands_every_row_once(fresh_url, tmp_path):
    data = kpi_csv(people=PEOPLE, weeks=WEEKS)
    expected = WEEKS * (PEOPLE + 3 + 1)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    # fork, not a new interpreter: the child starts with everything imported (seconds saved)
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=child, args=(fresh_url, str(path), send)
    )
    process.start()
    seen: list[tuple[str, int]] = []
    try:
        while receive.poll(60):
            seen.append(receive.recv())
            phase, done = seen[-1]
            if phase == "writing" and done > 0:  # some rows are written, not committed
                os.kill(process.pid, signal.SIGKILL)  # type: ignore[arg-type]
                break
    finally:
        process.kill()
        process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL
    assert ("finished", 0) not in seen, f"the import ended before it could be killed: {seen}"
    job_id = seen[0][1]

    assert stored(fresh_url) == (0, 0, 0.0, 0, 0.0)  # nothing of the file, in either store

    factory = session_factory(make_engine(fresh_url))
    with factory() as s:
        assert s.get(ImportJob, job_id).status == "running"  # type: ignore[union-attr]
        assert mark_interrupted(s) == 1
        s.commit()
        view = get_job(s, LD, job_id)
        assert view.status == "interrupted" and view.can_rerun
        assert "Run it again" in view.error
        again = rerun_job(s, LD, job_id)
        s.commit()
        again_id = again.id
    result = run_job(factory, again_id, LD)
    assert result.status == "done", result.error
    rows, keys, total, column_rows, column_sum = stored(fresh_url)
    assert rows == keys == column_rows == expected
    assert abs(total - column_sum) < 1e-6 * abs(total)


def test_a_job_silent_for_too_long_or_whose_process_is_gone_is_marked_interrupted(db, actors):
    from datetime import timedelta

    from lodestar.db.base import utcnow

    ld = actors["ld"]
    jobs = []
    for worker, silent in [("elsewhere:1", 3600), ("elsewhere:2", 1), (f"{os.uname()[1]}:1", 1)]:
        job = create_job(db, ld, "kpis", "k.csv", data=b"subject,kpi,period,value\n")
        job.status, job.worker = "running", worker
        job.heartbeat = utcnow() - timedelta(seconds=silent)
        jobs.append(job)
    db.flush()
    marked = mark_interrupted(db)
    states = [db.get(ImportJob, j.id).status for j in jobs]  # type: ignore[union-attr]
    # silent for an hour: interrupted; reporting on another machine: running; pid 1 on this
    # machine is alive (init), so running too
    assert states == ["interrupted", "running", "running"]
    assert marked == 1
