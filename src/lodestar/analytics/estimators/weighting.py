"""The weighting numerics behind selection on observables: the propensity model, inverse
probability and doubly robust (AIPW) estimates with their standard errors, covariate balance
and propensity overlap. See ``observational`` for the methods and their citations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from lodestar.errors import InvalidInput

Array = NDArray[np.float64]

SMD_THRESHOLD = 0.1  # |standardised mean difference| above this is imbalance (Austin 2009)


@dataclass(frozen=True)
class _Fit:
    """Point estimate and standard error of one estimator on one (trimmed) sample."""

    estimate: float
    se: float
    weights: Array  # balancing weights: participants and comparison (ATT: participants = 1)


def _fit_logit(x: Array, d: Array) -> Array:
    """Maximum-likelihood logistic regression (with constant in ``x``); returns fitted chances."""
    import warnings

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    with warnings.catch_warnings(), np.errstate(over="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            res = sm.GLM(d, x, family=sm.families.Binomial()).fit()
            separated = bool(res.fittedvalues[d == 1].min() > res.fittedvalues[d == 0].max())
            if separated:
                raise PerfectSeparationWarning("complete separation")
        except (PerfectSeparationWarning, np.linalg.LinAlgError) as exc:
            raise InvalidInput(
                "The covariates separate participants from non-participants perfectly, so "
                "there is nobody comparable to weigh against the participants. Remove the "
                "covariate that decides participation (or the people it singles out) and "
                "estimate again.",
                details={"reason": str(exc)},
            ) from exc
    return np.asarray(res.fittedvalues, dtype=float)


def _ols(x: Array, y: Array) -> Array:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return np.asarray(beta, dtype=float)


def _wls_sandwich(y: Array, d: Array, w: Array) -> tuple[float, float]:
    """Weighted least squares of y on (1, d) with the HC0 sandwich SE of the d coefficient.

    Equals ``GEE(y ~ d, weights=w, independence, robust)`` as used in *What If* ch. 12.
    """
    x = np.column_stack([np.ones_like(d), d])
    xw = x * w[:, None]
    bread = np.linalg.inv(x.T @ xw)
    beta = bread @ (xw.T @ y)
    resid = y - x @ beta
    meat = (xw * resid[:, None]).T @ (xw * resid[:, None])
    cov = bread @ meat @ bread
    return float(beta[1]), float(math.sqrt(cov[1, 1]))


def _ipw(y: Array, d: Array, ps: Array, estimand: str, weighting: str) -> _Fit:
    if estimand == "ATT":
        w = np.where(d == 1, 1.0, ps / (1 - ps))
    else:
        w = np.where(d == 1, 1 / ps, 1 / (1 - ps))
        if weighting == "stabilised":
            p = d.mean()
            w = w * np.where(d == 1, p, 1 - p)
    est, se = _wls_sandwich(y, d, w)
    return _Fit(est, se, w)


def _aipw_att(y: Array, d: Array, x: Array, ps: Array) -> _Fit:
    """Doubly robust ATT of Sant'Anna & Zhao (2020, eq. 3.1) with its full influence function."""
    n = len(y)
    beta = _ols(x[d == 0], y[d == 0])
    m0 = x @ beta
    w_treat = d
    w_cont = ps * (1 - d) / (1 - ps)
    att_treat = w_treat * (y - m0)
    att_cont = w_cont * (y - m0)
    eta_treat = att_treat.mean() / w_treat.mean()
    eta_cont = att_cont.mean() / w_cont.mean()
    # Asymptotic linear representation of the control-group OLS and of the logit.
    wols_x = (1 - d)[:, None] * x
    xpx_inv = np.linalg.inv(wols_x.T @ x / n)
    lin_ols = ((1 - d) * (y - m0))[:, None] * x @ xpx_inv
    hessian = np.linalg.inv((x * (ps * (1 - ps))[:, None]).T @ x) * n
    lin_ps = ((d - ps)[:, None] * x) @ hessian
    inf_treat = att_treat - w_treat * eta_treat - lin_ols @ (w_treat[:, None] * x).mean(0)
    inf_treat = inf_treat / w_treat.mean()
    m2 = (w_cont * (y - m0 - eta_cont))[:, None] * x
    inf_cont = (
        att_cont - w_cont * eta_cont + lin_ps @ m2.mean(0) - lin_ols @ (w_cont[:, None] * x).mean(0)
    ) / w_cont.mean()
    inf = inf_treat - inf_cont
    return _Fit(float(eta_treat - eta_cont), float(np.std(inf) / math.sqrt(n)), w_treat + w_cont)


