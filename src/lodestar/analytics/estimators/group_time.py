"""Callaway & Sant'Anna group-time effects in vectorised numpy: the ATT(g,t) cells, their
per-unit influence functions and the joint Wald test. See ``staggered`` for the method and
its citation; this module holds the numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from lodestar.analytics.panels import ControlGroup, Panel
from lodestar.errors import InvalidInput


@dataclass(frozen=True)
class Aggregation:
    """One aggregation of group-time effects: overall number and its breakdown."""

    kind: str
    estimate: float
    se: float
    keys: np.ndarray  # event times, cohorts or periods (original period units)
    estimates: np.ndarray
    ses: np.ndarray


@dataclass(frozen=True)
class GroupTimeEffects:
    """ATT(g,t) cells and the four aggregations."""

    groups: np.ndarray  # cohort (first treated period), original units
    times: np.ndarray
    att: np.ndarray
    se: np.ndarray
    simple: Aggregation
    dynamic: Aggregation
    group: Aggregation
    calendar: Aggregation
    pre_trend_stat: float | None
    pre_trend_df: int
    pre_trend_p: float | None
    dynamic_vcov: np.ndarray | None = None  # covariance of the event-time effects (dynamic keys)
    # For the multiplier bootstrap: each unit's influence on the simple ATT and its cluster
    # (None when every unit is its own cluster); empty when the engine does not give them.
    simple_influence: np.ndarray | None = None
    cluster_codes: np.ndarray | None = None


class _Clusters:
    """Sums influence functions within clusters (units themselves when none are given)."""

    def __init__(self, codes: np.ndarray | None, n: int) -> None:
        self.codes = codes
        self.n = n
        self.n_clusters = n if codes is None else int(codes.max()) + 1
        self._matrix = (
            None
            if codes is None
            else sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(self.n_clusters, n))
        )

    def se(self, inf: np.ndarray) -> np.ndarray:  # inf: people x columns, Fortran order
        """sqrt(sum over clusters of (sum IF)^2) / n, column-wise (R did: sqrt(mean(IF^2)/n))."""
        summed = inf if self._matrix is None else self._matrix @ inf
        return np.asarray(np.sqrt(np.sum(np.asarray(summed) ** 2, axis=0)) / self.n)

    def cov(self, inf: np.ndarray) -> np.ndarray:
        # Fortran order: BLAS forms X'X of a people x columns matrix 50x faster than from C.
        summed = np.asfortranarray(inf if self._matrix is None else self._matrix @ inf)
        return np.asarray((summed.T @ summed) / self.n**2)


def _columns(vectors: list[np.ndarray]) -> np.ndarray:
    """Per-person vectors as the columns of a Fortran-order matrix (BLAS-friendly)."""
    out = np.empty((len(vectors[0]), len(vectors)), order="F")
    for j, v in enumerate(vectors):
        out[:, j] = v
    return out


def _wif_times_att(
    cell_idx: np.ndarray,
    cell_group: np.ndarray,
    att: np.ndarray,
    pg_cell: np.ndarray,
    unit_group: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """Weight-estimation term wif(keepers) @ att of R ``did``'s aggte, per unit.

    Units in no group (``unit_group == n_groups``) only get the centring terms.
    """
    return np.asarray(wif_per_group(cell_idx, cell_group, att, pg_cell, n_groups)[unit_group])


def wif_per_group(
    cell_idx: np.ndarray,
    cell_group: np.ndarray,
    att: np.ndarray,
    pg_cell: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """The weight-estimation term of :func:`_wif_times_att` for a unit of each cohort (the
    last entry for units in no cohort): it depends on a unit only through its cohort."""
    pg_k = pg_cell[cell_idx]
    total = pg_k.sum()
    weighted = float(np.sum(pg_k * att[cell_idx]))
    sum_att = np.bincount(cell_group[cell_idx], weights=att[cell_idx], minlength=n_groups + 1)
    count = np.bincount(cell_group[cell_idx], minlength=n_groups + 1).astype(float)
    return np.asarray((sum_att - weighted) / total - (count - total) * weighted / total**2)


def cell_grid(
    groups: np.ndarray, n_periods: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The group-time cells: every cohort (as a period index) x every period but the first.
    Per cell: its cohort's number, its period, then the event times present and each cell's
    column among them, and whether the cell is after its cohort's start."""
    n_groups = len(groups)
    cell_g = np.repeat(np.arange(n_groups), n_periods - 1)
    cell_t = np.tile(np.arange(1, n_periods), n_groups)
    cell_e = cell_t - groups[cell_g]
    e_values = np.unique(cell_e)
    return cell_g, cell_t, e_values, np.searchsorted(e_values, cell_e), cell_t >= groups[cell_g]


