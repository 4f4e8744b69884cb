"""KPI observations are stored once, as columns per KPI and period: every write folds into
them, only changed periods are rewritten, and the row view reads the same values back."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Kpi, KpiColumn, Team

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


def assert_same(db: Session, kpi_id: int, expected: pd.DataFrame) -> kpi_store.KpiRows:
    """The columns of ``kpi_id`` hold exactly ``expected`` (employee_id, team_id, period,
    value), by period and then by subject; and the row view of them says the same."""
    want = expected.assign(
        subject=kpi_store.subjects_of(expected),
        day=[(pd.Timestamp(p).date() - date(1970, 1, 1)).days for p in expected["period"]],
    ).sort_values(["day", "subject"], ignore_index=True)
    got = kpi_store.read_columns(db, kpi_id)
    np.testing.assert_array_equal(got.subject, want["subject"].to_numpy())
    np.testing.assert_array_equal(got.day, want["day"].to_numpy())
    np.testing.assert_array_equal(got.value, want["value"].to_numpy())
    as_rows = kpi_store.observations(db, kpi_ids=[kpi_id])
    assert as_rows["value"].tolist() == want["value"].tolist()
    assert as_rows["period"].tolist() == [pd.Timestamp(p).date() for p in want["period"]]
    assert kpi_store.observation_count(db, kpi_id) == len(want)
    return got


def people(db: Session, n: int) -> list[int]:
    return list(db.scalars(select(Employee.id).order_by(Employee.id).limit(n)))


def test_added_and_updated_rows_read_back_by_period_and_subject(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    a, b, c = people(db, 3)
    first = rows(kpi_id, [c, a, b, a], [None] * 4, [0, 0, 0, 1], [3.0, 1.0, 2.0, 1.5])
    written = kpi_store.write_observations(db, first)
    assert written == kpi_store.Written(added=4)
    got = assert_same(db, kpi_id, first)
    assert got.subject.tolist() == [a, b, c, a]
    # A later file adds a week, corrects one value and repeats one as it was.
    later = rows(kpi_id, [b, c, a], [None] * 3, [1, 0, 0], [2.5, 30.0, 1.0])
    assert kpi_store.write_observations(db, later, dry_run=True) == kpi_store.Written(1, 1, 1)
    assert_same(db, kpi_id, first)  # a dry run writes nothing
    assert kpi_store.write_observations(db, later) == kpi_store.Written(1, 1, 1)
    got = kpi_store.read_columns(db, kpi_id)
    assert got.value.tolist() == [1.0, 2.0, 30.0, 1.5, 2.5]
    assert kpi_store.observation_count(db, kpi_id) == 5


def test_only_periods_whose_content_changes_are_rewritten(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    a, b = people(db, 2)
    kpi_store.write_observations(db, rows(kpi_id, [a, b, a], [None] * 3, [0, 0, 1], [1.0] * 3))
    rewritten: list[object] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE kpi_columns"):
            rewritten.extend(parameters if executemany else [parameters])

    event.listen(db.get_bind(), "before_cursor_execute", seen)
    try:
        written = kpi_store.write_observations(
            db, rows(kpi_id, [a, b, a], [None] * 3, [0, 0, 1], [1, 2, 1.0])
        )
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", seen)
    assert written == kpi_store.Written(updated=1, unchanged=2)
    assert len(rewritten) == 1  # week 0 only; week 1 is as it was
    assert kpi_store.read_columns(db, kpi_id).value.tolist() == [1.0, 2.0, 1.0]


def test_team_and_organisation_subjects(db: Session) -> None:
    team_kpi, org_kpi = new_kpi(db, "team"), new_kpi(db, "org")
    t1, t2 = db.scalars(select(Team.id).order_by(Team.id).limit(2))
    teams = rows(team_kpi, [None, None], [t2, t1], [0, 0], [5.0, 4.0])
    org = rows(org_kpi, [None, None], [None, None], [1, 0], [9.0, 8.0])
    kpi_store.write_observations(db, teams)
    kpi_store.write_observations(db, org)
    assert assert_same(db, team_kpi, teams).subject.tolist() == [t1, t2]
    assert assert_same(db, org_kpi, org).subject.tolist() == [0, 0]
    as_rows = kpi_store.observations(db, kpi_ids=[team_kpi, org_kpi])
    assert as_rows["team_id"].tolist()[:2] == [t1, t2]
    assert as_rows["employee_id"].isna().all() and as_rows["team_id"][2:].isna().all()


def test_one_persons_rows_and_their_erasure(db: Session) -> None:
    kpi_id, team_kpi = new_kpi(db, "employee"), new_kpi(db, "team")
    a, b = people(db, 2)
    (t1,) = db.scalars(select(Team.id).order_by(Team.id).limit(1))
    kpi_store.write_observations(db, rows(kpi_id, [a, b, a], [None] * 3, [0, 0, 1], [1, 2, 3.0]))
    kpi_store.write_observations(db, rows(team_kpi, [None], [a], [0], [7.0]))  # a team id = a
    mine = kpi_store.observations(db, employee_id=a)
    assert mine["kpi_id"].tolist() == [kpi_id, kpi_id] and mine["value"].tolist() == [1.0, 3.0]
    assert kpi_store.remove_employee_observations(db, a) == 2
    assert kpi_store.observations(db, employee_id=a).empty
    assert kpi_store.read_columns(db, kpi_id).subject.tolist() == [b]
    assert kpi_store.read_columns(db, team_kpi).value.tolist() == [7.0]  # a team, not a person


def test_a_rolled_back_write_leaves_the_store_as_it_was(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    (a,) = people(db, 1)
    first = rows(kpi_id, [a], [None], [0], [1.0])
    kpi_store.write_observations(db, first)
    before = db.scalar(select(func.count()).select_from(KpiColumn))
    with pytest.raises(RuntimeError), db.begin_nested():
        kpi_store.write_observations(db, rows(kpi_id, [a], [None], [1], [2.0]))
        raise RuntimeError("the import failed half way")
    assert db.scalar(select(func.count()).select_from(KpiColumn)) == before
    assert_same(db, kpi_id, first)


def test_rows_in_any_order_are_stored_as_rows_sorted_first(db: Session) -> None:
    kpi_id, other = new_kpi(db, "employee"), new_kpi(db, "team")
    ids = people(db, 20)
    rng = np.random.default_rng(3)
    frame = pd.concat(
        [rows(kpi_id, ids, [None] * 20, [w] * 20, rng.normal(size=20).tolist()) for w in range(5)],
        ignore_index=True,
    )
    shuffled = frame.sample(frac=1.0, random_state=1)
    kpi_store.write_observations(db, shuffled)
    assert_same(db, kpi_id, frame)
    assert kpi_store.read_columns(db, other).subject.tolist() == []
    assert kpi_store.period_range(db, kpi_id) == (MONDAY, MONDAY + timedelta(weeks=4))
