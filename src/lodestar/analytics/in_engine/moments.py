"""Reduce batches of person-period rows to cohort moments, batch by batch.

Each batch holds whole people (see :func:`.queries.batch_rows`); it is laid out as a
person x period block, and each cohort's count, per-period sums and sum of outer products
(a BLAS product) are added to the running totals. Memory depends on the batch, not on the
rows in the table. A batch whose people are not all observed exactly once in every period
stops the reduction: the moments are only exact for a balanced panel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from lodestar.analytics.in_engine.group_time_moments import CohortMoments


@dataclass
class _Totals:
    n: dict[int, int]
    sums: dict[int, np.ndarray]
    cross: dict[int, np.ndarray]


class NotBalanced(Exception):
    """A batch has a person not observed exactly once in every period."""

    def __init__(self, duplicated: bool) -> None:
        super().__init__("duplicated" if duplicated else "unbalanced")
        self.duplicated = duplicated


def reduce_batches(
    batches: Iterable[pa.Table],
    periods: np.ndarray,
    *,
    shift: float,
) -> tuple[CohortMoments, int]:
    """Cohort moments of ``y - shift`` (cohorts as period indexes, ``len(periods) + 1`` for
    never treated; 0 and starts after the last period count as never) over the participants
    first observed before their start and the never treated, and the rows read."""
    n_periods = len(periods)
    never = n_periods + 1
    last = float(periods[-1])
    totals = _Totals({}, {}, {})
    rows_read = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        rows_read += batch.num_rows
        units = batch.column("unit").to_numpy()
        time = batch.column("time").to_numpy()
        y = batch.column("y").to_numpy() - shift
        cohort = batch.column("cohort").to_numpy()
        ids, person = _positions(units)
        col = np.searchsorted(periods, time)
        counts = np.bincount(person * n_periods + col, minlength=len(ids) * n_periods)
        if (counts > 1).any():
            raise NotBalanced(duplicated=True)
        g = np.empty(len(ids))
        g[person] = cohort
        code = np.where(
            (g == 0.0) | (g > last) | ~np.isfinite(g),
            never,
            np.searchsorted(periods, np.where(np.isfinite(g), g, 0.0)),
        )
        # Participants with no period before their start are left out (check_timing).
        keep = (code == never) | (g > periods[0])
        if (counts.reshape(len(ids), n_periods)[keep] == 0).any():
            raise NotBalanced(duplicated=False)
        # People laid out by cohort (those left out last), so each cohort is one slice.
        key = np.where(keep, code, never + 1)
        order = np.argsort(key, kind="stable")
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids))
        block = np.empty((len(ids), n_periods))
        block.reshape(-1)[rank[person] * n_periods + col] = y
        sorted_key = key[order]
        for c in np.unique(sorted_key[sorted_key <= never]):
            mine = block[np.searchsorted(sorted_key, c) : np.searchsorted(sorted_key, c, "right")]
            k = int(c)
            if k not in totals.n:
                totals.n[k] = 0
                totals.sums[k] = np.zeros(n_periods)
                totals.cross[k] = np.zeros((n_periods, n_periods))
            totals.n[k] += len(mine)
            totals.sums[k] += mine.sum(axis=0)
            totals.cross[k] += mine.T @ mine
    keys = sorted(totals.n)
    moments = CohortMoments(
        cohort=np.asarray(keys, dtype=np.int64),
        n=np.asarray([totals.n[k] for k in keys], dtype=np.float64),
        sums=np.asarray([totals.sums[k] for k in keys]).reshape(len(keys), n_periods),
        cross=np.asarray([totals.cross[k] for k in keys]).reshape(len(keys), n_periods, n_periods),
    )
    return moments, rows_read


def _positions(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct people of a batch and each row's position among them: a lookup table
    for whole-number identifiers in a compact range, a sort otherwise."""
    if units.dtype.kind in "iu" and len(units):
        low, high = int(units.min()), int(units.max())
        if high - low < 4 * len(units) + 1024:
            present = np.zeros(high - low + 1, dtype=bool)
            present[units - low] = True
            position = np.cumsum(present) - 1
            return np.flatnonzero(present) + low, position[units - low]
    ids, person = np.unique(units, return_inverse=True)
    return ids, person
