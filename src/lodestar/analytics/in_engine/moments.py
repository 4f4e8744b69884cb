"""Reduce batches of person-period rows to cohort moments, batch by batch.

Each batch holds whole people (see :func:`.queries.batch_rows`); it is laid out as a
person x period block, and each cohort's count, per-period sums and sum of outer products
(a BLAS product) are added to the running totals. Memory depends on the batch, not on the
rows in the table. A batch whose people are not all observed exactly once in every period
stops the reduction: the moments are only exact for a balanced panel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from lodestar.analytics.in_engine.group_time_moments import CohortMoments


@dataclass
class CohortTotals:
    """Running totals of each cohort's count, per-period sums and sum of outer products
    (cohorts as period indexes), added to part by part (batches, partitions, cohorts)."""

    n_periods: int
    n: dict[int, float] = field(default_factory=dict)
    sums: dict[int, np.ndarray] = field(default_factory=dict)
    cross: dict[int, np.ndarray] = field(default_factory=dict)

    def add(self, cohort: int, n: float, sums: np.ndarray, cross: np.ndarray) -> None:
        """Add one part's moments of ``cohort``."""
        if cohort not in self.n:
            self.n[cohort] = 0.0
            self.sums[cohort] = np.zeros(self.n_periods)
            self.cross[cohort] = np.zeros((self.n_periods, self.n_periods))
        self.n[cohort] += n
        self.sums[cohort] += sums
        self.cross[cohort] += cross

    def moments(self) -> CohortMoments:
        """The totals, cohorts in order."""
        keys = sorted(self.n)
        t = self.n_periods
        return CohortMoments(
            cohort=np.asarray(keys, dtype=np.int64),
            n=np.asarray([self.n[k] for k in keys], dtype=np.float64),
            sums=np.asarray([self.sums[k] for k in keys]).reshape(len(keys), t),
            cross=np.asarray([self.cross[k] for k in keys]).reshape(len(keys), t, t),
        )


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
    totals = CohortTotals(n_periods)
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
        key = cohort_codes(g, periods)
        keep = key <= never
        if (counts.reshape(len(ids), n_periods)[keep] == 0).any():
            raise NotBalanced(duplicated=False)
        # People laid out by cohort (those left out last), so each cohort is one slice.
        order = np.argsort(key, kind="stable")
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids))
        block = np.empty((len(ids), n_periods))
        block.reshape(-1)[rank[person] * n_periods + col] = y
        sorted_key = key[order]
        for c in np.unique(sorted_key[sorted_key <= never]):
            mine = block[np.searchsorted(sorted_key, c) : np.searchsorted(sorted_key, c, "right")]
            totals.add(int(c), float(len(mine)), mine.sum(axis=0), mine.T @ mine)
    return totals.moments(), rows_read


def cohort_codes(g: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Cohorts (first treated periods) as the reductions number them: the index of the first
    period, ``len(periods) + 1`` for never treated (0, missing or after the last period), and
    ``len(periods) + 2`` for participants with no period before their start, who are left
    out (``check_timing``)."""
    never = len(periods) + 1
    finite = np.isfinite(g)
    code = np.where(
        (g == 0.0) | (g > float(periods[-1])) | ~finite,
        never,
        np.searchsorted(periods, np.where(finite, g, 0.0)),
    )
    return np.where((code == never) | (g > periods[0]), code, never + 1)


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
