"""Imports as jobs: stored with their progress, run in the background (web) or the foreground
(CLI), and run again when a process died under them.

A job is created (``create_job``) with the file (an upload's bytes, or a CLI file's path),
then ``run_job`` takes it: it marks it running with this process as its worker, imports the
file in its own transaction (all or nothing, as every import), records the outcome as an
import run, and marks the job done or failed. While it runs, progress is written to the job
row at most twice a second from a separate short transaction; on SQLite that write is
skipped while the import itself holds the database's write lock, so the live figures are
also kept in memory for pages served by the same process.

A job whose process is gone (killed, crashed, restarted) is marked ``interrupted`` the next
time jobs are listed or looked at: its worker is this machine and the pid no longer exists,
or it has not reported for ``LODESTAR_IMPORTS__STALE_AFTER_SECONDS``. Its transaction was
never committed, so nothing of the file is stored; ``rerun_job`` starts it again.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, get_args

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from lodestar.config import get_settings
from lodestar.db.base import utcnow
from lodestar.db.models import ImportJob
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, LodestarError, NotFound
from lodestar.services.imports.common import ImportBusy, require_importer
from lodestar.services.imports.conflicts import is_concurrent_write
from lodestar.services.imports.guards import check_size
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress
from lodestar.services.imports.runs import record_run

JobStatus = Literal["queued", "running", "done", "failed", "interrupted"]
JOB_STATUSES: tuple[JobStatus, ...] = get_args(JobStatus)
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "interrupted")
PROGRESS_EVERY = 0.5  # seconds between progress writes to the database

_live: dict[int, tuple[str, int, int]] = {}  # job id -> (phase, done, total), this process
_live_lock = threading.Lock()


@dataclass(frozen=True)
class JobView:
    """What a page or the CLI shows of one job."""

    id: int
    kind: str
    filename: str
    status: str
    phase: str
    rows_done: int
    rows_total: int
    run_id: int | None
    error: str
    can_rerun: bool

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def create_job(
    session: Session,
    actor: Actor,
    kind: str,
    filename: str,
    *,
    data: bytes | None = None,
    source_path: Path | None = None,
    dry_run: bool = False,
) -> ImportJob:
    """Store a job for one file (its bytes, or the path of a file the CLI reads). The
    caller commits; nothing is imported yet."""
    from lodestar.domain.options import check_option
    from lodestar.services.imports import IMPORT_KINDS

    require_importer(actor)
    checked = check_option(kind, IMPORT_KINDS, "import kind")
    size = len(data) if data is not None else (source_path.stat().st_size if source_path else 0)
    try:
        check_size(size, ImportReport(checked, filename))
    except ImportRejected as exc:
        raise UploadTooLarge(exc.message) from None
    job = ImportJob(
        kind=checked,
        filename=filename[:255],
        dry_run=dry_run,
        status="queued",
        phase="waiting to start",
        size_bytes=size,
        data=data,
        file_kept=data is not None or source_path is not None,
        source_path=str(source_path) if source_path else None,
        user_id=actor.user_id or None,
    )
    session.add(job)
    session.flush()
    return job


def queue_job(
    factory: sessionmaker[Session],
    actor: Actor,
    kind: str,
    filename: str,
    *,
    source_path: Path,
    dry_run: bool = False,
) -> int:
    """``create_job`` in a transaction of its own, committed; returns the job's id. On
    SQLite, while another import is writing, this can wait for the database's one write
    lock and then give up: that is said in a sentence."""
    with _said_if_busy(filename), factory() as session:
        job = create_job(session, actor, kind, filename, source_path=source_path,
                         dry_run=dry_run)  # fmt: skip
        session.commit()
        return job.id


@contextmanager
def _said_if_busy(filename: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        if not is_concurrent_write(exc):
            raise
        raise ImportBusy(
            f"The database is busy writing another import (SQLite lets one writer at a time), "
            f"so {filename} was not started. Run the command again when that import has "
            "finished; `lodestar import jobs` shows it."
        ) from None


class UploadTooLarge(LodestarError):
    code = "upload-too-large"
    status = 413
    title = "The file is too large"


def run_job(
    factory: sessionmaker[Session], job_id: int, actor: Actor, *, watch: Progress | None = None
) -> JobView:
    """Run one queued job to its end in this thread; returns how it ended. Never raises for
    a bad file or a failed import: the job records it (``watch`` sees the progress too)."""
    with _said_if_busy(f"import job {job_id}"), factory() as session, session.begin():
        job = session.get(ImportJob, job_id)
        if job is None or job.status != "queued":
            raise Conflict(f"Import job {job_id} is not waiting to run.")
        job.status, job.worker, job.heartbeat = "running", this_worker(), utcnow()
        job.phase = "reading the file"
        kind, filename, dry_run = job.kind, job.filename, job.dry_run
        data = job.data if job.data is not None else _read_source(job.source_path)
    reporter = _Reporter(factory, job_id, watch)
    outcome: tuple[str, str, int | None, bool] = ("failed", "", None, True)
    try:
        outcome = _import(factory, actor, kind, data, filename, dry_run, reporter)
    except BaseException as exc:  # noqa: BLE001 - the job must say it failed, whatever it was
        outcome = ("failed", _unexpected(exc), None, True)
        if not isinstance(exc, Exception):
            raise
    finally:
        status, error, run_id, keep_file = outcome
        with factory() as session, session.begin():
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(
                    status=status,
                    error=error,
                    run_id=run_id,
                    phase="finished",
                    finished_at=utcnow(),
                    heartbeat=utcnow(),
                    **({} if keep_file else {"data": None, "file_kept": False}),
                )
            )
        with _live_lock:
            _live.pop(job_id, None)
    with factory() as session:
        return _view(session.get(ImportJob, job_id))  # type: ignore[arg-type]


def _import(
    factory: sessionmaker[Session],
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    reporter: _Reporter,
) -> tuple[str, str, int | None, bool]:
    """(status, error, run id, keep the file for a re-run)."""
    from lodestar.services.imports import import_file

    with factory() as session:
        try:
            report = import_file(
                session, actor, kind, data, filename, dry_run=dry_run, progress=reporter
            )
        except ImportRejected as exc:
            session.rollback()
            run = record_run(session, actor, exc.report)
            session.commit()
            return "failed", exc.message, run.id, False
        except LodestarError as exc:
            session.rollback()
            return "failed", exc.message, None, True
        reporter("recording the outcome", report.rows, report.rows)
        if dry_run:  # nothing to keep; and on SQLite, end the read so the write can start
            session.rollback()
        run = record_run(session, actor, report)
        session.commit()
        return "done", "", run.id, False


def _unexpected(exc: BaseException) -> str:
    return (
        f"The import stopped on an unexpected error ({type(exc).__name__}: {str(exc)[:300]}). "
        "Nothing of the file was saved. Run it again; if it fails the same way, send this "
        "message to your administrator."
    )


def _read_source(path: str | None) -> bytes:
    if not path:
        raise Conflict("This import job has no file. Upload the file again.")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise NotFound(
            f"The file {path} of this import job cannot be read ({exc.strerror}). Import it "
            "again from where it is now."
        ) from None


class _Reporter:
    """The progress callback of a running job: memory always, the database when it can."""

    def __init__(self, factory: sessionmaker[Session], job_id: int, watch: Progress | None):
        self.factory, self.job_id, self.watch = factory, job_id, watch
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        with _live_lock:
            _live[self.job_id] = (phase, done, total)
        if self.watch is not None:
            self.watch(phase, done, total)
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        values = {"phase": phase[:80], "rows_done": done, "rows_total": total,
                  "heartbeat": utcnow()}  # fmt: skip
        try:
            with self.factory() as session:
                if session.get_bind().dialect.name == "sqlite":
                    session.connection().exec_driver_sql("PRAGMA busy_timeout = 0")
                try:
                    session.execute(
                        update(ImportJob).where(ImportJob.id == self.job_id).values(**values)
                    )
                    session.commit()
                finally:
                    if session.get_bind().dialect.name == "sqlite":
                        session.rollback()
                        session.connection().exec_driver_sql("PRAGMA busy_timeout = 10000")
        except Exception:  # noqa: BLE001 - progress is best effort; the import goes on
            return


def start_in_background(factory: sessionmaker[Session], job_id: int, actor: Actor) -> None:
    """Run a queued job in a thread of this process (the web server keeps answering)."""
    thread = threading.Thread(
        target=_run_quietly, args=(factory, job_id, actor), name=f"import-job-{job_id}",
        daemon=True,
    )  # fmt: skip
    thread.start()


def _run_quietly(factory: sessionmaker[Session], job_id: int, actor: Actor) -> None:
    try:
        run_job(factory, job_id, actor)
    except Exception:  # noqa: BLE001 - a job that could not start is seen as interrupted
        return


def mark_interrupted(session: Session) -> int:
    """Mark running or queued jobs whose process is gone as interrupted; returns how many.
    The caller commits."""
    stale_after = timedelta(seconds=get_settings().imports.stale_after_seconds)
    now, host = utcnow(), socket.gethostname()
    count = 0
    jobs = session.scalars(select(ImportJob).where(ImportJob.status.in_(("queued", "running"))))
    for job in jobs:
        with _live_lock:
            live = job.id in _live
        worker_host, _, pid = job.worker.rpartition(":")
        gone = worker_host == host and pid.isdigit() and not _alive(int(pid))
        silent = now - _aware(job.heartbeat) > stale_after
        if live or not (gone or silent):
            continue
        job.status, job.phase, job.finished_at = "interrupted", "interrupted", now
        job.error = (
            "The import was interrupted (its process stopped before it finished), so nothing "
            "of the file was saved. Run it again."
        )
        count += 1
    session.flush()
    return count


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def rerun_job(session: Session, actor: Actor, job_id: int) -> ImportJob:
    """A new queued job for the file of a failed or interrupted one. The caller commits."""
    old = _job(session, actor, job_id)
    if old.status not in ("failed", "interrupted") or not old.file_kept:
        raise Conflict(
            f"Import job {job_id} cannot be run again: only an interrupted or failed job whose "
            "file is still kept can be. Upload the file again instead."
        )
    return create_job(
        session,
        actor,
        old.kind,
        old.filename,
        data=old.data,
        source_path=Path(old.source_path) if old.source_path else None,
        dry_run=old.dry_run,
    )


def _job(session: Session, actor: Actor, job_id: int) -> ImportJob:
    require_importer(actor)
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound(f"There is no import job {job_id}. Pick one from the Imports page.")
    return job


def get_job(session: Session, actor: Actor, job_id: int) -> JobView:
    """One job as shown (a dead worker's job is marked interrupted first)."""
    job = _job(session, actor, job_id)
    if job.status in ("queued", "running"):
        mark_interrupted(session)
    return _view(job)


def recent_jobs(session: Session, actor: Actor, limit: int = 10) -> list[JobView]:
    require_importer(actor)
    mark_interrupted(session)
    jobs = session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit))
    return [_view(j) for j in jobs]


def _view(job: ImportJob) -> JobView:
    phase, done, total = job.phase, job.rows_done, job.rows_total
    with _live_lock:
        if job.id in _live and job.status == "running":
            phase, done, total = _live[job.id]
    return JobView(
        id=job.id,
        kind=job.kind,
        filename=job.filename,
        status=job.status,
        phase=phase,
        rows_done=done,
        rows_total=total,
        run_id=job.run_id,
        error=job.error,
        can_rerun=job.status in ("failed", "interrupted") and job.file_kept,
    )
