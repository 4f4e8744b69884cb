"""The columnar copy of KPI observations follows every write, in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Kpi, KpiColumn, KpiObservation, Team

MONDAY = date(2024, 1, 1)


def new_kpi(db: Session, grain: str) -> int:
    kpi = Kpi(
        code=f"store_{grain}",
        name=f"Store test ({grain})",
        unit="points",
        direction="up",
        grain=grain,
        cadence="weekly",
        lead_lag="lag",
    )
    db.add(kpi)
    db.flush()
    return kpi.id


def rows(kpi_id: int, employees: list[int | None], teams: list[int | None], weeks: list[int],
         values: list[float]) -> pd.DataFrame:  # fmt: skip
    return pd.DataFrame(
        {
            "kpi_id": kpi_id,
            "employee_id": pd.array(employees, dtype="Int64"),
            "team_id": pd.array(teams, dtype="Int64"),
            "period": [MONDAY + timedelta(weeks=w) for w in weeks],
            "value": values,
            "weight": 1,
        }
    )


def long_table(db: Session, kpi_id: int) -> pd.DataFrame:
    t = KpiObservation
    found = db.execute(
        select(t.employee_id, t.team_id, t.period, t.value).where(t.kpi_id == kpi_id)
    ).all()
    frame = pd.DataFrame.from_records(found, columns=["employee_id", "team_id", "period", "value"])
    frame["subject"] = kpi_store.subjects_of(frame)
    frame["day"] = [(pd.Timestamp(p).date() - date(1970, 1, 1)).days for p in frame["period"]]
    return frame.sort_values(["day", "subject"], ignore_index=True)


def assert_same(db: Session, kpi_id: int) -> kpi_store.KpiRows:
    got = kpi_store.read_columns(db, kpi_id)
    want = long_table(db, kpi_id)
    np.testing.assert_array_equal(got.subject, want["subject"].to_numpy())
    np.testing.assert_array_equal(got.day, want["day"].to_numpy())
    np.testing.assert_array_equal(got.value, want["value"].to_numpy())
    return got


def people(db: Session, n: int) -> list[int]:
    return list(db.scalars(select(Employee.id).order_by(Employee.id).limit(n)))


def test_added_and_updated_rows_read_back_by_period_and_subject(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    a, b, c = people(db, 3)
    kpi_store.add_observations(db, rows(kpi_id, [c, a, b, a], [None] * 4, [0, 0, 0, 1],
                                        [3.0, 1.0, 2.0, 1.5]))  # fmt: skip
    got = assert_same(db, kpi_id)
    assert got.subject.tolist() == [a, b, c, a]
    # A later file adds a week and corrects one value.
    kpi_store.add_observations(db, rows(kpi_id, [b], [None], [1], [2.5]))
    stored = db.scalars(
        select(KpiObservation).where(
            KpiObservation.kpi_id == kpi_id, KpiObservation.employee_id == c
        )
    ).one()
    changed = rows(kpi_id, [c], [None], [0], [30.0]).assign(id=stored.id)
    kpi_store.update_observations(db, changed)
    db.expire_all()
    got = assert_same(db, kpi_id)
    assert got.value.tolist() == [1.0, 2.0, 30.0, 1.5, 2.5]


def test_team_and_organisation_subjects(db: Session) -> None:
    team_kpi, org_kpi = new_kpi(db, "team"), new_kpi(db, "org")
    t1, t2 = db.scalars(select(Team.id).order_by(Team.id).limit(2))
    kpi_store.add_observations(db, rows(team_kpi, [None, None], [t2, t1], [0, 0], [5.0, 4.0]))
    kpi_store.add_observations(db, rows(org_kpi, [None, None], [None, None], [1, 0], [9.0, 8.0]))
    assert assert_same(db, team_kpi).subject.tolist() == [t1, t2]
    org = assert_same(db, org_kpi)
    assert org.subject.tolist() == [0, 0] and org.value.tolist() == [8.0, 9.0]


def test_a_rolled_back_write_leaves_both_stores_as_they_were(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    (a,) = people(db, 1)
    kpi_store.add_observations(db, rows(kpi_id, [a], [None], [0], [1.0]))
    before = db.scalar(select(func.count()).select_from(KpiColumn))
    with pytest.raises(RuntimeError), db.begin_nested():
        kpi_store.add_observations(db, rows(kpi_id, [a], [None], [1], [2.0]))
        raise RuntimeError("the import failed half way")
    assert db.scalar(select(func.count()).select_from(KpiColumn)) == before
    assert assert_same(db, kpi_id).value.tolist() == [1.0]


def test_rebuild_from_the_long_table_equals_the_incremental_columns(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    ids = people(db, 20)
    rng = np.random.default_rng(3)
    for week in range(5):
        kpi_store.add_observations(
            db, rows(kpi_id, ids, [None] * 20, [week] * 20, rng.normal(size=20).tolist())
        )
    incremental = kpi_store.read_columns(db, kpi_id)
    kpi_store.rebuild_columns(db, kpi_id)
    rebuilt = assert_same(db, kpi_id)
    for name in ("subject", "day", "value", "weight"):
        np.testing.assert_array_equal(getattr(incremental, name), getattr(rebuilt, name))
