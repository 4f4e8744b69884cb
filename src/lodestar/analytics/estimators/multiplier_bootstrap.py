"""The cluster multiplier bootstrap on influence functions, for estimators that have them
(Callaway & Sant'Anna's group-time effects and their aggregations).

An estimator with influence functions ``ψ_i`` (one value per unit and parameter, scaled so that
``θ̂ − θ ≈ (1/n) Σ_i ψ_i``) is resampled by perturbing whole clusters: draw a weight ``v_g`` per
cluster with mean 0 and variance 1 and take ``θ*_b = (1/n) Σ_g v_g S_g``, ``S_g = Σ_{i∈g} ψ_i``.
No model is refitted; the draws keep the dependence within clusters. As in the R ``did``
package (``mboot``) the standard error is the draws' interquartile range over 1.349 (robust to a
few extreme draws) and the critical value is the 1 − α quantile of ``max_k |θ*_k| / se_k``, so
the bands over several parameters (an event study) hold jointly.

Weights: Rademacher (±1 with equal chance); with fewer than 12 clusters Webb's six-point
weights (±√1.5, ±1, ±√0.5), which give 6^G instead of 2^G distinct draws (Webb 2023). ``did``
averages the influence functions within clusters before perturbing them; the sums used here
keep the bootstrap variance equal to the analytic cluster-robust one whatever the cluster sizes
(the two agree when clusters are the same size).

With few clusters no resampling scheme that keeps the influence functions fixed can widen an
interval whose standard error is itself too small, so below about 30 clusters the interval uses
the bootstrap standard error with a t critical value on G − 1 degrees of freedom (the rule of
thumb of Cameron & Miller 2015, sec. VI.C), never smaller than the bootstrap's own.

Mammen, E. (1993). Bootstrap and wild bootstrap for high dimensional linear models. Annals of
Statistics 21(1), 255-285. Callaway, B. & Sant'Anna, P. H. C. (2021), sec. 4. Webb, M. D. (2023).
Reworking wild bootstrap-based inference for clustered errors. Canadian Journal of Economics
56(3), 839-858. Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
inference. Journal of Human Resources 50(2), 317-372.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

__all__ = ["MultiplierBootstrap", "WEBB_BELOW", "multiplier_bootstrap"]

WEBB_BELOW = 12  # clusters: Webb's six-point weights below this many, Rademacher from it
IQR_TO_SD = 1.3489795003921634  # Φ⁻¹(0.75) − Φ⁻¹(0.25)

Array = NDArray[np.float64]


@dataclass(frozen=True)
class MultiplierBootstrap:
    estimates: Array  # θ̂ for each parameter
    se: Array  # bootstrap standard errors (IQR / 1.349)
    critical: float  # joint critical value over the parameters
    ci_low: Array
    ci_high: Array
    p_values: Array  # two-sided, P(|θ*| ≥ |θ̂|) with the draws centred at zero
    reps: int
    weights: str
    n_clusters: int


def _weights(rng: np.random.Generator, reps: int, g: int, kind: str) -> Array:
    if kind == "webb":
        six = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
        return np.asarray(rng.choice(six, size=(reps, g)), dtype=np.float64)
    return np.asarray(rng.choice(np.array([-1.0, 1.0]), size=(reps, g)), dtype=np.float64)


def multiplier_bootstrap(
    estimates: Array,
    influence: Array,
    clusters: NDArray[np.int64] | None,
    *,
    confidence: float = 0.95,
    reps: int = 999,
    seed: int = 0,
) -> MultiplierBootstrap:
    """Bootstrap standard errors, joint critical value, intervals and p-values for
    ``estimates`` from their influence functions (units × parameters), perturbing whole
    ``clusters`` (integer codes per unit; None: each unit is its own cluster)."""
    est = np.atleast_1d(np.asarray(estimates, dtype=np.float64))
    psi = np.asarray(influence, dtype=np.float64).reshape(len(influence), -1)
    n = psi.shape[0]
    codes = np.arange(n) if clusters is None else np.asarray(clusters)
    g = int(codes.max()) + 1
    sums = np.zeros((g, psi.shape[1]))
    for k in range(psi.shape[1]):
        sums[:, k] = np.bincount(codes, weights=psi[:, k], minlength=g)
    kind = "webb" if g < WEBB_BELOW else "rademacher"
    draws = _weights(np.random.default_rng(seed), reps, g, kind) @ sums / n
    q75, q25 = np.percentile(draws, [75, 25], axis=0)
    se = (q75 - q25) / IQR_TO_SD
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.max(np.abs(draws / np.where(se > 0, se, np.nan)), axis=1)
    critical = float(np.nanquantile(scaled, 1 - alpha)) if np.isfinite(scaled).any() else np.nan
    if g < 30:
        critical = max(critical, float(stats.t.ppf(1 - alpha / 2, g - 1)))
    p = (1 + np.sum(np.abs(draws) >= np.abs(est)[None, :] - 1e-15, axis=0)) / (1 + reps)
    return MultiplierBootstrap(
        estimates=est,
        se=se,
        critical=critical,
        ci_low=est - critical * se,
        ci_high=est + critical * se,
        p_values=np.asarray(p, dtype=np.float64),
        reps=reps,
        weights=kind,
        n_clusters=g,
    )
