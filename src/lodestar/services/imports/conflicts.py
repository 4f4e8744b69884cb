"""Telling a write that lost a race with another import from any other database error.

The bulk loaders write through the driver's own connection (COPY, executemany), so their
errors arrive as the driver's exceptions, not wrapped by SQLAlchemy: both kinds are checked.
A unique-key violation, a deadlock, a serialisation failure or a lock that could not be had
means another writer touched the same rows at the same moment; the import is refused with a
sentence (``ImportBusy``) instead of a traceback, and nothing of it is saved.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

# PostgreSQL SQLSTATEs: unique_violation, deadlock_detected, serialization_failure,
# lock_not_available.
RACE_STATES = {"23505", "40P01", "40001", "55P03"}


def driver_errors() -> tuple[type[Exception], ...]:
    """The database drivers' own base exceptions (psycopg only when installed)."""
    found: list[type[Exception]] = [sqlite3.Error]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - PostgreSQL support is an optional install
        return tuple(found)
    found.append(psycopg.Error)
    return tuple(found)


def database_errors() -> tuple[type[Exception], ...]:
    """What a database write can raise: SQLAlchemy's wrapper and the drivers' own errors."""
    return (DBAPIError, *driver_errors())


def is_concurrent_write(exc: BaseException) -> bool:
    """Did this database error come from another writer touching the same rows?"""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return state in RACE_STATES
    text = str(orig)
    return isinstance(orig, sqlite3.Error) and (
        "UNIQUE constraint failed" in text or "database is locked" in text
    )
