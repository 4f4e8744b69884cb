"""Honest difference-in-differences under relative magnitudes: Rambachan & Roth's robust
confidence set, exact and fast.

Rambachan & Roth (2023) replace "trends were parallel" with a bound on how far the difference
in trends after the start may move, judged by what was seen before it. Under **relative
magnitudes** Δ^RM(M̄) no period-to-period change in the trend difference after the start is
larger than M̄ times the largest such change before it::

    |δ_{t+1} − δ_t| ≤ M̄ · max_{s<0} |δ_{s+1} − δ_s|   for every t ≥ 0   (δ at period −1 is 0)

Δ^RM(M̄) is a union of polyhedra, one per pre-start change s that carries the largest
violation and its sign: ``Δ_{s,±} = {δ : |δ_{t+1} − δ_t| ≤ ±M̄ (δ_{s+1} − δ_s) for t ≥ 0}``. The
confidence set for θ = l'τ_post is the union of the sets for each piece (their Lemma 2.2), each
inverted from the conditional-least-favourable hybrid test of Andrews, Roth & Pakes
(:mod:`.arp`) on the moments that involve the periods after the start (HonestDiD's
``postPeriodMomentsOnly``; all moments with a single period after the start). The interval
reported is from the smallest to the largest θ not rejected, as HonestDiD reports it.

**Why it is fast.** For the moments after the start the rows come in pairs ``±D δ_post`` (D
takes first differences), so the cone ``{γ ≥ 0 : γ'A_post ∝ l'}`` of the test's dual has at
most ``n_post + 2`` extreme rays, known in closed form: ``(w⁺, w⁻)``, ``(w⁻, w⁺)`` with
``w = D'⁻¹ l``, and ``(e_j, e_j)``. Every θ of a grid is then tested in one matrix product
instead of one linear program (the tests of all the pieces in one array computation), the
least-favourable critical value comes from one product over the simulation draws, and the
endpoints are refined by successive finer grids between the last rejected and first accepted
value (bisection in blocks). The draws are made once and shared by every piece, M̄ and step
(common random numbers: the results are smooth in M̄ and reproducible to the digit). The
critical value is the 99.5% quantile of a maximum that, for a piece Δ_{s,±}, depends on each
draw only through two numbers (w'Dξ_post and change s); it is read from the 6% of draws
farthest from zero in those two numbers, kept once per s, whenever a bound proves that every
draw above the quantile is among them (:class:`_Tail`): the same quantile of all 100,000 draws
in about a quarter of the time. HonestDiD's grid of 1,000 values has a step of about 0.04
standard errors; the endpoints here are found to about a millionth of a standard error.

**Differences from HonestDiD.** The least-favourable critical value uses 100,000 simulation
draws instead of 1,000 (the 99.5% quantile from 1,000 draws moves the interval's ends by up to
about 1e-3 on the Medicaid example); every pre-start change is a candidate for the largest
(moderndid 0.2.0 leaves out the earliest one).

The **breakdown value** M̄* is the largest M̄ whose robust interval excludes zero, found by
bisection on M̄ to 0.001.

Rambachan, A. & Roth, J. (2023). A more credible approach to parallel trends. *Review of
Economic Studies* 90(5), 2555–2591. Andrews, I., Roth, J. & Pakes, A. (2023). Inference for
linear conditional moment inequalities. *Review of Economic Studies* 90(5), 2041–2077.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lodestar.analytics.sensitivity.arp import (
    LF_SIMULATIONS,
    HybridTest,
    accepts_each,
    hybrid_test,
    normal_draws,
    quantile,
    tail_quantile,
)
from lodestar.analytics.sensitivity.honest_did import EventStudy, post_weights
from lodestar.errors import InvalidInput

__all__ = ["Pieces", "RelativeMagnitudes", "identified_set", "relative_magnitudes"]

Array = NDArray[np.float64]
GRID_POINTS = 201  # first pass over the range HonestDiD searches; refined around the ends
TAIL_SHARE = 0.06  # the draws farthest from zero kept for the critical values (see _Tail)
TAIL_MARGIN = 1e-6  # relative, for rounding in the bound on the draws left out
REFINE_POINTS = 33
REFINE_ROUNDS = 4
BREAKDOWN_TOLERANCE = 1e-3
BREAKDOWN_CAP = 64.0  # beyond this M̄ the breakdown value is reported as infinite


@dataclass(frozen=True)
class RelativeMagnitudes:
    """Robust intervals for θ = l'τ_post over a grid of M̄, and the breakdown value M̄*."""

    estimate: float  # θ̂ = l'β_post
    se: float  # its standard error
    m_bar: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    breakdown: float | None  # M̄*; None when the interval at M̄ = 0 already includes zero
    largest_pre_change: float  # the largest estimated pre-start change in the trend difference
    post_factor: float  # K = Σ l_t (t + 1): the identified set is θ̂ ± M̄ K Δ
    confidence: float

    def as_table(self) -> list[dict[str, float]]:
        return [
            {"m_bar": m, "ci_low": lo, "ci_high": hi}
            for m, lo, hi in zip(self.m_bar, self.ci_low, self.ci_high, strict=True)
        ]


