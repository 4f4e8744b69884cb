"""People's working calendars: their own work pattern, or the settings' defaults.

A schedule counts the recipient's working days in the recipient's time zone, so a manager in
Lisbon and a participant in Singapore each get their 08:30 on their own working days.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import NudgeSettings
from lodestar.db.models import WorkPattern
from lodestar.domain.nudges import WorkCalendar, check_time_zone, parse_working_days
from lodestar.errors import ConfigurationError, InvalidInput


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
