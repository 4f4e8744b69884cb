"""Signing in with an e-mail and password: throttled, and as slow for an unknown e-mail as for
a known one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.config import SecuritySettings
from lodestar.db.base import utcnow
from lodestar.db.models import User
from lodestar.errors import LodestarError, NotSignedIn
from lodestar.services.accounts import throttle
from lodestar.services.accounts.passwords import password_matches, spend_a_verification
from lodestar.services.accounts.users import Account, normalise_email

WRONG = (
    "The email or password is not right. Check both and try again; ask an administrator to "
    "reset your password if you have forgotten it."
)


@dataclass(frozen=True)
class SignInResult:
    """Either the account, or the refusal to show. A refusal is returned, not raised: the
    failure it recorded must be committed with the response."""

    account: Account | None
    refusal: LodestarError | None = None


def sign_in(
    session: Session, email: str, password: str, *, address: str, rules: SecuritySettings
) -> SignInResult:
    """Check the password of the active account with this e-mail.

    Refused without looking at the password while the e-mail or the address is paused; a
    wrong password, an unknown e-mail or a deactivated account all get the same answer after
    the same work (one argon2 verification), and count as a failure.
    """
    key = normalise_email(email)
    pause = throttle.current_pause(session, rules, email=key, address=address)
    if pause is not None:
        return SignInResult(None, pause.refusal(utcnow()))
    user = session.scalar(select(User).where(func.lower(User.email) == key))
    if user is None or not user.is_active:
        spend_a_verification(password)
        ok = False
    else:
        ok = password_matches(user.password_hash, password)
    if not ok or user is None:
        throttle.record_failure(session, email=key, address=address)
        return SignInResult(None, NotSignedIn(WRONG))
    throttle.clear_failures(session, email=key)
    return SignInResult(Account.of(user))


def authenticate(session: Session, email: str, password: str) -> Account:
    """The active account with this e-mail and password, or NotSignedIn (unthrottled: for
    scripts and tests that already hold the password)."""
    user = session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None or not user.is_active:
        spend_a_verification(password)
        raise NotSignedIn(WRONG)
    if not password_matches(user.password_hash, password):
        raise NotSignedIn(WRONG)
    return Account.of(user)
