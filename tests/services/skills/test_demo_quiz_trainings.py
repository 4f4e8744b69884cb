"""The demo catalogue holds every training the built-in leadership-style quiz recommends, each
with a category and a proficiency scale, and a learning path builds each of them; so every
style's recommendations resolve to catalogue skills and paths."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.demo.story_quizzes import answers_for
from lodestar.services.demo.story_skills import CATALOGUE, QUIZ_TRAININGS
from lodestar.services.learning.paths import paths_by_code
from lodestar.services.quizzes import built_in_quiz, recommended_learning, take_quiz
from lodestar.services.skills.catalogue import get_skill


def test_every_quiz_training_is_a_demo_skill_with_a_scale_and_a_path(
    db: Session, actors: dict[str, Actor]
) -> None:
    quiz = built_in_quiz("leadership-style")
    wanted = {c for o in quiz.outcomes for c in (*o.skills, *o.paths)}
    assert wanted == set(QUIZ_TRAININGS) and wanted <= set(CATALOGUE)
    for code in wanted:
        skill = get_skill(db, actors["employee"], code)
        assert skill.category == CATALOGUE[code][1] and len(skill.scale.levels) == 5
    paths = paths_by_code(db, sorted(wanted))
    assert all(code in paths[code].skill_codes for code in wanted)


def test_each_styles_recommendations_resolve_in_the_demo(
    db: Session, actors: dict[str, Actor]
) -> None:
    quiz = built_in_quiz("leadership-style")
    for outcome in quiz.outcomes:
        view = take_quiz(db, actors["employee"], quiz.code, answers_for(quiz, outcome.code),
                         iri_base="http://localhost:8000")  # fmt: skip
        assert view.outcome.code == outcome.code
        got = recommended_learning(db, view)
        assert [r.path_code for r in got] == list(outcome.paths)
        assert all(r.skill_name and r.path_name and r.path_steps >= 2 for r in got)
