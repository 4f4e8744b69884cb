"""The fast fetch of a program's panel returns exactly the frame of a plain query."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, KpiObservation, Program, ProgramEnrolment, Team
from lodestar.services.impact import facts as facts_module
from lodestar.services.impact import panel as panel_module
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


def test_fast_fetch_equals_plain_query(db: Session) -> None:
    programs = employee_programs(db)
    assert programs, "the demo organisation has programs on employee-level KPIs"
    for prog in programs:
        facts, kpi = facts_module.program_facts(db, prog.id)
        fast = panel_module._fetch_frame(db, facts, kpi)
        assert list(fast.columns) == FRAME_COLUMNS
        assert len(fast) > 0
        pd.testing.assert_frame_equal(fast, plain_query(db, prog.id, kpi.id), check_exact=True)
        fallback = panel_module._plain_frame(db, prog.id, kpi.id)
        pd.testing.assert_frame_equal(fast, fallback, check_exact=True)


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


def test_person_enrolled_twice_goes_through_the_plain_query(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    prog = employee_programs(db)[0]
    enrolment = db.scalars(
        select(ProgramEnrolment).where(ProgramEnrolment.program_id == prog.id).limit(1)
    ).one()
    db.add(
        ProgramEnrolment(
            program_id=prog.id,
            employee_id=enrolment.employee_id,
            group=enrolment.group,
            cohort=enrolment.cohort,
            start_date=enrolment.start_date,
        )
    )
    db.flush()
    used: list[bool] = []
    plain = panel_module._plain_frame

    def counted(*args: object) -> pd.DataFrame:
        used.append(True)
        return plain(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(panel_module, "_plain_frame", counted)
    facts, kpi = facts_module.program_facts(db, prog.id)
    frame = panel_module._fetch_frame(db, facts, kpi)
    assert used
    pd.testing.assert_frame_equal(frame, plain_query(db, prog.id, kpi.id), check_exact=True)


def test_each_transfer_equals_plain_query(db: Session) -> None:
    """ADBC (when installed) and the packed transfer each give the plain query's frame."""
    for prog in employee_programs(db):
        facts, kpi = facts_module.program_facts(db, prog.id)
        people = panel_module._people(db, prog.id)
        expected = plain_query(db, prog.id, kpi.id)
        with Session(db.get_bind().engine) as fresh:  # no savepoint: ADBC can be used
            rows = panel_module._rows_adbc(fresh, prog.id, kpi.id)
        if rows is not None:
            frame = panel_module._assemble(rows, people)
            pd.testing.assert_frame_equal(frame, expected, check_exact=True)
        if db.get_bind().dialect.name == "postgresql":
            rows = panel_module._rows_postgres(db, prog.id, kpi.id)
        else:
            first = db.scalar(
                select(KpiObservation.period)
                .where(KpiObservation.kpi_id == kpi.id)
                .order_by(KpiObservation.period)
                .limit(1)
            )
            rows = panel_module._rows_sqlite(db, prog.id, kpi.id, panel_module._day(first))
        assert rows is not None
        frame = panel_module._assemble(rows, people)
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)


def test_adbc_transfer_is_used_when_installed(db: Session) -> None:
    pytest.importorskip(f"adbc_driver_{db.get_bind().dialect.name}")
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    with Session(db.get_bind().engine) as fresh:  # no savepoint: ADBC can be used
        assert panel_module._rows_adbc(fresh, prog.id, kpi.id) is not None


def test_adbc_transfer_skipped_after_uncommitted_writes(db: Session) -> None:
    """A second connection would not see this transaction's writes, so ADBC is not used."""
    prog = employee_programs(db)[0]
    facts, kpi = facts_module.program_facts(db, prog.id)
    obs = db.scalars(select(KpiObservation).where(KpiObservation.kpi_id == kpi.id).limit(1)).one()
    obs.value = obs.value + 1.0
    db.flush()
    assert panel_module._rows_adbc(db, prog.id, kpi.id) is None
    frame = panel_module._fetch_frame(db, facts, kpi)
    pd.testing.assert_frame_equal(frame, plain_query(db, prog.id, kpi.id), check_exact=True)
