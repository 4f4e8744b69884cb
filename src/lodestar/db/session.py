"""Engines and sessions for SQLite (WAL, foreign keys on) and PostgreSQL."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from lodestar.db import (
    statistics,
    versions,  # noqa: F401 - counts writes to the tables views derive from
)
from lodestar.errors import ConfigurationError, DatabaseBusy, DatabaseNotReady, NotSaved


def make_engine(
    url: str, *, pool_size: int | None = None, wait_seconds: float | None = None, **kwargs: Any
) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode and enforced foreign keys.

    ``pool_size`` connections are kept (a server passes one per request thread, so a request
    never queues for a connection another thread could have used), with no overflow beyond
    them; a checkout waits at most ``wait_seconds`` and then raises SQLAlchemy's
    ``TimeoutError``, which the web app answers with 503 and Retry-After. On SQLite,
    ``wait_seconds`` is also how long a write waits for the database's write lock
    (``busy_timeout``; 10 s when not given).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"The database URL {url!r} is not valid. Use for example 'sqlite:///lodestar.db' or "
            "'postgresql+psycopg://user@host/dbname' in LODESTAR_DATABASE_URL."
        ) from exc
    sqlite = parsed.get_backend_name() == "sqlite"
    pooled = not (sqlite and parsed.database in (None, "", ":memory:"))  # else one connection
    if pool_size is not None and pooled:
        kwargs.update(pool_size=pool_size, max_overflow=0)
    if wait_seconds is not None and pooled:
        kwargs.setdefault("pool_timeout", wait_seconds)
    if sqlite:
        busy_ms = round(1000 * (wait_seconds if wait_seconds is not None else 10.0))
        if pooled:  # connections read the planner's statistics when they open
            kwargs.setdefault("pool_recycle", statistics.RELOAD_SECONDS)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, busy_ms=busy_ms))
        statistics.reload_on_refresh(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, *, busy_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: every commit's log is synced before the commit returns, so a statement batch
    # answered 200 (or any saved page) survives a power cut, not only a crash of the app.
    # Measured against NORMAL with batches of 100 statements: within the runs' spread
    # (14,400-15,000 against 14,600-16,000 statements/s in-process).
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    # ANALYZE (run after large imports, or by ``PRAGMA optimize``) reads a sample of each
    # index instead of all of it: milliseconds at any size.
    cur.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()


ANALYSIS_LIMIT = 1000
# Each connection's page cache, at most (filled only as pages are read, emptied when another
# connection has written). SQLite's default of 2 MiB is smaller than what one batch of
# statements touches in the statement table's ten indexes, so pages were evicted and read
# again within the transaction: an insert cost 30 µs a statement with it and 18 µs with
# 16 MiB or more (50,000 statements in one transaction, benchmarks/xapi_growth.py).
CACHE_KIB = 32 * 1024


# What SQLite and PostgreSQL say when a statement gave up waiting for a lock.
_LOCK_WAITS = ("database is locked", "database table is locked", "lock timeout")


def busy_error(exc: BaseException) -> DatabaseBusy | None:
    """The sentence for a request that could not get a pooled connection, or a lock, in time;
    None when ``exc`` is some other database error."""
    if isinstance(exc, PoolTimeout):
        waited = "a database connection"
    elif isinstance(exc, OperationalError) and any(
        text in str(exc.orig).lower() for text in _LOCK_WAITS
    ):
        waited = "the database to finish other people's changes"
    else:
        return None
    return DatabaseBusy(
        f"The server is busy: it waited too long for {waited}, so nothing was done. Try again "
        "in a few seconds; if it keeps happening, tell your Lodestar administrator, who can "
        "run more server workers or use PostgreSQL."
    )


class SavingSession(Session):
    """A session whose refused commit is a LodestarError: rolled back, nothing stored, and a
    sentence for the person who asked (the web shows it, the CLI prints it)."""

    def commit(self) -> None:
        try:
            super().commit()
        except SQLAlchemyError as exc:
            self.rollback()
            busy = busy_error(exc)
            if busy is not None:
                raise busy from exc
            raise NotSaved(
                "Your changes could not be saved, so nothing was stored. Try again in a "
                "moment; if it keeps happening, tell your Lodestar administrator."
            ) from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, class_=SavingSession, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def check_ready(engine: Engine) -> None:
    """Refuse to serve a database that has not been migrated."""
    if not inspect(engine).has_table("users"):
        raise DatabaseNotReady(
            "The database has no Lodestar tables yet. Run `lodestar db upgrade` (or "
            "`lodestar demo seed` for a demo organisation) and start again."
        )
