"""Whose growth an actor may see: their own, and their reports' through the reporting line.

A manager sees the people below them in the line (their reports, their reports' reports, ...),
followed through ``employees.manager_id``, not the department: a manager of another team in the
same department sees nothing. L&D and admins see everyone; an executive, like anyone else, sees
their own line. ``reports_of`` gives the whole set at once (skills, observations): the line
below the actor and the members of the teams they manage.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, Team, User
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied

MAX_LINE_DEPTH = 20  # a loop in bad HRIS data cannot make the walk endless


@dataclass(frozen=True)
class Person:
    employee_id: int
    name: str
    email: str | None
    manager_id: int | None
    job_role_id: int | None


def _person(row: Employee) -> Person:
    return Person(row.id, row.name, row.email, row.manager_id, row.job_role_id)


def own_employee_id(session: Session, actor: Actor) -> int | None:
    """The employee record the actor's account stands for (None: an account without one)."""
    return session.scalar(select(User.employee_id).where(User.id == actor.user_id))


def own_person(session: Session, actor: Actor) -> Person:
    """The actor as an employee; ``NotFound`` with what to do when the account has none."""
    employee_id = own_employee_id(session, actor)
    row = session.get(Employee, employee_id) if employee_id is not None else None
    if row is None:
        raise NotFound(
            "Your account is not linked to an employee record, so there is no plan or badge to "
            "show. Ask an administrator to link it (the HRIS e-mail must match your account)."
        )
    return _person(row)


def in_line_of(session: Session, manager_employee_id: int, employee_id: int) -> bool:
    """Whether ``employee_id`` reports to ``manager_employee_id``, directly or further down."""
    current: int | None = employee_id
    for _ in range(MAX_LINE_DEPTH):
        current = session.scalar(select(Employee.manager_id).where(Employee.id == current))
        if current is None:
            return False
        if current == manager_employee_id:
            return True
    return False


def person_for(session: Session, actor: Actor, employee_id: int) -> Person:
    """The employee, if the actor may see their growth; otherwise ``PermissionDenied``."""
    row = session.get(Employee, employee_id)
    if row is None:
        raise NotFound(f"There is no employee {employee_id}; check the link you followed.")
    if actor.is_ld:
        return _person(row)
    own = own_employee_id(session, actor)
    if own is not None and (own == employee_id or in_line_of(session, own, employee_id)):
        return _person(row)
    raise PermissionDenied(
        "You can see your own plan and badges and those of the people who report to you; "
        "this person is not in your reporting line."
    )


def direct_reports(session: Session, actor: Actor) -> list[Person]:
    """The people who report directly to the actor, by name."""
    own = own_employee_id(session, actor)
    if own is None:
        return []
    rows = session.scalars(
        select(Employee)
        .where(Employee.manager_id == own, Employee.exit_date.is_(None))
        .order_by(Employee.name)
    )
    return [_person(r) for r in rows]


def reports_of(session: Session, actor: Actor) -> set[int]:
    """Everyone in the acting user's reporting line: their direct and indirect reports, and
    the members of the teams they manage (a department head sees the whole department)."""
    me = own_employee_id(session, actor)
    if me is None:
        return set()
    teams = select(Team.id).where(Team.manager_employee_id == me)
    found = set(session.scalars(select(Employee.id).where(Employee.team_id.in_(teams))))
    frontier = {me} | found
    while frontier:  # one query per level of the hierarchy
        below = set(session.scalars(select(Employee.id).where(Employee.manager_id.in_(frontier))))
        frontier = below - found - {me}
        found |= frontier
    return found - {me}
