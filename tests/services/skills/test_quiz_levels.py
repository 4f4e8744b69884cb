"""A completed quiz attempt records quiz assessments for the catalogue skills its options
scored: the share of the most points the quiz can give a skill, on the levels up to the scale's
proficient one; kept as history, tied to the attempt, counted in gaps above a self-rating and
below a manager's assessment, never toward a badge."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, JobSkill, Skill, SkillAssessment, User
from lodestar.domain.roles import Actor
from lodestar.services import quizzes
from lodestar.services.skills.assessments import assessment_history, record_assessment
from lodestar.services.skills.learning_source import CatalogueSkillSource, current_levels

BASE = "https://lodestar.example.com"
# Storytelling: up to 3 points (2 + 1, single choice each); BW-DATA: up to 2 (multiple
# choice, both options); "not-a-skill" is no catalogue code and is left out.
QUIZ = {
    "code": "story-check", "title": "Story check", "description": "Two questions.",
    "tie_break": "listed_order",
    "outcomes": [{"code": "teller", "name": "Teller", "description": "Tells stories."},
                 {"code": "counter", "name": "Counter", "description": "Counts things."}],
    "questions": [
        {"code": "q1", "text": "Open with?", "kind": "single", "options": [
            {"code": "story", "text": "A story", "points": {"teller": 1},
             "skill_points": {"storytelling": 2}},
            {"code": "chart", "text": "A chart", "points": {"counter": 1},
             "skill_points": {"storytelling": 1, "not-a-skill": 4}}]},
        {"code": "q2", "text": "Which do you use?", "kind": "multiple", "options": [
            {"code": "anecdote", "text": "Anecdotes", "points": {"teller": 1},
             "skill_points": {"storytelling": 1}},
            {"code": "table", "text": "Tables", "points": {"counter": 1},
             "skill_points": {"BW-DATA": 1}},
            {"code": "sql", "text": "Queries", "points": {"counter": 1},
             "skill_points": {"BW-DATA": 1}}]},
    ],
}  # fmt: skip


def _me(db: Session, actor: Actor) -> Employee:
    user = db.get(User, actor.user_id)
    assert user is not None and user.employee_id is not None
    person = db.get(Employee, user.employee_id)
    assert person is not None
    return person


def _quiz_rows(db: Session, employee_id: int) -> list[tuple[str, float, int | None]]:
    return [
        (c, lvl, a)
        for c, lvl, a in db.execute(
            select(Skill.code, SkillAssessment.level, SkillAssessment.quiz_attempt_id)
            .join(Skill, Skill.id == SkillAssessment.skill_id)
            .where(SkillAssessment.employee_id == employee_id, SkillAssessment.source == "quiz")
            .order_by(SkillAssessment.id)
        )
    ]


def test_an_attempt_records_levels_from_its_points(db: Session, actors: dict[str, Actor]) -> None:
    quizzes.import_quiz(db, actors["ld"], json.dumps(QUIZ), "json")
    me = _me(db, actors["employee"])
    first = quizzes.take_quiz(db, actors["employee"], "story-check",
                              {"q1": ["chart"], "q2": ["table"]}, iri_base=BASE)  # fmt: skip
    # storytelling 1 of 3 → ceil(3 × 1/3) = 1; BW-DATA 1 of 2 → ceil(1.5) = 2
    assert _quiz_rows(db, me.id) == [("BW-DATA", 2.0, first.id), ("storytelling", 1.0, first.id)]
    second = quizzes.take_quiz(db, actors["employee"], "story-check",
                               {"q1": ["story"], "q2": ["anecdote", "table", "sql"]},
                               iri_base=BASE)  # fmt: skip
    # storytelling 3 of 3 and BW-DATA 2 of 2: the proficient level, 3; the first stays
    assert _quiz_rows(db, me.id)[2:] == [("BW-DATA", 3.0, second.id),
                                          ("storytelling", 3.0, second.id)]  # fmt: skip
    history = assessment_history(db, actors["employee"], me.id, "storytelling")
    assert [(h.source, h.level) for h in history if h.source == "quiz"] == [
        ("quiz", 3.0), ("quiz", 1.0)]  # fmt: skip


def test_quiz_levels_feed_gaps_but_earn_no_badge(db: Session, actors: dict[str, Actor]) -> None:
    quizzes.import_quiz(db, actors["ld"], json.dumps(QUIZ), "json")
    me = _me(db, actors["employee"])
    assert me.job_role_id is not None
    story = db.scalar(select(Skill.id).where(Skill.code == "storytelling"))
    db.add(JobSkill(job_role_id=me.job_role_id, skill_id=story, target_level=4, importance=3))
    record_assessment(db, actors["employee"], me.id, "storytelling", 5, "self", date(2025, 1, 2))
    db.flush()
    quizzes.take_quiz(db, actors["employee"], "story-check",
                      {"q1": ["chart"], "q2": ["table"]}, iri_base=BASE)  # fmt: skip
    levels = current_levels(db, me.id)
    assert levels["storytelling"] == 1.0  # the quiz's level wins over the self-rating
    manager_data = db.scalar(
        select(SkillAssessment.level)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .where(SkillAssessment.employee_id == me.id, SkillAssessment.source == "manager",
               Skill.code == "BW-DATA")
        .order_by(SkillAssessment.assessed_on.desc(), SkillAssessment.id.desc())
    )  # fmt: skip
    assert manager_data is not None and levels["BW-DATA"] == manager_data  # a manager's wins
    source = CatalogueSkillSource()
    gap = next(g for g in source.gaps(db, me.id) if g.skill_code == "storytelling")
    assert (gap.current_level, gap.target_level) == (1, 4)
    assert "storytelling" not in source.levels(db, me.id)  # no badge from a quiz level
