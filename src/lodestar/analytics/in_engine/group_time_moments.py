"""Callaway & Sant'Anna group-time effects from each cohort's moments, not its rows.

On a balanced panel (everyone observed in every period) each cohort's count ``n_c``, the sum
of its people's outcome vectors ``m_c`` (one entry per period) and the sum of their outer
products ``S_c`` (period x period) are sufficient for every number that
:func:`lodestar.analytics.estimators.group_time._group_time_numpy` computes from the rows:

- a cell's mean change ``(m_g[t] - m_g[b]) / n_g``, and so ATT(g,t);
- every influence function is, for a person of cohort ``c``, linear in their outcome vector,
  ``IF = beta_c' y + gamma_c``, so the sum over people of ``IF IF'`` is
  ``beta_c' S_c beta_c + beta_c' m_c gamma_c' + gamma_c m_c' beta_c + n_c gamma_c gamma_c'``
  summed over cohorts: the standard errors of the cells and of every aggregation, the
  event-study covariance and the pre-trend Wald test.

The engine that holds the rows computes the moments (``lodestar.analytics.in_engine.queries``);
this module turns them into the same :class:`GroupTimeEffects` as the in-memory engine, to
rounding. The outcome may be shifted by a constant before the moments are taken (it keeps the
sums of squares small): every change ``y_t - y_b`` is unaffected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lodestar.analytics.estimators.group_time import (
    Aggregation,
    GroupTimeEffects,
    _wald,
    cell_grid,
    wif_per_group,
)
from lodestar.analytics.panels import ControlGroup


@dataclass(frozen=True)
class CohortMoments:
    """Per cohort (first treated period as a period index; ``n_periods + 1`` = never):
    ``n[c]`` people, ``sums[c]`` their outcome summed per period, ``cross[c]`` the sum of
    the outer products of their outcome vectors."""

    cohort: np.ndarray  # (C,) int period index, sorted, never last
    n: np.ndarray  # (C,)
    sums: np.ndarray  # (C, T)
    cross: np.ndarray  # (C, T, T)


def group_time_from_moments(
    moments: CohortMoments, periods: np.ndarray, control_group: ControlGroup
) -> tuple[GroupTimeEffects, list[str]]:
    """The in-memory engine's group-time effects and aggregations, from cohort moments."""
    n_periods = len(periods)
    never = n_periods + 1
    cohort = np.asarray(moments.cohort)
    size = np.asarray(moments.n, dtype=np.float64)
    n = float(size.sum())
    treated_rows = np.flatnonzero(cohort != never)
    groups = cohort[treated_rows]
    n_groups = len(groups)
    pg = size[treated_rows] / n
    # Which row of the moments holds each cohort, and each row's group number (n_groups for
    # the never treated), as in the in-memory engine's unit_group.
    row_group = np.full(len(cohort), n_groups)
    row_group[treated_rows] = np.arange(n_groups)

    cell_g, cell_t, e_values, e_col, post = cell_grid(groups, n_periods)
    n_cells = len(cell_g)

    att = np.full(n_cells, np.nan)
    se = np.full(n_cells, np.nan)
    # Per cell: the change's two periods, and for each moments row its scale in the cell's
    # influence function (n/n_t for the cohort, -n/n_c for the comparison, 0 otherwise) and
    # the mean it is centred on.
    change = np.zeros((n_periods, n_cells))
    scale = np.zeros((len(cohort), n_cells))
    centre = np.zeros((len(cohort), n_cells))

    def quad(rows: np.ndarray, t: int, b: int) -> float:
        c = moments.cross[rows]
        return float(np.sum(c[:, t, t] - 2.0 * c[:, t, b] + c[:, b, b]))

    for k in range(n_cells):
        gi, t = int(cell_g[k]), int(cell_t[k])
        g = int(groups[gi])
        b = t - 1 if t < g else g - 1
        treated = np.array([treated_rows[gi]])
        if control_group == "never_treated":
            controls = np.flatnonzero(cohort == never)
        else:
            controls = np.flatnonzero((cohort > t) & (cohort != g))
        n_t, n_c = float(size[treated].sum()), float(size[controls].sum())
        if n_t == 0 or n_c == 0:
            continue
        sums = moments.sums
        mu_t = float(np.sum(sums[treated, t] - sums[treated, b])) / n_t
        mu_c = float(np.sum(sums[controls, t] - sums[controls, b])) / n_c
        att[k] = mu_t - mu_c
        ss_t = quad(treated, t, b) - n_t * mu_t**2
        ss_c = quad(controls, t, b) - n_c * mu_c**2
        se[k] = np.sqrt(max((n / n_t) ** 2 * ss_t + (n / n_c) ** 2 * ss_c, 0.0)) / n
        change[t, k], change[b, k] = 1.0, -1.0
        scale[treated, k], centre[treated, k] = n / n_t, mu_t
        scale[controls, k], centre[controls, k] = -n / n_c, mu_c

    valid = ~np.isnan(att)
    notes: list[str] = []
    if not valid.all():
        notes.append(
            f"{int((~valid).sum())} cohort-period cells had nobody to compare with and were "
            "left out (with a not-yet-treated comparison, the last cohort has none after the "
            "others have started)."
        )
    pg_cell = pg[cell_g]
    att0 = np.where(valid, att, 0.0)

    # Every aggregation's influence function is sum_k coef[k] * IF_k + wif[cohort]: one
    # column of ``coef`` (cells x outputs) and of ``wif`` (group numbers x outputs) each.
    coef_cols: list[np.ndarray] = []
    wif_cols: list[np.ndarray] = []

    def add(coef: np.ndarray, wif: np.ndarray) -> int:
        coef_cols.append(coef)
        wif_cols.append(wif)
        return len(coef_cols) - 1

    def weighted(cells: np.ndarray) -> tuple[float, int]:
        w = pg_cell[cells]
        coef = np.zeros(n_cells)
        coef[cells] = w / w.sum()
        wif = wif_per_group(cells, cell_g, att0, pg_cell, n_groups)
        return float(np.sum(w * att0[cells]) / w.sum()), add(coef, wif)

    dyn_keys, dyn_est, dyn_cols = [], [], []
    for j, e in enumerate(e_values):
        cells = np.flatnonzero((e_col == j) & valid)
        if len(cells) == 0:
            continue
        est, col = weighted(cells)
        dyn_keys.append(int(e))
        dyn_est.append(est)
        dyn_cols.append(col)
    dyn_keys_a = np.asarray(dyn_keys)
    epos = dyn_keys_a >= 0
    dyn_overall = _mean_of(np.asarray(dyn_cols)[epos], coef_cols, wif_cols, add)

    grp_keys, grp_est, grp_cols = [], [], []
    for gi in range(n_groups):
        cells = np.flatnonzero((cell_g == gi) & post & valid)
        if len(cells) == 0:
            continue
        coef = np.zeros(n_cells)
        coef[cells] = 1.0 / len(cells)
        grp_keys.append(gi)
        grp_est.append(float(att0[cells].mean()))
        grp_cols.append(add(coef, np.zeros(n_groups + 1)))
    grp_keys_a = np.asarray(grp_keys)
    grp_est_a = np.asarray(grp_est)
    pgg = pg[grp_keys_a]
    share = pgg / pgg.sum()
    group_col = add(
        sum(share[j] * coef_cols[c] for j, c in enumerate(grp_cols)),
        wif_per_group(np.arange(len(grp_keys_a)), grp_keys_a, grp_est_a, pgg, n_groups),
    )
    group_att = float(np.sum(pgg * grp_est_a) / pgg.sum())

    keep = np.flatnonzero(post & valid)
    w_keep = pg_cell[keep]
    simple_coef = np.zeros(n_cells)
    simple_coef[keep] = w_keep / w_keep.sum()
    simple_col = add(simple_coef, wif_per_group(keep, cell_g, att0, pg_cell, n_groups))
    simple_att = float(np.sum(w_keep * att0[keep]) / w_keep.sum())

    cal_keys, cal_est, cal_cols = [], [], []
    for t in range(n_periods):
        cells = np.flatnonzero((cell_t == t) & post & valid)
        if len(cells) == 0:
            continue
        est, col = weighted(cells)
        cal_keys.append(t)
        cal_est.append(est)
        cal_cols.append(col)
    cal_overall = _mean_of(np.asarray(cal_cols), coef_cols, wif_cols, add)

    cov = _influence_cov(
        moments, row_group, change, scale, centre, np.column_stack(coef_cols), wif_cols, n
    )
    ses = np.sqrt(np.clip(np.diag(cov), 0.0, None))

    def agg(
        kind: str, est: float, col: int, keys: np.ndarray, e: list[float], cols: list[int]
    ) -> Aggregation:
        return Aggregation(kind, est, float(ses[col]), keys, np.asarray(e), ses[cols])

    dyn_idx = np.asarray(dyn_cols)
    dyn_cov = cov[np.ix_(dyn_idx, dyn_idx)]
    stat, df, p = _wald(np.asarray(dyn_est)[~epos], dyn_cov[np.ix_(~epos, ~epos)])
    effects = GroupTimeEffects(
        groups=periods[groups[cell_g[valid]]],
        times=periods[cell_t[valid]],
        att=att[valid],
        se=se[valid],
        simple=agg("simple", simple_att, simple_col, np.array([]), [], []),
        dynamic=agg(
            "dynamic",
            float(np.mean(np.asarray(dyn_est)[epos])),
            dyn_overall,
            dyn_keys_a,
            dyn_est,
            dyn_cols,
        ),
        group=agg("group", group_att, group_col, periods[groups[grp_keys_a]], grp_est, grp_cols),
        calendar=agg(
            "calendar",
            float(np.mean(cal_est)),
            cal_overall,
            periods[np.asarray(cal_keys)],
            cal_est,
            cal_cols,
        ),
        pre_trend_stat=stat,
        pre_trend_df=df,
        pre_trend_p=p,
        dynamic_vcov=dyn_cov,
    )
    return effects, notes


