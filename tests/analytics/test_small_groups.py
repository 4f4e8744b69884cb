"""Small groups, few clusters and few treated units: analysed, flagged and graded, not refused.

- A 50-state roll-out with start cohorts of 1-13 states runs, names its small cohorts with their
  weight, and speaks of states in the right number.
- A difference-in-differences with one treated state: a placebo (randomisation) test and the
  sentence that the estimate rests on one treated unit; graded weak.
- Fewer than 30 clusters: the wild cluster bootstrap (wildboottest via pyfixest) gives the
  p-value and interval; a seeded simulation checks its size against the analytic CRV1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import estimate_effect
from lodestar.analytics.estimators.few_clusters import placebo_test
from lodestar.analytics.small_groups import cohort_weights

SIZES = {3: 1, 4: 2, 5: 3, 6: 5, 7: 8, 8: 13}  # start period -> states (32 treated, 18 never)


def states(effect: float = 1.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cohort = np.concatenate([np.full(n, g) for g, n in SIZES.items()] + [np.zeros(18)])
    rows = pd.DataFrame(
        [(s, t) for s in range(50) for t in range(1, 13)], columns=["state", "year"]
    )
    rows["first_year"] = cohort[rows["state"]]
    on = (rows["first_year"] > 0) & (rows["year"] >= rows["first_year"])
    level = rng.normal(0, 1, 50)[rows["state"]]
    rows["outcome"] = level + 0.1 * rows["year"] + effect * on + rng.normal(0, 0.3, len(rows))
    return rows


def test_fifty_state_rollout_with_cohorts_of_one_to_thirteen_is_analysed() -> None:
    est = estimate_effect(
        states(),
        outcome="outcome",
        unit="state",
        time="year",
        cohort="first_year",
        unit_noun="states",
    )
    assert est.design == "staggered" and est.estimate == pytest.approx(1.0, abs=0.15)
    warning = next(w for w in est.warnings if "fewer than 5 states" in w)
    weights = cohort_weights(est.details)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert f"period 3 (1 state, {100 * weights[3.0]:.0f}% of the weight)" in warning
    assert "period 4 (2 states" in warning and "period 6" not in warning
    small = next(d for d in est.diagnostics if d.name == "small_groups")
    assert small.passed is None and small.value == pytest.approx(
        weights[3.0] + weights[4.0] + weights[5.0]
    )
    assert est.evidence in ("moderate", "weak") and est.evidence != "strong"
    text = est.summary()
    assert "the 32 states that took part" in text
    assert "similar states that never took part" in text and "people" not in text


def test_cohort_weights_follow_the_simple_aggregation() -> None:
    est = estimate_effect(
        states(), outcome="outcome", unit="state", time="year", cohort="first_year"
    )
    cells = pd.DataFrame(est.details["group_time"])
    post = cells[cells["period"] >= cells["cohort"]]
    sizes = {float(k): v for k, v in est.details["cohort_sizes"].items()}
    w = post["cohort"].map(sizes)
    assert float((w * post["estimate"]).sum() / w.sum()) == pytest.approx(est.estimate, abs=1e-9)


def one_treated_state(seed: int, effect: float = 0.0, n_states: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = pd.DataFrame(
        [(s, t) for s in range(n_states) for t in range(1, 9)], columns=["state", "year"]
    )
    rows["treated"] = ((rows["state"] == 0) & (rows["year"] >= 5)).astype(int)
    shock = rng.normal(0, 1, (n_states, 8))[rows["state"], rows["year"] - 1]
    rows["outcome"] = rng.normal(0, 1, n_states)[rows["state"]] + effect * rows["treated"] + shock
    return rows


def test_one_treated_unit_gets_a_placebo_test_and_is_graded_weak() -> None:
    est = estimate_effect(
        one_treated_state(0, effect=3.0),
        outcome="outcome",
        unit="state",
        time="year",
        treatment="treated",
        unit_noun="states",
    )
    assert est.design == "did" and est.n_treated == 1
    placebo = est.details["placebo"]
    assert placebo["n_placebos"] == 19 and placebo["n_treated_clusters"] == 1
    assert est.p_value == pytest.approx(placebo["p_value"]) and est.p_value >= 1 / 20
    assert any("rests on 1 treated state" in w for w in est.warnings)
    assert {d.name: d.passed for d in est.diagnostics}["few_treated"] is False
    assert est.evidence == "weak"
    assert "the 1 state that took part" in est.summary()
    # The interval is the placebo test inverted: with 19 placebos and 95%, every effect within
    # the largest placebo contrast of the estimate; p-values move in steps of 1/20.
    widest = max(abs(p) for p in placebo["placebos"])
    assert (est.ci_low, est.ci_high) == pytest.approx(
        (placebo["statistic"] - widest, placebo["statistic"] + widest)
    )
    assert placebo["ci"] == [est.ci_low, est.ci_high] and placebo["p_value_step"] == 0.05
    assert any("steps of 0.050, so this interval is coarse" in w for w in est.warnings)


def _placebo_frame(seed: int, effect: float = 0.0, n_states: int = 20) -> pd.DataFrame:
    return (
        one_treated_state(seed, effect, n_states)
        .rename(columns={"state": "unit", "outcome": "y", "year": "time"})
        .assign(cohort=lambda d: np.where(d["unit"] == 0, 5.0, np.inf))
    )


def test_the_inverted_placebo_interval_covers_the_effect_95_percent_of_the_time() -> None:
    covered = 0
    for seed in range(300):
        test = placebo_test(_placebo_frame(seed, effect=3.0), cluster="unit", start=5)
        interval = test.interval(0.95)
        assert interval is not None
        covered += interval[0] <= 3.0 <= interval[1]
    assert covered / 300 == pytest.approx(0.95, abs=0.035)  # exact 0.95 under exchangeability


def test_too_few_comparison_units_rule_out_no_effect_size_and_say_so() -> None:
    test = placebo_test(_placebo_frame(1, effect=3.0, n_states=11), cluster="unit", start=5)
    assert len(test.placebos) == 10 and test.p_value_step == pytest.approx(1 / 11)
    assert test.interval(0.95) is None  # the smallest p-value, 1/11, is above 0.05
    assert test.interval(0.80) is not None
    est = estimate_effect(
        one_treated_state(1, effect=3.0, n_states=11),
        outcome="outcome",
        unit="state",
        time="year",
        treatment="treated",
        unit_noun="states",
    )
    assert est.details["placebo"]["ci"] is None
    assert any("cannot rule out any effect size" in w for w in est.warnings)


def test_placebo_p_values_are_uniform_under_no_effect() -> None:
    p = [placebo_test(_placebo_frame(seed), cluster="unit", start=5).p_value for seed in range(200)]
    assert np.mean(np.array(p) <= 0.10) == pytest.approx(0.10, abs=0.06)


def few_clusters(seed: int, effect: float = 0.0) -> pd.DataFrame:
    """12 teams of 6 people, 4 teams treated from week 4; team shocks each week."""
    rng = np.random.default_rng(seed)
    rows = pd.DataFrame(
        [(i, t) for i in range(72) for t in range(1, 7)], columns=["person", "week"]
    )
    rows["team"] = rows["person"] // 6
    rows["trained"] = ((rows["team"] < 4) & (rows["week"] >= 4)).astype(int)
    team_week = rng.normal(0, 1, (12, 6))[rows["team"], rows["week"] - 1]
    rows["kpi"] = rng.normal(0, 1, 72)[rows["person"]] + team_week + effect * rows["trained"]
    rows["kpi"] += rng.normal(0, 0.5, len(rows))
    return rows


def test_few_clusters_use_the_wild_cluster_bootstrap() -> None:
    est = estimate_effect(
        few_clusters(1, effect=2.0),
        outcome="kpi",
        unit="person",
        time="week",
        treatment="trained",
        cluster="team",
    )
    wb = est.details["wild_bootstrap"]
    assert wb["n_clusters"] == 12 and wb["weights"] == "rademacher"
    assert [est.ci_low, est.ci_high] == wb["ci"] and est.p_value == wb["p_value"]
    assert est.ci_low < est.estimate < est.ci_high
    assert any("wild cluster bootstrap" in w for w in est.warnings)
    assert "wild cluster bootstrap" in est.method_label
