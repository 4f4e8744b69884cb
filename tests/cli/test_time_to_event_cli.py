"""`lodestar impact run/show` for retention and time-to-productivity programs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('tte_cli') / 'cli.db'}"
    runner = CliRunner()

    def run(*args: str):
        get_settings.cache_clear()
        return runner.invoke(app, list(args), env={"LODESTAR_DATABASE_URL": url})

    assert run("db", "upgrade").exit_code == 0
    seeded = run("demo", "seed", "--employees", "150", "--seed", "7")
    assert seeded.exit_code == 0, seeded.output
    yield run
    get_settings.cache_clear()


def test_retention_run_and_show(cli):
    run = cli("impact", "run", "stay_conversations", "--as", "priya@brightwater.example")
    assert run.exit_code == 0, run.output
    assert "Who stays: retention curves" in run.output and "Design: Survival model" in run.output
    assert "rate of leaving voluntarily" in run.output
    assert "Leavers prevented per 100 participants per year" in run.output
    assert "Naive comparison (not causal)" in run.output and "immortal-time" in run.output
    assert "person spells split at the training date" in run.output and "censored" in run.output
    shown = cli("impact", "show", "stay_conversations", "--as", "helen@brightwater.example")
    assert shown.exit_code == 0 and "Who stays: retention curves" in shown.output


def test_time_to_productivity_run_with_the_design_named(cli):
    run = cli(
        "impact", "run", "onboarding_buddy", "--design", "time_to_productivity",
        "--as", "priya@brightwater.example",
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Time to productivity: the ramp-up of new hires" in run.output
    assert "took part: " in run.output and "median time " in run.output
    assert "Productive means: 54.0 — the program's target" in run.output
    assert "Only 5 participants" in run.output or "participants and" in run.output


def test_retention_on_a_program_without_exits_in_view_fails_in_words(cli):
    bad = cli(
        "impact", "run", "fcr_pilot", "--design", "time_to_productivity",
        "--as", "priya@brightwater.example",
    )  # fmt: skip
    assert bad.exit_code != 0
    assert bad.output.startswith("Error: ") and "run the analysis again" in bad.output
