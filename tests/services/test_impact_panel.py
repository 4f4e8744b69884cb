"""A program's panel, read from the KPI columns, holds exactly the KPI's stored rows joined to
the people of the program's departments."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Program, ProgramEnrolment, Team
from lodestar.services.impact import facts as facts_module
from lodestar.services.impact.panel import FRAME_COLUMNS, build_program_panel


def plain_query(session: Session, program_id: int, kpi_id: int) -> pd.DataFrame:
    """The KPI's stored rows joined in pandas to one plain SQL read of the people in the
    program's departments, typed and sorted like the panel."""
    departments = (
        select(Team.department_id)
        .join(Employee, Employee.team_id == Team.id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id)
    )
    stmt = (
        select(
            Employee.id.label("employee_id"),
            Employee.team_id,
            ProgramEnrolment.group,
            ProgramEnrolment.start_date,
            Employee.performance_rating,
            Employee.hire_date,
        )
        .join(Team, Team.id == Employee.team_id)
        .outerjoin(
            ProgramEnrolment,
            and_(
                ProgramEnrolment.employee_id == Employee.id,
                ProgramEnrolment.program_id == program_id,
            ),
        )
        .where(Team.department_id.in_(departments))
    )
    people = pd.read_sql(stmt, session.connection())
    stored = kpi_store.observations(session, kpi_ids=[kpi_id])
    stored["employee_id"] = stored["employee_id"].astype(np.int64)
    frame = stored[["employee_id", "period", "value", "weight"]].merge(people, on="employee_id")
    frame = frame.sort_values(["employee_id", "period"], ignore_index=True)
    frame = frame[["employee_id", "team_id", "period", "value", "weight", "group", "start_date",
                   "performance_rating", "hire_date"]]  # fmt: skip
    for c in ("period", "start_date", "hire_date"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    for c in ("employee_id", "team_id", "weight"):
        frame[c] = frame[c].astype(np.int64)
    frame["performance_rating"] = frame["performance_rating"].astype(np.float64)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    return frame


def employee_programs(session: Session) -> list[Program]:
    """The demo's programs on employee-level KPIs that have participants (the programs its
    requests became are still in design or just launched, with nobody enrolled yet)."""
    enrolled = select(ProgramEnrolment.program_id)
    programs = list(
        session.scalars(
            select(Program).where(Program.kpi_id.is_not(None), Program.id.in_(enrolled))
        )
    )
    return [p for p in programs if facts_module.program_facts(session, p.id)[1].grain == "employee"]


def test_panel_equals_plain_query(db: Session) -> None:
    """The person x period panel holds exactly the rows of a plain join of the stored rows and
    the people."""
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
    obs = kpi_store.observations(db, kpi_ids=[kpi.id]).head(1)
    changed = obs.assign(value=obs["value"] + 1000.0)
    kpi_store.write_observations(db, changed)
    frame = build_program_panel(db, prog.id).frame
    hit = frame[
        (frame["employee_id"] == obs["employee_id"].iloc[0])
        & (frame["period"] == pd.Timestamp(obs["period"].iloc[0]))
    ]
    assert hit["value"].tolist() == [changed["value"].iloc[0]]
    pd.testing.assert_frame_equal(
        frame[FRAME_COLUMNS], plain_query(db, prog.id, kpi.id), check_exact=True
    )


def test_a_new_period_is_in_the_next_panel(db: Session) -> None:
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    last = kpi_store.period_range(db, kpi.id)[1]
    assert last is not None
    someone = build_program_panel(db, prog.id).people["employee_id"].iloc[0]
    kpi_store.write_observations(
        db,
        pd.DataFrame({"kpi_id": [kpi.id], "subject": [int(someone)],
                      "period": [last + timedelta(days=7)], "value": [42.5], "weight": [1]}),
    )  # fmt: skip
    frame = build_program_panel(db, prog.id).frame
    assert frame["period"].max() == pd.Timestamp(last + timedelta(days=7))
    pd.testing.assert_frame_equal(
        frame[FRAME_COLUMNS], plain_query(db, prog.id, kpi.id), check_exact=True
    )


def test_one_person_and_period_hold_one_value(db: Session) -> None:
    """Writing a stored (KPI, period, person) again replaces its value: the store keeps one
    entry per subject and period by construction."""
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    obs = kpi_store.observations(db, kpi_ids=[kpi.id]).head(1)
    before = kpi_store.observation_count(db, kpi.id)
    written = kpi_store.write_observations(db, obs.assign(value=obs["value"] + 1))
    assert written == kpi_store.Written(updated=1)
    assert kpi_store.observation_count(db, kpi.id) == before
