"""JSON API for work patterns: the time zone and working days a person's nudges follow.

Your own under ``/api/me/work-pattern``; anyone's you may change under
``/api/employees/{employee}/work-pattern`` (HR number or e-mail: yours, your direct reports' as a
manager, anyone's for L&D and admins); and, per program, how many of the people its nudges reach
follow the defaults. ``DELETE`` returns a person to the defaults. Rules live in
``services.nudges.work_patterns``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from lodestar.errors import NotFound
from lodestar.services import nudges
from lodestar.services.input_fields import RecordId, StoredText, TypedInput
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["work patterns"], responses=PROBLEM_RESPONSES)

EmployeeRef = Annotated[
    StoredText,
    Path(max_length=200, description="The person's HR number or e-mail.", examples=["E00042"]),
]


class WorkPatternRead(BaseModel):
    employee: str = Field(description="The person's HR number.")
    name: str
    time_zone: str = Field(description="IANA name, e.g. Asia/Singapore.")
    working_days: str = Field(description="Weekdays in week order, e.g. mon,tue,wed,thu,fri.")
    own: bool = Field(description="False: the person follows the defaults from the settings.")
    updated_at: datetime | None


class WorkPatternWrite(TypedInput):
    time_zone: str = Field(max_length=64, examples=["Asia/Singapore"])
    working_days: str = Field(
        "mon-fri", max_length=60, examples=["sun-thu"], description="e.g. mon-fri or mon,tue,thu."
    )


class RecipientPatternsRead(BaseModel):
    default_time_zone: str
    default_working_days: str
    people: int = Field(description="People the program's nudges reach.")
    with_own_pattern: int
    own: list[WorkPatternRead] = Field(
        description="Those with a pattern of their own (L&D and admins only; empty otherwise)."
    )


def pattern_read(view: nudges.WorkPatternView) -> WorkPatternRead:
    updated = view.updated_at
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    return WorkPatternRead(
        employee=view.external_id,
        name=view.name,
        time_zone=view.time_zone,
        working_days=view.working_days,
        own=view.own,
        updated_at=updated,
    )


def _my_ref(db: SessionDep, actor: CurrentActor) -> str:
    mine = nudges.own_work_pattern(db, actor)
    if mine is None:
        raise NotFound(
            "Your account is not linked to an employee record, so nudges do not reach you and "
            "you have no working calendar. An administrator can link it."
        )
    return mine.external_id


@router.get("/me/work-pattern", response_model=WorkPatternRead)
def my_pattern(db: SessionDep, actor: CurrentActor) -> WorkPatternRead:
    """Your own working calendar (the defaults when you have not set one)."""
    return pattern_read(nudges.work_pattern(db, actor, _my_ref(db, actor)))


@router.put("/me/work-pattern", response_model=WorkPatternRead)
def set_my_pattern(db: SessionDep, actor: WritingActor, data: WorkPatternWrite) -> WorkPatternRead:
    ref = _my_ref(db, actor)
    nudges.set_work_pattern(db, actor, ref, data.time_zone, data.working_days)
    return pattern_read(nudges.work_pattern(db, actor, ref))


@router.delete("/me/work-pattern", response_model=WorkPatternRead)
def clear_my_pattern(db: SessionDep, actor: WritingActor) -> WorkPatternRead:
    """Follow the defaults again."""
    return pattern_read(nudges.clear_work_pattern(db, actor, _my_ref(db, actor)))


@router.get("/employees/{employee}/work-pattern", response_model=WorkPatternRead)
def person_pattern(db: SessionDep, actor: CurrentActor, employee: EmployeeRef) -> WorkPatternRead:
    return pattern_read(nudges.work_pattern(db, actor, employee))


@router.put("/employees/{employee}/work-pattern", response_model=WorkPatternRead)
def set_person_pattern(
    db: SessionDep, actor: WritingActor, employee: EmployeeRef, data: WorkPatternWrite
) -> WorkPatternRead:
    nudges.set_work_pattern(db, actor, employee, data.time_zone, data.working_days)
    return pattern_read(nudges.work_pattern(db, actor, employee))


@router.delete("/employees/{employee}/work-pattern", response_model=WorkPatternRead)
def clear_person_pattern(
    db: SessionDep, actor: WritingActor, employee: EmployeeRef
) -> WorkPatternRead:
    """The person follows the defaults again."""
    return pattern_read(nudges.clear_work_pattern(db, actor, employee))


@router.get("/programs/{program_id}/work-patterns", response_model=RecipientPatternsRead)
def program_patterns(
    db: SessionDep, actor: CurrentActor, program_id: RecordId
) -> RecipientPatternsRead:
    """The working calendars of the people the program's nudges reach (managers, executives,
    L&D and admins; names for L&D and admins only)."""
    found = nudges.recipient_patterns(db, actor, program_id)
    return RecipientPatternsRead(
        default_time_zone=found.default.time_zone,
        default_working_days=found.default_days,
        people=found.people,
        with_own_pattern=found.own_count,
        own=[pattern_read(v) for v in found.own],
    )
