"""People's work patterns: the time zone and working days their nudges follow.

Who may see and change whose pattern:

- everyone their own (the account's linked employee record): a person in Singapore who works
  Sunday to Thursday says so once, and their 08:30 follows;
- a manager their direct reports' (the people whose manager they are in the HR data);
- the L&D team and administrators anyone's.

Without a pattern of their own a person follows the settings' defaults
(``LODESTAR_NUDGES__DEFAULT_TIME_ZONE``, ``…__DEFAULT_WORKING_DAYS``); removing a pattern
returns them to those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lodestar.db.base import utcnow
from lodestar.db.models import Employee, Nudge, ProgramEnrolment, User, WorkPattern
from lodestar.domain.nudges import (
    WorkCalendar,
    check_time_zone,
    parse_working_days,
    working_days_text,
)
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.nudges.calendars import default_calendar
from lodestar.services.privacy.groups import settings_of
from lodestar.services.programs.access import load_program, require_reader

MAX_TEAM = 200  # direct reports listed on a manager's account page


@dataclass(frozen=True)
class WorkPatternView:
    """A person's calendar as nudges use it: their own, or the defaults (``own`` False)."""

    employee_id: int
    external_id: str
    name: str
    time_zone: str
    working_days: str  # "mon,tue,wed,thu,fri"
    own: bool
    updated_at: datetime | None


@dataclass(frozen=True)
class RecipientPatterns:
    """The working calendars of the people a program's nudges reach."""

    default: WorkCalendar
    default_days: str  # the default working days as text: "mon,tue,wed,thu,fri"
    people: int  # participants (and, with a managers' nudge, their managers)
    own_count: int  # how many of them have a pattern of their own
    own: tuple[WorkPatternView, ...]  # those, by name (for the L&D team only)
    can_edit: bool


def _own_employee_id(session: Session, actor: Actor) -> int | None:
    return session.scalar(select(User.employee_id).where(User.id == actor.user_id))


def _may_change(session: Session, actor: Actor, person: Employee) -> bool:
    if actor.is_ld:
        return True
    mine = _own_employee_id(session, actor)
    if mine is None:
        return False
    return person.id == mine or (actor.role == "manager" and person.manager_id == mine)


def find_person(session: Session, ref: str) -> Employee:
    """An employee by HR number or e-mail, or a sentence saying how to name them."""
    ref = ref.strip()
    person = session.scalar(select(Employee).where(Employee.external_id == ref))
    if person is None and "@" in ref:
        person = session.scalar(select(Employee).where(Employee.email == ref.lower()))
    if person is None:
        raise NotFound(
            f"There is no employee '{ref[:80]}'. Name them by their HR number or their e-mail."
        )
    return person


def _person_for(session: Session, actor: Actor, ref: str) -> Employee:
    """The person, if ``actor`` may see and change their pattern. Others hear the same refusal
    whether or not the person exists, so HR numbers cannot be probed."""
    refusal = PermissionDenied(
        "You may see and set your own working calendar and, as a manager, your direct "
        "reports'; the L&D team and administrators set anyone's. Ask one of them."
    )
    try:
        person = find_person(session, ref)
    except NotFound:
        if actor.is_ld:
            raise
        raise refusal from None
    if not _may_change(session, actor, person):
        raise refusal
    return person


def _view(session: Session, person: Employee) -> WorkPatternView:
    row = session.get(WorkPattern, person.id)
    if row is None:
        calendar = default_calendar(settings_of(session).nudges)
        zone, days, updated = calendar.time_zone, working_days_text(calendar.working_days), None
    else:
        zone, days, updated = row.time_zone, row.working_days, row.updated_at
    return WorkPatternView(
        employee_id=person.id,
        external_id=person.external_id,
        name=person.name,
        time_zone=zone,
        working_days=days,
        own=row is not None,
        updated_at=updated,
    )


def work_pattern(session: Session, actor: Actor, employee_ref: str) -> WorkPatternView:
    """A person's calendar (their HR number or e-mail names them)."""
    return _view(session, _person_for(session, actor, employee_ref))


