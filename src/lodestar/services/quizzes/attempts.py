"""Taking a quiz: score the answers, keep the attempt, record it as an xAPI statement; and
reading attempts back (your own; your reports' through the reporting line; counts for L&D)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import QuizAttempt, QuizDefinition, User
from lodestar.domain.quiz_format import quiz_from_data
from lodestar.domain.quizzes import Outcome, Quiz, QuizResult, score, share_of_points
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services.privacy.groups import group_rule
from lodestar.services.quizzes.catalogue import stored_quiz
from lodestar.services.quizzes.statements import attempt_statement, record_attempt_statement
from lodestar.services.reporting_line import person_for
from lodestar.services.skills.quiz_levels import record_quiz_levels


@dataclass(frozen=True)
class AttemptView:
    """An attempt with what it means: the outcome (description, strengths, things to watch,
    recommended skills and paths), each outcome's points and share, and whether a tie was
    broken (by which rule)."""

    id: int
    quiz_code: str
    quiz_title: str
    outcome: Outcome
    totals: dict[str, float]
    shares: dict[str, float]
    outcome_names: dict[str, str]
    skill_totals: dict[str, float]
    tied: tuple[str, ...]
    tie_break_sentence: str
    taken_at: datetime
    employee_id: int | None
    statement_id: str | None


def take_quiz(
    session: Session,
    actor: Actor,
    code: str,
    answers: Mapping[str, Sequence[str]],
    *,
    iri_base: str,
    now: datetime | None = None,
) -> AttemptView:
    """Score ``answers`` (question code → chosen option codes), store the attempt, its xAPI
    statement and the quiz assessments of the catalogue skills its points scored
    (``services.skills.quiz_levels``) in the caller's transaction, and return what it means."""
    row, quiz = stored_quiz(session, code)
    result = score(quiz, answers)
    user = session.get(User, actor.user_id)
    at = now or utcnow()
    attempt = QuizAttempt(
        quiz_id=row.id,
        employee_id=user.employee_id if user else None,
        user_id=actor.user_id,
        outcome_code=result.outcome.code,
        tie_broken=result.tie_broken,
        answers=json.dumps({k: list(v) for k, v in answers.items()}),
        totals=json.dumps(result.totals),
        skill_totals=json.dumps(result.skill_totals),
        taken_at=at,
    )
    session.add(attempt)
    session.flush()
    if user is not None:
        statement = attempt_statement(
            attempt_id=attempt.id, quiz=quiz, result=result, name=user.name, email=user.email,
            at=at, iri_base=iri_base,
        )  # fmt: skip
        attempt.statement_id = record_attempt_statement(session, statement)
    if attempt.employee_id is not None:
        record_quiz_levels(session, actor, attempt.employee_id, quiz, result, attempt.id, at.date())
    return _view(attempt, quiz, result)


def _view(attempt: QuizAttempt, quiz: Quiz, result: QuizResult) -> AttemptView:
    return AttemptView(
        id=attempt.id,
        quiz_code=quiz.code,
        quiz_title=quiz.title,
        outcome=result.outcome,
        totals=result.totals,
        shares=share_of_points(result),
        outcome_names={o.code: o.name for o in quiz.outcomes},
        skill_totals=result.skill_totals,
        tied=result.tied,
        tie_break_sentence=quiz.tie_break_sentence,
        taken_at=attempt.taken_at,
        employee_id=attempt.employee_id,
        statement_id=attempt.statement_id,
    )


def _stored_view(attempt: QuizAttempt, definition: QuizDefinition) -> AttemptView:
    quiz = quiz_from_data(json.loads(definition.definition))
    totals = {k: float(v) for k, v in json.loads(attempt.totals).items()}
    try:
        outcome = quiz.outcome(attempt.outcome_code)
    except KeyError:  # the quiz was replaced without this outcome: keep what was scored
        outcome = Outcome(attempt.outcome_code, attempt.outcome_code, "")
    best = max(totals.values()) if totals else 0.0
    tied = tuple(k for k, v in totals.items() if v == best) if attempt.tie_broken else ()
    result = QuizResult(outcome, totals, json.loads(attempt.skill_totals), tied)
    return _view(attempt, quiz, result)


def get_attempt(session: Session, actor: Actor, attempt_id: int) -> AttemptView:
    """One attempt: the taker's own, or one of their reports' (or any, for L&D)."""
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound(f"There is no quiz attempt {attempt_id}; open it from your quizzes.")
    if attempt.user_id != actor.user_id:
        if attempt.employee_id is None:
            raise PermissionDenied("This quiz attempt is someone else's.")
        person_for(session, actor, attempt.employee_id)
    definition = session.get(QuizDefinition, attempt.quiz_id)
    assert definition is not None
    return _stored_view(attempt, definition)


def attempts_of(
    session: Session, actor: Actor, employee_id: int | None = None
) -> list[AttemptView]:
    """Attempts newest first: the actor's own (``employee_id`` None), or an employee's the
    actor may see."""
    q = select(QuizAttempt, QuizDefinition).join(
        QuizDefinition, QuizDefinition.id == QuizAttempt.quiz_id
    )
    if employee_id is None:
        q = q.where(QuizAttempt.user_id == actor.user_id)
    else:
        person_for(session, actor, employee_id)
        q = q.where(QuizAttempt.employee_id == employee_id)
    rows = session.execute(q.order_by(QuizAttempt.taken_at.desc(), QuizAttempt.id.desc()))
    return [_stored_view(a, d) for a, d in rows]


def latest_attempt(session: Session, actor: Actor, employee_id: int) -> AttemptView | None:
    """The newest attempt of an employee at any quiz (None: none taken)."""
    rows = attempts_of(session, actor, employee_id)
    return rows[0] if rows else None


@dataclass(frozen=True)
class OutcomeCount:
    code: str
    name: str
    people: int | None  # None: fewer than the minimum group size, suppressed


def outcome_distribution(session: Session, actor: Actor, code: str) -> list[OutcomeCount]:
    """How many people's latest attempt at the quiz ended in each outcome (L&D and admins);
    counts below the minimum group size are suppressed."""
    if not actor.is_ld:
        raise PermissionDenied("Only L&D and administrators see how a quiz's results spread.")
    row, quiz = stored_quiz(session, code)
    latest = (
        select(QuizAttempt.employee_id, func.max(QuizAttempt.id).label("last"))
        .where(QuizAttempt.quiz_id == row.id, QuizAttempt.employee_id.is_not(None))
        .group_by(QuizAttempt.employee_id)
        .subquery()
    )
    counts = dict(
        session.execute(
            select(QuizAttempt.outcome_code, func.count())
            .join(latest, latest.c.last == QuizAttempt.id)
            .group_by(QuizAttempt.outcome_code)
        ).all()
    )
    sizes = {o.code: int(counts.get(o.code, 0)) for o in quiz.outcomes}
    hidden = group_rule(session).hidden_groups({k: n for k, n in sizes.items() if n})
    return [
        OutcomeCount(o.code, o.name, None if o.code in hidden else sizes[o.code])
        for o in quiz.outcomes
    ]
