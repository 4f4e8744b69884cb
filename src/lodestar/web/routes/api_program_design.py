"""JSON API for designing programs and deciding on them: create and edit, the Five Ps canvas,
fully loaded costs, the pre-mortem, decisions with their history, and managers' observations.

Who may do what is decided by ``services.programs``; errors are problem+json.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lodestar.domain.premortem import check_risk
from lodestar.services import programs
from lodestar.services.input_fields import Amount, RecordId, TypedInput
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["program design"], responses=PROBLEM_RESPONSES)


class ProgramCreate(TypedInput):
    name: str | None = Field(None, max_length=200, description="Defaults to the request's title.")
    code: str | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=4000)
    request_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="An accepted request this program answers."
    )
    priority_id: int | None = Field(None, ge=1, le=2**31 - 1)
    kpi_id: int | None = Field(None, ge=1, le=2**31 - 1, description="The metric that matters.")
    baseline: Amount | None = None
    target: Amount | None = None
    horizon_date: date | None = None
    start_date: date | None = None
    cost_per_participant: float | None = Field(None, ge=0, le=1e15)


class ProgramPatch(TypedInput):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=4000)
    priority_id: int | None = Field(None, ge=1, le=2**31 - 1)
    kpi_id: int | None = Field(None, ge=1, le=2**31 - 1)
    baseline: Amount | None = None
    target: Amount | None = None
    horizon_date: date | None = None
    start_date: date | None = None
    cost_per_participant: float | None = Field(None, ge=0, le=1e15)


class ProgramRead(BaseModel):
    id: int
    code: str
    name: str
    description: str
    status: str
    request_id: int | None
    priority_id: int | None
    kpi_id: int | None
    baseline: float | None
    target: float | None
    horizon_date: date | None
    start_date: date | None
    unaligned: bool = Field(description="True when the program names no metric that matters.")


def program_read(prog: Any) -> ProgramRead:
    return ProgramRead(
        id=prog.id, code=prog.code, name=prog.name, description=prog.description,
        status=prog.status, request_id=prog.request_id, priority_id=prog.priority_id,
        kpi_id=prog.kpi_id, baseline=prog.baseline, target=prog.target,
        horizon_date=prog.horizon_date, start_date=prog.start_date,
        unaligned=prog.kpi_id is None,
    )  # fmt: skip


@router.post("/programs", response_model=ProgramRead, status_code=201)
def create_program(db: SessionDep, actor: WritingActor, data: ProgramCreate) -> ProgramRead:
    fields = data.model_dump(exclude={"request_id"})
    prog = programs.create_program(
        db, actor, programs.ProgramInput(**fields), request_id=data.request_id
    )
    return program_read(prog)


@router.get("/programs/{program_id}", response_model=ProgramRead)
def read_program(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> ProgramRead:
    """One program: its state, the request it answers and its metric that matters."""
    return program_read(programs.get_program(db, actor, program_id))


@router.patch("/programs/{program_id}", response_model=ProgramRead)
def edit_program(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ProgramPatch
) -> ProgramRead:
    prog = programs.edit_program(db, actor, program_id, data.model_dump(exclude_unset=True))
    return program_read(prog)


class ReasonWrite(TypedInput):
    reason: str = Field(max_length=4000, description="Why: what the next L&D lead will read.")


@router.post("/programs/{program_id}/archive", response_model=ProgramRead)
def archive_program(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ReasonWrite
) -> ProgramRead:
    """Take a program in design, or one that stopped, off the working lists (409 from any
    other state); its history and results stay."""
    programs.archive_program(db, actor, program_id, data.reason)
    return program_read(programs.get_program(db, actor, program_id))


@router.post("/programs/{program_id}/restore", response_model=ProgramRead)
def restore_program(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ReasonWrite
) -> ProgramRead:
    """Bring an archived program back to design."""
    programs.restore_program(db, actor, program_id, data.reason)
    return program_read(programs.get_program(db, actor, program_id))


class CanvasWrite(TypedInput):
    problem: str = Field("", max_length=4000)
    behaviours: list[str] = Field(default_factory=list, max_length=20)
    place: str = Field("", max_length=4000)
    prompt: str = Field("", max_length=4000)
    proof: str = Field("", max_length=4000)
    audience: str = Field("", max_length=200)
    formats: list[str] = Field(default_factory=list, max_length=8)
    statement: str = Field("", max_length=4000, description="Empty: use the generated one.")


class CanvasRead(CanvasWrite):
    program_id: RecordId
    generated_statement: str
    statement_edited: bool
    activity_talk: bool = Field(description="The description speaks only of activity.")
    activity_talk_reason: str
    missing: list[str]


def canvas_read(view: programs.CanvasView) -> CanvasRead:
    c = view.canvas
    return CanvasRead(
        program_id=view.program_id, problem=c.problem, behaviours=list(c.behaviours),
        place=c.place, prompt=c.prompt, proof=c.proof, audience=view.audience,
        formats=list(view.formats), statement=view.statement,
        generated_statement=view.generated_statement, statement_edited=view.statement_edited,
        activity_talk=view.activity_talk.flagged, activity_talk_reason=view.activity_talk.reason,
        missing=list(view.missing),
    )  # fmt: skip


@router.get("/programs/{program_id}/canvas", response_model=CanvasRead)
def read_canvas(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> CanvasRead:
    return canvas_read(programs.program_canvas(db, actor, program_id))


@router.put("/programs/{program_id}/canvas", response_model=CanvasRead)
def write_canvas(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: CanvasWrite
) -> CanvasRead:
    values = data.model_dump()
    values["behaviours"], values["formats"] = tuple(data.behaviours), tuple(data.formats)
    return canvas_read(programs.save_canvas(db, actor, program_id, programs.CanvasInput(**values)))


class CostsWrite(TypedInput):
    currency: str = Field("EUR", min_length=3, max_length=3)
    needs_assessment: float = Field(0.0, ge=0, le=1e12)
    design_and_development: float = Field(0.0, ge=0, le=1e12)
    delivery: float = Field(0.0, ge=0, le=1e12)
    facilities_and_travel: float = Field(0.0, ge=0, le=1e12)
    participant_hours: float = Field(0.0, ge=0, le=1e6, description="Hours per participant.")
    loaded_hourly_rate: float = Field(0.0, ge=0, le=1e6)
    overhead: float = Field(0.0, ge=0, le=1e12)
    evaluation: float = Field(0.0, ge=0, le=1e12)


@router.get("/programs/{program_id}/costs", response_model=CostsWrite | None)
def read_costs(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> CostsWrite | None:
    costs = programs.program_costs(db, actor, program_id)
    return CostsWrite(**costs.__dict__) if costs else None


@router.put("/programs/{program_id}/costs", response_model=CostsWrite)
def write_costs(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: CostsWrite
) -> CostsWrite:
    saved = programs.save_costs(db, actor, program_id, programs.CostInput(**data.model_dump()))
    return CostsWrite(**saved.__dict__)


class RiskWrite(TypedInput):
    description: str = Field(max_length=2000)
    likelihood: str = Field(description="low, medium or high")
    impact: str = Field(description="low, medium or high")
    mitigation: str = Field("", max_length=2000)
    owner: str = Field("", max_length=200)
    status: str = Field("open", description="open, happened or retired")


class RiskRead(RiskWrite):
    id: int


def risk_read(row: Any) -> RiskRead:
    return RiskRead(
        id=row.id, description=row.description, likelihood=row.likelihood, impact=row.impact,
        mitigation=row.mitigation, owner=row.owner, status=row.status,
    )  # fmt: skip


@router.get("/programs/{program_id}/risks", response_model=list[RiskRead])
def list_risks(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> list[RiskRead]:
    return [risk_read(r) for r in programs.program_risks(db, actor, program_id)]


@router.post("/programs/{program_id}/risks", response_model=RiskRead, status_code=201)
def add_risk(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: RiskWrite
) -> RiskRead:
    return risk_read(programs.add_risk(db, actor, program_id, check_risk(**data.model_dump())))


@router.put("/programs/{program_id}/risks/{risk_id}", response_model=RiskRead)
def update_risk(
    db: SessionDep, actor: WritingActor, program_id: RecordId, risk_id: RecordId, data: RiskWrite
) -> RiskRead:
    risk = check_risk(**data.model_dump())
    return risk_read(programs.update_risk(db, actor, program_id, risk_id, risk))


class WaveWrite(TypedInput):
    start_date: date
    team_ids: list[RecordId] = Field(min_length=1, max_length=500)


class DecisionWrite(TypedInput):
    decision: str = Field(description="scale, adapt or stop")
    reason: str = Field(max_length=4000)
    impact_result_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Defaults to the newest stored result."
    )
    wave: WaveWrite | None = Field(None, description="Required to scale: the next wave.")


class DecisionRead(BaseModel):
    program_id: RecordId
    decision: str
    state: str
    impact_result_id: int | None
    wave_number: int | None
    wave_participants: int


@router.post("/programs/{program_id}/decisions", response_model=DecisionRead, status_code=201)
def decide(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: DecisionWrite
) -> DecisionRead:
    wave = (
        programs.WaveInput(data.wave.start_date, tuple(data.wave.team_ids)) if data.wave else None
    )
    out = programs.decide(
        db, actor, program_id, data.decision, data.reason,
        impact_result_id=data.impact_result_id, wave=wave,
    )  # fmt: skip
    return DecisionRead(**out.__dict__)


class StepRead(BaseModel):
    from_state: str | None
    to_state: str
    decision: str
    impact_result_id: int | None
    actor_id: int | None
    reason: str
    at: datetime


@router.get("/programs/{program_id}/history", response_model=list[StepRead])
def history(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> list[StepRead]:
    return [
        StepRead(
            from_state=s.from_state,
            to_state=s.to_state,
            decision=s.decision,
            impact_result_id=s.impact_result_id,
            actor_id=s.actor_id,
            reason=s.reason,
            at=s.at,
        )  # fmt: skip
        for s in programs.program_history(db, actor, program_id)
    ]


class ObservationWrite(TypedInput):
    employee_id: int = Field(ge=1, le=2**31 - 1)
    behaviour: str = Field(max_length=120)
    observed_on: date
    observed: bool | None = None
    score: float | None = Field(None, ge=0, le=5)


class ObservationRead(ObservationWrite):
    source: str


@router.post("/programs/{program_id}/observations", response_model=ObservationRead, status_code=201)
def record_observation(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ObservationWrite
) -> ObservationRead:
    row = programs.record_observation(db, actor, program_id, **data.model_dump())
    return ObservationRead(
        employee_id=row.employee_id, behaviour=row.behaviour, observed_on=row.observed_on,
        observed=row.observed, score=row.score, source=row.source,
    )  # fmt: skip


class ObservableRead(BaseModel):
    employee_id: int
    name: str
    start_date: date | None


@router.get("/programs/{program_id}/observations/people", response_model=list[ObservableRead])
def observable_people(
    db: SessionDep, actor: CurrentActor, program_id: RecordId
) -> list[ObservableRead]:
    """The participants the caller may record observations for: their reports (a manager)."""
    return [
        ObservableRead(**o.__dict__)
        for o in programs.observable_participants(db, actor, program_id)
    ]
