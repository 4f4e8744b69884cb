"""An awarded badge as an Open Badges 3.0 ``OpenBadgeCredential`` (1EdTech Open Badges 3.0,
§4 and appendix B), before it is signed.

The credential follows the Verifiable Credentials Data Model 2.0 shape the specification uses:
both contexts, the types ``VerifiableCredential`` and ``OpenBadgeCredential``, an issuer
``Profile``, ``validFrom``, and an ``AchievementSubject`` naming the ``Achievement`` with its
criteria and its alignment to catalogue skills. The recipient is identified by a salted SHA-256
of their e-mail (an ``IdentityObject``), so the credential does not carry the address in clear.
It is secured by the VC-JWT proof format (§8.2), see ``services/badges/signing.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"


@dataclass(frozen=True)
class BadgeFacts:
    """Everything a credential says. ``base_url`` is the public address of Lodestar."""

    base_url: str
    public_id: str
    issuer_name: str
    achievement_code: str
    achievement_name: str
    achievement_description: str
    criteria: str
    skill_codes: Sequence[str]
    recipient_email: str
    salt: str
    awarded_at: datetime
    evidence: str = ""


def timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC with the Z the specification's DateTimeZ asks for."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_hash(email: str, salt: str) -> str:
    """``sha256$`` and the hex SHA-256 of the lower-cased e-mail followed by the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def credential_url(base_url: str, public_id: str) -> str:
    return f"{base_url.rstrip('/')}/badges/{public_id}"


def revocation_list_url(base_url: str) -> str:
    """Where the issuer publishes the credentials it revoked (``credentialStatus.id``)."""
    return f"{base_url.rstrip('/')}/badges/revocations"


# Why a badge was revoked, as its public page and the revocation list say it: neutral words
# only; the issuer's own note stays in the audit log.
RevocationReason = Literal[
    "issued_in_error", "criteria_not_met", "replaced", "holder_asked", "withdrawn"
]
REVOCATION_REASONS: tuple[RevocationReason, ...] = get_args(RevocationReason)
REVOCATION_SENTENCES: dict[str, str] = {
    "issued_in_error": "It was issued in error.",
    "criteria_not_met": "The issuer found that its criteria were not met.",
    "replaced": "It was replaced by another credential.",
    "holder_asked": "Its holder asked for it to be withdrawn.",
    "withdrawn": "The issuer withdrew it.",
}

# The status method of Open Badges 3.0: a list of revoked credentials the issuer publishes.
STATUS_TYPE = "1EdTechRevocationList"


def issuer_id(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/badges/issuer"


def open_badge_credential(facts: BadgeFacts) -> dict[str, Any]:
    """The unsigned credential for ``facts``."""
    base = facts.base_url.rstrip("/")
    achievement: dict[str, Any] = {
        "id": f"{base}/badges/achievements/{facts.achievement_code}",
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": facts.achievement_name,
        "description": facts.achievement_description,
        "criteria": {"narrative": facts.criteria},
    }
    if facts.skill_codes:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": code,
                "targetCode": code,
                "targetType": "ceterms:Skill",
                "targetUrl": f"{base}/skills/{code}",
            }
            for code in facts.skill_codes
        ]
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_url(base, facts.public_id),
        "type": list(CREDENTIAL_TYPES),
        "name": facts.achievement_name,
        "description": facts.achievement_description,
        "issuer": {
            "id": issuer_id(base),
            "type": ["Profile"],
            "name": facts.issuer_name,
            "url": base,
        },
        "validFrom": timestamp(facts.awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity_hash(facts.recipient_email, facts.salt),
                    "salt": facts.salt,
                }
            ],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": SCHEMA_ID, "type": SCHEMA_TYPE}],
        "credentialStatus": {"id": revocation_list_url(base), "type": STATUS_TYPE},
    }
    if facts.evidence:
        credential["evidence"] = [{"type": ["Evidence"], "narrative": facts.evidence}]
    return credential
