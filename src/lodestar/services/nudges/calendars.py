"""People's working calendars: their own work pattern, or the settings' defaults.

A schedule counts the recipient's working days in the recipient's time zone, so a manager in
Lisbon and a participant in Singapore each get their 08:30 on their own working days.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import NudgeSettings
from lodestar.db.base import utcnow
from lodestar.db.models import Employee, WorkPattern
from lodestar.domain.nudges import (
    WorkCalendar,
    check_time_zone,
    parse_working_days,
    working_days_text,
)
from lodestar.domain.roles import Actor
from lodestar.errors import ConfigurationError, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit


def default_calendar(settings: NudgeSettings) -> WorkCalendar:
    """The calendar of people without a work pattern, from the settings."""
    try:
        return WorkCalendar(
            check_time_zone(settings.default_time_zone),
            parse_working_days(settings.default_working_days),
        )
    except InvalidInput as err:
        raise ConfigurationError(
            f"LODESTAR_NUDGES__DEFAULT_TIME_ZONE or LODESTAR_NUDGES__DEFAULT_WORKING_DAYS is "
            f"wrong: {err.message}"
        ) from None


def calendars_of(
    session: Session, employee_ids: Iterable[int], default: WorkCalendar
) -> dict[int, WorkCalendar]:
    """Each person's calendar (their work pattern, else ``default``)."""
    ids = sorted(set(employee_ids))
    out = dict.fromkeys(ids, default)
    for i in range(0, len(ids), 5000):
        rows = session.execute(
            select(WorkPattern.employee_id, WorkPattern.time_zone, WorkPattern.working_days).where(
                WorkPattern.employee_id.in_(ids[i : i + 5000])
            )
        )
        for emp, zone, days in rows:
            out[int(emp)] = WorkCalendar(zone, parse_working_days(days))
    return out


def set_work_pattern(
    session: Session, actor: Actor, employee_ref: str, time_zone: str, working_days: str
) -> WorkCalendar:
    """Record where and when a person works (their employee id or e-mail names them)."""
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators set people's working calendars. Ask one of "
            "them, or load the calendars from the HR system."
        )
    ref = employee_ref.strip()
    person = session.scalar(select(Employee).where(Employee.external_id == ref))
    if person is None and "@" in ref:
        person = session.scalar(select(Employee).where(Employee.email == ref.lower()))
    if person is None:
        raise NotFound(
            f"There is no employee '{ref}'. Name them by their HR number or their e-mail."
        )
    calendar = WorkCalendar(check_time_zone(time_zone), parse_working_days(working_days))
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
