"""xAPI ingest as the store grows: at each checkpoint (0, 1 M, 5 M, 10 M stored statements by
default) the HTTP ingest rate in batches of 100 and 1,000 through a real ``lodestar serve``
(2 processes, 2 clients), the GET p95 filtered by agent, verb and activity, and the file import
(``import_file(kind="xapi")``), each beside a bare parse-and-insert measured in the same run:
``json.loads`` per statement and one ``executemany`` of its id, actor, verb, object and JSON
into a table without indexes, committed per batch. Ratios to the bare rate are what to compare
on a shared machine; the load average is printed with each checkpoint.

The store is pre-filled between checkpoints by the database itself (``INSERT … SELECT`` of
generated rows of the shape the endpoint writes, and their authority reference), not through
the endpoint, so that 10 M statements take minutes rather than hours.

    .venv/bin/python benchmarks/xapi_growth.py                            # SQLite
    .venv/bin/python benchmarks/xapi_growth.py --postgres --checkpoints 0,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from import_xapi import statements as import_lines  # noqa: E402
from xapi_lrs import (  # noqa: E402
    ACTIVITIES,
    ACTIVITY,
    PEOPLE,
    VERB,
    VERBS,
    Client,
    database,
    drop_database,
    filtered_gets,
    ingest,
    prepare,
    start_server,
    statement,
    stop,
)

from lodestar.db.base import UtcDateTime  # noqa: E402
from lodestar.db.models import LearningStatement, XapiCredential, XapiStatementRef  # noqa: E402
from lodestar.db.session import make_engine  # noqa: E402
from lodestar.domain.roles import Actor  # noqa: E402
from lodestar.services.imports import import_file  # noqa: E402
from lodestar.services.xapi.columns import actor_key  # noqa: E402
from lodestar.services.xapi.credentials import authority_of  # noqa: E402

CHUNK = 500_000
STAMP = datetime(2026, 3, 1, 10, tzinfo=UTC)


def prefill(engine: Engine, upto: int, credential_key: str) -> None:
    """Add generated statements (and each one's authority reference) until ``upto`` are
    stored: rows of the endpoint's shape made by the database itself (a recursive CTE on
    SQLite, ``generate_series`` on PostgreSQL), ``CHUNK`` per transaction. Statement ids grow
    with the row (``0000002a-0000-4000-8000-00000000002a``), so the pre-fill appends to the
    id index; what the checkpoints then measure inserts random UUIDs into it."""
    statements = LearningStatement.__table__
    with Session(engine) as s:
        have = int(s.scalar(select(func.count()).select_from(statements)) or 0)
        top = int(s.scalar(select(func.max(statements.c.id))) or 0)
        name = s.scalar(select(XapiCredential.name).where(XapiCredential.key == credential_key))
        source = s.scalar(select(XapiCredential.id).where(XapiCredential.key == credential_key))
    authority = authority_of(str(name), credential_key)
    postgres = engine.dialect.name == "postgresql"
    fill, refs = _fill_sql(postgres)
    started, todo = time.perf_counter(), upto - have
    if todo <= 0:
        return
    # Indexes are dropped for the fill and built again after it (one sort each): maintained
    # row by row, their thousands of insertion points (one per actor, activity, verb) outgrow
    # the page cache and every row then costs page reads and writes.
    indexes = [*statements.indexes, *XapiStatementRef.__table__.indexes]
    with engine.begin() as c:
        for index in indexes:
            index.drop(c)
    while have < upto:
        n = min(CHUNK, upto - have)
        with engine.begin() as c:
            c.execute(
                fill,
                {
                    "first": top + 1,
                    "last": top + n,
                    "people": PEOPLE,
                    "verbs": VERBS,
                    "activities": ACTIVITIES,
                    "verb": VERB,
                    "activity": ACTIVITY,
                    "stamp": STAMP,
                    "source": source,
                    "authority": json.dumps(authority),
                },
            )
            c.execute(refs, {"first": top + 1, "last": top + n, "key": actor_key(authority)})
        have, top = have + n, top + n
    with engine.begin() as c:
        if postgres:
            c.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for index in indexes:
            index.create(c)
    if postgres:
        with engine.begin() as c:
            c.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('learning_statements', 'id'), "
                    "(SELECT max(id) FROM learning_statements))"
                )
            )
            c.execute(text("ANALYZE learning_statements"))
            c.execute(text("ANALYZE xapi_statement_refs"))
    else:
        with engine.begin() as c:
            c.execute(text("ANALYZE learning_statements"))
            c.execute(text("ANALYZE xapi_statement_refs"))
    took = time.perf_counter() - started
    print(f"  pre-filled {todo:,} statements in {took:.0f} s ({todo / took:,.0f}/s)")


def _fill_sql(postgres: bool) -> tuple[TextClause, TextClause]:
    """The INSERT … SELECT of generated statements ids ``first``…``last``, and of their
    authority references."""
    columns = (
        "id, statement_id, version, actor_key, verb_id, object_id, object_type, timestamp, "
        "stored, score_scaled, completion, voided, raw, source_id, authority"
    )
    if postgres:
        sid = "lpad(to_hex(k), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(k), 12, '0')"
        rows = "generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g(k)"
        head, source = "", f"FROM {rows}"
        true, false, div = "true", "false", "/ 100.0"
    else:
        sid = "printf('%08x-0000-4000-8000-%012x', k, k)"
        head = (
            "WITH RECURSIVE g(k) AS (SELECT :first UNION ALL SELECT k + 1 FROM g WHERE k < :last) "
        )
        source, true, false, div = "FROM g", "1", "0", "/ 100.0"
    fill = text(
        f"{head}INSERT INTO learning_statements ({columns}) "
        f"SELECT k, {sid}, '1.0.3', 'mbox:learner' || (k % :people) || '@example.com', "
        f":verb || (k % :verbs), :activity || (k % :activities), 'Activity', :stamp, :stamp, "
        f"(k % 100) {div}, {true}, {false}, "
        f"'{{\"id\": \"' || {sid} || '\", \"bulk\": ' || k || '}}', :source, :authority "
        f"{source}"
    ).bindparams(bindparam("stamp", type_=UtcDateTime()))
    refs = text(
        "INSERT INTO xapi_statement_refs (statement_pk, kind, key) "
        "SELECT id, 'agent', :key FROM learning_statements WHERE id BETWEEN :first AND :last"
    )
    return fill, refs


def bare_rate(engine: Engine, bodies: list[bytes]) -> float:
    """Statements/s for ``json.loads`` and one executemany per batch into an unindexed table,
    committed per batch."""
    with engine.begin() as c:
        c.execute(text("DROP TABLE IF EXISTS bare_statements"))
        c.execute(
            text(
                "CREATE TABLE bare_statements (statement_id VARCHAR(36), actor TEXT, verb TEXT, "
                "object TEXT, raw TEXT)"
            )
        )
    sql = text("INSERT INTO bare_statements VALUES (:i, :a, :v, :o, :r)")
    count, started = 0, time.perf_counter()
    for body in bodies:
        items = json.loads(body)
        if isinstance(items, dict):
            items = [items]
        with engine.begin() as c:
            c.execute(
                sql,
                [
                    {
                        "i": s["id"],
                        "a": json.dumps(s["actor"]),
                        "v": s["verb"]["id"],
                        "o": s["object"]["id"],
                        "r": json.dumps(s),
                    }
                    for s in items
                ],
            )
        count += len(items)
    return count / (time.perf_counter() - started)


def import_rate(engine: Engine, lines: bytes, n: int) -> tuple[float, float]:
    """The file import's statements/s, and the bare rate for the same lines in 1,000s."""
    actor = Actor(user_id=0, name="bench", role="admin")
    started = time.perf_counter()
    with Session(engine) as s, s.begin():
        import_file(s, actor, "xapi", lines, "growth.jsonl")
    rate = n / (time.perf_counter() - started)
    parts = lines.split(b"\n")
    batches = [b"[" + b",".join(parts[i : i + 1000]) + b"]" for i in range(0, len(parts), 1000)]
    return rate, bare_rate(engine, batches)


