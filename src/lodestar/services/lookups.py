"""Finding things by the names people type: the account a command acts as, a program by its code.

The adapters never query the ORM models themselves (an import-linter contract says so); when a
command line or a form names something by code or e-mail, it is looked up here, with the
sentence to show when nothing matches.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, User
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound
from lodestar.services.accounts import actor_of


def actor_by_email(session: Session, email: str) -> Actor:
    """The actor for the account with this e-mail (case does not matter)."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise NotFound(f"No account uses {email}. List accounts with `lodestar users list`.")
    return actor_of(user)


def first_administrator(session: Session) -> Actor:
    """The administrator a command acts as when no one is named: the first one created."""
    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
    if user is None:
        raise NotFound(
            "There is no administrator to act as. Create one with `lodestar users create "
            "--role admin`, or pass --as EMAIL."
        )
    return actor_of(user)


def program_id_by_reference(session: Session, reference: str) -> int:
    """The id of the program with this code, or with this number when ``reference`` is one."""
    ref = reference.strip()
    condition = Program.code == ref
    if ref.isdigit():
        condition = condition | (Program.id == int(ref))
    program_id = session.scalar(select(Program.id).where(condition).order_by(Program.id).limit(1))
    if program_id is None:
        raise NotFound(
            f"There is no program '{reference}'. List programs with `lodestar impact list`."
        )
    return int(program_id)


__all__ = ["actor_by_email", "first_administrator", "program_id_by_reference"]
