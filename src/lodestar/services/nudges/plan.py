"""Which occurrences of a nudge are due, and which are still to come.

For each participant of the program who has a start date, the schedule gives one moment per
occurrence, counted in the recipient's working days and time zone (the participant, or their
manager) and moved past quiet hours. An occurrence that is due and has no delivery row yet is
a candidate; what becomes of it is decided here:

- ``claimed`` (to send now), or
- ``skipped`` — the recipient unsubscribed, has no e-mail address, has no manager (for a
  managers' nudge), or the participant had left by then;
- ``expired`` — due longer ago than ``LODESTAR_NUDGES__MAX_LATENESS_HOURS`` (a reminder for
  Monday morning is noise on Wednesday).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lodestar.config import NudgeSettings
from lodestar.db.models import Employee, Nudge, NudgeDelivery, NudgeOptOut, ProgramEnrolment
from lodestar.domain.nudges import occurrence_times
from lodestar.services.nudges.calendars import calendars_of, default_calendar
from lodestar.services.nudges.design import nudge_view

CHUNK = 5000


@dataclass
class NudgePlan:
    """A nudge's due rows (to insert) and how many occurrences are still to come."""

    due: list[dict[str, Any]] = field(default_factory=list)
    upcoming: int = 0


def _participants(session: Session, nudge: Nudge, since: date) -> list[Any]:
    manager = aliased(Employee)
    return list(
        session.execute(
            select(
                ProgramEnrolment.employee_id,
                ProgramEnrolment.start_date,
                Employee.exit_date,
                Employee.email,
                Employee.manager_id,
                manager.email,
            )
            .join(Employee, Employee.id == ProgramEnrolment.employee_id)
            .outerjoin(manager, manager.id == Employee.manager_id)
            .where(
                ProgramEnrolment.program_id == nudge.program_id,
                ProgramEnrolment.group == "participant",
                ProgramEnrolment.start_date.is_not(None),
                ProgramEnrolment.start_date >= since,
            )
            .order_by(ProgramEnrolment.employee_id)
        )
    )


def _existing(session: Session, nudge_id: int, people: list[int]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for i in range(0, len(people), CHUNK):
        rows = session.execute(
            select(NudgeDelivery.employee_id, NudgeDelivery.occurrence).where(
                NudgeDelivery.nudge_id == nudge_id,
                NudgeDelivery.employee_id.in_(people[i : i + CHUNK]),
            )
        )
        out.update((int(e), int(o)) for e, o in rows)
    return out


def opted_out(session: Session, program_id: int) -> set[int]:
    return set(
        session.scalars(select(NudgeOptOut.employee_id).where(NudgeOptOut.program_id == program_id))
    )


def plan_nudge(session: Session, nudge: Nudge, now: datetime, settings: NudgeSettings) -> NudgePlan:
    """The rows to insert for ``nudge`` at ``now``, and the count of occurrences to come."""
    view = nudge_view(nudge)
    # A participant whose last occurrence lies further back than this is finished.
    since = now.date() - timedelta(days=view.schedule.span_days() + 2)
    people = _participants(session, nudge, since)
    if not people:
        return NudgePlan()
    managers = nudge.audience == "managers"
    recipients = [(r[4] if managers else r[0]) for r in people]
    calendars = calendars_of(
        session, [r for r in recipients if r is not None], default_calendar(settings)
    )
    existing = _existing(session, nudge.id, [int(r[0]) for r in people])
    unsubscribed = opted_out(session, nudge.program_id)
    late = timedelta(hours=settings.max_lateness_hours)
    plan = NudgePlan()
    for (participant, start, exit_date, own_email, _, manager_email), recipient in zip(
        people, recipients, strict=True
    ):
        email = manager_email if managers else own_email
        calendar = calendars.get(recipient) if recipient is not None else None
        times = occurrence_times(
            start, view.schedule, calendar or default_calendar(settings), view.quiet
        )
        for number, due in enumerate(times, start=1):
            if (participant, number) in existing:
                continue
            if due > now:
                if recipient is None or recipient not in unsubscribed:
                    plan.upcoming += 1
                continue
            status, reason = "claimed", ""
            if exit_date is not None and exit_date <= due.date():
                status, reason = "skipped", "The participant had left the company."
            elif recipient is None:
                status, reason = "skipped", "The participant has no manager in the HR data."
            elif recipient in unsubscribed:
                status, reason = "skipped", "The recipient unsubscribed from this program."
            elif not email and nudge.channel == "email":
                status, reason = "skipped", "The recipient has no e-mail address."
            elif not email:
                status, reason = (
                    "skipped",
                    "The recipient has no e-mail address to address the chat message to.",
                )
            elif now - due > late:
                status, reason = "expired", "It was due too long ago when send-due ran."
            plan.due.append(
                {
                    "nudge_id": nudge.id,
                    "employee_id": int(participant),
                    "recipient_id": int(recipient if recipient is not None else participant),
                    "occurrence": number,
                    "due_at": due,
                    "status": status,
                    "error": reason,
                }
            )
    return plan


def active_nudges(session: Session) -> list[Nudge]:
    return list(session.scalars(select(Nudge).where(Nudge.active.is_(True)).order_by(Nudge.id)))
