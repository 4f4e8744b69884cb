"""JSON API for stakeholders: the register (notes only for L&D), the interview log, the
council with its agenda and decisions, and a program's stakeholder update."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from lodestar.services import stakeholders
from lodestar.services.input_fields import RecordId, StoredText
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["stakeholders"], responses=PROBLEM_RESPONSES)


class StakeholderRead(BaseModel):
    id: int
    name: str
    title: str
    organisation: str
    department: str | None
    user_id: int | None
    influence: int
    interest: int
    quadrant: str
    relationship_notes: str | None = Field(description="Only for the L&D team; null otherwise.")
    owns_priorities: list[str]
    owns_kpis: list[str]


class InterviewRead(BaseModel):
    id: int
    stakeholder_id: int
    stakeholder: str
    held_on: date
    interviewer: str | None
    summary: str
    answers: dict[str, str]
    request_ids: list[int]


class AgendaItemRead(BaseModel):
    id: int
    kind: str
    title: str
    detail: str
    request_id: int | None
    program_id: int | None


class CouncilRead(BaseModel):
    id: int
    title: str
    held_on: date
    status: str
    agenda: list[AgendaItemRead]
    decisions: list[stakeholders.DecisionView]


class CouncilSummary(BaseModel):
    id: int
    title: str
    held_on: date
    status: str


class UpdateRead(BaseModel):
    program_id: int
    text: str
    changes: list[str]
    previous_at: datetime | None


def _stakeholder(v: stakeholders.StakeholderView) -> StakeholderRead:
    return StakeholderRead(
        id=v.id, name=v.name, title=v.title, organisation=v.organisation,
        department=v.department_name, user_id=v.user_id, influence=v.influence,
        interest=v.interest, quadrant=v.quadrant, relationship_notes=v.relationship_notes,
        owns_priorities=list(v.owns_priorities), owns_kpis=list(v.owns_kpis),
    )  # fmt: skip


def _interview(v: stakeholders.InterviewView) -> InterviewRead:
    return InterviewRead(
        id=v.id, stakeholder_id=v.stakeholder_id, stakeholder=v.stakeholder_name,
        held_on=v.held_on, interviewer=v.interviewer, summary=v.summary,
        answers={k: a for k, _, a in v.answers}, request_ids=[r for r, _ in v.requests],
    )  # fmt: skip


def _council(v: stakeholders.CouncilView) -> CouncilRead:
    return CouncilRead(
        id=v.id, title=v.title, held_on=v.held_on, status=v.status,
        agenda=[
            AgendaItemRead(id=a.id, kind=a.kind, title=a.title, detail=a.detail,
                           request_id=a.request_id, program_id=a.program_id)
            for a in v.agenda
        ],
        decisions=list(v.decisions),
    )  # fmt: skip


@router.get("/stakeholders", response_model=list[StakeholderRead])
def list_stakeholders(db: SessionDep, actor: CurrentActor) -> list[StakeholderRead]:
    return [_stakeholder(v) for v in stakeholders.stakeholder_map(db, actor).stakeholders]


@router.post("/stakeholders", response_model=StakeholderRead, status_code=201)
def add_stakeholder(
    db: SessionDep, actor: WritingActor, data: stakeholders.StakeholderInput
) -> StakeholderRead:
    row = stakeholders.add_stakeholder(db, actor, data)
    return _stakeholder(stakeholders.get_stakeholder(db, actor, row.id))


@router.get("/stakeholders/{stakeholder_id}", response_model=StakeholderRead)
def get_stakeholder(
    db: SessionDep, actor: CurrentActor, stakeholder_id: RecordId
) -> StakeholderRead:
    return _stakeholder(stakeholders.get_stakeholder(db, actor, stakeholder_id))


@router.put("/stakeholders/{stakeholder_id}", response_model=StakeholderRead)
def update_stakeholder(
    db: SessionDep, actor: WritingActor, stakeholder_id: RecordId,
    data: stakeholders.StakeholderInput,
) -> StakeholderRead:  # fmt: skip
    stakeholders.update_stakeholder(db, actor, stakeholder_id, data)
    return _stakeholder(stakeholders.get_stakeholder(db, actor, stakeholder_id))


@router.get("/interviews", response_model=list[InterviewRead])
def list_interviews(
    db: SessionDep,
    actor: CurrentActor,
    q: StoredText = Query("", max_length=200, description="Words to find in answers and names."),
) -> list[InterviewRead]:
    return [_interview(v) for v in stakeholders.list_interviews(db, actor, q=q)]


@router.post("/interviews", response_model=InterviewRead, status_code=201)
def log_interview(
    db: SessionDep, actor: WritingActor, data: stakeholders.InterviewInput
) -> InterviewRead:
    row = stakeholders.log_interview(db, actor, data)
    return _interview(stakeholders.get_interview(db, actor, row.id))


@router.get("/councils", response_model=list[CouncilSummary])
def list_councils(db: SessionDep, actor: CurrentActor) -> list[CouncilSummary]:
    return [
        CouncilSummary(id=c.id, title=c.title, held_on=c.held_on, status=c.status)
        for c in stakeholders.list_councils(db, actor)
    ]


@router.post("/councils", response_model=CouncilRead, status_code=201)
def create_council(
    db: SessionDep, actor: WritingActor, data: stakeholders.CouncilInput
) -> CouncilRead:
    row = stakeholders.create_council(db, actor, data)
    return _council(stakeholders.council_view(db, actor, row.id))


@router.get("/councils/{council_id}", response_model=CouncilRead)
def get_council(db: SessionDep, actor: CurrentActor, council_id: RecordId) -> CouncilRead:
    return _council(stakeholders.council_view(db, actor, council_id))


@router.post("/councils/{council_id}/decisions", response_model=CouncilRead, status_code=201)
def record_decision(
    db: SessionDep, actor: WritingActor, council_id: RecordId, data: stakeholders.DecisionInput
) -> CouncilRead:
    stakeholders.record_decision(db, actor, council_id, data)
    return _council(stakeholders.council_view(db, actor, council_id))


@router.get("/programs/{program_id}/stakeholder-update", response_model=UpdateRead)
def program_update(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> UpdateRead:
    d = stakeholders.draft_update(db, actor, program_id)
    return UpdateRead(
        program_id=d.program_id, text=d.text, changes=list(d.changes), previous_at=d.previous_at
    )
