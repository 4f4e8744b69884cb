"""Answers from the signed links in a nudge: "done it", "not today", "unsubscribe".

Nobody signs in: the link's signature is the authority, and it names one delivery and one
answer. The first "done it" or "not today" of a delivery is the answer (a second click says
what was answered); "unsubscribe" always works and stops every later nudge of the program for
that person. Each answer is an xAPI statement, and for a participants' nudge that names a target
behaviour, "done it" and "not today" are also the participant's self-report of that behaviour on
the day of the nudge (``behaviour_observations``, source "self"), which the program's behaviour
tier reads beside managers' observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    Nudge,
    NudgeDelivery,
    NudgeOptOut,
    Program,
)
from lodestar.domain.nudges import ANSWER_LABELS, Answer, first_name
from lodestar.errors import NotFound
from lodestar.services import audit
from lodestar.services.nudges.calendars import calendars_of, default_calendar
from lodestar.services.nudges.links import read_token
from lodestar.services.nudges.messages import delivery_contexts
from lodestar.services.nudges.statements import answer_statement, record_statements
from lodestar.services.privacy.groups import settings_of


@dataclass(frozen=True)
class AnswerPrompt:
    """What the confirmation page shows before the answer is recorded."""

    answer: Answer
    answer_label: str
    first_name: str
    program_name: str
    nudge_name: str
    occurrence: int
    occurrences: int
    earlier: str  # the label of an answer already given ("" = none)
    unsubscribed: bool


@dataclass(frozen=True)
class AnswerOutcome:
    recorded: bool
    sentence: str


def _load(session: Session, secret: str, token: str) -> tuple[Answer, NudgeDelivery]:
    link = read_token(secret, token)
    row = session.get(NudgeDelivery, link.delivery_id)
    if row is None or row.status != "sent":
        raise NotFound(
            "This message is no longer on record, so there is nothing to answer. You can ignore it."
        )
    return link.answer, row


def answer_prompt(session: Session, secret: str, token: str) -> AnswerPrompt:
    answer, row = _load(session, secret, token)
    nudge = session.get(Nudge, row.nudge_id)
    program = session.get(Program, nudge.program_id) if nudge else None
    person = session.get(Employee, row.recipient_id)
    assert nudge and program and person
    unsubscribed = session.scalar(
        select(NudgeOptOut.id).where(
            NudgeOptOut.employee_id == row.recipient_id, NudgeOptOut.program_id == program.id
        )
    )
    return AnswerPrompt(
        answer=answer,
        answer_label=ANSWER_LABELS[answer],
        first_name=first_name(person.name),
        program_name=program.name,
        nudge_name=nudge.name,
        occurrence=row.occurrence,
        occurrences=nudge.occurrences,
        earlier=ANSWER_LABELS.get(row.answer or "", "") if row.answer != "unsubscribe" else "",
        unsubscribed=unsubscribed is not None,
    )


def record_answer(
    session: Session, secret: str, token: str, iri_base: str, *, now: datetime | None = None
) -> AnswerOutcome:
    """Record the answer a signed link names (once), with its statement."""
    answer, row = _load(session, secret, token)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    ctx = delivery_contexts(session, [row.id], iri_base)[row.id]
    nudge = session.get(Nudge, row.nudge_id)
    assert nudge is not None
    program = ctx.values["program"]
    if answer == "unsubscribe":
        exists = session.scalar(
            select(NudgeOptOut.id).where(
                NudgeOptOut.employee_id == row.recipient_id,
                NudgeOptOut.program_id == nudge.program_id,
            )
        )
        if exists is None:
            session.add(
                NudgeOptOut(
                    employee_id=row.recipient_id, program_id=nudge.program_id, created_at=moment
                )
            )
        if row.answer is None:
            row.answer, row.answered_at = answer, moment
        record_statements(
            session, [(answer_statement(ctx.event, answer, moment), row.recipient_id)]
        )
        audit.record(
            session,
            None,
            "nudge.unsubscribe",
            "program",
            nudge.program_id,
            f"delivery #{row.id}",
            person_id=row.recipient_id,
        )
        return AnswerOutcome(True, f"You will get no more reminders from {program}.")
    if row.answer is not None:
        return AnswerOutcome(
            False,
            f"You already answered “{ANSWER_LABELS[row.answer]}” to this reminder; "
            "nothing was changed.",
        )
    row.answer, row.answered_at = answer, moment
    record_statements(session, [(answer_statement(ctx.event, answer, moment), row.recipient_id)])
    if nudge.behaviour and nudge.audience == "participants":
        _self_report(session, row, nudge.behaviour, answer == "done")
    audit.record(
        session,
        None,
        f"nudge.{answer}",
        "program",
        nudge.program_id,
        f"delivery #{row.id}",
        person_id=row.recipient_id,
    )
    session.flush()
    if answer == "done":
        return AnswerOutcome(True, "Thank you: noted as done. Keep it going tomorrow.")
    return AnswerOutcome(True, "Noted: not today. The next reminder comes as planned.")


def nudge_day(session: Session, row: NudgeDelivery) -> date:
    """The recipient's local date of the day a delivery was due."""
    calendar = calendars_of(
        session, [row.recipient_id], default_calendar(settings_of(session).nudges)
    )[row.recipient_id]
    return row.due_at.astimezone(calendar.zone).date()


def _self_report(session: Session, row: NudgeDelivery, behaviour: str, observed: bool) -> None:
    day = nudge_day(session, row)
    existing = session.scalar(
        select(BehaviourObservation).where(
            BehaviourObservation.employee_id == row.employee_id,
            BehaviourObservation.behaviour == behaviour,
            BehaviourObservation.observed_on == day,
            BehaviourObservation.source == "self",
        )
    )
    if existing is None:
        session.add(
            BehaviourObservation(
                employee_id=row.employee_id,
                behaviour=behaviour,
                observed_on=day,
                observed=observed,
                source="self",
            )
        )
    else:
        existing.observed = observed
