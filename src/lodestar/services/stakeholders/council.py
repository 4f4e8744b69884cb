"""The monthly stakeholder council: an agenda drawn from the data, decisions recorded and
linked to the requests and programs they concern.

The agenda of a new meeting looks back to the last meeting held (or 30 days) and ahead 30
days: new requests by priority, pilots launching or due, results stored since, and decisions
waiting (pilots past their horizon, requests whose diagnosis has concluded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import annotated_types as at
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Council,
    CouncilAgendaItem,
    CouncilDecision,
    Diagnosis,
    ImpactResult,
    Program,
    StrategicPriority,
    TrainingRequest,
    User,
)
from lodestar.domain.roles import Actor
from lodestar.domain.stakeholders import AGENDA_LABELS, check_text
from lodestar.errors import Conflict, InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.services.programs import current_registration
from lodestar.services.stakeholders.access import require_council_reader, require_ld

LOOK_AHEAD_DAYS = 30


class CouncilInput(TypedInput):
    title: Annotated[str, at.MaxLen(200)] = ""
    held_on: date


class DecisionInput(TypedInput):
    decision: Annotated[str, at.MaxLen(4000)]
    agenda_item_id: RecordId | None = None
    owner: Annotated[str, at.MaxLen(160)] = ""
    # What the decision concerns, when it is not an agenda item's request or program.
    request_id: RecordId | None = None
    program_id: RecordId | None = None


@dataclass(frozen=True)
class AgendaDraft:
    kind: str
    title: str
    detail: str = ""
    request_id: int | None = None
    program_id: int | None = None
    priority_id: int | None = None


@dataclass(frozen=True)
class DecisionView:
    id: int
    decision: str
    owner: str
    agenda_item_id: int | None
    request_id: int | None
    program_id: int | None
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    kind: str
    kind_label: str
    title: str
    detail: str
    request_id: int | None
    program_id: int | None
    decisions: tuple[DecisionView, ...]


@dataclass(frozen=True)
class CouncilView:
    id: int
    title: str
    held_on: date
    status: str
    agenda: tuple[AgendaItemView, ...]
    decisions: tuple[DecisionView, ...]  # all, in the order recorded


def draft_agenda(session: Session, held_on: date) -> list[AgendaDraft]:
    """The agenda the data calls for on ``held_on``."""
    last = session.scalar(
        select(func.max(Council.held_on)).where(Council.status == "held", Council.held_on < held_on)
    )
    since = last or held_on - timedelta(days=30)
    since_at = datetime.combine(since, time.min, tzinfo=UTC)
    until_at = datetime.combine(held_on, time.min, tzinfo=UTC) + timedelta(days=1)
    ahead = held_on + timedelta(days=LOOK_AHEAD_DAYS)
    items: list[AgendaDraft] = []
    titles = {
        i: t for i, t in session.execute(select(StrategicPriority.id, StrategicPriority.title))
    }
    by_priority: dict[int | None, list[str]] = {}
    for title, prio in session.execute(
        select(TrainingRequest.title, TrainingRequest.priority_id)
        .where(
            TrainingRequest.submitted_at >= since_at,
            TrainingRequest.submitted_at < until_at,
            TrainingRequest.state != "draft",
        )
        .order_by(TrainingRequest.id)
    ):
        by_priority.setdefault(prio, []).append(title)
    for prio, names in sorted(by_priority.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        label = titles.get(prio, "No priority named") if prio else "No priority named"
        items.append(
            AgendaDraft(
                "new_requests",
                f"{label}: {len(names)} new request{'s' if len(names) != 1 else ''}",
                "; ".join(names),
                priority_id=prio,
            )
        )
    for prog in session.scalars(
        select(Program).where(Program.status == "pilot").order_by(Program.id)
    ):
        reg = current_registration(session, prog.id)
        horizon = reg.horizon_date if reg else prog.horizon_date
        if horizon is not None and horizon <= held_on:
            items.append(
                AgendaDraft(
                    "decisions_needed",
                    f"Scale, adapt or stop: {prog.name}",
                    f"The pilot's horizon ({horizon.isoformat()}) has passed.",
                    program_id=prog.id,
                )
            )
        elif (prog.start_date and held_on <= prog.start_date <= ahead) or (
            horizon is not None and horizon <= ahead
        ):
            when = "launches" if prog.start_date and prog.start_date >= held_on else "is due"
            items.append(AgendaDraft("pilots", f"{prog.name} {when}", "", program_id=prog.id))
    for pid, name, summary in session.execute(
        select(Program.id, Program.name, ImpactResult.summary)
        .join(ImpactResult, ImpactResult.program_id == Program.id)
        .where(ImpactResult.created_at >= since_at, ImpactResult.created_at < until_at)
        .order_by(ImpactResult.id)
    ):
        items.append(AgendaDraft("results", f"Result ready: {name}", summary[:500], program_id=pid))
    for rid, title in session.execute(
        select(TrainingRequest.id, TrainingRequest.title)
        .join(Diagnosis, Diagnosis.request_id == TrainingRequest.id)
        .where(TrainingRequest.state == "in_diagnosis", Diagnosis.concluded_at.is_not(None))
        .order_by(TrainingRequest.id)
    ):
        items.append(
            AgendaDraft(
                "decisions_needed", f"Take on or redirect: {title}",
                "The diagnosis has concluded; the request waits for a decision.", request_id=rid,
            )
        )  # fmt: skip
    return items


def create_council(session: Session, actor: Actor, data: CouncilInput) -> Council:
    """A council meeting with the agenda the data calls for."""
    require_ld(actor, "The stakeholder council")
    title = check_text(data.title, "title", most=200) or (
        f"Stakeholder council, {data.held_on.strftime('%B %Y')}"
    )
    row = Council(title=title, held_on=data.held_on, status="planned", created_by_id=actor.user_id)
    session.add(row)
    session.flush()
    for n, item in enumerate(draft_agenda(session, data.held_on)):
        session.add(
            CouncilAgendaItem(
                council_id=row.id, position=n, kind=item.kind, title=item.title[:300],
                detail=item.detail, request_id=item.request_id, program_id=item.program_id,
                priority_id=item.priority_id,
            )
        )  # fmt: skip
    session.flush()
    audit.record(session, actor, "council.create", "council", row.id)
    return row


def _council(session: Session, council_id: int) -> Council:
    row = session.get(Council, council_id)
    if row is None:
        raise NotFound(f"There is no council meeting #{council_id}. Open the council list.")
    return row


def record_decision(
    session: Session, actor: Actor, council_id: int, data: DecisionInput
) -> CouncilDecision:
    require_ld(actor, "The stakeholder council")
    council = _council(session, council_id)
    text = check_text(data.decision, "decision", required=True)
    item = None
    if data.agenda_item_id is not None:
        item = session.get(CouncilAgendaItem, data.agenda_item_id)
        if item is None or item.council_id != council.id:
            raise InvalidInput(
                f"Agenda item #{data.agenda_item_id} is not on this meeting's agenda. Choose one "
                "of its items, or none for other business.",
                details={"field": "agenda_item_id"},
            )
    request_id = data.request_id or (item.request_id if item else None)
    program_id = data.program_id or (item.program_id if item else None)
    if request_id is not None and session.get(TrainingRequest, request_id) is None:
        raise InvalidInput(
            f"There is no request #{request_id}. Link the decision to a request that exists.",
            details={"field": "request_id"},
        )
    if program_id is not None and session.get(Program, program_id) is None:
        raise InvalidInput(
            f"There is no program #{program_id}. Link the decision to a program that exists.",
            details={"field": "program_id"},
        )
    row = CouncilDecision(
        council_id=council.id, agenda_item_id=item.id if item else None, decision=text,
        owner=check_text(data.owner, "owner", most=160), request_id=request_id,
        program_id=program_id, recorded_by_id=actor.user_id,
    )  # fmt: skip
    session.add(row)
    if council.status != "held":
        council.status = "held"  # a decision recorded means the meeting took place
    session.flush()
    audit.record(session, actor, "council.decision", "council", council.id, text[:200])
    return row


def mark_held(session: Session, actor: Actor, council_id: int) -> Council:
    require_ld(actor, "The stakeholder council")
    council = _council(session, council_id)
    if council.status == "held":
        raise Conflict(f"'{council.title}' is already recorded as held.")
    council.status = "held"
    session.flush()
    audit.record(session, actor, "council.held", "council", council.id)
    return council


def list_councils(session: Session, actor: Actor) -> list[Council]:
    require_council_reader(actor)
    return list(
        session.scalars(select(Council).order_by(Council.held_on.desc(), Council.id.desc()))
    )


def council_view(session: Session, actor: Actor, council_id: int) -> CouncilView:
    require_council_reader(actor)
    council = _council(session, council_id)
    people = {i: n for i, n in session.execute(select(User.id, User.name))}
    decisions = [
        DecisionView(
            d.id, d.decision, d.owner, d.agenda_item_id, d.request_id, d.program_id,
            people.get(d.recorded_by_id or 0), d.recorded_at,
        )
        for d in session.scalars(
            select(CouncilDecision).where(CouncilDecision.council_id == council.id)
            .order_by(CouncilDecision.id)
        )
    ]  # fmt: skip
    agenda = tuple(
        AgendaItemView(
            a.id, a.kind, AGENDA_LABELS.get(a.kind, a.kind), a.title, a.detail, a.request_id,
            a.program_id, tuple(d for d in decisions if d.agenda_item_id == a.id),
        )
        for a in session.scalars(
            select(CouncilAgendaItem).where(CouncilAgendaItem.council_id == council.id)
            .order_by(CouncilAgendaItem.position, CouncilAgendaItem.id)
        )
    )  # fmt: skip
    return CouncilView(
        council.id, council.title, council.held_on, council.status, agenda, tuple(decisions)
    )


def councils_held(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Council).where(Council.status == "held"))
        or 0
    )
