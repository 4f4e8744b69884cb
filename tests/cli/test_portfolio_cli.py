"""`lodestar portfolio ...` on a real SQLite file: the same services, the same figures."""

from __future__ import annotations

import csv
import re

import pytest
from tests.cli.conftest import seeded_cli


@pytest.fixture(scope="module")
def cli(tmp_path_factory):  # type: ignore[no-untyped-def]
    yield from seeded_cli(tmp_path_factory, "portfolio_cli")


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
    assert plan.exit_code == 0, plan.output
    head = re.match(r"Day 75: (\d) of 9 items done, (\d) late\.", plan.output)
    assert head, plan.output
    assert int(head[1]) == plan.output.count("[done") and int(head[2]) == plan.output.count("[late")
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
