"""Who L&D answers to and what was agreed: the stakeholder register, the interview log, the
monthly council with its agenda and decisions, stakeholder updates per program, and the
90-day plan's hand-ticked items.

Relationship notes live on the stakeholder row; only L&D services read them out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class Stakeholder(Base):
    """A person L&D works with: from the directory (an account or an employee) or named."""

    __tablename__ = "stakeholders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    influence: Mapped[int] = mapped_column(SmallInteger)
    interest: Mapped[int] = mapped_column(SmallInteger)
    relationship_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StakeholderInterview(Base):
    __tablename__ = "stakeholder_interviews"
    __table_args__ = (Index("ix_stakeholder_interviews_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class InterviewAnswer(Base):
    """One answer to one of the standard questions (``domain.intake.STAKEHOLDER_QUESTIONS``)."""

    __tablename__ = "interview_answers"
    __table_args__ = (UniqueConstraint("interview_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_interviews.id"))
    question_key: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(Text)


class InterviewRequest(Base):
    """A training request an interview led to."""

    __tablename__ = "interview_requests"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_interviews.id"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(ForeignKey("training_requests.id"), primary_key=True)


class Council(Base):
    """One meeting of the monthly stakeholder council."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned or held
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CouncilAgendaItem(Base):
    __tablename__ = "council_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # domain.stakeholders.AGENDA_KINDS
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_requests.id"), nullable=True
    )
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), nullable=True)
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_priorities.id"), nullable=True
    )


class CouncilDecision(Base):
    __tablename__ = "council_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_agenda_items.id"), nullable=True
    )
    decision: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(160), default="")
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_requests.id"), nullable=True
    )
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProgramUpdate(Base):
    """A stakeholder update sent about a program: its text and the facts it was written from,
    so the next update can say what changed since."""

    __tablename__ = "program_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PlanItem(Base):
    """A 90-day plan item ticked by hand (automatic items are never stored: they are read
    from the data each time)."""

    __tablename__ = "plan_items"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
