"""Plans built from gaps (through the skill-source interface) and quiz results; steps marked by
whom their kind allows; completing a path awards its badge; managers see through the line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.models import Employee, User
from lodestar.domain.learning_paths import StepState, path_complete
from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied
from lodestar.services import badges, learning, quizzes

ISSUER = badges.Issuer.of(Settings(public_url="https://lodestar.example.com"))
SERVANT = {
    "new-project": ["ask-needs"], "missed-deadline": ["unblock"], "hard-call": ["cushion"],
    "praise": ["had-back"], "meeting": ["notes"], "change": ["shield"], "energy": ["helping"],
    "hire": ["attitude"],
}  # fmt: skip


class Gaps(learning.NoCatalogue):
    def gaps(self, session: Session, employee_id: int) -> list[learning.SkillGap]:
        return [learning.SkillGap("analytical-thinking", "Analytical Thinking", 3, 1, 2.5, "job")]


@pytest.fixture
def catalogue() -> Iterator[None]:
    learning.use_skill_source(Gaps())
    yield
    learning.use_skill_source(None)


def manager_of(db: Session, actor: Actor) -> Actor:
    user = db.get(User, actor.user_id)
    person = db.get(Employee, user.employee_id if user else None)
    assert person is not None and person.manager_id is not None
    row = User(email="line.boss@example.com", name="Line Boss", role="manager",
               password_hash="-", employee_id=person.manager_id)  # fmt: skip
    db.add(row)
    db.flush()
    return Actor(row.id, row.name, "manager")


def test_the_completion_rules() -> None:
    steps = [StepState(1, "module", True), StepState(2, "practice", True),
             StepState(3, "on_the_job", False)]  # fmt: skip
    assert not path_complete("all_required", None, steps, {1})
    assert path_complete("all_required", None, steps, {1, 2})
    assert not path_complete("min_steps", 3, steps, {1, 2})
    assert path_complete("min_steps", 3, steps, {1, 2, 3})


def test_a_plan_comes_from_the_gaps_first_then_the_quiz(
    db: Session, actors: dict[str, Actor], catalogue: None
) -> None:
    employee = actors["employee"]
    quizzes.take_quiz(db, employee, "leadership-style", SERVANT, iri_base="https://x.example")
    plan = learning.build_plan(db, employee)
    codes = [(e.path.code, e.reason) for e in plan.entries]
    assert codes[0] == ("analytical-thinking", "job")
    assert {c for c, r in codes if r == "quiz"} == {
        "resilience",
        "storytelling",
        "taking-ownership",
    }
    assert plan.can_edit
    assert learning.build_plan(db, employee).entries == plan.entries  # building again adds nothing


def test_finishing_the_required_steps_awards_the_paths_badge(
    db: Session, actors: dict[str, Actor]
) -> None:
    employee = actors["employee"]
    plan = learning.add_path(db, employee, "storytelling")
    module, practice, on_the_job = plan.entries[0].path.steps
    first = learning.complete_step(db, employee, ISSUER, module.id)
    assert not first.path_completed and first.badge_public_id is None
    with pytest.raises(PermissionDenied, match="confirmed by your manager"):
        learning.complete_step(db, employee, ISSUER, on_the_job.id)
    done = learning.complete_step(db, employee, ISSUER, practice.id)
    assert done.path_completed and done.badge_public_id
    held = badges.badges_of(db, employee)
    assert [b.name for b in held] == ["Storytelling"]
    assert badges.verify_badge(db, done.badge_public_id, ISSUER.base_url).verified
    manager = manager_of(db, employee)
    user = db.get(User, employee.user_id)
    assert user is not None and user.employee_id is not None
    learning.complete_step(db, manager, ISSUER, on_the_job.id, user.employee_id)
    seen = learning.plan_of(db, manager, user.employee_id)
    assert seen.entries[0].done_count == 3 and not seen.can_edit
    assert [b.name for b in badges.badges_of(db, manager, user.employee_id)] == ["Storytelling"]
    with pytest.raises(PermissionDenied, match="learner's to mark"):
        learning.complete_step(db, manager, ISSUER, module.id, user.employee_id)


def test_someone_outside_the_line_sees_no_plan(db: Session, actors: dict[str, Actor]) -> None:
    employee = actors["employee"]
    learning.add_path(db, employee, "resilience")
    user = db.get(User, employee.user_id)
    assert user is not None and user.employee_id is not None
    with pytest.raises(PermissionDenied, match="reporting line"):
        learning.plan_of(db, actors["executive"], user.employee_id)
    assert learning.plan_of(db, actors["ld"], user.employee_id).entries


def test_erasing_a_persons_facts_removes_their_quizzes_plan_and_badges(
    db: Session, actors: dict[str, Actor]
) -> None:
    from sqlalchemy import func, select

    from lodestar.db.models import BadgeAward, LearningPlanItem, QuizAttempt, StepCompletion
    from lodestar.services.privacy import erase_person

    employee = actors["employee"]
    quizzes.take_quiz(db, employee, "leadership-style", SERVANT, iri_base="https://x.example")
    plan = learning.add_path(db, employee, "resilience")
    for step in plan.entries[0].path.steps:
        learning.complete_step(db, employee, ISSUER, step.id)
    user = db.get(User, employee.user_id)
    assert user is not None and user.employee_id is not None
    person = db.get(Employee, user.employee_id)
    assert person is not None
    erase_person(db, actors["admin"], person.external_id, confirm=person.external_id,
                 delete_facts=True)  # fmt: skip
    for model in (QuizAttempt, StepCompletion, LearningPlanItem, BadgeAward):
        left = db.scalar(select(func.count()).select_from(model).where(
            model.employee_id == person.id))  # fmt: skip
        assert left == 0, model.__name__


class Levels(learning.NoCatalogue):
    def levels(self, session: Session, employee_id: int) -> dict[str, int]:
        return {"storytelling": 4, "resilience": 1}


def test_demonstrated_proficiency_awards_its_badge_once(
    db: Session, actors: dict[str, Actor]
) -> None:
    badges.define_proficiency_badge(
        db, code="storyteller-3", name="Storyteller", skill_code="storytelling", min_level=3,
        description="Tells a business story that moves people to act.",
    )  # fmt: skip
    badges.define_proficiency_badge(
        db, code="steady-3", name="Steady", skill_code="resilience", min_level=3,
        description="Keeps going under pressure.",
    )  # fmt: skip
    user = db.get(User, actors["employee"].user_id)
    assert user is not None and user.employee_id is not None
    assert badges.refresh_proficiency_badges(db, ISSUER, user.employee_id) == []
    learning.use_skill_source(Levels())
    try:
        awarded = badges.refresh_proficiency_badges(db, ISSUER, user.employee_id)
        again = badges.refresh_proficiency_badges(db, ISSUER, user.employee_id)
    finally:
        learning.use_skill_source(None)
    assert [a.id for a in awarded] == [a.id for a in again] and len(awarded) == 1
    assert [b.name for b in badges.badges_of(db, actors["employee"])] == ["Storyteller"]


def test_plans_read_gaps_and_levels_from_the_skills_catalogue(db, actors):  # type: ignore[no-untyped-def]
    """With no source set, plans and badges read the catalogue: a person's job profile and
    their latest, most trusted rating, the moment it is recorded."""
    from datetime import date

    from lodestar.db.models import Employee, JobSkill, Skill
    from lodestar.services.skills.learning_source import CatalogueSkillSource

    learning.use_skill_source(None)
    assert isinstance(learning.skill_source(), CatalogueSkillSource)
    user = db.get(User, actors["employee"].user_id)
    person = db.get(Employee, user.employee_id)
    assert person is not None and person.job_role_id is not None
    skill = Skill(code="test-analytical-thinking", name="Analytical Thinking (test)")
    db.add(skill)
    db.flush()
    db.add(JobSkill(job_role_id=person.job_role_id, skill_id=skill.id, target_level=4,
                    importance=5))  # fmt: skip
    db.flush()

    def ours(found: list[learning.SkillGap]) -> list[learning.SkillGap]:
        return [g for g in found if g.skill_code == "test-analytical-thinking"]

    gaps = ours(learning.skill_source().gaps(db, person.id))
    assert [(g.target_level, g.current_level) for g in gaps] == [(4, None)]
    from lodestar.services.skills.assessments import record_assessment

    record_assessment(db, actors["employee"], person.id, "test-analytical-thinking", 2, "self",
                      date.today())  # fmt: skip
    # A self-rating counts in the gap, but earns no badge until someone confirms it.
    assert "test-analytical-thinking" not in learning.skill_source().levels(db, person.id)
    after = ours(learning.skill_source().gaps(db, person.id))
    assert after[0].current_level == 2 and after[0].weighted_gap < gaps[0].weighted_gap
