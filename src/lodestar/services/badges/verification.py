"""What a badge's public page shows, and the checks behind its verdict: the signature (with the
issuer key it names), that the credential is the one issued, not revoked, already valid. No
sign-in: anyone holding the link may check it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import BadgeAchievement, BadgeAward, Employee
from lodestar.domain.open_badges import (
    REVOCATION_SENTENCES,
    STATUS_TYPE,
    credential_url,
    revocation_list_url,
)
from lodestar.errors import NotFound
from lodestar.services.badges.revocation import revocation_list, with_names
from lodestar.services.badges.signing import check_token

PUBLIC_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    sentence: str


@dataclass(frozen=True)
class BadgeVerification:
    public_id: str
    achievement_name: str
    achievement_description: str
    criteria: str
    recipient_name: str
    issuer_name: str
    awarded_at: datetime
    verified: bool
    revoked_at: datetime | None = None
    revoked_sentence: str = ""
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    token: str = ""


def _award(session: Session, public_id: str) -> tuple[BadgeAward, BadgeAchievement, Employee]:
    row = (
        None
        if not PUBLIC_ID.match(public_id)
        else session.execute(with_names().where(BadgeAward.public_id == public_id)).first()
    )
    if row is None:
        raise NotFound(
            "There is no badge at this address. Check the link; a badge's address is given on "
            "its holder's badge page."
        )
    return row[0], row[1], row[2]


def verify_badge(
    session: Session, public_id: str, base_url: str, *, now: datetime | None = None
) -> BadgeVerification:
    """Check the badge ``public_id`` as issued and say what each check found."""
    award, achievement, person = _award(session, public_id)
    found = check_token(session, award.credential)
    credential = found.credential or {}
    at = now or utcnow()
    valid_from = _moment(credential.get("validFrom", ""))
    checks = [
        Check("signature", found.valid,
              "The issuer's signature matches the credential." if found.valid else found.reason),
        Check("identity", credential.get("id") == credential_url(base_url, public_id),
              "The credential is the one issued at this address."
              if credential.get("id") == credential_url(base_url, public_id)
              else "The credential names another address than this page."),
        Check("revocation", award.revoked_at is None,
              "The issuer has not revoked it." if award.revoked_at is None
              else f"The issuer revoked it on {award.revoked_at:%d %B %Y}. "
              + REVOCATION_SENTENCES.get(award.revoked_reason, "")),
        _status_check(session, credential, base_url),
        Check("dates", valid_from is not None and valid_from <= at,
              "It is valid from the date it was awarded and does not expire."
              if valid_from is not None and valid_from <= at else "It is not valid yet."),
    ]  # fmt: skip
    issuer = credential.get("issuer", {}).get("name", "")
    return BadgeVerification(
        public_id=public_id,
        achievement_name=achievement.name,
        achievement_description=achievement.description,
        criteria=achievement.criteria,
        recipient_name=person.name,
        issuer_name=str(issuer),
        awarded_at=award.awarded_at,
        verified=all(c.passed for c in checks),
        revoked_at=award.revoked_at,
        revoked_sentence=REVOCATION_SENTENCES.get(award.revoked_reason, ""),
        checks=checks,
        credential=found.credential,
        token=award.credential,
    )


def _status_check(session: Session, credential: dict[str, Any], base_url: str) -> Check:
    """The credential's ``credentialStatus``: it must name this issuer's revocation list, and the
    list must not hold the credential. A credential issued before status lists has none: the
    revocation check above still applies to it."""
    status = credential.get("credentialStatus")
    if status is None:
        return Check("status", True, "It was issued without a status list; the issuer's own "
                     "record above says whether it was revoked.")  # fmt: skip
    if (
        not isinstance(status, dict)
        or status.get("id") != revocation_list_url(base_url)
        or (status.get("type") != STATUS_TYPE)
    ):
        return Check("status", False, "Its status list is not this issuer's revocation list.")
    listed = {r["id"] for r in revocation_list(session, base_url)["revokedCredentials"]}
    if credential.get("id") in listed:
        return Check("status", False, "The issuer's revocation list holds it.")
    return Check("status", True, "The issuer's revocation list does not hold it.")


def credential_document(session: Session, public_id: str) -> dict[str, Any]:
    """The credential as JSON, to save to a backpack or wallet that takes the JSON form (the
    payload of the signed VC-JWT, without the JWT's registered claims)."""
    award, _, _ = _award(session, public_id)
    found = check_token(session, award.credential)
    if found.credential is None:
        raise NotFound(f"The badge's credential does not verify ({found.reason}).")
    return found.credential


def credential_token(session: Session, public_id: str) -> str:
    """The signed credential exactly as issued: a compact VC-JWT."""
    return _award(session, public_id)[0].credential


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