def _differences(n_pre: int, n_post: int) -> Array:
    """First differences of (δ_pre, 0, δ_post) as a map on (β_pre, β_post): row j is
    δ_{j+1} − δ_j with the reference period's δ = 0 dropped."""
    n = n_pre + n_post
    full = np.zeros((n, n + 1))
    for r in range(n):
        full[r, r], full[r, r + 1] = -1.0, 1.0
    return np.delete(full, n_pre, axis=1)


class _Tail:
    """The draws of (w'Dξ_post, change s) farthest from zero, for finding the least-favourable
    critical value of every restriction on change s (either sign, any M̄) without computing the
    maximum for every one of the 100,000 draws.

    The maximum is a maximum of linear functions ``a_k'x`` of x = (w'Dξ_post, change s). Write
    ``x = R z`` with R a square root of x's covariance, so that z is standard normal, and
    ``r = |z|``. Then ``a_k'x ≤ |R'a_k| r``: every draw left out, with r at most ``r₀``, has a
    maximum at most ``H r₀`` with ``H = max_k |R'a_k|``. When the quantile found from the kept
    draws is above that, every draw above the quantile is among them, and the quantile is the
    one over all the draws, to the digit. That is nearly always so: the function attaining H is
    alone normal with standard deviation H, so the 99.5% quantile is at least about 2.58 H,
    while the draws left out (all but the 6% farthest from zero) have r below about 2.37. When
    it is not so, the quantile is computed from every draw.
    """

    def __init__(self, along_w: Array, change: Array, cov: Array) -> None:
        vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
        top = float(vals.max(initial=0.0))
        # Any invertible R gives a valid bound; R close to the covariance's root a tight one.
        # The floor keeps R well conditioned (so that rounding in r stays far below the margin).
        vals = np.clip(vals, top * 1e-8, None) if top > 0 else np.ones_like(vals)
        self.root = vecs * np.sqrt(vals)
        z = np.linalg.inv(self.root) @ np.vstack([along_w, change])
        r = np.hypot(z[0], z[1])
        size = r.size
        kept = min(size - 1, max(int(math.ceil(TAIL_SHARE * size)), 64))
        if kept <= 0:
            self.along_w, self.change, self.radius = along_w, change, 0.0
            return
        order = np.argpartition(-r, kept)
        self.along_w, self.change = along_w[order[:kept]], change[order[:kept]]
        self.radius = float(r[order[kept]])  # the largest r among the draws left out

    def below(self, rows: Array) -> float:
        """A bound on max_k a_k'x over every draw left out (rows: the a_k)."""
        if self.radius == 0.0:
            return -math.inf
        h = float(np.sqrt(((rows @ self.root) ** 2).sum(axis=1)).max())
        return h * self.radius * (1 + TAIL_MARGIN)


