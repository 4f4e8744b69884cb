"""Honest difference-in-differences: how big a break from parallel trends overturns the result.

Rambachan & Roth (2023) replace "trends were parallel" with a restriction on how far the
difference in trends after the start (``δ_post``) may stray, judged by what was seen before it
(``δ_pre``). Under **relative magnitudes**, Δ^RM(M̄), no period-to-period change in the trend
difference after the start is larger than M̄ times the largest such change before it::

    |δ_{t+1} − δ_t| ≤ M̄ · max_{s<0} |δ_{s+1} − δ_s|   for every t ≥ 0   (δ at period −1 is 0)

For a weighted average of post-start effects θ = l'τ (the default: the plain average over the
post-start event times) the trend difference can then add up to ``M̄ · Δ · K`` to the estimate,
with Δ the largest pre-start change and ``K = Σ_t l_t (t + 1)``; the identified set is
``l'β_post ± M̄ K Δ`` (the same interval as HonestDiD's ``computeIdentifiedSet_DeltaRM``).

**Confidence set used here (Bonferroni, conservative).** Δ is not known; it is estimated from
the pre-start coefficients. The robust interval at M̄ > 0 is::

    θ̂ ± ( z_{1−α₂/2} σ_θ + M̄ K Δ̂⁺ ),   Δ̂⁺ = max_s ( |d̂_s| + z_{1−α₁/(2S)} se(d̂_s) )

where ``d̂_s`` are the S estimated pre-start changes, α₁ = α/5 pays for not knowing Δ (a
Bonferroni upper bound for the largest of S changes) and α₂ = α − α₁ for the effect itself.
Coverage is at least 1 − α whenever Δ^RM(M̄) holds. It is wider than Rambachan & Roth's
conditional-least-favourable hybrid (HonestDiD's default, which inverts a linear-programming
test over a grid and takes seconds to minutes per M̄); on the Medicaid example of the HonestDiD
README the breakdown value is about 1.0 here against 2 there (see
``tests/reference/honest_did_medicaid.json``). Being conservative, it can only call a result
fragile that the exact method would call robust, never the reverse. The exact hybrid is
available through :func:`relative_magnitude_hybrid` (moderndid's port of HonestDiD).

The **breakdown value** M̄* is the largest M̄ whose robust interval still excludes zero:
``M̄* = (|θ̂| − z_{1−α₂/2} σ_θ) / (K Δ̂⁺)`` (0 when that is negative).

Rambachan, A. & Roth, J. (2023). A more credible approach to parallel trends. *Review of
Economic Studies* 90(5), 2555–2591.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from lodestar.errors import InvalidInput

__all__ = [
    "CITATION",
    "EventStudy",
    "RelativeMagnitudes",
    "event_study_from_details",
    "relative_magnitude_bounds",
    "relative_magnitude_hybrid",
    "smoothness_flci",
]

CITATION = (
    "Rambachan, A. & Roth, J. (2023). A more credible approach to parallel trends. Review of "
    "Economic Studies 90(5), 2555-2591."
)
PRE_SHARE_OF_ALPHA = 0.2  # α₁ = α/5 is spent on the upper bound of the largest pre-start change

Vector = NDArray[np.float64]


@dataclass(frozen=True)
class EventStudy:
    """Event-study coefficients relative to the last period before the start (event time −1,
    left out because it is 0 by construction), earliest first, and their covariance."""

    event_times: tuple[int, ...]
    estimates: Vector
    vcov: NDArray[np.float64]

    @property
    def n_pre(self) -> int:
        return sum(1 for e in self.event_times if e < 0)

    @property
    def n_post(self) -> int:
        return sum(1 for e in self.event_times if e >= 0)


@dataclass(frozen=True)
class RelativeMagnitudes:
    """Robust intervals for the average post-start effect over a grid of M̄, and M̄*."""

    estimate: float  # θ̂ = l'β_post
    se: float  # its standard error
    m_bar: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    breakdown: float | None  # M̄*; None when the ordinary interval already includes zero
    largest_pre_change: float  # Δ̂, the largest estimated pre-start change in trend difference
    largest_pre_change_upper: float  # Δ̂⁺, its Bonferroni upper confidence bound
    post_factor: float  # K = Σ l_t (t + 1)
    confidence: float

    def as_table(self) -> list[dict[str, float]]:
        return [
            {"m_bar": m, "ci_low": lo, "ci_high": hi}
            for m, lo, hi in zip(self.m_bar, self.ci_low, self.ci_high, strict=True)
        ]


def _universal_from_varying(
    event_times: Sequence[int], estimates: Vector, vcov: NDArray[np.float64]
) -> tuple[tuple[int, ...], Vector, NDArray[np.float64]]:
    """Callaway & Sant'Anna pre-start cells with a *varying* base period compare each period
    with the one before it (short differences). Summed from the start backwards they become
    differences from period −1 (a *universal* base), the form Rambachan & Roth need:
    ``u_e = −Σ_{k=e+1}^{−1} v_k`` for e ≤ −2. Exact when every cohort contributes to every
    pre-start event time; otherwise a cohort-weighted approximation."""
    times = list(event_times)
    pre = [e for e in times if e < 0]
    post = [e for e in times if e >= 0]
    n_pre, n = len(pre), len(times)
    # Rows: universal e = -(n_pre+1) ... -2, then post unchanged.
    a = np.zeros((n, n))
    for row, e in enumerate(range(-(n_pre + 1), -1)):
        for col, k in enumerate(pre):
            if k >= e + 1:
                a[row, col] = -1.0
    for j in range(len(post)):
        a[n_pre + j, n_pre + j] = 1.0
    new_times = tuple([*range(-(n_pre + 1), -1), *post])
    return new_times, a @ estimates, a @ vcov @ a.T


def event_study_from_details(
    details: Mapping[str, Any], *, window: int | None = None
) -> EventStudy | None:
    """The event study a (staggered) DiD result stores in ``details``, as universal-base
    coefficients, or None when it has no covariance or no usable pre- and post-start periods.

    ``window`` keeps at most that many periods after the start and that many pre-start changes
    (as HonestDiD's README restricts a Callaway & Sant'Anna event study to ``min_e = -5,
    max_e = 5``): with weekly data and long histories, bounding the average over every week
    after the start by week-to-week wobbles before it says little."""
    table = details.get("event_study")
    vcov = details.get("event_study_vcov")
    if not table or vcov is None:
        return None
    rows = [r for r in table if not r.get("reference")]
    times = [int(r["event_time"]) for r in rows]
    est = np.asarray([float(r["estimate"]) for r in rows], dtype=float)
    cov = np.asarray(vcov, dtype=float)
    if cov.shape != (len(rows), len(rows)) or not np.isfinite(cov).all():
        return None
    if not np.isfinite(est).all() or times != sorted(times):
        return None
    if details.get("event_study_base") == "varying":
        pre = [e for e in times if e < 0]
        if not pre or pre != list(range(pre[0], 0)):
            return None  # gaps: the short differences cannot be chained
        times_t, est, cov = _universal_from_varying(times, est, cov)
        times = list(times_t)
    if window is not None:
        keep = [i for i, e in enumerate(times) if -(window + 1) <= e < window]
        times = [times[i] for i in keep]
        est, cov = est[keep], cov[np.ix_(keep, keep)]
    pre = [e for e in times if e < 0]
    post = [e for e in times if e >= 0]
    if not pre or not post or pre != list(range(pre[0], -1)) or post != list(range(len(post))):
        return None
    return EventStudy(tuple(times), est, cov)


def _pre_changes(study: EventStudy) -> NDArray[np.float64]:
    """Matrix D with D @ β = the consecutive pre-start changes, ending at period −1 (= 0)."""
    n_pre, n = study.n_pre, len(study.event_times)
    d = np.zeros((n_pre, n))
    for j in range(n_pre):
        d[j, j] = -1.0
        if j + 1 < n_pre:
            d[j, j + 1] = 1.0
    return d


def _weights(study: EventStudy, l_vec: ArrayLike | None) -> Vector:
    if l_vec is None:
        return np.full(study.n_post, 1.0 / study.n_post)
    lv = np.asarray(l_vec, dtype=float).ravel()
    if lv.size != study.n_post or not np.isfinite(lv).all() or (lv < 0).any():
        raise InvalidInput(
            f"The weights on post-start periods (l_vec) must be {study.n_post} non-negative "
            "numbers, one per period after the start; pass, e.g., equal weights for the average."
        )
    return lv


def relative_magnitude_bounds(
    study: EventStudy,
    *,
    m_bar: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0),
    l_vec: ArrayLike | None = None,
    confidence: float = 0.95,
) -> RelativeMagnitudes:
    """Robust intervals under Δ^RM(M̄) for the average post-start effect, and M̄* (see the
    module docstring for the method and why it is conservative)."""
    if not 0 < confidence < 1:
        raise InvalidInput("The confidence level must lie between 0 and 1, e.g. 0.95.")
    if study.n_pre < 1 or study.n_post < 1:
        raise InvalidInput(
            "Honest DiD bounds need at least two periods before the start (one besides the "
            "reference period) and one after it; load more KPI history before the start."
        )
    lv = _weights(study, l_vec)
    alpha = 1 - confidence
    alpha_pre = PRE_SHARE_OF_ALPHA * alpha
    alpha_post = alpha - alpha_pre
    n_pre = study.n_pre
    beta_post = study.estimates[n_pre:]
    cov_post = study.vcov[n_pre:, n_pre:]
    theta = float(lv @ beta_post)
    se_theta = float(math.sqrt(max(float(lv @ cov_post @ lv), 0.0)))
    d = _pre_changes(study)
    changes = d @ study.estimates
    se_changes = np.sqrt(np.clip(np.diag(d @ study.vcov @ d.T), 0.0, None))
    c_pre = float(stats.norm.ppf(1 - alpha_pre / (2 * n_pre)))
    delta_hat = float(np.max(np.abs(changes)))
    delta_up = float(np.max(np.abs(changes) + c_pre * se_changes))
    k = float(lv @ (np.arange(study.n_post) + 1.0))
    z_all = float(stats.norm.ppf(1 - alpha / 2))
    z_post = float(stats.norm.ppf(1 - alpha_post / 2))
    grid = tuple(float(m) for m in m_bar)
    if any(m < 0 or not math.isfinite(m) for m in grid):
        raise InvalidInput("Values of M-bar must be finite and not negative, e.g. 0 to 2.")
    half = [z_all * se_theta if m == 0 else z_post * se_theta + m * k * delta_up for m in grid]
    breakdown: float | None
    if abs(theta) <= z_all * se_theta:
        breakdown = None
    elif delta_up <= 0:
        breakdown = math.inf
    else:
        breakdown = max((abs(theta) - z_post * se_theta) / (k * delta_up), 0.0)
    return RelativeMagnitudes(
        estimate=theta,
        se=se_theta,
        m_bar=grid,
        ci_low=tuple(theta - h for h in half),
        ci_high=tuple(theta + h for h in half),
        breakdown=breakdown,
        largest_pre_change=delta_hat,
        largest_pre_change_upper=delta_up,
        post_factor=k,
        confidence=confidence,
    )


def relative_magnitude_hybrid(
    study: EventStudy,
    *,
    m_bar: Sequence[float],
    l_vec: ArrayLike | None = None,
    confidence: float = 0.95,
    grid_points: int = 1000,
) -> list[tuple[float, float, float]]:
    """Rambachan & Roth's own conditional-least-favourable hybrid interval for each M̄, from
    moderndid's port of HonestDiD (``create_sensitivity_results_rm``): (M̄, low, high). Exact
    but slow (seconds to a minute per M̄), so it is offered for analysts, not run on pages."""
    from moderndid.didhonest import create_sensitivity_results_rm

    lv = _weights(study, l_vec)
    table = create_sensitivity_results_rm(
        betahat=study.estimates,
        sigma=study.vcov,
        num_pre_periods=study.n_pre,
        num_post_periods=study.n_post,
        m_bar_vec=np.asarray(m_bar, dtype=float),
        l_vec=lv,
        alpha=1 - confidence,
        grid_points=grid_points,
    )
    return [
        (float(m), float(lo), float(hi))
        for m, lo, hi in zip(table["Mbar"], table["lb"], table["ub"], strict=True)
    ]


def smoothness_flci(
    study: EventStudy,
    *,
    m: Sequence[float],
    l_vec: ArrayLike | None = None,
    confidence: float = 0.95,
) -> list[tuple[float, float, float]]:
    """Fixed-length confidence intervals under the smoothness restriction Δ^SD(M) — the slope of
    the trend difference changes by at most M per period (Rambachan & Roth 2023, sec. 3.2) —
    from moderndid's port of HonestDiD (``create_sensitivity_results_sm``): (M, low, high).
    M is in the outcome's own unit per period, so it needs a judgement of scale; the pages use
    relative magnitudes instead."""
    from moderndid.didhonest import create_sensitivity_results_sm

    lv = _weights(study, l_vec)
    # The FLCI's half-length is found by bisection; intermediate conic solves can report
    # "Solution may be inaccurate" (cvxpy). Only that message is caught, and the results are
    # checked instead: every interval must be finite and contain the point estimate.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Solution may be inaccurate", category=UserWarning
        )
        table = create_sensitivity_results_sm(
            betahat=study.estimates,
            sigma=study.vcov,
            num_pre_periods=study.n_pre,
            num_post_periods=study.n_post,
            method="FLCI",
            m_vec=np.asarray(m, dtype=float),
            l_vec=lv,
            alpha=1 - confidence,
        )
    out = [
        (float(mm), float(lo), float(hi))
        for mm, lo, hi in zip(table["m"], table["lb"], table["ub"], strict=True)
    ]
    theta = float(lv @ study.estimates[study.n_pre :])
    if not all(math.isfinite(lo) and math.isfinite(hi) and lo <= theta <= hi for _, lo, hi in out):
        raise InvalidInput(
            "The smoothness bounds could not be computed reliably for this event study; use the "
            "relative-magnitudes bounds (relative_magnitude_bounds) instead."
        )
    return out
