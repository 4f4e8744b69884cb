"""A program's impact on a KPI read from Parquet (DuckDB) equals its impact on the same KPI
imported into Lodestar, to 1e-9, and the stored result says which engine and source ran."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select

from lodestar.config import get_settings
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


def kpi_frame(db, kpi_id: int) -> pd.DataFrame:
    """The KPI's imported observations as a source would hold them."""
    rows = read_columns(db, kpi_id)
    return pd.DataFrame(
        {
            "employee": rows.subject,
            "week_start": rows.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "value": rows.value,
        }
    )


def kpi_as_parquet(db, kpi_id: int, path: Path) -> None:
    kpi_frame(db, kpi_id).to_parquet(path)


def point_at(db, actor, kpi_id: int, location: str, period: str = "week_start", **kind) -> None:
    """Point the KPI at ``location`` (Parquet unless ``kind`` says otherwise)."""
    set_kpi_source(
        db,
        actor,
        kpi_id,
        SourceInput(
            kind=kind.get("kind", "parquet"),
            connection=kind.get("connection"),
            location=location,
            subject_column="employee",
            period_column=period,
            value_column="value",
        ),
    )


def test_the_same_kpi_from_parquet_gives_the_same_effect(db, actors, tmp_path):
    ACTOR[:] = [actors["ld"]]
    program, in_memory = staggered_program(db)
    point_at_parquet(db, actors["ld"], program.kpi_id, tmp_path / "kpi.parquet")
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
    # The naive comparison beside it, from aggregates in the engine, equals the in-memory one.
    naive, want_naive = external.naive, in_memory.naive
    assert want_naive is not None and naive is not None and not naive.causal
    for field in ("estimate", "se", "ci_low", "ci_high", "p_value", "baseline"):
        assert getattr(naive, field) == pytest.approx(getattr(want_naive, field), abs=1e-9)
    assert (naive.n_treated, naive.n_comparison) == (want_naive.n_treated, want_naive.n_comparison)
    assert naive.warnings == want_naive.warnings
    assert stored.naive["details"]["engine"]["path"] == "aggregates"
    assert stored.naive["details"]["engine"]["engine"] == "duckdb"


def point_at_parquet(db, actor, kpi_id: int, path: Path) -> None:
    kpi_as_parquet(db, kpi_id, path)
    point_at(db, actor, kpi_id, str(path))


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


@pytest.mark.parametrize("target", ["the program's", "none: the steady level"])
def test_time_to_productivity_from_parquet_equals_the_imported_kpi(db, actors, tmp_path, target):
    program = db.scalars(select(Program).where(Program.code == "onboarding_buddy")).one()
    if target.startswith("none"):
        program.target = None  # the standard comes from the steady level, an engine aggregate
        db.flush()
    in_memory = estimate_program_impact(db, actors["ld"], program.id)
    assert in_memory.design == "time_to_productivity"
    point_at_parquet(db, actors["ld"], program.kpi_id, tmp_path / "kpi.parquet")
    external = estimate_program_impact(db, actors["ld"], program.id)
    assert_same_ramp_up(external, in_memory, "duckdb")
    stored = db.get(ImpactResult, external.result_id)
    assert stored.settings["engine"] == "duckdb"
    assert stored.settings["source"] == f"Parquet at {tmp_path / 'kpi.parquet'}"


