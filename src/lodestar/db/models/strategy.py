"""Strategic priorities ("must-wins"), objectives, key results and KPIs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class StrategicPriority(Base):
    __tablename__ = "strategic_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    start_year: Mapped[int]
    end_year: Mapped[int]
    # How much this must-win counts in the portfolio, 0-5, set by leaders; None = not set yet.
    weight: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Objective(Base):
    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("strategic_priorities.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class KeyResult(Base):
    __tablename__ = "key_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"), nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Kpi(Base):
    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))
    grain: Mapped[str] = mapped_column(String(20))
    cadence: Mapped[str] = mapped_column(String(20))
    lead_lag: Mapped[str] = mapped_column(String(10))
    value_per_unit: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    horizon_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_priorities.id"), nullable=True, index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
