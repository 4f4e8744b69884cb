"""The totals per KPI and period (what trends read) follow every write through the KPI store,
and agree with an average over the long table."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.db.test_kpi_store import new_kpi, rows

from lodestar.db import kpi_store
from lodestar.db.models import Employee, KpiObservation, KpiPeriodTotal


def from_long_table(db: Session, kpi_id: int) -> list[tuple[object, int, float]]:
    t = KpiObservation
    found = db.execute(
        select(t.period, func.count(), func.avg(t.value))
        .where(t.kpi_id == kpi_id)
        .group_by(t.period)
        .order_by(t.period)
    ).all()
    return [(p, int(n), float(mean)) for p, n, mean in found]


def from_totals(db: Session, kpi_id: int, last: int = 1000) -> list[tuple[object, int, float]]:
    return [(p, n, total / n) for p, n, total in kpi_store.period_totals(db, kpi_id, last=last)]


def assert_agree(db: Session, kpi_id: int) -> None:
    expected, got = from_long_table(db, kpi_id), from_totals(db, kpi_id)
    assert [(p, n) for p, n, _ in got] == [(p, n) for p, n, _ in expected]
    assert [m for *_, m in got] == pytest.approx([m for *_, m in expected], rel=1e-12)


def test_totals_follow_adds_updates_and_erasure(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    people = list(db.scalars(select(Employee.id).order_by(Employee.id).limit(6)))
    weeks = [w for w in range(4) for _ in people]
    values = [float(10 * w + i) for w in range(4) for i in range(len(people))]
    kpi_store.add_observations(db, rows(kpi_id, people * 4, [None] * 24, weeks, values))
    assert_agree(db, kpi_id)
    assert from_totals(db, kpi_id, last=2) == from_totals(db, kpi_id)[-2:]

    # A later import adds a period and gives stored rows new values.
    kpi_store.add_observations(db, rows(kpi_id, people, [None] * 6, [4] * 6, [1.5] * 6))
    t = KpiObservation
    stored = db.execute(
        select(t.id, t.kpi_id, t.employee_id, t.team_id, t.period).where(
            t.kpi_id == kpi_id, t.period == rows(kpi_id, [1], [None], [0], [0.0]).period[0]
        )
    ).all()
    changed = pd.DataFrame.from_records(
        stored, columns=["id", "kpi_id", "employee_id", "team_id", "period"]
    ).assign(value=99.0, weight=1)
    kpi_store.update_observations(db, changed)
    assert_agree(db, kpi_id)
    assert from_totals(db, kpi_id)[0][2] == 99.0

    # Erasing one person's values takes them out of every period's total.
    kpi_store.remove_employee_observations(db, people[0])
    assert_agree(db, kpi_id)
    assert all(n == len(people) - 1 for _, n, _ in from_totals(db, kpi_id))


def test_a_rebuild_from_the_long_table_rebuilds_the_totals(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    people = list(db.scalars(select(Employee.id).order_by(Employee.id).limit(5)))
    kpi_store.add_observations(
        db, rows(kpi_id, people * 2, [None] * 10, [0] * 5 + [1] * 5, [float(i) for i in range(10)])
    )
    db.execute(KpiPeriodTotal.__table__.update().values(value_total=-1.0))
    kpi_store.rebuild_columns(db, kpi_id)
    assert_agree(db, kpi_id)


def test_a_kpi_with_no_values_has_no_totals(db: Session) -> None:
    assert kpi_store.period_totals(db, new_kpi(db, "team"), last=104) == []


def test_a_row_written_through_the_orm_is_counted_too(db: Session) -> None:
    kpi_id = new_kpi(db, "employee")
    people = list(db.scalars(select(Employee.id).order_by(Employee.id).limit(3)))
    first = rows(kpi_id, people[:1], [None], [0], [0.0]).period[0]
    db.add_all(
        KpiObservation(kpi_id=kpi_id, employee_id=p, period=first, value=2.0) for p in people
    )
    db.flush()
    assert from_totals(db, kpi_id) == [(first, 3, 2.0)]
    moved = db.scalars(select(KpiObservation).where(KpiObservation.employee_id == people[0])).one()
    second = rows(kpi_id, people[:1], [None], [1], [0.0]).period[0]
    moved.period, moved.value = second, 8.0  # to another week: both weeks change
    db.flush()
    assert from_totals(db, kpi_id) == [(first, 2, 2.0), (second, 1, 8.0)]
    db.delete(moved)
    db.flush()
    assert_agree(db, kpi_id)
    assert from_totals(db, kpi_id) == [(first, 2, 2.0)]
