"""Scale, adapt or stop — the decision, the stored result it rests on, and the next wave.

Scaling adds a roll-out wave: the people of the chosen teams who are not yet participants join
with the wave's start date, so the impact engine analyses them as another start cohort (those
who were the pilot's comparison group become later starters, the classic staggered roll-out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, ImpactResult, ProgramEnrolment, RolloutWave
from lodestar.domain.program_lifecycle import DECISION_TARGETS, check_decision
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.programs.access import load_program, require_designer
from lodestar.services.programs.lifecycle import move_program


@dataclass(frozen=True)
class WaveInput:
    start_date: date
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class DecisionOutcome:
    program_id: int
    decision: str
    state: str
    impact_result_id: int | None
    wave_number: int | None
    wave_participants: int


def _latest_result(session: Session, program_id: int) -> int | None:
    return session.scalar(
        select(ImpactResult.id)
        .where(ImpactResult.program_id == program_id)
        .order_by(ImpactResult.created_at.desc(), ImpactResult.id.desc())
        .limit(1)
    )


def decide(
    session: Session,
    actor: Actor,
    program_id: int,
    decision: str,
    reason: str,
    *,
    impact_result_id: int | None = None,
    wave: WaveInput | None = None,
) -> DecisionOutcome:
    """Record the decision on the program's evidence and carry it out."""
    require_designer(actor)
    choice = check_decision(decision)
    prog = load_program(session, program_id, for_update=True)
    result_id = impact_result_id or _latest_result(session, prog.id)
    if impact_result_id is not None:
        row = session.get(ImpactResult, impact_result_id)
        if row is None or row.program_id != prog.id:
            raise NotFound(
                f"Program '{prog.name}' has no stored result #{impact_result_id}; choose one of "
                "its own analyses."
            )
    if choice == "scale":
        if result_id is None:
            raise Conflict(
                f"Program '{prog.name}' has no stored result, so a decision to scale would rest "
                "on nothing. Run the impact analysis first.",
            )
        if wave is None:
            raise InvalidInput(
                "Scaling starts the next roll-out wave: give its start date and the teams who "
                "join.",
                details={"fields": {"wave": "required"}},
            )
    step = move_program(
        session, actor, prog.id, DECISION_TARGETS[choice], reason,
        decision=choice, impact_result_id=result_id,
    )  # fmt: skip
    number, joined = None, 0
    if choice == "scale" and wave is not None:
        number, joined = _add_wave(session, prog.id, wave, step.id)
        audit.record(session, actor, "program.wave", "program", prog.id, f"wave {number}")
    return DecisionOutcome(prog.id, choice, DECISION_TARGETS[choice], result_id, number, joined)


def _add_wave(session: Session, program_id: int, wave: WaveInput, step_id: int) -> tuple[int, int]:
    if not wave.team_ids:
        raise InvalidInput(
            "Choose at least one team for the new wave.", details={"fields": {"team_ids": "empty"}}
        )
    last_start = session.scalar(
        select(func.max(ProgramEnrolment.start_date)).where(
            ProgramEnrolment.program_id == program_id, ProgramEnrolment.group == "participant"
        )
    )
    if last_start is not None and wave.start_date <= last_start:
        raise InvalidInput(
            f"The new wave must start after the last one ({last_start.isoformat()}), so the "
            "analysis can tell the cohorts apart.",
            details={"fields": {"start_date": "too early"}},
        )
    people = session.scalars(
        select(Employee.id).where(
            Employee.team_id.in_(wave.team_ids),
            Employee.hire_date <= wave.start_date,
            or_(Employee.exit_date.is_(None), Employee.exit_date > wave.start_date),
        )
    ).all()
    enrolled = {
        e.employee_id: e
        for e in session.scalars(
            select(ProgramEnrolment).where(ProgramEnrolment.program_id == program_id)
        )
    }
    number = (
        session.scalar(
            select(func.max(RolloutWave.number)).where(RolloutWave.program_id == program_id)
        )
        or 0
    ) + 1
    cohort = f"Wave {number} {wave.start_date.isoformat()}"
    joined = 0
    for person in people:
        existing = enrolled.get(person)
        if existing is not None and existing.group == "participant":
            continue
        if existing is not None:  # a former comparison member now starts the program
            existing.group, existing.cohort, existing.start_date = (
                "participant", cohort, wave.start_date
            )  # fmt: skip
        else:
            session.add(
                ProgramEnrolment(
                    program_id=program_id,
                    employee_id=person,
                    group="participant",
                    cohort=cohort,
                    start_date=wave.start_date,
                )
            )
        joined += 1
    if joined == 0:
        raise InvalidInput(
            "Everyone in the chosen teams already takes part; choose teams who have not started.",
            details={"fields": {"team_ids": "no one new"}},
        )
    session.add(
        RolloutWave(
            program_id=program_id,
            number=number,
            start_date=wave.start_date,
            participants=joined,
            transition_id=step_id,
        )
    )
    session.flush()
    return number, joined
