"""`lodestar import`: a clean file prints the counts; a bad one prints the first rows, writes
the full report next to the file and exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def test_import_from_the_command_line(web_database, tmp_path):
    def run(*args: str):  # type: ignore[no-untyped-def]
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args), env={"LODESTAR_DATABASE_URL": web_database})
        finally:
            get_settings.cache_clear()

    ok = run("import", "employees", str(EXAMPLES / "employees.csv"), "--dry-run")
    assert ok.exit_code == 0, ok.output
    assert "4 added / 0 unchanged / 0 updated (checked only" in ok.output
    bad = tmp_path / "kpis.csv"
    bad.write_text("subject,kpi,period,value\nX,nope,2025-01-01,1\n")
    result = run("import", "kpis", str(bad))
    assert result.exit_code == 1
    assert "line 2, kpi: No KPI has the code “nope”" in result.output
    report = tmp_path / "kpis.csv.rejected.csv"
    assert report.exists() and "nope" in report.read_text()
    assert str(report) in result.output


@pytest.mark.postgres
def test_an_import_that_waits_too_long_says_so_and_can_be_run_again(tmp_path):
    """Before: on PostgreSQL the losing one of two concurrent imports died with a raw
    deadlock traceback. Now it waits its turn, and past the wait says so in a sentence."""
    from sqlalchemy.orm import Session
    from tests.conftest import _postgres_database
    from tests.services.imports.conftest import IMPORTER, kpi_csv, seed_small_org

    from lodestar.db.bulk import take_write_lock
    from lodestar.db.session import make_engine

    databases = _postgres_database()
    url = next(databases)
    engine = None
    try:
        seed_small_org(url)
        engine = make_engine(url)
        path = tmp_path / "k.csv"
        path.write_bytes(kpi_csv(people=5, weeks=1))
        env = {"LODESTAR_DATABASE_URL": url, "LODESTAR_IMPORTS__LOCK_WAIT_SECONDS": "1",
               "LODESTAR_CLI_USER": IMPORTER}  # fmt: skip

        def run(*args: str):  # type: ignore[no-untyped-def]
            get_settings.cache_clear()
            try:
                return CliRunner().invoke(app, list(args), env=env)
            finally:
                get_settings.cache_clear()

        with Session(engine) as holder:
            take_write_lock(holder, "kpis", wait_seconds=5)  # another import is writing
            refused = run("import", "kpis", str(path))
            holder.rollback()
        assert refused.exit_code == 1
        assert "Traceback" not in refused.output
        assert (
            "Error: Another kpis import has been writing for over 1 second, so nothing of "
            "k.csv was saved." in refused.output
        )
        listed = run("import", "jobs")
        assert listed.exit_code == 0 and "failed" in listed.output
        assert "(can be run again)" in listed.output
        job_id = listed.output.split()[0]
        again = run("import", "rerun", job_id)
        assert again.exit_code == 0, again.output
        assert "9 rows read from k.csv: 9 added / 0 unchanged / 0 updated." in again.output
    finally:
        if engine is not None:
            engine.dispose()
        databases.close()