def fresh_ids(lines: bytes) -> bytes:
    """The same statements with new ids (references kept): every import adds them all."""
    prefix = uuid.uuid4().hex[:8].encode()
    return re.sub(rb'"[0-9a-f]{8}-', b'"' + prefix + b"-", lines)


def checkpoint(
    url: str, engine: Engine, stored: int, key: str, secret: str, args: argparse.Namespace
) -> None:
    print(f"\n== {stored:,} stored ==")
    server, port = start_server(url, args.workers)
    try:
        filtered_gets(Client(port, key, secret), stored)
        for batch, total in ((100, args.total), (1000, args.total)):
            bodies = [
                json.dumps([statement(i) for i in range(b * batch, (b + 1) * batch)]).encode()
                for b in range(total // batch)
            ]
            http, bare = [], []
            for _ in range(args.runs):
                http.append(ingest(port, key, secret, batch, total, args.clients))
                bare.append(bare_rate(engine, bodies))
            h, b = statistics.median(http), statistics.median(bare)
            runs = ", ".join(f"{r:,.0f}" for r in http)
            print(
                f"batches of {batch:,}: HTTP {h:,.0f}/s (runs {runs}); "
                f"bare parse-and-insert {b:,.0f}/s; HTTP/bare {h / b:.2f}"
            )
    finally:
        stop(server)
    lines = import_lines(args.imported)
    imp = [import_rate(engine, fresh_ids(lines), args.imported) for _ in range(args.runs)]
    i, b = statistics.median(r for r, _ in imp), statistics.median(r for _, r in imp)
    print(f"file import of {args.imported:,}: {i:,.0f}/s; bare {b:,.0f}/s; import/bare {i / b:.2f}")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--checkpoints", default="0,1000000,5000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--total", type=int, default=20_000, help="statements per HTTP run")
    parser.add_argument("--imported", type=int, default=20_000, help="statements per import")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.total < 1000:
        parser.error("--total must be at least 1000: the largest batch holds 1,000 statements")
    url = database(args.postgres)
    key, secret = prepare(url, 0)
    print(f"database: {url}")
    engine = make_engine(url)
    try:
        for stored in (int(c) for c in args.checkpoints.split(",")):
            prefill(engine, stored, key)
            checkpoint(url, engine, stored, key, secret, args)
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
