"""Badges are Open Badges 3.0 credentials: signed (VC-JWT, RS256), valid against the schema
kept for offline use, checked on a public page, and a changed credential fails the check."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema
import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import BadgeSettings, Settings
from lodestar.db.base import utcnow
from lodestar.db.models import BadgeAward, BadgeSigningKey, Employee, User
from lodestar.domain.roles import Actor
from lodestar.errors import ConfigurationError
from lodestar.services import badges

SCHEMA = json.loads(
    (
        Path(__file__).parents[2] / "reference/open_badges/open_badge_credential.schema.json"
    ).read_text()
)
BASE = "https://lodestar.example.com"


def issuer(**badge_settings: str) -> badges.Issuer:
    settings = Settings(public_url=BASE, organisation_name="Brightwater Supply Co.",
                        badges=BadgeSettings(**badge_settings))  # type: ignore[arg-type]  # fmt: skip
    return badges.Issuer.of(settings)


def employee_id(db: Session, actor: Actor) -> int:
    user = db.get(User, actor.user_id)
    assert user is not None and user.employee_id is not None
    return user.employee_id


def awarded(db: Session, actors: dict[str, Actor], who: str = "employee") -> BadgeAward:
    achievement = badges.define_proficiency_badge(
        db, code="storytelling-3", name="Storyteller", skill_code="storytelling", min_level=3,
        description="Tells a business story that moves people to act.",
    )  # fmt: skip
    return badges.award(db, issuer(), achievement, employee_id(db, actors[who]),
                        evidence="Manager assessment, level 3.")  # fmt: skip


def payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_an_award_is_a_signed_open_badge_credential_valid_against_the_schema(
    db: Session, actors: dict[str, Actor]
) -> None:
    award = awarded(db, actors)
    header = json.loads(base64.urlsafe_b64decode(award.credential.split(".")[0] + "=="))
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"] == f"{BASE}/badges/keys/{award.key_id}"
    claims = payload(award.credential)
    assert claims["iss"] == f"{BASE}/badges/issuer" and claims["jti"] == claims["id"]
    credential = badges.credential_document(db, award.public_id)
    jsonschema.Draft202012Validator(SCHEMA).validate(credential)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    person = db.get(Employee, award.employee_id)
    assert person is not None and person.email
    assert person.email not in json.dumps(credential)  # only its salted hash travels
    assert subject["achievement"]["alignment"][0]["targetCode"] == "storytelling"


def test_the_schema_refuses_what_the_specification_forbids(
    db: Session, actors: dict[str, Actor]
) -> None:
    credential = badges.credential_document(db, awarded(db, actors).public_id)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for broken in (
        {**credential, "type": ["VerifiableCredential"]},
        {**credential, "@context": credential["@context"][::-1]},
        {k: v for k, v in credential.items() if k != "validFrom"},
        {**credential, "credentialSubject": {"type": ["AchievementSubject"]}},
        {**credential, "credentialStatus": {"type": "1EdTechRevocationList"}},
    ):
        assert not validator.is_valid(broken)


def test_the_public_check_passes_and_fails_a_changed_or_revoked_credential(
    db: Session, actors: dict[str, Actor]
) -> None:
    award = awarded(db, actors)
    good = badges.verify_badge(db, award.public_id, BASE)
    assert good.verified and [c.name for c in good.checks if not c.passed] == []
    assert good.achievement_name == "Storyteller"
    head, body, sig = award.credential.split(".")
    claims = payload(award.credential)
    claims["name"] = "Grand Master Storyteller"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    award.credential = f"{head}.{forged}.{sig}"
    db.flush()
    changed = badges.verify_badge(db, award.public_id, BASE)
    assert not changed.verified
    assert "changed" in next(c.sentence for c in changed.checks if c.name == "signature")
    award.credential = f"{head}.{body}.{sig}"
    award.revoked_at = utcnow()
    db.flush()
    revoked = badges.verify_badge(db, award.public_id, BASE)
    assert not revoked.verified and "revoked" in revoked.checks[2].sentence


def test_one_award_per_person_and_the_key_lives_in_the_database(
    db: Session, actors: dict[str, Actor]
) -> None:
    first = awarded(db, actors)
    assert awarded(db, actors).id == first.id
    keys = db.scalars(select(BadgeSigningKey)).all()
    assert len(keys) == 1 and json.loads(keys[0].private_jwk)["kty"] == "RSA"
    assert badges.public_jwk(db, keys[0].key_id) is not None
    assert "d" not in (badges.public_jwk(db, keys[0].key_id) or {})


def test_a_configured_key_signs_and_a_bad_one_is_refused_in_a_sentence(
    db: Session, actors: dict[str, Actor]
) -> None:
    key = RSAKey.generate_key(2048, private=True)
    achievement = badges.define_proficiency_badge(
        db, code="resilience-2", name="Steady", skill_code="resilience", min_level=2,
        description="Keeps going under pressure.",
    )  # fmt: skip
    configured = issuer(signing_key=json.dumps(key.as_dict(private=True)))
    award = badges.award(db, configured, achievement, employee_id(db, actors["employee"]))
    assert award.key_id == key.thumbprint()
    assert badges.verify_badge(db, award.public_id, BASE).verified
    with pytest.raises(ConfigurationError, match="LODESTAR_BADGES__SIGNING_KEY"):
        badges.award(db, issuer(signing_key="{}"), achievement, employee_id(db, actors["manager"]))
