"""`lodestar import`: a clean file prints the counts; a bad one prints the first rows, writes
the full report next to the file and exits 1."""

from __future__ import annotations

from pathlib import Path

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
