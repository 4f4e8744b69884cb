"""Bulk loading of frames into tables, inside the caller's transaction.

Fact tables (KPI observations, enrolments, and employees at scale) are never written as
one ORM object per row. ``insert_frame`` writes a pandas frame whose columns are columns
of the table:

- SQLite: multi-row ``INSERT … VALUES (…), (…)`` statements run with ``executemany`` on
  the session's own DBAPI connection, ``chunk_rows`` rows of Python values at a time
  (at most 999 bound parameters per statement, the smallest limit SQLite has shipped with).
- PostgreSQL: one ``COPY … FROM STDIN (FORMAT csv)`` through psycopg 3's
  ``cursor.copy()``, fed with CSV that pyarrow writes in C, ``chunk_rows`` rows per write.

Both run on ``session.connection()``, so they belong to the session's transaction: when
the caller rolls back, nothing is left behind (all-or-nothing).

Ids. Rows that other rows point at (departments, teams, employees) are inserted with
explicit ids the caller assigns from ``first_free_id`` — cheaper and simpler than fetching
generated ids back for 100,000 rows, and it lets managers be referenced in the same load.
On PostgreSQL the id sequence must then be moved past them: call ``sync_id_sequence``.
Fact rows nobody points at (observations, enrolments) leave ``id`` to the database.
Explicit ids assume no concurrent writer inserts into the same table meanwhile; if one
does, the load fails on the primary key and the transaction rolls back.

Indexes and keys. Maintaining secondary indexes row by row is the slowest part of a
large load on SQLite, and checking foreign keys row by row (one trigger call per row)
is the slowest on PostgreSQL. ``indexes_rebuilt_after`` drops both (foreign keys on
PostgreSQL only) when the table is empty, and recreates them from their exact stored
definitions after the block: one sort per index, one join per key. DDL is transactional
on both backends, so a rollback restores them.

Measured on 2 cores (``benchmarks/demo_seed.py``): about 0.6 M rows/s into SQLite and
0.4 M rows/s through COPY, plus the index and key rebuild.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, Float, Integer, String, Table, Text, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from lodestar.db import versions
from lodestar.db.base import Base

SQLITE_MAX_PARAMS = 999
SQLITE_CHUNK_ROWS = 50_000
POSTGRES_CHUNK_ROWS = 250_000
REBUILD_INDEXES_FROM_ROWS = 100_000
POSTGRES_INDEX_MEMORY = "256MB"  # SET LOCAL for the index rebuild only

RowsDone = Callable[[int], None]
Target = Table | type[Base]  # a table, or the model class mapped to it


def _table(target: Target) -> Table:
    return target if isinstance(target, Table) else cast(Table, target.__table__)


def insert_frame(
    session: Session,
    target: Target,
    frame: pd.DataFrame,
    *,
    chunk_rows: int | None = None,
    on_rows: RowsDone | None = None,
) -> int:
    """Insert every row of ``frame`` into ``table``; returns the number of rows written.

    Columns of the table missing from the frame get their scalar Python-side default
    (``default=`` on the model); ``on_rows(n)`` is called with the running total.
    """
    table = _table(target)
    frame = _with_defaults(table, frame)
    if frame.empty:
        return 0
    versions.bump(session, [table.name])  # around the ORM: count the write here
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _copy_postgres(session, table, frame, chunk_rows or POSTGRES_CHUNK_ROWS, on_rows)
    elif dialect == "sqlite":
        _insert_sqlite(session, table, frame, chunk_rows or SQLITE_CHUNK_ROWS, on_rows)
    else:
        raise NotImplementedError(
            f"Bulk loading supports SQLite and PostgreSQL, not {dialect}. "
            "Point LODESTAR_DATABASE_URL at one of those."
        )
    return len(frame)


class WriterBusy(Exception):
    """Another writer held the lock for longer than the caller would wait."""


def take_write_lock(session: Session, name: str, *, wait_seconds: float) -> None:
    """Wait (at most ``wait_seconds``) until no other transaction writes as ``name``, then
    hold that until this transaction ends. Raises WriterBusy when the wait runs out.

    Writers that compare a file with what is stored and then write the difference take it
    before they read, so the second of two concurrent imports of one file sees the first's
    rows instead of adding them again.

    - PostgreSQL: an upsert of the row ``name`` in ``import_locks`` (a row lock, released at
      commit or rollback), under ``lock_timeout``.
    - SQLite: ``BEGIN IMMEDIATE`` (the database's one write lock), retried past the busy
      timeout until ``wait_seconds``. If the connection is already inside a transaction,
      the first write statement there takes the lock instead.
    """
    if session.get_bind().dialect.name == "postgresql":
        conn = session.connection()
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(1, int(wait_seconds * 1000))}ms'")
        try:
            conn.exec_driver_sql(
                "INSERT INTO import_locks (name, taken_at) VALUES (%(n)s, now()) "
                "ON CONFLICT (name) DO UPDATE SET taken_at = now()",
                {"n": name},
            )
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", "") == "55P03":  # lock_not_available
                raise WriterBusy(name) from None
            raise
        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
        return
    dbapi = session.connection().connection.driver_connection
    if dbapi is None or dbapi.in_transaction:
        return
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            return
        except Exception as exc:  # sqlite3.OperationalError: database is locked
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                if "locked" in str(exc):
                    raise WriterBusy(name) from None
                raise
            time.sleep(0.05)


def first_free_id(session: Session, target: Target) -> int:
    """The first id above every id already in the table."""
    table = _table(target)
    sql = f"SELECT COALESCE(MAX(id), 0) + 1 FROM {_q(session, table.name)}"
    return int(session.execute(text(sql)).scalar_one())


def sync_id_sequence(session: Session, target: Target) -> None:
    """After explicit ids on PostgreSQL, move the id sequence past the largest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    table = _table(target)
    session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {_q(session, table.name)}), 0) + 1, false)"
        ),
        {"t": table.name},
    )


