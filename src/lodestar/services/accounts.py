"""Accounts: creating users, signing in, API tokens, turning a user into an Actor."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import User
from lodestar.domain.options import ROLES, check_option
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotSignedIn

_hasher = PasswordHasher()
# Cheap parameters for demo personas and tests: demo passwords are public anyway.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
MIN_PASSWORD = 10


def hash_password(password: str, *, fast: bool = False) -> str:
    return (_fast_hasher if fast else _hasher).hash(password)


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.name, check_option(user.role, ROLES, "role"), user.department_id)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    department_id: int | None = None,
    job_title: str | None = None,
    fast_hash: bool = False,
) -> User:
    """A new account; the password is stored only as an argon2 hash."""
    check_option(role, ROLES, "role")
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput(
            f"{email!r} is not an email address. Enter an address like ana@example.com."
        )
    if len(password) < MIN_PASSWORD and not fast_hash:
        raise InvalidInput(
            f"The password is too short. Use at least {MIN_PASSWORD} characters; a phrase of a "
            "few words is easy to remember and hard to guess."
        )
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict(f"An account for {email} already exists. Sign in, or use another address.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password, fast=fast_hash),
        department_id=department_id,
        job_title=job_title,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this email and password, or NotSignedIn."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    failure = NotSignedIn(
        "The email or password is not right. Check both and try again; ask an administrator "
        "to reset your password if you have forgotten it."
    )
    if user is None or not user.is_active:
        raise failure
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    return user


def issue_api_token(session: Session, user: User) -> str:
    """A new API token for ``user`` (shown once; only its hash is kept)."""
    token = "lsk_" + secrets.token_urlsafe(32)
    user.api_token_hash = _token_hash(token)
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    user = session.scalar(select(User).where(User.api_token_hash == _token_hash(token)))
    if user is None or not user.is_active:
        raise NotSignedIn(
            "The API token is not valid. Create a new one with `lodestar users token EMAIL` "
            "and send it as 'Authorization: Bearer <token>'."
        )
    return user


def active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotSignedIn("Your session has ended. Sign in again to continue.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.name)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
