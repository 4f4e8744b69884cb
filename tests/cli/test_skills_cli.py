"""`lodestar skills ...` and the skills import kinds on a real SQLite file: the same services
as the pages, the Moodle round trip from the command line, and refusals in a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.conftest import seeded_cli

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def cli(tmp_path_factory):  # type: ignore[no-untyped-def]
    yield from seeded_cli(tmp_path_factory, "skills_cli")


def test_moodle_import_and_export_round_trip(cli, tmp_path):
    imported = cli("import", "moodle", str(EXAMPLES / "moodle_framework.csv"))
    assert imported.exit_code == 0, imported.output
    assert "5 added" in imported.output
    out = tmp_path / "fw.csv"
    exported = cli("skills", "export-moodle", "BW-SALES", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert out.read_text() == (EXAMPLES / "moodle_framework.csv").read_text()
    missing = cli("skills", "export-moodle", "NOPE")
    assert missing.exit_code == 1 and "no skills framework" in missing.output


def test_catalogue_imports_and_a_rejected_file(cli, tmp_path):
    for kind, name in (
        ("esco", "esco_skills.csv"),
        ("onet", "onet_skills.txt"),
        ("headcount", "headcount_plan.csv"),
    ):
        done = cli("import", kind, str(EXAMPLES / name))
        assert done.exit_code == 0, done.output
    bad = tmp_path / "bad.txt"
    bad.write_text("Element ID\tElement Name\nnot-an-id\tX\n")
    refused = cli("import", "onet", str(bad))
    assert refused.exit_code == 1 and "line 2, Element ID" in refused.output
    listed = cli("skills", "list", "--search", "onet:")
    assert listed.exit_code == 0 and listed.output.count("onet:") == 5


def test_gaps_heatmap_forecast_and_assess(cli):
    forecast = cli("skills", "forecast")
    assert forecast.exit_code == 0 and "Start building now: Solution selling" in forecast.output
    heat = cli("skills", "heatmap", "--top", "1")
    assert heat.exit_code == 0 and "First-contact resolution" in heat.output
    assert cli("skills", "gaps").exit_code == 0
    refused = cli("skills", "gaps", "--as", "jonas@brightwater.example")
    assert refused.exit_code == 1 and "L&D team" in refused.output
    recorded = cli("skills", "assess", "1", "BW-DATA", "3", "--source", "manager")
    assert recorded.exit_code == 0, recorded.output
    bad_day = cli("skills", "assess", "1", "BW-DATA", "3", "--on", "yesterday")
    assert bad_day.exit_code == 1 and "YYYY-MM-DD" in bad_day.output
