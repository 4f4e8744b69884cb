"""`lodestar users`: accounts, their API tokens, and what an administrator changes on them.

Commands that change an account act as an administrator (--as EMAIL, LODESTAR_CLI_USER, or the
first administrator): the services refuse anyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Accounts and API tokens.", no_args_is_help=True)
EMAIL = typer.Argument(..., help="The account's email.")
T = TypeVar("T")


def _run(work: Callable[[], T]) -> T:
    from lodestar.errors import LodestarError

    try:
        return work()
    except LodestarError as exc:
        raise fail(exc) from None


@app.command("list")
def list_() -> None:
    """List the accounts, their roles and whether they can sign in."""
    from lodestar.services.accounts import list_users

    with session_scope() as session:
        for u in list_users(session):
            state = "" if u.is_active else "  (deactivated)"
            typer.echo(f"{u.id:>4}  {u.role:<10} {u.email:<34} {u.name}{state}")


@app.command("create")
def create(
    email: str = typer.Option(..., help="Sign-in email."),
    name: str = typer.Option(..., help="Full name."),
    role: str = typer.Option(..., help="admin, ld, manager, executive or employee."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."
    ),
) -> None:
    """Create an account."""
    from lodestar.services.accounts import create_user

    with session_scope() as session:
        user = _run(
            lambda: create_user(session, email=email, name=name, role=role, password=password)
        )
        typer.echo(f"Created account #{user.id} for {user.email} ({user.role}).")


@app.command("deactivate")
def deactivate(email: str = EMAIL, as_: str | None = AS_OPTION) -> None:
    """Stop an account signing in: its sessions end and its API tokens are revoked."""
    from lodestar.services.accounts import deactivate_user

    with session_scope() as session:
        account = _run(lambda: deactivate_user(session, acting_user(session, as_), email))
        typer.echo(
            f"{account.email} is deactivated: signed out everywhere, API tokens revoked. "
            "`lodestar users reactivate` lets it sign in again (with new sessions and tokens)."
        )


@app.command("reactivate")
def reactivate(email: str = EMAIL, as_: str | None = AS_OPTION) -> None:
    """Let a deactivated account sign in again (old sessions and tokens stay ended)."""
    from lodestar.services.accounts import reactivate_user

    with session_scope() as session:
        account = _run(lambda: reactivate_user(session, acting_user(session, as_), email))
        typer.echo(f"{account.email} can sign in again.")


@app.command("reset-password")
def reset_password(
    email: str = EMAIL,
    password: str = typer.Option(
        ...,
        prompt="New password",
        hide_input=True,
        confirmation_prompt=True,
        help="At least 10 characters.",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Set a new password for someone who forgot theirs; every session of theirs ends."""
    from lodestar.services.accounts import reset_password as reset

    with session_scope() as session:
        account = _run(lambda: reset(session, acting_user(session, as_), email, password))
        typer.echo(f"The password of {account.email} is changed; they are signed out everywhere.")


@app.command("set-department")
def set_department(
    email: str = EMAIL,
    department: str = typer.Argument(..., help="The department's name, code or number."),
    as_: str | None = AS_OPTION,
) -> None:
    """Set the department an account belongs to (a manager's decides whose requests they see)."""
    from lodestar.services.accounts import department_name
    from lodestar.services.accounts import set_department as set_dept

    with session_scope() as session:
        account = _run(lambda: set_dept(session, acting_user(session, as_), email, department))
        typer.echo(
            f"{account.email} now belongs to {department_name(session, account.department_id)}."
        )


@app.command("token")
def token(
    email: str = EMAIL,
    name: str = typer.Option("API token", help="What the token is for."),
    days: int = typer.Option(90, help="Days until it stops working (1-366)."),
    as_: str | None = AS_OPTION,
) -> None:
    """Create a named API token that expires (shown once; the account's other tokens keep
    working)."""
    from lodestar.services.accounts import TokenInput, create_token, find_account

    with session_scope() as session:

        def work():  # type: ignore[no-untyped-def]
            account = find_account(session, email)
            data = TokenInput(name=name, expires_in_days=days)
            return create_token(session, acting_user(session, as_), account.id, data)

        new = _run(_validated(work))
        typer.echo(new.token)
        typer.echo(
            f"Token #{new.info.id} '{new.info.name}' expires on {new.info.expires_at:%d %b %Y}. "
            "Send it as 'Authorization: Bearer <token>'; it is not shown again.",
            err=True,
        )


@app.command("tokens")
def tokens(email: str = EMAIL, as_: str | None = AS_OPTION) -> None:
    """List an account's API tokens: name, first characters, expiry, state."""
    from lodestar.services.accounts import find_account, list_tokens

    with session_scope() as session:
        account = _run(lambda: find_account(session, email))
        rows = _run(lambda: list_tokens(session, acting_user(session, as_), account.id))
        if not rows:
            typer.echo(f"{account.email} has no API tokens.")
        for t in rows:
            typer.echo(
                f"{t.id:>4}  {t.state:<8} {t.prefix}…  expires {t.expires_at:%Y-%m-%d}  {t.name}"
            )


@app.command("revoke-token")
def revoke_token(
    email: str = EMAIL,
    token_id: int = typer.Argument(..., help="The token's number (see `lodestar users tokens`)."),
    as_: str | None = AS_OPTION,
) -> None:
    """Revoke one API token: it stops working at once."""
    from lodestar.services.accounts import find_account
    from lodestar.services.accounts import revoke_token as revoke

    with session_scope() as session:
        account = _run(lambda: find_account(session, email))
        info = _run(lambda: revoke(session, acting_user(session, as_), account.id, token_id))
        typer.echo(f"Token #{info.id} '{info.name}' of {account.email} is revoked.")


def _validated(work: Callable[[], T]) -> Callable[[], T]:
    """``work``, with a pydantic refusal of the options turned into a sentence."""
    from pydantic import ValidationError

    from lodestar.errors import InvalidInput
    from lodestar.services.accounts import MAX_TOKEN_DAYS as MAX_DAYS

    def run() -> T:
        try:
            return work()
        except ValidationError:
            raise InvalidInput(
                f"A token needs a name of 1 to 80 characters and --days from 1 to {MAX_DAYS}. "
                "Correct the options and run the command again."
            ) from None

    return run