class Pieces:
    """The restrictions Δ_{s,±}(M̄) of one event study and weights l, with what they share
    computed once: the first-difference map, the extreme rays of the test's dual cone, and the
    simulation draws projected on the pre- and post-start changes."""

    def __init__(self, study: EventStudy, lv: Array, draws: Array, alpha: float) -> None:
        self.study, self.lv, self.alpha, self.draws = study, lv, alpha, draws
        n_pre, n_post = study.n_pre, study.n_post
        self.diff = _differences(n_pre, n_post)
        self.changes = self.diff @ draws  # draws of every change, pre and post (n × sims)
        if n_post > 1:
            d_post = self.diff[n_pre:, n_pre:]  # D: first differences of the post-start effects
            w = np.linalg.solve(d_post.T, lv)
            wp, wm = np.clip(w, 0.0, None), np.clip(-w, 0.0, None)
            eye = np.eye(n_post)
            self.rays = np.vstack([np.r_[wp, wm], np.r_[wm, wp], np.hstack([eye, eye])])
            self.slopes = np.r_[1.0, -1.0, np.zeros(n_post)]  # γ'A_post = ±l', so γ'a = ±1
            self.along_w = w @ self.changes[n_pre:]  # w'(D ξ_post): the two rays' post part
            # Covariance of (w'D ξ_post, change s) for each pre-start change s.
            maps = np.vstack([w @ self.diff[n_pre:], self.diff[:n_pre]])
            both = maps @ study.vcov @ maps.T
            self._pair_cov = [both[np.ix_([0, 1 + s], [0, 1 + s])] for s in range(n_pre)]
            self._tails: dict[int, _Tail] = {}

    def moments(self, m_bar: float, s: int, sign: float) -> Array:
        """HonestDiD's ``.create_A_RM`` rows: the post-start moments, or all of them when there
        is one period after the start."""
        n_pre = self.study.n_pre
        largest = sign * self.diff[s]
        post = self.diff[n_pre:]
        post_moments = np.vstack([post - m_bar * largest, -post - m_bar * largest])
        if self.study.n_post > 1:
            return post_moments
        pre = self.diff[[r for r in range(n_pre) if r != s]]
        return np.vstack([pre - largest, -pre - largest, post_moments])

    def test(self, m_bar: float, s: int, sign: float) -> HybridTest:
        study, moments = self.study, self.moments(m_bar, s, sign)
        if study.n_post == 1:
            # No nuisance: every moment is used and every unit vector is a vertex; θ enters the
            # two post-start moments with slope ±1 per unit of l.
            slopes = np.zeros(moments.shape[0])
            slopes[-2], slopes[-1] = 1.0 / self.lv[0], -1.0 / self.lv[0]
            return hybrid_test(
                moments,
                study.estimates,
                study.vcov,
                np.eye(moments.shape[0]),
                slopes,
                alpha=self.alpha,
                draws=self.draws,
            )
        factor = -m_bar * sign  # the pull of every post-start moment is −M̄ (±change s)

        def critical(scale: Array, keep: NDArray[np.bool_], p: float) -> float:
            return self._critical(s, factor, scale, keep, p)

        return hybrid_test(
            moments,
            study.estimates,
            study.vcov,
            self.rays,
            self.slopes,
            alpha=self.alpha,
            critical=critical,
        )

    def _simulated(
        self, along_w: Array, change: Array, factor: float, scale: Array, keep: NDArray[np.bool_]
    ) -> Array:
        """max_v γ_v'ξ for the given draws of w'Dξ_post and of change s. The two rays (w⁺, w⁻),
        (w⁻, w⁺) give ±w'Dξ + (Σ w±) pull; the pairs (e_j, e_j) give 2 pull, whose largest
        scaled value is at the smallest or largest scale by pull's sign."""
        pull = factor * change
        weight = self.rays.sum(axis=1)
        top = np.full(pull.shape, -np.inf)
        for v, direction in ((0, 1.0), (1, -1.0)):
            if keep[v]:
                top = np.maximum(top, (direction * along_w + weight[v] * pull) / scale[v])
        pair = weight[2:][keep[2:]] / scale[2:][keep[2:]]
        if pair.size:
            top = np.maximum(top, np.where(pull >= 0, pull * pair.max(), pull * pair.min()))
        return top

    def _critical(
        self, s: int, factor: float, scale: Array, keep: NDArray[np.bool_], p: float
    ) -> float:
        """The p quantile of :meth:`_simulated` over all the draws, from the tail of the draws
        farthest from zero when that provably holds every draw above the quantile, else from
        all of them: the same number either way (see :class:`_Tail`)."""
        tail = self._tail(s)
        weight = self.rays.sum(axis=1)
        # Each part of the maximum is linear in (w'Dξ_post, change s): its coefficients.
        rows = [
            (direction / scale[v], weight[v] * factor / scale[v])
            for v, direction in ((0, 1.0), (1, -1.0))
            if keep[v]
        ]
        pair = weight[2:][keep[2:]] / scale[2:][keep[2:]]
        if pair.size:
            rows += [(0.0, factor * pair.max()), (0.0, factor * pair.min())]
        value = tail_quantile(
            self._simulated(tail.along_w, tail.change, factor, scale, keep),
            p,
            size=self.draws.shape[1],
            below=tail.below(np.asarray(rows)),
        )
        if value is not None:
            return value
        along_w, change = self.along_w, self.changes[s]
        return quantile(self._simulated(along_w, change, factor, scale, keep), p)

    def _tail(self, s: int) -> _Tail:
        if s not in self._tails:
            self._tails[s] = _Tail(self.along_w, self.changes[s], self._pair_cov[s])
        return self._tails[s]

    def tests(self, m_bar: float) -> list[HybridTest]:
        """The hybrid test of every piece Δ_{s,±}(M̄)."""
        return [self.test(m_bar, s, sign) for s in range(self.study.n_pre) for sign in (1.0, -1.0)]


