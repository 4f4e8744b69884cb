"""Honest difference-in-differences: the event study it starts from, and the smoothness bounds.

Rambachan & Roth (2023) replace "trends were parallel" with a restriction on how far the
difference in trends after the start (``δ_post``) may stray, judged by what was seen before it
(``δ_pre``). Both restrictions start from an event study: coefficients relative to the last
period before the start and their covariance (:class:`EventStudy`,
:func:`event_study_from_details`).

- Relative magnitudes, Δ^RM(M̄), the one the pages use: :mod:`.relative_magnitudes` (exact
  conditional-least-favourable hybrid confidence sets and the breakdown value).
- Smoothness, Δ^SD(M): :func:`smoothness_flci`, moderndid's port of HonestDiD's fixed-length
  confidence intervals.

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

from lodestar.errors import InvalidInput

__all__ = [
    "CITATION",
    "EventStudy",
    "event_study_from_details",
    "post_weights",
    "smoothness_flci",
]

CITATION = (
    "Rambachan, A. & Roth, J. (2023). A more credible approach to parallel trends. Review of "
    "Economic Studies 90(5), 2555-2591."
)

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


def post_weights(study: EventStudy, l_vec: ArrayLike | None) -> Vector:
    """The weights l of θ = l'τ_post: equal weights (the average) unless given."""
    if l_vec is None:
        return np.full(study.n_post, 1.0 / study.n_post)
    lv = np.asarray(l_vec, dtype=float).ravel()
    if lv.size != study.n_post or not np.isfinite(lv).all() or (lv < 0).any():
        raise InvalidInput(
            f"The weights on post-start periods (l_vec) must be {study.n_post} non-negative "
            "numbers, one per period after the start; pass, e.g., equal weights for the average."
        )
    return lv


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

    lv = post_weights(study, l_vec)
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
