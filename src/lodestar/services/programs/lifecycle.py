"""Create, edit, archive and move programs; the request a program came from follows it.

A program is born from an accepted request (which then moves to *in design*) or directly, is
linked to one strategic priority and one metric that matters (KPI, baseline, target, horizon),
and moves in design → pilot → scaled / stopped, with *adapt* back to design. Every step records
who took it, when and why; a decision also records the stored result it rested on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Diagnosis,
    Kpi,
    Program,
    ProgramTransition,
    StrategicPriority,
    TrainingRequest,
)
from lodestar.domain.program_lifecycle import (
    REQUEST_STATE_FOR,
    ProgramState,
    check_program_transition,
    needs_reason,
    state_label,
)
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound
from lodestar.services import audit, history
from lodestar.services.programs.access import load_program, require_designer, require_reader

MAX_MAGNITUDE = 1e15


@dataclass(frozen=True)
class ProgramInput:
    """The fields of a program a person sets; ``None`` leaves a field as it is on edit."""

    name: str | None = None
    code: str | None = None
    description: str | None = None
    priority_id: int | None = None
    kpi_id: int | None = None
    baseline: float | None = None
    target: float | None = None
    horizon_date: date | None = None
    start_date: date | None = None
    cost_per_participant: float | None = None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "program"


def _unique_code(session: Session, wanted: str) -> str:
    code, n = wanted, 1
    while session.scalar(select(func.count()).where(Program.code == code)):
        n += 1
        code = f"{wanted[:55]}-{n}"
    return code


def _check(session: Session, data: ProgramInput, *, current: Program | None) -> dict[str, str]:
    """Every problem with ``data``, by field, in full sentences."""
    problems: dict[str, str] = {}
    name = data.name if data.name is not None else (current.name if current else None)
    if not (name or "").strip():
        problems["name"] = "Give the program a name people will recognise."
    elif len(name or "") > 200:
        problems["name"] = "Keep the program's name to 200 characters or fewer."
    if data.code is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}", data.code):
        problems["code"] = (
            "A program code is 1 to 60 letters, digits, '-' or '_', starting with a letter or "
            "digit (for example 'objection-handling')."
        )
    if data.priority_id is not None:
        priority = session.get(StrategicPriority, data.priority_id)
        if priority is None or priority.archived_at is not None:
            problems["priority_id"] = (
                f"There is no active strategic priority #{data.priority_id}; choose one from the "
                "priorities list."
            )
    if data.kpi_id is not None:
        kpi = session.get(Kpi, data.kpi_id)
        if kpi is None or kpi.archived_at is not None:
            problems["kpi_id"] = (
                f"There is no active KPI #{data.kpi_id}; choose the metric that matters from "
                "the KPI list, or create it first."
            )
    for field in ("baseline", "target", "cost_per_participant"):
        value = getattr(data, field)
        if value is not None and (not math.isfinite(value) or abs(value) > MAX_MAGNITUDE):
            problems[field] = f"The {field.replace('_', ' ')} must be a finite, ordinary number."
    if data.cost_per_participant is not None and data.cost_per_participant < 0:
        problems["cost_per_participant"] = (
            "A cost cannot be negative; enter it as a positive amount."
        )
    start = data.start_date or (current.start_date if current else None)
    horizon = data.horizon_date
    if horizon is not None and start is not None and horizon <= start:
        problems["horizon_date"] = (
            f"The horizon ({horizon.isoformat()}) must come after the start "
            f"({start.isoformat()}): it is when the metric should have moved."
        )
    if horizon is not None and horizon.year < 2000:
        problems["horizon_date"] = (
            f"{horizon.isoformat()} is not a plausible horizon; check the year."
        )
    return problems


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})


def create_program(
    session: Session, actor: Actor, data: ProgramInput, *, request_id: int | None = None
) -> Program:
    """A new program in design; from an accepted request when ``request_id`` is given."""
    require_designer(actor)
    req: TrainingRequest | None = None
    if request_id is not None:
        req = session.get(TrainingRequest, request_id, with_for_update=True)
        if req is None:
            raise NotFound(f"There is no request #{request_id}. Open the triage board to find it.")
        taken = session.scalar(select(Program.id).where(Program.request_id == req.id))
        if taken is not None:
            raise Conflict(
                f"Request #{req.id} already became program #{taken}; open that program instead.",
                details={"program_id": taken},
            )
        if req.state != "accepted":
            raise Conflict(
                f"Request #{req.id} is '{state_label(req.state)}'; only a request accepted as a "
                "learning solution becomes a program. Conclude its diagnosis first.",
                details={"state": req.state},
            )
        data = replace(
            data,
            name=data.name or req.title,
            priority_id=data.priority_id or req.priority_id,
            kpi_id=data.kpi_id or req.kpi_id,
        )
    _raise_if(_check(session, data, current=None))
    assert data.name is not None
    code = data.code or _unique_code(session, _slug(data.name))
    if data.code and session.scalar(select(func.count()).where(Program.code == data.code)):
        raise Conflict(
            f"The code '{data.code}' is already used by another program; choose another.",
            details={"fields": {"code": "taken"}},
        )
    prog = Program(
        code=code,
        name=data.name.strip(),
        description=(data.description or "").strip(),
        priority_id=data.priority_id,
        kpi_id=data.kpi_id,
        request_id=req.id if req else None,
        status="in_design",
        baseline=data.baseline,
        target=data.target,
        horizon_date=data.horizon_date,
        start_date=data.start_date,
        cost_per_participant=data.cost_per_participant,
    )
    session.add(prog)
    session.flush()
    _record(session, prog, None, "in_design", actor, "Created." if not req else
            f"Created from request #{req.id}.")  # fmt: skip
    if req is not None:
        history.move(session, req, "in_design", actor, f"Became program #{prog.id} ({prog.name}).")
    audit.record(session, actor, "program.create", "program", prog.id, prog.name)
    return prog


def edit_program(
    session: Session, actor: Actor, program_id: int, changes: dict[str, Any]
) -> Program:
    """Change the named fields only (a PATCH); locked fields of a launched pilot are refused."""
    from lodestar.services.programs.registration import check_edit_allowed

    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    unknown = sorted(set(changes) - {f.name for f in fields(ProgramInput)})
    if unknown:
        allowed = ", ".join(f.name for f in fields(ProgramInput))
        raise InvalidInput(
            f"{', '.join(unknown)} cannot be changed here. The fields a program has are: "
            f"{allowed}.",
            details={"fields": {k: "unknown" for k in unknown}},
        )
    required = {f: "cannot be emptied" for f in ("name", "code", "description")
                if f in changes and changes[f] is None}  # fmt: skip
    if required:
        raise InvalidInput(
            f"{', '.join(sorted(required))} cannot be set to nothing; leave the field out to keep "
            "it, or send the new text.",
            details={"fields": required},
        )
    data = ProgramInput(**changes)
    _raise_if(_check(session, data, current=prog))
    for name, value in changes.items():
        if getattr(prog, name) != value:
            check_edit_allowed(session, prog, name)
    if (
        data.code
        and data.code != prog.code
        and session.scalar(select(func.count()).where(Program.code == data.code))
    ):
        raise Conflict(
            f"The code '{data.code}' is already used by another program; choose another."
        )
    for name, value in changes.items():
        setattr(prog, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    audit.record(session, actor, "program.edit", "program", prog.id, ", ".join(sorted(changes)))
    return prog


def move_program(
    session: Session,
    actor: Actor,
    program_id: int,
    target: ProgramState,
    reason: str,
    *,
    decision: str = "",
    impact_result_id: int | None = None,
) -> ProgramTransition:
    """Move the program (and the request it came from) to ``target``, recording why."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    check_program_transition(prog.status, target)
    reason = " ".join((reason or "").split())
    if needs_reason(target) and not reason:
        raise InvalidInput(
            f"Say why the program moves to '{state_label(target)}': the reason is what "
            "sponsors and the next L&D lead will read.",
            details={"fields": {"reason": "required"}},
        )
    step = _record(session, prog, prog.status, target, actor, reason, decision, impact_result_id)
    prog.status = target
    _follow(session, prog, actor, reason)
    session.flush()
    audit.record(session, actor, f"program.{target}", "program", prog.id, reason)
    return step


