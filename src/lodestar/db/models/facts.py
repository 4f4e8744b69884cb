"""KPI facts: observations stored as columns per KPI and period, their per-period totals, and
the data versions cached views are keyed by."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base


class KpiColumn(Base):
    """One KPI in one period as packed arrays: the storage of record of KPI observations (see
    ``db.kpi_store``): subjects (little-endian int64, ascending, one entry each), values
    (float64) and weights (int32; e.g. meetings held that week, 1 when not applicable),
    ``row_count`` entries each. Written only by ``db.kpi_store``."""

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