def assert_same_ramp_up(external, in_memory, engine: str) -> None:
    """The same time-to-productivity result from the source as from the imported KPI."""
    got, want = external.business, in_memory.business
    assert external.design == in_memory.design and got.method == want.method
    for field in ("estimate", "se", "ci_low", "ci_high", "p_value", "baseline"):
        assert getattr(got, field) == pytest.approx(getattr(want, field), abs=1e-9), field
    for key in ("threshold", "threshold_rule", "median_days", "n_by_cohort", "reached_by_cohort"):
        assert got.details[key] == want.details[key], key
    assert got.warnings == want.warnings
    # The same new-hire weeks were analysed, and the snapshot says where they came from.
    for key in ("rows", "people", "fingerprint", "first_period", "kpi_observations"):
        assert external.snapshot[key] == in_memory.snapshot[key], key
    assert external.snapshot["engine"] == engine and "engine" not in in_memory.snapshot
    record = got.details["engine"]
    assert record["engine"] == engine and record["path"] == "rows"
    assert record["rows_read"] == in_memory.snapshot["rows"]
    assert "engine" not in want.details


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_time_to_productivity_from_a_postgresql_table(db, actors, empty_database_url, monkeypatch):
    program = db.scalars(select(Program).where(Program.code == "onboarding_buddy")).one()
    in_memory = estimate_program_impact(db, actors["ld"], program.id)
    warehouse = create_engine(empty_database_url)
    with warehouse.begin() as conn:
        frame = kpi_frame(db, program.kpi_id)
        frame["week_start"] = frame["week_start"].dt.date  # a date column in PostgreSQL
        frame.to_sql("weekly_kpi", conn, index=False)
    warehouse.dispose()
    monkeypatch.setenv("LODESTAR_SOURCES__CONNECTIONS__WAREHOUSE__URL", empty_database_url)
    get_settings.cache_clear()  # the first analysis read the settings before the connection
    point_at(
        db, actors["ld"], program.kpi_id, "weekly_kpi", kind="postgres", connection="warehouse"
    )
    external = estimate_program_impact(db, actors["ld"], program.id)
    assert_same_ramp_up(external, in_memory, "postgres")
    assert "://" not in str(external.business.details["engine"])  # no address stored


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_a_staggered_program_from_a_postgresql_table(db, actors, empty_database_url, monkeypatch):
    """The program's people go to PostgreSQL and, on a balanced panel (the KPI's gaps filled
    with each person's mean), the moments come back from one query there (``reduced_in:
    engine``), with the numbers of the rows reduced in Lodestar's process."""
    import lodestar.analytics.in_engine.engine_moments as engine_moments

    ACTOR[:] = [actors["ld"]]
    program, _ = staggered_program(db)
    observed = kpi_frame(db, program.kpi_id).groupby(["employee", "week_start"])["value"].mean()
    grid = pd.MultiIndex.from_product(observed.index.levels, names=observed.index.names)
    frame = observed.reindex(grid).reset_index()
    frame["value"] = frame["value"].fillna(frame.groupby("employee")["value"].transform("mean"))
    frame["week_start"] = frame["week_start"].dt.date
    warehouse = create_engine(empty_database_url)
    with warehouse.begin() as conn:
        frame.to_sql("weekly_kpi", conn, index=False)
    warehouse.dispose()
    monkeypatch.setenv("LODESTAR_SOURCES__CONNECTIONS__WAREHOUSE__URL", empty_database_url)
    get_settings.cache_clear()
    point_at(
        db, actors["ld"], program.kpi_id, "weekly_kpi", kind="postgres", connection="warehouse"
    )
    in_engine = estimate_program_impact(db, actors["ld"], program.id, design="staggered")
    monkeypatch.setattr(engine_moments, "IN_ENGINE_BY_DEFAULT", frozenset())
    in_batches = estimate_program_impact(db, actors["ld"], program.id, design="staggered")
    assert_same_result(in_engine, in_batches)
    record = in_engine.business.details["engine"]
    assert record["engine"] == "postgres" and record["path"] == "moments", record.get("why")
    assert record["reduced_in"] == "engine" and "in the engine" in record["travelled"]
    assert in_batches.business.details["engine"]["reduced_in"] == "lodestar"


def test_time_to_productivity_refuses_a_source_with_period_numbers(db, actors, tmp_path):
    program = db.scalars(select(Program).where(Program.code == "onboarding_buddy")).one()
    rows = read_columns(db, program.kpi_id)
    path = tmp_path / "numbered.parquet"
    periods = np.unique(rows.day, return_inverse=True)[1] + 1
    pd.DataFrame({"employee": rows.subject, "week": periods, "value": rows.value}).to_parquet(path)
    point_at(db, actors["ld"], program.kpi_id, str(path), period="week")
    before = db.scalar(select(func.count()).select_from(ImpactResult))
    with pytest.raises(InvalidInput, match=r"holds numbers, so new hires' weeks .* try again"):
        estimate_program_impact(db, actors["ld"], program.id)
    assert db.scalar(select(func.count()).select_from(ImpactResult)) == before


