"""`lodestar privacy` and `lodestar audit` end to end on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import Employee
from lodestar.db.session import make_engine
from lodestar.services.demo import seed_demo


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('privacy_cli') / 'p.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=150, seed=7)
    engine.dispose()
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        get_settings.cache_clear()
        try:
            return runner.invoke(
                app, list(args), input=input, env={"LODESTAR_DATABASE_URL": url, **(env or {})}
            )
        finally:
            get_settings.cache_clear()

    run.url = url  # type: ignore[attr-defined]
    yield run


def _person(url: str, offset: int = 0) -> tuple[str, str, str]:
    engine = make_engine(url)
    with Session(engine) as s:
        p = s.scalars(
            select(Employee).where(Employee.email.is_not(None)).order_by(Employee.id.desc())
        ).all()[offset]
        out = (p.external_id, p.name, p.email)
    engine.dispose()
    return out


def test_export_prints_json_and_writes_a_zip_of_csv_files(cli, tmp_path):
    external_id, name, _ = _person(cli.url)
    shown = cli("privacy", "export", external_id)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["person"][0]["name"] == name
    out = tmp_path / "person.zip"
    written = cli("privacy", "export", external_id, "--out", str(out))
    assert written.exit_code == 0 and "person 1" in written.output
    with zipfile.ZipFile(out) as zf:
        assert "person.csv" in zf.namelist()
    refused = cli("privacy", "export", external_id, "--as", "priya@brightwater.example")
    assert refused.exit_code == 1 and "administrators only" in refused.output


def test_erase_asks_for_the_hr_number_unless_yes_and_is_audited(cli):
    external_id, name, _ = _person(cli.url, 1)
    wrong = cli("privacy", "erase", external_id, input="nope\n")
    assert wrong.exit_code == 1 and f"type their HR number ({external_id})" in wrong.output
    done = cli("privacy", "erase", external_id, "--yes")
    assert done.exit_code == 0 and "pseudonymised as erased-" in done.output
    trail = cli("audit", "--action", "person.erase", "--csv")
    assert trail.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(trail.output)))
    assert len(rows) == 1 and rows[0]["path"] == "cli: lodestar privacy erase"
    assert rows[0]["actor"] == "admin@brightwater.example" and name not in trail.output
    assert "erased-" in cli("audit", "--action", "person.").output


def test_apply_retention_dry_run_counts_and_changes_nothing(cli):
    env = {"LODESTAR_PRIVACY__PSEUDONYMISE_LEAVERS_AFTER_YEARS": "1"}
    dry = cli("privacy", "apply-retention", "--dry-run", env=env)
    assert dry.exit_code == 0 and "Dry run" in dry.output
    assert "raw xAPI statements older than the limit: off" in dry.output
    leavers = next(line for line in dry.output.splitlines() if "people who left" in line)
    count = int(leavers.split(": ")[1].split()[0])
    assert count > 0  # the demo has leavers from more than a year ago
    again = cli("privacy", "apply-retention", "--dry-run", env=env)
    assert leavers in again.output  # the dry run changed nothing
    applied = cli("privacy", "apply-retention", env=env)
    assert applied.exit_code == 0 and f"({1} years): {count} affected" in applied.output
    after = cli("privacy", "apply-retention", "--dry-run", env=env)
    assert (
        "people who left longer ago than the limit (1 years): 0 would be affected" in after.output
    )
