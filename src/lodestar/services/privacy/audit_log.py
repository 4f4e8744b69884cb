"""Reading the audit trail: filtered, paged, as rows or as spreadsheet-safe CSV.

Administrators only. Reading the trail is itself recorded (``audit.view``), since the trail
says who looked at whose data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from lodestar.db.models import AuditEvent, Employee, User
from lodestar.domain.csv_export import csv_text
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services import audit
from lodestar.services.privacy.people import find_person, require_admin

PAGE_SIZE = 100
CSV_HEADER = (
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "person",
    "path",
    "address",
    "detail",
)


class AuditFilters(BaseModel):
    """Which events to read. Every filter is optional; dates are inclusive (UTC)."""

    actor: str = Field("", description="The acting account's email (or part of it).")
    action: str = Field("", description="An action, or its start: 'person.' for all of them.")
    object_type: str = Field("", description="What was touched: program, employee, ...")
    person: str = Field("", description="The person the data is about: HR number, email or id.")
    since: date | None = None
    until: date | None = None
    page: int = Field(1, ge=1, le=100_000)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: int | None
    person: str
    person_id: int | None
    path: str
    address: str
    detail: str

    def cells(self) -> tuple[object, ...]:
        return (
            self.id,
            self.at.isoformat(),
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            self.person,
            self.path,
            self.address,
            self.detail,
        )


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    page: int
    pages: int
    filters: AuditFilters


def _query(session: Session, filters: AuditFilters) -> Select[AuditEvent, str, str, str]:
    person = aliased(Employee)
    stmt = (
        select(
            AuditEvent,
            func.coalesce(User.email, ""),
            func.coalesce(person.external_id, ""),
            func.coalesce(person.name, ""),
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(person, person.id == AuditEvent.person_id)
    )
    if filters.actor.strip():
        stmt = stmt.where(func.lower(User.email).contains(filters.actor.strip().lower()))
    if filters.action.strip():
        stmt = stmt.where(AuditEvent.action.startswith(filters.action.strip()))
    if filters.object_type.strip():
        stmt = stmt.where(AuditEvent.object_type == filters.object_type.strip())
    if filters.person.strip():
        stmt = stmt.where(AuditEvent.person_id == find_person(session, filters.person).id)
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput(
            f"The start date {filters.since} is after the end date {filters.until}. "
            "Swap them, or leave one empty."
        )
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt


def _row(event: AuditEvent, email: str, external_id: str, name: str) -> AuditRow:
    person = f"{name} ({external_id})" if external_id else ""
    return AuditRow(
        id=event.id,
        at=event.at,
        actor=email or ("system" if event.actor_id is None else f"user #{event.actor_id}"),
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        person=person,
        person_id=event.person_id,
        path=event.path,
        address=event.address,
        detail=event.detail,
    )


def audit_page(session: Session, actor: Actor, filters: AuditFilters) -> AuditPage:
    """One page of events, newest first."""
    require_admin(actor, "The audit trail")
    stmt = _query(session, filters)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    found = session.execute(
        stmt.order_by(AuditEvent.id.desc()).offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    audit.record(session, actor, "audit.view", "audit_events", None, _described(filters))
    return AuditPage(tuple(_row(*r) for r in found), total, filters.page, pages, filters)


def audit_rows(session: Session, actor: Actor, filters: AuditFilters) -> Iterator[AuditRow]:
    """Every matching event, newest first, read in batches (for CSV and the CLI)."""
    require_admin(actor, "The audit trail")
    stmt = _query(session, filters).order_by(AuditEvent.id.desc())
    audit.record(session, actor, "audit.export", "audit_events", None, _described(filters))
    for found in session.execute(stmt.execution_options(yield_per=1000)):
        yield _row(*found)


def audit_csv(session: Session, actor: Actor, filters: AuditFilters) -> str:
    """Matching events as CSV; a cell that a spreadsheet would run as a formula is quoted."""
    return csv_text(CSV_HEADER, (r.cells() for r in audit_rows(session, actor, filters)))


def _described(filters: AuditFilters) -> str:
    chosen = filters.model_dump(exclude={"page"}, exclude_defaults=True)
    return ", ".join(f"{k}={v}" for k, v in chosen.items()) or "all events"
