"""Revoking a badge: L&D only, a reason from the closed set, once; the credential names the
issuer's revocation list, the list then holds it, and the public verification fails saying
when and why in neutral words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.learning.test_badges import BASE, awarded, payload

from lodestar.db.models import AuditEvent
from lodestar.domain.open_badges import REVOCATION_SENTENCES
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, PermissionDenied
from lodestar.services import badges


def test_a_revoked_badge_fails_verification_and_says_why(
    db: Session, actors: dict[str, Actor]
) -> None:
    award = awarded(db, actors)
    credential = payload(award.credential)
    assert credential["credentialStatus"] == {
        "id": f"{BASE}/badges/revocations", "type": "1EdTechRevocationList"}  # fmt: skip
    before = badges.verify_badge(db, award.public_id, BASE)
    assert before.verified and {c.name for c in before.checks} >= {"revocation", "status"}
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    done = badges.revoke_badge(db, actors["ld"], award.public_id, "issued_in_error",
                               "Path marked done by mistake.", now=at)  # fmt: skip
    assert done.reason_sentence == REVOCATION_SENTENCES["issued_in_error"]
    after = badges.verify_badge(db, award.public_id, BASE)
    failed = {c.name: c.sentence for c in after.checks if not c.passed}
    assert not after.verified and set(failed) == {"revocation", "status"}
    assert "02 November 2026" in failed["revocation"] and "issued in error" in failed["revocation"]
    assert "mistake" not in failed["revocation"]  # the note stays in the audit log
    listed = badges.revocation_list(db, BASE)["revokedCredentials"]
    assert listed == [{"id": credential["id"], "revoked": True,
                       "revocationDate": "2026-11-02T09:00:00Z",
                       "revocationReason": "It was issued in error."}]  # fmt: skip
    note = db.scalar(select(AuditEvent.detail).where(AuditEvent.action == "revoke"))
    assert note == "issued_in_error: Path marked done by mistake."


def test_only_ld_revokes_with_a_listed_reason_and_only_once(
    db: Session, actors: dict[str, Actor]
) -> None:
    award = awarded(db, actors)
    with pytest.raises(PermissionDenied):
        badges.revoke_badge(db, actors["manager"], award.public_id, "replaced")
    with pytest.raises(InvalidInput, match="Choose why the badge is revoked"):
        badges.revoke_badge(db, actors["ld"], award.public_id, "he cheated")
    badges.revoke_badge(db, actors["admin"], award.public_id, "replaced")
    with pytest.raises(Conflict, match="already revoked"):
        badges.revoke_badge(db, actors["ld"], award.public_id, "replaced")
    assert badges.verify_badge(db, award.public_id, BASE).verified is False
