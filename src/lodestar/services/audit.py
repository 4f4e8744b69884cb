"""Write the audit trail: who did what to which object."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.db.models import AuditEvent
from lodestar.domain.roles import Actor


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    obj: str,
    obj_id: int | None,
    detail: str = "",
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id if actor else None,
            action=action,
            object_type=obj,
            object_id=obj_id,
            detail=detail[:2000],
        )
    )