def archive_program(
    session: Session, actor: Actor, program_id: int, reason: str
) -> ProgramTransition:
    """Take a program in design (or one that stopped) off the working lists, saying why; its
    history, results and registrations stay. ``restore_program`` brings it back to design."""
    return move_program(session, actor, program_id, "archived", reason)


def restore_program(
    session: Session, actor: Actor, program_id: int, reason: str
) -> ProgramTransition:
    """Bring an archived program back to design, saying why."""
    require_designer(actor)
    prog = load_program(session, program_id)
    if prog.status != "archived":
        raise Conflict(
            f"Program '{prog.name}' is '{state_label(prog.status)}', not archived, so there is "
            "nothing to restore.",
            details={"state": prog.status},
        )
    return move_program(session, actor, program_id, "in_design", reason)


def _record(
    session: Session,
    prog: Program,
    from_state: str | None,
    to_state: str,
    actor: Actor,
    reason: str,
    decision: str = "",
    impact_result_id: int | None = None,
) -> ProgramTransition:
    step = ProgramTransition(
        program_id=prog.id,
        from_state=from_state,
        to_state=to_state,
        decision=decision,
        impact_result_id=impact_result_id,
        actor_id=actor.user_id,
        reason=reason,
    )
    session.add(step)
    session.flush()
    return step


