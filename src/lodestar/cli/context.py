"""What every command needs: settings, a migrated database, a unit of work, the acting user."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from lodestar.errors import LodestarError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lodestar.domain.roles import Actor


def fail(exc: LodestarError) -> typer.Exit:
    typer.echo(f"Error: {exc.message}", err=True)
    return typer.Exit(code=1)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A migrated database and one transaction; errors are printed, not traced."""
    from lodestar.config import get_settings
    from lodestar.db.session import check_ready, make_engine, session_factory, unit_of_work

    try:
        engine = make_engine(get_settings().database_url)
        check_ready(engine)
        with unit_of_work(session_factory(engine)) as session:
            yield session
    except LodestarError as exc:
        raise fail(exc) from None


def acting_user(session: Session, email: str | None) -> Actor:
    """The actor for a command: --as EMAIL, LODESTAR_CLI_USER, or the first administrator."""
    from sqlalchemy import select

    from lodestar.db.models import User
    from lodestar.errors import NotFound
    from lodestar.services.accounts import actor_of

    email = email or os.environ.get("LODESTAR_CLI_USER")
    if email:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise fail(
                NotFound(f"No account uses {email}. List accounts with `lodestar users list`.")
            )
    else:
        user = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
        if user is None:
            raise fail(
                NotFound(
                    "There is no administrator to act as. Create one with `lodestar users create "
                    "--role admin`, or pass --as EMAIL."
                )
            )
    return actor_of(user)


AS_OPTION = typer.Option(None, "--as", help="Act as this user (email). Default: the first admin.")
