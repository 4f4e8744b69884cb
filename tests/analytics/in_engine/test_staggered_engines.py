"""The Callaway & Sant'Anna estimate computed where the rows live (DuckDB over Parquet,
PostgreSQL, Spark) equals the in-memory engine's, estimates and standard errors to 1e-9,
with the same warnings, diagnostics and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimators.staggered import estimate_staggered
from lodestar.analytics.in_engine.staggered import estimate_staggered_table
from lodestar.analytics.results import EffectEstimate
from lodestar.errors import InvalidInput

COLUMNS = {"outcome": "sales", "unit": "employee_id", "time": "week", "cohort": "cohort"}


def assert_same(engine: EffectEstimate, memory: EffectEstimate) -> None:
    """Every number to 1e-9 and every sentence word for word."""
    assert engine.estimate == pytest.approx(memory.estimate, abs=1e-9)
    assert engine.se == pytest.approx(memory.se, abs=1e-9)
    assert engine.p_value == pytest.approx(memory.p_value, abs=1e-9)
    assert (engine.ci_low, engine.ci_high) == pytest.approx((memory.ci_low, memory.ci_high))
    assert engine.baseline == pytest.approx(memory.baseline, abs=1e-9)
    assert engine.warnings == memory.warnings
    assert [d.detail for d in engine.diagnostics] == [d.detail for d in memory.diagnostics]
    assert (engine.n_treated, engine.n_comparison) == (memory.n_treated, memory.n_comparison)
    for table in ("group_time", "event_study", "by_cohort", "by_period"):
        got, want = pd.DataFrame(engine.details[table]), pd.DataFrame(memory.details[table])
        assert list(got.columns) == list(want.columns)
        np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(float), atol=1e-9)
    np.testing.assert_allclose(
        engine.details["event_study_vcov"], memory.details["event_study_vcov"], atol=1e-9
    )
    for kind, agg in memory.details["aggregations"].items():
        assert engine.details["aggregations"][kind] == pytest.approx(agg, abs=1e-9)


def both(table: Any, data: pd.DataFrame, **options: Any) -> tuple[EffectEstimate, EffectEstimate]:
    engine = estimate_staggered_table(table, **COLUMNS, engine="test", source="panel", **options)
    memory = estimate_staggered(data, **COLUMNS, **options)
    return engine, memory


@pytest.fixture
def parquet(tmp_path: Path, panel: pd.DataFrame) -> Any:
    path = tmp_path / "panel.parquet"
    panel.to_parquet(path)
    return ibis.duckdb.connect().read_parquet(path)


@pytest.mark.parametrize("control_group", ["never_treated", "not_yet_treated"])
def test_duckdb_over_parquet_matches_the_in_memory_engine(parquet, panel, control_group):
    engine, memory = both(parquet, panel, control_group=control_group)
    assert_same(engine, memory)
    record = engine.details["engine"]
    assert record["path"] == "moments" and record["rows_read"] == len(panel)
    assert "sums of products" in record["travelled"]


def test_people_are_read_in_batches_of_whole_people(tmp_path, panel):
    path = tmp_path / "panel.parquet"
    panel.sample(frac=1.0, random_state=1).to_parquet(path)  # rows in no order
    table = ibis.duckdb.connect().read_parquet(path)
    engine = estimate_staggered_table(table, **COLUMNS, batch_rows_=300)
    assert_same(engine, estimate_staggered(panel, **COLUMNS))


def test_an_unbalanced_panel_reads_the_columns_and_says_so(tmp_path, panel):
    gappy = panel.drop(index=panel.index[5::37])
    gappy.to_parquet(tmp_path / "gappy.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "gappy.parquet")
    engine, memory = both(table, gappy)
    assert_same(engine, memory)
    record = engine.details["engine"]
    assert record["path"] == "rows" and "unbalanced" in record["why"]
    assert record["travelled"].endswith("employee_id, week, sales, cohort.")


def test_missing_values_are_noted_as_in_memory(tmp_path, panel):
    holes = panel.assign(sales=panel["sales"].where(panel.index % 97 != 0))
    holes.to_parquet(tmp_path / "holes.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "holes.parquet")
    engine, memory = both(table, holes)
    assert_same(engine, memory)
    assert any("with no value for sales" in w for w in engine.warnings)


def test_refusals_are_the_in_memory_engines_word_for_word(tmp_path, panel):
    small = panel[(panel["cohort"] != 7) | (panel["employee_id"] % 12 == 0)]
    small.to_parquet(tmp_path / "small.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "small.parquet")
    with pytest.raises(InvalidInput) as in_memory:
        estimate_staggered(small, **COLUMNS)
    with pytest.raises(InvalidInput) as in_engine:
        estimate_staggered_table(table, **COLUMNS)
    assert str(in_engine.value) == str(in_memory.value)
    assert "too small" in str(in_engine.value)


def test_a_column_that_is_not_there_is_named(parquet):
    with pytest.raises(InvalidInput, match="The panel has no column 'revenue'"):
        estimate_staggered_table(parquet, **{**COLUMNS, "outcome": "revenue"})


@pytest.mark.postgres
def test_postgresql_matches_the_in_memory_engine(postgres_ibis, panel):
    table = postgres_ibis.create_table("sales_panel", panel)
    engine, memory = both(table, panel, control_group="not_yet_treated")
    assert_same(engine, memory)
    assert engine.details["engine"]["path"] == "moments"


def test_spark_local_matches_the_in_memory_engine(spark_ibis, panel):
    table = spark_ibis.create_table("sales_panel", panel, overwrite=True)
    engine, memory = both(table, panel)
    assert_same(engine, memory)
    record = engine.details["engine"]
    assert record["path"] == "moments" and record["reduced_in"] == "executors"
    assert record["rows_read"] == len(panel) and "Spark's executors" in record["travelled"]


def test_spark_partitions_reduce_whole_people_and_add_up(spark_ibis, panel):
    """Many small partitions (people spread by the person column) give the same moments."""
    table = spark_ibis.create_table("sales_panel_parts", panel, overwrite=True)
    engine = estimate_staggered_table(table, **COLUMNS, batch_rows_=150)
    assert_same(engine, estimate_staggered(panel, **COLUMNS))


def test_spark_duplicated_rows_are_found_on_the_executors(spark_ibis, panel):
    doubled = pd.concat([panel, panel.iloc[:3]], ignore_index=True)
    table = spark_ibis.create_table("sales_panel_doubled", doubled, overwrite=True)
    with pytest.raises(InvalidInput) as in_engine:
        estimate_staggered_table(table, **COLUMNS)
    with pytest.raises(InvalidInput) as in_memory:
        estimate_staggered(doubled, **COLUMNS)
    assert str(in_engine.value) == str(in_memory.value)


def test_spark_executors_that_cannot_run_lodestar_fall_back_to_batches(
    spark_ibis, panel, monkeypatch
):
    import lodestar.analytics.in_engine.staggered as staggered

    def no_lodestar(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ModuleNotFoundError: No module named 'lodestar'")

    monkeypatch.setattr(staggered, "reduce_on_executors", no_lodestar)
    table = spark_ibis.create_table("sales_panel_fallback", panel, overwrite=True)
    engine = estimate_staggered_table(table, **COLUMNS)
    assert_same(engine, estimate_staggered(panel, **COLUMNS))
    record = engine.details["engine"]
    assert record["reduced_in"] == "lodestar" and "No module named 'lodestar'" in record["why"]