def _matrix_by_cohort(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The outcome as a person x period matrix (Fortran order) with people sorted by cohort,
    each person's cohort as a period index (``n_periods + 1`` = never treated), and cluster
    codes per person (None when clustering by person)."""
    periods = np.asarray(panel.periods)
    n_periods = len(periods)
    if panel.wide is not None:
        units, unit_cohort = panel.wide.units, panel.wide.cohort
        cluster_values = panel.wide.cluster
    else:
        frame = panel.frame
        first = frame.drop_duplicates("unit")
        units, unit_cohort = first["unit"].to_numpy(), first["cohort"].to_numpy()
        cluster_values = None
        if panel.cluster:
            if frame.groupby("unit", sort=False)[panel.cluster].nunique().max() > 1:
                raise InvalidInput(
                    f"The cluster column '{panel.cluster}' changes over time for some people. "
                    "Use a cluster that is fixed per person (for example their team at the "
                    "start)."
                )
            cluster_values = first[panel.cluster].to_numpy()
    finite = np.isfinite(unit_cohort)
    g_idx = np.where(
        finite, np.searchsorted(periods, np.where(finite, unit_cohort, 0.0)), n_periods + 1
    )
    order = np.argsort(g_idx, kind="stable")
    if panel.wide is not None:
        y = np.asfortranarray(panel.wide.y[order])
    else:
        index = pd.Index(units[order])
        rows = index.get_indexer(frame["unit"].to_numpy())
        cols = np.searchsorted(periods, frame["time"].to_numpy())
        y = np.full((len(units), n_periods), np.nan, order="F")
        y[rows, cols] = frame["y"].to_numpy()
    codes = None if cluster_values is None else pd.factorize(cluster_values[order])[0]
    return y, g_idx[order], codes


def _group_time_numpy(
    panel: Panel, control_group: ControlGroup
) -> tuple[GroupTimeEffects, list[str]]:
    periods = np.asarray(panel.periods)
    n_periods = len(periods)
    y, g_sorted, cluster_codes = _matrix_by_cohort(panel)
    n = len(g_sorted)
    never = n_periods + 1
    clusters = _Clusters(cluster_codes, n)

    groups = np.unique(g_sorted[g_sorted != never])
    n_groups = len(groups)
    starts = np.searchsorted(g_sorted, groups, side="left")
    ends = np.searchsorted(g_sorted, groups, side="right")
    unit_group = np.full(n, n_groups)
    for k in range(n_groups):
        unit_group[starts[k] : ends[k]] = k
    pg = (ends - starts) / n

    cell_g, cell_t, e_values, e_col, post = cell_grid(groups, n_periods)
    n_cells = len(cell_g)

    att = np.full(n_cells, np.nan)
    se = np.full(n_cells, np.nan)
    inf_e = np.zeros((n, len(e_values)), order="F")
    inf_g = np.zeros((n, n_groups), order="F")
    inf_t = np.zeros((n, n_periods), order="F")
    notes: list[str] = []

    def changes(sl: slice, t: int, b: int) -> np.ndarray:
        return np.asarray(y[sl, t] - y[sl, b])

    for k in range(n_cells):
        gi, t = int(cell_g[k]), int(cell_t[k])
        g = int(groups[gi])
        b = t - 1 if t < g else g - 1
        treated = slice(int(starts[gi]), int(ends[gi]))
        if control_group == "never_treated":
            c0 = int(np.searchsorted(g_sorted, never, side="left"))
            controls = [slice(c0, n)]
        else:
            c0 = int(np.searchsorted(g_sorted, t, side="right"))
            if g > t:
                controls = [slice(c0, treated.start), slice(treated.stop, n)]
            else:
                controls = [slice(c0, n)]
        d_treat = changes(treated, t, b)
        ok_t = ~np.isnan(d_treat)
        n_t = int(np.count_nonzero(ok_t))
        d_ctrl = [changes(sl, t, b) for sl in controls]
        ok_c = [~np.isnan(d) for d in d_ctrl]
        n_c = int(sum(np.count_nonzero(o) for o in ok_c))
        if n_t == 0 or n_c == 0:
            continue
        # Sums over the people observed in both periods (np.nansum, without its copies).
        mu_t = float(np.where(ok_t, d_treat, 0.0).sum()) / n_t
        pairs = zip(d_ctrl, ok_c, strict=True)
        mu_c = float(sum(float(np.where(o, d, 0.0).sum()) for d, o in pairs)) / n_c
        att[k] = mu_t - mu_c
        if_t = np.where(ok_t, d_treat - mu_t, 0.0) * (n / n_t)
        if_c = [np.where(o, d - mu_c, 0.0) * (-n / n_c) for d, o in zip(d_ctrl, ok_c, strict=True)]
        if cluster_codes is None:
            ss = float(if_t @ if_t) + sum(float(v @ v) for v in if_c)
        else:
            summed = np.bincount(
                cluster_codes[treated], weights=if_t, minlength=clusters.n_clusters
            )
            for sl, v in zip(controls, if_c, strict=True):
                summed += np.bincount(cluster_codes[sl], weights=v, minlength=clusters.n_clusters)
            ss = float(summed @ summed)
        se[k] = np.sqrt(ss) / n
        weight = pg[gi]
        targets = [(inf_e, int(e_col[k]), weight)]
        if post[k]:
            targets += [(inf_g, gi, 1.0), (inf_t, t, weight)]
        for matrix, col, w in targets:
            matrix[treated, col] += w * if_t
            for sl, v in zip(controls, if_c, strict=True):
                matrix[sl, col] += w * v

    valid = ~np.isnan(att)
    if not (post & valid).any():
        raise InvalidInput(
            "No participant has an outcome value after their start (with a value before it "
            "and someone to compare with in both periods), so there is no after to compare: "
            "the effect cannot be estimated. Load the outcome for the periods after the "
            "participants' start dates and try again."
        )
    if not valid.all():
        notes.append(
            f"{int((~valid).sum())} cohort-period cells had nobody to compare with and were "
            "left out (with a not-yet-treated comparison, the last cohort has none after the "
            "others have started)."
        )
    pg_cell = pg[cell_g]
    att0 = np.where(valid, att, 0.0)

    def aggregate(cells: np.ndarray, inf_col: np.ndarray) -> tuple[float, np.ndarray]:
        w = pg_cell[cells]
        est = float(np.sum(w * att0[cells]) / w.sum())
        inf = inf_col / w.sum() + _wif_times_att(cells, cell_g, att0, pg_cell, unit_group, n_groups)
        return est, inf

    # Dynamic (event time).
    dyn_keys, dyn_est, dyn_inf = [], [], []
    for j, e in enumerate(e_values):
        cells = np.flatnonzero((e_col == j) & valid)
        if len(cells) == 0:
            continue
        est, inf = aggregate(cells, inf_e[:, j])
        dyn_keys.append(int(e))
        dyn_est.append(est)
        dyn_inf.append(inf)
    dyn_keys_a = np.asarray(dyn_keys)
    dyn_inf_m = _columns(dyn_inf)
    dyn_se = clusters.se(dyn_inf_m)
    epos = dyn_keys_a >= 0
    dynamic = Aggregation(
        "dynamic",
        float(np.mean(np.asarray(dyn_est)[epos])),
        float(clusters.se(dyn_inf_m[:, epos].mean(axis=1))[()]),
        dyn_keys_a,
        np.asarray(dyn_est),
        dyn_se,
    )

    # Group.
    grp_est, grp_inf, grp_keys = [], [], []
    for gi in range(n_groups):
        cells = np.flatnonzero((cell_g == gi) & post & valid)
        if len(cells) == 0:
            continue
        grp_keys.append(gi)
        grp_est.append(float(att0[cells].mean()))
        grp_inf.append(inf_g[:, gi] / len(cells))
    grp_keys_a = np.asarray(grp_keys)
    grp_est_a = np.asarray(grp_est)
    grp_inf_m = _columns(grp_inf)
    pgg = pg[grp_keys_a]
    group_att = float(np.sum(pgg * grp_est_a) / pgg.sum())
    group_inf = grp_inf_m @ (pgg / pgg.sum()) + _wif_times_att(
        np.arange(len(grp_keys_a)), grp_keys_a, grp_est_a, pgg, unit_group, n_groups
    )
    group = Aggregation(
        "group",
        group_att,
        float(clusters.se(group_inf)[()]),
        periods[groups[grp_keys_a]],
        grp_est_a,
        clusters.se(grp_inf_m),
    )

    # Simple: pg-weighted mean of all post cells.
    keep = np.flatnonzero(post & valid)
    w_keep = pg_cell[keep]
    simple_inf = inf_g[:, grp_keys_a] @ (pg[grp_keys_a] / w_keep.sum()) + _wif_times_att(
        keep, cell_g, att0, pg_cell, unit_group, n_groups
    )
    simple_att = float(np.sum(w_keep * att0[keep]) / w_keep.sum())
    simple = Aggregation(
        "simple",
        simple_att,
        float(clusters.se(simple_inf)[()]),
        np.array([]),
        np.array([]),
        np.array([]),
    )

    # Calendar.
    cal_keys, cal_est, cal_inf = [], [], []
    for t in range(n_periods):
        cells = np.flatnonzero((cell_t == t) & post & valid)
        if len(cells) == 0:
            continue
        est, inf = aggregate(cells, inf_t[:, t])
        cal_keys.append(t)
        cal_est.append(est)
        cal_inf.append(inf)
    cal_inf_m = _columns(cal_inf)
    calendar = Aggregation(
        "calendar",
        float(np.mean(cal_est)),
        float(clusters.se(cal_inf_m.mean(axis=1))[()]),
        periods[np.asarray(cal_keys)],
        np.asarray(cal_est),
        clusters.se(cal_inf_m),
    )

    stat, df, p = _wald(np.asarray(dyn_est)[~epos], clusters.cov(dyn_inf_m[:, ~epos]))
    effects = GroupTimeEffects(
        groups=periods[groups[cell_g[valid]]],
        times=periods[cell_t[valid]],
        att=att[valid],
        se=se[valid],
        simple=simple,
        dynamic=dynamic,
        group=group,
        calendar=calendar,
        pre_trend_stat=stat,
        pre_trend_df=df,
        pre_trend_p=p,
        dynamic_vcov=clusters.cov(dyn_inf_m),
        simple_influence=np.asarray(simple_inf, dtype=np.float64),
        cluster_codes=cluster_codes,
    )
    return effects, notes


def _wald(theta: np.ndarray, cov: np.ndarray) -> tuple[float | None, int, float | None]:
    """Joint Wald test that all pre-period effects are zero (chi-squared)."""
    if theta.size == 0:
        return None, 0, None
    rank = int(np.linalg.matrix_rank(cov))
    if rank == 0:
        return None, 0, None
    stat = float(theta @ np.linalg.pinv(cov) @ theta)
    return stat, rank, float(stats.chi2.sf(stat, rank))
