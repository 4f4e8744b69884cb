"""JSON API for skills: the catalogue, a framework as Moodle CSV, job-title profiles and
priorities' skills, assessments (record, history, review), gaps (a person's, the team heat
map, by job title and priority, the self-rating bias), the forecast and its inputs (headcount
plans, planned moves, priorities' weights on skills).

The same services as the pages; who sees what is theirs to decide. Errors are problem+json.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from lodestar.domain.skills import AssessmentSource
from lodestar.services.input_fields import RecordId
from lodestar.services.skills import (
    assessments,
    catalogue,
    forecast,
    gaps,
    headcount,
    moves,
    profiles,
)
from lodestar.services.skills.moodle_export import export_moodle
from lodestar.web.badge_awards import award_shown_proficiency
from lodestar.web.deps import CatalogueEditor, CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/skills", tags=["skills"], responses=PROBLEM_RESPONSES)

Code = Annotated[str, Field(min_length=1, max_length=300)]


def plain(value: Any) -> Any:
    """A service dataclass (nested) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get("", summary="The skills catalogue (search by name or code)")
def list_skills(
    db: SessionDep,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    return plain(catalogue.list_skills(db, actor, search=q, limit=limit))  # type: ignore[no-any-return]


@router.get("/heatmap", summary="Teams × skills: mean gaps, small groups hidden")
def heat_map(
    db: SessionDep,
    actor: CurrentActor,
    department_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    max_rows: Annotated[int, Query(ge=1, le=2000)] = gaps.MAX_ROWS,
) -> dict[str, Any]:
    return plain(gaps.heat_map(db, actor, department_id=department_id, max_rows=max_rows))  # type: ignore[no-any-return]


@router.get("/gaps/job-titles", summary="Gaps by job title and skill")
def title_gaps(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(gaps.job_title_gaps(db, actor))  # type: ignore[no-any-return]


@router.get("/gaps/priorities", summary="Each strategic priority's top skill gaps")
def priority_gaps(db: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    return plain(gaps.priority_gaps(db, actor))  # type: ignore[no-any-return]


@router.get("/bias", summary="Where self-ratings and managers' assessments differ")
def bias(db: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    return plain(gaps.self_rating_bias(db, actor))  # type: ignore[no-any-return]


@router.get("/forecast", summary="Skills needed in 12 and 24 months; build, buy or borrow")
def skills_forecast(db: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    result = forecast.skills_forecast(db, actor)
    top = result.top_build_now
    return {**plain(result), "top_build_now": top.skill_code if top else None}


@router.get("/employees/{person_id}/gaps", summary="One person's gaps against their job")
def employee_gaps(person_id: RecordId, db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(gaps.employee_gaps(db, actor, person_id))  # type: ignore[no-any-return]


@router.get("/employees/{person_id}/assessments", summary="One person's assessment history")
def history(person_id: RecordId, db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(assessments.assessment_history(db, actor, person_id))  # type: ignore[no-any-return]


class AssessmentCreate(BaseModel):
    employee_id: RecordId
    skill_code: Code
    level: int = Field(ge=1, le=100)
    source: AssessmentSource
    assessed_on: date


@router.post("/assessments", status_code=201, summary="Record an assessment (self, manager, quiz)")
def record(
    request: Request, body: AssessmentCreate, db: SessionDep, actor: WritingActor
) -> dict[str, Any]:
    view = assessments.record_assessment(
        db, actor, body.employee_id, body.skill_code, body.level, body.source, body.assessed_on
    )
    award_shown_proficiency(request, db, view.employee_id)
    db.commit()
    return plain(view)  # type: ignore[no-any-return]


@router.get("/reviews", summary="Self-ratings of my reports waiting for my review")
def to_review(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(assessments.self_ratings_to_review(db, actor))  # type: ignore[no-any-return]


class Review(BaseModel):
    level: int = Field(ge=1, le=100)


@router.post("/reviews/{assessment_id}", summary="Confirm or correct a report's self-rating")
def review(
    request: Request, assessment_id: RecordId, body: Review, db: SessionDep, actor: WritingActor
) -> dict[str, Any]:
    view = assessments.review_self_rating(db, actor, assessment_id, body.level)
    award_shown_proficiency(request, db, view.employee_id)
    db.commit()
    return plain(view)  # type: ignore[no-any-return]


@router.get("/profiles", summary="Every job title's skills profile")
def job_profiles(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(profiles.job_profiles(db, actor))  # type: ignore[no-any-return]


class ProfileLineWrite(BaseModel):
    job_title: Annotated[str, Field(min_length=1, max_length=120)]
    skill_code: Code
    target_level: int = Field(ge=1, le=100)
    importance: int = Field(ge=1, le=5)


@router.put("/profiles", summary="Add or change one skill of a job title's profile")
def set_profile(body: ProfileLineWrite, db: SessionDep, actor: CatalogueEditor) -> dict[str, Any]:
    line = profiles.set_job_skill(
        db,
        actor,
        body.job_title,
        body.skill_code,
        target_level=body.target_level,
        importance=body.importance,
    )
    db.commit()
    return plain(line)  # type: ignore[no-any-return]


@router.get("/priorities", summary="The skills each strategic priority depends on")
def priority_skills(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(profiles.priority_skills(db, actor))  # type: ignore[no-any-return]


class PrioritySkillWrite(BaseModel):
    priority_id: RecordId
    skill_code: Code
    weight: float = Field(ge=0, le=1)
    extra_people_12: int = Field(0, ge=0, le=1_000_000)
    extra_people_24: int = Field(0, ge=0, le=1_000_000)


@router.put("/priorities", summary="Say a priority depends on a skill (weight 0 to 1)")
def set_priority(
    body: PrioritySkillWrite, db: SessionDep, actor: CatalogueEditor
) -> dict[str, Any]:
    line = profiles.set_priority_skill(
        db,
        actor,
        body.priority_id,
        body.skill_code,
        weight=body.weight,
        extra_people_12=body.extra_people_12,
        extra_people_24=body.extra_people_24,
    )
    db.commit()
    return plain(line)  # type: ignore[no-any-return]


@router.get("/frameworks/{idnumber}/moodle.csv", summary="A framework as Moodle framework CSV")
def moodle(
    idnumber: Annotated[str, Field(max_length=100)], db: SessionDep, actor: CurrentActor
) -> Response:
    return Response(export_moodle(db, actor, idnumber), media_type="text/csv; charset=utf-8")


class HeadcountSet(BaseModel):
    job_title: Annotated[str, Field(min_length=1, max_length=200)]
    horizon_months: int = Field(ge=1, le=120, description="12 or 24")
    change: int = Field(
        ge=-100_000, le=100_000, description="More people (negative: fewer) by the horizon"
    )
    note: Annotated[str, Field(max_length=300)] = ""


@router.get("/headcount", summary="The headcount plan by job title and horizon")
def get_headcount(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(headcount.headcount_plan(db, actor))  # type: ignore[no-any-return]


@router.put("/headcount", summary="Set one job title's planned change for a horizon")
def put_headcount(body: HeadcountSet, db: SessionDep, actor: CatalogueEditor) -> dict[str, Any]:
    line = headcount.set_headcount(
        db, actor, body.job_title, body.horizon_months, body.change, body.note
    )
    db.commit()
    return plain(line)  # type: ignore[no-any-return]


@router.delete("/headcount", status_code=204, summary="Remove a job title's plan for a horizon")
def delete_headcount(
    db: SessionDep,
    actor: CatalogueEditor,
    job_title: Annotated[str, Query(max_length=200)] = "",
    horizon_months: Annotated[int, Query(ge=0, le=120)] = 0,
) -> Response:
    headcount.remove_headcount(db, actor, job_title, horizon_months)
    db.commit()
    return Response(status_code=204)


@router.delete("/priorities", status_code=204, summary="Say a priority no longer needs a skill")
def delete_priority_skill(
    db: SessionDep,
    actor: CatalogueEditor,
    priority_id: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    skill_code: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    profiles.remove_priority_skill(db, actor, priority_id, skill_code)
    db.commit()
    return Response(status_code=204)


class MoveAdd(BaseModel):
    employee_id: Annotated[str, Field(min_length=1, max_length=64, description="HRIS id")]
    to_job_title: Annotated[str, Field(min_length=1, max_length=200)]
    effective_on: date


class MoveChange(BaseModel):
    to_job_title: Annotated[str, Field(min_length=1, max_length=200)]
    effective_on: date


@router.get("/moves", summary="Planned moves of people between job titles (forecast input)")
def get_moves(db: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    return plain(moves.planned_moves(db, actor))  # type: ignore[no-any-return]


@router.post("/moves", status_code=201, summary="Plan a person's move into a job title")
def post_move(body: MoveAdd, db: SessionDep, actor: CatalogueEditor) -> dict[str, Any]:
    line = moves.add_move(db, actor, body.employee_id, body.to_job_title, body.effective_on)
    db.commit()
    return plain(line)  # type: ignore[no-any-return]


@router.put("/moves/{move_id}", summary="Change a planned move's job title or date")
def put_move(move_id: RecordId, body: MoveChange, db: SessionDep, actor: CatalogueEditor) -> Any:
    line = moves.change_move(db, actor, move_id, body.to_job_title, body.effective_on)
    db.commit()
    return plain(line)


@router.delete("/moves/{move_id}", status_code=204, summary="Delete a planned move")
def delete_move(move_id: RecordId, db: SessionDep, actor: CatalogueEditor) -> Response:
    moves.delete_move(db, actor, move_id)
    db.commit()
    return Response(status_code=204)


@router.get("/{skill_code:path}", summary="One skill by its code")
def get_skill(
    skill_code: Annotated[str, Field(max_length=300)], db: SessionDep, actor: CurrentActor
) -> dict[str, Any]:
    return plain(catalogue.get_skill(db, actor, skill_code))  # type: ignore[no-any-return]
