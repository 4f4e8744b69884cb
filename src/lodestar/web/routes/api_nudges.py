"""JSON API for a program's nudges: list them with their counts (scheduled, sent, failed,
answered, the response rate), write one, change part of one, pause or resume it, delete one that
has not reached anyone yet.

Who may do what is decided by ``services.nudges`` (L&D and admins write; managers and
executives read; employees are refused), as on the nudges page; errors are problem+json. The
answers and the response rate of a nudge that reached fewer people than the minimum group size
are null, with ``hidden_note`` saying why.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated

import annotated_types as at
from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from lodestar.domain.nudges import MAX_EVERY, MAX_FIRST_DAY, MAX_OCCURRENCES, Audience, Channel
from lodestar.services import nudges
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["nudges"], responses=PROBLEM_RESPONSES)

Clock = Annotated[str, Field(max_length=5, examples=["08:30"], description="HH:MM, local.")]
QuietClock = Annotated[
    str, Field(max_length=5, examples=["19:00"], description="HH:MM; both empty for none.")
]
FirstDay = Annotated[int, at.Interval(ge=1, le=MAX_FIRST_DAY)]
Occurrences = Annotated[int, at.Interval(ge=1, le=MAX_OCCURRENCES)]
Every = Annotated[int, at.Interval(ge=1, le=MAX_EVERY)]


class NudgeCountsRead(BaseModel):
    scheduled: int = Field(description="Occurrences still to come for current participants.")
    due_now: int = Field(description="Due, waiting for the next send-due run.")
    waiting: int = Field(description="To be tried again (after a failure or quiet hours).")
    sent: int
    failed: int
    skipped: int = Field(description="Not sent: unsubscribed, no address, no manager, left.")
    expired: int = Field(description="Could not go out in time and were not sent late.")
    recipients: int = Field(description="People at least one message reached.")
    answered: int | None = Field(description="Null when fewer recipients than the minimum.")
    done: int | None
    not_today: int | None
    unsubscribed: int | None
    response_rate: float | None = Field(
        description="Answered messages out of sent ones; null before any was sent or when hidden."
    )
    hidden_note: str = Field(description="Why the answers are null, if they are.")
    errors: list[str] = Field(description="Why deliveries failed or wait (L&D and admins only).")


class NudgeRead(BaseModel):
    id: int
    program_id: int
    name: str
    channel: str
    audience: str
    subject: str
    body: str
    behaviour: str = Field(description="The target behaviour it prompts; empty for none.")
    send_at: str
    first_day: int
    occurrences: int
    every: int
    quiet_start: str = Field(description="Empty when the nudge has no quiet hours.")
    quiet_end: str
    active: bool = Field(description="False while paused: nothing is sent, retries wait.")
    schedule: str = Field(description="The schedule in words.")
    counts: NudgeCountsRead


class NudgeWrite(TypedInput):
    name: str = Field(max_length=120, examples=["Closing checklist mornings"])
    channel: Channel = "email"
    audience: Audience = "participants"
    subject: str = Field(nudges.NudgeInput.subject, max_length=200)
    body: str = Field(
        nudges.NudgeInput.body,
        max_length=4000,
        description="Template; {prompt} reads the program's Five Ps Prompt.",
    )
    behaviour: str = Field("", max_length=120)
    send_at: Clock = "08:30"
    first_day: FirstDay = 1
    occurrences: Occurrences = 10
    every: Every = 1
    quiet_start: QuietClock = "19:00"
    quiet_end: QuietClock = "07:30"


class NudgeChange(TypedInput):
    """Only the fields given change; ``active`` pauses (false) or resumes (true) it."""

    name: str | None = Field(None, max_length=120)
    channel: Channel | None = None
    audience: Audience | None = None
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=4000)
    behaviour: str | None = Field(None, max_length=120)
    send_at: Clock | None = None
    first_day: FirstDay | None = None
    occurrences: Occurrences | None = None
    every: Every | None = None
    quiet_start: QuietClock | None = None
    quiet_end: QuietClock | None = None
    active: bool | None = None


def nudge_read(item: nudges.NudgeCounts) -> NudgeRead:
    view = item.nudge
    return NudgeRead(
        **asdict(nudges.stored_input(view)),
        id=view.id,
        program_id=view.program_id,
        active=view.active,
        schedule=view.schedule_text,
        counts=NudgeCountsRead(
            scheduled=item.upcoming,
            due_now=item.due_now,
            waiting=item.waiting,
            sent=item.sent,
            failed=item.failed,
            skipped=item.skipped,
            expired=item.expired,
            recipients=item.recipients,
            answered=item.answered,
            done=item.done,
            not_today=item.not_today,
            unsubscribed=item.unsubscribed,
            response_rate=item.response_rate,
            hidden_note=item.hidden_note,
            errors=list(item.errors),
        ),
    )


def _one(db: SessionDep, actor: CurrentActor, program_id: int, nudge_id: int) -> NudgeRead:
    report = nudges.program_nudges(db, actor, program_id)
    found = [n for n in report.nudges if n.nudge.id == nudge_id]
    if not found:
        nudges.require_nudge(db, actor, program_id, nudge_id)  # raises the sentence that says why
    return nudge_read(found[0])


@router.get("/programs/{program_id}/nudges", response_model=list[NudgeRead])
def list_nudges(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> list[NudgeRead]:
    """The program's nudges with their counts (managers, executives, L&D and admins)."""
    return [nudge_read(n) for n in nudges.program_nudges(db, actor, program_id).nudges]


@router.get("/programs/{program_id}/nudges/{nudge_id}", response_model=NudgeRead)
def get_nudge(
    db: SessionDep, actor: CurrentActor, program_id: RecordId, nudge_id: RecordId
) -> NudgeRead:
    return _one(db, actor, program_id, nudge_id)


@router.post("/programs/{program_id}/nudges", response_model=NudgeRead, status_code=201)
def create_nudge(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: NudgeWrite
) -> NudgeRead:
    """Write a nudge (L&D and admins); nothing is stored unless every field is right, and a
    422 names each wrong field in ``fields``."""
    saved = nudges.save_nudge(db, actor, program_id, nudges.NudgeInput(**data.model_dump()))
    return _one(db, actor, program_id, saved.id)


@router.patch("/programs/{program_id}/nudges/{nudge_id}", response_model=NudgeRead)
def change_nudge(
    db: SessionDep, actor: WritingActor, program_id: RecordId, nudge_id: RecordId,
    data: NudgeChange,
) -> NudgeRead:  # fmt: skip
    """Change the fields given (L&D and admins); what was sent stays as sent."""
    given = data.model_dump(exclude_unset=True)
    active = given.pop("active", None)
    if given:
        stored = nudges.stored_input(nudges.require_nudge(db, actor, program_id, nudge_id))
        nudges.save_nudge(db, actor, program_id, replace(stored, **given), nudge_id=nudge_id)
    if active is not None:
        nudges.set_active(db, actor, program_id, nudge_id, active)
    return _one(db, actor, program_id, nudge_id)


@router.delete("/programs/{program_id}/nudges/{nudge_id}", status_code=204)
def delete_nudge(
    db: SessionDep, actor: WritingActor, program_id: RecordId, nudge_id: RecordId
) -> Response:
    """Delete a nudge that has not sent or tried to send anything (L&D and admins); one that
    has is refused with 409: pause it instead, so its history and answers stay."""
    nudges.delete_nudge(db, actor, program_id, nudge_id)
    return Response(status_code=204)
