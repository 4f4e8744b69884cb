"""A KPI pointed at a Parquet file or a DuckDB table: checked on connect, stored without any
address or credential, read back in words; clear sentences for what cannot work."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sqlalchemy import select

from lodestar.config import Settings, SourceConnection, SourceSettings
from lodestar.db.models import Kpi, KpiSource
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services.impact.kpi_sources import (
    SourceInput,
    kpi_source,
    remove_kpi_source,
    set_kpi_source,
)
from lodestar.services.impact.source_views import open_kpi_source

ROWS = pd.DataFrame(
    {
        "person": [1, 1, 2, 2],
        "week": pd.to_datetime(["2026-01-05", "2026-01-12"] * 2),
        "calls": [10.0, 11.0, 9.0, 8.5],
        "label": ["a", "b", "c", "d"],
    }
)


def source(location: str, **changes: object) -> SourceInput:
    fields = dict(
        kind="parquet",
        location=location,
        subject_column="person",
        period_column="week",
        value_column="calls",
    )
    return SourceInput(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
def parquet(tmp_path: Path) -> str:
    path = tmp_path / "calls.parquet"
    ROWS.to_parquet(path)
    return str(path)


@pytest.fixture
def kpi_id(db) -> int:
    return db.scalars(select(Kpi.id).order_by(Kpi.id)).first()


def test_a_parquet_source_is_checked_stored_and_read_back(db, actors, parquet, kpi_id):
    view = set_kpi_source(db, actors["ld"], kpi_id, source(parquet))
    assert view.described == f"Parquet at {parquet}"
    assert kpi_source(db, actors["ld"], kpi_id) == view
    opened, mapping = open_kpi_source(view)
    assert opened.engine == "duckdb" and mapping.value == "calls"
    assert opened.table.count().execute() == 4
    remove_kpi_source(db, actors["ld"], kpi_id)
    assert kpi_source(db, actors["ld"], kpi_id) is None


def test_a_missing_column_is_named_with_the_ones_there(db, actors, parquet, kpi_id):
    with pytest.raises(InvalidInput) as err:
        set_kpi_source(db, actors["ld"], kpi_id, source(parquet, value_column="sales"))
    assert str(err.value) == (
        f"The Parquet at {parquet} has no column 'sales' for the value. Its columns are: "
        "person, week, calls, label. Name the column that holds it and try again."
    )
    assert db.get(KpiSource, kpi_id) is None


def test_a_value_column_of_text_is_refused(db, actors, parquet, kpi_id):
    with pytest.raises(InvalidInput, match="The value column 'label' holds string values"):
        set_kpi_source(db, actors["ld"], kpi_id, source(parquet, value_column="label"))


def test_credentials_are_never_taken_as_a_location(db, actors, kpi_id):
    with pytest.raises(InvalidInput, match="credentials are never stored"):
        set_kpi_source(
            db,
            actors["ld"],
            kpi_id,
            source("postgresql://me:secret@db/warehouse", kind="postgres", connection="w"),
        )


def test_a_duckdb_table_through_a_named_connection(db, actors, tmp_path, kpi_id):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE weekly AS SELECT * FROM ROWS")
    settings = Settings(
        sources=SourceSettings(connections={"lake": SourceConnection(url=f"duckdb://{path}")})
    )
    data = source("weekly", kind="duckdb", connection="lake")
    view = set_kpi_source(db, actors["ld"], kpi_id, data, settings=settings)
    assert view.described == "duckdb table weekly through the connection 'lake'"
    stored = db.get(KpiSource, kpi_id)
    assert str(path) not in {stored.location, stored.connection}
    with pytest.raises(InvalidInput, match="no connection named 'nowhere'"):
        set_kpi_source(
            db, actors["ld"], kpi_id, source("weekly", kind="duckdb", connection="nowhere")
        )


def test_only_editors_point_kpis_at_sources(db, actors, parquet, kpi_id):
    with pytest.raises(PermissionDenied):
        set_kpi_source(db, actors["employee"], kpi_id, source(parquet))


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("nowhere/calls.parquet", "There is no Parquet file or folder at {p}. Check the path"),
        ("nowhere/*.parquet", "No Parquet file matches {p}. Check the path and the pattern"),
        ("empty", "No Parquet file in the folder {p}. Check the path and the pattern"),
    ],
)
def test_a_location_with_no_parquet_file_says_so_in_words(
    db, actors, kpi_id, tmp_path, where, said
):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a parquet file")
    location = str(tmp_path / where)
    with pytest.raises(InvalidInput) as err:
        set_kpi_source(db, actors["ld"], kpi_id, source(location))
    message = str(err.value)
    assert message.startswith(said.format(p=location)), message
    assert "SELECT" not in message.upper() and "LINE 1" not in message
    assert db.get(KpiSource, kpi_id) is None


def test_a_folder_and_a_pattern_of_parquet_files_are_read_whole(db, actors, kpi_id, tmp_path):
    folder = tmp_path / "weeks"
    (folder / "2026").mkdir(parents=True)
    ROWS.iloc[:2].to_parquet(folder / "a.parquet")
    ROWS.iloc[2:].to_parquet(folder / "2026" / "b.parquet")
    for location in (str(folder), str(folder / "*.parquet")):
        view = set_kpi_source(db, actors["ld"], kpi_id, source(location))
        opened, _ = open_kpi_source(view)
        assert opened.table.count().execute() == (4 if location == str(folder) else 2)


def test_a_file_that_is_not_parquet_is_refused_without_the_engine_sql(db, actors, kpi_id, tmp_path):
    fake = tmp_path / "calls.parquet"
    fake.write_text("person,week,calls\n1,2026-01-05,10\n")
    with pytest.raises(InvalidInput) as err:
        set_kpi_source(db, actors["ld"], kpi_id, source(str(fake)))
    message = str(err.value)
    assert message.startswith(f"Lodestar could not read the Parquet at {fake}: "), message
    assert message.endswith(
        "Check that it exists and that the connection's settings are right, then try again."
    )
    assert "LINE 1" not in message and "READ_PARQUET" not in message.upper()
