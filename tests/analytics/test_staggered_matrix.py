"""The person x period entry point gives the long table's answer, checks and notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from panel_sim import simulate_panel

from lodestar.analytics.estimators.staggered import estimate_staggered, estimate_staggered_matrix
from lodestar.analytics.panels import WideValues
from lodestar.analytics.results import OutcomeInfo
from lodestar.errors import InvalidInput

INFO = OutcomeInfo(name="Deals", unit="deals")


def as_matrix(long: pd.DataFrame) -> tuple[WideValues, np.ndarray]:
    units = np.sort(long["person"].unique())
    periods = np.sort(long["week"].unique()).astype(float)
    y = np.full((len(units), len(periods)), np.nan)
    y[np.searchsorted(units, long["person"]), np.searchsorted(periods, long["week"])] = long["kpi"]
    cohort = long.groupby("person")["start"].first().loc[units].to_numpy(dtype=float)
    return WideValues(y, units, cohort), periods


def both(long: pd.DataFrame, **options: object) -> tuple[object, object]:
    a = estimate_staggered(
        long, outcome="kpi", unit="person", time="week", cohort="start", info=INFO, **options
    )
    values, periods = as_matrix(long)
    b = estimate_staggered_matrix(values, periods, info=INFO, **options)  # type: ignore[arg-type]
    return a, b


@pytest.mark.parametrize("control_group", ["never_treated", "not_yet_treated"])
def test_same_estimate_as_the_long_table(control_group: str) -> None:
    long = simulate_panel(n_units=600, n_periods=10, starts={4: 0.3, 7: 0.3}, seed=5)
    a, b = both(long, control_group=control_group)
    assert b.estimate == pytest.approx(a.estimate, abs=1e-12)
    assert b.se == pytest.approx(a.se, abs=1e-12)
    assert b.baseline == pytest.approx(a.baseline, rel=1e-12)
    assert b.n_treated == a.n_treated and b.n_comparison == a.n_comparison
    for key in ("estimate", "se"):
        got = [row[key] for row in b.details["event_study"]]
        assert got == pytest.approx([row[key] for row in a.details["event_study"]], abs=1e-12)
    assert b.warnings == a.warnings


def test_unbalanced_late_starters_and_no_history_give_the_same_notes() -> None:
    long = simulate_panel(n_units=600, n_periods=10, starts={4: 0.3, 7: 0.3}, seed=6)
    rng = np.random.default_rng(0)
    long = long[rng.random(len(long)) > 0.05]  # unbalanced
    late = long["person"].isin([1, 2, 3])
    long.loc[late, "start"] = 50.0  # start after the data end
    first_cohort = long.loc[long["start"] == 4, "person"].unique()[:3]
    long = long[~(long["person"].isin(first_cohort) & (long["week"] < 4))]  # no history
    a, b = both(long, control_group="not_yet_treated")
    assert b.estimate == pytest.approx(a.estimate, abs=1e-12)
    assert b.se == pytest.approx(a.se, abs=1e-12)
    assert b.warnings == a.warnings
    assert any("start after the last period" in w for w in b.warnings)
    assert any("no observation before their start" in w for w in b.warnings)
    assert any("unbalanced" in w for w in b.warnings)


def test_same_refusals() -> None:
    long = simulate_panel(n_units=200, n_periods=8, starts={1: 0.5}, seed=2)
    for run in (lambda: both(long),):
        with pytest.raises(InvalidInput, match="no observations before the program started"):
            run()
    tiny = simulate_panel(n_units=200, n_periods=8, starts={4: 0.01, 6: 0.4}, seed=2)
    values, periods = as_matrix(tiny)
    with pytest.raises(InvalidInput, match="cohorts are too small"):
        estimate_staggered_matrix(values, periods, info=INFO)
    with pytest.raises(InvalidInput, match="one row per person and one column per period"):
        estimate_staggered_matrix(
            WideValues(values.y[:, :3], values.units, values.cohort), periods, info=INFO
        )
