"""The naive comparison computed where the rows live (DuckDB over Parquet, PostgreSQL) equals
the in-memory estimator's on each person's before and after means, to 1e-9, from aggregates
only; a group too small is refused in the in-memory estimator's words."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
import pytest
from tests.analytics.in_engine.test_randomised_engines import SPLIT, pilot_rows

from lodestar.analytics.estimators.naive import estimate_naive
from lodestar.analytics.in_engine.naive import estimate_naive_table
from lodestar.analytics.in_engine.randomised import PilotColumns
from lodestar.analytics.results import EffectEstimate
from lodestar.errors import InvalidInput

COLUMNS = PilotColumns(unit="employee_id", time="week", outcome="sales", treated="pilot")


def in_memory(rows: pd.DataFrame) -> EffectEstimate:
    """``person_level``'s rows: the people seen before and after the split, their two means."""
    seen = rows.dropna(subset=["sales"])
    before = seen[seen["week"] < SPLIT].groupby("employee_id")["sales"].mean()
    after = seen[seen["week"] >= SPLIT].groupby("employee_id")["sales"].mean()
    people = (
        seen.groupby("employee_id")[["pilot"]]
        .first()
        .join(before.rename("pre_mean"), how="inner")
        .join(after.rename("post_mean"), how="inner")
        .reset_index()
    )
    return estimate_naive(people, outcome="post_mean", treatment="pilot")


def assert_same(engine: EffectEstimate, memory: EffectEstimate) -> None:
    for field in ("estimate", "se", "ci_low", "ci_high", "p_value", "baseline"):
        assert getattr(engine, field) == pytest.approx(getattr(memory, field), abs=1e-9), field
    assert (engine.n_treated, engine.n_comparison) == (memory.n_treated, memory.n_comparison)
    assert engine.warnings == memory.warnings and engine.evidence == memory.evidence
    assert engine.method_label == memory.method_label and not engine.causal


def in_engine(table: Any) -> EffectEstimate:
    return estimate_naive_table(table, columns=COLUMNS, split=SPLIT, engine="test", source="t")


def test_duckdb_over_parquet_matches_the_in_memory_estimator(tmp_path):
    rows = pilot_rows()
    rows.to_parquet(tmp_path / "rows.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "rows.parquet")
    engine = in_engine(table)
    assert_same(engine, in_memory(rows))
    record = engine.details["engine"]
    assert record["path"] == "aggregates" and "no person's values" in record["travelled"]
    assert record["people"] == engine.n_treated + engine.n_comparison


def test_large_values_keep_their_precision(tmp_path):
    """Values around a million with a spread of a few units: the centred sums keep 1e-9."""
    rows = pilot_rows(seed=11)
    rows["sales"] += 1_000_000.0
    rows.to_parquet(tmp_path / "rows.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "rows.parquet")
    assert_same(in_engine(table), in_memory(rows))


def test_a_group_too_small_is_refused_in_the_in_memory_words(tmp_path):
    rows = pilot_rows()
    pilots = rows.loc[rows["pilot"] == 1, "employee_id"].unique()[:3]
    few = rows[(rows["pilot"] == 0) | rows["employee_id"].isin(pilots)]
    few.to_parquet(tmp_path / "few.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "few.parquet")
    with pytest.raises(InvalidInput) as memory:
        in_memory(few)
    with pytest.raises(InvalidInput) as engine:
        in_engine(table)
    assert str(engine.value) == str(memory.value)
    assert "each group needs at least 5 people" in str(engine.value)


@pytest.mark.postgres
def test_postgresql_matches_the_in_memory_estimator(postgres_ibis):
    rows = pilot_rows(seed=5)
    table = postgres_ibis.create_table("naive_rows", rows)
    engine = in_engine(table)
    assert_same(engine, in_memory(rows))
    assert engine.details["engine"]["path"] == "aggregates"
