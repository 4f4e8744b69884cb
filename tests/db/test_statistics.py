"""The statement tables' planner statistics follow the store as it grows through the writer,
and pooled SQLite connections stop planning with statistics older than the last refresh."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from lodestar.db import statistics
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services.xapi.writer import checked_statement, write_statements


def _batch(n: int) -> list:
    return [
        checked_statement(
            {
                "id": str(uuid.uuid4()),
                "actor": {"mbox": f"mailto:grow{i % 7}@example.com"},
                "verb": {"id": f"http://example.com/verbs/v{i % 3}"},
                "object": {"id": f"https://lms.example.com/grow/{i % 11}"},
                "timestamp": "2026-03-01T10:00:00Z",
            }
        )
        for i in range(n)
    ]


def _described(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        if engine.dialect.name == "postgresql":
            return int(
                c.execute(
                    text("SELECT reltuples FROM pg_class WHERE relname = 'learning_statements'")
                ).scalar()
            )
        stat = c.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'learning_statements' LIMIT 1")
        ).scalar()
    return int(stat.split()[0])


def test_statistics_are_refreshed_each_time_the_statements_double(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within one transaction too (an import, the demo's story): PostgreSQL's autovacuum
    cannot see rows not yet committed."""
    monkeypatch.setattr(statistics, "FLOOR", 100)
    engine = make_engine(empty_database_url, pool_size=2)
    upgrade(engine)

    def write(n: int) -> None:
        with Session(engine) as s, s.begin():
            write_statements(s, _batch(n))

    write(150)  # 150 rows, no statistics yet: refreshed
    assert _described(engine) == 150
    write(100)  # 250 < 2 × 150: the statistics stay
    assert _described(engine) == 150
    write(60)  # 310 ≥ 300: refreshed again
    assert _described(engine) == 310
    with Session(engine) as s, s.begin():  # 400, then 500 in one transaction: under 2 × 310
        write_statements(s, _batch(90))
        write_statements(s, _batch(100))
    assert _described(engine) == 310
    with Session(engine) as s, s.begin():  # ... 620 reached inside the transaction
        for _ in range(3):
            write_statements(s, _batch(40))
    assert _described(engine) == 620
    engine.dispose()


def test_a_pooled_connection_opened_before_a_refresh_is_not_handed_out_again(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1)
    upgrade(engine)
    with engine.connect() as c:
        before = c.connection.driver_connection
    with engine.connect() as c:
        assert c.connection.driver_connection is before  # no refresh: the same connection
    with Session(engine) as s, s.begin():
        write_statements(s, _batch(20))  # under FLOOR: no refresh of its own
        statistics.refresh_statistics(s)
    with engine.connect() as c:
        after = c.connection.driver_connection
        assert after is not before
        assert c.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar()
    with engine.connect() as c:
        assert c.connection.driver_connection is after  # and the new one is kept
    engine.dispose()
