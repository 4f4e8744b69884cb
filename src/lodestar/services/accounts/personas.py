"""Demo personas: password-less sign-in, only on a database the demo created.

The demo seed marks its workspace (``workspace_meta['demo_accounts']``) with the accounts it
made. One-click sign-in is offered only while every account in the database is one of those:
a real database, or a demo database someone has added real accounts to, never offers it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import User, WorkspaceMeta
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services.accounts.users import Account

DEMO_ACCOUNTS_KEY = "demo_accounts"
NOT_A_DEMO = (
    "One-click sign-in is only for a database the demo created, and this one holds accounts "
    "the demo did not create. Sign in with your email and password."
)


def mark_demo_workspace(session: Session) -> None:
    """Record every account now in the database as a demo persona (the demo seed's last step)."""
    ids = sorted(session.scalars(select(User.id)))
    session.merge(WorkspaceMeta(key=DEMO_ACCOUNTS_KEY, value={"user_ids": ids}))
    session.flush()


def demo_personas(session: Session) -> list[Account]:
    """The active demo personas, or none unless every account is one the demo created."""
    meta = session.get(WorkspaceMeta, DEMO_ACCOUNTS_KEY)
    if meta is None:
        return []
    demo_ids = set(meta.value.get("user_ids", []))
    users = list(session.scalars(select(User).order_by(User.id)))
    if not users or any(u.id not in demo_ids for u in users):
        return []
    return [Account.of(u) for u in users if u.is_active]


def is_demo_workspace(session: Session) -> bool:
    return bool(demo_personas(session))


def persona_for_sign_in(session: Session, user_id: int) -> Account:
    personas = demo_personas(session)
    if not personas:
        raise PermissionDenied(NOT_A_DEMO)
    for persona in personas:
        if persona.id == user_id:
            return persona
    raise NotFound(f"There is no demo persona #{user_id}. Choose one on the sign-in page.")
