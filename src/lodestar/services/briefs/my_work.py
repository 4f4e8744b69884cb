"""The home of an employee or a manager: their own work, not an empty list.

- An employee sees the programs they take part in (with the statement of intent, when they
  started and finished) and their own latest behaviour observations: their data, about them.
- A manager sees, for the people who report to them or work in the teams they lead, the
  programs those people take part in and how often the programs' target behaviours were
  observed over the last 90 days. Those are aggregates over people, so each is shown only for
  at least the minimum group size (``services.privacy.groups``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    Program,
    ProgramBehaviour,
    ProgramCanvas,
    ProgramEnrolment,
    Team,
    User,
)
from lodestar.domain.roles import Actor
from lodestar.services.privacy.groups import group_rule
from lodestar.services.programs.canvas import generated_statement

TEAM_WINDOW_DAYS = 90


@dataclass(frozen=True)
class MyProgram:
    id: int
    name: str
    status: str
    statement: str
    started: date | None
    completed: date | None


@dataclass(frozen=True)
class MyObservation:
    behaviour: str
    observed_on: date
    observed: bool | None
    score: float | None
    source: str


@dataclass(frozen=True)
class TeamProgram:
    id: int
    name: str
    status: str
    participants: int  # of the manager's people


@dataclass(frozen=True)
class TeamBehaviour:
    behaviour: str
    people: int
    share_observed: float | None
    mean_score: float | None
    hidden: bool  # fewer people than the minimum group size: no figure


@dataclass(frozen=True)
class MyWork:
    linked: bool  # the account is linked to a person in the HR data
    programs: tuple[MyProgram, ...]
    observations: tuple[MyObservation, ...]
    team_size: int
    team_programs: tuple[TeamProgram, ...]
    team_behaviours: tuple[TeamBehaviour, ...]
    min_group: int
    window_days: int = TEAM_WINDOW_DAYS


def my_work(session: Session, actor: Actor, *, today: date | None = None) -> MyWork:
    """What the signed-in person's home shows about their own work (and their team's)."""
    rule = group_rule(session)
    user = session.get(User, actor.user_id)
    employee_id = user.employee_id if user else None
    if employee_id is None:
        return MyWork(False, (), (), 0, (), (), rule.min_size)
    programs = _my_programs(session, employee_id)
    observations = tuple(
        MyObservation(o.behaviour, o.observed_on, o.observed, o.score, o.source)
        for o in session.scalars(
            select(BehaviourObservation)
            .where(BehaviourObservation.employee_id == employee_id)
            .order_by(BehaviourObservation.observed_on.desc())
            .limit(6)
        )
    )
    if actor.role != "manager":
        return MyWork(True, programs, observations, 0, (), (), rule.min_size)
    people = _my_people(employee_id)
    team_size = session.scalar(select(func.count()).select_from(people.subquery())) or 0
    team_programs = tuple(
        TeamProgram(pid, name, status, int(n))
        for pid, name, status, n in session.execute(
            select(Program.id, Program.name, Program.status, func.count())
            .join(ProgramEnrolment, ProgramEnrolment.program_id == Program.id)
            .where(ProgramEnrolment.group == "participant",
                   ProgramEnrolment.employee_id.in_(people))
            .group_by(Program.id, Program.name, Program.status)
            .order_by(Program.name)
        )
    )  # fmt: skip
    since = (today or date.today()) - timedelta(days=TEAM_WINDOW_DAYS)
    targets = select(ProgramBehaviour.behaviour).where(
        ProgramBehaviour.program_id.in_([p.id for p in team_programs])
    )
    obs = BehaviourObservation
    behaviours = []
    for behaviour, n, share, score in session.execute(
        select(
            obs.behaviour,
            func.count(obs.employee_id.distinct()),
            func.avg(case((obs.observed.is_(True), 1.0), (obs.observed.is_(False), 0.0))),
            func.avg(obs.score),
        )
        .where(obs.employee_id.in_(people), obs.observed_on >= since, obs.behaviour.in_(targets))
        .group_by(obs.behaviour)
        .order_by(obs.behaviour)
    ):
        hidden = rule.hides(int(n))
        behaviours.append(
            TeamBehaviour(behaviour, int(n), None if hidden or share is None else float(share),
                          None if hidden or score is None else float(score), hidden)
        )  # fmt: skip
    return MyWork(True, programs, observations, int(team_size), team_programs,
                  tuple(behaviours), rule.min_size)  # fmt: skip


def _my_programs(session: Session, employee_id: int) -> tuple[MyProgram, ...]:
    rows = session.execute(
        select(Program, ProgramEnrolment.start_date, ProgramEnrolment.completed_on)
        .join(ProgramEnrolment, ProgramEnrolment.program_id == Program.id)
        .where(ProgramEnrolment.employee_id == employee_id,
               ProgramEnrolment.group == "participant")
        .order_by(ProgramEnrolment.start_date.desc())
    ).all()  # fmt: skip
    out = []
    for prog, started, completed in rows:
        statement = _statement(session, prog)
        out.append(MyProgram(prog.id, prog.name, prog.status, statement, started, completed))
    return tuple(out)


def _statement(session: Session, prog: Program) -> str:
    """The program's statement of intent (what it is for, not anyone's results), which a
    participant may read although program results are not theirs to see."""
    canvas = session.scalar(select(ProgramCanvas).where(ProgramCanvas.program_id == prog.id))
    if canvas is not None and canvas.statement.strip():
        return canvas.statement.strip()
    if prog.kpi_id is None:
        return prog.description
    return generated_statement(session, prog, canvas.audience if canvas else "")


def _my_people(employee_id: int) -> Select[Any]:
    """Who a manager's home is about: their direct reports and the members of teams they
    lead, still employed."""
    led = select(Team.id).where(Team.manager_employee_id == employee_id)
    return select(Employee.id).where(
        Employee.id != employee_id,
        Employee.exit_date.is_(None),
        or_(Employee.manager_id == employee_id, Employee.team_id.in_(led)),
    )


__all__ = [
    "MyObservation",
    "MyProgram",
    "MyWork",
    "TeamBehaviour",
    "TeamProgram",
    "my_work",
]
