"""Time to productivity: a seeded simulation with a known cohort difference and censoring,
reference values (R12, R13 in tests/reference/values.toml: lifelines on public survival data),
and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tests.reference import reference, tolerance, values

from lodestar.analytics.estimators.ramp import (
    estimate_time_to_productivity,
    time_to_threshold,
)
from lodestar.errors import InvalidInput

# Weeks to productivity ~ Weibull(shape 2): scale 12 weeks (2024 hires) vs 9 weeks (2025
# hires, after the new onboarding). Weibull with a common shape is proportional hazards:
# true hazard ratio (12/9)^2 = 1.78, true time ratio 0.75.
TRUE_HR = (12 / 9) ** 2
TRUE_TIME_RATIO = 0.75


def simulate(n: int, seed: int, scale_2025: float = 9.0) -> pd.DataFrame:
    """Weekly KPI (≈80 while ramping, ≈95 once productive); people leave at random (mean 40
    weeks) and the data ends after 52 weeks for 2024 hires and 26 weeks for 2025 hires."""
    rng = np.random.default_rng(seed)
    parts = []
    for cohort, scale, horizon in (("2024", 12.0, 52), ("2025", scale_2025, 26)):
        productive_week = np.ceil(scale * rng.weibull(2.0, n))
        last = np.minimum(np.ceil(rng.exponential(40, n)), horizon).astype(int)
        who = np.repeat(np.arange(n), last)
        week = np.concatenate([np.arange(1, k + 1) for k in last])
        value = np.where(week >= productive_week[who], 95.0, 80.0) + rng.uniform(-3, 3, len(week))
        parts.append(
            pd.DataFrame(
                {
                    "employee": [f"{cohort}-{i}" for i in who],
                    "cohort": cohort,
                    "tenure_week": week,
                    "value": value,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def ramp() -> pd.DataFrame:
    return simulate(400, seed=11)


def test_simulation_recovers_known_cohort_difference(ramp: pd.DataFrame) -> None:
    result = estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025")
    assert result.estimand == "hazard_ratio" and result.design == "survival"
    assert result.ci_low <= TRUE_HR <= result.ci_high
    assert abs(math.log(result.estimate) - math.log(TRUE_HR)) < 0.25
    lo, hi = result.details["time_ratio_ci"]
    assert lo <= TRUE_TIME_RATIO <= hi
    medians = result.details["median_days"]
    assert medians["2025"] < medians["2024"]
    assert result.details["median_difference_days"] == medians["2025"] - medians["2024"]
    assert result.details["logrank_p"] < 0.001
    assert result.causal is False and any("not assigned at random" in w for w in result.warnings)


def test_no_difference_gives_interval_around_one() -> None:
    result = estimate_time_to_productivity(
        simulate(300, seed=5, scale_2025=12.0),
        threshold=90,
        treated_cohort="2025",
        assignment="randomised",
    )
    assert result.ci_low <= 1.0 <= result.ci_high
    assert result.causal and result.warnings == ()


def test_leavers_and_still_ramping_are_censored_not_dropped(ramp: pd.DataFrame) -> None:
    times = time_to_threshold(
        ramp, person="employee", cohort="cohort", week="tenure_week", value="value", threshold=90
    )
    assert len(times) == 800  # everyone counts
    censored = times[times["reached"] == 0]
    assert len(censored) > 50
    assert (censored["weeks"] == censored["last_week"]).all()
    result = estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025")
    share = {d.name: d for d in result.diagnostics}["censoring"].value
    assert share == pytest.approx(len(censored) / 800)


def test_time_to_threshold_small_example() -> None:
    weekly = pd.DataFrame(
        {
            "employee": ["a"] * 4 + ["b"] * 3 + ["c"] * 2,
            "cohort": ["x"] * 4 + ["x"] * 3 + ["y"] * 2,
            "tenure_week": [1, 2, 3, 4, 1, 2, 3, 1, 2],
            "value": [5, 12, 8, 13, 4, 6, np.nan, 11, 15],
        }
    )
    kw = dict(person="employee", cohort="cohort", week="tenure_week", value="value")
    first = time_to_threshold(weekly, threshold=10, **kw).set_index("person")
    assert first.loc["a", ["weeks", "reached"]].tolist() == [2, 1]
    assert first.loc["b", ["weeks", "reached"]].tolist() == [3, 0]  # censored at last row
    assert first.loc["c", "days"] == 7
    sustained = time_to_threshold(weekly, threshold=10, sustain_weeks=2, **kw).set_index("person")
    assert sustained.loc["a", "reached"] == 0  # 12 then 8: not sustained
    assert sustained.loc["c", ["weeks", "reached"]].tolist() == [1, 1]
    lower = time_to_threshold(weekly, threshold=5, direction="down", **kw).set_index("person")
    assert lower.loc["a", "weeks"] == 1 and lower.loc["c", "reached"] == 0


def test_kaplan_meier_table_in_details(ramp: pd.DataFrame) -> None:
    result = estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025")
    table = pd.DataFrame(result.details["kaplan_meier"])
    assert set(table["group"]) == {"2024", "2025"}
    assert (table.groupby("group")["survival"].apply(lambda s: s.is_monotonic_decreasing)).all()


# --- edge cases ----------------------------------------------------------------------------


def test_three_cohorts_need_a_reference(ramp: pd.DataFrame) -> None:
    third = simulate(100, seed=2).query("cohort == '2024'").assign(cohort="2023")
    third["employee"] = "old-" + third["employee"]
    data = pd.concat([ramp, third], ignore_index=True)
    with pytest.raises(InvalidInput, match="reference_cohort"):
        estimate_time_to_productivity(data, threshold=90, treated_cohort="2025")
    result = estimate_time_to_productivity(
        data, threshold=90, treated_cohort="2025", reference_cohort="2024"
    )
    assert result.n_treated == 400 and result.n_comparison == 400


def test_bad_options_and_unknown_cohort(ramp: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="'up', 'down'"):
        estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025", direction="x")
    with pytest.raises(InvalidInput, match="'observational', 'randomised'"):
        estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025", assignment="x")
    with pytest.raises(InvalidInput, match="no cohort '2030'"):
        estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2030")


def test_nobody_reaching_the_threshold_is_refused(ramp: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="reached the threshold"):
        estimate_time_to_productivity(ramp, threshold=200, treated_cohort="2025")


# --- how the result may be read, what it holds, and what the fits say ------------------------


def _with_covariates(data: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    people = data["employee"].unique()
    rng = np.random.default_rng(seed)
    department = dict(zip(people, rng.choice(["ops", "sales"], len(people)), strict=True))
    hired = dict(zip(people, rng.uniform(0, 2, len(people)), strict=True))
    return data.assign(
        department=data["employee"].map(department), hire_date=data["employee"].map(hired)
    )


def test_an_adjusted_observational_comparison_says_so(ramp: pd.DataFrame) -> None:
    result = estimate_time_to_productivity(
        _with_covariates(ramp), threshold=90, treated_cohort="2025",
        covariates=["hire_date", "department"],
    )  # fmt: skip
    assert result.causal  # adjusted, like selection on observables...
    assert result.details["assignment"] == "not randomised: adjusted for hire date and department"
    assert result.method_label.endswith("adjusted for hire date and department")
    caveat = [w for w in result.warnings if "not decided by a lottery" in w]
    assert caveat and "nothing unrecorded" in caveat[0]
    assert result.evidence != "strong"  # ...so never more than moderate
    assert result.ci_low <= TRUE_HR <= result.ci_high  # noise covariates change nothing real
    unadjusted = estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025")
    assert unadjusted.details["assignment"] == "not randomised and not adjusted: an association"
    assert unadjusted.evidence == "none"


def test_details_hold_aggregates_not_people(ramp: pd.DataFrame) -> None:
    result = estimate_time_to_productivity(ramp, threshold=90, treated_cohort="2025")
    assert "per_person" not in result.details
    rows = result.details["kaplan_meier"]
    assert {"group", "time", "survival", "at_risk", "events", "censored"} <= set(rows[0])
    assert not any(isinstance(v, str) and v.startswith(("2024-", "2025-")) for r in rows
                   for v in r.values())  # fmt: skip


def test_groups_that_do_not_overlap_in_time_are_refused_in_words() -> None:
    # Every participant reached the standard in week 1, before any comparison hire did: the
    # hazard ratio runs off to infinity (lifelines warns; the old code overflowed).
    weekly = pd.DataFrame(
        {
            "employee": [f"t{i}" for i in range(6) for _ in range(3)]
            + [f"c{i}" for i in range(6) for _ in range(12)],
            "cohort": ["new"] * 18 + ["old"] * 72,
            "tenure_week": [w for _ in range(6) for w in (1, 2, 3)]
            + [w for _ in range(6) for w in range(1, 13)],
        }
    )
    weekly["value"] = np.where(
        (weekly["cohort"] == "new") | (weekly["tenure_week"] >= 8 + weekly.index % 4), 95.0, 80.0
    )
    with pytest.raises(InvalidInput, match="do not overlap in time.*Compare the medians"):
        estimate_time_to_productivity(weekly, threshold=90, treated_cohort="new")


def test_convergence_trouble_becomes_a_warning_on_the_result(ramp: pd.DataFrame) -> None:
    people = ramp["employee"].unique()
    tiny = ramp.assign(seniority=ramp["employee"].isin(people[:5]).astype(float) * 1e-3)
    result = estimate_time_to_productivity(
        tiny, threshold=90, treated_cohort="2025", covariates=["seniority"]
    )
    assert any("trouble converging" in w for w in result.warnings)
    assert result.ci_low <= TRUE_HR <= result.ci_high


def test_only_convergence_warnings_are_caught() -> None:
    import warnings

    from lifelines.exceptions import ConvergenceWarning

    from lodestar.analytics.estimators.ramp_fits import fit_reporting_convergence

    def converging_badly() -> int:
        warnings.warn("norm(delta) is still high", ConvergenceWarning, stacklevel=1)
        return 1

    def overflowing() -> int:
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
        return 2

    assert fit_reporting_convergence(converging_badly) == (1, True)
    with pytest.raises(RuntimeWarning, match="overflow"):  # the suite turns warnings into errors
        fit_reporting_convergence(overflowing)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert fit_reporting_convergence(overflowing) == (2, False)
    assert [w.category for w in seen] == [RuntimeWarning]  # re-issued, not swallowed


# --- R12, R13: public survival data as time to a threshold, against lifelines -----------------
# Values, sources and tolerances: tests/reference/values.toml; the lifelines fits on the
# original columns are tests/reference/scripts/ramp_lifelines.py.


def weekly_rows(frame: pd.DataFrame, duration: str, event: str, group: str) -> pd.DataFrame:
    """Each subject as weekly rows 1..T, value 1 in week T when the event was seen, else 0:
    reaching the threshold 1 is then the event at T, and everyone else is censored at T."""
    weeks = frame[duration].to_numpy(int)
    who = np.repeat(np.arange(len(frame)), weeks)
    week = np.concatenate([np.arange(1, t + 1) for t in weeks])
    seen = frame[event].to_numpy(bool)[who] & (week == weeks[who])
    return pd.DataFrame(
        {
            "employee": who,
            "cohort": frame[group].astype(str).to_numpy()[who],
            "tenure_week": week,
            "value": seen.astype(float),
        }
    )


def test_r12_waltons_medians_and_ratios_match_lifelines() -> None:
    from lifelines.datasets import load_waltons

    ref = reference("R12")
    v, tol = ref["values"], ref["tolerance"]
    weekly = weekly_rows(load_waltons(), "T", "E", "group")
    result = estimate_time_to_productivity(
        weekly, threshold=1.0, treated_cohort="miR-137", assignment="randomised"
    )
    medians = result.details["median_days"]
    assert medians["control"] == pytest.approx(v["median_days_control"], abs=tol["median_abs"])
    assert medians["miR-137"] == pytest.approx(v["median_days_treated"], abs=tol["median_abs"])
    assert result.estimate == pytest.approx(v["hazard_ratio"], rel=tol["rel"])
    assert result.se == pytest.approx(v["log_hazard_ratio_se"], rel=tol["rel"])
    assert result.details["time_ratio"] == pytest.approx(v["time_ratio"], rel=tol["rel"])
    assert (result.n_treated, result.n_comparison) == (34, 129)


def test_r13_rossi_hazard_ratio_of_financial_aid_matches_lifelines() -> None:
    from lifelines.datasets import load_rossi

    rossi = load_rossi()
    rossi["aid"] = np.where(rossi["fin"] == 1, "aid", "no aid")
    v, tol = values("R13"), tolerance("R13")
    result = estimate_time_to_productivity(
        weekly_rows(rossi, "week", "arrest", "aid"),
        threshold=1.0,
        treated_cohort="aid",
        assignment="randomised",
    )
    assert result.details["log_hazard_ratio"] == pytest.approx(v["log_hazard_ratio"], abs=tol)
    assert result.se == pytest.approx(v["se"], abs=tol)
    # Fewer than half were re-arrested in a year: the medians are not reached, and say so.
    assert all(m == float("inf") for m in result.details["median_days"].values())
    assert result.details["median_difference_days"] is None
