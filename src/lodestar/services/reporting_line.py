"""Who reports to whom: managers see people through the reporting line, not only the
department (skills, observations)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, Team, User
from lodestar.domain.roles import Actor


def actor_employee_id(session: Session, actor: Actor) -> int | None:
    """The employee record of the acting user (None when the account has none)."""
    user = session.get(User, actor.user_id)
    return user.employee_id if user is not None else None


def reports_of(session: Session, actor: Actor) -> set[int]:
    """Everyone in the acting user's reporting line: their direct and indirect reports, and
    the members of the teams they manage (a department head sees the whole department)."""
    me = actor_employee_id(session, actor)
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


__all__ = ["actor_employee_id", "reports_of"]
