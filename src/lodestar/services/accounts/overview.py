"""What an administrator sees of the accounts: each one with its role, department, whether it
can sign in, when it last did, and how many API tokens work. The accounts page and its actions
(web/routes/admin_pages.py) read from here; the changes themselves are in ``users`` and
``tokens``, audited there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import ApiToken, Department, User
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services.accounts.users import Account


@dataclass(frozen=True)
class AccountRow:
    """One account on the administrators' accounts page."""

    account: Account
    department: str | None
    last_sign_in_at: datetime | None
    working_tokens: int


def accounts_overview(session: Session, actor: Actor) -> list[AccountRow]:
    """Every account, active ones first, by role and name."""
    _require_admin(actor)
    working = (
        select(ApiToken.user_id, func.count().label("n"))
        .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        .group_by(ApiToken.user_id)
        .subquery()
    )
    rows = session.execute(
        select(User, Department.name, func.coalesce(working.c.n, 0))
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(working, working.c.user_id == User.id)
        .order_by(User.is_active.desc(), User.role, User.name)
    )
    return [
        AccountRow(Account.of(user), dept, _utc(user.last_sign_in_at), int(n))
        for user, dept, n in rows
    ]


def account_row(session: Session, actor: Actor, user_id: int) -> AccountRow:
    """One account, by its number; NotFound with a sentence if there is none."""
    found = next((r for r in accounts_overview(session, actor) if r.account.id == user_id), None)
    if found is None:
        raise NotFound(
            f"There is no account #{user_id}. Open the list of accounts and pick one from it."
        )
    return found


def department_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Every department as (id, name), for choosing an account's department."""
    _require_admin(actor)
    return [
        (dept_id, name)
        for dept_id, name in session.execute(
            select(Department.id, Department.name).order_by(Department.name)
        )
    ]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise PermissionDenied(
            "Only an administrator can see and manage every account. Your own account is on "
            "your account page."
        )
