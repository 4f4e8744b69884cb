"""Revoking a badge: L&D or an administrator revokes an award with a reason from a closed set
(``domain.open_badges.REVOCATION_REASONS``) and, if they like, a note; the public page then says
it was revoked, when, and the reason in neutral words (the note stays in the audit log), and
verification fails. Every
credential names the issuer's revocation list in ``credentialStatus`` (type
``1EdTechRevocationList``, at ``PUBLIC_URL/badges/revocations``); the list is public JSON, and
the verification page checks the credential against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import BadgeAchievement, BadgeAward, Employee
from lodestar.domain.open_badges import (
    REVOCATION_REASONS,
    REVOCATION_SENTENCES,
    credential_url,
    issuer_id,
    revocation_list_url,
    timestamp,
)
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit

MAX_NOTE = 1000


@dataclass(frozen=True)
class AwardedBadge:
    """One award as L&D's badge list shows it."""

    public_id: str
    name: str
    recipient: str
    awarded_at: datetime
    revoked_at: datetime | None
    revoked_reason: str  # a REVOCATION_REASONS code, "" while valid

    @property
    def reason_sentence(self) -> str:
        return REVOCATION_SENTENCES.get(self.revoked_reason, "")


def with_names() -> Select[BadgeAward, BadgeAchievement, Employee]:
    """Awards with their achievement and holder (the badge pages and the revocation list)."""
    return (
        select(BadgeAward, BadgeAchievement, Employee)
        .join(BadgeAchievement, BadgeAchievement.id == BadgeAward.achievement_id)
        .join(Employee, Employee.id == BadgeAward.employee_id)
    )


def _may_revoke(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators revoke badges. Ask them if a badge was "
            "awarded in error."
        )


def awarded_badges(
    session: Session, actor: Actor, *, search: str = "", limit: int = 200
) -> list[AwardedBadge]:
    """Awards newest first (L&D and administrators), optionally those whose badge or holder's
    name contains ``search``."""
    _may_revoke(actor)
    q = with_names()
    if search:
        pattern = f"%{search.lower()}%"
        q = q.where(
            BadgeAchievement.name.ilike(pattern) | Employee.name.ilike(pattern)  # type: ignore[attr-defined]
        )
    rows = session.execute(
        q.order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc()).limit(limit)
    )
    return [
        AwardedBadge(a.public_id, b.name, person.name, a.awarded_at, a.revoked_at,
                     a.revoked_reason)
        for a, b, person in rows
    ]  # fmt: skip


def revoke_badge(
    session: Session,
    actor: Actor,
    public_id: str,
    reason: str,
    note: str = "",
    *,
    now: datetime | None = None,
) -> AwardedBadge:
    """Revoke the award ``public_id`` for ``reason`` (a ``REVOCATION_REASONS`` code, shown on
    its public page in neutral words); ``note`` is kept in the audit log only."""
    _may_revoke(actor)
    if reason not in REVOCATION_REASONS:
        listed = ", ".join(REVOCATION_REASONS)
        raise InvalidInput(
            f"Choose why the badge is revoked: one of {listed}. The public page says it in "
            "neutral words; put anything more in the note, which only the audit log keeps.",
            details={"fields": {"reason": f"one of {listed}"}},
        )
    text = " ".join(note.split())
    if len(text) > MAX_NOTE:
        raise InvalidInput(
            f"The note is {len(text)} characters long; keep it to {MAX_NOTE} or fewer.",
            details={"fields": {"note": f"at most {MAX_NOTE} characters"}},
        )
    row = session.execute(with_names().where(BadgeAward.public_id == public_id)).first()
    if row is None:
        raise NotFound(
            f"There is no badge “{public_id}”. Copy its id from the badge list or its public page."
        )
    award, name, person = row[0], row[1].name, row[2].name
    if award.revoked_at is not None:
        raise Conflict(
            f"This badge was already revoked on {award.revoked_at:%d %B %Y}; nothing changed."
        )
    award.revoked_at = now or utcnow()
    award.revoked_reason = reason
    award.revoked_by_user_id = actor.user_id or None
    audit.record(session, actor, "revoke", "badge_award", award.id,
                 f"{reason}: {text}" if text else reason, person_id=award.employee_id)  # fmt: skip
    session.flush()
    return AwardedBadge(award.public_id, str(name), str(person), award.awarded_at,
                        award.revoked_at, award.revoked_reason)  # fmt: skip


def revocation_list(session: Session, base_url: str) -> dict[str, Any]:
    """The issuer's public list of revoked credentials (``credentialStatus.id``): each revoked
    credential's id, when and why."""
    rows = session.execute(
        select(BadgeAward.public_id, BadgeAward.revoked_at, BadgeAward.revoked_reason)
        .where(BadgeAward.revoked_at.is_not(None))
        .order_by(BadgeAward.revoked_at, BadgeAward.id)
    )
    return {
        "id": revocation_list_url(base_url),
        "issuer": issuer_id(base_url),
        "revokedCredentials": [
            {"id": credential_url(base_url, pid), "revoked": True,
             "revocationDate": timestamp(at) if at else "",
             "revocationReason": REVOCATION_SENTENCES.get(why, "")}
            for pid, at, why in rows
        ],
    }  # fmt: skip
