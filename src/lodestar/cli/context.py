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
    from lodestar.services.lookups import actor_by_email, first_administrator

    email = email or os.environ.get("LODESTAR_CLI_USER")
    try:
        return actor_by_email(session, email) if email else first_administrator(session)
    except LodestarError as exc:
        raise fail(exc) from None


def find_program_id(session: Session, reference: str) -> int:
    """The program a command names by code or number; a sentence when there is none."""
    from lodestar.services.lookups import program_id_by_reference

    try:
        return program_id_by_reference(session, reference)
    except LodestarError as exc:
        raise fail(exc) from None


AS_OPTION = typer.Option(None, "--as", help="Act as this user (email). Default: the first admin.")
