"""Both backends migrate from zero, and the migrations match the models exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lodestar.db.base import Base
from lodestar.db.migrate import downgrade, upgrade
from lodestar.db.session import check_ready, make_engine
from lodestar.errors import ConfigurationError, DatabaseNotReady


def test_upgrade_from_zero_matches_models_and_downgrades_cleanly(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        from tests.conftest import _postgres_database

        gen = _postgres_database()
        engine = make_engine(next(gen))
    try:
        with pytest.raises(DatabaseNotReady, match="lodestar db upgrade"):
            check_ready(engine)
        upgrade(engine)
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diffs == [], f"models and migrations differ: {diffs}"
        check_ready(engine)
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
    finally:
        engine.dispose()
        if not database_url.startswith("sqlite"):
            gen.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_synced_commits_and_a_larger_cache(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -32 * 1024
    engine.dispose()


def test_bad_database_url_is_explained():
    with pytest.raises(ConfigurationError, match="LODESTAR_DATABASE_URL"):
        make_engine("not a url")


def _shape(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every table's columns (name, nullable), indexes (name, columns, unique), unique
    constraints and foreign keys, in sets: what a schema is, whatever order it was built in."""
    inspector = inspect(engine)
    shape: dict[str, object] = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        shape[table] = (
            {(c["name"], c["nullable"]) for c in inspector.get_columns(table)},
            {(i["name"], tuple(i["column_names"]), bool(i["unique"]))
             for i in inspector.get_indexes(table)},
            {(u["name"], tuple(u["column_names"]))
             for u in inspector.get_unique_constraints(table)},
            {(f["name"], tuple(f["constrained_columns"]), f["referred_table"])
             for f in inspector.get_foreign_keys(table)},
        )  # fmt: skip
    return shape


@pytest.mark.parametrize("placeholders", [True, False], ids=["empty-0006-0008", "filled"])
def test_0010_repairs_a_database_that_passed_through_the_empty_placeholders(
    empty_database_url, tmp_path, placeholders
):
    """The old way: a database in use at 0005, then through 0006-0008 while they were empty
    (stamped, nothing run), then 0009. Upgrading makes what those revisions now create, carries
    the old unnamed API token over, and ends with the schema of a fresh database. The same
    database upgraded through the filled-in revisions ends the same (on SQLite that once failed:
    rebuilding ``users`` with foreign keys on deleted its tokens and tripped over its audit
    events)."""
    from alembic import command
    from sqlalchemy import text

    from lodestar.db.migrate import alembic_config

    old = make_engine(empty_database_url)
    if empty_database_url.startswith("sqlite"):
        fresh_url, fresh_gen = f"sqlite:///{tmp_path / 'fresh.db'}", None
    else:
        from tests.conftest import _postgres_database

        fresh_gen = _postgres_database()
        fresh_url = next(fresh_gen)
    fresh = make_engine(fresh_url)
    try:
        upgrade(old, "0005")
        with old.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (email, name, role, password_hash, is_active, "
                    "api_token_hash, created_at) VALUES ('old@example.org', 'Old', 'ld', 'x', "
                    ":yes, :hash, :now)"
                ),
                {"yes": True, "hash": "a" * 64, "now": "2026-01-01 00:00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor_id, action, object_type, detail) "
                    "VALUES (:now, 1, 'user.create', 'user', '')"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
        if placeholders:
            command.stamp(alembic_config(old), "0008")  # the empty placeholders
            upgrade(old, "0009")
            before = inspect(old)
            assert not {"user_sessions", "api_tokens", "import_jobs"} & set(
                before.get_table_names()
            )
            assert "person_id" not in {c["name"] for c in before.get_columns("audit_events")}

        upgrade(old)
        upgrade(fresh)
        with old.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            carried = conn.execute(text("SELECT name, token_hash FROM api_tokens")).all()
            audited = conn.execute(text("SELECT actor_id, action FROM audit_events")).all()
        assert carried == [("Token from before named tokens", "a" * 64)]
        assert audited == [(1, "user.create")]
        assert _shape(old) == _shape(fresh)

        # On a database that has everything, 0010 changes nothing of 0006-0008's.
        downgrade(fresh, "0009")
        upgrade(fresh)
        assert _shape(fresh) == _shape(old)
    finally:
        old.dispose()
        fresh.dispose()
        if fresh_gen is not None:
            fresh_gen.close()


def test_0020_keeps_every_kpi_value_when_the_long_table_goes(empty_database_url):
    """A database at 0016 whose columns miss some values (one KPI written before the columns
    existed) comes out of 0020 with every long-table value in the columns and the totals;
    downgrading unpacks them back into rows."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from lodestar.db import kpi_store
    from lodestar.db.models import Kpi

    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0016")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO departments (id, code, name) VALUES (1, 'd', 'D')"))
            conn.execute(text("INSERT INTO teams (id, name, department_id) VALUES (1, 'T', 1)"))
            for i in (1, 2, 3):
                conn.execute(
                    text(
                        "INSERT INTO employees (id, external_id, name, team_id, hire_date) "
                        "VALUES (:i, :x, 'P', 1, '2020-01-01')"
                    ),
                    {"i": i, "x": f"E{i}"},
                )
            for kid, grain in ((1, "employee"), (2, "team")):
                conn.execute(
                    text(
                        "INSERT INTO kpis (id, code, name, description, unit, direction, grain, "
                        "cadence, lead_lag) VALUES (:k, :c, :c, '', 'u', 'up', :g, 'weekly', 'lag')"
                    ),
                    {"k": kid, "c": f"k{kid}", "g": grain},
                )
            rows = [(1, 3, None, "2024-01-01", 3.0), (1, 1, None, "2024-01-01", 1.0),
                    (1, 2, None, "2024-01-08", 2.5), (2, None, 1, "2024-01-01", 7.0)]  # fmt: skip
            for kid, emp, team, period, value in rows:
                conn.execute(
                    text(
                        "INSERT INTO kpi_observations (kpi_id, employee_id, team_id, period, "
                        "value, weight) VALUES (:k, :e, :t, :p, :v, 1)"
                    ),
                    {"k": kid, "e": emp, "t": team, "p": period, "v": value},
                )
        upgrade(engine)
        assert "kpi_observations" not in inspect(engine).get_table_names()
        with Session(engine) as s:
            employee = kpi_store.read_columns(s, 1)
            assert employee.subject.tolist() == [1, 3, 2]
            assert employee.value.tolist() == [1.0, 3.0, 2.5]
            assert kpi_store.read_columns(s, 2).subject.tolist() == [1]
            assert [n for _, n, _ in kpi_store.period_totals(s, 1, last=10)] == [2, 1]
            assert s.get(Kpi, 2) is not None
        downgrade(engine, "0016")
        with engine.connect() as conn:
            back = conn.execute(
                text(
                    "SELECT kpi_id, employee_id, team_id, value FROM kpi_observations "
                    "ORDER BY kpi_id, period, value"
                )
            ).all()
        assert back == [(1, 1, None, 1.0), (1, 3, None, 3.0), (1, 2, None, 2.5), (2, None, 1, 7.0)]
    finally:
        engine.dispose()
