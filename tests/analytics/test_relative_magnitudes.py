"""Honest DiD under relative magnitudes (Rambachan & Roth's C-LF hybrid), checked four ways.

- Published numbers (tests/reference/values.toml): the HonestDiD README's Medicaid example, first
  year (R14, to 5e-4; HonestDiD's own grid step there is about 4e-4) with its breakdown value, and
  the Stata README's average effect (R15, printed to three decimals, to 1e-3).
- The closed-form vertices against the linear program they replace (scipy's HiGHS), and the
  fast least-favourable simulation against the plain matrix product.
- A seeded coverage simulation: when trends stay parallel after the start, the interval at
  M̄ = 0 covers the true effect in about 95% of samples.
- Opt-in (``LODESTAR_SLOW_REFERENCE=1``, minutes): the same intervals as moderndid's port of
  HonestDiD (``create_sensitivity_results_rm``, a grid of 1,000 with linear programs).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from medicaid import medicaid_event_study
from scipy.optimize import linprog
from tests.reference import tolerance, values

from lodestar.analytics.sensitivity import relative_magnitudes as rm_module
from lodestar.analytics.sensitivity.arp import hybrid_test, normal_draws, quantile, tail_quantile
from lodestar.analytics.sensitivity.honest_did import EventStudy
from lodestar.analytics.sensitivity.relative_magnitudes import (
    Pieces,
    identified_set,
    relative_magnitudes,
)
from lodestar.errors import InvalidInput


@pytest.fixture(scope="module")
def medicaid() -> EventStudy:
    return medicaid_event_study()


def test_first_year_intervals_and_breakdown_match_the_honestdid_readme(
    medicaid: EventStudy,
) -> None:
    ref, tol = values("R14"), tolerance("R14")
    rm = relative_magnitudes(medicaid, m_bar=ref["m_bar"], l_vec=[1.0, 0.0])
    np.testing.assert_allclose(rm.ci_low, ref["ci_low"], atol=tol, rtol=0)
    np.testing.assert_allclose(rm.ci_high, ref["ci_high"], atol=tol, rtol=0)
    # Published: the first M-bar of the grid (step 0.5) whose interval includes zero is 2.
    step, published = ref["breakdown_m_bar_step"], ref["breakdown"]
    assert rm.breakdown is not None
    assert published - step < rm.breakdown <= published
    at = dict(zip(rm.m_bar, zip(rm.ci_low, rm.ci_high, strict=True), strict=True))
    assert at[published][0] <= 0 <= at[published][1] and at[published - step][0] > 0


def test_average_effect_matches_the_stata_readme(medicaid: EventStudy) -> None:
    ref, tol = values("R15"), tolerance("R15")
    rm = relative_magnitudes(medicaid, m_bar=ref["m_bar"], l_vec=[0.5, 0.5], breakdown=False)
    np.testing.assert_allclose(rm.ci_low, ref["ci_low"], atol=tol, rtol=0)
    np.testing.assert_allclose(rm.ci_high, ref["ci_high"], atol=tol, rtol=0)
    assert rm.breakdown is None


def test_identified_set_equals_honestdid(medicaid: EventStudy) -> None:
    from moderndid.didhonest import compute_identified_set_rm

    for l_vec in (np.array([1.0, 0.0]), np.array([0.5, 0.5])):
        for m_bar in (0.5, 1.0, 2.0):
            lo, hi = identified_set(medicaid, m_bar, l_vec)
            ref = compute_identified_set_rm(m_bar, medicaid.estimates, l_vec, 5, 2)
            assert lo == pytest.approx(float(ref.id_lb), abs=1e-10)
            assert hi == pytest.approx(float(ref.id_ub), abs=1e-10)


def _lp_statistic(y: np.ndarray, x: np.ndarray, sd: np.ndarray) -> float:
    """η̂ = min η s.t. y − X ξ ≤ η σ, by linear programming (HonestDiD's .test_delta_lp_fn)."""
    n_x = x.shape[1]
    res = linprog(
        c=np.r_[1.0, np.zeros(n_x)],
        A_ub=-np.column_stack([sd, x]),
        b_ub=-y,
        bounds=[(None, None)] * (1 + n_x),
        method="highs",
    )
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize("l_vec", [[1.0, 0.0], [0.5, 0.5], [0.2, 0.3, 0.5]])
def test_vertices_give_the_linear_programs_value(l_vec: list[float]) -> None:
    rng = np.random.default_rng(4)
    n_pre, n_post = 3, len(l_vec)
    n = n_pre + n_post
    root = rng.normal(size=(n, n))
    study = EventStudy(
        (*range(-(n_pre + 1), -1), *range(n_post)), rng.normal(0, 0.3, n), root @ root.T / n
    )
    lv = np.asarray(l_vec)
    pieces = Pieces(study, lv, normal_draws(study.vcov, sims=2_000), alpha=0.05)
    # Γ with l' as its first row, as in HonestDiD's .construct_Gamma; X = A_post Γ⁻¹ without
    # its first column, a = its first column.
    gamma = np.vstack([lv, np.eye(n_post)[1:]])
    gamma_inv = np.linalg.inv(gamma)
    for m_bar, s, sign in ((0.5, 0, 1.0), (1.0, 2, -1.0), (2.0, 1, 1.0)):
        moments = pieces.moments(m_bar, s, sign)
        test = pieces.test(m_bar, s, sign)
        a_post = moments[:, n_pre:] @ gamma_inv
        sd = np.sqrt(np.diag(moments @ study.vcov @ moments.T))
        thetas = np.array([-1.0, 0.0, 0.4, 2.0])
        for theta, eta in zip(thetas, test.statistic(thetas), strict=True):
            y = moments @ study.estimates - a_post[:, 0] * theta
            assert eta == pytest.approx(_lp_statistic(y, a_post[:, 1:], sd), abs=1e-9)


def test_fast_simulation_equals_the_matrix_product(medicaid: EventStudy) -> None:
    lv = np.array([0.5, 0.5])
    draws = normal_draws(medicaid.vcov, sims=5_000)
    pieces = Pieces(medicaid, lv, draws, alpha=0.05)
    for m_bar in (0.0, 1.0, 2.5):
        for s in range(medicaid.n_pre):
            for sign in (1.0, -1.0):
                fast = pieces.test(m_bar, s, sign)
                plain = hybrid_test(
                    pieces.moments(m_bar, s, sign),
                    medicaid.estimates,
                    medicaid.vcov,
                    pieces.rays,
                    pieces.slopes,
                    alpha=0.05,
                    draws=draws,
                )
                assert fast.lf_cv == pytest.approx(plain.lf_cv, rel=1e-12)


def test_quantile_from_the_largest_values_is_the_quantile_of_all() -> None:
    x = np.random.default_rng(2).standard_normal(10_000)
    order = np.sort(x)
    for kept in (60, 600):
        top, below = order[-kept:], order[-kept - 1]
        assert tail_quantile(top, 0.995, size=x.size, below=below) == quantile(x, 0.995)
        assert np.quantile(x, 0.995) == pytest.approx(quantile(x, 0.995), rel=1e-15)
    # Not settled: a value left out could reach the quantile, or too few values were kept.
    assert tail_quantile(order[-60:], 0.995, size=x.size, below=order[-50]) is None
    assert tail_quantile(order[-40:], 0.995, size=x.size, below=order[-41]) is None


def test_critical_values_come_from_the_tail_of_the_draws(
    medicaid: EventStudy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With 100,000 draws every least-favourable critical value is found from the draws farthest
    # from zero (the quantile over all of them is never needed), and equals the plain product's.
    draws = normal_draws(medicaid.vcov)
    pieces = Pieces(medicaid, np.array([1.0, 0.0]), draws, alpha=0.05)
    tests = [
        (pieces.moments(m_bar, s, sign), pieces.test(m_bar, s, sign))
        for m_bar in (0.0, 0.5, 2.0, 7.0)
        for s in range(medicaid.n_pre)
        for sign in (1.0, -1.0)
    ]

    def every_draw(x: np.ndarray, p: float) -> float:
        raise AssertionError("the critical value was computed from every draw")

    with monkeypatch.context() as patch:
        patch.setattr(rm_module, "quantile", every_draw)
        fast = [test.lf_cv for _, test in tests]
    for (moments, _), value in zip(tests, fast, strict=True):
        plain = hybrid_test(
            moments,
            medicaid.estimates,
            medicaid.vcov,
            pieces.rays,
            pieces.slopes,
            alpha=0.05,
            draws=draws,
        )
        assert value == pytest.approx(plain.lf_cv, rel=1e-12)


def test_coverage_when_trends_stay_parallel_after_the_start() -> None:
    # A wobbly trend difference before the start and none after it: Δ^RM(0) holds exactly, so
    # the interval at M̄ = 0 should cover the true average effect in about 95% of samples (an
    # interval that is too narrow falls short, a conservative one covers nearly always).
    delta = np.array([0.0, 0.03, -0.02, 0.0, 0.0, 0.0, 0.0])  # periods -5..-2, 0..2
    tau = np.array([0.2, 0.3, 0.4])
    rng = np.random.default_rng(11)
    root = rng.normal(size=(7, 7)) * 0.02
    vcov = root @ root.T + np.eye(7) * 0.02**2
    chol = np.linalg.cholesky(vcov)
    runs, covered = 200, 0
    for _ in range(runs):
        est = delta + np.r_[np.zeros(4), tau] + chol @ rng.normal(size=7)
        study = EventStudy((-5, -4, -3, -2, 0, 1, 2), est, vcov)
        rm = relative_magnitudes(study, m_bar=(0.0,), breakdown=False, simulations=5_000)
        covered += rm.ci_low[0] <= tau.mean() <= rm.ci_high[0]
    assert 0.90 <= covered / runs <= 0.99  # nominal 0.95; one run's SE is about 0.015


def test_one_period_after_the_start_and_one_before() -> None:
    study = EventStudy((-3, -2, 0), np.array([0.01, -0.02, 0.3]), np.diag([0.01, 0.01, 0.02]))
    rm = relative_magnitudes(study, m_bar=(0.0, 1.0, 2.0))
    assert all(lo < 0.3 < hi for lo, hi in zip(rm.ci_low, rm.ci_high, strict=True))
    assert rm.ci_high[2] - rm.ci_low[2] > rm.ci_high[0] - rm.ci_low[0]
    single = EventStudy((-2, 0, 1), np.array([0.01, 0.4, 0.5]), np.diag([0.01, 0.02, 0.02]))
    rm1 = relative_magnitudes(single, m_bar=(0.0, 1.0))
    assert rm1.breakdown is not None and rm1.breakdown > 1
    assert rm1.ci_low[1] < rm1.ci_low[0] < 0.45 < rm1.ci_high[0] < rm1.ci_high[1]


def test_bad_input_is_refused_in_words(medicaid: EventStudy) -> None:
    with pytest.raises(InvalidInput, match="l_vec"):
        relative_magnitudes(medicaid, l_vec=[1.0])
    with pytest.raises(InvalidInput, match="M-bar"):
        relative_magnitudes(medicaid, m_bar=(-1.0,))
    with pytest.raises(InvalidInput, match="confidence"):
        relative_magnitudes(medicaid, confidence=1.5)


@pytest.mark.skipif(
    not os.environ.get("LODESTAR_SLOW_REFERENCE"),
    reason="minutes: set LODESTAR_SLOW_REFERENCE=1 to compare with moderndid's HonestDiD port",
)
def test_same_intervals_as_moderndid(medicaid: EventStudy) -> None:
    from moderndid.didhonest import create_sensitivity_results_rm

    m_bar = [0.5, 1.0, 1.5, 2.0]
    for l_vec in ([1.0, 0.0], [0.5, 0.5]):
        ours = relative_magnitudes(medicaid, m_bar=m_bar, l_vec=l_vec, breakdown=False)
        theirs = create_sensitivity_results_rm(
            betahat=medicaid.estimates,
            sigma=medicaid.vcov,
            num_pre_periods=5,
            num_post_periods=2,
            m_bar_vec=np.asarray(m_bar),
            l_vec=np.asarray(l_vec),
        )
        # moderndid steps through a grid of 1,000 (about 4e-4 apart) with a least-favourable
        # critical value from 1,000 draws; the ends agree to that resolution.
        np.testing.assert_allclose(ours.ci_low, theirs["lb"].to_numpy(), atol=1e-3, rtol=0)
        np.testing.assert_allclose(ours.ci_high, theirs["ub"].to_numpy(), atol=1e-3, rtol=0)
