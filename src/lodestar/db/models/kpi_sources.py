"""Where a KPI's observations live when they stay outside Lodestar's database (issue 14).

One row per KPI at most. ``kind`` is parquet (a file, a folder of files or a glob), duckdb (a
table in a DuckDB file), postgres or spark (a table reached through a named connection).
Only the connection's *name* is stored: its address and credentials come from the settings
(``LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL``) or the environment, never from this table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class KpiSource(Base):
    __tablename__ = "kpi_sources"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(1000))  # path, glob or table name
    connection: Mapped[str | None] = mapped_column(String(60), nullable=True)
    subject_column: Mapped[str] = mapped_column(String(120))
    period_column: Mapped[str] = mapped_column(String(120))
    value_column: Mapped[str] = mapped_column(String(120))
    weight_column: Mapped[str | None] = mapped_column(String(120), nullable=True)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
