"""Selection on observables: R7 (NHEFS, What If ch. 12), a seeded simulation, overlap, edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.reference import tolerance, values

from lodestar.analytics.estimators.observational import (
    design_matrix,
    estimate_selection_on_observables,
)
from lodestar.analytics.results import OutcomeInfo
from lodestar.errors import InvalidInput

NHEFS_COVARIATES = [
    "sex",
    "race",
    "age",
    "age_sq",
    "education",
    "smokeintensity",
    "smokeintensity_sq",
    "smokeyrs",
    "smokeyrs_sq",
    "exercise",
    "active",
    "wt71",
    "wt71_sq",
]


@pytest.fixture(scope="module")
def nhefs() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata")
    data = causaldata.nhefs_complete.load_pandas().data.copy()
    for col in ("age", "smokeintensity", "smokeyrs", "wt71"):
        data[f"{col}_sq"] = data[col] ** 2
    return data


def simulate(n: int, seed: int, strength: float = 1.0) -> tuple[pd.DataFrame, float]:
    """Managers pick people with higher x1/x2; the effect grows with x1 (ATT > ATE)."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    team = rng.choice(["a", "b", "c"], size=n)
    chance = 1 / (1 + np.exp(-(-1 + strength * (0.9 * x1 + 0.5 * x2) + 0.3 * (team == "b"))))
    d = rng.binomial(1, chance)
    tau = 2 + x1
    y = 1 + 3 * x1 + x2 + 0.5 * (team == "c") + tau * d + rng.normal(size=n)
    frame = pd.DataFrame({"y": y, "d": d, "x1": x1, "x2": x2, "team": team})
    return frame, float(tau[d == 1].mean())  # the sample effect on participants


# --- R7: Hernán & Robins, What If, ch. 12 (tests/reference/values.toml) --------------------


@pytest.mark.parametrize("weighting", ["unstabilised", "stabilised"])
def test_r7_nhefs_ipw_matches_what_if(nhefs: pd.DataFrame, weighting: str) -> None:
    result = estimate_selection_on_observables(
        nhefs,
        outcome="wt82_71",
        treatment="qsmk",
        covariates=NHEFS_COVARIATES,
        estimand="ATE",
        method="ipw",
        weighting=weighting,
        trim=None,
        info=OutcomeInfo(name="weight change 1971-82", unit="kg"),
    )
    r7, tol = values("R7"), tolerance("R7")
    assert result.estimate == pytest.approx(r7["estimate"], abs=tol)
    assert result.ci_low == pytest.approx(r7["ci_low"], abs=tol)
    assert result.ci_high == pytest.approx(r7["ci_high"], abs=tol)
    assert result.n_treated == 403 and result.n_comparison == 1163
    assert result.unit == "kg" and result.causal


def test_aipw_att_matches_moderndid_drdid(nhefs: pd.DataFrame) -> None:
    """Independent implementation: moderndid's drdid_panel with a zero pre-period outcome."""
    from moderndid import drdid_panel

    ours = estimate_selection_on_observables(
        nhefs, outcome="wt82_71", treatment="qsmk", covariates=NHEFS_COVARIATES, trim=None
    )
    x = np.column_stack([np.ones(len(nhefs)), design_matrix(nhefs, NHEFS_COVARIATES)])
    ref = drdid_panel(
        nhefs["wt82_71"].to_numpy(), np.zeros(len(nhefs)), nhefs["qsmk"].to_numpy(), x
    )
    assert ours.estimate == pytest.approx(ref.att, abs=1e-8)
    assert ours.se == pytest.approx(float(ref.se), abs=1e-8)
    assert ours.estimate == pytest.approx(3.3654, abs=1e-4)


# --- seeded simulation with a known effect -------------------------------------------------


def test_simulation_aipw_recovers_att_where_naive_is_biased() -> None:
    data, truth = simulate(3000, seed=0)
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"]
    )
    naive = result.details["naive_difference"]
    assert naive > truth + 2  # selection on x1 inflates the raw comparison
    assert result.ci_low <= truth <= result.ci_high
    assert abs(result.estimate - truth) < 0.15
    assert result.estimand == "ATT" and result.method == "aipw_att"
    assert result.warnings == ()
    overlap = {d.name: d for d in result.diagnostics}["overlap"]
    assert overlap.passed and overlap.value is not None and overlap.value > 0.3


