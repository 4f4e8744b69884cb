"""Tier 1 from xAPI: what the statements about a program's activities say, beside the
enrolment imports. A program names its activity IRIs (``ProgramActivity``); every statement
whose object is one of them counts, voided statements never.

Per person (actor): launched (verbs launched, initialized or attempted), completed (verb
completed, or ``result.completion`` true), passed (verb passed, or ``result.success`` true),
and the mean scaled score of those scored. With fewer people than the minimum group size,
who did what is hidden (the counts of people and statements stay)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import LearningStatement, ProgramActivity
from lodestar.services.privacy.groups import GroupRule

ADL = "http://adlnet.gov/expapi/verbs/"
LAUNCHED = (f"{ADL}launched", f"{ADL}initialized", f"{ADL}attempted")
COMPLETED = f"{ADL}completed"
PASSED = f"{ADL}passed"

# What the statement figures are read from (a part of the operational tier's tables).
STATEMENT_TABLES = ("learning_statements", "program_activities")


@dataclass(frozen=True)
class StatementActivity:
    """What a program's xAPI statements say; the per-person figures are None when hidden."""

    activities: int  # IRIs the program names
    statements: int
    people: int
    launched: int | None
    completed: int | None
    passed: int | None
    scored: int | None
    mean_score: float | None  # mean of each person's best scaled score
    hidden_note: str = ""


def program_activity_iris(session: Session, program_id: int) -> list[str]:
    return list(
        session.scalars(
            select(ProgramActivity.iri)
            .where(ProgramActivity.program_id == program_id)
            .order_by(ProgramActivity.id)
        )
    )


def statement_activity(
    session: Session, program_id: int, rule: GroupRule
) -> StatementActivity | None:
    """The program's statement figures, or None when it names no activity IRI."""
    iris = program_activity_iris(session, program_id)
    if not iris:
        return None
    s = LearningStatement
    about = s.object_id.in_([i[:500] for i in iris]) & (s.object_type == "Activity")
    flag = func.max
    per_person = (
        select(
            s.actor_key,
            func.count().label("n"),
            flag(case((s.verb_id.in_(LAUNCHED), 1), else_=0)).label("launched"),
            flag(case(((s.verb_id == COMPLETED) | s.completion.is_(True), 1), else_=0)).label(
                "completed"
            ),
            flag(case(((s.verb_id == PASSED) | s.success.is_(True), 1), else_=0)).label("passed"),
            func.max(s.score_scaled).label("best"),
        )
        .where(about, s.voided.is_(False))
        .group_by(s.actor_key)
        .subquery()
    )
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(per_person.c.n), 0),
            func.coalesce(func.sum(per_person.c.launched), 0),
            func.coalesce(func.sum(per_person.c.completed), 0),
            func.coalesce(func.sum(per_person.c.passed), 0),
            func.count(per_person.c.best),
            func.avg(per_person.c.best),
        )
    ).one()
    people, statements, launched, completed, passed, scored, mean = row
    hide = rule.hides(int(people))
    few_scores = rule.hides(int(scored))
    notes = []
    if hide and people:
        notes.append(rule.note("Who launched, completed and passed", int(people)))
    elif few_scores and scored:
        notes.append(rule.note("The mean score", int(scored)))
    return StatementActivity(
        activities=len(iris),
        statements=int(statements),
        people=int(people),
        launched=None if hide else int(launched),
        completed=None if hide else int(completed),
        passed=None if hide else int(passed),
        scored=None if hide else int(scored),
        mean_score=float(mean) if mean is not None and not (hide or few_scores) else None,
        hidden_note=" ".join(notes),
    )
