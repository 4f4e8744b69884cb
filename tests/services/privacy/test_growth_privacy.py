"""A person's skills, quiz attempts, learning plan and badges in their data export, and erasure
that treats them consistently: pseudonymisation keeps them under the internal number but
withdraws the badges (their credentials name a hash of the email); with the facts deleted,
none of them is left."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.services.learning.test_badges import BASE, issuer

from lodestar.db.models import (
    BadgeAward,
    Employee,
    LearningPlanItem,
    PlannedMove,
    QuizAttempt,
    SkillAssessment,
    StepCompletion,
    User,
)
from lodestar.domain.roles import Actor
from lodestar.services import badges, learning, quizzes
from lodestar.services.privacy.erasure import erase_person
from lodestar.services.privacy.export import person_export
from lodestar.services.skills.moves import add_move


def _growth(db: Session, actors: dict[str, Actor]) -> tuple[int, str, str]:
    """The employee persona takes the quiz, builds a plan, finishes a path (a badge) and is
    planned to move; returns their employee id, HR number and the badge's public id."""
    me = actors["employee"]
    user = db.get(User, me.user_id)
    assert user is not None and user.employee_id is not None
    quiz = quizzes.built_in_quiz("leadership-style")
    answers = {q.code: [q.options[0].code] for q in quiz.questions}
    quizzes.take_quiz(db, me, "leadership-style", answers, iri_base=BASE)
    plan = learning.build_plan(db, me)
    entry = plan.entries[0]
    public_id = ""
    for step in entry.path.steps:
        if step.kind in ("module", "practice"):
            done = learning.complete_step(db, me, issuer(), step.id)
            public_id = done.badge_public_id or public_id
    assert public_id, "finishing the path's learner steps awards its badge"
    person = db.get(Employee, user.employee_id)
    assert person is not None
    external = person.external_id
    add_move(db, actors["ld"], external, "Recruiter", date.today() + timedelta(days=60))
    db.flush()
    return user.employee_id, external, public_id


def _count(db: Session, model: type, pid: int) -> int:
    return int(db.scalar(select(func.count()).where(model.employee_id == pid)) or 0)  # type: ignore[attr-defined]


def test_the_export_holds_quizzes_plans_badges_and_assessments(db, actors) -> None:  # type: ignore[no-untyped-def]
    pid, external, public_id = _growth(db, actors)
    export = person_export(db, actors["admin"], external)
    counts = export.counts()
    assert counts["quiz_attempts"] == 1 and counts["badges"] == 1
    assert counts["learning_plan"] == _count(db, LearningPlanItem, pid) >= 1
    assert counts["learning_steps_done"] == _count(db, StepCompletion, pid) >= 2
    assert counts["skill_assessments"] == _count(db, SkillAssessment, pid)
    assert counts["planned_moves"] == 1
    attempt = export.sections["quiz_attempts"][0]
    assert attempt["quiz_code"] == "leadership-style" and isinstance(attempt["answers"], dict)
    badge = export.sections["badges"][0]
    assert badge["public_id"] == public_id and badge["credential"].count(".") == 2
    # Each row names what it refers to, in a last column beside the id.
    for section, name in (("skill_assessments", "skill_code"), ("quiz_attempts", "quiz_code"),
                          ("learning_plan", "path_code"), ("badges", "badge_name")):  # fmt: skip
        assert all(list(row)[-1] == name and row[name] for row in export.sections[section])
    quiz_levels = [a for a in export.sections["skill_assessments"] if a["source"] == "quiz"]
    assert all(a["quiz_attempt_id"] == attempt["id"] and a["skill_code"] for a in quiz_levels)
    with zipfile.ZipFile(io.BytesIO(export.as_zip())) as zf:
        assert {"quiz_attempts.csv", "badges.csv", "learning_plan.csv"} <= set(zf.namelist())


def test_pseudonymising_withdraws_badges_and_keeps_the_rest(db, actors) -> None:  # type: ignore[no-untyped-def]
    pid, external, public_id = _growth(db, actors)
    kept = {m: _count(db, m, pid) for m in (QuizAttempt, LearningPlanItem, SkillAssessment)}
    outcome = erase_person(db, actors["admin"], external, confirm=external)
    db.flush()
    assert outcome.changed["badges withdrawn"] == 1
    award = db.scalar(select(BadgeAward).where(BadgeAward.employee_id == pid))
    assert award is not None and award.credential == "" and award.revoked_reason == "withdrawn"
    page = badges.verify_badge(db, public_id, BASE)
    assert not page.verified and page.recipient_name.startswith("Erased person")
    assert page.revoked_sentence == "The issuer withdrew it."
    assert {m: _count(db, m, pid) for m in kept} == kept


def test_erasure_with_facts_deleted_leaves_none_of_them(db, actors) -> None:  # type: ignore[no-untyped-def]
    pid, external, _ = _growth(db, actors)
    erase_person(db, actors["admin"], external, confirm=external, delete_facts=True)
    db.flush()
    for model in (QuizAttempt, LearningPlanItem, StepCompletion, BadgeAward, SkillAssessment,
                  PlannedMove):  # fmt: skip
        assert _count(db, model, pid) == 0, model.__name__