def _accepts(tests: Sequence[HybridTest], thetas: Array) -> NDArray[np.bool_]:
    return np.asarray(accepts_each(tests, thetas).any(axis=0), dtype=bool)


def _refine(tests: Sequence[HybridTest], rejected: float, accepted: float) -> float:
    """The boundary between a rejected and an accepted θ, by successively finer grids."""
    for _ in range(REFINE_ROUNDS):
        grid = np.linspace(rejected, accepted, REFINE_POINTS)
        ok = _accepts(tests, grid)
        first = int(np.argmax(ok))  # ok[-1] is True, so some value is accepted
        rejected, accepted = float(grid[first - 1]), float(grid[first])
    return accepted


def _interval(tests: Sequence[HybridTest], centre: float, half: float) -> tuple[float, float]:
    """Smallest and largest θ not rejected (±inf when the set is unbounded). Only the pieces
    that accept the outermost accepted grid value are refined there: another piece could move
    the end only with an accepted stretch narrower than one grid step, which HonestDiD's grid
    would miss as well."""
    for _ in range(8):
        grid = np.linspace(centre - half, centre + half, GRID_POINTS)
        each = accepts_each(tests, grid)
        ok: NDArray[np.bool_] = np.asarray(each.any(axis=0), dtype=bool)
        if not ok.any():
            return math.nan, math.nan
        if not (ok[0] or ok[-1]):
            first, last = np.flatnonzero(ok)[[0, -1]]
            at_first = [t for t, hit in zip(tests, each[:, first], strict=True) if hit]
            at_last = [t for t, hit in zip(tests, each[:, last], strict=True) if hit]
            lo = _refine(at_first, float(grid[first - 1]), float(grid[first]))
            hi = _refine(at_last, float(grid[last + 1]), float(grid[last]))
            return lo, hi
        half *= 2
    return -math.inf, math.inf


def identified_set(
    study: EventStudy, m_bar: float, l_vec: ArrayLike | None = None
) -> tuple[float, float]:
    """The identified set of θ under Δ^RM(M̄) at the estimates: ``l'β_post ± M̄ K Δ``
    (HonestDiD's ``computeIdentifiedSet_DeltaRM``)."""
    lv = post_weights(study, l_vec)
    theta = float(lv @ study.estimates[study.n_pre :])
    half = m_bar * _post_factor(study, lv) * _largest_change(study)
    return theta - half, theta + half


def _post_factor(study: EventStudy, lv: Array) -> float:
    return float(lv @ (np.arange(study.n_post) + 1.0))


