"""Randomised pilot: seeded simulations with known truth, randomisation inference, edge cases.

Reference values for the NSW experiment (R1, R2) are in test_reference_nsw.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimators.randomised import estimate_randomised
from lodestar.analytics.randomisation import randomisation_inference
from lodestar.analytics.results import OutcomeInfo
from lodestar.errors import InvalidInput

EFFECT = 2.0


def individual_pilot(seed: int, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pre = rng.normal(50, 10, n)
    treated = rng.permutation(np.r_[np.ones(n // 2), np.zeros(n - n // 2)])
    post = 5 + 0.9 * pre + EFFECT * treated + rng.normal(0, 4 + 2 * treated, n)
    return pd.DataFrame({"post": post, "pre": pre, "treated": treated})


def team_pilot(seed: int, teams: int, size: int = 10, effect: float = EFFECT) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    team_treated = rng.permutation(np.arange(teams) < teams // 2).astype(float)
    team = np.repeat(np.arange(teams), size)
    y = 10 + effect * team_treated[team] + rng.normal(0, 1.5, teams)[team]
    y = y + rng.normal(0, 3, teams * size)
    return pd.DataFrame({"y": y, "treated": team_treated[team], "team": team})


def _coverage_and_bias(estimates: list[tuple[float, float, float]]) -> tuple[float, float]:
    arr = np.array(estimates)
    cover = np.mean((arr[:, 1] <= EFFECT) & (arr[:, 2] >= EFFECT))
    bias = abs(arr[:, 0].mean() - EFFECT)
    return float(cover), float(bias)


@pytest.mark.parametrize("adjust", [False, True])
def test_individual_pilot_covers_the_truth(adjust: bool) -> None:
    results = []
    for seed in range(200):
        est = estimate_randomised(
            individual_pilot(seed),
            outcome="post",
            treatment="treated",
            pre_outcome="pre" if adjust else None,
        )
        results.append((est.estimate, est.ci_low, est.ci_high))
    cover, bias = _coverage_and_bias(results)
    assert cover >= 0.90
    assert bias < 0.10 * EFFECT


def test_adjusting_for_the_pre_period_sharpens_the_estimate() -> None:
    data = individual_pilot(1)
    raw = estimate_randomised(data, outcome="post", treatment="treated")
    ancova = estimate_randomised(data, outcome="post", treatment="treated", pre_outcome="pre")
    assert ancova.method == "ancova" and raw.method == "difference_in_means"
    assert ancova.se < 0.6 * raw.se
    assert ancova.baseline == pytest.approx(data.loc[data.treated == 1, "pre"].mean())


def test_team_assignment_with_many_teams_uses_cluster_robust_errors() -> None:
    results = []
    for seed in range(200):
        est = estimate_randomised(
            team_pilot(seed, teams=40), outcome="y", treatment="treated", cluster="team"
        )
        assert est.details["se_type"] == "CR1" and est.details["inference"] == "analytic"
        results.append((est.estimate, est.ci_low, est.ci_high))
    cover, bias = _coverage_and_bias(results)
    assert cover >= 0.90
    assert bias < 0.10 * EFFECT
    assert est.n_clusters == 40 and est.warnings == ()


def test_few_teams_switch_to_randomisation_inference() -> None:
    results, null_p = [], []
    for seed in range(100):
        est = estimate_randomised(
            team_pilot(seed, teams=12), outcome="y", treatment="treated", cluster="team"
        )
        assert est.details["inference"] == "randomisation"
        assert est.details["randomisation"]["exact"]  # 924 possible lotteries, all enumerated
        results.append((est.estimate, est.ci_low, est.ci_high))
        null = estimate_randomised(
            team_pilot(seed + 1000, teams=12, effect=0.0),
            outcome="y",
            treatment="treated",
            cluster="team",
        )
        null_p.append(null.p_value)
    cover, bias = _coverage_and_bias(results)
    assert cover >= 0.90
    assert bias < 0.10 * EFFECT
    assert np.mean(np.array(null_p) < 0.05) <= 0.10  # size of the test under no effect
    assert any("randomisation inference" in w for w in est.warnings)


def test_randomisation_p_value_agrees_with_pyfixest_ritest() -> None:
    pf = pytest.importorskip("pyfixest")
    rng = np.random.default_rng(0)
    data = team_pilot(3, teams=20, effect=0.8)
    data["x"] = rng.normal(size=len(data))
    fit = pf.feols("y ~ treated + x", data=data, vcov={"CRV1": "team"})
    theirs = fit.ritest("treated", cluster="team", reps=400, rng=np.random.default_rng(1))
    ours = estimate_randomised(
        data, outcome="y", treatment="treated", covariates=["x"], cluster="team", ri_reps=4000
    )
    assert ours.estimate == pytest.approx(float(theirs["Estimate"]), rel=1e-9)
    # Monte Carlo error of 400 draws at p ~ 0.2 is about 0.02
    assert ours.p_value == pytest.approx(float(theirs["Pr(>|t|)"]), abs=0.06)


def test_stratified_redraws_keep_each_stratum_count() -> None:
    rng = np.random.default_rng(5)
    n = 40
    strata = np.repeat([0, 1], n // 2)
    t = np.r_[np.ones(5), np.zeros(15), np.ones(15), np.zeros(5)]
    y = 3 * strata + 1.0 * t + rng.normal(size=n)
    z = np.column_stack([np.ones(n), strata.astype(float)])
    ri = randomisation_inference(y, t, z, strata=strata, reps=500, seed=1)
    assert ri.draws == 500 and not ri.exact
    assert ri.ci_low < ri.estimate < ri.ci_high
    frame = pd.DataFrame({"y": y, "t": t, "s": strata})
    est = estimate_randomised(
        frame,
        outcome="y",
        treatment="t",
        strata=["s"],
        inference="randomisation",
        ri_reps=500,
        seed=1,
    )
    assert est.p_value == pytest.approx(ri.p_value)


def test_too_few_teams_to_ever_be_significant() -> None:
    data = team_pilot(0, teams=6)
    est = estimate_randomised(data, outcome="y", treatment="treated", cluster="team")
    assert est.details["randomisation"]["draws"] == 20
    assert est.details["randomisation"]["min_p_value"] == pytest.approx(0.1)
    assert est.ci_low == -np.inf and est.ci_high == np.inf
    assert any("too few possible lotteries" in w for w in est.warnings)
    assert est.evidence == "weak"


def test_differential_attrition_is_flagged() -> None:
    data = individual_pilot(2, n=200)
    lost = data.index[(data.treated == 1)][:30]
    data.loc[lost, "post"] = np.nan
    est = estimate_randomised(
        data, outcome="post", treatment="treated", info=OutcomeInfo("sales", "EUR", "up")
    )
    attrition = next(d for d in est.diagnostics if d.name == "attrition")
    assert attrition.passed is False
    assert est.details["rows_dropped"] == 30
    assert est.evidence == "weak"


@pytest.mark.parametrize(
    ("change", "kwargs", "fragment"),
    [
        (lambda d: d.assign(treated=d.treated * 2), {}, "must hold 1 for participants"),
        (lambda d: d.assign(treated=1.0), {}, "no comparison group"),
        (lambda d: d.head(6), {}, "at least 5"),
        (lambda d: d, {"se": "HC9"}, "'HC2', 'classical'"),
        (lambda d: d, {"inference": "bootstrap"}, "'auto', 'analytic', 'randomisation'"),
        (lambda d: d, {"covariates": ["tenure"]}, "no column named 'tenure'"),
    ],
)
def test_bad_inputs(change: object, kwargs: dict[str, object], fragment: str) -> None:
    data = change(individual_pilot(0))  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=fragment):
        estimate_randomised(data, outcome="post", treatment="treated", **kwargs)  # type: ignore[arg-type]


def test_treatment_varying_within_team_is_refused() -> None:
    data = team_pilot(0, teams=10)
    data.loc[0, "treated"] = 1 - data.loc[0, "treated"]
    with pytest.raises(InvalidInput, match="varies within some 'team' groups"):
        estimate_randomised(data, outcome="y", treatment="treated", cluster="team")
