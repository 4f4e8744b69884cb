"""The words of one delivery: its template filled for the person, and its answer links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lodestar.db.models import Employee, Nudge, NudgeDelivery, Program, ProgramCanvas
from lodestar.domain.nudges import ANSWERS, QuietHours, first_name, render_template
from lodestar.services.nudges.channels import Message
from lodestar.services.nudges.links import answer_url
from lodestar.services.nudges.statements import NudgeEvent


@dataclass(frozen=True)
class DeliveryContext:
    """One delivery with everything its message and its statements need."""

    delivery_id: int
    program_id: int
    recipient_id: int
    participant_id: int
    channel: str
    due_at: datetime
    attempts: int
    quiet: QuietHours | None
    subject: str
    body: str
    values: dict[str, str]
    event: NudgeEvent


def delivery_contexts(
    session: Session, delivery_ids: list[int], iri_base: str
) -> dict[int, DeliveryContext]:
    if not delivery_ids:
        return {}
    recipient, participant = aliased(Employee), aliased(Employee)
    rows = session.execute(
        select(
            NudgeDelivery,
            Nudge,
            Program,
            recipient.name,
            recipient.email,
            participant.name,
            ProgramCanvas.prompt,
        )
        .join(Nudge, Nudge.id == NudgeDelivery.nudge_id)
        .join(Program, Program.id == Nudge.program_id)
        .join(recipient, recipient.id == NudgeDelivery.recipient_id)
        .join(participant, participant.id == NudgeDelivery.employee_id)
        .outerjoin(ProgramCanvas, ProgramCanvas.program_id == Program.id)
        .where(NudgeDelivery.id.in_(delivery_ids))
    )
    out = {}
    for d, n, p, to_name, to_email, about, prompt in rows:
        values = {
            "first_name": first_name(to_name),
            "name": to_name,
            "participant": about,
            "participant_first_name": first_name(about),
            "program": p.name,
            "prompt": (prompt or "").strip(),
            "behaviour": n.behaviour,
            "day": str(d.occurrence),
            "days": str(n.occurrences),
        }
        quiet = QuietHours(n.quiet_start, n.quiet_end) if n.quiet_start and n.quiet_end else None
        event = NudgeEvent(
            delivery_id=d.id,
            recipient_id=d.recipient_id,
            recipient_email=(to_email or "").lower(),
            recipient_name=to_name,
            nudge_id=n.id,
            nudge_name=n.name,
            program_code=p.code,
            program_name=p.name,
            occurrence=d.occurrence,
            channel=n.channel,
            iri_base=iri_base,
        )
        out[d.id] = DeliveryContext(
            delivery_id=d.id,
            program_id=p.id,
            recipient_id=d.recipient_id,
            participant_id=d.employee_id,
            channel=n.channel,
            due_at=d.due_at,
            attempts=d.attempts,
            quiet=quiet,
            subject=n.subject,
            body=n.body,
            values=values,
            event=event,
        )
    return out


def build_message(ctx: DeliveryContext, secret: str, base_url: str) -> Message:
    return Message(
        to_email=ctx.event.recipient_email,
        to_name=ctx.event.recipient_name,
        subject=" ".join(render_template(ctx.subject, ctx.values).split())[:250],
        body=render_template(ctx.body, ctx.values),
        links={a: answer_url(base_url, secret, ctx.delivery_id, a) for a in ANSWERS},
    )
