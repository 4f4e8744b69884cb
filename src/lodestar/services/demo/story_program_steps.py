"""Story steps that turn an accepted request into a program, as L&D does it in the app.

:class:`Design` makes the accepted request a program through ``services.programs`` — the
request moves to *in design* with it — with its metric that matters (baseline, target, start,
horizon), its Five Ps canvas (the Problem prefilled from the request and its diagnosis, as the
design page offers it), the statement generated from them, and its budget as fully loaded
costs. :class:`Launch` records the evaluation design and launches the pilot, which locks the
expectation as registration version 1 and moves the program to *pilot*; the request follows.

The services stamp everything "now"; :func:`date_program_of` then moves every timestamp of the
program (its steps, canvas, costs and registration) onto the dates ``story_script`` gave the
request's own steps, so the program and its request tell one dated story, anchored to the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    PilotRegistration,
    Program,
    ProgramCanvas,
    ProgramCost,
    ProgramTransition,
    RequestTransition,
)
from lodestar.domain.roles import Actor
from lodestar.services import program_setup, programs


@dataclass(frozen=True)
class CanvasPlan:
    """What L&D types into the Five Ps canvas; the Problem comes prefilled from the request."""

    audience: str
    behaviours: tuple[str, ...]
    place: str
    prompt: str
    proof: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Design:
    """The learning partner makes the accepted request a program and fills in its design."""

    code: str
    description: str
    baseline: float
    target: float
    horizon: date
    canvas: CanvasPlan
    costs: programs.CostInput
    start: date | None = None

    def play(self, session: Session, actor: Actor, request_id: int) -> None:
        prog = programs.create_program(
            session,
            actor,
            programs.ProgramInput(
                code=self.code,
                description=self.description,
                baseline=self.baseline,
                target=self.target,
                horizon_date=self.horizon,
                start_date=self.start,
            ),
            request_id=request_id,
        )
        offered = programs.program_canvas(session, actor, prog.id)  # the page's prefilled form
        c = self.canvas
        programs.save_canvas(
            session,
            actor,
            prog.id,
            programs.CanvasInput(
                problem=offered.canvas.problem, behaviours=c.behaviours, place=c.place,
                prompt=c.prompt, proof=c.proof, audience=c.audience, formats=c.formats,
            ),
        )  # fmt: skip
        programs.save_costs(session, actor, prog.id, self.costs)


@dataclass(frozen=True)
class Launch:
    """The program's pilot launches: its evaluation design recorded, its expectation locked."""

    evaluation_design: str
    expected_effect: float
    horizon: date
    analysis_settings: dict[str, object] = field(default_factory=dict)

    def play(self, session: Session, actor: Actor, request_id: int) -> None:
        prog_id = session.scalar(select(Program.id).where(Program.request_id == request_id))
        if prog_id is None:
            raise RuntimeError(f"Request #{request_id} launches a pilot before it has a program.")
        behaviours = programs.program_canvas(session, actor, prog_id).canvas.behaviours
        program_setup.set_program_setup(
            session, actor, prog_id,
            evaluation_design=self.evaluation_design, target_behaviours=behaviours,
        )  # fmt: skip
        programs.launch_pilot(
            session, actor, prog_id, expected_effect=self.expected_effect,
            horizon_date=self.horizon, analysis_settings=dict(self.analysis_settings),
        )  # fmt: skip


ProgramStep = Design | Launch


def date_program_of(session: Session, request_id: int) -> None:
    """Date the program a request became by the request's own (already dated) steps.

    The program was created when the request moved to *in design*, and each later program step
    happened when the request followed it; its canvas and costs were saved at its creation, and
    a registration was locked when the program moved to *pilot*.
    """
    prog = session.scalar(select(Program).where(Program.request_id == request_id))
    if prog is None:
        return
    moved: dict[str, datetime] = {
        to_state: at
        for to_state, at in session.execute(
            select(RequestTransition.to_state, RequestTransition.at)
            .where(RequestTransition.request_id == request_id)
            .order_by(RequestTransition.at, RequestTransition.id)
        )
    }
    created = moved["in_design"]
    prog.created_at = created
    for step in session.scalars(
        select(ProgramTransition).where(ProgramTransition.program_id == prog.id)
    ):
        step.at = moved.get(step.to_state, created)
    for canvas in session.scalars(select(ProgramCanvas).where(ProgramCanvas.program_id == prog.id)):
        canvas.updated_at = created
    for cost in session.scalars(select(ProgramCost).where(ProgramCost.program_id == prog.id)):
        cost.updated_at = created
    for reg in session.scalars(
        select(PilotRegistration).where(PilotRegistration.program_id == prog.id)
    ):
        reg.locked_at = moved.get("pilot", created)
    session.flush()
