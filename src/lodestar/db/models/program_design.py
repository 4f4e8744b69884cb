"""What a program is designed as and what was decided about it.

The Five Ps canvas with its statement of intent, fully loaded costs, the pre-mortem's risks,
the pilot registrations locked at launch (versioned, never overwritten), every change of state
with who, when, why and the result it rested on, and the roll-out waves scaling created.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class ProgramCanvas(Base):
    __tablename__ = "program_canvases"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), unique=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(Text, default="")
    prompt: Mapped[str] = mapped_column(Text, default="")
    proof: Mapped[str] = mapped_column(Text, default="")
    formats: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    # The statement of intent as edited by its author; empty = use the generated one.
    statement: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProgramCost(Base):
    """Fully loaded costs in Phillips' seven categories, in one currency."""

    __tablename__ = "program_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    needs_assessment: Mapped[float] = mapped_column(Float, default=0.0)
    design_and_development: Mapped[float] = mapped_column(Float, default=0.0)
    delivery: Mapped[float] = mapped_column(Float, default=0.0)
    facilities_and_travel: Mapped[float] = mapped_column(Float, default=0.0)
    participant_hours: Mapped[float] = mapped_column(Float, default=0.0)  # per participant
    loaded_hourly_rate: Mapped[float] = mapped_column(Float, default=0.0)
    overhead: Mapped[float] = mapped_column(Float, default=0.0)
    evaluation: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProgramRisk(Base):
    __tablename__ = "program_risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[str] = mapped_column(String(10))
    impact: Mapped[str] = mapped_column(String(10))
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PilotRegistration(Base):
    """The expectation locked at launch; a change makes a new version, the old one stays."""

    __tablename__ = "pilot_registrations"
    __table_args__ = (UniqueConstraint("program_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    expected_effect: Mapped[float] = mapped_column(Float)
    horizon_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    evaluation_design: Mapped[str] = mapped_column(String(40), default="")
    analysis_settings: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    plan: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    reason: Mapped[str] = mapped_column(Text, default="")
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProgramTransition(Base):
    """One step in a program's life: who, when, why, and the stored result it rested on."""

    __tablename__ = "program_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10), default="")
    impact_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("impact_results.id"), nullable=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RolloutWave(Base):
    """A group of new participants added when a program is scaled, with their start date."""

    __tablename__ = "rollout_waves"
    __table_args__ = (UniqueConstraint("program_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_transitions.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
