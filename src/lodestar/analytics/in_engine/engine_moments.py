"""Cohort moments computed by the engine that holds the rows: only the moments travel.

The same sufficient statistics as :func:`.moments.reduce_batches` (each cohort's count, the
per-period sums and the period x period sums of products of ``y - shift``), written once as
an Ibis expression (:func:`cohort_moments_query`) that the engine runs as one query:

1. per person (the observed rows of :func:`.queries.batch_rows`): the values ordered by
   period (an ordered ``array_agg``), the cohort, the rows and the distinct periods;
2. the array taken apart into one column per period (behind a window function, which keeps
   PostgreSQL from inlining the subscripts into every product: each value is taken out of
   the array once per person, not once per product);
3. per cohort: the people, those with a period twice and those missing a period, the T sums
   and the T (T + 1) / 2 sums of products (each packed into one array, since PostgreSQL
   allows at most 1,664 columns in a result).

What comes back is one row per cohort. On a balanced panel each kept person's array holds
exactly one value per period, in period order; people with a period twice, or missing one,
are counted in step 3 and :func:`engine_moments` raises :class:`.moments.NotBalanced` as
the batch reduction does. The cohorts are grouped by their raw value and read here as the
batch reduction reads them (0, missing or after the last period: never treated; treated in
or before the first period: left out).

Measured (docs/external-sources.md, PostgreSQL at 10,000 people x 104 weeks): 1.5 s, against
2.3 s for a pivot by conditional sums and 18 s for a self-join of the rows on person grouped
by cohort and both periods; on DuckDB 6.2 s at 100,000 people against 36 s for the pivot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, get_args

import ibis
import ibis.expr.types as ir
import numpy as np

from lodestar.analytics.in_engine.group_time_moments import CohortMoments
from lodestar.analytics.in_engine.moments import CohortTotals, NotBalanced, cohort_codes
from lodestar.analytics.in_engine.queries import Columns, batch_rows
from lodestar.domain.options import check_option

#: Where the moments of a balanced panel are reduced when the engine is not Spark: ``auto``
#: (in the engine on PostgreSQL, in Lodestar's process elsewhere; see
#: :data:`IN_ENGINE_BY_DEFAULT`), ``engine`` (:func:`engine_moments`) or ``lodestar``
#: (batches of rows, :func:`.moments.reduce_batches`).
MomentsIn = Literal["auto", "engine", "lodestar"]
MOMENTS_IN: tuple[MomentsIn, ...] = get_args(MomentsIn)

#: The engines whose moments ``auto`` computes in the engine (measured, see
#: docs/external-sources.md): on PostgreSQL the rows would otherwise cross the network.
IN_ENGINE_BY_DEFAULT = frozenset({"postgres"})


def check_moments_in(value: str) -> MomentsIn:
    """Check a ``moments_in`` option at the boundary."""
    return check_option(value, MOMENTS_IN, "place to reduce the moments")


def reduces_in_engine(table: ir.Table, moments_in: MomentsIn) -> bool:
    """Whether :func:`engine_moments` computes ``table``'s moments (not Spark: its executors
    reduce the rows themselves)."""
    if moments_in != "auto":
        return moments_in == "engine"
    backend: Any = table._find_backend()
    return str(backend.name) in IN_ENGINE_BY_DEFAULT


def cohort_moments_query(
    rows: ir.Table, c: Columns, n_periods: int, shift: float, *, sort_pairs: bool = False
) -> ir.Table:
    """One row per cohort value: ``cohort``, ``people``, ``duplicated`` and ``unbalanced``
    (people with a period twice, people with fewer than ``n_periods`` periods), ``sums``
    (``n_periods`` values) and ``products`` (the upper triangle, row by row). For
    ``sort_pairs`` see :func:`_values_by_period`."""
    seen = batch_rows(rows, c, None, None)
    per_person = seen.group_by("unit").aggregate(
        values=_values_by_period(seen, shift, sort_pairs),
        cohort=seen.cohort.max(),
        rows=seen.count(),
        periods=seen.time.nunique(),
    )
    values = per_person["values"]
    taken_apart = per_person.select(
        "cohort",
        "rows",
        "periods",
        *[values[i].name(f"y{i}") for i in range(n_periods)],
        # An evaluation barrier (see the module's docstring); its value is not used.
        barrier=ibis.row_number(),
    )
    y = [taken_apart[f"y{i}"] for i in range(n_periods)]
    return taken_apart.group_by("cohort").aggregate(
        people=taken_apart.count(),
        rows=taken_apart.rows.sum(),
        duplicated=(taken_apart.rows > taken_apart.periods).sum(),
        unbalanced=(taken_apart.periods < n_periods).sum(),
        sums=ibis.array([v.sum() for v in y]),
        products=ibis.array(
            [(y[i] * y[j]).sum() for i in range(n_periods) for j in range(i, n_periods)]
        ),
    )


def _values_by_period(seen: ir.Table, shift: float, sort_pairs: bool) -> ir.ArrayValue:
    """Each person's ``y - shift`` in period order: ``array_agg ... ORDER BY``, or with
    ``sort_pairs`` the (period, value) pairs collected and then sorted. DuckDB needs the
    second (it ran out of memory, 2.7 GiB, on an ordered aggregate with one group per
    person, at 100,000 people); PostgreSQL the first (it would take the pairs through
    JSON)."""
    if sort_pairs:
        pairs = ibis.struct({"time": seen.time, "y": seen.y - shift}).collect()
        return pairs.sort().map(lambda pair: pair.y)
    return (seen.y - shift).collect(order_by=seen.time)


def engine_moments(
    table: ir.Table, c: Columns, periods: np.ndarray, *, shift: float
) -> tuple[CohortMoments, int]:
    """:func:`.moments.reduce_batches`'s moments and rows read, computed in ``table``'s
    engine; raises :class:`.moments.NotBalanced` as it does."""
    n_periods = len(periods)
    backend: Any = table._find_backend()
    query = cohort_moments_query(
        table, c, n_periods, shift, sort_pairs=str(backend.name) == "duckdb"
    )
    with _no_jit(backend):
        found = query.to_pyarrow().to_pydict()
    if any(found["duplicated"]):
        raise NotBalanced(duplicated=True)
    upper = np.triu_indices(n_periods)
    codes = cohort_codes(
        np.asarray([np.nan if g is None else float(g) for g in found["cohort"]]), periods
    )
    totals = CohortTotals(n_periods)
    for code, people, unbalanced, g_sums, g_products in zip(
        codes, found["people"], found["unbalanced"], found["sums"], found["products"], strict=True
    ):
        if code > n_periods + 1:  # treated in or before the first period: left out
            continue
        if unbalanced:
            raise NotBalanced(duplicated=False)
        half = np.zeros((n_periods, n_periods))
        half[upper] = np.asarray(g_products, dtype=np.float64)
        full = half + np.triu(half, 1).T
        totals.add(int(code), float(people), np.asarray(g_sums, dtype=np.float64), full)
    return totals.moments(), sum(int(rows) for rows in found["rows"])


@contextmanager
def _no_jit(backend: Any) -> Iterator[None]:
    """PostgreSQL's JIT compiler spends minutes on a query of thousands of expressions
    (measured: over 300 s before the first row, against 4 s run without it): switched off
    for this query and restored afterwards. Other engines are left alone."""
    if str(backend.name) != "postgres":
        yield
        return
    with backend.begin() as cur:
        cur.execute("SHOW jit")
        (before,) = cur.fetchone()
        cur.execute("SET jit = off")
    try:
        yield
    finally:
        with backend.begin() as cur:
            cur.execute(f"SET jit = {'on' if before == 'on' else 'off'}")
