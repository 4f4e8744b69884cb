"""Browser sessions kept server-side: the cookie carries only a random token, the database its
hash, the account and an expiry. Ending the row ends the session, wherever the cookie went."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import User, UserSession
from lodestar.errors import NotSignedIn
from lodestar.services.accounts.users import Account


def new_session_token() -> str:
    """A random token for a browser that is not signed in (it keys the CSRF token)."""
    return secrets.token_urlsafe(32)


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user_id: int, *, max_age_seconds: int) -> str:
    """A new session for the account; returns the token for the cookie (kept nowhere else).
    Expired sessions are cleared out on the way."""
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    token = new_session_token()
    session.add(
        UserSession(
            user_id=user_id,
            token_hash=secret_hash(token),
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
        )
    )
    session.flush()
    return token


def account_for_session(session: Session, token: str | None) -> Account:
    """The active account signed in with this token, or NotSignedIn."""
    user = None
    if token:
        user = session.scalar(
            select(User)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == secret_hash(token), UserSession.expires_at > utcnow())
        )
    if user is None or not user.is_active:
        raise NotSignedIn("Sign in to continue.")
    return Account.of(user)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == secret_hash(token)))