def _aipw_ate(y: Array, d: Array, x: Array, ps: Array) -> _Fit:
    """AIPW average effect (Robins, Rotnitzky & Zhao 1994) with influence-function SE."""
    n = len(y)
    m1 = x @ _ols(x[d == 1], y[d == 1])
    m0 = x @ _ols(x[d == 0], y[d == 0])
    psi = m1 - m0 + d * (y - m1) / ps - (1 - d) * (y - m0) / (1 - ps)
    est = float(psi.mean())
    w = np.where(d == 1, 1 / ps, 1 / (1 - ps))
    return _Fit(est, float(np.std(psi - est) / math.sqrt(n)), w)


def _weighted_mean_var(v: Array, w: Array) -> tuple[float, float]:
    m = float(np.average(v, weights=w))
    return m, float(np.average((v - m) ** 2, weights=w))


def balance_table(xcov: pd.DataFrame, d: Array, weights: Array) -> pd.DataFrame:
    """Standardised mean differences before and after weighting (Austin 2009).

    The denominator is the unweighted pooled standard deviation
    ``sqrt((s1² + s0²) / 2)`` in both columns, so the two are comparable.
    """
    rows = []
    t, c = d == 1, d == 0
    for name in xcov.columns:
        v = xcov[name].to_numpy(float)
        m1, v1 = float(v[t].mean()), float(v[t].var(ddof=1)) if t.sum() > 1 else 0.0
        m0, v0 = float(v[c].mean()), float(v[c].var(ddof=1)) if c.sum() > 1 else 0.0
        sd = math.sqrt((v1 + v0) / 2)
        wm1, _ = _weighted_mean_var(v[t], weights[t])
        wm0, _ = _weighted_mean_var(v[c], weights[c])
        smd_before = (m1 - m0) / sd if sd > 0 else 0.0
        smd_after = (wm1 - wm0) / sd if sd > 0 else 0.0
        rows.append(
            {
                "covariate": name,
                "mean_participants": m1,
                "mean_comparison": m0,
                "mean_comparison_weighted": wm0,
                "mean_participants_weighted": wm1,
                "smd_before": smd_before,
                "smd_after": smd_after,
                "imbalanced_after": abs(smd_after) > SMD_THRESHOLD,
            }
        )
    return pd.DataFrame(rows)


def _ess(w: Array) -> float:
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


def _overlap_summary(ps: Array, d: Array) -> dict[str, Any]:
    """Propensity distribution by group: quantiles and a shared 20-bin histogram (for a chart)."""
    edges = np.linspace(0.0, 1.0, 21)
    groups: dict[str, Any] = {}
    for label, mask in (("participants", d == 1), ("comparison", d == 0)):
        p = ps[mask]
        q = np.quantile(p, [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]) if len(p) else [np.nan] * 7
        counts, _ = np.histogram(p, bins=edges)
        groups[label] = {
            "n": int(mask.sum()),
            "quantiles": dict(
                zip(
                    ["min", "p05", "p25", "median", "p75", "p95", "max"], map(float, q), strict=True
                )
            ),
            "histogram": [int(k) for k in counts],
        }
    return {"bin_edges": [float(e) for e in edges], "groups": groups}
