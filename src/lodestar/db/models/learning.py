"""Learning paths (ordered steps with completion rules), personal learning plans and the steps
people have completed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class LearningPath(Base):
    """A path by its code; ``skill_codes`` (JSON list) are the catalogue skills it builds;
    ``completion_rule`` is domain.learning_paths.CompletionRule."""

    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    skill_codes: Mapped[str] = mapped_column(Text, default="[]")
    completion_rule: Mapped[str] = mapped_column(String(20), default="all_required")
    min_steps: Mapped[int | None] = mapped_column(Integer, nullable=True)


class LearningPathStep(Base):
    __tablename__ = "learning_path_steps"
    __table_args__ = (UniqueConstraint("path_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # domain.learning_paths.STEP_KINDS
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)


class LearningPlanItem(Base):
    """A path in a person's plan, and why it is there (a gap, their job, a quiz result)."""

    __tablename__ = "learning_plan_items"
    __table_args__ = (UniqueConstraint("employee_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id"))
    reason: Mapped[str] = mapped_column(String(20))  # domain.learning_paths.PLAN_REASONS
    reason_detail: Mapped[str] = mapped_column(String(300), default="")
    rank: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class StepCompletion(Base):
    __tablename__ = "learning_step_completions"
    __table_args__ = (UniqueConstraint("employee_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("learning_path_steps.id"))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
