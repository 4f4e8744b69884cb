"""A seeded simulation study of the whole engine, through ``estimate_effect`` with design="auto".

400 generated scenarios in four families, each with a known true effect:

- randomised pilots (individual lottery, pre-period KPI as a covariate; and team lotteries);
- staggered adoption (two start cohorts and never-trained people, a common trend);
- selection on observables (participation depends on tenure and rating);
- attrition: a randomised pilot losing 20% of outcomes at random, and a staggered panel with
  20% of person-weeks missing (unbalanced).

For each family the 95% intervals must cover the truth at least 90% of the time and the mean
estimate must be within 10% of the effect. Samples are small so the study runs in seconds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimate import estimate_effect
from lodestar.analytics.results import EffectEstimate

EFFECT = 1.5
REPLICATIONS = 100


def randomised(seed: int) -> EffectEstimate:
    rng = np.random.default_rng(seed)
    if seed % 2:  # individual lottery with the pre-period KPI
        n = 120
        pre = rng.normal(20, 4, n)
        t = rng.permutation(np.arange(n) < n // 2).astype(int)
        post = 2 + 0.9 * pre + EFFECT * t + rng.normal(0, 2, n)
        data = pd.DataFrame({"kpi": post, "pre": pre, "pilot": t})
        return estimate_effect(
            data, outcome="kpi", treatment="pilot", randomised=True, pre_outcome="pre"
        )
    teams, size = 36, 8  # team lottery, analytic CR1 (≥ 30 teams)
    tt = rng.permutation(np.arange(teams) < teams // 2).astype(int)
    team = np.repeat(np.arange(teams), size)
    y = 10 + EFFECT * tt[team] + rng.normal(0, 1, teams)[team] + rng.normal(0, 2, teams * size)
    data = pd.DataFrame({"kpi": y, "pilot": tt[team], "team": team})
    return estimate_effect(data, outcome="kpi", treatment="pilot", cluster="team", randomised=True)


def staggered_panel(seed: int, missing: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n, periods = 90, 6
    cohort = rng.choice([0, 3, 5], size=n)
    rows = pd.DataFrame(
        [(u, t) for u in range(n) for t in range(1, periods + 1)], columns=["id", "week"]
    )
    rows["cohort"] = cohort[rows["id"]]
    on = (rows["cohort"] > 0) & (rows["week"] >= rows["cohort"])
    level = rng.normal(0, 1, n)[rows["id"]] + 0.5 * (rows["cohort"] == 3)[rows.index]
    rows["kpi"] = level + 0.3 * rows["week"] + EFFECT * on + rng.normal(0, 1, len(rows))
    if missing:
        rows = rows[rng.random(len(rows)) >= missing]
    return rows


def staggered(seed: int) -> EffectEstimate:
    return estimate_effect(
        staggered_panel(seed), outcome="kpi", unit="id", time="week", cohort="cohort"
    )


def observables(seed: int) -> EffectEstimate:
    rng = np.random.default_rng(seed)
    n = 400
    tenure = rng.normal(0, 1, n)
    rating = rng.normal(0, 1, n)
    took_part = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * tenure + 0.5 * rating)))).astype(int)
    kpi = 5 + 1.2 * tenure + 0.8 * rating + EFFECT * took_part + rng.normal(0, 1, n)
    data = pd.DataFrame({"kpi": kpi, "took_part": took_part, "tenure": tenure, "rating": rating})
    return estimate_effect(
        data, outcome="kpi", treatment="took_part", covariates=["tenure", "rating"]
    )


def attrition(seed: int) -> EffectEstimate:
    rng = np.random.default_rng(seed)
    if seed % 2:
        return estimate_effect(
            staggered_panel(seed, missing=0.2),
            outcome="kpi",
            unit="id",
            time="week",
            cohort="cohort",
        )
    n = 160
    pre = rng.normal(20, 4, n)
    t = rng.permutation(np.arange(n) < n // 2).astype(int)
    post = 2 + 0.9 * pre + EFFECT * t + rng.normal(0, 2, n)
    post[rng.random(n) < 0.2] = np.nan
    data = pd.DataFrame({"kpi": post, "pre": pre, "pilot": t})
    return estimate_effect(
        data, outcome="kpi", treatment="pilot", randomised=True, pre_outcome="pre"
    )


FAMILIES: dict[str, tuple[Callable[[int], EffectEstimate], set[str]]] = {
    "randomised": (randomised, {"randomised"}),
    "staggered": (staggered, {"staggered"}),
    "selection_on_observables": (observables, {"selection_on_observables"}),
    "attrition": (attrition, {"randomised", "staggered"}),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_covers_the_truth_without_bias(family: str) -> None:
    simulate, designs = FAMILIES[family]
    results = []
    for rep in range(REPLICATIONS):
        est = simulate(10_000 * (1 + sorted(FAMILIES).index(family)) + rep)
        assert est.design in designs and est.causal
        results.append((est.estimate, est.ci_low, est.ci_high))
    arr = np.array(results)
    coverage = float(np.mean((arr[:, 1] <= EFFECT) & (arr[:, 2] >= EFFECT)))
    bias = float(abs(arr[:, 0].mean() - EFFECT))
    width = float(np.mean(arr[:, 2] - arr[:, 1]))
    print(
        f"{family}: coverage {coverage:.3f}, bias {bias:.4f} "
        f"({100 * bias / EFFECT:.1f}%), width {width:.2f}"
    )
    assert coverage >= 0.90
    assert bias < 0.10 * EFFECT
