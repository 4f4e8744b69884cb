"""The brief and the leadership view's services on both backends (SQLite and PostgreSQL, the
``db`` fixture): the department trend against a computation from the raw observations, and a
program's brief on the newest, a pinned and a chosen stored result."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Kpi, Program, Team
from lodestar.errors import PermissionDenied
from lodestar.services import briefs
from lodestar.services.briefs.leadership import department_trend
from lodestar.services.impact.program_impact import estimate_program_impact
from lodestar.services.privacy.groups import GroupRule
from lodestar.services.strategy.trends import kpi_trend


def _by_hand(db: Session, kpi: Kpi, department_id: int, rule: GroupRule):  # type: ignore[no-untyped-def]
    """The department's mean per period from the raw rows, with the complementary rule:
    shown only where the department and the rest each hold ``min_size`` people."""
    department_of = dict(
        db.execute(
            select(Employee.id, Team.department_id).join(Team, Team.id == Employee.team_id)
        ).all()
    )
    stored = kpi_store.observations(db, kpi_ids=[kpi.id])
    rows = [
        (r.period, int(r.employee_id), r.value, department_of[int(r.employee_id)])
        for r in stored.itertuples(index=False)
        if int(r.employee_id) in department_of
    ]
    values: dict[date, list[float]] = defaultdict(list)
    people: dict[date, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for period, employee, value, department in rows:
        here, everyone = people[period]
        everyone.add(employee)
        if department == department_id:
            here.add(employee)
            values[period].append(value)
    shown, hidden = [], 0
    for period in sorted(people)[-104:]:
        here, everyone = people[period]
        if not here:
            continue
        rest = len(everyone) - len(here)
        if len(here) < rule.min_size or 0 < rest < rule.min_size:
            hidden += 1
            continue
        shown.append((period, sum(values[period]) / len(values[period])))
    return shown, hidden


def _department_kpi(db: Session) -> tuple[Kpi, list[int]]:
    """An employee-grain KPI with observations, and the departments of the people measured."""
    for kpi in db.scalars(select(Kpi).where(Kpi.grain == "employee").order_by(Kpi.id)):
        measured = kpi_store.observations(db, kpi_ids=[kpi.id])["employee_id"].unique()
        departments = db.scalars(
            select(Team.department_id)
            .join(Employee, Employee.team_id == Team.id)
            .where(Employee.id.in_([int(e) for e in measured]))
            .group_by(Team.department_id)
            .order_by(Team.department_id)
        ).all()
        if len(departments) > 1:
            return kpi, [d for d in departments if d is not None]
    raise AssertionError("the demo has no employee KPI measured in two departments")


@pytest.mark.parametrize("min_size", [1, 2, 5])
def test_department_trend_equals_the_mean_from_the_raw_observations(db, min_size):
    kpi, departments = _department_kpi(db)
    rule = GroupRule(min_size)
    shown = hidden_in_all = 0
    for department_id in departments:
        trend, hidden = department_trend(db, kpi, department_id, rule)
        expected, expected_hidden = _by_hand(db, kpi, department_id, rule)
        assert hidden == expected_hidden
        assert [p.period for p in trend] == [period for period, _ in expected]
        for point, (_, mean) in zip(trend, expected, strict=True):
            assert point.value == pytest.approx(mean, rel=1e-9)
        shown, hidden_in_all = shown + len(trend), hidden_in_all + hidden
    # The small demo (150 people, seed 7) measures few people a period in each department: a
    # rule of 2 shows some periods and hides others, so both branches are compared.
    assert (shown > 0, hidden_in_all > 0) == {1: (True, False), 2: (True, True),
                                              5: (False, True)}[min_size]  # fmt: skip


def test_department_trend_hides_periods_by_subtraction(db):
    """A rule as large as a department's head count hides every period of it, and a rule of one
    shows them all: the filter can never show a small group by difference."""
    kpi, departments = _department_kpi(db)
    shown, hidden = department_trend(db, kpi, departments[0], GroupRule(1))
    assert shown and hidden == 0
    everyone = GroupRule(10_000)
    assert department_trend(db, kpi, departments[0], everyone) == ((), len(shown))


def test_the_program_brief_rests_on_the_newest_then_the_pinned_then_the_chosen_result(db, actors):
    ld, executive = actors["ld"], actors["executive"]
    pid = db.scalars(select(Program.id).where(Program.code == "fcr_pilot")).one()
    first = estimate_program_impact(db, ld, pid)
    second = estimate_program_impact(db, ld, pid)
    assert first.result_id is not None and second.result_id is not None

    newest = briefs.program_brief(db, executive, pid)
    assert (newest.source, newest.impact.result_id) == ("latest", second.result_id)
    assert newest.latest_result_id == second.result_id and newest.pinned_result_id is None
    assert [r.id for r in newest.results][:2] == [second.result_id, first.result_id]
    assert newest.trend == kpi_trend(db, newest.impact.kpi.id)
    assert list(newest.start_dates) == sorted(set(newest.start_dates))
    assert not newest.estimate_hidden

    briefs.pin_brief(db, ld, pid, first.result_id)
    pinned = briefs.program_brief(db, executive, pid)
    assert (pinned.source, pinned.impact.result_id) == ("pinned", first.result_id)
    assert pinned.impact.business is not None
    assert pinned.impact.business.estimate == pytest.approx(first.business.estimate)  # type: ignore[union-attr]

    chosen = briefs.program_brief(db, executive, pid, result_id=second.result_id)
    assert (chosen.source, chosen.impact.result_id) == ("chosen", second.result_id)
    assert briefs.unpin_brief(db, ld, pid)
    assert briefs.program_brief(db, executive, pid).source == "latest"


def test_the_leadership_view_filters_by_department_on_both_backends(db, actors):
    executive = actors["executive"]
    everyone = briefs.leadership_view(db, executive)
    assert everyone.departments and everyone.priorities
    department_id, _ = everyone.departments[0]
    one = briefs.leadership_view(db, executive, department_id=department_id)
    assert one.department_id == department_id
    shown_everywhere = {p.id for b in everyone.priorities for p in b.programs}
    assert {p.id for b in one.priorities for p in b.programs} <= shown_everywhere


def test_employees_get_neither_the_brief_nor_the_leadership_view(db, actors):
    pid = db.scalars(select(Program.id).where(Program.code == "fcr_pilot")).one()
    with pytest.raises(PermissionDenied):
        briefs.program_brief(db, actors["employee"], pid)
    with pytest.raises(PermissionDenied):
        briefs.leadership_view(db, actors["employee"])
