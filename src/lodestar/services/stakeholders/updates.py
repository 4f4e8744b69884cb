"""A stakeholder update per program, in business language: what the program set out to move,
where it stands, what the data says, and what changed since the last update sent.

The facts an update was written from are stored with it (``ProgramUpdate.snapshot``), so the
next update compares like with like. Read through the program services (canvas, history,
registration); counts of people only, never a value about anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import ImpactResult, Kpi, ProgramEnrolment, ProgramUpdate
from lodestar.domain.numbers import format_number
from lodestar.domain.program_lifecycle import state_label
from lodestar.domain.roles import Actor
from lodestar.services import audit, programs
from lodestar.services.stakeholders.access import require_ld


@dataclass(frozen=True)
class UpdateDraft:
    program_id: int
    program_name: str
    text: str
    snapshot: dict[str, Any]
    changes: tuple[str, ...]
    previous_at: datetime | None


def _snapshot(session: Session, actor: Actor, program_id: int) -> tuple[str, dict[str, Any]]:
    prog = programs.get_program(session, actor, program_id)
    kpi = session.get(Kpi, prog.kpi_id) if prog.kpi_id else None
    people = session.scalar(
        select(func.count()).where(
            ProgramEnrolment.program_id == prog.id, ProgramEnrolment.group == "participant"
        )
    )
    result = session.scalars(
        select(ImpactResult)
        .where(ImpactResult.program_id == prog.id)
        .order_by(ImpactResult.id.desc())
        .limit(1)
    ).first()
    reg = programs.current_registration(session, prog.id)
    history = programs.program_history(session, actor, prog.id)
    canvas = programs.program_canvas(session, actor, prog.id)
    horizon = prog.horizon_date or (kpi.horizon_date if kpi else None)
    return prog.name, {
        "status": prog.status,
        "participants": int(people or 0),
        "kpi": kpi.name if kpi else None,
        "unit": kpi.unit if kpi else "",
        "baseline": prog.baseline if prog.baseline is not None else (kpi.baseline if kpi else None),
        "target": prog.target if prog.target is not None else (kpi.target if kpi else None),
        "horizon": horizon.isoformat() if horizon else "",
        "expected_effect": reg.expected_effect if reg else None,
        "result_id": result.id if result else None,
        "result": result.summary if result else None,
        "evidence": result.evidence if result else None,
        "last_step": history[-1].reason if history else "",
        "steps": len(history),
        "statement": canvas.statement,
    }


def _changes(before: dict[str, Any] | None, now: dict[str, Any]) -> tuple[str, ...]:
    if before is None:
        return ("This is the first update on this program.",)
    out = []
    if before.get("status") != now["status"]:
        out.append(
            f"It moved from {state_label(before.get('status', '')).lower()} to "
            f"{state_label(now['status']).lower()}."
        )
    if before.get("participants") != now["participants"]:
        out.append(
            f"Participants went from {format_number(before.get('participants'), 0)} to "
            f"{format_number(now['participants'], 0)}."
        )
    if before.get("result_id") != now["result_id"] and now["result"]:
        out.append(f"A new result is in (evidence: {now['evidence']}).")
    if (
        before.get("expected_effect") != now["expected_effect"]
        and now["expected_effect"] is not None
    ):
        out.append("The expected effect was registered or revised.")
    if before.get("steps") != now["steps"] and now["last_step"]:
        out.append(f"Latest decision: {now['last_step']}")
    return tuple(out) or ("Nothing has changed since the last update.",)


def _text(name: str, snap: dict[str, Any], changes: tuple[str, ...], today: date) -> str:
    unit = snap["unit"]
    lines = [f"{name}: update for stakeholders, {today.isoformat()}", ""]
    if snap["statement"]:
        lines.append(snap["statement"])
    if snap["kpi"] and snap["baseline"] is not None and snap["target"] is not None:
        by = f" by {snap['horizon']}" if snap["horizon"] else ""
        lines.append(
            f"What we set out to move: {snap['kpi']} from {format_number(snap['baseline'], 1)} "
            f"to {format_number(snap['target'], 1)} {unit}{by}."
        )
    elif not snap["kpi"]:
        lines.append(
            "What we set out to move: no metric is linked yet, so success cannot be shown."
        )
    lines.append(
        f"Where it stands: {state_label(snap['status']).lower()}, "
        f"{format_number(snap['participants'], 0)} people taking part."
    )
    if snap["expected_effect"] is not None:
        lines.append(
            f"What we expect: {format_number(snap['expected_effect'], 2, sign=True)} {unit}, "
            "registered before launch."
        )
    lines.append(f"What the data says: {snap['result'] or 'no result measured yet.'}")
    lines.append("")
    lines.append("What changed since the last update:")
    lines.extend(f"- {c}" for c in changes)
    return "\n".join(lines) + "\n"


def draft_update(
    session: Session, actor: Actor, program_id: int, *, today: date | None = None
) -> UpdateDraft:
    require_ld(actor, "Stakeholder updates")
    name, snap = _snapshot(session, actor, program_id)
    last = session.scalars(
        select(ProgramUpdate)
        .where(ProgramUpdate.program_id == program_id)
        .order_by(ProgramUpdate.id.desc())
        .limit(1)
    ).first()
    changes = _changes(last.snapshot if last else None, snap)
    text = _text(name, snap, changes, today or date.today())
    return UpdateDraft(program_id, name, text, snap, changes, last.created_at if last else None)


def record_update(session: Session, actor: Actor, program_id: int) -> ProgramUpdate:
    """Keep the update as sent, so the next one says what changed since."""
    draft = draft_update(session, actor, program_id)
    row = ProgramUpdate(
        program_id=program_id, text=draft.text, snapshot=draft.snapshot, created_by_id=actor.user_id
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "program.update_sent", "program", program_id)
    return row
