"""How a scripted training request is played through the real services, then dated.

A :class:`RequestSpec` is what a requester typed plus the steps the request went through
(submissions, stakeholder answers, diagnosis sessions, L&D decisions, and the program a request
became: :mod:`.story_program_steps`). :func:`play` walks those steps through ``intake``,
``diagnosis`` and ``programs`` exactly as the web app would, so history, audit rows, diagnoses
and programs are the real thing. The services stamp everything with "now"; the demo board needs
requests of varying ages, so :func:`play` then spreads the steps evenly between the day the
request was raised (``age`` days before :data:`STORY_END`) and its last change (``idle`` days
before it), and moves every timestamp of the request, and of the program it became, to match. No
randomness and no wall clock: the story ends with the KPI history (the Friday of its last
week), so a request's dates agree with the data whenever the demo is seeded, and a request
that a planted program answers can be dated by the program's own start (:func:`days_before`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.analytics.demo.calendar import LAST_WEEK
from lodestar.db.models import Diagnosis, RequestTransition, StakeholderAnswer, TrainingRequest
from lodestar.domain.roles import Actor
from lodestar.services import accounts, diagnosis, intake
from lodestar.services.demo.story_program_steps import ProgramStep, date_program_of
from lodestar.services.diagnosis import DiagnosisInput, FindingInput

if TYPE_CHECKING:
    from lodestar.services.demo.story import StoryHandles


#: When the demo story ends: 16:00 UTC on the Friday of the KPI history's last week. Every
#: dated step of the story (requests, program steps, registrations) lies on or before it.
STORY_END = datetime.combine(LAST_WEEK + timedelta(days=4), time(16), tzinfo=UTC)


def days_before(day: date) -> int:
    """How many days ``day`` lies before the story's end: the ``age`` or ``idle`` of a step
    that happened on that date."""
    return (STORY_END.date() - day).days


def barrier(evidence: str, fix: str | None = None) -> FindingInput:
    """A Gilbert cell that stands in the way; ``fix`` overrides the cell's default fix."""
    return FindingInput(finding="barrier", evidence=evidence, fix=fix)


def clear(evidence: str = "") -> FindingInput:
    """A Gilbert cell checked and found not to be a barrier."""
    return FindingInput(finding="no_barrier", evidence=evidence)


def unknown(evidence: str = "") -> FindingInput:
    """A Gilbert cell still to be checked; the evidence says what to ask."""
    return FindingInput(finding="unknown", evidence=evidence)


@dataclass(frozen=True)
class Submit:
    """The requester submits; ``blank`` lists fields left empty in this attempt."""

    blank: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """Stakeholder answers, recorded by the requester or by the learning partner."""

    answers: Mapping[str, str]
    by: str = "requester"  # or "partner"


@dataclass(frozen=True)
class Diagnose:
    """One diagnosis session by the learning partner."""

    findings: Mapping[str, FindingInput]
    conclude: bool = False


@dataclass(frozen=True)
class Move:
    """A workflow decision by the learning partner."""

    target: str
    reason: str = ""


Step = Submit | Answer | Diagnose | Move | ProgramStep


@dataclass(frozen=True)
class RequestSpec:
    title: str
    requester: str  # persona key
    partner: str  # persona key of the L&D person who handles it
    age: int  # days since the request was raised
    idle: int  # days since its last change
    business_objective: str = ""
    audience_and_behaviours: str = ""
    context_of_work: str = ""
    cost_of_inaction: str = ""
    horizon_and_constraints: str = ""
    urgency: str = "normal"
    priority: str | None = None  # priority key
    kpi: str | None = None  # KPI code
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def data(self, handles: StoryHandles, blank: tuple[str, ...] = ()) -> intake.RequestInput:
        texts = {
            name: "" if name in blank else getattr(self, name)
            for name in (
                "business_objective",
                "audience_and_behaviours",
                "context_of_work",
                "cost_of_inaction",
                "horizon_and_constraints",
            )
        }
        return intake.RequestInput(
            title=self.title,
            urgency=self.urgency,
            priority_id=handles.priority_ids[self.priority] if self.priority else None,
            kpi_id=handles.kpi_ids[self.kpi] if self.kpi else None,
            **texts,
        )


