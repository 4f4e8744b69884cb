"""A program's panel, read from the KPI columns, holds exactly what the long table holds."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, KpiObservation, Program, ProgramEnrolment, Team
from lodestar.services.impact import facts as facts_module
from lodestar.services.impact.panel import FRAME_COLUMNS, build_program_panel


def plain_query(session: Session, program_id: int, kpi_id: int) -> pd.DataFrame:
    """One SQL join read with pd.read_sql, typed and sorted like the panel."""
    departments = (
        select(Team.department_id)
        .join(Employee, Employee.team_id == Team.id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id)
    )
    stmt = (
        select(
            KpiObservation.employee_id,
            Employee.team_id,
            KpiObservation.period,
            KpiObservation.value,
            KpiObservation.weight,
            ProgramEnrolment.group,
            ProgramEnrolment.start_date,
            Employee.performance_rating,
            Employee.hire_date,
        )
        .join(Employee, Employee.id == KpiObservation.employee_id)
        .join(Team, Team.id == Employee.team_id)
        .outerjoin(
            ProgramEnrolment,
            and_(
                ProgramEnrolment.employee_id == KpiObservation.employee_id,
                ProgramEnrolment.program_id == program_id,
            ),
        )
        .where(KpiObservation.kpi_id == kpi_id, Team.department_id.in_(departments))
        .order_by(KpiObservation.employee_id, KpiObservation.period)
    )
    frame = pd.read_sql(stmt, session.connection())
    for c in ("period", "start_date", "hire_date"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    for c in ("employee_id", "team_id", "weight"):
        frame[c] = frame[c].astype(np.int64)
    frame["performance_rating"] = frame["performance_rating"].astype(np.float64)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    return frame


def employee_programs(session: Session) -> list[Program]:
    programs = list(session.scalars(select(Program).where(Program.kpi_id.is_not(None))))
    return [p for p in programs if facts_module.program_facts(session, p.id)[1].grain == "employee"]


def test_panel_equals_plain_query(db: Session) -> None:
    """The person x period panel, read from the KPI columns, holds exactly the rows of one
    plain SQL join over the long table."""
    programs = employee_programs(db)
    assert programs, "the demo organisation has programs on employee-level KPIs"
    for prog in programs:
        facts, kpi = facts_module.program_facts(db, prog.id)
        frame = build_program_panel(db, prog.id).frame
        assert len(frame) > 0
        pd.testing.assert_frame_equal(
            frame[FRAME_COLUMNS], plain_query(db, prog.id, kpi.id), check_exact=True
        )


def test_panel_matrix_and_people(db: Session) -> None:
    prog = employee_programs(db)[0]
    panel = build_program_panel(db, prog.id)
    f = panel.frame
    assert panel.values.shape == (len(panel.people), len(panel.periods))
    assert panel.people["employee_id"].is_monotonic_increasing
    assert int((~np.isnan(panel.values)).sum()) == len(f) == panel.snapshot["rows"]
    i = int(np.flatnonzero(panel.participants)[0])
    person = f[f["employee_id"] == panel.people["employee_id"].iloc[i]]
    row = panel.values[i]
    np.testing.assert_array_equal(person["value"].to_numpy(), row[~np.isnan(row)])


def test_panel_timing_columns(db: Session) -> None:
    prog = employee_programs(db)[0]
    panel = build_program_panel(db, prog.id)
    f = panel.frame
    periods = np.sort(f["period"].unique())
    assert (f["t"].to_numpy() == np.searchsorted(periods, f["period"].to_numpy()) + 1).all()
    treated = f["group"].eq("participant") & f["start_date"].notna()
    expected = np.where(treated, np.searchsorted(periods, f["start_date"].to_numpy()) + 1, 0)
    assert (f["first_treat"].to_numpy() == expected).all()
    assert panel.snapshot["rows"] == len(f)
    assert panel.snapshot["people"] == f["employee_id"].nunique()
    assert panel.snapshot["participants"] == f.loc[treated, "employee_id"].nunique()


def test_person_enrolled_twice_cannot_be_stored(db: Session) -> None:
    """Since migration 0007 (program, employee) is a unique key, so the panel never meets a
    person enrolled twice (its check stays as a second line of defence)."""
    prog = employee_programs(db)[0]
    enrolment = db.scalars(
        select(ProgramEnrolment).where(ProgramEnrolment.program_id == prog.id).limit(1)
    ).one()
    savepoint = db.begin_nested()
    db.add(
        ProgramEnrolment(
            program_id=prog.id,
            employee_id=enrolment.employee_id,
            group=enrolment.group,
            cohort=enrolment.cohort,
            start_date=enrolment.start_date,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    savepoint.rollback()


def test_panel_sees_this_transactions_updates(db: Session) -> None:
    """A value changed through the store (as an import does) is in the next panel."""
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    obs = db.scalars(select(KpiObservation).where(KpiObservation.kpi_id == kpi.id).limit(1)).one()
    changed = pd.DataFrame(
        [
            {
                "id": obs.id,
                "kpi_id": obs.kpi_id,
                "employee_id": obs.employee_id,
                "team_id": obs.team_id,
                "period": obs.period,
                "value": obs.value + 1000.0,
                "weight": obs.weight,
            }
        ]
    )
    kpi_store.update_observations(db, changed)
    db.expire_all()
    frame = build_program_panel(db, prog.id).frame
    hit = frame[
        (frame["employee_id"] == obs.employee_id) & (frame["period"] == pd.Timestamp(obs.period))
    ]
    assert hit["value"].tolist() == [changed["value"].iloc[0]]
    pd.testing.assert_frame_equal(
        frame[FRAME_COLUMNS], plain_query(db, prog.id, kpi.id), check_exact=True
    )


def test_rows_written_behind_the_stores_back_are_picked_up(db: Session) -> None:
    """An observation inserted straight into the long table makes the row counts disagree;
    the KPI's columns are rebuilt before the panel is read."""
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    last = db.scalar(select(func.max(KpiObservation.period)).where(KpiObservation.kpi_id == kpi.id))
    someone = build_program_panel(db, prog.id).people["employee_id"].iloc[0]
    db.add(
        KpiObservation(
            kpi_id=kpi.id,
            employee_id=int(someone),
            period=last + timedelta(days=7),
            value=42.5,
            weight=1,
        )
    )
    db.flush()
    frame = build_program_panel(db, prog.id).frame
    assert frame["period"].max() == pd.Timestamp(last + timedelta(days=7))
    pd.testing.assert_frame_equal(
        frame[FRAME_COLUMNS], plain_query(db, prog.id, kpi.id), check_exact=True
    )


def test_two_values_for_one_person_and_period_cannot_be_stored(db: Session) -> None:
    """Since migration 0007 (KPI, period, employee, team) is a unique key."""
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    obs = db.scalars(select(KpiObservation).where(KpiObservation.kpi_id == kpi.id).limit(1)).one()
    savepoint = db.begin_nested()
    db.add(
        KpiObservation(
            kpi_id=kpi.id,
            employee_id=obs.employee_id,
            team_id=obs.team_id,
            period=obs.period,
            value=obs.value + 1,
            weight=1,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    savepoint.rollback()
