"""Strategic priorities ("must-wins"): listing, owners, creating, editing and archiving."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.access import get_priority_for
from lodestar.db.models import StrategicPriority, User
from lodestar.domain.roles import Actor
from lodestar.domain.strategy import check_horizon
from lodestar.errors import InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.strategy.forms import _on_field
from lodestar.services.strategy.inputs import PriorityInput
from lodestar.services.strategy.permissions import _require_editor


def _check_owner(session: Session, owner_id: int | None) -> None:
    """Every priority has an owner: an active person accountable for the result."""
    if owner_id is None:
        raise InvalidInput("A priority needs an owner: pick the person accountable for the result.")
    owner = session.get(User, owner_id)
    if owner is None or not owner.is_active:
        raise NotFound(f"There is no active user #{owner_id} to own this priority. Pick an owner.")


def list_priorities(
    session: Session, actor: Actor, *, include_archived: bool = False
) -> list[StrategicPriority]:
    stmt = select(StrategicPriority).order_by(StrategicPriority.id)
    if not include_archived:
        stmt = stmt.where(StrategicPriority.archived_at.is_(None))
    return list(session.scalars(stmt))


def owner_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """People who can own a priority: active users who are not plain employees."""
    rows = session.execute(
        select(User.id, User.name, User.job_title, User.role)
        .where(User.is_active, User.role != "employee")
        .order_by(User.name)
    ).all()
    return [(uid, f"{name} — {title}" if title else name) for uid, name, title, _ in rows]


def get_priority(session: Session, actor: Actor, priority_id: int) -> StrategicPriority:
    return get_priority_for(session, actor, priority_id)


def _check_priority(session: Session, data: PriorityInput) -> None:
    try:
        check_horizon(data.start_year, data.end_year)
    except InvalidInput as exc:
        raise _on_field("end_year", exc) from None
    try:
        _check_owner(session, data.owner_id)
    except (InvalidInput, NotFound) as exc:
        raise _on_field("owner_id", exc) from None


def create_priority(session: Session, actor: Actor, data: PriorityInput) -> StrategicPriority:
    _require_editor(actor)
    _check_priority(session, data)
    prio = StrategicPriority(**data.model_dump())
    session.add(prio)
    session.flush()
    audit.record(session, actor, "priority.create", "strategic_priority", prio.id, prio.title)
    return prio


def update_priority(
    session: Session, actor: Actor, priority_id: int, data: PriorityInput
) -> StrategicPriority:
    _require_editor(actor)
    prio = get_priority_for(session, actor, priority_id)
    _check_priority(session, data)
    for key, value in data.model_dump().items():
        setattr(prio, key, value)
    session.flush()
    audit.record(session, actor, "priority.update", "strategic_priority", prio.id)
    return prio


def set_priority_archived(
    session: Session, actor: Actor, priority_id: int, archived: bool = True
) -> StrategicPriority:
    _require_editor(actor)
    prio = get_priority_for(session, actor, priority_id)
    prio.archived_at = datetime.now(UTC) if archived else None
    session.flush()
    action = "priority.archive" if archived else "priority.restore"
    audit.record(session, actor, action, "strategic_priority", prio.id)
    return prio
