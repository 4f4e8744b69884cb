"""HTTP Basic credentials for the xAPI endpoint, one per source (an LMS, a course player, a
cmi5 course). The key is public; the secret is shown once, when made, and kept only as its
SHA-256 (it is 256 random bits, so a slow password hash would add nothing but latency to
every statement batch). The credential's agent is the authority of what the source sends.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import XapiCredential
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit

AUTHORITY_HOME = "urn:lodestar:xapi:credential"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,119}$")


@dataclass(frozen=True)
class CredentialInfo:
    id: int
    name: str
    key: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewCredential:
    """A credential just made: the only time its secret is known."""

    info: CredentialInfo
    secret: str


@dataclass(frozen=True)
class Source:
    """The source a request came from: its credential id and its authority agent."""

    id: int
    name: str
    authority: dict[str, Any]


def authority_of(name: str, key: str) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": AUTHORITY_HOME, "name": key},
    }


def _require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise PermissionDenied(
            "Only an administrator manages xAPI credentials; ask one to do this for you."
        )


def _info(row: XapiCredential) -> CredentialInfo:
    return CredentialInfo(row.id, row.name, row.key, row.created_at, row.revoked_at)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_credential(session: Session, actor: Actor, name: str) -> NewCredential:
    """A new key and secret for the source ``name`` (letters, digits, space, . _ -)."""
    _require_admin(actor)
    name = name.strip()
    if not NAME.match(name):
        raise InvalidInput(
            "Name the source with 1 to 120 letters, digits, spaces, dots, dashes or "
            "underscores, for example “moodle” or “course-player”."
        )
    if session.scalar(select(XapiCredential.id).where(XapiCredential.name == name)):
        raise Conflict(
            f"A credential named “{name}” exists already. Choose another name, or revoke "
            "that one first if it is to be replaced."
        )
    key = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    row = XapiCredential(name=name, key=key, secret_hash=_hash(secret))
    session.add(row)
    session.flush()
    audit.record(session, actor, "xapi.credential.create", "xapi_credential", row.id, name)
    return NewCredential(_info(row), secret)


def list_credentials(session: Session, actor: Actor) -> list[CredentialInfo]:
    _require_admin(actor)
    rows = session.scalars(select(XapiCredential).order_by(XapiCredential.name))
    return [_info(r) for r in rows]


def revoke_credential(session: Session, actor: Actor, name_or_key: str) -> CredentialInfo:
    """Revoke the credential with that name or key; what it sent stays stored."""
    _require_admin(actor)
    row = session.scalar(
        select(XapiCredential).where(
            (XapiCredential.name == name_or_key) | (XapiCredential.key == name_or_key)
        )
    )
    if row is None:
        raise NotFound(
            f"No xAPI credential is named “{name_or_key}”. `lodestar xapi credentials list` "
            "shows the names."
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, actor, "xapi.credential.revoke", "xapi_credential", row.id, row.name)
    return _info(row)


def authenticate(session: Session, key: str, secret: str) -> Source | None:
    """The source whose active credential is ``key`` with ``secret``, or None."""
    row = session.execute(
        select(XapiCredential.id, XapiCredential.name, XapiCredential.secret_hash).where(
            XapiCredential.key == key, XapiCredential.revoked_at.is_(None)
        )
    ).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    return Source(row.id, row.name, authority_of(row.name, key))