def test_nan_infinite_values_and_rows_without_period_are_left_out_and_counted(db, actors, tmp_path):
    ACTOR[:] = [actors["ld"]]
    program, _ = staggered_program(db)
    frame = kpi_frame(db, program.kpi_id)
    every = np.arange(len(frame))
    frame["value"] = np.where(every % 40 == 0, np.inf, frame["value"])
    frame["week_start"] = frame["week_start"].where(every % 10 != 3)
    frame.to_parquet(tmp_path / "bad.parquet")
    point_at(db, actors["ld"], program.kpi_id, str(tmp_path / "bad.parquet"))
    got = estimate_program_impact(db, actors["ld"], program.id, design="staggered").business
    assert np.isfinite([got.estimate, got.se, got.ci_low, got.ci_high]).all()
    said = " ".join(got.warnings)
    assert "not a number (NaN) or is infinite" in said and "have no period" in said
    assert got.evidence != "strong"  # a warning never grades up


def test_repeated_person_period_rows_are_refused_with_a_code_and_a_date(db, actors, tmp_path):
    ACTOR[:] = [actors["ld"]]
    program, _ = staggered_program(db)
    frame = kpi_frame(db, program.kpi_id)
    pd.concat([frame, frame.assign(value=frame["value"] + 1)]).to_parquet(tmp_path / "d.parquet")
    point_at(db, actors["ld"], program.kpi_id, str(tmp_path / "d.parquet"))
    for design in ("staggered", "randomised"):
        with pytest.raises(InvalidInput, match=r"more than one row .* in the period of \d{4}-"):
            estimate_program_impact(db, actors["ld"], program.id, design=design)


def test_text_person_codes_and_zoned_periods_give_the_same_effect(db, actors, tmp_path):
    from lodestar.db.models import Employee

    ACTOR[:] = [actors["ld"]]
    program, want = staggered_program(db)
    frame = kpi_frame(db, program.kpi_id)
    codes = dict(db.execute(select(Employee.id, Employee.external_id)).all())
    frame["employee"] = frame["employee"].map(codes)
    frame["week_start"] = frame["week_start"].dt.tz_localize("UTC")
    frame.to_parquet(tmp_path / "codes.parquet")
    point_at(db, actors["ld"], program.kpi_id, str(tmp_path / "codes.parquet"))
    got = estimate_program_impact(db, actors["ld"], program.id, design="staggered").business
    assert got.estimate == pytest.approx(want.business.estimate, abs=1e-9)
    assert got.se == pytest.approx(want.business.se, abs=1e-9)


@pytest.mark.parametrize("noise", [0.0, 1e-13])
def test_a_flat_kpi_in_a_source_is_refused_on_every_design(db, actors, tmp_path, noise):
    """The imported KPI's refusal, on the source path too: a randomised pilot on a source of
    0.25 everywhere read 'fell by 0.000000 points ... Evidence: strong'."""
    program = db.scalars(select(Program).where(Program.code == "fcr_pilot")).one()
    frame = kpi_frame(db, program.kpi_id)
    frame["value"] = 0.25 + noise * (np.arange(len(frame)) % 3)
    frame.to_parquet(tmp_path / "flat.parquet")
    point_at(db, actors["ld"], program.kpi_id, str(tmp_path / "flat.parquet"))
    for design in ("randomised", "staggered", "selection_on_observables", None):
        with pytest.raises(InvalidInput, match=r"has the same value \(0\.25\) for everyone") as e:
            estimate_program_impact(db, actors["ld"], program.id, design=design)
        assert "maps the column that holds its values ('value')" in str(e.value)
