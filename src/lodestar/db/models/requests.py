"""Training requests, their workflow history, stakeholder answers and diagnosis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class TrainingRequest(Base):
    __tablename__ = "training_requests"
    __table_args__ = (Index("ix_training_requests_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id"), nullable=True, index=True
    )
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_priorities.id"), nullable=True, index=True
    )
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"), nullable=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    state: Mapped[str] = mapped_column(String(30), default="draft")
    business_objective: Mapped[str] = mapped_column(Text, default="")
    audience_and_behaviours: Mapped[str] = mapped_column(Text, default="")
    context_of_work: Mapped[str] = mapped_column(Text, default="")
    cost_of_inaction: Mapped[str] = mapped_column(Text, default="")
    horizon_and_constraints: Mapped[str] = mapped_column(Text, default="")
    # Portfolio inputs (domain.portfolio): where the request came from, the money a year its
    # cost of inaction comes to, how many people it concerns, and the days of L&D work.
    origin: Mapped[str] = mapped_column(String(10), default="planned", server_default="planned")
    cost_of_inaction_amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    audience_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    effort_days: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RequestTransition(Base):
    __tablename__ = "request_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("training_requests.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class StakeholderAnswer(Base):
    __tablename__ = "stakeholder_answers"
    __table_args__ = (UniqueConstraint("request_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("training_requests.id"))
    question_key: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Diagnosis(Base):
    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("training_requests.id"), unique=True)
    recommended_outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    fixes: Mapped[str] = mapped_column(String(200), default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    diagnosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    concluded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class DiagnosisFinding(Base):
    __tablename__ = "diagnosis_findings"
    __table_args__ = (UniqueConstraint("diagnosis_id", "cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id"))
    cell: Mapped[str] = mapped_column(String(20))
    finding: Mapped[str] = mapped_column(String(20), default="unknown")
    evidence: Mapped[str] = mapped_column(Text, default="")
    fix: Mapped[str | None] = mapped_column(String(30), nullable=True)
