"""Engines and sessions for SQLite (WAL, foreign keys on) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lodestar.errors import ConfigurationError, DatabaseNotReady, NotSaved


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


class SavingSession(Session):
    """A session whose refused commit is a LodestarError: rolled back, nothing stored, and a
    sentence for the person who asked (the web shows it, the CLI prints it)."""

    def commit(self) -> None:
        try:
            super().commit()
        except SQLAlchemyError as exc:
            self.rollback()
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
