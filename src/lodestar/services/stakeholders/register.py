"""The stakeholder register and its influence x interest grid, with the priorities and KPIs
each stakeholder owns. Relationship notes are read out for L&D only (``access.sees_notes``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import annotated_types as at
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import Department, Kpi, Stakeholder, StrategicPriority, User
from lodestar.domain.roles import Actor
from lodestar.domain.stakeholders import (
    LEVEL_MAX,
    LEVEL_MIN,
    QUADRANT_ADVICE,
    QUADRANT_LABELS,
    QUADRANTS,
    check_level,
    check_text,
    quadrant,
)
from lodestar.errors import InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.services.stakeholders.access import require_ld, require_map_reader, sees_notes

Level = Annotated[int, at.Interval(ge=LEVEL_MIN, le=LEVEL_MAX)]


class StakeholderInput(TypedInput):
    name: Annotated[str, at.MaxLen(160)] = ""
    title: Annotated[str, at.MaxLen(160)] = ""
    organisation: Annotated[str, at.MaxLen(160)] = ""
    user_id: RecordId | None = None
    department_id: RecordId | None = None
    influence: Level = 3
    interest: Level = 3
    relationship_notes: Annotated[str, at.MaxLen(4000)] = ""


@dataclass(frozen=True)
class StakeholderView:
    id: int
    name: str
    title: str
    organisation: str
    department_name: str | None
    user_id: int | None
    influence: int
    interest: int
    quadrant: str
    relationship_notes: str | None  # None: not for this reader
    owns_priorities: tuple[str, ...]
    owns_kpis: tuple[str, ...]

    @property
    def quadrant_label(self) -> str:
        return QUADRANT_LABELS[self.quadrant]


@dataclass(frozen=True)
class StakeholderMap:
    stakeholders: tuple[StakeholderView, ...]
    notes_visible: bool

    def in_quadrant(self, name: str) -> tuple[StakeholderView, ...]:
        return tuple(s for s in self.stakeholders if s.quadrant == name)

    @property
    def quadrants(self) -> tuple[tuple[str, str, str], ...]:
        """(key, label, advice) in the order the grid shows them."""
        return tuple((q, QUADRANT_LABELS[q], QUADRANT_ADVICE[q]) for q in QUADRANTS)


def stakeholder_map(session: Session, actor: Actor) -> StakeholderMap:
    """Every stakeholder, placed on the grid; notes only for L&D."""
    require_map_reader(actor)
    rows = session.scalars(select(Stakeholder).order_by(Stakeholder.name, Stakeholder.id)).all()
    departments = {i: n for i, n in session.execute(select(Department.id, Department.name))}
    owned: dict[int, list[str]] = {}
    kpis: dict[int, list[str]] = {}
    prio_owner: dict[int, int] = {}
    for pid, title, owner in session.execute(
        select(StrategicPriority.id, StrategicPriority.title, StrategicPriority.owner_id).where(
            StrategicPriority.archived_at.is_(None), StrategicPriority.owner_id.is_not(None)
        )
    ):
        if owner is not None:
            owned.setdefault(owner, []).append(title)
            prio_owner[pid] = owner
    for kpi_name, kpi_prio in session.execute(
        select(Kpi.name, Kpi.priority_id).where(Kpi.archived_at.is_(None))
    ):
        if kpi_prio is not None and kpi_prio in prio_owner:
            kpis.setdefault(prio_owner[kpi_prio], []).append(kpi_name)
    notes = sees_notes(actor)
    return StakeholderMap(
        tuple(
            StakeholderView(
                id=s.id,
                name=s.name,
                title=s.title,
                organisation=s.organisation,
                department_name=departments.get(s.department_id or 0),
                user_id=s.user_id,
                influence=s.influence,
                interest=s.interest,
                quadrant=quadrant(s.influence, s.interest),
                relationship_notes=s.relationship_notes if notes else None,
                owns_priorities=tuple(owned.get(s.user_id or 0, ())),
                owns_kpis=tuple(kpis.get(s.user_id or 0, ())),
            )
            for s in rows
        ),  # fmt: skip
        notes_visible=notes,
    )


def get_stakeholder(session: Session, actor: Actor, stakeholder_id: int) -> StakeholderView:
    require_map_reader(actor)
    found = next(
        (s for s in stakeholder_map(session, actor).stakeholders if s.id == stakeholder_id), None
    )
    if found is None:
        raise NotFound(
            f"There is no stakeholder #{stakeholder_id}. Open the stakeholder map to find them."
        )
    return found


def _apply(session: Session, row: Stakeholder, data: StakeholderInput) -> None:
    user = session.get(User, data.user_id) if data.user_id else None
    if data.user_id and user is None:
        raise InvalidInput(
            f"There is no account #{data.user_id}. Choose a person from the directory, or "
            "leave it empty and type the name of someone outside it.",
            details={"field": "user_id"},
        )
    if data.department_id and session.get(Department, data.department_id) is None:
        raise InvalidInput(
            f"There is no department #{data.department_id}. Choose one from the list.",
            details={"field": "department_id"},
        )
    name = check_text(data.name or (user.name if user else ""), "name", required=True, most=160)
    row.name = name
    row.title = check_text(data.title or (user.job_title or "" if user else ""), "title", most=160)
    row.organisation = check_text(data.organisation, "organisation", most=160)
    row.user_id = user.id if user else None
    row.employee_id = user.employee_id if user else None
    row.department_id = data.department_id or (user.department_id if user else None)
    row.influence = check_level(data.influence, "influence")
    row.interest = check_level(data.interest, "interest")
    row.relationship_notes = check_text(data.relationship_notes, "relationship_notes")
    row.updated_at = utcnow()


def add_stakeholder(session: Session, actor: Actor, data: StakeholderInput) -> Stakeholder:
    require_ld(actor, "The stakeholder register")
    row = Stakeholder(influence=3, interest=3)
    _apply(session, row, data)
    if row.user_id and session.scalar(
        select(Stakeholder.id).where(Stakeholder.user_id == row.user_id)
    ):
        raise InvalidInput(
            f"{row.name} is already on the stakeholder map. Open their entry to change it.",
            details={"field": "user_id"},
        )
    session.add(row)
    session.flush()
    audit.record(session, actor, "stakeholder.create", "stakeholder", row.id)
    return row


def update_stakeholder(
    session: Session, actor: Actor, stakeholder_id: int, data: StakeholderInput
) -> Stakeholder:
    require_ld(actor, "The stakeholder register")
    row = session.get(Stakeholder, stakeholder_id)
    if row is None:
        raise NotFound(
            f"There is no stakeholder #{stakeholder_id}. Open the stakeholder map to find them."
        )
    _apply(session, row, data)
    session.flush()
    audit.record(session, actor, "stakeholder.update", "stakeholder", row.id)
    return row
