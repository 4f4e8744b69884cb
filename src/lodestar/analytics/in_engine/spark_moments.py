"""Cohort moments reduced on Spark's executors: only the moments travel to Python.

The rows (:func:`.queries.batch_rows`) are spread over partitions by person, so every
partition holds whole people; each executor reduces its partition with the same code as
Lodestar's own batches (:func:`.moments.reduce_batches`, through ``mapInArrow``) and returns
one small row: each cohort's count, per-period sums and sums of products, and the rows it
read. The driver adds the rows up. What crosses the network to the machine running Lodestar
is one row per partition, whatever the table's size; the executors need Lodestar's package
(and NumPy, PyArrow) in their Python environment, as any Python code run by Spark does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from lodestar.analytics.in_engine.group_time_moments import CohortMoments
from lodestar.analytics.in_engine.moments import CohortTotals, NotBalanced, reduce_batches
from lodestar.analytics.in_engine.queries import Columns, batch_rows

#: What each partition returns: its cohorts' moments, flattened, and how it went.
MOMENTS_SCHEMA = (
    "cohorts array<bigint>, counts array<double>, sums array<double>, "
    "products array<double>, rows_read bigint, status string"
)


def is_spark(table: ir.Table) -> bool:
    """Whether ``table`` lives in a Spark session (Ibis' PySpark backend)."""
    try:
        return str(table._find_backend().name) == "pyspark"
    except Exception:  # noqa: BLE001 - an expression with no single backend is not Spark
        return False


def reduce_on_executors(
    table: ir.Table, cols: Columns, periods: np.ndarray, *, shift: float, partitions: int
) -> tuple[CohortMoments, int]:
    """:func:`.moments.reduce_batches` over ``table``, run partition by partition on the
    executors; raises :class:`.moments.NotBalanced` as it does."""
    expr = batch_rows(table, cols, None, None)
    backend: Any = expr._find_backend()
    backend._run_pre_execute_hooks(expr)  # registers the program's people (memtables)
    frame = backend.raw_sql(backend.compile(expr)).repartition(max(1, partitions), "unit")
    reducer = _PartitionReducer(np.asarray(periods, dtype=np.float64), float(shift))
    parts = frame.mapInArrow(reducer, MOMENTS_SCHEMA).collect()
    n_periods = len(periods)
    totals = CohortTotals(n_periods)
    rows_read = 0
    for part in parts:
        if part["status"]:
            raise NotBalanced(duplicated=part["status"] == "duplicated")
        rows_read += int(part["rows_read"])
        cohorts = [int(c) for c in part["cohorts"]]
        part_sums = np.asarray(part["sums"], dtype=np.float64).reshape(len(cohorts), n_periods)
        part_cross = np.asarray(part["products"], dtype=np.float64).reshape(
            len(cohorts), n_periods, n_periods
        )
        for i, c in enumerate(cohorts):
            totals.add(c, float(part["counts"][i]), part_sums[i], part_cross[i])
    return totals.moments(), rows_read


class _PartitionReducer:
    """The function each executor runs on its partition (picklable: periods and shift are
    its only state)."""

    def __init__(self, periods: np.ndarray, shift: float) -> None:
        self.periods = periods
        self.shift = shift

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        held = list(batches)
        status, rows = "", 0
        cohorts: list[int] = []
        n: list[float] = []
        sums: list[float] = []
        cross: list[float] = []
        if held:
            try:
                moments, rows = reduce_batches(
                    [pa.Table.from_batches(held)], self.periods, shift=self.shift
                )
            except NotBalanced as exc:
                status = "duplicated" if exc.duplicated else "unbalanced"
            else:
                cohorts = [int(c) for c in moments.cohort]
                n = moments.n.tolist()
                sums = moments.sums.reshape(-1).tolist()
                cross = moments.cross.reshape(-1).tolist()
        yield pa.RecordBatch.from_pydict(
            {
                "cohorts": [cohorts],
                "counts": [n],
                "sums": [sums],
                "products": [cross],
                "rows_read": [rows],
                "status": [status],
            },
            schema=pa.schema(
                [
                    ("cohorts", pa.list_(pa.int64())),
                    ("counts", pa.list_(pa.float64())),
                    ("sums", pa.list_(pa.float64())),
                    ("products", pa.list_(pa.float64())),
                    ("rows_read", pa.int64()),
                    ("status", pa.string()),
                ]
            ),
        )
