"""Engines and sessions for SQLite (WAL, foreign keys on) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from lodestar.errors import ConfigurationError, DatabaseNotReady


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode and enforced foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"The database URL {url!r} is not valid. Use for example 'sqlite:///lodestar.db' or "
            "'postgresql+psycopg://user@host/dbname' in LODESTAR_DATABASE_URL."
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session


def check_ready(engine: Engine) -> None:
    """Refuse to serve a database that has not been migrated."""
    if not inspect(engine).has_table("users"):
        raise DatabaseNotReady(
            "The database has no Lodestar tables yet. Run `lodestar db upgrade` (or "
            "`lodestar demo seed` for a demo organisation) and start again."
        )
