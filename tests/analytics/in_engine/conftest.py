"""The same simulated program in three engines: Parquet read by DuckDB, a PostgreSQL table
and a Spark local session (one per test run, started only when a Spark test asks for it)."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.analytics.panel_sim import simulate_panel
from tests.conftest import POSTGRES_URL


def program_panel(seed: int = 3) -> pd.DataFrame:
    """Three start cohorts and a never-trained group, 8 weeks: small enough for Spark."""
    data = simulate_panel(
        n_units=240,
        n_periods=8,
        starts={4: 0.25, 6: 0.25, 7: 0.2},
        effect={4: 1.0, 6: 2.0, 7: 0.5},
        dynamic=0.2,
        seed=seed,
    )
    data = data.rename(columns={"person": "employee_id", "kpi": "sales"})
    return data.assign(cohort=data["start"].fillna(0).astype("int64"))[
        ["employee_id", "week", "sales", "cohort"]
    ]


@pytest.fixture(scope="session")
def panel() -> pd.DataFrame:
    return program_panel()


@pytest.fixture(scope="session")
def postgres_ibis() -> Iterator[object]:
    """An Ibis connection to a fresh PostgreSQL database (dropped afterwards)."""
    import ibis

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but PostgreSQL is not reachable ({exc}).", pytrace=False)
        pytest.skip(f"PostgreSQL is not reachable ({exc}).")
    name = f"lodestar_engine_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name)
    con = ibis.postgres.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=name
    )
    try:
        yield con
    finally:
        con.disconnect()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def spark_ibis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """An Ibis connection to one Spark local session (2 cores, no UI), shared by every test."""
    if shutil.which("java") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Java runtime: run scripts/setup --dev.", pytrace=False)
        pytest.skip("No Java runtime for Spark; scripts/setup --dev installs one.")
    import ibis
    from pyspark.sql import SparkSession

    import lodestar

    # Spark's Python workers import Lodestar to reduce partitions to moments: give them the
    # source tree the tests import it from.
    here = str(Path(lodestar.__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (here, os.environ.get("PYTHONPATH", "")) if p
    )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warehouse: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("lodestar-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.memory", "1g")
        .config("spark.pyspark.python", sys.executable)  # workers import Lodestar
        .getOrCreate()
    )
    try:
        yield ibis.pyspark.connect(session)
    finally:
        session.stop()
