"""The leadership-style quiz as the demo company's managers took it, with a known spread.

Every active employee who has someone reporting to them took the quiz once, on 1 September of
the demo's last year, in order of employee id; the n-th of them (from 0) answered every question
the way of the style in slot ``n % 20`` of ``STYLE_CYCLE``: six in twenty coaching, five
democratic, four servant, three transformational and two affiliative. So the spread is known
(``workspace_meta['demo_quiz_truth']``, :func:`expected_styles`), and each attempt is also an
xAPI statement, written through the one statement writer. Like any completed attempt, each
records the quiz assessments its skill points stand for (``services.skills.quiz_levels``),
dated the day of the quiz; it runs after the skills story, which writes the catalogue.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lodestar.db.models import Employee, QuizAttempt, SkillAssessment, WorkspaceMeta
from lodestar.domain.quizzes import Quiz, score
from lodestar.services.quizzes.catalogue import install_built_in, stored_quiz
from lodestar.services.quizzes.statements import attempt_statement
from lodestar.services.skills.catalogue import skill_ids
from lodestar.services.skills.quiz_levels import quiz_skill_levels
from lodestar.services.xapi.writer import checked_statement, write_statements

IRI_BASE = "http://localhost:8000"
STYLE_CYCLE: tuple[str, ...] = (
    ("coaching",) * 6 + ("democratic",) * 5 + ("servant",) * 4
    + ("transformational",) * 3 + ("affiliative",) * 2
)  # fmt: skip


def expected_styles(takers: int) -> dict[str, int]:
    """How many of ``takers`` managers end in each style."""
    out = {style: 0 for style in dict.fromkeys(STYLE_CYCLE)}
    for n in range(takers):
        out[STYLE_CYCLE[n % len(STYLE_CYCLE)]] += 1
    return out


def answers_for(quiz: Quiz, style: str) -> dict[str, list[str]]:
    """The answers of someone who leans on ``style`` throughout."""
    return {
        q.code: [max(q.options, key=lambda o: o.points.get(style, 0.0)).code]
        for q in quiz.questions
    }


def write_quiz_story(session: Session, today: date) -> dict[str, int]:
    install_built_in(session)
    row, quiz = stored_quiz(session, "leadership-style")
    report = aliased(Employee)
    # IN over the set of managers' ids, not a correlated EXISTS per person: at 128,000 people the
    # latter scanned the table once per row (over 20 minutes of the 100,000-employee seed).
    managers = list(
        session.execute(
            select(Employee.id, Employee.name, Employee.email)
            .where(
                Employee.exit_date.is_(None),
                Employee.id.in_(select(report.manager_id).where(report.manager_id.is_not(None))),
            )
            .order_by(Employee.id)
        )
    )
    taken_at = datetime(today.year - 1, 9, 1, 9, 0, tzinfo=UTC)
    statements = []
    levels: dict[str, dict[str, int]] = {}
    skill_id = skill_ids(session)
    assessments: list[SkillAssessment] = []
    for n, (employee_id, name, email) in enumerate(managers):
        style = STYLE_CYCLE[n % len(STYLE_CYCLE)]
        answers = answers_for(quiz, style)
        result = score(quiz, answers)
        if style not in levels:
            levels[style] = quiz_skill_levels(session, quiz, result)
        attempt = QuizAttempt(
            quiz_id=row.id, employee_id=employee_id, outcome_code=result.outcome.code,
            tie_broken=result.tie_broken, answers=json.dumps(answers),
            totals=json.dumps(result.totals), skill_totals=json.dumps(result.skill_totals),
            taken_at=taken_at,
        )  # fmt: skip
        session.add(attempt)
        session.flush()
        assessments += [
            SkillAssessment(employee_id=employee_id, skill_id=skill_id[code], level=float(level),
                            source="quiz", assessed_on=taken_at.date(), quiz_attempt_id=attempt.id)
            for code, level in levels[style].items()
        ]  # fmt: skip
        if email:
            s = attempt_statement(attempt_id=attempt.id, quiz=quiz, result=result, name=name,
                                  email=email, at=taken_at, iri_base=IRI_BASE)  # fmt: skip
            attempt.statement_id = s["id"]
            statements.append(checked_statement(s))
    write_statements(session, statements)
    session.add_all(assessments)
    session.flush()
    styles = expected_styles(len(managers))
    truth = {"takers": len(managers), "styles": styles}
    session.merge(WorkspaceMeta(key="demo_quiz_truth", value=truth))
    return styles