def own_work_pattern(session: Session, actor: Actor) -> WorkPatternView | None:
    """The signed-in person's calendar; None when the account is not linked to an employee."""
    mine = _own_employee_id(session, actor)
    person = session.get(Employee, mine) if mine is not None else None
    return _view(session, person) if person is not None else None


def team_work_patterns(session: Session, actor: Actor) -> tuple[WorkPatternView, ...]:
    """A manager's direct reports with their calendars, by name (empty for other roles and for
    an account not linked to an employee); people with an exit date are left out."""
    mine = _own_employee_id(session, actor)
    if actor.role != "manager" or mine is None:
        return ()
    reports = session.scalars(
        select(Employee)
        .where(Employee.manager_id == mine, Employee.exit_date.is_(None))
        .order_by(Employee.name, Employee.id)
        .limit(MAX_TEAM)
    )
    return tuple(_view(session, person) for person in reports)


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name the system knows, sorted: what a time-zone field offers."""
    return tuple(sorted(available_timezones()))


def set_work_pattern(
    session: Session, actor: Actor, employee_ref: str, time_zone: str, working_days: str
) -> WorkCalendar:
    """Record where and when a person works (their employee id or e-mail names them)."""
    person = _person_for(session, actor, employee_ref)
    calendar = WorkCalendar(check_time_zone(time_zone.strip()), parse_working_days(working_days))
    row = session.get(WorkPattern, person.id)
    if row is None:
        row = WorkPattern(employee_id=person.id)
        session.add(row)
    row.time_zone = calendar.time_zone
    row.working_days = working_days_text(calendar.working_days)
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "work_pattern.set",
        "employee",
        person.id,
        f"{row.time_zone}; {row.working_days}",
        person_id=person.id,
    )
    return calendar


def clear_work_pattern(session: Session, actor: Actor, employee_ref: str) -> WorkPatternView:
    """Remove a person's own pattern: the defaults apply again. Nothing to remove is fine."""
    person = _person_for(session, actor, employee_ref)
    row = session.get(WorkPattern, person.id)
    if row is not None:
        session.delete(row)
        session.flush()
        audit.record(
            session, actor, "work_pattern.clear", "employee", person.id, "", person_id=person.id
        )
    return _view(session, person)


def recipient_patterns(session: Session, actor: Actor, program_id: int) -> RecipientPatterns:
    """The calendars of the people a program's nudges reach: how many, the default, and the
    people with a pattern of their own (names only for those who may change them: L&D)."""
    require_reader(actor)
    prog = load_program(session, program_id)
    participants = select(ProgramEnrolment.employee_id).where(
        ProgramEnrolment.program_id == prog.id, ProgramEnrolment.group == "participant"
    )
    to_managers = session.scalar(
        select(Nudge.id).where(Nudge.program_id == prog.id, Nudge.audience == "managers")
    )
    reached: ColumnElement[bool] = Employee.id.in_(participants)
    if to_managers is not None:
        managers = select(Employee.manager_id).where(Employee.id.in_(participants))
        reached = or_(reached, Employee.id.in_(managers))
    people = int(session.scalar(select(func.count()).select_from(Employee).where(reached)) or 0)
    rows = session.execute(
        select(Employee, WorkPattern)
        .join(WorkPattern, WorkPattern.employee_id == Employee.id)
        .where(reached)
        .order_by(Employee.name, Employee.id)
    ).all()
    own = (
        tuple(
            WorkPatternView(
                employee_id=e.id,
                external_id=e.external_id,
                name=e.name,
                time_zone=w.time_zone,
                working_days=w.working_days,
                own=True,
                updated_at=w.updated_at,
            )
            for e, w in rows
        )
        if actor.is_ld
        else ()
    )
    default = default_calendar(settings_of(session).nudges)
    return RecipientPatterns(
        default=default,
        default_days=working_days_text(default.working_days),
        people=people,
        own_count=len(rows),
        own=own,
        can_edit=actor.is_ld,
    )