@contextmanager
def indexes_rebuilt_after(session: Session, target: Target, rows: int) -> Iterator[None]:
    """Drop ``table``'s secondary indexes (and, on PostgreSQL, its foreign keys) for a large
    load into it; recreate them with their stored definitions after the block.

    Does nothing unless the table is empty and ``rows`` is at least
    REBUILD_INDEXES_FROM_ROWS. Indexes backing a constraint (primary key, unique) stay.
    Recreating a foreign key checks every loaded row in one join, so the all-or-nothing
    guarantee holds; on PostgreSQL that replaces one trigger call per row, which costs
    more than the insert itself. If the block raises, the caller's rollback restores them.
    """
    table = _table(target)
    conn = session.connection()
    name = _q(session, table.name)
    empty = conn.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first() is None
    if rows < REBUILD_INDEXES_FROM_ROWS or not empty:
        yield
        return
    indexes = _index_definitions(session, table)
    keys = _foreign_key_definitions(session, table)
    for key, _ in keys:
        conn.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {_q(session, key)}")
    for index, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_q(session, index)}")
    yield
    if session.get_bind().dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{POSTGRES_INDEX_MEMORY}'")
    for _, ddl in indexes:
        conn.exec_driver_sql(ddl)
    for key, definition in keys:
        conn.exec_driver_sql(f"ALTER TABLE {name} ADD CONSTRAINT {_q(session, key)} {definition}")


def _foreign_key_definitions(session: Session, table: Table) -> list[tuple[str, str]]:
    """(name, definition) of the table's foreign keys on PostgreSQL; none on SQLite, where
    checking a key is cheap and constraints cannot be dropped."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    rows = session.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(:t) AND contype = 'f' ORDER BY conname"
        ),
        {"t": table.name},
    ).all()
    return [(str(key), str(definition)) for key, definition in rows]


def _index_definitions(session: Session, table: Table) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes not backing a constraint."""
    conn = session.connection()
    if session.get_bind().dialect.name == "sqlite":
        _sqlite_begin(session)
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table.name,),
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = to_regclass(:t) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
                "ORDER BY i.relname"
            ),
            {"t": table.name},
        ).all()
    return [(str(name), str(ddl)) for name, ddl in rows]


def _sqlite_begin(session: Session) -> None:
    """Make sure the SQLite connection is inside a transaction before DDL.

    pysqlite opens transactions implicitly only before INSERT/UPDATE/DELETE; DDL issued
    first would otherwise run (and commit) on its own.
    """
    dbapi = session.connection().connection.driver_connection
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN")


def _q(session: Session, name: str) -> str:
    return str(session.get_bind().dialect.identifier_preparer.quote(name))


