"""A program's impact on a KPI read from Parquet (DuckDB) equals its impact on the same KPI
imported into Lodestar, to 1e-9, and the stored result says which engine and source ran."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from lodestar.db.kpi_store import read_columns
from lodestar.db.models import ImpactResult, Program
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import program_facts
from lodestar.services.impact.kpi_sources import SourceInput, set_kpi_source
from lodestar.services.impact.program_impact import estimate_program_impact


def staggered_program(db) -> tuple[Program, object]:
    """A demo program on an employee-level KPI whose analysis is staggered."""
    for program in db.scalars(select(Program).where(Program.kpi_id.is_not(None))):
        _, kpi = program_facts(db, program.id)
        if kpi.grain != "employee" or program.evaluation_design not in ("", None, "staggered"):
            continue
        try:
            result = estimate_program_impact(db, ACTOR[0], program.id, design="staggered")
        except InvalidInput:
            continue
        return program, result
    pytest.skip("the demo has no staggered program on an employee-level KPI")


ACTOR: list = []


def kpi_as_parquet(db, kpi_id: int, path: Path) -> None:
    rows = read_columns(db, kpi_id)
    pd.DataFrame(
        {
            "employee": rows.subject,
            "week_start": rows.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "value": rows.value,
        }
    ).to_parquet(path)


def test_the_same_kpi_from_parquet_gives_the_same_effect(db, actors, tmp_path):
    ACTOR[:] = [actors["ld"]]
    program, in_memory = staggered_program(db)
    kpi_as_parquet(db, program.kpi_id, tmp_path / "kpi.parquet")
    set_kpi_source(
        db,
        actors["ld"],
        program.kpi_id,
        SourceInput(
            kind="parquet",
            location=str(tmp_path / "kpi.parquet"),
            subject_column="employee",
            period_column="week_start",
            value_column="value",
        ),
    )
    external = estimate_program_impact(db, actors["ld"], program.id, design="staggered")
    want, got = in_memory.business, external.business
    assert got.estimate == pytest.approx(want.estimate, abs=1e-9)
    assert got.se == pytest.approx(want.se, abs=1e-9)
    assert got.evidence == want.evidence
    np.testing.assert_allclose(
        [r["estimate"] for r in got.details["event_study"]],
        [r["estimate"] for r in want.details["event_study"]],
        atol=1e-9,
    )
    stored = db.scalars(
        select(ImpactResult)
        .where(ImpactResult.program_id == program.id)
        .order_by(ImpactResult.id.desc())
    ).first()
    assert stored.settings["engine"] == "duckdb"
    assert stored.settings["source"] == f"Parquet at {tmp_path / 'kpi.parquet'}"
    record = stored.result["details"]["engine"]
    assert record["path"] in ("moments", "rows") and record["rows_read"] > 0


def point_at_parquet(db, actor, kpi_id: int, path: Path) -> None:
    kpi_as_parquet(db, kpi_id, path)
    set_kpi_source(
        db,
        actor,
        kpi_id,
        SourceInput(
            kind="parquet",
            location=str(path),
            subject_column="employee",
            period_column="week_start",
            value_column="value",
        ),
    )


def assert_same_result(got, want) -> None:
    assert got.design == want.design
    assert got.business.estimate == pytest.approx(want.business.estimate, abs=1e-9)
    assert got.business.se == pytest.approx(want.business.se, abs=1e-9)
    assert got.business.p_value == pytest.approx(want.business.p_value, abs=1e-9)
    assert got.business.baseline == pytest.approx(want.business.baseline, abs=1e-9)
    assert got.business.evidence == want.business.evidence
    assert got.business.warnings == want.business.warnings
    assert (got.business.n_treated, got.business.n_comparison) == (
        want.business.n_treated,
        want.business.n_comparison,
    )


def test_the_randomised_pilot_from_parquet_gives_the_same_effect(db, actors, tmp_path):
    program = db.scalars(select(Program).where(Program.code == "fcr_pilot")).one()
    in_memory = estimate_program_impact(db, actors["ld"], program.id)
    assert in_memory.design == "randomised"
    point_at_parquet(db, actors["ld"], program.kpi_id, tmp_path / "kpi.parquet")
    external = estimate_program_impact(db, actors["ld"], program.id)
    assert_same_result(external, in_memory)
    record = external.business.details["engine"]
    assert record["engine"] == "duckdb"
    if in_memory.business.details["inference"] == "randomisation":  # few people: the lottery
        assert record["path"] == "people" and "re-drawing the lottery" in record["why"]
    else:
        assert record["path"] == "aggregates" and "no person's values" in record["travelled"]


def test_selection_on_observables_from_parquet_reads_one_row_per_person(db, actors, tmp_path):
    program = db.scalars(select(Program).where(Program.code == "fcr_pilot")).one()
    design = "selection_on_observables"
    in_memory = estimate_program_impact(db, actors["ld"], program.id, design=design)
    point_at_parquet(db, actors["ld"], program.kpi_id, tmp_path / "kpi.parquet")
    external = estimate_program_impact(db, actors["ld"], program.id, design=design)
    assert_same_result(external, in_memory)
    assert external.naive.estimate == pytest.approx(in_memory.naive.estimate, abs=1e-9)
    record = external.business.details["engine"]
    assert record["path"] == "people" and "one per person" in record["travelled"]
