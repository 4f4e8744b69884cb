"""The badges a person holds, for their own page and their manager's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import BadgeAchievement, BadgeAward
from lodestar.domain.roles import Actor
from lodestar.services.reporting_line import own_person, person_for


@dataclass(frozen=True)
class HeldBadge:
    public_id: str
    name: str
    description: str
    awarded_at: datetime
    evidence: str
    revoked: bool


def badges_of(session: Session, actor: Actor, employee_id: int | None = None) -> list[HeldBadge]:
    """The actor's badges (``employee_id`` None) or those of someone in their line, newest
    first."""
    person = own_person(session, actor) if employee_id is None else None
    target = (
        person.employee_id if person else person_for(session, actor, employee_id or 0).employee_id
    )
    rows = session.execute(
        select(BadgeAward, BadgeAchievement)
        .join(BadgeAchievement, BadgeAchievement.id == BadgeAward.achievement_id)
        .where(BadgeAward.employee_id == target)
        .order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())
    )
    return [
        HeldBadge(a.public_id, b.name, b.description, a.awarded_at, a.evidence,
                  a.revoked_at is not None)
        for a, b in rows
    ]  # fmt: skip
