"""Signing and checking badge credentials: the VC-JWT proof format of Open Badges 3.0 (§8.2).

Why VC-JWT with RS256 and joserfc: Open Badges 3.0 allows two proof formats, an embedded Data
Integrity proof (eddsa-rdfc-2022) or a VC-JWT. A correct Data Integrity proof needs RDF dataset
canonicalisation over the JSON-LD contexts, which offline means shipping third-party context
files, and no maintained Python library implements the cryptosuite; the VC-JWT is a compact JWS
over the credential, which joserfc (maintained, by the Authlib author) makes and checks, and
RS256 is the algorithm the specification requires every verifier to support. The JWT payload is
the credential itself with the registered claims ``iss`` (issuer id), ``jti`` (credential id),
``nbf`` (``validFrom``) and ``sub`` (left out: the subject is identified by a hashed e-mail,
not an id); the header names the key by ``kid``, a URL that answers the public JWK.

Keys: the setting LODESTAR_BADGES__SIGNING_KEY (a private JWK) when set; otherwise the newest
key in ``badge_signing_keys``, made on first use. Never in code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import BadgeSettings
from lodestar.db.models import BadgeSigningKey
from lodestar.errors import ConfigurationError

ALGORITHM = "RS256"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a JWK thumbprint, base64url
KEY_BITS = 2048


@dataclass(frozen=True)
class IssuerKey:
    key_id: str
    private: RSAKey


def key_url(base_url: str, key_id: str) -> str:
    return f"{base_url.rstrip('/')}/badges/keys/{key_id}"


def signing_key(session: Session, settings: BadgeSettings) -> IssuerKey:
    """The key to sign with (see the module doc); a configured key is also stored, public part
    and all, so the credentials it signs stay checkable after the setting changes."""
    if settings.signing_key:
        try:
            key = RSAKey.import_key(json.loads(settings.signing_key))
        except (ValueError, JoseError) as exc:
            raise ConfigurationError(
                "LODESTAR_BADGES__SIGNING_KEY is not a private RSA key in JWK form (JSON with "
                "kty RSA, n, e, d, p, q, ...). Set it to one, or leave it empty to let Lodestar "
                "make a key and keep it in the database."
            ) from exc
        if not key.is_private:
            raise ConfigurationError(
                "LODESTAR_BADGES__SIGNING_KEY holds only a public key; badges need the private "
                "key to be signed. Set the private JWK."
            )
        return IssuerKey(_remember(session, key), key)
    row = session.scalar(
        select(BadgeSigningKey)
        .where(BadgeSigningKey.retired_at.is_(None))
        .order_by(BadgeSigningKey.id.desc())
        .limit(1)
    )
    if row is not None:
        return IssuerKey(row.key_id, RSAKey.import_key(json.loads(row.private_jwk)))
    key = RSAKey.generate_key(KEY_BITS, private=True)
    return IssuerKey(_remember(session, key), key)


def _remember(session: Session, key: RSAKey) -> str:
    key_id = key.thumbprint()
    if session.scalar(select(BadgeSigningKey.id).where(BadgeSigningKey.key_id == key_id)) is None:
        session.add(
            BadgeSigningKey(
                key_id=key_id,
                private_jwk=json.dumps(key.as_dict(private=True)),
                public_jwk=json.dumps(key.as_dict(private=False)),
            )
        )
        session.flush()
    return key_id


def public_jwk(session: Session, key_id: str) -> dict[str, Any] | None:
    """The public JWK of an issuer key, with its ``kid`` (None: no such key)."""
    if not KEY_ID.match(key_id):
        return None
    stored = session.scalar(
        select(BadgeSigningKey.public_jwk).where(BadgeSigningKey.key_id == key_id)
    )
    if stored is None:
        return None
    return {**json.loads(stored), "kid": key_id, "alg": ALGORITHM, "use": "sig"}


def sign_credential(credential: dict[str, Any], key: IssuerKey, base_url: str) -> str:
    """The credential as a compact VC-JWT."""
    claims = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["nbf"] = _epoch(credential["validFrom"])
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key_url(base_url, key.key_id)}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, key.private, algorithms=[ALGORITHM])


@dataclass(frozen=True)
class CheckedToken:
    """What checking a VC-JWT found: ``valid`` with the credential, or the reason it is not."""

    valid: bool
    credential: dict[str, Any] | None
    reason: str = ""


def check_token(session: Session, token: str) -> CheckedToken:
    """Check a VC-JWT's signature with the issuer key its ``kid`` names (a key this Lodestar
    issued; a key carried in the token itself is never trusted) and that its registered claims
    agree with the credential."""
    try:
        header = jws.extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError):
        return CheckedToken(False, None, "The credential is not a well-formed JWT.")
    key_id = str(header.get("kid", "")).rsplit("/", 1)[-1]
    jwk = public_jwk(session, key_id)
    if jwk is None or header.get("alg") != ALGORITHM:
        return CheckedToken(False, None, "The credential was not signed with a key of this issuer.")
    try:
        opened = jws.deserialize_compact(token, RSAKey.import_key(jwk), algorithms=[ALGORITHM])
        claims = json.loads(opened.payload)
    except (JoseError, ValueError):
        return CheckedToken(
            False, None, "The signature does not match: the credential was changed."
        )
    if (
        claims.get("iss") != claims.get("issuer", {}).get("id")
        or claims.get("jti") != claims.get("id")
        or claims.get("nbf") != _epoch(claims.get("validFrom", ""))
    ):
        return CheckedToken(False, None, "The credential's claims contradict each other.")
    credential = {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub")}
    return CheckedToken(True, credential)


def _epoch(value: str) -> int:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return -1
    return int(moment.astimezone(UTC).timestamp())
