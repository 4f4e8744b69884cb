"""`lodestar portfolio ...` on a real SQLite file: the same services, the same figures."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings


@pytest.fixture(scope="module")
def cli(tmp_path_factory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('portfolio_cli') / 'cli.db'}"
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        get_settings.cache_clear()
        env = {"LODESTAR_DATABASE_URL": url, "LODESTAR_CLI_USER": ""}
        return runner.invoke(app, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    seeded = run("demo", "seed", "--employees", "150", "--seed", "7")
    assert seeded.exit_code == 0, seeded.output
    yield run
    get_settings.cache_clear()


def test_show_ranks_and_marks_the_cut(cli):
    out = cli("portfolio", "show", "--top", "3")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "carry 80% of it (marked *)" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] in (["1*", "2*", "3*"], ["1*", "2*", "3"])
    assert len(lines) == 4


def test_symptoms_plan_and_export(cli, tmp_path):
    sym = cli("portfolio", "symptoms")
    assert sym.exit_code == 0 and "Treatment:" in sym.output and "[shows]" in sym.output
    plan = cli("portfolio", "plan")
    assert plan.exit_code == 0 and plan.output.startswith("Day 75: 4 of 9 items done")
    target = tmp_path / "p.csv"
    exported = cli("portfolio", "export", str(target))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(target.open()))
    assert rows and rows[0]["rank"] == "1"
    bad = cli("portfolio", "export", str(tmp_path / "missing" / "p.csv"))
    assert bad.exit_code == 1 and "could not be written" in bad.output


def test_employees_are_refused_in_a_sentence(cli):
    out = cli("portfolio", "show", "--as", "jonas@brightwater.example")
    assert out.exit_code == 1 and "Ask your manager" in out.output
