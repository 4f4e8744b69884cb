"""Long, narrow fact tables written in bulk and read as columns."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId


class KpiObservation(Base):
    """One value of one KPI for one subject (employee, team or the organisation) in one period.

    The natural key (KPI, period, employee, team) is unique. Employee and team are nullable
    (a team KPI has no employee, an organisation KPI neither), and NULLs never collide in a
    plain unique index on SQLite or PostgreSQL, so the key indexes them as ``coalesce(x, 0)``
    (ids start at 1). It also serves the queries by KPI and period.
    """

    __tablename__ = "kpi_observations"
    __table_args__ = (
        Index(
            "ux_kpi_observations_key",
            "kpi_id",
            "period",
            func.coalesce(text("employee_id"), 0),
            func.coalesce(text("team_id"), 0),
            unique=True,
        ),
        Index("ix_kpi_observations_kpi_employee", "kpi_id", "employee_id"),
        Index("ix_kpi_observations_kpi_team", "kpi_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    # Weight of the observation (e.g. meetings held that week); 1 when not applicable.
    weight: Mapped[int] = mapped_column(SmallInteger, default=1)


class KpiColumn(Base):
    """One KPI in one period as packed arrays, for analyses to read in bulk (see
    ``db.kpi_store``): subjects (little-endian int64, ascending), values (float64) and
    weights (int32), ``row_count`` entries each. Written only by ``db.kpi_store``."""

    __tablename__ = "kpi_columns"
    __table_args__ = (UniqueConstraint("kpi_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    period: Mapped[date] = mapped_column(Date)
    row_count: Mapped[int] = mapped_column(Integer)
    subject_data: Mapped[bytes] = mapped_column(LargeBinary)
    value_data: Mapped[bytes] = mapped_column(LargeBinary)
    weight_data: Mapped[bytes] = mapped_column(LargeBinary)


class KpiPeriodTotal(Base):
    """One KPI in one period summed up: how many subjects have a value and the sum of their
    values, so a trend is a read of a hundred small rows instead of an average over millions.
    Kept by ``db.kpi_store`` in the transaction that writes the values."""

    __tablename__ = "kpi_period_totals"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    row_count: Mapped[int] = mapped_column(Integer)
    value_total: Mapped[float] = mapped_column(Float)


class DataVersion(Base):
    """A counter per table that pages derive cached views from: raised in the transaction of
    every write to the table (``db.versions``), so each server process can tell whether what
    it computed earlier still holds."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
