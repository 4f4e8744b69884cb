"""The JSON API of quizzes, learning plans and badges: the same services as the pages."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from lodestar.services import badges, learning, nudges, quizzes
from lodestar.services.input_fields import RecordId
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["learning"], responses=PROBLEM_RESPONSES)


class QuizRead(BaseModel):
    code: str
    title: str
    description: str
    questions: int
    built_in: bool


class QuizImport(BaseModel):
    format: Literal["json", "csv"] = Field(description="The form of `content`.")
    content: str = Field(max_length=2_000_000, description="The quiz file's text.")


class AttemptCreate(BaseModel):
    answers: dict[str, list[str]] = Field(
        description="Question code to the chosen option codes (one for a single-choice question)."
    )


class AttemptRead(BaseModel):
    id: int
    quiz: str
    outcome: str
    outcome_name: str
    description: str
    strengths: list[str]
    watch_outs: list[str]
    recommended_skills: list[str]
    recommended_paths: list[str]
    totals: dict[str, float]
    skill_totals: dict[str, float]
    tie_broken: bool
    tie_break_rule: str
    statement_id: str | None

    @classmethod
    def of(cls, v: quizzes.AttemptView) -> AttemptRead:
        o = v.outcome
        return cls(id=v.id, quiz=v.quiz_code, outcome=o.code, outcome_name=o.name,
                   description=o.description, strengths=list(o.strengths),
                   watch_outs=list(o.watch_outs), recommended_skills=list(o.skills),
                   recommended_paths=list(o.paths), totals=v.totals, skill_totals=v.skill_totals,
                   tie_broken=bool(v.tied), tie_break_rule=v.tie_break_sentence,
                   statement_id=v.statement_id)  # fmt: skip


class PlanStepRead(BaseModel):
    id: int
    kind: str
    title: str
    required: bool
    done: bool
    confirmed_by: str


class PlanEntryRead(BaseModel):
    path: str
    name: str
    reason: str
    reason_detail: str
    rule: str
    completed: bool
    steps: list[PlanStepRead]


class BadgeRead(BaseModel):
    public_id: str
    name: str
    awarded_at: str
    verify_url: str
    credential_url: str


class StepDone(BaseModel):
    path_completed: bool
    badge_public_id: str | None


def _plan(plan: learning.LearningPlan) -> list[PlanEntryRead]:
    return [
        PlanEntryRead(
            path=e.path.code, name=e.path.name, reason=e.reason, reason_detail=e.reason_detail,
            rule=e.path.rule_sentence, completed=e.completed_at is not None,
            steps=[PlanStepRead(id=s.id, kind=s.kind, title=s.title, required=s.required,
                                done=s.id in e.done_step_ids, confirmed_by=s.confirmed_by)
                   for s in e.path.steps],
        )
        for e in plan.entries
    ]  # fmt: skip


@router.get("/quizzes", response_model=list[QuizRead])
def list_quizzes(db: SessionDep, actor: CurrentActor) -> list[QuizRead]:
    return [QuizRead(**vars(q)) for q in quizzes.list_quizzes(db, actor)]


@router.get("/quizzes/{code}")
def get_quiz(db: SessionDep, actor: CurrentActor, code: str) -> Any:
    """The quiz in its JSON form (what `POST /api/quizzes` imports)."""
    return json.loads(quizzes.export_quiz(db, actor, code, "json"))


@router.post("/quizzes", response_model=QuizRead, status_code=201)
def import_quiz(data: QuizImport, db: SessionDep, actor: WritingActor) -> QuizRead:
    """Add a quiz or replace the one with its code (L&D and admins)."""
    return QuizRead(**vars(quizzes.import_quiz(db, actor, data.content, data.format)))


@router.post("/quizzes/{code}/attempts", response_model=AttemptRead, status_code=201)
def take_quiz(
    code: str, data: AttemptCreate, request: Request, db: SessionDep, actor: WritingActor
) -> AttemptRead:
    base = nudges.public_base(request.app.state.settings)
    return AttemptRead.of(quizzes.take_quiz(db, actor, code, data.answers, iri_base=base))


@router.get("/quizzes/attempts/{attempt_id}", response_model=AttemptRead)
def get_attempt(attempt_id: RecordId, db: SessionDep, actor: CurrentActor) -> AttemptRead:
    return AttemptRead.of(quizzes.get_attempt(db, actor, attempt_id))


@router.get("/me/plan", response_model=list[PlanEntryRead])
def my_plan(db: SessionDep, actor: CurrentActor) -> list[PlanEntryRead]:
    return _plan(learning.plan_of(db, actor))


@router.post("/me/plan", response_model=list[PlanEntryRead])
def build_my_plan(db: SessionDep, actor: WritingActor) -> list[PlanEntryRead]:
    """Add the paths your gaps and your latest quiz result point to."""
    return _plan(learning.build_plan(db, actor))


@router.post("/me/plan/steps/{step_id}/done", response_model=StepDone)
def step_done(step_id: RecordId, request: Request, db: SessionDep, actor: WritingActor) -> StepDone:
    issuer = badges.Issuer.of(request.app.state.settings)
    outcome = learning.complete_step(db, actor, issuer, step_id)
    return StepDone(path_completed=outcome.path_completed, badge_public_id=outcome.badge_public_id)


@router.get("/me/badges", response_model=list[BadgeRead])
def my_badges(request: Request, db: SessionDep, actor: CurrentActor) -> list[BadgeRead]:
    base = badges.Issuer.of(request.app.state.settings).base_url
    return [
        BadgeRead(public_id=b.public_id, name=b.name, awarded_at=b.awarded_at.isoformat(),
                  verify_url=f"{base}/badges/{b.public_id}",
                  credential_url=f"{base}/badges/{b.public_id}/credential.json")
        for b in badges.badges_of(db, actor)
    ]  # fmt: skip