def _largest_change(study: EventStudy) -> float:
    pre = np.r_[study.estimates[: study.n_pre], 0.0]
    return float(np.max(np.abs(np.diff(pre))))


def _check(study: EventStudy, confidence: float, grid: Sequence[float]) -> None:
    if not 0 < confidence < 1:
        raise InvalidInput("The confidence level must lie between 0 and 1, e.g. 0.95.")
    if study.n_pre < 1 or study.n_post < 1:
        raise InvalidInput(
            "Honest DiD bounds need at least two periods before the start (one besides the "
            "reference period) and one after it; load more KPI history before the start."
        )
    if any(m < 0 or not math.isfinite(m) for m in grid):
        raise InvalidInput("Values of M-bar must be finite and not negative, e.g. 0 to 2.")


def relative_magnitudes(
    study: EventStudy,
    *,
    m_bar: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    l_vec: ArrayLike | None = None,
    confidence: float = 0.95,
    breakdown: bool = True,
    simulations: int = LF_SIMULATIONS,
) -> RelativeMagnitudes:
    """Rambachan & Roth's conditional-least-favourable hybrid interval under Δ^RM(M̄) for each
    M̄, and the breakdown value M̄* (``breakdown=False`` skips it and reports None);
    ``simulations`` draws give the least-favourable critical value."""
    grid = tuple(float(m) for m in m_bar)
    _check(study, confidence, grid)
    lv = post_weights(study, l_vec)
    alpha = 1 - confidence
    post = slice(study.n_pre, study.n_pre + study.n_post)
    theta = float(lv @ study.estimates[post])
    se = float(math.sqrt(max(float(lv @ study.vcov[post, post] @ lv), 0.0)))
    k, delta = _post_factor(study, lv), _largest_change(study)
    pieces = Pieces(study, lv, normal_draws(study.vcov, sims=simulations), alpha)
    lows, highs = [], []
    for m in grid:
        lo, hi = _interval(pieces.tests(m), theta, m * k * delta + 20 * max(se, 1e-12))
        lows.append(lo)
        highs.append(hi)
    known = dict(zip(grid, zip(lows, highs, strict=True), strict=True))
    m_star = _breakdown(pieces, known) if breakdown else None
    return RelativeMagnitudes(
        estimate=theta,
        se=se,
        m_bar=grid,
        ci_low=tuple(lows),
        ci_high=tuple(highs),
        breakdown=m_star,
        largest_pre_change=delta,
        post_factor=k,
        confidence=confidence,
    )


def _zero_accepted(pieces: Pieces, m_bar: float) -> bool:
    """Whether θ = 0 is in the robust confidence set at M̄ (stops at the first piece that
    accepts it, trying first the pieces whose largest pre-start change is the estimated one)."""
    zero = np.zeros(1)
    study = pieces.study
    changes = pieces.diff[: study.n_pre] @ study.estimates
    order = sorted(range(study.n_pre), key=lambda s: -abs(float(changes[s])))
    for s in order:
        first = 1.0 if changes[s] >= 0 else -1.0
        for sign in (first, -first):
            if bool(pieces.test(m_bar, s, sign).accepts(zero)[0]):
                return True
    return False


def _breakdown(pieces: Pieces, known: dict[float, tuple[float, float]]) -> float | None:
    """The largest M̄ at which zero is still rejected (None if it is accepted at M̄ = 0), to
    ``BREAKDOWN_TOLERANCE``; the intervals already computed narrow the search."""

    def rejected(m: float) -> bool:
        if m in known:
            lo, hi = known[m]
            return not (lo <= 0 <= hi)
        return not _zero_accepted(pieces, m)

    if not rejected(0.0):
        return None
    lo = max((m for m in known if rejected(m)), default=0.0)
    above = [m for m in known if m > lo and not rejected(m)]
    hi = min(above) if above else max(2 * lo, 1.0)
    while rejected(hi):
        lo, hi = hi, 2 * hi
        if hi > BREAKDOWN_CAP:
            return math.inf
    while hi - lo > BREAKDOWN_TOLERANCE:
        mid = (lo + hi) / 2
        if rejected(mid):
            lo = mid
        else:
            hi = mid
    return lo
