"""Quizzes kept as data (their JSON form) and every attempt at one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class QuizDefinition(Base):
    """A quiz by its code; ``definition`` is its JSON form (domain.quiz_format), checked before
    it is stored. Importing a quiz with a code already used replaces the definition; the
    attempts keep the outcome they scored."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    built_in: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class QuizAttempt(Base):
    """One person's answers to a quiz and what they scored; ``statement_id`` is the xAPI
    statement that records it in the learning record store."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_quiz_outcome", "quiz_id", "outcome_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    outcome_code: Mapped[str] = mapped_column(String(80))
    tie_broken: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[str] = mapped_column(Text)  # JSON: question code -> option codes
    totals: Mapped[str] = mapped_column(Text)  # JSON: outcome code -> points
    skill_totals: Mapped[str] = mapped_column(Text)  # JSON: skill code -> points
    statement_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
