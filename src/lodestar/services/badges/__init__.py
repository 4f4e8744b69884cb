"""Badges as Open Badges 3.0 verifiable credentials: award, sign, verify in public, export
(docs/quizzes-and-badges.md)."""

from __future__ import annotations

from lodestar.services.badges.awards import (
    Issuer,
    award,
    award_proficiency_badges,
    define_proficiency_badge,
    path_achievement,
    refresh_proficiency_badges,
)
from lodestar.services.badges.holdings import HeldBadge, badges_of
from lodestar.services.badges.revocation import (
    AwardedBadge,
    awarded_badges,
    revocation_list,
    revoke_badge,
)
from lodestar.services.badges.signing import check_token, public_jwk
from lodestar.services.badges.verification import (
    BadgeVerification,
    Check,
    credential_document,
    credential_token,
    json_text,
    verify_badge,
)

__all__ = [
    "AwardedBadge",
    "awarded_badges",
    "revocation_list",
    "revoke_badge",
    "BadgeVerification",
    "Check",
    "HeldBadge",
    "Issuer",
    "award",
    "award_proficiency_badges",
    "badges_of",
    "check_token",
    "credential_document",
    "credential_token",
    "define_proficiency_badge",
    "json_text",
    "path_achievement",
    "public_jwk",
    "refresh_proficiency_badges",
    "verify_badge",
]
