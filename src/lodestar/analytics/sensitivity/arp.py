"""The conditional and hybrid tests of Andrews, Roth & Pakes for moment inequalities with linear
nuisance parameters, vectorised over the value θ being tested.

The null hypothesis for one value θ is that some nuisance ξ makes every moment non-positive in
expectation: ``E[Y(θ)] − X ξ ≤ 0`` with ``Y(θ) = A β̂ − a θ ~ N(μ, Σ_Y)``, ``Σ_Y = A Σ A'``. The
statistic is the linear program ``η̂ = min η  s.t.  Y − X ξ ≤ η σ`` (σ the moments' standard
deviations), whose dual is ``max γ'Y`` over ``{γ ≥ 0, X'γ = 0, σ'γ = 1}``. That polytope does not
depend on Y, so instead of solving a linear program per θ (and per simulation draw) we use its
vertices: the extreme rays ``r`` of the cone ``{γ ≥ 0 : X'γ = 0}`` scaled to ``σ'r = 1``. Then

- ``η̂(θ) = max_v γ_v'Y(θ)``, for a whole grid of θ in one matrix product;
- the **least-favourable** critical value ``c_LF`` is the 1 − κ quantile of ``max_v γ_v'ξ``,
  ``ξ ~ N(0, Σ_Y)`` (simulated once per restriction, not once per θ);
- the **conditional** test conditions on which vertex γ* attains the maximum (ARP 2023, sec. 5):
  writing ``Y = c η + Z`` with ``c = Σ_Y γ* / γ*'Σ_Y γ*`` and Z independent of η = γ*'Y, the
  event "γ* is optimal" is ``(1 − γ_v'c) η ≥ γ_v'Z`` for every vertex v, an interval
  ``[v_lo, v_up]`` for η in closed form (HonestDiD finds the same interval by bisection over
  linear programs);
- the **hybrid** (HonestDiD's default "C-LF"): reject when ``η̂ > c_LF``; otherwise reject when
  ``η̂ / σ_B`` exceeds ``max(0, q)``, q the ``1 − (α − κ)/(1 − κ)`` quantile of a standard normal
  truncated to ``[v_lo, min(v_up, c_LF)] / σ_B``, ``σ_B² = γ*'Σ_Y γ*``; κ = α/10.

This is the test of HonestDiD's ``.lp_conditional_test_fn`` (the primal and dual branches there
compute the same truncation interval). The extreme rays are supplied by the caller, who knows
the structure of X (see :mod:`.relative_magnitudes`).

Andrews, I., Roth, J. & Pakes, A. (2023). Inference for linear conditional moment inequalities.
*Review of Economic Studies* 90(5), 2041–2077.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = [
    "HybridTest",
    "accepts_each",
    "LF_SIMULATIONS",
    "hybrid_test",
    "normal_draws",
    "quantile",
    "tail_quantile",
]

LF_SIMULATIONS = 100_000  # draws for the least-favourable critical value (HonestDiD uses 1,000)
TINY = 1e-12

Array = NDArray[np.float64]
CriticalValue = Callable[[Array, NDArray[np.bool_], float], float]


def normal_draws(sigma: Array, *, sims: int = LF_SIMULATIONS, seed: int = 0) -> Array:
    """``sims`` draws of N(0, Σ) as columns (n × sims), from a fixed seed so that every
    restriction and every M̄ uses the same draws (smooth results, reproducible to the digit)."""
    vals, vecs = np.linalg.eigh((sigma + sigma.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    z = np.random.default_rng(seed).standard_normal((sigma.shape[0], sims))
    return np.asarray(root @ z, dtype=np.float64)


class HybridTest:
    """The hybrid test of one polyhedral restriction, ready to be run on any θ.

    The least-favourable critical value is simulated only when a θ needs it: where η̂ exceeds
    the Bonferroni bound ``Φ⁻¹(1 − κ/V)`` (V vertices; each γ_v'ξ has variance at most 1, so
    the bound is at least c_LF) the first stage rejects whatever c_LF is.
    """

    def __init__(
        self,
        *,
        intercepts: Array,
        slopes: Array,
        cov: Array,
        critical: Callable[[float], float],
        alpha: float,
        kappa: float,
    ) -> None:
        self.intercepts = intercepts  # γ_v'A β̂ for each vertex v
        self.slopes = slopes  # γ_v'a, so that γ_v'Y(θ) = intercepts − slopes · θ
        self.cov = cov  # γ_v'Σ_Y γ_w
        self.alpha = alpha
        self.kappa = kappa  # 0: the purely conditional test, no first stage
        self._critical = critical  # p ↦ the p quantile of the draws of max_v γ_v'ξ, ξ ~ N(0, Σ_Y)
        self._lf_cv: float | None = None
        n = max(intercepts.size, 1)
        # Φ⁻¹(1 − κ/V) = −Φ⁻¹(κ/V), as scipy's norm.isf computes it (without its overhead)
        self.bound = -float(special.ndtri(kappa / n)) if kappa > 0 else math.inf

    @property
    def lf_cv(self) -> float:
        """c_LF: the 1 − κ quantile of max_v γ_v'ξ, ξ ~ N(0, Σ_Y) (+inf without a first stage)."""
        if self._lf_cv is None:
            if self.kappa <= 0 or self.intercepts.size == 0:
                self._lf_cv = math.inf
            else:
                self._lf_cv = self._critical(1 - self.kappa)
        return self._lf_cv

    def statistic(self, thetas: Array) -> Array:
        """η̂(θ) for each θ."""
        values = self.intercepts[:, None] - self.slopes[:, None] * thetas[None, :]
        return np.asarray(values.max(axis=0), dtype=np.float64)

    def accepts(self, thetas: Array) -> NDArray[np.bool_]:
        """For each θ, whether the hybrid test at level α does not reject it."""
        return np.asarray(accepts_each([self], thetas)[0], dtype=bool)


