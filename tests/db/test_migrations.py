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


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_bad_database_url_is_explained():
    with pytest.raises(ConfigurationError, match="LODESTAR_DATABASE_URL"):
        make_engine("not a url")
