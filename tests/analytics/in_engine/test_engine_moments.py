"""Cohort moments computed by the engine (one aggregate query, PostgreSQL and DuckDB) give
the in-memory engine's estimates and standard errors to 1e-9, and data that is not a
balanced panel still falls back to the rows with the same words."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from tests.analytics.in_engine.conftest import program_panel
from tests.analytics.in_engine.test_staggered_engines import COLUMNS, assert_same
from tests.analytics.panel_sim import simulate_panel

from lodestar.analytics.estimators.staggered import estimate_staggered
from lodestar.analytics.in_engine.engine_moments import engine_moments
from lodestar.analytics.in_engine.moments import NotBalanced, reduce_batches
from lodestar.analytics.in_engine.queries import Columns
from lodestar.analytics.in_engine.staggered import estimate_staggered_table
from lodestar.errors import InvalidInput

Table = Callable[[str, pd.DataFrame], Any]


def one_start_date() -> pd.DataFrame:
    """The 2x2 case: one start date and a never-trained group."""
    data = simulate_panel(n_units=120, n_periods=6, starts={4: 0.5}, effect=1.5, seed=5)
    data = data.rename(columns={"person": "employee_id", "kpi": "sales"})
    return data.assign(cohort=data["start"].fillna(0).astype("int64"))[list(COLUMNS.values())]


def edge_cohorts(first_week: bool = True) -> pd.DataFrame:
    """Some people start after the last week (never trained within the panel) and, with
    ``first_week``, some in the first week (left out of the moments: no week before; the
    estimators refuse such a panel, so only the moments are compared on it)."""
    data = program_panel(seed=8)
    first, last = data["week"].min(), data["week"].max()
    people = data["employee_id"]
    early = (people % 11 == 0) & first_week
    late = people % 13 == 0
    return data.assign(cohort=np.where(early, first, np.where(late, last + 3, data["cohort"])))


@pytest.fixture(params=["duckdb", "postgres"])
def make_table(request: pytest.FixtureRequest, tmp_path: Path) -> Table:
    """A table in the engine named by the parameter, made from a frame."""
    if request.param == "postgres":
        con = request.getfixturevalue("postgres_ibis")
        return lambda name, frame: con.create_table(f"{name}_{uuid.uuid4().hex[:8]}", frame)

    def parquet(name: str, frame: pd.DataFrame) -> Any:
        frame.to_parquet(tmp_path / f"{name}.parquet")
        return ibis.duckdb.connect().read_parquet(tmp_path / f"{name}.parquet")

    return parquet


def in_engine(table: Any, **options: Any) -> Any:
    return estimate_staggered_table(
        table, **COLUMNS, engine="test", source="panel", moments_in="engine", **options
    )


def assert_same_refusal(table: Any, data: pd.DataFrame) -> None:
    """The engine path refuses with the in-memory engine's words."""
    with pytest.raises(InvalidInput) as engine:
        in_engine(table)
    with pytest.raises(InvalidInput) as memory:
        estimate_staggered(data, **COLUMNS)
    assert str(engine.value) == str(memory.value)


@pytest.mark.parametrize(
    ("data", "control_group"),
    [
        (program_panel(), "never_treated"),
        (program_panel(), "not_yet_treated"),
        (one_start_date(), "never_treated"),
        (edge_cohorts(first_week=False), "not_yet_treated"),
    ],
    ids=["cohorts-never", "cohorts-not-yet", "two-by-two", "starts-after-the-last-week"],
)
def test_moments_in_the_engine_match_the_in_memory_engine(make_table, data, control_group):
    table = make_table("moments_panel", data)
    engine = in_engine(table, control_group=control_group)
    assert_same(engine, estimate_staggered(data, **COLUMNS, control_group=control_group))
    record = engine.details["engine"]
    assert record["path"] == "moments" and record["reduced_in"] == "engine"
    assert record["rows_read"] == len(data)
    assert "in the engine (one row of moments per cohort came back)" in record["travelled"]


def test_the_engines_moments_are_the_batch_reductions(make_table):
    """The same numbers as reducing the rows in Lodestar's process, moment by moment."""
    data = edge_cohorts()
    table = make_table("moments_raw", data)
    cols = Columns(unit="employee_id", time="week", outcome="sales", cohort="cohort")
    periods = np.sort(data["week"].unique()).astype(np.float64)
    shift = float(data["sales"].mean())
    got, got_rows = engine_moments(table, cols, periods, shift=shift)
    rows = pa.table(
        {
            "unit": data["employee_id"],
            "time": data["week"].astype(float),
            "y": data["sales"].astype(float),
            "cohort": data["cohort"].astype(float),
        }
    )
    want, want_rows = reduce_batches([rows], periods, shift=shift)
    assert got_rows == want_rows == len(data)
    np.testing.assert_array_equal(got.cohort, want.cohort)
    np.testing.assert_array_equal(got.n, want.n)
    np.testing.assert_allclose(got.sums, want.sums, atol=1e-9)
    np.testing.assert_allclose(got.cross, want.cross, atol=1e-9)


def test_duplicated_rows_fall_back_with_the_in_memory_words(make_table, panel):
    doubled = pd.concat([panel, panel.iloc[:3]], ignore_index=True)
    assert_same_refusal(make_table("moments_doubled", doubled), doubled)


def test_a_period_twice_and_one_missing_is_found_by_the_engine(make_table, panel):
    """Every person has as many rows as periods, but one has a week twice and another not
    at all: the counts alone look balanced, the engine's query says otherwise."""
    first = panel["employee_id"].iloc[0]
    moved = panel.copy()
    row = moved.index[(moved["employee_id"] == first) & (moved["week"] == moved["week"].max())]
    moved.loc[row, "week"] = moved["week"].min()
    table = make_table("moments_moved", moved)
    cols = Columns(unit="employee_id", time="week", outcome="sales", cohort="cohort")
    periods = np.sort(panel["week"].unique()).astype(np.float64)
    with pytest.raises(NotBalanced) as found:
        engine_moments(table, cols, periods, shift=0.0)
    assert found.value.duplicated
    assert_same_refusal(table, moved)


def test_an_unbalanced_panel_still_reads_the_rows(make_table, panel):
    gappy = panel.drop(index=panel.index[5::37])
    table = make_table("moments_gappy", gappy)
    engine = in_engine(table)
    assert_same(engine, estimate_staggered(gappy, **COLUMNS))
    record = engine.details["engine"]
    assert record["path"] == "rows" and "unbalanced" in record["why"]


def test_where_the_moments_are_reduced_is_checked(panel, tmp_path):
    panel.to_parquet(tmp_path / "p.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "p.parquet")
    with pytest.raises(
        InvalidInput,
        match="'cluster' is not a valid place to reduce the moments. Choose one of: 'auto'",
    ):
        estimate_staggered_table(table, **COLUMNS, moments_in="cluster")  # type: ignore[arg-type]


@pytest.mark.postgres
def test_postgresql_reduces_in_the_engine_by_default(postgres_ibis, panel):
    def jit() -> str:
        with postgres_ibis.begin() as cur:
            cur.execute("SHOW jit")
            return str(cur.fetchone()[0])

    before = jit()
    table = postgres_ibis.create_table(f"moments_default_{uuid.uuid4().hex[:8]}", panel)
    engine = estimate_staggered_table(table, **COLUMNS)
    assert engine.details["engine"]["reduced_in"] == "engine"
    assert_same(engine, estimate_staggered(panel, **COLUMNS))
    assert jit() == before  # switched off for the query only
