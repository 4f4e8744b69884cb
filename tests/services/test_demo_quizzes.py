"""The demo's managers took the leadership-style quiz with a known spread of styles: the
attempts, their xAPI statements and the L&D count all say the same."""

from __future__ import annotations

from sqlalchemy import func, select

from lodestar.db.models import (
    LearningStatement,
    QuizAttempt,
    Skill,
    SkillAssessment,
    WorkspaceMeta,
)
from lodestar.services import quizzes
from lodestar.services.demo.story_quizzes import STYLE_CYCLE, expected_styles


def test_the_demo_quiz_attempts_have_the_planted_style_spread(db, actors):  # type: ignore[no-untyped-def]
    truth = db.get(WorkspaceMeta, "demo_quiz_truth").value
    assert truth["takers"] >= 10
    assert truth["styles"] == expected_styles(truth["takers"])
    stored = dict(
        db.execute(
            select(QuizAttempt.outcome_code, func.count()).group_by(QuizAttempt.outcome_code)
        ).all()
    )
    assert stored == {k: v for k, v in truth["styles"].items() if v}
    counted = {
        c.code: c.people for c in quizzes.outcome_distribution(db, actors["ld"], "leadership-style")
    }
    shown = {k: v for k, v in counted.items() if v is not None}
    assert all(truth["styles"][k] == v for k, v in shown.items())
    if truth["takers"] >= 20:
        assert shown["coaching"] == max(truth["styles"].values())  # 6 in 20: the most common
    ids = db.scalars(select(QuizAttempt.statement_id).where(QuizAttempt.statement_id.is_not(None)))
    ids = list(ids)
    statements = db.scalar(
        select(func.count())
        .select_from(LearningStatement)
        .where(LearningStatement.statement_id.in_(ids), LearningStatement.employee_id.is_not(None))
    )
    with_statement = len(ids)
    assert statements == with_statement and with_statement > 0


def test_the_style_cycle_is_six_five_four_three_two_in_twenty() -> None:
    assert expected_styles(20) == {"coaching": 6, "democratic": 5, "servant": 4,
                                   "transformational": 3, "affiliative": 2}  # fmt: skip
    assert len(STYLE_CYCLE) == 20


def test_each_demo_attempt_recorded_the_quiz_levels_of_its_style(db) -> None:  # type: ignore[no-untyped-def]
    # The leadership quiz gives collaboration one point at most, storytelling two, analytical
    # thinking one and resilience one; a style's answers reach each's maximum or nothing, so each
    # style's skills sit at the scale's proficient level (3): democratic → collaboration,
    # coaching → analytical thinking, transformational → storytelling, affiliative → resilience,
    # servant → none.
    by_style = {"democratic": "collaboration-influence", "coaching": "analytical-thinking",
                "transformational": "storytelling", "affiliative": "resilience"}  # fmt: skip
    rows = db.execute(
        select(QuizAttempt.outcome_code, Skill.code, SkillAssessment.level)
        .join(SkillAssessment, SkillAssessment.quiz_attempt_id == QuizAttempt.id)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .where(SkillAssessment.source == "quiz")
    ).all()
    attempts = dict(
        db.execute(
            select(QuizAttempt.outcome_code, func.count()).group_by(QuizAttempt.outcome_code)
        ).all()
    )
    assert len(rows) == sum(n for style, n in attempts.items() if style in by_style)
    assert all(by_style[style] == code and level == 3.0 for style, code, level in rows)
