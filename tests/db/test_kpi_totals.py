"""The totals per KPI and period (what trends read) follow every write through the KPI store,
and agree with an average over the stored observations."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.db.test_kpi_store import new_kpi, rows

from lodestar.db import kpi_store
from lodestar.db.models import Employee


def from_long_table(db: Session, kpi_id: int) -> list[tuple[object, int, float]]:
    found = kpi_store.observations(db, kpi_ids=[kpi_id]).groupby("period")["value"]
    return [
        (p, int(n), float(m)) for (p, n), m in zip(found.size().items(), found.mean(), strict=True)
    ]


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
    kpi_store.write_observations(db, rows(kpi_id, people * 4, [None] * 24, weeks, values))
    assert_agree(db, kpi_id)
    assert from_totals(db, kpi_id, last=2) == from_totals(db, kpi_id)[-2:]

    # A later import adds a period and gives stored rows new values.
    kpi_store.write_observations(db, rows(kpi_id, people, [None] * 6, [4] * 6, [1.5] * 6))
    kpi_store.write_observations(db, rows(kpi_id, people, [None] * 6, [0] * 6, [99.0] * 6))
    assert_agree(db, kpi_id)
    assert from_totals(db, kpi_id)[0][2] == 99.0

    # Erasing one person's values takes them out of every period's total.
    kpi_store.remove_employee_observations(db, people[0])
    assert_agree(db, kpi_id)
    assert all(n == len(people) - 1 for _, n, _ in from_totals(db, kpi_id))


def test_a_kpi_with_no_values_has_no_totals(db: Session) -> None:
    assert kpi_store.period_totals(db, new_kpi(db, "team"), last=104) == []