def accepts_each(tests: Sequence[HybridTest], thetas: Array) -> NDArray[np.bool_]:
    """For each test (rows) and each θ (columns), whether the test does not reject θ: the
    tests run together, as one computation over (test, vertex, θ), vertices padded with −∞."""
    thetas = np.atleast_1d(np.asarray(thetas, dtype=np.float64))
    out = np.ones((len(tests), thetas.size), dtype=bool)
    # No vertex: the linear program is unbounded, η̂ = -inf, and nothing is rejected.
    live = [i for i, t in enumerate(tests) if t.intercepts.size]
    if not live:
        return out
    width = max(tests[i].intercepts.size for i in live)
    intercepts = np.full((len(live), width), -np.inf)
    slopes = np.zeros((len(live), width))
    cov = np.zeros((len(live), width, width))
    for row, i in enumerate(live):
        n = tests[i].intercepts.size
        intercepts[row, :n], slopes[row, :n] = tests[i].intercepts, tests[i].slopes
        cov[row, :n, :n] = tests[i].cov
    values = intercepts[:, :, None] - slopes[:, :, None] * thetas[None, None, :]
    best = values.argmax(axis=1)
    eta = np.take_along_axis(values, best[:, None, :], axis=1)[:, 0, :]
    # Where η̂ exceeds the Bonferroni bound for every θ, the first stage rejects them all
    # whatever c_LF is, and c_LF is not simulated.
    bounds = np.array([tests[i].bound for i in live])
    all_out: NDArray[np.bool_] = np.asarray((eta > bounds[:, None]).all(axis=1), dtype=bool)
    lf_cv = np.array(
        [
            math.inf if gone else tests[i].lf_cv
            for i, gone in zip(live, all_out.tolist(), strict=True)
        ]
    )[:, None]
    var_b = np.take_along_axis(np.diagonal(cov, axis1=1, axis2=2), best, axis=1)
    rho = np.take_along_axis(cov, best[:, None, :], axis=2)
    rho = rho / np.where(var_b > TINY, var_b, 1.0)[:, None, :]
    den = 1.0 - rho
    num = values - rho * eta[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = num / den
    v_lo = np.where(den > TINY, bound, -np.inf).max(axis=1)
    v_up = np.where(den < -TINY, bound, np.inf).min(axis=1)
    sd_b = np.sqrt(np.where(var_b > TINY, var_b, 1.0))
    stat = eta / sd_b
    z_lo = v_lo / sd_b
    z_up = np.minimum(v_up, lf_cv) / sd_b
    size = np.array(
        [
            (t.alpha - t.kappa) / (1 - t.kappa) if math.isfinite(cv) else t.alpha
            for t, cv in zip((tests[i] for i in live), lf_cv[:, 0], strict=True)
        ]
    )
    inside = (z_lo <= stat) & (stat <= z_up)
    p = _truncated_sf(np.clip(stat, z_lo, z_up), z_lo, z_up)
    reject = (eta > lf_cv) | (inside & (stat > 0) & (p < size[:, None]))
    degenerate = var_b <= TINY  # η̂ has no noise: reject exactly when it is positive
    reject = np.where(degenerate, eta > 0, reject)
    reject[all_out] = True
    out[live] = ~reject
    return out


def _truncated_sf(x: Array, lo: Array, hi: Array) -> Array:
    """P(Z > x | lo ≤ Z ≤ hi) for a standard normal Z, stable far in the tails."""
    # Work on the side where the normal tail is small: mirror so that the interval's upper part
    # is in the lower tail, where log Φ is accurate.
    flip = (lo + hi) > 0
    a = np.where(flip, -hi, lo)
    b = np.where(flip, -x, x)
    c = np.where(flip, -lo, hi)
    la, lb, lc = special.log_ndtr(a), special.log_ndtr(b), special.log_ndtr(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = _log_diff(lb, la) - _log_diff(lc, la)  # log P(a ≤ Z ≤ b | a ≤ Z ≤ c)
        cdf = np.exp(below)
    # flipped: P(Z > x | ...) = P(-Z < -x | ...) = the mirrored CDF; otherwise 1 - CDF
    sf = np.where(flip, cdf, 1.0 - cdf)
    width_zero = ~(hi > lo)
    return np.asarray(np.where(width_zero, 0.5, np.clip(sf, 0.0, 1.0)), dtype=np.float64)


def _log_diff(log_hi: Array, log_lo: Array) -> Array:
    """log(exp(log_hi) − exp(log_lo)) for log_hi ≥ log_lo."""
    return np.asarray(log_hi + np.log1p(-np.exp(np.minimum(log_lo - log_hi, 0.0))))


def hybrid_test(
    moments: Array,
    beta: Array,
    sigma: Array,
    rays: Array,
    slopes: Array,
    *,
    alpha: float,
    draws: Array | None = None,
    critical: CriticalValue | None = None,
    hybrid: bool = True,
) -> HybridTest:
    """The test of ``E[A β̂ − a θ] ≤ X ξ`` for some ξ, given the cone's extreme rays.

    ``moments`` is A (moments × coefficients); ``rays`` holds the extreme rays of
    ``{γ ≥ 0 : X'γ = 0}`` as rows (any positive scale); ``slopes[v] = r_v'a``. The first stage
    needs the p quantile of simulations of ``max_v r_v'A ξ / s_v`` over the kept rays
    (s_v = r_v'σ): either ``draws``, N(0, Σ) draws of the coefficients as columns
    (:func:`normal_draws`), or a ``critical(scale, keep, p)`` that finds the same quantile faster
    from the structure of A. ``hybrid=False`` gives the purely conditional test."""
    cov_y = moments @ sigma @ moments.T
    sd = np.sqrt(np.clip(np.diag(cov_y), 0.0, None))
    scale = rays @ sd
    keep = scale > TINY * max(float(sd.max(initial=0.0)), 1.0)
    g = rays[keep] / scale[keep, None]
    run: CriticalValue = _no_simulation
    if critical is not None:
        run = critical
    elif draws is not None:
        sim_rows, sims = g @ moments, draws

        def run(scale: Array, keep: NDArray[np.bool_], p: float) -> float:
            return quantile(np.asarray((sim_rows @ sims).max(axis=0), dtype=np.float64), p)

    elif hybrid:
        raise ValueError("the hybrid test needs draws or a critical value")
    return HybridTest(
        intercepts=np.asarray(g @ (moments @ beta), dtype=np.float64),
        slopes=np.asarray(slopes[keep] / scale[keep], dtype=np.float64),
        cov=np.asarray(g @ cov_y @ g.T, dtype=np.float64),
        critical=lambda p: run(scale, keep, p),
        alpha=alpha,
        kappa=alpha / 10 if hybrid else 0.0,
    )


def _no_simulation(scale: Array, keep: NDArray[np.bool_], p: float) -> float:
    raise ValueError("the purely conditional test has no first stage to simulate")


def quantile(x: Array, p: float) -> float:
    """The p quantile with linear interpolation (numpy's and R's default, type 7)."""
    value = tail_quantile(x, p, size=x.size, below=-math.inf)
    assert value is not None  # nothing is left out
    return value


def tail_quantile(x: Array, p: float, *, size: int, below: float) -> float | None:
    """The p quantile (as :func:`quantile`) of ``size`` values of which ``x`` holds some and
    every value left out is at most ``below``; None when that does not settle it (the values
    left out could reach the quantile's order statistics)."""
    h = (size - 1) * p
    k = int(math.floor(h))
    upper = min(k + 1, size - 1)
    skip = size - x.size  # the values left out take the lowest ranks
    if k < skip:
        return None
    part = np.partition(x, (k - skip, upper - skip))
    if skip and not part[k - skip] > below:
        return None
    return float(part[k - skip] + (h - k) * (part[upper - skip] - part[k - skip]))
