"""The Five Ps canvas of a program and the statement of intent generated from it.

Behaviour is the program's target behaviours (``program_behaviours``, which the behaviour tier
of the impact page reads), so the canvas and the evaluation setup can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, Program, ProgramBehaviour, ProgramCanvas
from lodestar.domain.evaluation import MAX_TARGET_BEHAVIOURS
from lodestar.domain.five_ps import (
    CANVAS_GUIDANCE,
    ActivityTalk,
    FivePsCanvas,
    check_behaviours,
    detect_activity_talk,
)
from lodestar.domain.intent import IntentInputs, statement_of_intent
from lodestar.domain.program_formats import FORMAT_LABELS, PROGRAM_FORMATS
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services import audit
from lodestar.services.programs.access import load_program, require_designer, require_reader
from lodestar.services.programs.lifecycle import problem_from_request

MAX_TEXT = 4000


@dataclass(frozen=True)
class CanvasView:
    program_id: int
    canvas: FivePsCanvas
    audience: str
    formats: tuple[str, ...]
    format_labels: tuple[str, ...]
    generated_statement: str
    statement: str  # what is shown: the author's edit, or the generated one
    statement_edited: bool
    activity_talk: ActivityTalk
    missing: tuple[str, ...]
    guidance: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class CanvasInput:
    problem: str = ""
    behaviours: tuple[str, ...] = ()
    place: str = ""
    prompt: str = ""
    proof: str = ""
    audience: str = ""
    formats: tuple[str, ...] = ()
    statement: str = ""  # "" = use the generated statement


def _behaviours(session: Session, program_id: int) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(ProgramBehaviour.behaviour)
            .where(ProgramBehaviour.program_id == program_id)
            .order_by(ProgramBehaviour.position, ProgramBehaviour.id)
        )
    )


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def generated_statement(session: Session, prog: Program, audience: str) -> str:
    behaviours = _behaviours(session, prog.id)
    kpi = session.get(Kpi, prog.kpi_id) if prog.kpi_id else None
    return statement_of_intent(
        IntentInputs(
            kpi_name=kpi.name if kpi else "its metric (none linked yet)",
            kpi_unit=kpi.unit if kpi else "",
            direction=kpi.direction if kpi else "up",
            baseline=_first(prog.baseline, kpi.baseline if kpi else None),
            target=_first(prog.target, kpi.target if kpi else None),
            horizon=prog.horizon_date,
            start=prog.start_date,
            audience=audience,
            behaviours=behaviours,
            design=prog.evaluation_design or "",
        )
    )


def program_canvas(session: Session, actor: Actor, program_id: int) -> CanvasView:
    require_reader(actor)
    prog = load_program(session, program_id)
    row = session.scalar(select(ProgramCanvas).where(ProgramCanvas.program_id == prog.id))
    behaviours = _behaviours(session, prog.id)
    problem = (
        row.problem
        if row and row.problem
        else (problem_from_request(session, prog.request_id) if prog.request_id else "")
    )
    canvas = FivePsCanvas(
        problem=problem,
        behaviours=behaviours,
        place=row.place if row else "",
        prompt=row.prompt if row else "",
        proof=row.proof if row else "",
    )
    audience = row.audience if row else ""
    generated = generated_statement(session, prog, audience)
    edited = bool(row and row.statement.strip())
    formats = tuple(row.formats or ()) if row else ()
    return CanvasView(
        program_id=prog.id,
        canvas=canvas,
        audience=audience,
        formats=formats,
        format_labels=tuple(FORMAT_LABELS.get(f, f) for f in formats),
        generated_statement=generated,
        statement=row.statement.strip() if row and edited else generated,
        statement_edited=edited,
        activity_talk=detect_activity_talk(prog.description, behaviours),
        missing=tuple(canvas.missing()),
        guidance=CANVAS_GUIDANCE,
    )


def _text(value: str, field: str, problems: dict[str, str]) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        problems[field] = f"Keep the {field} to {MAX_TEXT} characters; it is {len(text)}."
    if "\x00" in text:
        problems[field] = f"The {field} contains a NUL character; remove it and save again."
    return text


def save_canvas(session: Session, actor: Actor, program_id: int, data: CanvasInput) -> CanvasView:
    """Replace the canvas in one go; nothing is written unless every part is valid."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    problems: dict[str, str] = {}
    texts = {f: _text(getattr(data, f), f, problems) for f in
             ("problem", "place", "prompt", "proof", "statement")}  # fmt: skip
    audience = _text(data.audience, "audience", problems)[:200]
    try:
        behaviours = check_behaviours(list(data.behaviours))
    except InvalidInput as err:
        problems["behaviours"] = err.message
        behaviours = []
    if len(behaviours) > MAX_TARGET_BEHAVIOURS:
        problems["behaviours"] = (
            f"You named {len(behaviours)} behaviours; a program targets at most "
            f"{MAX_TARGET_BEHAVIOURS}, so it stays focused. Keep the ones the metric depends on "
            "most."
        )
    unknown = [f for f in data.formats if f not in PROGRAM_FORMATS]
    if unknown:
        allowed = ", ".join(f"'{f}' ({FORMAT_LABELS[f]})" for f in PROGRAM_FORMATS)
        problems["formats"] = f"{', '.join(map(repr, unknown))} is not a format; use {allowed}."
    if problems:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})
    row = session.scalar(select(ProgramCanvas).where(ProgramCanvas.program_id == prog.id))
    if row is None:
        row = ProgramCanvas(program_id=prog.id)
        session.add(row)
    row.problem, row.place, row.prompt, row.proof = (
        texts["problem"], texts["place"], texts["prompt"], texts["proof"]
    )  # fmt: skip
    row.audience = audience
    row.formats = list(dict.fromkeys(data.formats))
    row.updated_by_id = actor.user_id
    session.execute(delete(ProgramBehaviour).where(ProgramBehaviour.program_id == prog.id))
    session.add_all(
        ProgramBehaviour(program_id=prog.id, behaviour=b, position=i)
        for i, b in enumerate(behaviours)
    )
    session.flush()
    generated = generated_statement(session, prog, audience)
    row.statement = "" if texts["statement"] == generated else texts["statement"]
    session.flush()
    audit.record(session, actor, "program.canvas", "program", prog.id)
    return program_canvas(session, actor, prog.id)