def play(session: Session, spec: RequestSpec, handles: StoryHandles, anchor: datetime) -> int:
    """Raise the request, walk its steps through the services, date it; return its id."""
    if not 0 <= spec.idle <= spec.age:
        raise ValueError(f"{spec.title!r}: idle ({spec.idle}) must lie between 0 and age.")
    requester = accounts.actor_of(handles.users[spec.requester])
    partner = accounts.actor_of(handles.users[spec.partner])
    first_blank = next((s.blank for s in spec.steps if isinstance(s, Submit)), ())
    req = intake.save_request(session, requester, spec.data(handles, first_blank))
    marks = [_transition_count(session, req.id)]
    for step in spec.steps:
        _do(session, step, spec, handles, req.id, requester, partner)
        marks.append(_transition_count(session, req.id))
    _date(session, req, spec, marks, anchor)
    date_program_of(session, req.id)
    return req.id


def _do(
    session: Session,
    step: Step,
    spec: RequestSpec,
    handles: StoryHandles,
    request_id: int,
    requester: Actor,
    partner: Actor,
) -> None:
    if isinstance(step, Submit):
        intake.submit_request(session, requester, spec.data(handles, step.blank), request_id)
    elif isinstance(step, Answer):
        who = requester if step.by == "requester" else partner
        intake.answer_questions(session, who, request_id, dict(step.answers))
    elif isinstance(step, Diagnose):
        diagnosis.save_diagnosis(
            session,
            partner,
            request_id,
            DiagnosisInput(findings=dict(step.findings), conclude=step.conclude),
        )
    elif isinstance(step, Move):
        intake.transition_request(session, partner, request_id, step.target, step.reason)
    else:  # L&D makes the request a program, or launches that program's pilot
        step.play(session, partner, request_id)


def _transition_count(session: Session, request_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RequestTransition)
            .where(RequestTransition.request_id == request_id)
        )
        or 0
    )


def _date(
    session: Session, req: TrainingRequest, spec: RequestSpec, marks: list[int], anchor: datetime
) -> None:
    """Spread the steps between ``age`` and ``idle`` days ago and stamp every row with them."""
    created = anchor - timedelta(days=spec.age)
    last = anchor - timedelta(days=spec.idle)
    n = len(spec.steps)
    span = spec.age - spec.idle
    # Whole days apart at the same clock time, ten minutes later per step so that steps
    # falling on one day keep their order.
    times = [
        created + timedelta(days=round(k * span / n) if n else 0, minutes=10 * k)
        for k in range(n + 1)
    ]
    rows = list(
        session.scalars(
            select(RequestTransition)
            .where(RequestTransition.request_id == req.id)
            .order_by(RequestTransition.id)
        )
    )
    start = 0
    for k, end in enumerate(marks):
        # Moves made in one sitting (e.g. "diagnosis started" and the conclusion) keep
        # their order a few minutes apart.
        for j, row in enumerate(rows[start:end]):
            row.at = times[k] + timedelta(minutes=5 * j)
        start = end
    req.created_at = times[0]
    req.updated_at = max(last, rows[-1].at) if rows else last
    submitted = [r.at for r in rows if r.to_state == "submitted"]
    req.submitted_at = submitted[-1] if submitted else None
    answers = {
        a.question_key: a
        for a in session.scalars(
            select(StakeholderAnswer).where(StakeholderAnswer.request_id == req.id)
        )
    }
    diag = session.scalar(select(Diagnosis).where(Diagnosis.request_id == req.id))
    for k, step in enumerate(spec.steps, start=1):
        # The moment a step ended: its last transition, or its slot when it moved nothing.
        ended = rows[marks[k] - 1].at if marks[k] > marks[k - 1] else times[k]
        if isinstance(step, Answer):
            for key in step.answers:
                if key in answers:
                    answers[key].answered_at = ended
        elif isinstance(step, Diagnose) and diag is not None:
            diag.updated_at = ended
            if step.conclude:
                diag.concluded_at = ended
    session.flush()
