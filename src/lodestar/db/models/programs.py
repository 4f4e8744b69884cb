"""Programs tied to one priority and one metric that matters, and who took part when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime, utcnow


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_priorities.id"), nullable=True, index=True
    )
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"), nullable=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_requests.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), default="in_design")
    rollout: Mapped[str] = mapped_column(String(30), default="")
    # How the effect is evaluated (domain.evaluation); "" = chosen from the data.
    evaluation_design: Mapped[str] = mapped_column(String(40), default="", server_default="")
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    horizon_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    cost_per_participant: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Days of L&D work the program takes (domain.portfolio); None = not estimated.
    effort_days: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProgramEnrolment(Base):
    """One person in one program: participant (with the week they started) or comparison."""

    __tablename__ = "program_enrolments"
    __table_args__ = (
        Index("ix_program_enrolments_program_employee", "program_id", "employee_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    group: Mapped[str] = mapped_column(String(20), default="participant")
    cohort: Mapped[str] = mapped_column(String(40), default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ProgramBehaviour(Base):
    """A workplace behaviour the program sets out to change, as behaviour observations name it."""

    __tablename__ = "program_behaviours"
    __table_args__ = (UniqueConstraint("program_id", "behaviour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    behaviour: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
