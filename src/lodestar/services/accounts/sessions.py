"""Browser sessions kept server-side: the cookie carries only a random token, the database its
hash, the account and an expiry. Ending the row ends the session, wherever the cookie went.

A session ends at whichever comes first: ``session_idle_seconds`` without a request (the idle
timeout), or ``session_max_age_seconds`` after sign-in (the absolute lifetime, however busy).
``expires_at`` holds that moment. Each request moves it on to the idle timeout from now, never
past the absolute end; to spare a database write per request, only when that moves it by at
least ``TOUCH_EVERY`` (so a session is written about once a minute while in use).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.config import SecuritySettings
from lodestar.db.base import utcnow
from lodestar.db.models import User, UserSession
from lodestar.errors import NotSignedIn
from lodestar.services.accounts.users import Account

TOUCH_EVERY = timedelta(seconds=60)


def new_session_token() -> str:
    """A random token for a browser that is not signed in (it keys the CSRF token)."""
    return secrets.token_urlsafe(32)


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user_id: int, *, rules: SecuritySettings) -> str:
    """A new session for the account; returns the token for the cookie (kept nowhere else).
    Expired sessions are cleared out on the way."""
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    token = new_session_token()
    row = UserSession(user_id=user_id, token_hash=secret_hash(token), created_at=now)
    row.expires_at = _deadline(row, now, rules)
    session.add(row)
    user = session.get(User, user_id)
    if user is not None:
        user.last_sign_in_at = now
    session.flush()
    return token


def account_for_session(session: Session, token: str | None, *, rules: SecuritySettings) -> Account:
    """The active account signed in with this token, or NotSignedIn; the session's idle
    deadline moves on (at most once every ``TOUCH_EVERY``)."""
    found = None
    now = utcnow()
    if token:
        found = session.execute(
            select(UserSession, User)
            .join(User, UserSession.user_id == User.id)
            .where(
                UserSession.token_hash == secret_hash(token),
                UserSession.expires_at > now,
                # The absolute lifetime, also when it was shortened after sign-in.
                UserSession.created_at > now - timedelta(seconds=rules.session_max_age_seconds),
            )
        ).first()
    if found is None or not found[1].is_active:
        raise NotSignedIn("Sign in to continue.")
    row, user = found
    deadline = _deadline(row, now, rules)
    if deadline - _utc(row.expires_at) >= TOUCH_EVERY:
        row.expires_at = deadline
        session.flush()
    return Account.of(user)


def _deadline(row: UserSession, now: datetime, rules: SecuritySettings) -> datetime:
    """When the session ends if nothing else happens: idle from now, capped at its absolute
    end."""
    idle_end = now + timedelta(seconds=rules.session_idle_seconds)
    absolute_end = _utc(row.created_at) + timedelta(seconds=rules.session_max_age_seconds)
    return min(idle_end, absolute_end)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite keeps no zone


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == secret_hash(token)))
