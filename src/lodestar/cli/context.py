"""What every command needs: settings, a migrated database, a unit of work, the acting user."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

import typer

from lodestar.errors import InvalidInput, LodestarError

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


@contextmanager
def program_scope(program: str, email: str | None) -> Iterator[tuple[Session, Actor, int]]:
    """``session_scope`` with the acting user and the program a command names."""
    with session_scope() as session:
        yield session, acting_user(session, email), find_program_id(session, program)


def parse_date(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value as a date (None when left out); a sentence when it is not one."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(
            InvalidInput(
                f"{option} '{text}' is not a date. Write it as YYYY-MM-DD, e.g. 2026-03-02."
            )
        ) from None


def find_team_ids(session: Session, text: str) -> list[int]:
    """Team numbers and department codes (``3,4,7`` or ``sales``) as team ids."""
    from lodestar.services.lookups import team_ids_by_reference

    try:
        return team_ids_by_reference(session, text)
    except LodestarError as exc:
        raise fail(exc) from None


AS_OPTION = typer.Option(None, "--as", help="Act as this user (email). Default: the first admin.")