def _follow(session: Session, prog: Program, actor: Actor, reason: str) -> None:
    """The request a program came from mirrors the program's state."""
    if prog.request_id is None:
        return
    req = session.get(TrainingRequest, prog.request_id)
    wanted = REQUEST_STATE_FOR[prog.status]  # type: ignore[index]
    if req is not None and req.state != wanted:
        history.follow(session, req, wanted, actor, f"Follows program #{prog.id}: {reason}")


def transitions(session: Session, program_id: int) -> list[ProgramTransition]:
    return list(
        session.scalars(
            select(ProgramTransition)
            .where(ProgramTransition.program_id == program_id)
            .order_by(ProgramTransition.at, ProgramTransition.id)
        )
    )


def problem_from_request(session: Session, request_id: int) -> str:
    """The canvas's Problem, prefilled from the request and its diagnosis."""
    req = session.get(TrainingRequest, request_id)
    if req is None:
        return ""
    parts = [req.business_objective.strip(), req.cost_of_inaction.strip()]
    diag = session.scalar(select(Diagnosis).where(Diagnosis.request_id == req.id))
    if diag is not None and diag.explanation.strip():
        parts.append("Diagnosis: " + diag.explanation.strip())
    return "\n\n".join(p for p in parts if p)


def program_history(session: Session, actor: Actor, program_id: int) -> list[ProgramTransition]:
    """Every step of the program's life, oldest first, for anyone who may read programs."""
    require_reader(actor)
    load_program(session, program_id)
    return transitions(session, program_id)


def get_program(session: Session, actor: Actor, program_id: int) -> Program:
    require_reader(actor)
    return load_program(session, program_id)


def request_defaults(session: Session, actor: Actor, request_id: int) -> dict[str, str]:
    """What a new program takes from the accepted request it answers, as form values."""
    require_designer(actor)
    req = session.get(TrainingRequest, request_id)
    if req is None:
        raise NotFound(f"There is no request #{request_id}. Open the triage board to find it.")
    return {
        "name": req.title,
        "priority_id": "" if req.priority_id is None else str(req.priority_id),
        "kpi_id": "" if req.kpi_id is None else str(req.kpi_id),
        "description": "",
    }


def program_of_request(session: Session, actor: Actor, request_id: int) -> tuple[int, str] | None:
    """The program a request became, as (id, name), for those who may read programs."""
    if actor.role == "employee":
        return None
    row = session.execute(
        select(Program.id, Program.name).where(Program.request_id == request_id)
    ).first()
    return (int(row[0]), str(row[1])) if row else None
