"""The First-Contact Resolution pilot's nudges: ten working mornings of the closing checklist,
sent by e-mail to every participant from their start, and what came of them.

The history is written as ``send-due`` and the answer links would have left it (deliveries,
opt-outs, xAPI statements, self-reports of the target behaviour), with deterministic outcomes,
so its counts are known (``workspace_meta['demo_nudge_truth']``, :func:`expected_counts`):

- every participant in position 4, 24, 44 … (by employee id, from 0) unsubscribes from the link in
  their third message, so their last seven occurrences are skipped;
- the fifth message to every participant in position 3, 13, 23 … bounced five times and failed;
  the second message to positions 6, 16, 26 … went through on its second try;
- the other messages were sent, and answered from a seeded draw: about half "done it", about
  one in six "not today", the rest not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    Nudge,
    NudgeDelivery,
    NudgeOptOut,
    Program,
    ProgramEnrolment,
    WorkspaceMeta,
)
from lodestar.domain.nudges import QuietHours, Schedule, WorkCalendar, occurrence_times
from lodestar.services.nudges.statements import (
    NudgeEvent,
    answer_statement,
    delivered_statement,
    record_statements,
)

PROGRAM = "fcr_pilot"
IRI_BASE = "http://localhost:8000"  # services.nudges.public_base without LODESTAR_PUBLIC_URL
OCCURRENCES = 10
UNSUBSCRIBE_AT = 3
FAILED_OCCURRENCE = 5
RETRIED_OCCURRENCE = 2
BOUNCE = "The mail server refused the message (550 5.1.1 mailbox unavailable)."
BEHAVIOUR = "Runs the resolution checklist before closing a contact"


def expected_counts(participants: int, answers: dict[str, int]) -> dict[str, int]:
    """The counts the story produces for ``participants`` people, given the drawn answers."""
    leavers = (participants + 15) // 20  # positions 4, 24, …
    failed = (participants + 6) // 10  # positions 3, 13, …
    skipped = leavers * (OCCURRENCES - UNSUBSCRIBE_AT)
    deliveries = participants * OCCURRENCES
    sent = deliveries - skipped - failed
    answered = answers["done"] + answers["not_today"] + leavers
    return {
        "participants": participants,
        "deliveries": deliveries,
        "sent": sent,
        "failed": failed,
        "skipped": skipped,
        "retried_then_sent": (participants + 3) // 10,  # positions 6, 16, …
        "done": answers["done"],
        "not_today": answers["not_today"],
        "unsubscribed": leavers,
        "answered": answered,
        "statements": sent + answered,
        "self_reports": answers["done"] + answers["not_today"],
    }


def write_nudge_story(session: Session, seed: int, ld_user_id: int) -> dict[str, int] | None:
    """The FCR nudge and its history; returns the known counts (None without the program)."""
    program = session.scalar(select(Program).where(Program.code == PROGRAM))
    if program is None:
        return None
    nudge = Nudge(
        program_id=program.id,
        name="Closing checklist mornings",
        channel="email",
        audience="participants",
        subject="{program}: checklist day {day} of {days}",
        body="Good morning {first_name},\n\n{prompt}\n\nToday, run it on every contact before "
        "you close it.",
        behaviour=BEHAVIOUR,
        send_at=time(8, 30),
        first_day=1,
        occurrences=OCCURRENCES,
        every=1,
        quiet_start=time(19),
        quiet_end=time(7, 30),
        active=True,
        created_by_id=ld_user_id,
    )
    session.add(nudge)
    session.flush()
    people = session.execute(
        select(Employee.id, Employee.name, Employee.email, ProgramEnrolment.start_date)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(
            ProgramEnrolment.program_id == program.id,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
            Employee.email.is_not(None),
        )
        .order_by(Employee.id)
    ).all()
    if people:  # written a week before the first participant started
        first = min(p[3] for p in people if p[3] is not None) - timedelta(days=7)
        nudge.created_at = datetime.combine(first, time(9), tzinfo=UTC)
    schedule = Schedule(time(8, 30), 1, OCCURRENCES, 1)
    quiet = QuietHours(time(19), time(7, 30))
    rng = np.random.default_rng([seed, 10_010])
    deliveries, outcomes = [], []
    for i, (emp, _, _, start) in enumerate(people):
        assert start is not None  # the query keeps dated enrolments only
        for k, due in enumerate(occurrence_times(start, schedule, WorkCalendar(), quiet), 1):
            row = _delivery(nudge.id, emp, k, due, i)
            draw = rng.random()
            if row["status"] == "sent" and i % 20 == 4:
                answer = "unsubscribe" if k == UNSUBSCRIBE_AT else None
            elif row["status"] == "sent":
                answer = "done" if draw < 0.5 else "not_today" if draw < 0.67 else None
            else:
                answer = None
            if answer:
                row["answer"] = answer
                row["answered_at"] = due + timedelta(minutes=int(30 + 400 * rng.random()))
            deliveries.append(row)
            outcomes.append((i, row))
    session.execute(insert(NudgeDelivery), deliveries)
    ids = {
        (int(e), int(k)): int(d)
        for e, k, d in session.execute(
            select(NudgeDelivery.employee_id, NudgeDelivery.occurrence, NudgeDelivery.id).where(
                NudgeDelivery.nudge_id == nudge.id
            )
        )
    }
    statements: list[tuple[dict[str, Any], int | None]] = []
    reports, leavers = [], []
    for i, row in outcomes:
        emp, name, email, _ = people[i]
        if row["status"] != "sent":
            continue
        event = NudgeEvent(
            delivery_id=ids[(row["employee_id"], row["occurrence"])],
            recipient_id=emp,
            recipient_email=str(email).lower(),
            recipient_name=name,
            nudge_id=nudge.id,
            nudge_name=nudge.name,
            program_code=program.code,
            program_name=program.name,
            occurrence=row["occurrence"],
            channel="email",
            iri_base=IRI_BASE,
        )
        statements.append((delivered_statement(event, row["sent_at"]), emp))
        answer = row.get("answer")
        if answer:
            statements.append((answer_statement(event, answer, row["answered_at"]), emp))
        if answer in ("done", "not_today"):
            reports.append(
                {
                    "employee_id": emp,
                    "behaviour": BEHAVIOUR,
                    "source": "self",
                    "observed_on": row["due_at"].date(),
                    "observed": answer == "done",
                    "score": None,
                }
            )
        if answer == "unsubscribe":
            leavers.append(
                {"employee_id": emp, "program_id": program.id, "created_at": row["answered_at"]}
            )
    if leavers:
        session.execute(insert(NudgeOptOut), leavers)
    if statements:
        record_statements(session, statements)
    if reports:
        session.execute(insert(BehaviourObservation), reports)
    answers = {
        a: sum(1 for _, r in outcomes if r.get("answer") == a) for a in ("done", "not_today")
    }
    truth = {**expected_counts(len(people), answers), "nudge_id": nudge.id}
    session.merge(WorkspaceMeta(key="demo_nudge_truth", value=truth))
    session.flush()
    return truth


def _delivery(nudge_id: int, emp: int, k: int, due: datetime, i: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "nudge_id": nudge_id,
        "employee_id": emp,
        "recipient_id": emp,
        "occurrence": k,
        "due_at": due,
        "status": "sent",
        "attempts": 1,
        "next_attempt_at": None,
        "claimed_by": None,
        "claimed_at": due,
        "sent_at": due + timedelta(seconds=40),
        "error": "",
        "answer": None,
        "answered_at": None,
    }
    if i % 20 == 4 and k > UNSUBSCRIBE_AT:
        row.update(
            status="skipped",
            attempts=0,
            sent_at=None,
            error="The recipient unsubscribed from this program.",
        )
    elif i % 10 == 3 and k == FAILED_OCCURRENCE:
        row.update(
            status="failed", attempts=5, sent_at=None, error=f"{BOUNCE} Gave up after 5 attempts."
        )
    elif i % 10 == 6 and k == RETRIED_OCCURRENCE:
        row.update(attempts=2, sent_at=due + timedelta(minutes=5, seconds=40))
    return row
