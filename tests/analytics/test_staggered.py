"""Callaway & Sant'Anna (2021): R3-R5 on mpdta, simulation with known effects, edge cases.

R3-R5 are the R ``did`` README values (outcome regression, never-treated comparison, no
covariates, varying base period), kept with their tolerances in tests/reference/values.toml;
the built-in engine is also checked against ``moderndid``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from panel_sim import simulate_panel
from tests.reference import tolerance, values

from lodestar.analytics.estimators.staggered import estimate_staggered
from lodestar.errors import InvalidInput

R3 = values("R3")["att"]
R4 = {kind: tuple(point_se) for kind, point_se in values("R4").items()}
R5 = values("R5")["att"]
ATOL = tolerance("R3")
MPDTA = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}
SIM = {"outcome": "kpi", "unit": "person", "time": "week", "cohort": "start"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    import moderndid

    return moderndid.load_mpdta().to_pandas()


@pytest.fixture(scope="module", params=["lodestar", "moderndid"])
def result(request: pytest.FixtureRequest, mpdta: pd.DataFrame):  # type: ignore[no-untyped-def]
    return estimate_staggered(mpdta, engine=request.param, **MPDTA)


def test_r3_group_time_cells(result) -> None:  # type: ignore[no-untyped-def]
    cells = result.details["group_time"]
    assert [(c["cohort"], c["period"]) for c in cells][:2] == [(2004, 2004), (2004, 2005)]
    np.testing.assert_allclose([c["estimate"] for c in cells], R3, atol=ATOL)


def test_r4_aggregations(result) -> None:  # type: ignore[no-untyped-def]
    aggs = result.details["aggregations"]
    for kind, (point, se) in R4.items():
        assert aggs[kind]["estimate"] == pytest.approx(point, abs=tolerance("R4")), kind
        assert aggs[kind]["se"] == pytest.approx(se, rel=tolerance("R4", "se_rel")), kind
    assert result.estimate == aggs["simple"]["estimate"] and result.estimand == "ATT"


def test_r5_event_time(result) -> None:  # type: ignore[no-untyped-def]
    table = result.details["event_study"]
    assert [row["event_time"] for row in table] == values("R5")["event_time"]
    np.testing.assert_allclose([row["estimate"] for row in table], R5, atol=tolerance("R5"))
    assert result.diagnostics[0].name == "pre_trends"


def test_engines_agree_to_machine_precision(mpdta: pd.DataFrame) -> None:
    ours = estimate_staggered(mpdta, engine="lodestar", **MPDTA)
    ref = estimate_staggered(mpdta, engine="moderndid", **MPDTA)
    for a, b in zip(ours.details["group_time"], ref.details["group_time"], strict=True):
        assert a["estimate"] == pytest.approx(b["estimate"], abs=1e-10)
        assert a["se"] == pytest.approx(b["se"], rel=1e-8)
    for kind in R4:
        assert ours.details["aggregations"][kind]["se"] == pytest.approx(
            ref.details["aggregations"][kind]["se"], rel=1e-8
        )


def test_not_yet_treated_matches_moderndid(mpdta: pd.DataFrame) -> None:
    kw = {**MPDTA, "control_group": "not_yet_treated"}
    ours = estimate_staggered(mpdta, engine="lodestar", **kw)
    ref = estimate_staggered(mpdta, engine="moderndid", **kw)
    np.testing.assert_allclose(
        [c["estimate"] for c in ours.details["group_time"]],
        [c["estimate"] for c in ref.details["group_time"]],
        atol=1e-10,
    )
    for kind in R4:
        assert ours.details["aggregations"][kind]["estimate"] == pytest.approx(
            ref.details["aggregations"][kind]["estimate"], abs=1e-10
        )
        assert ours.details["aggregations"][kind]["se"] == pytest.approx(
            ref.details["aggregations"][kind]["se"], rel=1e-6
        )


def test_covariates_use_moderndid(mpdta: pd.DataFrame) -> None:
    r = estimate_staggered(mpdta, covariates=["lpop"], est_method="dr", **MPDTA)
    assert r.estimate == pytest.approx(
        -0.0418, abs=1e-3
    )  # moderndid dr with lpop (the delegated path)


def test_simulation_with_heterogeneous_dynamic_effects() -> None:
    data = simulate_panel(
        n_units=3_000,
        n_periods=10,
        starts={4: 0.25, 6: 0.25, 8: 0.2},
        effect={4: 1.0, 6: 2.0, 8: 3.0},
        dynamic=0.5,
        seed=21,
    )
    r = estimate_staggered(data, cluster="team", **SIM)
    by_cohort = {row["cohort"]: row for row in r.details["by_cohort"]}
    for g, base in {4: 1.0, 6: 2.0, 8: 3.0}.items():
        post = np.arange(g, 11)
        truth = np.mean(base + 0.5 * (post - g))
        row = by_cohort[g]
        assert abs(row["estimate"] - truth) < 4 * row["se"], g
    for row in r.details["event_study"]:
        if row["event_time"] < 0:
            assert abs(row["estimate"]) < 4 * row["se"]
    assert r.diagnostics[0].passed is True
    assert r.n_clusters == 97


def test_unbalanced_panel_still_recovers_the_effect() -> None:
    data = simulate_panel(n_units=3_000, starts={4: 0.3, 7: 0.3}, effect=2.0, seed=5)
    data = data.sample(frac=0.85, random_state=2)
    r = estimate_staggered(data, **SIM)
    assert r.ci_low <= 2.0 <= r.ci_high
    assert r.details["balanced"] is False


def test_one_cohort_and_pre_trend_flag() -> None:
    data = simulate_panel(n_units=2_000, starts={6: 0.5}, effect=1.0, pre_trend=0.05, seed=8)
    r = estimate_staggered(data, **SIM)
    assert r.diagnostics[0].passed is False and r.diagnostics[0].value < 0.10  # type: ignore[operator]


def test_no_never_treated_group() -> None:
    data = simulate_panel(n_units=1_000, starts={4: 0.5, 8: 0.5}, effect=1.0, seed=9)
    with pytest.raises(InvalidInput, match="no comparison group"):
        estimate_staggered(data, **SIM)
    r = estimate_staggered(data, control_group="not_yet_treated", **SIM)
    assert r.ci_low <= 1.0 <= r.ci_high
    assert any("nobody to compare with" in w for w in r.warnings)


def test_options_are_checked(mpdta: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="Choose one of"):
        estimate_staggered(mpdta, est_method="ml", **MPDTA)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Unknown options"):
        estimate_staggered(mpdta, base_period="universal", **MPDTA)
