"""Taking a quiz stores the attempt and its xAPI statement; importing is L&D's; the results are
seen by the taker and through the reporting line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, LearningStatement, QuizAttempt, User
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import quizzes

BASE = "https://lodestar.example.com"
SERVANT = {
    "new-project": ["ask-needs"], "missed-deadline": ["unblock"], "hard-call": ["cushion"],
    "praise": ["had-back"], "meeting": ["notes"], "change": ["shield"], "energy": ["helping"],
    "hire": ["attitude"],
}  # fmt: skip


def test_taking_the_quiz_stores_the_attempt_and_one_xapi_statement(
    db: Session, actors: dict[str, Actor]
) -> None:
    employee = actors["employee"]
    view = quizzes.take_quiz(db, employee, "leadership-style", SERVANT, iri_base=BASE)
    assert view.outcome.code == "servant"
    assert view.outcome.skills == ("resilience", "storytelling", "taking-ownership")
    assert view.shares["servant"] > 0.8
    stored = db.get(QuizAttempt, view.id)
    assert stored is not None and stored.outcome_code == "servant"
    user = db.get(User, employee.user_id)
    assert user is not None and stored.employee_id == user.employee_id
    statement = db.scalar(
        select(LearningStatement).where(LearningStatement.statement_id == view.statement_id)
    )
    assert statement is not None
    data = json.loads(statement.raw)
    assert data["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert data["object"]["id"] == f"{BASE}/quizzes/leadership-style"
    assert data["result"]["response"] == "servant"
    assert statement.employee_id == user.employee_id  # the writer matched the actor by e-mail


def test_the_attempt_is_the_takers_and_their_managers_not_a_strangers(
    db: Session, actors: dict[str, Actor]
) -> None:
    employee = actors["employee"]
    view = quizzes.take_quiz(db, employee, "leadership-style", SERVANT, iri_base=BASE)
    assert quizzes.get_attempt(db, employee, view.id).outcome.code == "servant"
    user = db.get(User, employee.user_id)
    assert user is not None and user.employee_id is not None
    person = db.get(Employee, user.employee_id)
    assert person is not None and person.manager_id is not None
    manager_user = User(email="line.manager@example.com", name="Line Manager", role="manager",
                        password_hash="-", employee_id=person.manager_id)  # fmt: skip
    db.add(manager_user)
    db.flush()
    manager = Actor(manager_user.id, manager_user.name, "manager")
    assert quizzes.get_attempt(db, manager, view.id).id == view.id
    with pytest.raises(PermissionDenied, match="reporting line"):
        quizzes.get_attempt(db, actors["manager"], view.id)


def test_only_ld_imports_and_a_bad_file_changes_nothing(
    db: Session, actors: dict[str, Actor]
) -> None:
    text = quizzes.export_quiz(db, actors["ld"], "leadership-style", "csv")
    renamed = text.replace("leadership-style", "leadership-style-copy", 1)
    with pytest.raises(PermissionDenied):
        quizzes.import_quiz(db, actors["employee"], renamed, "csv")
    summary = quizzes.import_quiz(db, actors["ld"], renamed, "csv")
    assert summary.code == "leadership-style-copy" and summary.questions == 8
    before = [q.code for q in quizzes.list_quizzes(db, actors["ld"])]
    with pytest.raises(InvalidInput, match="not valid JSON"):
        quizzes.import_quiz(db, actors["ld"], "{", "json")
    assert [q.code for q in quizzes.list_quizzes(db, actors["ld"])] == before
    again = quizzes.export_quiz(db, actors["ld"], "leadership-style-copy", "json")
    assert quizzes.parse_quiz(again, "json") == quizzes.parse_quiz(renamed, "csv")
