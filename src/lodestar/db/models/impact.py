"""Stored impact results: every number shown later can be traced to its data and settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class ImpactResult(Base):
    __tablename__ = "impact_results"
    __table_args__ = (Index("ix_impact_results_program_created", "program_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    design: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(60))
    estimand: Mapped[str] = mapped_column(String(40))
    causal: Mapped[bool]
    estimate: Mapped[float] = mapped_column(Float)
    se: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float] = mapped_column(Float)
    ci_high: Mapped[float] = mapped_column(Float)
    n_treated: Mapped[int] = mapped_column(Integer)
    n_comparison: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the full EffectEstimate
    naive: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    money: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # design, options, versions
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)  # rows, periods, fingerprint
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
