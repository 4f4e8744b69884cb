"""Planned moves: a person planned to move into another job title on a day (a promotion, a
transfer), an input to the skills forecast (``forecast.py`` counts a move into the new title
and out of the current one once it falls within the horizon). Listed, added, changed and
deleted one at a time here (page, API) or many at once with the ``planned_moves`` import;
written by the L&D team and administrators, read also by executives.

A person is named by their HRIS employee id (``external_id``, as in the import) and a job title
by its title. A person has at most one move on a given day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lodestar.db.models import Employee, JobRole, PlannedMove
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.skills.catalogue import require_catalogue_editor
from lodestar.services.skills.profiles import job_role

FURTHEST_YEARS = 5  # a move planned further ahead is a typing slip, not a plan


@dataclass(frozen=True)
class MoveLine:
    id: int
    employee_external_id: str
    employee_name: str
    from_job_title: str
    to_job_title: str
    effective_on: date


def _readers(actor: Actor) -> None:
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied("Planned moves are for the L&D team, administrators and executives.")


def planned_moves(session: Session, actor: Actor) -> list[MoveLine]:
    """Every planned move, soonest first."""
    _readers(actor)
    now_role, to_role = aliased(JobRole), aliased(JobRole)
    rows = session.execute(
        select(PlannedMove.id, Employee.external_id, Employee.name, now_role.title,
               to_role.title, PlannedMove.effective_on)
        .join(Employee, Employee.id == PlannedMove.employee_id)
        .outerjoin(now_role, now_role.id == Employee.job_role_id)
        .join(to_role, to_role.id == PlannedMove.to_job_role_id)
        .order_by(PlannedMove.effective_on, Employee.name, PlannedMove.id)
    ).all()  # fmt: skip
    return [MoveLine(int(i), str(x), str(n), str(f or ""), str(t), d) for i, x, n, f, t, d in rows]


def _person(session: Session, external_id: str) -> Employee:
    key = external_id.strip()
    if not key:
        raise InvalidInput(
            "Say who moves: give the person's employee id from the HRIS file.",
            details={"fields": {"employee_id": "required"}},
        )
    person = session.scalar(select(Employee).where(Employee.external_id == key))
    if person is None:
        raise InvalidInput(
            f"No employee has the id “{key}”. Give the employee id the HRIS file uses, or "
            "import the employee first.",
            details={"fields": {"employee_id": "an HRIS employee id"}},
        )
    if person.exit_date is not None:
        raise InvalidInput(
            f"{person.name} left on {person.exit_date:%d %B %Y}; a move is planned for someone "
            "still employed.",
            details={"fields": {"employee_id": "a current employee"}},
        )
    return person


def _checked(
    session: Session, external_id: str, to_job_title: str, effective_on: date, today: date
) -> tuple[Employee, JobRole]:
    person = _person(session, external_id)
    try:
        role = job_role(session, to_job_title.strip())
    except NotFound as exc:
        raise InvalidInput(
            exc.message, details={"fields": {"to_job_title": "a job title"}}
        ) from None
    if role.id == person.job_role_id:
        raise InvalidInput(
            f"{person.name} already holds the job title “{role.title}”. Choose the title they "
            "move into.",
            details={"fields": {"to_job_title": "another title than today's"}},
        )
    if effective_on < today:
        raise InvalidInput(
            f"The move date {effective_on:%d %B %Y} has passed. A planned move is in the future; "
            "a move that happened comes with the HRIS import.",
            details={"fields": {"effective_on": "today or later"}},
        )
    if effective_on.year > today.year + FURTHEST_YEARS:
        raise InvalidInput(
            f"The move date {effective_on:%d %B %Y} is more than {FURTHEST_YEARS} years away; "
            "the forecast looks 24 months ahead. Check the year.",
            details={"fields": {"effective_on": f"within {FURTHEST_YEARS} years"}},
        )
    return person, role


def _line(row: PlannedMove, person: Employee, role: JobRole, session: Session) -> MoveLine:
    now = session.get(JobRole, person.job_role_id) if person.job_role_id else None
    return MoveLine(row.id, person.external_id, person.name, now.title if now else "",
                    role.title, row.effective_on)  # fmt: skip


def _clash(session: Session, employee_id: int, effective_on: date, move_id: int | None) -> None:
    other = session.scalar(
        select(PlannedMove.id).where(
            PlannedMove.employee_id == employee_id, PlannedMove.effective_on == effective_on
        )
    )
    if other is not None and other != move_id:
        raise Conflict(
            f"This person already has a move planned on {effective_on:%d %B %Y}. Change that "
            "move instead, or choose another date."
        )


def add_move(
    session: Session,
    actor: Actor,
    external_id: str,
    to_job_title: str,
    effective_on: date,
    *,
    today: date | None = None,
) -> MoveLine:
    """Plan a move of the person (HRIS id) into ``to_job_title`` on ``effective_on``."""
    require_catalogue_editor(actor)
    person, role = _checked(session, external_id, to_job_title, effective_on, today or date.today())
    _clash(session, person.id, effective_on, None)
    row = PlannedMove(employee_id=person.id, to_job_role_id=role.id, effective_on=effective_on)
    session.add(row)
    session.flush()
    audit.record(session, actor, "planned_move.add", "planned_move", row.id,
                 f"into {role.title} on {effective_on}", person_id=person.id)  # fmt: skip
    return _line(row, person, role, session)


def _move(session: Session, move_id: int) -> PlannedMove:
    row = session.get(PlannedMove, move_id)
    if row is None:
        raise NotFound(f"There is no planned move {move_id}; pick one from the planned moves.")
    return row


def change_move(
    session: Session,
    actor: Actor,
    move_id: int,
    to_job_title: str,
    effective_on: date,
    *,
    today: date | None = None,
) -> MoveLine:
    """Change a planned move's job title or date (the person stays the same)."""
    require_catalogue_editor(actor)
    row = _move(session, move_id)
    person = session.get(Employee, row.employee_id)
    assert person is not None
    person, role = _checked(session, person.external_id, to_job_title, effective_on,
                            today or date.today())  # fmt: skip
    _clash(session, person.id, effective_on, row.id)
    row.to_job_role_id, row.effective_on = role.id, effective_on
    session.flush()
    audit.record(session, actor, "planned_move.change", "planned_move", row.id,
                 f"into {role.title} on {effective_on}", person_id=person.id)  # fmt: skip
    return _line(row, person, role, session)


def delete_move(session: Session, actor: Actor, move_id: int) -> None:
    """Take a planned move out of the forecast."""
    require_catalogue_editor(actor)
    row = _move(session, move_id)
    audit.record(session, actor, "planned_move.delete", "planned_move", row.id,
                 f"on {row.effective_on}", person_id=row.employee_id)  # fmt: skip
    session.delete(row)
    session.flush()


__all__ = ["MoveLine", "add_move", "change_move", "delete_move", "planned_moves"]
