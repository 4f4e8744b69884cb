"""`lodestar badges`: list awarded badges and revoke one. See docs/quizzes-and-badges.md."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope
from lodestar.domain.open_badges import REVOCATION_REASONS

app = typer.Typer(help="Badges awarded as Open Badges 3.0 credentials.", no_args_is_help=True)


@app.command("list")
def list_badges(
    search: str = typer.Option("", "--search", help="Part of the badge's or holder's name."),
    as_: str | None = AS_OPTION,
) -> None:
    """Awarded badges, newest first, with their ids (L&D and administrators)."""
    from lodestar.errors import LodestarError
    from lodestar.services import badges

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            rows = badges.awarded_badges(session, actor, search=search)
        except LodestarError as exc:
            raise fail(exc) from None
    for b in rows:
        state = f"revoked {b.revoked_at:%Y-%m-%d}" if b.revoked_at else "valid"
        typer.echo(f"{b.public_id}  {b.name} · {b.recipient} · {b.awarded_at:%Y-%m-%d} · {state}")


@app.command("revoke")
def revoke(
    public_id: str = typer.Argument(..., help="The badge's id (from `lodestar badges list`)."),
    reason: str = typer.Option(
        ..., "--reason", help=f"Why, shown in neutral words: {', '.join(REVOCATION_REASONS)}."
    ),
    note: str = typer.Option("", "--note", help="More detail, kept in the audit log only."),
    as_: str | None = AS_OPTION,
) -> None:
    """Revoke a badge: its public page then says so and it no longer verifies."""
    from lodestar.errors import LodestarError
    from lodestar.services import badges

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            done = badges.revoke_badge(session, actor, public_id, reason, note)
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(f"Revoked “{done.name}” of {done.recipient}: {done.reason_sentence}")
