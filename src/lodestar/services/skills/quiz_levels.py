"""Quiz assessments: a completed quiz attempt whose options scored catalogue skills records one
``quiz``-source assessment per skill it gave points to, dated the day of the attempt and tied to
it (``quiz_attempt_id``), kept in the history like every other assessment.

The level is ``domain.quizzes.quiz_level``: the share of the most points the quiz can give the
skill, on the levels up to the skill scale's *proficient* level. Skill codes the catalogue does
not hold are left out (the quiz may be written for another catalogue). How the levels count:

- in gaps and the forecast, through the trust order (``domain.skills.SOURCE_TRUST``): a quiz
  level is a person's current level when no manager has assessed that skill, and wins over a
  self-rating; counted at face value, not discounted;
- never toward a badge (``learning_source.CatalogueSkillSource.levels``): the answers are the
  person's own description of what they would do.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ProficiencyScaleRow, Skill, SkillAssessment
from lodestar.domain.quizzes import Quiz, QuizResult, most_skill_points, quiz_level
from lodestar.domain.roles import Actor
from lodestar.domain.skills import DEFAULT_SCALE
from lodestar.services.skills.assessments import AssessmentView, record_assessment


def quiz_skill_levels(session: Session, quiz: Quiz, result: QuizResult) -> dict[str, int]:
    """Catalogue skill code → the level the result's points stand for (skills with points)."""
    scored = {c: p for c, p in result.skill_totals.items() if p > 0}
    if not scored:
        return {}
    most = most_skill_points(quiz)
    rows = session.execute(
        select(Skill.code, ProficiencyScaleRow.proficient_level)
        .outerjoin(ProficiencyScaleRow, ProficiencyScaleRow.id == Skill.scale_id)
        .where(Skill.code.in_(list(scored)))
    ).all()
    out: dict[str, int] = {}
    for code, proficient in rows:
        level = quiz_level(
            scored[code], most.get(code, 0.0), int(proficient or DEFAULT_SCALE.proficient)
        )
        if level is not None:
            out[str(code)] = level
    return dict(sorted(out.items()))


def record_quiz_levels(
    session: Session,
    actor: Actor,
    employee_id: int,
    quiz: Quiz,
    result: QuizResult,
    attempt_id: int,
    on: date,
) -> list[AssessmentView]:
    """Record the attempt's quiz assessments (as the person who took it) and return them."""
    views = []
    for code, level in quiz_skill_levels(session, quiz, result).items():
        view = record_assessment(session, actor, employee_id, code, level, "quiz", on)
        row = session.get(SkillAssessment, view.id)
        assert row is not None
        row.quiz_attempt_id = attempt_id
        views.append(view)
    session.flush()
    return views
