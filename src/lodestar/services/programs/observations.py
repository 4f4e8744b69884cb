"""Managers record 30/60/90-day observations of a program's target behaviours for the people
who report to them (directly or further down their line), beside the behaviour import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    ProgramBehaviour,
    ProgramEnrolment,
)
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import audit
from lodestar.services.programs.access import load_program
from lodestar.services.reporting_line import reports_of


@dataclass(frozen=True)
class Observable:
    """A participant the acting manager may record an observation for."""

    employee_id: int
    name: str
    start_date: date | None


def _reports(session: Session, actor: Actor) -> set[int]:
    """Everyone in the acting user's reporting line (``services.reporting_line``)."""
    return reports_of(session, actor)


def observable_participants(session: Session, actor: Actor, program_id: int) -> list[Observable]:
    """Participants the actor may observe: their reports (a manager) or everyone (L&D)."""
    load_program(session, program_id)
    query = (
        select(Employee.id, Employee.name, ProgramEnrolment.start_date)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id, ProgramEnrolment.group == "participant")
        .order_by(Employee.name)
    )
    if not actor.is_ld:
        if actor.role != "manager":
            raise PermissionDenied(
                "Behaviour observations are recorded by the participant's manager or the L&D team."
            )
        query = query.where(Employee.id.in_(_reports(session, actor) or {-1}))
    return [Observable(int(i), n, s) for i, n, s in session.execute(query)]


def record_observation(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    employee_id: int,
    behaviour: str,
    observed_on: date,
    observed: bool | None,
    score: float | None = None,
) -> BehaviourObservation:
    """One observation of one target behaviour, by the person's manager (or L&D)."""
    allowed = {o.employee_id: o for o in observable_participants(session, actor, program_id)}
    if employee_id not in allowed:
        raise InvalidInput(
            f"Person #{employee_id} is not among this program's participants who report to "
            "you, so you cannot record an observation for them. Choose one of your reports, or "
            "ask their own manager or the L&D team.",
            details={"fields": {"employee_id": "not your report"}},
        )
    targets = set(
        session.scalars(
            select(ProgramBehaviour.behaviour).where(ProgramBehaviour.program_id == program_id)
        )
    )
    if behaviour not in targets:
        listed = "; ".join(sorted(targets)) or "none yet — the L&D team names them on the canvas"
        raise InvalidInput(
            f"“{behaviour}” is not one of this program's target behaviours ({listed}).",
            details={"fields": {"behaviour": "unknown"}},
        )
    if observed is None and score is None:
        raise InvalidInput(
            "Say whether you saw the behaviour, or give a score.",
            details={"fields": {"observed": "required"}},
        )
    if score is not None and not 0 <= score <= 5:
        raise InvalidInput("Scores run from 0 to 5.", details={"fields": {"score": "out of range"}})
    if observed_on > date.today():
        raise InvalidInput(
            "An observation cannot be dated in the future.",
            details={"fields": {"observed_on": "future"}},
        )
    source = "manager"
    existing = session.scalar(
        select(BehaviourObservation).where(
            BehaviourObservation.employee_id == employee_id,
            BehaviourObservation.behaviour == behaviour,
            BehaviourObservation.observed_on == observed_on,
            BehaviourObservation.source == source,
        )
    )
    row = existing or BehaviourObservation(
        employee_id=employee_id, behaviour=behaviour, observed_on=observed_on, source=source
    )
    row.observed, row.score = observed, score
    if existing is None:
        session.add(row)
    session.flush()
    audit.record(session, actor, "behaviour.observe", "employee", employee_id, behaviour)
    return row
