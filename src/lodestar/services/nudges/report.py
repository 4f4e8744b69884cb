"""A program's nudges at a glance: scheduled, sent, failed, answered, and the response rate.

Counts of messages are shown as they are. What people answered is about them, so the answers
and the response rate of a nudge that reached fewer people than the minimum group size
(``LODESTAR_SECURITY__MIN_GROUP_SIZE``) are hidden, with the sentence that says why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Nudge, NudgeDelivery, NudgeOptOut, ProgramBehaviour
from lodestar.domain.nudges import render_template
from lodestar.domain.roles import Actor
from lodestar.services.nudges.design import NudgeView, canvas_prompt, nudge_view
from lodestar.services.nudges.plan import plan_nudge
from lodestar.services.privacy.groups import group_rule, settings_of
from lodestar.services.programs.access import load_program, require_reader


@dataclass(frozen=True)
class NudgeCounts:
    nudge: NudgeView
    upcoming: int  # occurrences still to come for current participants
    due_now: int  # due, waiting for the next send-due run
    waiting: int  # to be tried again (after a failure, or after quiet hours)
    sent: int
    failed: int
    skipped: int
    expired: int
    recipients: int  # people at least one message reached
    answered: int | None  # None: hidden (small group)
    done: int | None
    not_today: int | None
    unsubscribed: int | None
    response_rate: float | None  # answered / sent
    hidden_note: str
    errors: tuple[str, ...]  # why deliveries failed or wait (L&D only)
    preview: tuple[str, str] = ("", "")  # subject and message, filled for a sample person


@dataclass(frozen=True)
class ProgramNudges:
    program_id: int
    program_name: str
    prompt: str  # the Five Ps Prompt
    behaviours: tuple[str, ...]
    nudges: tuple[NudgeCounts, ...]
    opted_out: int  # people who unsubscribed from the program's nudges
    can_edit: bool


SAMPLE = {
    "first_name": "Alex",
    "name": "Alex Example",
    "participant": "Sam Sample",
    "participant_first_name": "Sam",
}


def _preview(row: Nudge, program: str, prompt: str) -> tuple[str, str]:
    """What a message looks like, filled for a made-up person on its first day."""
    values = {
        **SAMPLE,
        "program": program,
        "prompt": prompt,
        "behaviour": row.behaviour,
        "day": str(1),
        "days": str(row.occurrences),
    }
    if row.audience == "participants":
        values.update(participant="Alex Example", participant_first_name="Alex")
    return render_template(row.subject, values), render_template(row.body, values)


def program_nudges(
    session: Session, actor: Actor, program_id: int, *, now: datetime | None = None
) -> ProgramNudges:
    require_reader(actor)
    prog = load_program(session, program_id)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    settings = settings_of(session).nudges
    rule = group_rule(session)
    prompt = canvas_prompt(session, prog.id)
    rows = session.scalars(select(Nudge).where(Nudge.program_id == prog.id).order_by(Nudge.id))
    counts = []
    for row in rows:
        statuses = Counter(
            dict(
                session.execute(
                    select(NudgeDelivery.status, func.count())
                    .where(NudgeDelivery.nudge_id == row.id)
                    .group_by(NudgeDelivery.status)
                ).all()
            )
        )
        answers = Counter(
            dict(
                session.execute(
                    select(NudgeDelivery.answer, func.count())
                    .where(NudgeDelivery.nudge_id == row.id, NudgeDelivery.answer.is_not(None))
                    .group_by(NudgeDelivery.answer)
                ).all()
            )
        )
        recipients = int(
            session.scalar(
                select(func.count(NudgeDelivery.recipient_id.distinct())).where(
                    NudgeDelivery.nudge_id == row.id, NudgeDelivery.status == "sent"
                )
            )
            or 0
        )
        errors: tuple[str, ...] = ()
        if actor.is_ld:
            errors = tuple(
                session.scalars(
                    select(NudgeDelivery.error)
                    .where(
                        NudgeDelivery.nudge_id == row.id,
                        NudgeDelivery.status.in_(("failed", "retrying")),
                        NudgeDelivery.error != "",
                    )
                    .group_by(NudgeDelivery.error)
                    .order_by(NudgeDelivery.error)
                    .limit(5)
                )
            )
        plan = plan_nudge(session, row, moment, settings) if row.active else None
        sent = statuses["sent"]
        hidden = rule.hides(recipients)
        answered = sum(answers.values())
        counts.append(
            NudgeCounts(
                nudge=nudge_view(row),
                upcoming=plan.upcoming if plan else 0,
                due_now=sum(1 for r in plan.due if r["status"] == "claimed") if plan else 0,
                waiting=statuses["retrying"] + statuses["claimed"],
                sent=sent,
                failed=statuses["failed"],
                skipped=statuses["skipped"],
                expired=statuses["expired"],
                recipients=recipients,
                answered=None if hidden else answered,
                done=None if hidden else answers["done"],
                not_today=None if hidden else answers["not_today"],
                unsubscribed=None if hidden else answers["unsubscribe"],
                response_rate=None if hidden or not sent else answered / sent,
                hidden_note=rule.note("The answers and the response rate", recipients)
                if hidden
                else "",
                errors=errors,
                preview=_preview(row, prog.name, prompt),
            )
        )
    opted = int(
        session.scalar(
            select(func.count()).select_from(NudgeOptOut).where(NudgeOptOut.program_id == prog.id)
        )
        or 0
    )
    behaviours = tuple(
        session.scalars(
            select(ProgramBehaviour.behaviour)
            .where(ProgramBehaviour.program_id == prog.id)
            .order_by(ProgramBehaviour.position, ProgramBehaviour.id)
        )
    )
    return ProgramNudges(
        program_id=prog.id,
        program_name=prog.name,
        prompt=prompt,
        behaviours=behaviours,
        nudges=tuple(counts),
        opted_out=opted,
        can_edit=actor.is_ld,
    )
