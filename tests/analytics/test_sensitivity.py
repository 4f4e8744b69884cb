"""Sensitivity analysis against published figures (tests/reference/sensitivity_published.json).

- Honest DiD on the HonestDiD README's Medicaid example: the smoothness FLCI (moderndid)
  matches the published one to 2e-4 (published to 3 figures); relative magnitudes are checked
  in test_relative_magnitudes.py.
- E-value: VanderWeele & Ding (2017) 3.9 (1.8-8.7) -> 7.26 and 3.0, to 0.005.
- Robustness value and the 1x-female benchmark: Cinelli & Hazlett's Darfur example, to 5e-5.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from medicaid import medicaid_event_study

from lodestar.analytics.evidence import fragile_result
from lodestar.analytics.results import EffectEstimate
from lodestar.analytics.sensitivity import add_sensitivity, honest_did, relative_magnitudes
from lodestar.analytics.sensitivity.confounding import (
    confounder_bounds,
    covariate_benchmarks,
    e_value,
    e_value_interval,
    partial_r2,
    risk_ratio_from_d,
    robustness_value,
)
from lodestar.analytics.sensitivity.words import honest_did_sentence
from lodestar.errors import InvalidInput

PUBLISHED = json.loads(
    (Path(__file__).parents[1] / "reference" / "sensitivity_published.json").read_text()
)


@pytest.fixture(scope="module")
def medicaid() -> honest_did.EventStudy:
    return medicaid_event_study()


def test_smoothness_flci_matches_published(medicaid: honest_did.EventStudy) -> None:
    pub = PUBLISHED["honest_did_medicaid"]["smoothness_first_period_FLCI"]
    got = honest_did.smoothness_flci(medicaid, m=pub["m"][:3], l_vec=[1.0, 0.0])
    for (_, lo, hi), plo, phi in zip(got, pub["lb"], pub["ub"], strict=False):
        assert lo == pytest.approx(plo, abs=2e-4)
        assert hi == pytest.approx(phi, abs=2e-4)


def test_varying_base_event_study_becomes_universal() -> None:
    # Short differences v_{-3}, v_{-2}, v_{-1} chain into differences from period -1.
    details = {
        "event_study_base": "varying",
        "event_study": [
            {"event_time": e, "estimate": b} for e, b in ((-3, 0.1), (-2, 0.2), (-1, 0.3), (0, 1.0))
        ],
        "event_study_vcov": np.diag([0.01, 0.02, 0.03, 0.04]).tolist(),
    }
    study = honest_did.event_study_from_details(details)
    assert study is not None
    assert study.event_times == (-4, -3, -2, 0)
    np.testing.assert_allclose(study.estimates, [-0.6, -0.5, -0.3, 1.0])
    assert study.vcov[0, 0] == pytest.approx(0.06)  # var(v1 + v2 + v3)
    assert study.vcov[2, 2] == pytest.approx(0.03)
    # A gap in the pre-start event times cannot be chained: no study rather than a wrong one.
    details["event_study"] = [details["event_study"][i] for i in (0, 2, 3)]
    details["event_study_vcov"] = np.diag([0.01, 0.03, 0.04]).tolist()
    assert honest_did.event_study_from_details(details) is None


def test_e_value_published_example() -> None:
    pub = PUBLISHED["e_value_vanderweele_ding_2017"]
    assert e_value(pub["rr"]) == pytest.approx(pub["e_value"], abs=0.005)
    assert e_value_interval(pub["ci_low"], pub["ci_high"]) == pytest.approx(
        pub["e_value_ci"], abs=0.005
    )
    assert e_value(1 / pub["rr"]) == pytest.approx(pub["e_value"], abs=0.005)  # protective
    assert e_value_interval(0.8, 1.3) == 1.0
    assert risk_ratio_from_d(0.5) == pytest.approx(math.exp(0.455))
    with pytest.raises(InvalidInput):
        e_value(-1.0)


def test_robustness_value_darfur() -> None:
    pub = PUBLISHED["robustness_value_darfur"]
    assert robustness_value(pub["t"], pub["dof"]) == pytest.approx(pub["rv_q1"], abs=5e-5)
    assert robustness_value(pub["t"], pub["dof"], alpha=0.05) == pytest.approx(
        pub["rv_q1_alpha05"], abs=5e-5
    )
    assert partial_r2(pub["t"], pub["dof"]) == pytest.approx(
        pub["partial_r2_treatment_outcome"], abs=5e-5
    )
    r2dz, r2yz = confounder_bounds(
        partial_r2(pub["female_t_treatment"], pub["dof"]),
        partial_r2(pub["female_t_outcome"], pub["dof"]),
    )
    assert r2dz == pytest.approx(pub["bound_1x_female"]["r2dz_x"], abs=5e-5)
    assert r2yz == pytest.approx(pub["bound_1x_female"]["r2yz_dx"], abs=5e-5)
    assert robustness_value(0.5, 783, alpha=0.05) == 0.0


def _observational(seed: int, confounder: float) -> tuple[EffectEstimate, pd.DataFrame]:
    from lodestar.analytics.estimate import estimate_effect

    rng = np.random.default_rng(seed)
    n = 800
    tenure, rating, hidden = rng.normal(size=(3, n))
    take = rng.random(n) < 1 / (1 + np.exp(-(0.8 * tenure + 0.4 * rating + confounder * hidden)))
    y = 10 + tenure + 0.5 * rating + 1.0 * take + confounder * hidden + rng.normal(0, 1, n)
    data = pd.DataFrame(
        {"kpi": y, "took_part": take.astype(int), "tenure": tenure, "rating": rating}
    )
    est = estimate_effect(
        data, outcome="kpi", treatment="took_part", covariates=["tenure", "rating"]
    )
    return est, data


def test_confounding_sentence_names_the_strongest_covariate() -> None:
    est, data = _observational(3, confounder=0.0)
    sens = est.sensitivity
    assert sens is not None and sens.kind == "unmeasured_confounding"
    assert sens.robust is True and est.evidence == "strong"
    assert "risk ratio of" in est.summary() and "tenure, the strongest measured factor" in (
        est.summary()
    )
    strengths = covariate_benchmarks(
        data[["tenure", "rating"]],
        data["took_part"].to_numpy(),
        data["kpi"].to_numpy(),
        estimate=est.estimate,
        se=est.se,
    )
    assert strengths[0].name == "tenure"  # the most damaging benchmark first
    assert sens.data["robustness_value_alpha"] < sens.data["robustness_value"]


def test_randomised_and_naive_results_get_no_sensitivity() -> None:
    est, data = _observational(3, confounder=0.0)
    assert (
        add_sensitivity(dataclass_replace(est, design="randomised", sensitivity=None)).sensitivity
        is None
    )
    naive = dataclass_replace(est, causal=False, sensitivity=None)
    assert (
        add_sensitivity(
            naive, data, outcome="kpi", treatment="took_part", covariates=["tenure"]
        ).sensitivity
        is None
    )


def dataclass_replace(est: EffectEstimate, **changes: object) -> EffectEstimate:
    import dataclasses

    return dataclasses.replace(est, **changes)  # type: ignore[arg-type]


def test_window_keeps_the_periods_nearest_the_start() -> None:
    times = [*range(-12, -1), *range(10)]  # 11 pre-start coefficients, 10 after the start
    details = {
        "event_study": [{"event_time": e, "estimate": 0.01 * e} for e in times],
        "event_study_vcov": np.eye(len(times)).tolist(),
    }
    study = honest_did.event_study_from_details(details, window=3)
    assert study is not None
    assert study.event_times == (-4, -3, -2, 0, 1, 2)  # three changes before, three periods after
    assert study.n_pre == 3 and study.n_post == 3


def _rm(breakdown: float | None) -> relative_magnitudes.RelativeMagnitudes:
    return relative_magnitudes.RelativeMagnitudes(
        estimate=1.6,
        se=1.4,
        m_bar=(0.0, 0.5, 1.0),
        ci_low=(-1.2, -15.7, -32.8),
        ci_high=(4.4, 19.5, 36.6),
        breakdown=breakdown,
        largest_pre_change=1.0,
        post_factor=1.0,
        confidence=0.95,
    )


def test_honest_did_sentence_names_the_robust_interval_when_the_headline_is_clear() -> None:
    """A headline interval clear of zero with a robust one at M̄ = 0 that is not: the sentence
    gives the robust interval and its numbers, never "the interval already includes no
    effect", which would contradict the headline CI shown beside it."""
    clear = honest_did_sentence(
        _rm(None), outcome="conversion", horizon=8, unit="pp", headline_includes_zero=False
    )
    assert "already includes no effect" not in clear
    assert "allowing for differences in trends" in clear
    assert "−1.2 to 4.4 points" in clear and "(M̄ = 0)" in clear
    assert "first 8 periods after the start" in clear and "fragile" in clear
    null = honest_did_sentence(_rm(None), outcome="conversion", headline_includes_zero=True)
    assert "confidence interval already includes no effect" in null


