"""Accounts: creating them, finding them, and what an administrator changes on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import ApiToken, Department, SignInFailure, User, UserSession
from lodestar.domain.options import ROLES, check_option
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.accounts.passwords import (
    check_new_password,
    hash_password,
    password_matches,
)


@dataclass(frozen=True)
class Account:
    """What adapters see of a user: never the password hash."""

    id: int
    email: str
    name: str
    role: str
    department_id: int | None
    job_title: str | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(
            user.id,
            user.email,
            user.name,
            user.role,
            user.department_id,
            user.job_title,
            bool(user.is_active),
        )


class _Person(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def department_id(self) -> int | None: ...


def actor_of(user: _Person) -> Actor:
    return Actor(user.id, user.name, check_option(user.role, ROLES, "role"), user.department_id)


def normalise_email(email: str) -> str:
    return email.strip().lower()


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
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidInput(
            f"{email!r} is not an email address. Enter an address like ana@example.com."
        )
    if not fast_hash:
        check_new_password(password)
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


def list_users(session: Session) -> list[Account]:
    return [Account.of(u) for u in session.scalars(select(User).order_by(User.role, User.name))]


def find_account(session: Session, email: str) -> Account:
    return Account.of(_user_by_email(session, email))


def end_sessions_of(session: Session, user_id: int) -> int:
    """Sign the user out everywhere: every browser session ends; returns how many."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def forget_credentials(session: Session, user_id: int) -> None:
    """Delete everything that lets the account sign in or names it in sign-in records: its
    sessions, its API tokens (their names may be personal) and failed sign-ins under its
    e-mail. For erasure; the account row itself is the caller's to pseudonymise."""
    user = session.get(User, user_id)
    end_sessions_of(session, user_id)
    session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    if user is not None:
        session.execute(delete(SignInFailure).where(SignInFailure.email == user.email.lower()))
    session.flush()


def deactivate_user(session: Session, actor: Actor, email: str) -> Account:
    """The account can no longer sign in: its sessions end and its API tokens are revoked
    (reactivating it later revives neither)."""
    _require_admin(actor, "deactivate an account")
    user = _user_by_email(session, email)
    if user.role == "admin" and user.is_active and _active_admins(session) <= 1:
        raise Conflict(
            f"{user.email} is the last active administrator, so deactivating it would leave "
            "nobody to manage accounts. Make another account an administrator first."
        )
    user.is_active = False
    end_sessions_of(session, user.id)
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()
    audit.record(session, actor, "user.deactivate", "user", user.id, user.email)
    return Account.of(user)


def reactivate_user(session: Session, actor: Actor, email: str) -> Account:
    _require_admin(actor, "reactivate an account")
    user = _user_by_email(session, email)
    user.is_active = True
    session.flush()
    audit.record(session, actor, "user.reactivate", "user", user.id, user.email)
    return Account.of(user)


def reset_password(session: Session, actor: Actor, email: str, new_password: str) -> Account:
    """Set a new password for someone who forgot theirs; every session of theirs ends."""
    _require_admin(actor, "reset another person's password")
    user = _user_by_email(session, email)
    check_new_password(new_password)
    user.password_hash = hash_password(new_password)
    end_sessions_of(session, user.id)
    session.flush()
    audit.record(session, actor, "user.reset_password", "user", user.id, user.email)
    return Account.of(user)


def change_own_password(session: Session, actor: Actor, current: str, new_password: str) -> None:
    """The signed-in person's new password, after their current one; every session of theirs
    ends (the caller starts a new one for the browser that asked)."""
    user = session.get(User, actor.user_id)
    if user is None or not password_matches(user.password_hash, current):
        raise InvalidInput(
            "The current password is not right, so the password was not changed. Type your "
            "current password again."
        )
    check_new_password(new_password)
    user.password_hash = hash_password(new_password)
    end_sessions_of(session, user.id)
    session.flush()
    audit.record(session, actor, "user.change_password", "user", user.id)


def set_department(session: Session, actor: Actor, email: str, department: str) -> Account:
    """Whose department a manager (or any account) belongs to, by the department's name or id.
    Managers see and raise requests for their own department."""
    _require_admin(actor, "change an account's department")
    user = _user_by_email(session, email)
    found = _department(session, department)
    user.department_id = found.id
    session.flush()
    audit.record(session, actor, "user.set_department", "user", user.id, found.name)
    return Account.of(user)


def department_name(session: Session, department_id: int | None) -> str | None:
    if department_id is None:
        return None
    dept = session.get(Department, department_id)
    return dept.name if dept else None


def _department(session: Session, wanted: str) -> Department:
    text = wanted.strip()
    query = select(Department).where(
        (func.lower(Department.name) == text.lower())
        | (func.lower(Department.code) == text.lower())
    )
    if text.isdigit():
        query = select(Department).where(Department.id == int(text))
    dept = session.scalar(query)
    if dept is None:
        names = list(session.scalars(select(Department.name).order_by(Department.name)))
        listed = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
        raise NotFound(
            f"There is no department called {wanted!r}. Use one of: {listed or 'none yet'}."
            if names
            else f"There is no department called {wanted!r}: import the organisation first."
        )
    return dept


def _user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None:
        raise NotFound(f"No account uses {email}. List accounts with `lodestar users list`.")
    return user


def _active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(User).where(User.role == "admin", User.is_active)
        )
        or 0
    )


def _require_admin(actor: Actor, doing: str) -> None:
    if actor.role != "admin":
        raise PermissionDenied(
            f"Only an administrator can {doing}. Ask one, or run the command with --as and an "
            "administrator's email."
        )
