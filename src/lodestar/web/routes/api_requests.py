"""JSON API for training requests: intake, workflow, stakeholder answers, diagnosis, triage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from lodestar.domain.diagnosis import CELL_GUIDES
from lodestar.domain.intake import INTAKE_FIELDS, STAKEHOLDER_QUESTIONS, missing_message
from lodestar.errors import NotFound, RequestIncomplete
from lodestar.services import diagnosis, intake
from lodestar.services.input_fields import RecordId, StoredText, TypedInput
from lodestar.services.views import DiagnosisView, RequestDetail, RequestSummary, TriageBoard
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_CONTENT, PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["requests"], responses=PROBLEM_RESPONSES)

INCOMPLETE: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Saved as 'needs information': the problem+json body lists every "
        "missing field (`missing_fields`) and the saved request's id (`request_id`).",
        "content": PROBLEM_CONTENT,
    }
}


class TransitionInput(TypedInput):
    to: str = Field(description="The target state, e.g. in_diagnosis, declined, needs_information.")
    reason: str = Field("", description="Why; required when declining or returning a request.")


class IntakeGuide(BaseModel):
    fields: list[dict[str, str]]
    stakeholder_questions: list[dict[str, str]]
    diagnosis_cells: list[dict[str, Any]]


def _filters(
    state: StoredText | None = None,
    priority_id: RecordId | None = None,
    urgency: StoredText | None = None,
    department_id: RecordId | None = None,
    no_metric: bool = False,
    q: StoredText | None = None,
) -> intake.RequestFilters:
    return intake.RequestFilters(
        state=state,
        priority_id=priority_id,
        urgency=urgency,
        department_id=department_id,
        no_metric=no_metric,
        q=q,
    )


Filters = Annotated[intake.RequestFilters, Depends(_filters)]


def _incomplete(outcome: intake.SubmitOutcome) -> RequestIncomplete:
    return RequestIncomplete(
        missing_message(list(outcome.missing)),
        missing=list(outcome.missing),
        request_id=outcome.request_id,
    )


@router.get("/intake/guide", response_model=IntakeGuide)
def intake_guide(actor: CurrentActor) -> IntakeGuide:
    """The five required fields with help and examples, the stakeholder questions and the
    diagnosis cells with their questions — everything a client needs to build a form."""
    return IntakeGuide(
        fields=[
            {"name": f.name, "label": f.label, "help": f.help, "example": f.example, "why": f.why}
            for f in INTAKE_FIELDS
        ],
        stakeholder_questions=[
            {"key": q.key, "question": q.question, "purpose": q.purpose}
            for q in STAKEHOLDER_QUESTIONS
        ],
        diagnosis_cells=[
            {"cell": g.cell, "title": g.title, "side": g.side, "questions": list(g.questions)}
            for g in CELL_GUIDES
        ],
    )


@router.get("/requests", response_model=list[RequestSummary])
def list_requests(db: SessionDep, actor: CurrentActor, filters: Filters) -> list[RequestSummary]:
    """The requests you may see, newest first."""
    return intake.list_requests(db, actor, filters)


@router.post("/requests", status_code=201, response_model=RequestDetail, responses=INCOMPLETE)
def create_request(
    data: intake.RequestInput,
    db: SessionDep,
    actor: WritingActor,
    response: Response,
    draft: Annotated[bool, Query(description="Only save; do not submit yet.")] = False,
) -> RequestDetail:
    """Raise a request. Unless `draft=true`, it is submitted at once: a complete request goes
    to the L&D queue; an incomplete one is saved as 'needs information' and answered with 422."""
    if draft:
        req = intake.save_request(db, actor, data)
        db.commit()
        response.headers["Location"] = f"/api/requests/{req.id}"
        return intake.get_request(db, actor, req.id)
    outcome = intake.submit_request(db, actor, data)
    db.commit()
    response.headers["Location"] = f"/api/requests/{outcome.request_id}"
    if not outcome.complete:
        raise _incomplete(outcome)
    return intake.get_request(db, actor, outcome.request_id)


@router.get("/requests/{request_id}", response_model=RequestDetail)
def get_request(request_id: RecordId, db: SessionDep, actor: CurrentActor) -> RequestDetail:
    return intake.get_request(db, actor, request_id)


@router.put("/requests/{request_id}", response_model=RequestDetail)
def update_request(
    request_id: RecordId, data: intake.RequestInput, db: SessionDep, actor: WritingActor
) -> RequestDetail:
    """Replace the request's fields (while you may still edit it); does not submit."""
    intake.save_request(db, actor, data, request_id)
    db.commit()
    return intake.get_request(db, actor, request_id)


@router.post("/requests/{request_id}/submit", response_model=RequestDetail, responses=INCOMPLETE)
def submit_request(
    request_id: RecordId,
    db: SessionDep,
    actor: WritingActor,
    data: intake.RequestInput | None = None,
) -> RequestDetail:
    """Submit a saved request, optionally replacing its fields first."""
    outcome = intake.submit_request(db, actor, data, request_id)
    db.commit()
    if not outcome.complete:
        raise _incomplete(outcome)
    return intake.get_request(db, actor, request_id)


@router.post("/requests/{request_id}/transitions", response_model=RequestDetail)
def transition_request(
    request_id: RecordId, data: TransitionInput, db: SessionDep, actor: WritingActor
) -> RequestDetail:
    """Move the request one workflow step (L&D), recording who, when and why."""
    intake.transition_request(db, actor, request_id, data.to, data.reason)
    db.commit()
    return intake.get_request(db, actor, request_id)


@router.put("/requests/{request_id}/answers", response_model=dict[str, str])
def answer_questions(
    request_id: RecordId, answers: dict[StoredText, StoredText], db: SessionDep, actor: WritingActor
) -> dict[str, str]:
    """Record answers to the stakeholder questions (keys from /api/intake/guide)."""
    saved = intake.answer_questions(db, actor, request_id, answers)
    db.commit()
    return saved


@router.get("/requests/{request_id}/diagnosis", response_model=DiagnosisView)
def get_diagnosis(request_id: RecordId, db: SessionDep, actor: CurrentActor) -> DiagnosisView:
    detail = intake.get_request(db, actor, request_id)
    if detail.diagnosis is None:
        raise NotFound(
            f"Request #{request_id} has not been diagnosed yet. Start a diagnosis with "
            f"PUT /api/requests/{request_id}/diagnosis."
        )
    return detail.diagnosis


@router.put("/requests/{request_id}/diagnosis", response_model=DiagnosisView)
def save_diagnosis(
    request_id: RecordId, data: diagnosis.DiagnosisInput, db: SessionDep, actor: WritingActor
) -> DiagnosisView:
    """Record findings per Gilbert cell; with `conclude: true`, decide and move the request."""
    view = diagnosis.save_diagnosis(db, actor, request_id, data)
    db.commit()
    return view


@router.get("/triage", response_model=TriageBoard)
def triage(db: SessionDep, actor: CurrentActor, filters: Filters) -> TriageBoard:
    """Requests by state, with the share of open requests that name no metric."""
    return intake.triage_board(db, actor, filters)
