"""Point a KPI at the table where its observations already live (issue 14).

:func:`set_kpi_source` opens the table in its engine, checks the column mapping (person,
period, value, optional weight) and only then stores the source; :func:`kpi_source` reads
it back as words and columns, never with an address or credential. The other services read
a KPI's source through :mod:`.source_views`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.models import KpiSource
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.impact.source_tables import Mapping, check_mapping, open_source
from lodestar.services.impact.source_views import KpiSourceView, view_of
from lodestar.services.strategy.kpis import get_kpi
from lodestar.services.strategy.permissions import _require_editor


class SourceInput(BaseModel):
    kind: str = Field(description="parquet, duckdb, postgres or spark")
    location: str = Field(description="A Parquet file, folder or glob; else a table name.")
    connection: str | None = Field(None, description="A connection's name from the settings.")
    subject_column: str
    period_column: str
    value_column: str
    weight_column: str | None = None


def set_kpi_source(
    session: Session,
    actor: Actor,
    kpi_id: int,
    data: SourceInput,
    *,
    settings: Settings | None = None,
) -> KpiSourceView:
    """Check the source (it opens, the columns are there and hold the right things) and
    store it for the KPI, replacing any earlier one."""
    _require_editor(actor)
    kpi = get_kpi(session, actor, kpi_id)
    connection = (data.connection or "").strip() or None
    location = data.location.strip()
    mapping = Mapping(
        data.subject_column.strip(),
        data.period_column.strip(),
        data.value_column.strip(),
        (data.weight_column or "").strip() or None,
    )
    opened = open_source(data.kind, location, connection, settings)
    check_mapping(opened.table, mapping, opened.label)
    if kpi.grain == "team" and opened.table.schema()[mapping.subject].is_string():
        raise InvalidInput(
            f"The person column '{mapping.subject}' of the {opened.label} holds text, but "
            f"'{kpi.name}' is measured per team and teams are named by their numbers in "
            "Lodestar. Point the subject at a column of team numbers and try again."
        )
    row = session.get(KpiSource, kpi.id) or KpiSource(kpi_id=kpi.id)
    row.kind, row.location, row.connection = data.kind, location, connection
    row.subject_column, row.period_column = mapping.subject, mapping.period
    row.value_column, row.weight_column = mapping.value, mapping.weight
    row.checked_at = datetime.now(UTC)
    row.updated_by = actor.user_id
    session.add(row)
    session.flush()
    audit.record(session, actor, "kpi.source", "kpi", kpi.id, opened.label)
    return view_of(row)


def remove_kpi_source(session: Session, actor: Actor, kpi_id: int) -> None:
    """The KPI's observations are read from Lodestar's own database again."""
    _require_editor(actor)
    kpi = get_kpi(session, actor, kpi_id)
    row = session.get(KpiSource, kpi.id)
    if row is None:
        raise NotFound(f"KPI '{kpi.name}' has no external source to remove.")
    session.delete(row)
    session.flush()
    audit.record(session, actor, "kpi.source.remove", "kpi", kpi.id)


def kpi_source(session: Session, actor: Actor, kpi_id: int) -> KpiSourceView | None:
    """The KPI's external source, or None when its observations are in Lodestar."""
    kpi = get_kpi(session, actor, kpi_id)
    row = session.get(KpiSource, kpi.id)
    return view_of(row) if row else None