def _mean_of(
    cols: np.ndarray,
    coef_cols: list[np.ndarray],
    wif_cols: list[np.ndarray],
    add: Callable[[np.ndarray, np.ndarray], int],
) -> int:
    """A new output whose influence function is the mean of outputs ``cols``."""
    return add(
        np.mean([coef_cols[c] for c in cols], axis=0),
        np.mean([wif_cols[c] for c in cols], axis=0),
    )


def _influence_cov(
    moments: CohortMoments,
    row_group: np.ndarray,
    change: np.ndarray,
    scale: np.ndarray,
    centre: np.ndarray,
    coef: np.ndarray,
    wif_cols: list[np.ndarray],
    n: float,
) -> np.ndarray:
    """sum over people of IF IF' / n^2 for the outputs whose influence functions are
    ``coef`` (cells x outputs) plus the per-cohort ``wif`` terms, from the moments."""
    wif = np.column_stack(wif_cols)  # group numbers x outputs
    out = np.zeros((coef.shape[1], coef.shape[1]))
    for r in range(len(moments.cohort)):
        weights = scale[r][:, None] * coef  # cells x outputs
        beta = change @ weights  # periods x outputs
        gamma = wif[row_group[r]] - (scale[r] * centre[r]) @ coef
        bm = moments.sums[r] @ beta  # outputs
        out += beta.T @ moments.cross[r] @ beta
        out += np.outer(bm, gamma) + np.outer(gamma, bm)
        out += moments.n[r] * np.outer(gamma, gamma)
    return out / n**2