def test_simulation_ipw_ate_covers_truth() -> None:
    data, _ = simulate(4000, seed=3)
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"], estimand="ATE"
    )
    assert result.ci_low <= 2.0 <= result.ci_high  # E[2 + x1] = 2
    ipw = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"], method="ipw"
    )
    assert ipw.se > result.se  # the doubly robust estimator is more precise here


def test_balance_table_before_and_after_weighting() -> None:
    data, _ = simulate(3000, seed=0)
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"]
    )
    balance = {d.name: d for d in result.diagnostics}["covariate_balance"]
    table = pd.DataFrame(balance.data["table"])
    assert list(table["covariate"]) == ["x1", "x2", "team[b]", "team[c]"]
    x1 = table.set_index("covariate").loc["x1"]
    assert x1["smd_before"] > 0.5  # participants were picked on x1
    assert abs(x1["smd_after"]) < 0.1
    assert balance.passed and not table["imbalanced_after"].any()


def test_poor_overlap_warns() -> None:
    data, _ = simulate(800, seed=1, strength=4.0)
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"], trim=None
    )
    overlap = {d.name: d for d in result.diagnostics}["overlap"]
    assert overlap.passed is False
    assert overlap.value is not None and overlap.value < 0.10
    assert any("Few comparison people resemble" in w for w in result.warnings)
    chart = overlap.data["groups"]
    assert sum(chart["participants"]["histogram"]) == chart["participants"]["n"]
    assert overlap.data["share_outside_band"] > 0


def test_trimming_is_stated_in_words_and_drops_people() -> None:
    data, _ = simulate(800, seed=1, strength=4.0)
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2", "team"], trim=(0.05, 0.95)
    )
    trimming = {d.name: d for d in result.diagnostics}["trimming"]
    assert "below 5% or above 95%" in trimming.detail
    assert result.n_treated + result.n_comparison + trimming.data["n_trimmed"] == 800
    assert any("left out" in w for w in result.warnings)


# --- edge cases ----------------------------------------------------------------------------


def test_unknown_options_list_the_allowed_values() -> None:
    data, _ = simulate(200, seed=0)
    with pytest.raises(InvalidInput, match="'ATT', 'ATE'"):
        estimate_selection_on_observables(
            data, outcome="y", treatment="d", covariates=["x1"], estimand="hazard_ratio"
        )
    with pytest.raises(InvalidInput, match="'aipw', 'ipw'"):
        estimate_selection_on_observables(
            data, outcome="y", treatment="d", covariates=["x1"], method="matching"
        )


def test_missing_column_and_bad_treatment_coding() -> None:
    data, _ = simulate(200, seed=0)
    with pytest.raises(InvalidInput, match="no column named 'tenure'"):
        estimate_selection_on_observables(data, outcome="y", treatment="d", covariates=["tenure"])
    with pytest.raises(InvalidInput, match="must hold 1 for participants"):
        estimate_selection_on_observables(
            data.assign(d=data["d"] * 2), outcome="y", treatment="d", covariates=["x1"]
        )


def test_everyone_treated_is_refused() -> None:
    data, _ = simulate(200, seed=0)
    with pytest.raises(InvalidInput, match="at least two of each"):
        estimate_selection_on_observables(
            data.assign(d=1), outcome="y", treatment="d", covariates=["x1"]
        )


def test_perfect_separation_is_refused() -> None:
    data, _ = simulate(300, seed=0)
    data["d"] = (data["x1"] > 0).astype(int)
    with pytest.raises(InvalidInput, match="separate participants"):
        estimate_selection_on_observables(data, outcome="y", treatment="d", covariates=["x1"])


def test_rows_with_missing_values_are_dropped_and_counted() -> None:
    data, _ = simulate(500, seed=0)
    data.loc[:9, "x2"] = np.nan
    result = estimate_selection_on_observables(
        data, outcome="y", treatment="d", covariates=["x1", "x2"]
    )
    assert result.details["n_dropped_missing"] == 10
    assert result.n_treated + result.n_comparison <= 490
