"""JSON API for a program's pilot: the stored plan, the lottery, the launch that locks the
expectation, revised registrations, and the grade of the result against the registration.

A change to a locked expectation answers 409 problem+json with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lodestar.services import programs
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["pilots"], responses=PROBLEM_RESPONSES)

TeamIds = list[RecordId]


class PlanWrite(TypedInput):
    team_ids: TeamIds = Field(min_length=1, max_length=500)
    share: float = Field(0.5, ge=0.05, le=0.95, description="Share of people in the pilot group.")
    assign_by: str = Field("person", description="person (within teams), tenure, or team")
    weeks: int = Field(12, ge=2, le=104)
    hoped_effect: float | None = Field(
        None, ge=-1e15, le=1e15, description="The effect the owner hopes for, in the KPI's unit."
    )


class LotteryWrite(TypedInput):
    team_ids: TeamIds = Field(min_length=1, max_length=500)
    start_date: date
    share: float = Field(0.5, ge=0.05, le=0.95)
    assign_by: str = "person"
    seed: int = Field(ge=0, le=2**31 - 1)


class LaunchWrite(TypedInput):
    expected_effect: float = Field(
        ge=-1e15, le=1e15, description="The change the program should cause, signed, KPI unit."
    )
    horizon_date: date
    analysis_settings: dict[str, Any] = Field(default_factory=dict)


class RevisionWrite(TypedInput):
    reason: str = Field(max_length=4000)
    expected_effect: float | None = Field(None, ge=-1e15, le=1e15)
    horizon_date: date | None = None


class RegistrationRead(BaseModel):
    version: int
    kpi_id: int
    kpi_name: str
    unit: str
    expected_effect: float
    horizon_date: date | None
    evaluation_design: str
    analysis_settings: dict[str, Any]
    reason: str
    locked_on: date


class GradeRead(BaseModel):
    grade: str
    label: str
    sentence: str


class PilotRead(BaseModel):
    program_id: RecordId
    plan: dict[str, Any] = Field(description="The stored plan: MDE, people, groups; {} if none.")
    people_needed: int | None
    needed_words: str
    lottery: dict[str, Any] | None
    registrations: list[RegistrationRead] = Field(description="Newest first.")
    grade: GradeRead | None


def registration_read(reg: programs.Registration) -> RegistrationRead:
    fields = {k: v for k, v in reg.__dict__.items() if k in RegistrationRead.model_fields}
    return RegistrationRead(**fields)


def pilot_read(db: SessionDep, actor: Any, program_id: RecordId) -> PilotRead:
    stored = programs.stored_plan(db, actor, program_id)
    graded = programs.grade_program(db, actor, program_id)
    return PilotRead(
        program_id=program_id,
        plan=stored.plan,
        people_needed=stored.people_needed,
        needed_words=stored.needed_words,
        lottery=stored.lottery,
        registrations=[registration_read(r) for r in programs.registrations(db, program_id)],
        grade=GradeRead(**graded.__dict__) if graded else None,
    )


@router.get("/programs/{program_id}/pilot", response_model=PilotRead)
def read_pilot(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> PilotRead:
    return pilot_read(db, actor, program_id)


@router.post("/programs/{program_id}/pilot/plan", response_model=PilotRead)
def plan(db: SessionDep, actor: WritingActor, program_id: RecordId, data: PlanWrite) -> PilotRead:
    programs.plan_and_store(db, actor, program_id, **data.model_dump())
    return pilot_read(db, actor, program_id)


@router.post("/programs/{program_id}/pilot/lottery", response_model=PilotRead, status_code=201)
def lottery(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: LotteryWrite
) -> PilotRead:
    programs.draw_lottery(db, actor, program_id, **data.model_dump())
    return pilot_read(db, actor, program_id)


@router.post("/programs/{program_id}/pilot/launch", response_model=PilotRead, status_code=201)
def launch(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: LaunchWrite
) -> PilotRead:
    programs.launch_pilot(db, actor, program_id, **data.model_dump())
    return pilot_read(db, actor, program_id)


@router.post(
    "/programs/{program_id}/pilot/registrations", response_model=PilotRead, status_code=201
)
def revise(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: RevisionWrite
) -> PilotRead:
    programs.revise_registration(db, actor, program_id, **data.model_dump())
    return pilot_read(db, actor, program_id)
