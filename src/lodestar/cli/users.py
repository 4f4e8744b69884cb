"""`lodestar users`: accounts and API tokens."""

from __future__ import annotations

import typer

from lodestar.cli.context import fail, session_scope

app = typer.Typer(help="Accounts and API tokens.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the accounts and their roles."""
    from lodestar.services.accounts import list_users

    with session_scope() as session:
        for u in list_users(session):
            typer.echo(f"{u.id:>4}  {u.role:<10} {u.email:<34} {u.name}")


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
    from lodestar.errors import LodestarError
    from lodestar.services.accounts import create_user

    with session_scope() as session:
        try:
            user = create_user(session, email=email, name=name, role=role, password=password)
        except LodestarError as exc:
            raise fail(exc) from None
        typer.echo(f"Created account #{user.id} for {user.email} ({user.role}).")


@app.command("token")
def token(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Issue a new API token (the old one stops working). Shown once."""
    from sqlalchemy import select

    from lodestar.db.models import User
    from lodestar.errors import NotFound
    from lodestar.services.accounts import issue_api_token

    with session_scope() as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise fail(
                NotFound(f"No account uses {email}. List accounts with `lodestar users list`.")
            )
        typer.echo(issue_api_token(session, user))
