"""How strong an unmeasured confounder would have to be to explain a result away.

**E-value** (VanderWeele & Ding 2017): the minimum strength of association, on the risk-ratio
scale, that an unmeasured confounder would need with both the treatment and the outcome,
conditional on the measured covariates, to explain away an observed risk ratio RR::

    E = RR + sqrt(RR × (RR − 1))          (for RR < 1 use 1/RR first)

For the confidence interval, the same formula on the limit nearest 1 (E = 1 if the interval
includes 1). A difference in a continuous outcome is first put on the risk-ratio scale through
the standardised difference d = effect / SD(outcome): RR ≈ exp(0.91 d) (VanderWeele & Ding
2017, eAppendix; after Hasselblad & Hedges 1995).

**Benchmark** (Cinelli & Hazlett 2020, sec. 6): how much would a confounder *as strong as the
strongest measured covariate* move the result? For covariate X_j, its partial R² with
participation (linear model of participation on the covariates) and with the outcome (given
participation and the other covariates) bound those of a confounder Z "k times as strong"::

    R²_{D~Z|X} = k R²_{D~Xj|X−j} / (1 − R²_{D~Xj|X−j})
    R²_{Y~Z|D,X} = ((√k + √η) / √(1 − η))² · R²_{Y~Xj|D,X−j} / (1 − R²_{Y~Xj|D,X−j}),
    η = k R²_{D~Xj|X−j}² / ((1 − k R²_{D~Xj|X−j})(1 − R²_{D~Xj|X−j}))

and such a Z shifts the estimate by at most ``sqrt(R²_Y R²_D / (1 − R²_D)) · σ_{Y⊥D,X} / σ_{D⊥X}``
and rescales its standard error by ``sqrt((1 − R²_Y)/(1 − R²_D))``. A result is **robust** when,
for every measured covariate at k = 1, the interval so adjusted still excludes no effect. The
formulas are exact for a linear outcome regression; applied to the doubly robust estimate they
are an approximation (its outcome model is that regression).

**Robustness value** (Cinelli & Hazlett 2020): the share of the residual variation of both the
treatment and the outcome that a confounder must explain to bring the estimate to zero (RV_q=1)
or to make it statistically indistinguishable from zero (RV_q=1,α)::

    f = q |t| / sqrt(dof),   RV = ½ (sqrt(f⁴ + 4 f²) − f²)

with f replaced by f − |t*_{α, dof−1}| / sqrt(dof − 1) for RV_q,α.

VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
introducing the E-value. *Annals of Internal Medicine* 167(4), 268–274. Cinelli, C. & Hazlett, C.
(2020). Making sense of sensitivity: extending omitted variable bias. *JRSS B* 82(1), 39–67.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.errors import InvalidInput

__all__ = [
    "CITATION",
    "CovariateBenchmark",
    "confounder_bounds",
    "covariate_benchmarks",
    "partial_r2",
    "e_value",
    "e_value_interval",
    "risk_ratio_from_d",
    "robustness_value",
]

CITATION = (
    "VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research: "
    "introducing the E-value. Annals of Internal Medicine 167(4), 268-274; Cinelli, C. & "
    "Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable bias. Journal "
    "of the Royal Statistical Society B 82(1), 39-67."
)
D_TO_LOG_RR = 0.91  # RR ≈ exp(0.91 d) for a standardised difference d


def e_value(rr: float) -> float:
    """E-value of a risk ratio (VanderWeele & Ding 2017): 1 for RR = 1."""
    if not math.isfinite(rr) or rr <= 0:
        raise InvalidInput("A risk ratio must be a positive finite number for an E-value.")
    r = rr if rr >= 1 else 1 / rr
    return float(r + math.sqrt(r * (r - 1)))


def e_value_interval(ci_low: float, ci_high: float) -> float:
    """E-value of the confidence limit nearest the null (1 when the interval includes 1)."""
    if ci_low <= 1 <= ci_high:
        return 1.0
    return e_value(ci_low if ci_low > 1 else ci_high)


def risk_ratio_from_d(d: float) -> float:
    """Approximate risk ratio of a standardised mean difference: exp(0.91 d)."""
    return float(math.exp(D_TO_LOG_RR * d))


def robustness_value(
    t_statistic: float, dof: int, *, q: float = 1.0, alpha: float | None = None
) -> float:
    """Cinelli & Hazlett (2020) robustness value RV_q (``alpha=None``) or RV_q,α."""
    if dof < 2:
        raise InvalidInput("The robustness value needs at least two residual degrees of freedom.")
    f = q * abs(t_statistic) / math.sqrt(dof)
    if alpha is not None:
        f_crit = abs(float(stats.t.ppf(alpha / 2, dof - 1))) / math.sqrt(dof - 1)
        f_adj = f - f_crit
        if f_adj <= 0:
            return 0.0
        rv = 0.5 * (math.sqrt(f_adj**4 + 4 * f_adj**2) - f_adj**2)
        # Edge case (Cinelli & Hazlett 2020, sec. 4.2): the RV cannot fall below this bound.
        if rv <= f_crit**2:
            return float((f**2 - f_crit**2) / (1 + f**2))
        return float(rv)
    return float(0.5 * (math.sqrt(f**4 + 4 * f**2) - f**2))


@dataclass(frozen=True)
class CovariateBenchmark:
    """What a confounder as strong as one measured covariate (k = 1) would do to the result."""

    name: str
    r2_participation: float  # partial R² of the covariate with participation
    r2_outcome: float  # partial R² of the covariate with the outcome
    r2dz_x: float  # implied partial R² of the confounder with participation
    r2yz_dx: float  # implied partial R² of the confounder with the outcome
    adjusted_estimate: float
    adjusted_ci_low: float
    adjusted_ci_high: float

    @property
    def overturns(self) -> bool:
        """The adjusted interval includes no effect."""
        return self.adjusted_ci_low <= 0 <= self.adjusted_ci_high


def partial_r2(t_statistic: float, dof: int) -> float:
    """Partial R² of a regressor from its t-statistic: t² / (t² + dof)."""
    return float(t_statistic**2 / (t_statistic**2 + dof))


def confounder_bounds(r2dxj_x: float, r2yxj_dx: float, k: float = 1.0) -> tuple[float, float]:
    """Partial R²s (with participation, with the outcome) of a confounder ``k`` times as strong
    as a covariate with the given partial R²s (Cinelli & Hazlett 2020, eq. 6.2-6.3)."""
    r2dz = k * r2dxj_x / (1 - r2dxj_x)
    eta = k * r2dxj_x**2 / ((1 - k * r2dxj_x) * (1 - r2dxj_x))
    if r2dz >= 1 or eta >= 1:
        raise InvalidInput("A confounder that strong is impossible; use a smaller multiple k.")
    if r2yxj_dx >= 1:
        # The covariate explains all of the outcome left over (a flat or exactly fitted
        # outcome): the formula's limit is infinite, and a partial R² cannot exceed 1.
        return float(r2dz), 1.0
    r2yz = ((math.sqrt(k) + math.sqrt(eta)) / math.sqrt(1 - eta)) ** 2 * (r2yxj_dx / (1 - r2yxj_dx))
    return float(r2dz), float(min(r2yz, 1.0))


def _ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Coefficients, classical t-statistics, residual SD and residual dof of y on x."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    dof = x.shape[0] - x.shape[1]
    sigma2 = float(resid @ resid) / dof
    xtx_inv = np.linalg.pinv(x.T @ x)
    se = np.sqrt(np.clip(np.diag(xtx_inv) * sigma2, 1e-300, None))
    return beta, beta / se, math.sqrt(sigma2), dof


def covariate_benchmarks(
    covariates: pd.DataFrame,
    treatment: np.ndarray,
    outcome: np.ndarray,
    *,
    estimate: float,
    se: float,
    confidence: float = 0.95,
) -> list[CovariateBenchmark]:
    """For each covariate column (numbers; categories as 0/1 columns), the estimate and interval
    if an unmeasured confounder as strong as it existed; most damaging first.

    Columns that do not vary are skipped; with fewer people than covariates + 3 nothing is
    returned.
    """
    x = covariates.loc[:, covariates.std(ddof=0) > 0]
    n, p = x.shape
    if p == 0 or n < p + 3:
        return []
    d = np.asarray(treatment, dtype=float)
    y = np.asarray(outcome, dtype=float)
    ones = np.ones((n, 1))
    xm = x.to_numpy(float)
    _, t_y, sigma_y, dof_y = _ols(y, np.column_stack([ones, d, xm]))
    _, t_d, sigma_d, dof_d = _ols(d, np.column_stack([ones, xm]))
    if not sigma_d > 0:
        return []
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    sign = 1.0 if estimate >= 0 else -1.0
    found = []
    for j, name in enumerate(x.columns):
        r2d = partial_r2(float(t_d[1 + j]), dof_d)
        r2y = partial_r2(float(t_y[2 + j]), dof_y)
        try:
            r2dz, r2yz = confounder_bounds(r2d, r2y)
        except InvalidInput:
            continue
        bias = math.sqrt(r2yz * r2dz / (1 - r2dz)) * sigma_y / sigma_d
        adj = estimate - sign * bias  # the confounder is assumed to push away from zero
        adj_se = se * math.sqrt(max(1 - r2yz, 0.0) / (1 - r2dz))
        found.append(
            CovariateBenchmark(
                str(name), r2d, r2y, r2dz, r2yz, adj, adj - z * adj_se, adj + z * adj_se
            )
        )
    return sorted(found, key=lambda c: sign * c.adjusted_estimate)


def _pooled_sd(y: np.ndarray, d: np.ndarray) -> float:
    """Pooled within-group standard deviation of the outcome."""
    parts = [y[d == g] for g in (0.0, 1.0)]
    ss = sum(float(((p - p.mean()) ** 2).sum()) for p in parts if p.size)
    dof = sum(p.size for p in parts) - sum(1 for p in parts if p.size)
    return math.sqrt(ss / dof) if dof > 0 else 0.0


def pooled_sd(y: Sequence[float] | np.ndarray, d: Sequence[float] | np.ndarray) -> float:
    """Pooled within-group standard deviation (public for the sensitivity hook)."""
    return _pooled_sd(np.asarray(y, dtype=float), np.asarray(d, dtype=float))
