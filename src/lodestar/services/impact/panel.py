"""Build the analysis frame for one program and its metric, in the database.

The join and the filtering happen in SQL (so the same query can run on a bigger engine
later); what comes back is one row per employee-period with the program's timing attached:

    employee_id, team_id, period, t (week index), value, weight,
    group ('participant' | 'comparison' | None), start_date,
    first_treat (t of the start, 0 = never),
    performance_rating, hire_date

The population is everyone with observations of the KPI in the departments where the
program has enrolments — participants, the program's own comparison group if it has one,
and the not-enrolled colleagues who serve as a comparison otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, Kpi, KpiObservation, Program, ProgramEnrolment, Team
from lodestar.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ProgramFacts:
    id: int
    code: str
    name: str
    rollout: str
    status: str
    start_date: date | None
    cost_per_participant: float | None
    kpi_id: int


@dataclass(frozen=True)
class KpiFacts:
    id: int
    code: str
    name: str
    unit: str
    direction: str
    grain: str
    value_per_unit: float | None
    currency: str | None


@dataclass(frozen=True)
class ProgramPanel:
    program: ProgramFacts
    kpi: KpiFacts
    frame: pd.DataFrame
    snapshot: dict[str, Any]


def program_facts(session: Session, program_id: int) -> tuple[ProgramFacts, KpiFacts]:
    prog = session.get(Program, program_id)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the programs list to find it.")
    if prog.kpi_id is None:
        raise InvalidInput(
            f"Program '{prog.name}' names no metric that matters, so there is nothing to "
            "measure. Link it to a KPI first."
        )
    kpi = session.get(Kpi, prog.kpi_id)
    assert kpi is not None
    return (
        ProgramFacts(
            prog.id,
            prog.code,
            prog.name,
            prog.rollout,
            prog.status,
            prog.start_date,
            prog.cost_per_participant,
            kpi.id,
        ),
        KpiFacts(
            kpi.id,
            kpi.code,
            kpi.name,
            kpi.unit,
            kpi.direction,
            kpi.grain,
            kpi.value_per_unit,
            kpi.currency,
        ),
    )


def build_program_panel(session: Session, program_id: int) -> ProgramPanel:
    """The employee-period frame for ``program_id`` and its metric that matters."""
    program, kpi = program_facts(session, program_id)
    if kpi.grain != "employee":
        raise InvalidInput(
            f"'{kpi.name}' is measured per {kpi.grain}, and program impact is estimated on "
            "employee-level KPIs so far. Pick an employee-level KPI as the program's metric, "
            "or analyse the team-level series with lodestar.estimate_effect."
        )
    frame = _fetch_frame(session, program, kpi)
    if frame.empty:
        raise InvalidInput(
            f"There are no observations of '{kpi.name}' for the people in program "
            f"'{program.name}'. Import the KPI's history (lodestar import kpis) and try again."
        )
    frame["period"] = pd.to_datetime(frame["period"])
    periods = np.sort(frame["period"].unique())
    frame["t"] = np.searchsorted(periods, frame["period"].to_numpy()) + 1
    starts = pd.to_datetime(frame["start_date"])
    treated = frame["group"].eq("participant") & starts.notna()
    first = np.searchsorted(periods, starts[treated].to_numpy()) + 1
    frame["first_treat"] = 0
    frame.loc[treated, "first_treat"] = first
    snapshot = {
        "rows": int(len(frame)),
        "people": int(frame["employee_id"].nunique()),
        "participants": int(frame.loc[treated, "employee_id"].nunique()),
        "first_period": str(pd.Timestamp(periods[0]).date()),
        "last_period": str(pd.Timestamp(periods[-1]).date()),
        "max_observation_id": int(
            session.scalar(
                select(func.max(KpiObservation.id)).where(KpiObservation.kpi_id == kpi.id)
            )
            or 0
        ),
        "fingerprint": _fingerprint(frame),
    }
    return ProgramPanel(program, kpi, frame, snapshot)


def _fetch_frame(session: Session, program: ProgramFacts, kpi: KpiFacts) -> pd.DataFrame:
    enrolled_departments = (
        select(Team.department_id)
        .join(Employee, Employee.team_id == Team.id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program.id)
        .distinct()
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
                ProgramEnrolment.program_id == program.id,
            ),
        )
        .where(KpiObservation.kpi_id == kpi.id, Team.department_id.in_(enrolled_departments))
    )
    return pd.read_sql(stmt, session.connection())


def _fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the analysed data, so a stored result can be traced to its input."""
    cols = ["employee_id", "t", "value", "first_treat"]
    digest = pd.util.hash_pandas_object(frame[cols], index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()[:16]
