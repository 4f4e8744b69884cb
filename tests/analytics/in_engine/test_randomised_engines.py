"""A randomised pilot's effect computed where the rows live (DuckDB over Parquet, PostgreSQL,
Spark) equals the in-memory estimator's on each person's before and after means, to 1e-9,
from aggregates only; the cases that need each person say so and give the same answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.estimators.randomised import estimate_randomised
from lodestar.analytics.in_engine.randomised import PilotColumns, estimate_randomised_table
from lodestar.analytics.results import EffectEstimate
from lodestar.errors import InvalidInput

SPLIT = 5  # weeks 1-4 are before the first start
PERSON = PilotColumns(unit="employee_id", time="week", outcome="sales", treated="pilot")
TEAM = PilotColumns(
    unit="employee_id", time="week", outcome="sales", treated="pilot", cluster="team"
)


def pilot_rows(n_people: int = 400, n_teams: int = 50, seed: int = 7) -> pd.DataFrame:
    """People in teams, 8 weeks, whole teams drawn into the pilot (effect 1.5 from week 5),
    with some values missing and a few people seen only before or only after."""
    rng = np.random.default_rng(seed)
    team = rng.integers(0, n_teams, n_people)
    pilot = (rng.random(n_teams) < 0.5).astype(np.int64)[team]
    level = 100 + rng.normal(0, 8, n_people)
    weeks = np.arange(1, 9)
    person = np.repeat(np.arange(1000, 1000 + n_people), len(weeks))
    week = np.tile(weeks, n_people)
    i = person - 1000
    sales = level[i] + 0.3 * week + rng.normal(0, 3, len(week))
    sales += np.where((week >= SPLIT) & (pilot[i] == 1), 1.5, 0.0)
    sales[rng.random(len(sales)) < 0.05] = np.nan
    sales[(i % 97 == 0) & (week >= SPLIT)] = np.nan  # never seen after the start
    return pd.DataFrame(
        {"employee_id": person, "week": week, "sales": sales, "pilot": pilot[i], "team": team[i]}
    )


def in_memory(rows: pd.DataFrame, cluster: str | None) -> EffectEstimate:
    seen = rows.dropna(subset=["sales"])
    before = seen[seen["week"] < SPLIT].groupby("employee_id")["sales"].mean()
    after = seen[seen["week"] >= SPLIT].groupby("employee_id")["sales"].mean()
    people = (
        seen.groupby("employee_id")[["pilot", "team"]]
        .first()
        .join(before.rename("pre_mean"), how="inner")
        .join(after.rename("post_mean"), how="inner")
        .reset_index()
    )
    return estimate_randomised(
        people, outcome="post_mean", treatment="pilot", pre_outcome="pre_mean", cluster=cluster
    )


def assert_same(engine: EffectEstimate, memory: EffectEstimate) -> None:
    assert engine.estimate == pytest.approx(memory.estimate, abs=1e-9)
    assert engine.se == pytest.approx(memory.se, abs=1e-9)
    assert engine.p_value == pytest.approx(memory.p_value, abs=1e-9)
    assert (engine.ci_low, engine.ci_high) == pytest.approx(
        (memory.ci_low, memory.ci_high), abs=1e-9
    )
    assert engine.baseline == pytest.approx(memory.baseline, abs=1e-9)
    assert (engine.n_treated, engine.n_comparison) == (memory.n_treated, memory.n_comparison)
    assert (engine.method, engine.method_label) == (memory.method, memory.method_label)
    assert engine.n_clusters == memory.n_clusters
    assert engine.warnings == memory.warnings
    assert [d.detail for d in engine.diagnostics] == [d.detail for d in memory.diagnostics]
    assert [d.value for d in engine.diagnostics] == pytest.approx(
        [d.value for d in memory.diagnostics], abs=1e-9
    )
    want = {k: v for k, v in memory.details.items() if k != "analytic_ci"}
    got = {k: v for k, v in engine.details.items() if k in want}
    assert got.keys() == want.keys()
    assert got["se_type"] == want["se_type"] and got["inference"] == want["inference"]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return pilot_rows()


@pytest.fixture
def parquet(tmp_path: Path, rows: pd.DataFrame) -> Any:
    rows.to_parquet(tmp_path / "pilot.parquet")
    return ibis.duckdb.connect().read_parquet(tmp_path / "pilot.parquet")


@pytest.mark.parametrize("columns", [PERSON, TEAM], ids=["by person", "by team"])
def test_duckdb_over_parquet_matches_the_in_memory_estimator(parquet, rows, columns):
    engine = estimate_randomised_table(parquet, columns=columns, split=SPLIT, engine="duckdb")
    assert_same(engine, in_memory(rows, columns.cluster))
    record = engine.details["engine"]
    assert record["path"] == "aggregates" and record["engine"] == "duckdb"
    assert "no person's values" in record["travelled"]
    assert engine.details["se_type"] == ("CR1" if columns.cluster else "HC2")


def test_few_teams_read_each_persons_means_and_say_so(tmp_path):
    few = pilot_rows(n_people=200, n_teams=12, seed=2)
    few.to_parquet(tmp_path / "few.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "few.parquet")
    engine = estimate_randomised_table(table, columns=TEAM, split=SPLIT)
    memory = in_memory(few, "team")
    assert memory.details["inference"] == "randomisation"
    assert_same(engine, memory)
    record = engine.details["engine"]
    assert record["path"] == "people" and "re-drawing the lottery" in record["why"]


def test_a_refusal_is_the_in_memory_estimators(tmp_path, rows):
    one_sided = rows.assign(pilot=1)
    one_sided.to_parquet(tmp_path / "one.parquet")
    table = ibis.duckdb.connect().read_parquet(tmp_path / "one.parquet")
    with pytest.raises(InvalidInput) as in_engine:
        estimate_randomised_table(table, columns=PERSON, split=SPLIT)
    with pytest.raises(InvalidInput) as memory:
        in_memory(one_sided, None)
    assert str(in_engine.value) == str(memory.value)


def test_nobody_seen_before_and_after_is_refused_in_a_sentence(parquet):
    with pytest.raises(InvalidInput, match="both before and after"):
        estimate_randomised_table(parquet, columns=PERSON, split=100)


@pytest.mark.postgres
@pytest.mark.parametrize("columns", [PERSON, TEAM], ids=["by person", "by team"])
def test_postgresql_matches_the_in_memory_estimator(postgres_ibis, rows, columns):
    table = postgres_ibis.create_table(f"pilot_rows_{columns.cluster or 'people'}", rows)
    engine = estimate_randomised_table(table, columns=columns, split=SPLIT)
    assert_same(engine, in_memory(rows, columns.cluster))
    assert engine.details["engine"]["path"] == "aggregates"


@pytest.mark.parametrize("columns", [PERSON, TEAM], ids=["by person", "by team"])
def test_spark_local_matches_the_in_memory_estimator(spark_ibis, rows, columns):
    table = spark_ibis.create_table("pilot_rows", rows, overwrite=True)
    engine = estimate_randomised_table(table, columns=columns, split=SPLIT)
    assert_same(engine, in_memory(rows, columns.cluster))
    assert engine.details["engine"]["path"] == "aggregates"
