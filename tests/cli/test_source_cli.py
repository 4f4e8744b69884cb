"""`lodestar source set/show/remove` on the demo: checked before saving, shown in words."""

from __future__ import annotations

import pandas as pd


def test_a_kpi_is_pointed_at_parquet_shown_and_taken_back(demo_cli, tmp_path):
    path = tmp_path / "calls.parquet"
    pd.DataFrame(
        {"person": [1, 2], "week": pd.to_datetime(["2026-01-05"] * 2), "calls": [1.0, 2.0]}
    ).to_parquet(path)
    args = ["source", "set", "1", "--kind", "parquet", "--location", str(path)]
    args += ["--subject", "person", "--period", "week"]
    wrong = demo_cli(*args, "--value", "sales")
    assert wrong.exit_code != 0
    assert "has no column 'sales' for the value" in wrong.output
    right = demo_cli(*args, "--value", "calls")
    assert right.exit_code == 0, right.output
    assert f"read from the Parquet at {path}" in right.output
    shown = demo_cli("source", "show", "1")
    assert (
        "Columns: the person in 'person', the period in 'week', the value in 'calls', no weight."
        in shown.output
    )
    assert demo_cli("source", "remove", "1").exit_code == 0
    assert "Lodestar's own database" in demo_cli("source", "show", "1").output
