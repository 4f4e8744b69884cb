"""The query planner's statistics of the xAPI statement tables, kept current as they grow.

A filtered GET on the statement resource is planned from the statistics ``ANALYZE`` leaves in
``sqlite_stat1``. A store that grew through the LRS endpoint, not through a file import, had
none younger than its first few hundred rows, and SQLite planned every filter for a table of
that size: at a million statements a GET by verb took 400 ms instead of 4 ms (measured with
``benchmarks/xapi_lrs.py``). So:

- the writer refreshes the statistics (``ANALYZE``; on SQLite sampled, milliseconds at any
  size) in its own transaction whenever the statements have doubled since the statistics this
  process last saw, so a store of ten million statements is analysed about twenty times in its
  life. This covers a file import and the demo's story too, which add many statements in one
  transaction: PostgreSQL's autovacuum, which analyses a table grown by a tenth on its own,
  cannot see rows not yet committed, and the id lookups of the next batch would be planned for
  the table as it was (a sequential scan per batch: 24 s each at 100,000 employees);
- SQLite reads statistics when a connection opens, and an open connection keeps planning with
  what it read. A pooled connection opened before a refresh made by this process is not
  handed out again (the pool opens a new one); connections of other processes are replaced
  once they are ``RELOAD_SECONDS`` old.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

STATEMENT_TABLES = ("learning_statements", "xapi_statement_refs")
# The columns queries filter, join or sort on. PostgreSQL analyses only these (the JSON kept
# beside them is most of a row: reading its sample took most of an ANALYZE's time); SQLite
# samples the indexes whatever is named.
FILTERED = {
    "learning_statements": (
        "id", "statement_id", "actor_key", "employee_id", "verb_id", "object_id", "timestamp",
        "registration", "voids_statement_id", "voided", "stored", "object_type", "source_id",
    ),
    "xapi_statement_refs": ("statement_pk", "kind", "key"),
}  # fmt: skip
# Statistics are refreshed once the table holds this many times the rows they describe...
GROWTH = 2
# ...and at least this many (below it any plan is fast).
FLOOR = 10_000
# How old a pooled SQLite connection may get before it is replaced (another process's
# refresh reaches this one's connections within this time).
RELOAD_SECONDS = 300

_lock = threading.Lock()
_described: dict[str, int] = {}  # database -> rows the statistics described when last seen
_generation = 0  # raised by every refresh made in this process


def refresh_statistics(session: Session) -> None:
    """Have the planner's statistics of the statement tables brought up to date (after a large
    import: a table filled from empty has none, and its filters would be planned blind). On
    SQLite the ANALYZE samples (``PRAGMA analysis_limit``), so it takes milliseconds."""
    global _generation
    postgresql = session.get_bind().dialect.name == "postgresql"
    for table in STATEMENT_TABLES:
        columns = f" ({', '.join(FILTERED[table])})" if postgresql else ""
        session.execute(text(f"ANALYZE {table}{columns}"))
    with _lock:
        _generation += 1


def note_growth(session: Session, rows: int) -> None:
    """After statements were written that bring the table to about ``rows`` rows: refresh the
    statistics if the table has doubled since they were taken (see the module doc)."""
    bind = session.get_bind()
    if rows < FLOOR:
        return
    database = str(bind.engine.url)
    with _lock:
        described = _described.get(database)
    if described is None:
        described = _rows_described(session)
    if rows >= GROWTH * described:
        refresh_statistics(session)
        described = rows
    with _lock:
        _described[database] = described


def _rows_described(session: Session) -> int:
    """How many rows of ``learning_statements`` the stored statistics describe (0: none)."""
    if session.get_bind().dialect.name == "postgresql":
        tuples = session.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'learning_statements'::regclass")
        ).scalar()
        return max(0, int(tuples or 0))  # -1: never analysed
    has_stats = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    ).first()
    if has_stats is None:
        return 0
    stat = session.execute(
        text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'learning_statements' LIMIT 1")
    ).scalar()
    try:
        return int(str(stat).split()[0]) if stat else 0
    except ValueError:
        return 0


def reload_on_refresh(engine: Engine) -> None:
    """Make ``engine``'s pool replace SQLite connections that plan with old statistics."""
    event.listen(engine, "connect", _remember_generation)
    event.listen(engine, "checkout", _replace_if_stale)


def _remember_generation(_dbapi: Any, record: Any) -> None:
    record.info["statistics_generation"] = _generation


def _replace_if_stale(_dbapi: Any, record: Any, _proxy: Any) -> None:
    if record.info.get("statistics_generation", _generation) != _generation:
        # The pool closes this connection and opens a new one, which reads the new statistics.
        raise DisconnectionError("statistics refreshed")
