"""API tokens: named, with an expiry, listed and revoked by their owner (or an administrator).

A token is shown once when created; only its SHA-256 hash is stored (the token is 256 random
bits, so a slow hash would add nothing), with its first characters to tell tokens apart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import ApiToken, User
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound, NotSignedIn, PermissionDenied
from lodestar.services import audit
from lodestar.services.accounts.sessions import secret_hash
from lodestar.services.accounts.users import Account
from lodestar.services.input_fields import TypedInput

PREFIX = "lsk_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
TokenState = Literal["active", "expired", "revoked"]


class TokenInput(TypedInput):
    name: str = Field(
        min_length=1, max_length=80, title="Name", description="What the token is for."
    )
    expires_in_days: int = Field(
        DEFAULT_DAYS,
        ge=1,
        le=MAX_DAYS,
        title="Days until it expires",
        description=f"Days until it stops working (1-{MAX_DAYS}).",
    )


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    state: TokenState

    @classmethod
    def of(cls, row: ApiToken, now: datetime) -> TokenInfo:
        created, expires = _utc(row.created_at), _utc(row.expires_at)
        revoked = _utc(row.revoked_at) if row.revoked_at else None
        state: TokenState = "revoked" if revoked else "expired" if expires <= now else "active"
        return cls(row.id, row.name, row.prefix, created, expires, revoked, state)


@dataclass(frozen=True)
class NewToken:
    info: TokenInfo
    token: str  # shown once


def create_token(session: Session, actor: Actor, user_id: int, data: TokenInput) -> NewToken:
    """A new token for the account ``user_id`` (the actor's own, or any for an admin)."""
    _require_owner(actor, user_id)
    name = data.name.strip()
    if not name:
        raise InvalidInput("Give the token a name that says what it is for, e.g. 'Reporting'.")
    token = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=secret_hash(token),
        prefix=token[:10],
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", "api_token", row.id, name)
    return NewToken(TokenInfo.of(row, now), token)


def list_tokens(session: Session, actor: Actor, user_id: int) -> list[TokenInfo]:
    _require_owner(actor, user_id)
    now = utcnow()
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    )
    return [TokenInfo.of(r, now) for r in rows]


def revoke_token(session: Session, actor: Actor, user_id: int, token_id: int) -> TokenInfo:
    _require_owner(actor, user_id)
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(
            f"There is no API token #{token_id} on this account. List the account's tokens to "
            "find the one to revoke."
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "token.revoke", "api_token", row.id, row.name)
    return TokenInfo.of(row, utcnow())


def account_for_token(session: Session, token: str) -> Account:
    """The active account holding this token, or NotSignedIn saying what to do."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == secret_hash(token))
    ).first()
    renew = (
        "Create a new one on your account page (/account) or with `lodestar users token EMAIL`, "
        "and send it as 'Authorization: Bearer <token>'."
    )
    if found is None:
        raise NotSignedIn(f"The API token is not valid. {renew}")
    row, user = found[0], found[1]
    info = TokenInfo.of(row, utcnow())
    if info.state == "revoked" and info.revoked_at is not None:
        raise NotSignedIn(
            f"The API token '{row.name}' was revoked on {info.revoked_at:%d %b %Y}. {renew}"
        )
    if info.state == "expired":
        raise NotSignedIn(
            f"The API token '{row.name}' expired on {info.expires_at:%d %b %Y}. {renew}"
        )
    if not user.is_active:
        raise NotSignedIn(
            "The account this API token belongs to is deactivated. Ask an administrator."
        )
    return Account.of(user)


def issue_api_token(
    session: Session, user: User | Account, *, name: str = "API token", days: int = DEFAULT_DAYS
) -> str:
    """A new token for ``user``, as the user (for scripts and tests); shown once."""
    from lodestar.services.accounts.users import actor_of

    return create_token(
        session, actor_of(user), user.id, TokenInput(name=name, expires_in_days=days)
    ).token


def _require_owner(actor: Actor, user_id: int) -> None:
    if actor.user_id != user_id and actor.role != "admin":
        raise PermissionDenied(
            "You can manage only your own API tokens. Ask an administrator for anyone else's."
        )


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
