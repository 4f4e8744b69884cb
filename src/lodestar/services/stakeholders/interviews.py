"""The interview log: the same standard questions as intake
(``domain.intake.STAKEHOLDER_QUESTIONS``), answers kept and searchable, each interview linked
to the requests it led to. L&D only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import annotated_types as at
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    InterviewAnswer,
    InterviewRequest,
    Stakeholder,
    StakeholderInterview,
    TrainingRequest,
    User,
)
from lodestar.domain.intake import STAKEHOLDER_KEYS, STAKEHOLDER_QUESTIONS
from lodestar.domain.roles import Actor
from lodestar.domain.stakeholders import check_text
from lodestar.errors import InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.services.stakeholders.access import require_ld

QUESTION_TEXT = {q.key: q.question for q in STAKEHOLDER_QUESTIONS}


class InterviewInput(TypedInput):
    stakeholder_id: RecordId
    held_on: date
    summary: Annotated[str, at.MaxLen(4000)] = ""
    answers: dict[str, Annotated[str, at.MaxLen(4000)]] = {}
    request_ids: Annotated[list[RecordId], at.MaxLen(50)] = []


@dataclass(frozen=True)
class InterviewView:
    id: int
    stakeholder_id: int
    stakeholder_name: str
    held_on: date
    interviewer: str | None
    summary: str
    answers: tuple[tuple[str, str, str], ...]  # (key, question, answer) in the intake order
    requests: tuple[tuple[int, str], ...]  # (id, title)


def log_interview(session: Session, actor: Actor, data: InterviewInput) -> StakeholderInterview:
    require_ld(actor, "The interview log")
    if session.get(Stakeholder, data.stakeholder_id) is None:
        raise InvalidInput(
            f"There is no stakeholder #{data.stakeholder_id}. Add them to the stakeholder map "
            "first, then log the interview.",
            details={"field": "stakeholder_id"},
        )
    unknown = sorted(set(data.answers) - set(STAKEHOLDER_KEYS))
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)} is not one of the standard questions. Use: "
            f"{', '.join(STAKEHOLDER_KEYS)}.",
            details={"field": "answers"},
        )
    answers = {k: check_text(v, "answer") for k, v in data.answers.items() if v.strip()}
    summary = check_text(data.summary, "summary")
    if not answers and not summary:
        raise InvalidInput(
            "The interview has no answers and no summary. Note at least what was said about "
            "one of the questions.",
            details={"field": "summary"},
        )
    request_ids = sorted(set(data.request_ids))
    found = set(
        session.scalars(select(TrainingRequest.id).where(TrainingRequest.id.in_(request_ids)))
    )
    if missing := [r for r in request_ids if r not in found]:
        raise InvalidInput(
            f"There is no request #{missing[0]}. Link only requests that exist.",
            details={"field": "request_ids"},
        )
    row = StakeholderInterview(
        stakeholder_id=data.stakeholder_id,
        held_on=data.held_on,
        interviewer_id=actor.user_id,
        summary=summary,
    )
    session.add(row)
    session.flush()
    session.add_all(
        InterviewAnswer(interview_id=row.id, question_key=k, answer=v) for k, v in answers.items()
    )
    session.add_all(InterviewRequest(interview_id=row.id, request_id=r) for r in request_ids)
    session.flush()
    audit.record(session, actor, "interview.create", "stakeholder_interview", row.id)
    return row


def interview_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StakeholderInterview)) or 0)


def list_interviews(
    session: Session, actor: Actor, *, q: str = "", stakeholder_id: int | None = None
) -> list[InterviewView]:
    """Interviews, newest first; ``q`` finds words in answers, summaries and names."""
    require_ld(actor, "The interview log")
    stmt = select(StakeholderInterview).join(
        Stakeholder, Stakeholder.id == StakeholderInterview.stakeholder_id
    )
    if stakeholder_id is not None:
        stmt = stmt.where(StakeholderInterview.stakeholder_id == stakeholder_id)
    text = q.strip().lower()
    if text:
        in_answers = select(InterviewAnswer.interview_id).where(
            func.lower(InterviewAnswer.answer).contains(text, autoescape=True)
        )
        stmt = stmt.where(
            or_(
                func.lower(StakeholderInterview.summary).contains(text, autoescape=True),
                func.lower(Stakeholder.name).contains(text, autoescape=True),
                StakeholderInterview.id.in_(in_answers),
            )
        )
    rows = session.scalars(
        stmt.order_by(StakeholderInterview.held_on.desc(), StakeholderInterview.id.desc())
    ).all()
    return _views(session, list(rows))


def get_interview(session: Session, actor: Actor, interview_id: int) -> InterviewView:
    require_ld(actor, "The interview log")
    row = session.get(StakeholderInterview, interview_id)
    if row is None:
        raise NotFound(f"There is no interview #{interview_id}. Open the interview log to find it.")
    return _views(session, [row])[0]


def _views(session: Session, rows: list[StakeholderInterview]) -> list[InterviewView]:
    ids = [r.id for r in rows]
    answers: dict[int, dict[str, str]] = {}
    for iid, key, text in session.execute(
        select(
            InterviewAnswer.interview_id, InterviewAnswer.question_key, InterviewAnswer.answer
        ).where(InterviewAnswer.interview_id.in_(ids))
    ):
        answers.setdefault(iid, {})[key] = text
    links: dict[int, list[tuple[int, str]]] = {}
    for iid, rid, title in session.execute(
        select(InterviewRequest.interview_id, TrainingRequest.id, TrainingRequest.title)
        .join(TrainingRequest, TrainingRequest.id == InterviewRequest.request_id)
        .where(InterviewRequest.interview_id.in_(ids))
        .order_by(TrainingRequest.id)
    ):
        links.setdefault(iid, []).append((rid, title))
    names = {
        i: n
        for i, n in session.execute(
            select(Stakeholder.id, Stakeholder.name).where(
                Stakeholder.id.in_({r.stakeholder_id for r in rows})
            )
        )
    }
    people = {
        i: n
        for i, n in session.execute(
            select(User.id, User.name).where(User.id.in_({r.interviewer_id for r in rows}))
        )
    }
    return [
        InterviewView(
            id=r.id, stakeholder_id=r.stakeholder_id,
            stakeholder_name=names.get(r.stakeholder_id, ""),
            held_on=r.held_on, interviewer=people.get(r.interviewer_id or 0), summary=r.summary,
            answers=tuple(
                (k, QUESTION_TEXT[k], answers[r.id][k])
                for k in STAKEHOLDER_KEYS
                if k in answers.get(r.id, {})
            ),
            requests=tuple(links.get(r.id, ())),
        )
        for r in rows
    ]  # fmt: skip