def test_fragile_when_the_robust_interval_at_zero_includes_no_effect() -> None:
    warning = fragile_result(False, "honest_did", breakdown=None)
    assert warning is not None and "even with no break in trends" in warning
    assert fragile_result(None, "honest_did", breakdown=None) is None


def test_an_overflowing_sensitivity_figure_is_dropped_with_a_warning() -> None:
    """An estimate of 1e15 KPI units (an outlier in every participant's values) overflows the
    E-value's risk ratio: the result stands without the figure, says why, and is not strong."""
    est, data = _observational(3, confounder=0.0)
    huge = dataclass_replace(
        est, estimate=1e15, se=0.5, ci_low=1e15 - 1, ci_high=1e15 + 1, sensitivity=None
    )
    out = add_sensitivity(
        huge, data, outcome="kpi", treatment="took_part", covariates=["tenure", "rating"]
    )
    assert out.sensitivity is None and out.estimate == 1e15
    assert any("sensitivity analysis could not be computed" in w for w in out.warnings)
    assert out.evidence != "strong"


def test_a_covariate_explaining_all_of_the_outcome_caps_the_bound() -> None:
    """A partial R² of 1 with the outcome (a flat or exactly fitted outcome) used to divide by
    zero; the confounder's partial R² cannot exceed 1."""
    r2dz, r2yz = confounder_bounds(0.1, 1.0)
    assert r2yz == 1.0 and 0 < r2dz < 1