def _with_defaults(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Check the frame's columns against the table; add scalar defaults of missing ones."""
    unknown = [c for c in frame.columns if c not in table.c]
    if unknown:
        raise ValueError(
            f"The frame has columns {unknown} that table {table.name!r} does not have. "
            "Rename or drop them before loading."
        )
    extra = {}
    for col in table.c:
        if col.name in frame.columns or (col.primary_key and col.autoincrement):
            continue
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            extra[col.name] = default.arg  # type: ignore[attr-defined]
        elif not col.nullable and col.server_default is None:
            raise ValueError(
                f"Column {table.name}.{col.name} is required but missing from the frame. "
                "Add it to the frame before loading."
            )
    return frame.assign(**extra) if extra else frame


# --- SQLite ---------------------------------------------------------------------------


def _insert_sqlite(
    session: Session, table: Table, frame: pd.DataFrame, chunk_rows: int, on_rows: RowsDone | None
) -> None:
    columns = list(frame.columns)
    encoders = [_sqlite_encoder(frame[c], table.c[c].type) for c in columns]
    per_statement = max(1, min(200, SQLITE_MAX_PARAMS // len(columns)))
    names = ", ".join(_q(session, c) for c in columns)
    one_row = "(" + ", ".join("?" * len(columns)) + ")"

    def statement(rows: int) -> str:
        return f"INSERT INTO {_q(session, table.name)} ({names}) VALUES " + ", ".join(
            [one_row] * rows
        )

    full_sql = statement(per_statement)
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        for start in range(0, len(frame), chunk_rows):
            stop = min(start + chunk_rows, len(frame))
            columns_now = [encode(start, stop) for encode in encoders]
            flat = list(chain.from_iterable(zip(*columns_now, strict=True)))
            width = per_statement * len(columns)
            whole = (stop - start) // per_statement
            cursor.executemany(full_sql, [flat[i * width : (i + 1) * width] for i in range(whole)])
            rest = (stop - start) - whole * per_statement
            if rest:
                cursor.execute(statement(rest), flat[whole * width :])
            if on_rows:
                on_rows(stop)
    finally:
        cursor.close()


Encoder = Callable[[int, int], list[Any]]


def _sqlite_encoder(series: pd.Series, sa_type: Any) -> Encoder:
    """A function giving the Python values SQLite stores for rows ``start:stop``."""
    if isinstance(sa_type, Date):
        dates = pd.to_datetime(series)
        codes, uniques = pd.factorize(dates)
        iso = np.array([*(d.strftime("%Y-%m-%d") for d in uniques), None], dtype=object)
        return lambda a, b: iso[codes[a:b]].tolist()  # code -1 (missing) picks the None
    if isinstance(sa_type, Integer | Float | Boolean):
        kind = np.float64 if isinstance(sa_type, Float) else np.int64
        missing = series.isna().to_numpy()
        if missing.all():
            return lambda a, b: [None] * (b - a)
        values = series.to_numpy(dtype=kind, na_value=0)
        if not missing.any():
            return lambda a, b: values[a:b].tolist()
        boxed = values.astype(object)
        boxed[missing] = None
        return lambda a, b: boxed[a:b].tolist()
    if isinstance(sa_type, String | Text):
        boxed = series.astype(object).where(series.notna(), None).to_numpy()
        return lambda a, b: boxed[a:b].tolist()
    raise TypeError(f"Bulk loading does not handle columns of type {sa_type!r}.")


# --- PostgreSQL -----------------------------------------------------------------------


def _copy_postgres(
    session: Session, table: Table, frame: pd.DataFrame, chunk_rows: int, on_rows: RowsDone | None
) -> None:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    columns = list(frame.columns)
    names = ", ".join(_q(session, c) for c in columns)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    date_columns = [c for c in columns if isinstance(table.c[c].type, Date)]
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    with (
        dbapi.cursor() as cursor,
        cursor.copy(f"COPY {_q(session, table.name)} ({names}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for start in range(0, len(frame), chunk_rows):
            stop = min(start + chunk_rows, len(frame))
            chunk = frame.iloc[start:stop]
            for c in date_columns:
                chunk = chunk.assign(**{c: pd.to_datetime(chunk[c])})
            arrow = pa.Table.from_pandas(chunk, preserve_index=False)
            for c in date_columns:
                i = arrow.schema.get_field_index(c)
                arrow = arrow.set_column(i, c, arrow.column(c).cast(pa.date32()))
            buffer = io.BytesIO()
            pa_csv.write_csv(arrow, buffer, options)
            copy.write(buffer.getbuffer())
            if on_rows:
                on_rows(stop)
