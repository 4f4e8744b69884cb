"""A KPI's external source as the other services read it (docs/external-sources.md): where it
is, opened in its engine, and the sentence a page shows instead of values it does not read.

No permission check and no strategy import here, so the strategy, brief, pilot and privacy
services can ask whether a KPI's values live outside Lodestar without an import cycle;
:mod:`.kpi_sources` sets and removes sources for the people allowed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.models import Kpi, KpiSource
from lodestar.services.impact.source_tables import (
    Mapping,
    OpenedSource,
    check_mapping,
    describe,
    open_source,
)


@dataclass(frozen=True)
class KpiSourceView:
    kpi_id: int
    kind: str
    location: str
    connection: str | None
    mapping: Mapping
    described: str
    checked_at: datetime


def source_of_kpi(session: Session, kpi_id: int) -> KpiSourceView | None:
    """The KPI's external source for a service that already checked the actor."""
    row = session.get(KpiSource, kpi_id)
    return view_of(row) if row else None


def person_value_sources(session: Session) -> tuple[tuple[str, str], ...]:
    """(KPI code, source in words) of every employee-level KPI read from an external source:
    where people's values live outside Lodestar's database, which Lodestar never writes to."""
    rows = session.execute(
        select(Kpi.code, KpiSource.kind, KpiSource.location, KpiSource.connection)
        .join(KpiSource, KpiSource.kpi_id == Kpi.id)
        .where(Kpi.grain == "employee")
        .order_by(Kpi.code)
    )
    return tuple((code, describe(kind, loc, conn)) for code, kind, loc, conn in rows)


def not_read_here(session: Session, kpi_id: int, what: str) -> str:
    """A sentence saying that ``what`` (e.g. "the trend") is not drawn from the KPI's values on
    this page because they live in its external source; "" when they are imported.

    A page view must stay fast, and reading a warehouse or lakehouse table on every view would
    scan it, so pages say this instead of showing imported values the KPI no longer uses."""
    view = source_of_kpi(session, kpi_id)
    if view is None:
        return ""
    return (
        f"This KPI's values live in {view.described}; {what} is not drawn here, because "
        "reading the source on every page view would scan it. Run the analysis of a program "
        "aimed at this KPI (lodestar impact run PROGRAM) to read them."
    )


def open_kpi_source(
    view: KpiSourceView, settings: Settings | None = None
) -> tuple[OpenedSource, Mapping]:
    """The source's table in its engine, checked again (a table can change under us)."""
    opened = open_source(view.kind, view.location, view.connection, settings)
    check_mapping(opened.table, view.mapping, opened.label)
    return opened, view.mapping


def view_of(row: KpiSource) -> KpiSourceView:
    """The stored source in words and columns, without any address or credential."""
    return KpiSourceView(
        kpi_id=row.kpi_id,
        kind=row.kind,
        location=row.location,
        connection=row.connection,
        mapping=Mapping(row.subject_column, row.period_column, row.value_column, row.weight_column),
        described=describe(row.kind, row.location, row.connection),
        checked_at=row.checked_at,
    )
