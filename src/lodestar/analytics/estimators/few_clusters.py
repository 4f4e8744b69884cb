"""Inference for a difference-in-differences with few clusters or few treated units.

Cluster-robust standard errors assume many clusters. Below about 30 they are too small, and
with one or two *treated* clusters no standard error can be trusted: the treated cluster's own
shocks are indistinguishable from the effect (Conley & Taber 2011; MacKinnon & Webb 2017).

- :func:`wild_cluster_bootstrap` — the wild cluster bootstrap (Cameron, Gelbach & Miller 2008)
  through pyfixest's interface to the maintained ``wildboottest`` package (Fischer & Roodman):
  the p-value from the restricted bootstrap (WCR, null imposed) and a percentile-t interval
  from the unrestricted one (WCU); Webb's six-point weights when there are fewer than 12
  clusters (Webb 2023), Rademacher weights otherwise.
- :func:`placebo_test` — randomisation inference by placebo assignments when one or two
  clusters were treated: the same before/after contrast computed as if each comparison
  cluster (or pair) had been the treated one (Fisher 1935; Abadie, Diamond & Hainmueller 2010;
  Conley & Taber 2011). Its p-value is exact under exchangeable assignment; inverted under a
  constant shift it gives an interval, the effects it does not reject (:meth:`PlaceboTest.
  interval`). With one or two treated units and few comparison units both are coarse: p-values
  come in steps of 1 / (placebos + 1), and with fewer than 19 placebos no effect can be ruled
  out at 95%.

Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. Review of Economics and Statistics 90(3), 414-427.
MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different cluster
sizes. Journal of Applied Econometrics 32(2), 233-254. Webb, M. D. (2023). Reworking wild
bootstrap-based inference for clustered errors. Canadian Journal of Economics 56(3), 839-858.
Conley, T. G. & Taber, C. R. (2011). Inference with "difference in differences" with a small
number of policy changes. Review of Economics and Statistics 93(1), 113-125.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PlaceboTest", "WildBootstrap", "placebo_test", "wild_cluster_bootstrap"]

CITE_WILD = (
    "Cameron, Gelbach & Miller (2008), Review of Economics and Statistics 90(3); Webb (2023), "
    "Canadian Journal of Economics 56(3); wildboottest (Fischer & Roodman) via pyfixest"
)
CITE_PLACEBO = (
    "Conley & Taber (2011), Review of Economics and Statistics 93(1); Abadie, Diamond & "
    "Hainmueller (2010), JASA 105(490)"
)
MAX_PLACEBOS = 2000


@dataclass(frozen=True)
class WildBootstrap:
    p_value: float
    ci_low: float
    ci_high: float
    se: float  # implied by the bootstrap t statistic: estimate / t
    reps: int
    weights: str
    n_clusters: int


@dataclass(frozen=True)
class PlaceboTest:
    statistic: float  # the treated units' before/after contrast against the rest
    p_value: float
    placebos: tuple[float, ...]
    n_treated_clusters: int

    @property
    def p_value_step(self) -> float:
        """The attainable p-values are multiples of 1 / (placebos + 1): the test is coarse."""
        return 1.0 / (len(self.placebos) + 1)

    def interval(self, confidence: float) -> tuple[float, float] | None:
        """Every effect τ the placebo test does not reject at level 1 − ``confidence``, or None
        when it can reject none (the smallest attainable p-value exceeds the level).

        Under the sharp null that the program moved the treated clusters' contrast by τ (and
        did nothing to the comparison clusters), the treated statistic becomes ``θ̂ − τ`` while
        the placebo contrasts, computed among comparison clusters only, do not change. So
        ``p(τ) = (1 + #{|placebo| ≥ |θ̂ − τ|}) / (1 + placebos)`` and the accepted set is
        ``θ̂ ± d``, d the m-th largest |placebo| with m the fewest exceedances that keep
        p above the level (Fisher 1935; Conley & Taber 2011 invert their test the same way)."""
        alpha = 1 - confidence
        n = len(self.placebos)
        need = math.floor(alpha * (n + 1) - 1 + 1e-12) + 1  # exceedances that keep p > α
        if need <= 0 or n == 0:
            return None
        largest = np.sort(np.abs(np.asarray(self.placebos)))[::-1]
        d = float(largest[need - 1])
        return (self.statistic - d, self.statistic + d)


def wild_cluster_bootstrap(
    fit: Any, param: str, *, n_clusters: int, confidence: float, reps: int = 999, seed: int = 0
) -> WildBootstrap:
    """Wild cluster bootstrap p-value (WCR) and percentile-t interval (WCU) for ``param`` of a
    pyfixest ``feols`` fit clustered by one variable."""
    weights = "webb" if n_clusters < 12 else "rademacher"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package warns on full enumeration; nothing to act on
        restricted = fit.wildboottest(
            param=param, reps=reps, seed=seed, weights_type=weights, impose_null=True
        )
        summary, t_stars = fit.wildboottest(
            param=param,
            reps=reps,
            seed=seed,
            weights_type=weights,
            impose_null=False,
            return_bootstrapped_t_stats=True,
        )
    estimate = float(fit.coef()[param])
    t_value = float(summary["t value"])
    se = abs(estimate / t_value) if t_value else float("nan")
    alpha = 1 - confidence
    t = np.asarray(t_stars, dtype=float)
    t = t[np.isfinite(t)]
    q_low, q_high = np.quantile(t, [alpha / 2, 1 - alpha / 2])
    return WildBootstrap(
        p_value=float(restricted["Pr(>|t|)"]),
        ci_low=estimate - float(q_high) * se,
        ci_high=estimate - float(q_low) * se,
        se=se,
        reps=reps,
        weights=weights,
        n_clusters=n_clusters,
    )


def placebo_test(frame: pd.DataFrame, *, cluster: str, start: float, seed: int = 0) -> PlaceboTest:
    """Randomisation inference for a one-start DiD treated in one or two clusters.

    ``frame`` has columns ``y``, ``time``, ``cohort`` (finite for treated units) and
    ``cluster``. Each cluster's contrast is its units' mean after ``start`` minus before;
    the statistic is the treated clusters' mean contrast minus the comparison clusters'. The
    placebo distribution assigns treatment to every set of comparison clusters of the same size
    (up to 2,000 drawn at random); p = (1 + #|placebo| ≥ |statistic|) / (1 + placebos).
    """
    post = frame["time"] >= start
    by_unit = frame.assign(post=post).groupby(["unit", "post"])["y"].mean().unstack()
    change = (by_unit[True] - by_unit[False]).dropna()
    units = frame.drop_duplicates("unit").set_index("unit", drop=False)
    per_cluster = change.groupby(units.loc[change.index, cluster]).mean()
    treated_clusters = units.loc[np.isfinite(units["cohort"]), cluster].unique()
    is_treated = per_cluster.index.isin(treated_clusters)
    k = int(is_treated.sum())
    controls = per_cluster[~is_treated].to_numpy()
    statistic = float(per_cluster[is_treated].mean() - controls.mean())
    combos: list[tuple[int, ...]] = list(itertools.combinations(range(len(controls)), k))
    if len(combos) > MAX_PLACEBOS:
        rng = np.random.default_rng(seed)
        combos = [tuple(rng.choice(len(controls), k, replace=False)) for _ in range(MAX_PLACEBOS)]
    placebos = []
    for combo in combos:
        mask = np.zeros(len(controls), dtype=bool)
        mask[list(combo)] = True
        placebos.append(float(controls[mask].mean() - controls[~mask].mean()))
    extreme = sum(abs(p) >= abs(statistic) - 1e-12 for p in placebos)
    p_value = (1 + extreme) / (1 + len(placebos)) if placebos else math.nan
    return PlaceboTest(statistic, p_value, tuple(placebos), k)
