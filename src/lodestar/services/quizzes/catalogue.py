"""The quizzes on offer: the built-in ones (JSON files beside this module) and those L&D
imports as JSON or CSV; each is stored in its JSON form and exported in either form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import QuizDefinition
from lodestar.domain.quiz_csv import quiz_from_csv, quiz_to_csv
from lodestar.domain.quiz_format import CODE, quiz_from_data, quiz_to_data
from lodestar.domain.quizzes import Quiz
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound, PermissionDenied

QuizFormat = Literal["json", "csv"]
BUILT_IN = ("leadership-style",)


@dataclass(frozen=True)
class QuizSummary:
    code: str
    title: str
    description: str
    questions: int
    built_in: bool


def built_in_quiz(code: str) -> Quiz:
    """A quiz shipped with Lodestar, read from its JSON file."""
    text = resources.files("lodestar.services.quizzes").joinpath(f"builtin/{code}.json")
    return quiz_from_data(json.loads(text.read_text(encoding="utf-8")))


def install_built_in(session: Session) -> None:
    """Store the built-in quizzes that are not stored yet (a replaced one is left as it is).
    Two first requests at once: the one whose insert loses finds them stored and goes on."""
    have = set(
        session.scalars(select(QuizDefinition.code).where(QuizDefinition.code.in_(BUILT_IN)))
    )
    missing = [code for code in BUILT_IN if code not in have]
    if not missing:
        return
    try:
        with session.begin_nested():
            for code in missing:
                _store(session, built_in_quiz(code), built_in=True)
    except IntegrityError:
        pass  # stored meanwhile by another request


def parse_quiz(text: str, fmt: QuizFormat) -> Quiz:
    """The quiz in ``text`` (JSON or CSV), checked as a whole."""
    if fmt == "csv":
        return quiz_from_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "correct it, or export a quiz to see the expected shape."
        ) from exc
    return quiz_from_data(data)


def import_quiz(session: Session, actor: Actor, text: str, fmt: QuizFormat) -> QuizSummary:
    """Add a quiz, or replace the one with the same code. L&D and admins only."""
    if not actor.is_ld:
        raise PermissionDenied("Only L&D and administrators can add or change quizzes.")
    if not text.strip():
        raise InvalidInput("The quiz file is empty; choose a quiz file (.json or .csv).")
    quiz = parse_quiz(text, fmt)
    row = session.scalar(select(QuizDefinition).where(QuizDefinition.code == quiz.code))
    if row is None:
        row = _store(session, quiz, built_in=False)
    else:
        row.title = quiz.title
        row.definition = json.dumps(quiz_to_data(quiz), ensure_ascii=False)
        row.updated_at = utcnow()
    session.flush()
    return _summary(row, quiz)


def _store(session: Session, quiz: Quiz, *, built_in: bool) -> QuizDefinition:
    row = QuizDefinition(
        code=quiz.code,
        title=quiz.title,
        definition=json.dumps(quiz_to_data(quiz), ensure_ascii=False),
        built_in=built_in,
    )
    session.add(row)
    session.flush()
    return row


def stored_quiz(session: Session, code: str) -> tuple[QuizDefinition, Quiz]:
    install_built_in(session)
    row = (
        session.scalar(select(QuizDefinition).where(QuizDefinition.code == code))
        if CODE.match(code)
        else None
    )
    if row is None:
        raise NotFound(f"There is no quiz “{code}”; pick one from the quizzes page.")
    return row, quiz_from_data(json.loads(row.definition))


def get_quiz(session: Session, actor: Actor, code: str) -> Quiz:
    """A quiz to take or read: every signed-in person may."""
    return stored_quiz(session, code)[1]


def list_quizzes(session: Session, actor: Actor) -> list[QuizSummary]:
    install_built_in(session)
    out = []
    for row in session.scalars(select(QuizDefinition).order_by(QuizDefinition.title)):
        out.append(_summary(row, quiz_from_data(json.loads(row.definition))))
    return out


def export_quiz(session: Session, actor: Actor, code: str, fmt: QuizFormat) -> str:
    """The quiz as JSON or CSV text, to edit and import again."""
    quiz = get_quiz(session, actor, code)
    if fmt == "csv":
        return quiz_to_csv(quiz)
    return json.dumps(quiz_to_data(quiz), ensure_ascii=False, indent=2) + "\n"


def _summary(row: QuizDefinition, quiz: Quiz) -> QuizSummary:
    return QuizSummary(row.code, quiz.title, quiz.description, len(quiz.questions), row.built_in)
