"""The bulk writer of statement rows on SQLite and PostgreSQL: new ids above every stored one,
in the order of the rows, each reference pointing at its own statement, and the planner's
statistics refreshed on request."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select, text

from lodestar.db.models import LearningStatement, XapiStatementRef
from lodestar.db.statistics import refresh_statistics
from lodestar.services.xapi.writer import checked_statement, write_statements


def _statement(n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:rows{n}@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"https://lms.example.com/rows/{n}"},
        "context": {"instructor": {"mbox": f"mailto:teacher{n}@example.com"}},
        "timestamp": f"2026-03-0{1 + n % 9}T10:00:00Z",
    }


def test_rows_get_fresh_ids_in_order_and_references_point_at_their_statement(db) -> None:
    top = db.scalar(select(LearningStatement.id).order_by(LearningStatement.id.desc()).limit(1))
    batch = [checked_statement(_statement(n)) for n in range(30)]
    write_statements(db, batch)
    db.flush()
    rows = db.execute(
        select(LearningStatement.id, LearningStatement.statement_id, LearningStatement.timestamp)
        .where(LearningStatement.statement_id.in_([s.id for s in batch]))
        .order_by(LearningStatement.id)
    ).all()
    assert [r.statement_id for r in rows] == [s.id for s in batch]
    assert all(r.id > (top or 0) for r in rows)
    assert [r.timestamp.day for r in rows] == [1 + n % 9 for n in range(30)]
    refs = dict(
        db.execute(
            select(XapiStatementRef.statement_pk, XapiStatementRef.key).where(
                XapiStatementRef.statement_pk.in_([r.id for r in rows])
            )
        ).all()
    )
    assert [refs[r.id] for r in rows] == [f"mbox:teacher{n}@example.com" for n in range(30)]


def test_statistics_are_refreshed_on_request(db) -> None:
    write_statements(db, [checked_statement(_statement(n)) for n in range(5)])
    refresh_statistics(db)
    if db.get_bind().dialect.name == "sqlite":
        found = db.execute(
            text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'learning_statements'")
        ).scalar()
    else:
        found = db.execute(
            text(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'learning_statements' "
                "AND attname = 'verb_id'"
            )
        ).scalar()
    assert found


def test_the_json_as_received_comes_back_byte_for_byte(db) -> None:
    """Tabs, new lines, backslashes, quotes and characters beyond ASCII survive the bulk
    write (COPY on PostgreSQL, executemany on SQLite) exactly."""
    statement = _statement(1)
    statement["object"]["definition"] = {"name": {"en-US": 'Tab\\t "quoted" \\\\ back — é 😀'}}
    raw = "{\n\t" + json.dumps(statement, ensure_ascii=False)[1:-1] + "\n}\r\n"
    write_statements(db, [checked_statement(statement, raw=raw)])
    db.flush()
    stored = db.scalar(
        select(LearningStatement.raw).where(LearningStatement.statement_id == statement["id"])
    )
    assert stored == raw
