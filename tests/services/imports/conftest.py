"""Helpers for the importer tests: run an import as L&D and get the report or the rejection."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import KpiColumn
from lodestar.services.imports import ImportRejected, ImportReport, import_file

EXAMPLES = Path(__file__).parents[3] / "docs" / "examples"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: Stands for the stored KPI observations in ``count`` (they are columns, not a table of rows).
KPI_VALUES = KpiColumn


def count(db: Session, model: type) -> int:
    """Rows of a model's table; for ``KPI_VALUES`` the KPI observations stored."""
    if model is KPI_VALUES:
        return kpi_store.observation_count(db)
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def load(db, actors) -> Callable[..., ImportReport]:  # type: ignore[no-untyped-def]
    def run(kind: str, data: bytes, name: str = "file.csv", **kw: object) -> ImportReport:
        return import_file(db, actors["ld"], kind, data, name, **kw)  # type: ignore[arg-type]

    return run


@pytest.fixture
def rejected(db, actors) -> Callable[..., ImportReport]:  # type: ignore[no-untyped-def]
    """Run an import that must be refused; returns its report (the session is rolled back
    to where it was, as an adapter would)."""

    def run(kind: str, data: bytes, name: str = "file.csv") -> ImportReport:
        savepoint = db.begin_nested()
        with pytest.raises(ImportRejected) as caught:
            import_file(db, actors["ld"], kind, data, name)
        savepoint.rollback()
        return caught.value.report

    return run


# --- a fresh, committed database per test (for concurrency and crash tests) ---------------

PEOPLE = 300
IMPORTER = "ld@small.example"  # the L&D account seed_small_org creates (user id 1)
KPI_CODES = {"sales": "employee", "team_nps": "team", "revenue": "org"}


def seed_small_org(url: str, people: int = PEOPLE) -> None:
    """A migrated database with one team of ``people`` employees (E0000…), two more teams,
    one program, a KPI per grain (sales, team_nps, revenue) and an L&D account (IMPORTER,
    user id 1)."""
    import numpy as np
    import pandas as pd

    from lodestar.db.bulk import insert_frame
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Department, Employee, Kpi, Program, Team
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import create_user

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        s.add(Department(id=1, code="ops", name="Operations"))
        s.flush()
        create_user(s, email=IMPORTER, name="L&D", role="ld", password="-", fast_hash=True)
        s.add_all([Team(id=i, name=f"Team {i}", department_id=1) for i in (1, 2, 3)])
        s.add(Program(code="P1", name="Program one"))
        for code, grain in KPI_CODES.items():
            s.add(Kpi(code=code, name=code, unit="n", direction="up", grain=grain,
                      cadence="weekly", lead_lag="lag"))  # fmt: skip
        s.flush()
        insert_frame(
            s,
            Employee,
            pd.DataFrame(
                {
                    "id": np.arange(1, people + 1),
                    "external_id": [f"E{i:04d}" for i in range(people)],
                    "name": "Person",
                    "team_id": 1,
                    "hire_date": pd.Timestamp("2020-01-01"),
                }
            ),
        )
    engine.dispose()


def kpi_csv(people: int = PEOPLE, weeks: int = 10, value: float = 1.5) -> bytes:
    """Every employee's ``sales`` for ``weeks`` Mondays, plus team and org rows."""
    import pandas as pd

    periods = pd.date_range("2025-01-06", periods=weeks, freq="W-MON").strftime("%Y-%m-%d")
    lines = ["subject,kpi,period,value"]
    for p in periods:
        lines += [f"E{i:04d},sales,{p},{value + i % 7}" for i in range(people)]
        lines += [f"Team {t},team_nps,{p},{t * 10}" for t in (1, 2, 3)]
        lines.append(f",revenue,{p},1000")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def fresh_url(empty_database_url: str) -> str:
    """An empty database of each backend, seeded by ``seed_small_org``, for tests that
    commit (and so cannot share the rolled-back fixture database)."""
    seed_small_org(empty_database_url)
    return empty_database_url


def kpi_rows_and_keys(session: Session) -> tuple[int, int]:
    """(KPI observations stored, distinct natural keys among them)."""
    stored = kpi_store.observations(session)
    keys = stored[["kpi_id", "period", "employee_id", "team_id"]].drop_duplicates()
    return len(stored), len(keys)
