"""Retention: R8 (Rossi), the immortal-time simulation, Kaplan–Meier tables and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.reference import tolerance, values

from lodestar.analytics.estimators.survival import (
    build_episodes,
    estimate_hazard_ratio,
    estimate_retention,
    kaplan_meier_curves,
)
from lodestar.errors import InvalidInput

START = pd.Timestamp("2024-01-01")
END = START + pd.Timedelta(days=730)


def simulate_immortal_time(n: int, seed: int) -> pd.DataFrame:
    """True hazard ratio 1: leaving ignores training; training happens at a random day in the
    first ~10 months after hire, for 70% of people, and only if they are still there."""
    rng = np.random.default_rng(seed)
    hire = pd.Series(START, index=range(n))
    days_to_leave = np.ceil(rng.exponential(500, n))
    days_to_train = rng.integers(1, 300, n).astype(float)
    offered = rng.random(n) < 0.7
    leave_date = hire + pd.to_timedelta(days_to_leave, unit="D")
    train_date = hire + pd.to_timedelta(days_to_train, unit="D")
    return pd.DataFrame(
        {
            "employee": np.arange(n),
            "hire_date": hire,
            "exit_date": leave_date.where(leave_date <= END),
            "trained_on": train_date.where(offered & (days_to_train < days_to_leave)),
            "site": rng.choice(["north", "south"], n),
        }
    )


# --- R8: Rossi recidivism, Cox PH (tests/reference/values.toml) ----------------------------


def test_r8_rossi_cox_matches_reference() -> None:
    from lifelines.datasets import load_rossi

    result = estimate_hazard_ratio(
        load_rossi(),
        duration="week",
        event="arrest",
        treatment="fin",
        covariates=["age", "race", "wexp", "mar", "paro", "prio"],
    )
    r8, tol = values("R8"), tolerance("R8")
    assert result.details["log_hazard_ratio"] == pytest.approx(r8["log_hazard_ratio"], abs=tol)
    assert result.se == pytest.approx(r8["se"], abs=tol)
    assert result.estimate == pytest.approx(r8["hazard_ratio"], abs=tol)
    low = np.exp(r8["log_hazard_ratio"] - 1.959964 * r8["se"])
    assert result.ci_low == pytest.approx(low, abs=1e-3)
    assert result.estimand == "hazard_ratio" and result.n_treated == 216
    assert {d.name for d in result.diagnostics} == {"proportional_hazards"}


# --- immortal-time simulation: true HR = 1 -------------------------------------------------


@pytest.fixture(scope="module")
def immortal() -> pd.DataFrame:
    return simulate_immortal_time(3000, seed=0)


def test_time_varying_model_recovers_null_effect(immortal: pd.DataFrame) -> None:
    result = estimate_retention(immortal, end_of_follow_up=END, covariates=["site"])
    assert result.method == "cox_time_varying" and result.causal
    assert result.ci_low <= 1.0 <= result.ci_high
    assert abs(np.log(result.estimate)) < 0.1
    assert result.details["ever_trained_hazard_ratio"] < 0.6  # the bias, shown for contrast
    assert result.warnings == ()


def test_ever_trained_model_is_flagged_as_immortal_time_bias(immortal: pd.DataFrame) -> None:
    result = estimate_retention(immortal, end_of_follow_up=END, model="ever_trained")
    assert result.estimate < 0.6 and result.ci_high < 0.7  # far below the true 1
    assert result.causal is False
    assert any("immortal-time bias" in w for w in result.warnings)
    diag = {d.name: d for d in result.diagnostics}["immortal_time"]
    assert diag.passed is False
    assert diag.data["trained_after_hire"] == result.n_treated


def test_training_at_hire_has_no_immortal_time() -> None:
    data = simulate_immortal_time(800, seed=1)
    data["trained_on"] = data["hire_date"].where(data["employee"] % 2 == 0)
    result = estimate_retention(data, end_of_follow_up=END, model="ever_trained")
    assert result.causal and result.warnings == ()
    assert result.ci_low <= 1.0 <= result.ci_high


def test_build_episodes_splits_at_training() -> None:
    data = pd.DataFrame(
        {
            "employee": [1, 2, 3, 4],
            "hire_date": pd.to_datetime(["2024-01-01"] * 4),
            "exit_date": pd.to_datetime(["2024-04-10", None, "2024-02-01", None]),
            "trained_on": pd.to_datetime(["2024-02-01", "2023-12-01", "2024-03-01", None]),
        }
    )
    ep = build_episodes(data, end_of_follow_up="2024-12-31")
    one = ep[ep["person"] == 1]
    assert one[["start", "stop", "trained", "left"]].values.tolist() == [
        [0, 31, 0, 0],
        [31, 100, 1, 1],
    ]
    assert ep[ep["person"] == 2][["start", "stop", "trained", "left"]].values.tolist() == [
        [0, 365, 1, 0]
    ]
    # trained after leaving: never trained during follow-up
    assert ep[ep["person"] == 3][["trained", "left"]].values.tolist() == [[0, 1]]
    assert ep[ep["person"] == 4][["trained", "left"]].values.tolist() == [[0, 0]]


def test_kaplan_meier_table_and_logrank() -> None:
    from lifelines.datasets import load_rossi

    km = kaplan_meier_curves(load_rossi(), duration="week", event="arrest", group="fin")
    assert set(km.table["group"]) == {"0", "1"}
    assert km.n == {"0": 216, "1": 216}
    assert km.logrank_p is not None and 0.03 < km.logrank_p < 0.07  # p ≈ 0.05 (lifelines docs)
    first = km.table[km.table["group"] == "0"].iloc[0]
    assert first["survival"] == 1.0 and first["at_risk"] == 216
    assert all(r["ci_low"] is None or r["ci_low"] <= r["survival"] for r in km.records())


# --- edge cases ----------------------------------------------------------------------------


def test_unknown_model_lists_the_allowed_values(immortal: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="'time_varying', 'ever_trained'"):
        estimate_retention(immortal, model="static")


def test_nobody_trained_is_refused(immortal: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="0 trained"):
        estimate_retention(immortal.assign(trained_on=pd.NaT), end_of_follow_up=END)


def test_exit_before_hire_is_refused(immortal: pd.DataFrame) -> None:
    bad = immortal.copy()
    bad.loc[0, "exit_date"] = START - pd.Timedelta(days=3)
    with pytest.raises(InvalidInput, match="leave before they were hired"):
        estimate_retention(bad, end_of_follow_up=END)


def test_fixed_treatment_must_be_binary() -> None:
    from lifelines.datasets import load_rossi

    with pytest.raises(InvalidInput, match="must hold 1 for participants"):
        estimate_hazard_ratio(load_rossi(), duration="week", event="arrest", treatment="prio")


def test_a_warning_from_the_proportional_hazards_check_is_reported_not_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import warnings

    import lifelines.statistics
    from lifelines.datasets import load_rossi

    real = lifelines.statistics.proportional_hazard_test

    def troubled(*args, **kwargs):  # type: ignore[no-untyped-def]
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(lifelines.statistics, "proportional_hazard_test", troubled)
    result = estimate_hazard_ratio(
        load_rossi(),
        duration="week",
        event="arrest",
        treatment="fin",
        covariates=["age"],
    )
    notes = [w for w in result.warnings if "numerical problem" in w]
    assert len(notes) == 1 and "overflow encountered in exp" in notes[0]


def test_one_participant_who_never_leaves_is_refused_not_overflowed() -> None:
    """A hazard ratio driven to zero by one trained person with no event used to overflow
    exp() in the interval (a 500); it is refused with what to do."""
    data = simulate_immortal_time(300, seed=2)
    trained = data.index[data["trained_on"].notna()]
    data.loc[trained[1:], "trained_on"] = pd.NaT
    data.loc[trained[0], "exit_date"] = pd.NaT
    for model in ("time_varying", "ever_trained"):
        with pytest.raises(InvalidInput, match="no usable hazard ratio"):
            estimate_retention(data, end_of_follow_up=END, model=model)  # type: ignore[arg-type]
