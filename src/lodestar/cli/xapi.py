"""`lodestar xapi`: the credentials sources use to send statements to `/xapi/`, and reading
statements from another LRS (`lodestar xapi pull SOURCE`).

Credential commands act as an administrator (--as EMAIL, LODESTAR_CLI_USER, or the first
administrator)."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(
    help="The xAPI endpoint's credentials, and pulling from other LRSs.", no_args_is_help=True
)
credentials = typer.Typer(help="HTTP Basic credentials, one per source.", no_args_is_help=True)
app.add_typer(credentials, name="credentials")


@credentials.command("create")
def create(
    name: str = typer.Argument(..., help="The source, e.g. moodle or course-player."),
    as_: str | None = AS_OPTION,
) -> None:
    """Make a key and secret for a source; the secret is shown this once."""
    from lodestar.errors import LodestarError
    from lodestar.services.xapi.credentials import create_credential

    with session_scope() as session:
        try:
            made = create_credential(session, acting_user(session, as_), name)
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(f"name: {made.info.name}")
    typer.echo(f"key: {made.info.key}")
    typer.echo(f"secret: {made.secret}")
    typer.echo("Keep the secret now: Lodestar stores only its hash and cannot show it again.")


@credentials.command("list")
def list_(as_: str | None = AS_OPTION) -> None:
    """List the credentials (names and keys; never the secrets)."""
    from lodestar.errors import LodestarError
    from lodestar.services.xapi.credentials import list_credentials

    with session_scope() as session:
        try:
            rows = list_credentials(session, acting_user(session, as_))
        except LodestarError as exc:
            raise fail(exc) from None
    if not rows:
        typer.echo("No xAPI credentials yet: `lodestar xapi credentials create NAME` makes one.")
    for c in rows:
        state = "active" if c.active else f"revoked {c.revoked_at:%Y-%m-%d}"
        typer.echo(f"{c.name:<30} {c.key}  {state}")


@credentials.command("revoke")
def revoke(
    name: str = typer.Argument(..., help="The credential's name or key."),
    as_: str | None = AS_OPTION,
) -> None:
    """Stop a credential from working; what it sent stays stored."""
    from lodestar.errors import LodestarError
    from lodestar.services.xapi.credentials import revoke_credential

    with session_scope() as session:
        try:
            done = revoke_credential(session, acting_user(session, as_), name)
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(f"Revoked {done.name} ({done.key}).")


@app.command("activities")
def activities(
    program: str = typer.Argument(..., help="The program's code or number."),
    iris: list[str] | None = typer.Argument(None, help="Its activity IRIs (replace the list)."),
    as_: str | None = AS_OPTION,
) -> None:
    """Show, or set, the xAPI activity IRIs whose statements count in a program's tier 1."""
    from lodestar.cli.context import find_program_id
    from lodestar.errors import LodestarError
    from lodestar.services.xapi.program_activities import activity_iris, set_activity_iris

    with session_scope() as session:
        actor = acting_user(session, as_)
        program_id = find_program_id(session, program)
        try:
            listed = (
                set_activity_iris(session, actor, program_id, iris)
                if iris
                else activity_iris(session, actor, program_id)
            )
        except LodestarError as exc:
            raise fail(exc) from None
    if not listed:
        typer.echo("The program names no xAPI activity yet; list its IRIs after its code.")
    for iri in listed:
        typer.echo(iri)


@app.command("pull")
def pull_(
    source: str = typer.Argument(..., help="The LRS's name in LODESTAR_XAPI__SOURCES."),
) -> None:
    """Copy the statements another LRS holds and this one does not (resumes where it stopped)."""
    from lodestar.config import get_settings
    from lodestar.db.session import check_ready, make_engine, session_factory
    from lodestar.errors import LodestarError
    from lodestar.services.xapi.pull import PullOutcome, pull, source_settings

    settings = get_settings().xapi
    try:
        found = source_settings(settings.sources, source)
        engine = make_engine(get_settings().database_url)
        check_ready(engine)

        def report(done: PullOutcome) -> None:
            typer.echo(
                f"page {done.pages}: {done.added:,} new, {done.already:,} already here",
                err=True,
            )

        outcome = pull(
            session_factory(engine),
            source.lower(),
            found,
            page_size=settings.pull_page_size,
            overlap_seconds=settings.pull_overlap_seconds,
            on_page=report,
        )
    except LodestarError as exc:
        raise fail(exc) from None
    typer.echo(
        f"Pulled from {source}: {outcome.added:,} new statements in {outcome.pages} "
        f"page{'s' if outcome.pages != 1 else ''}, {outcome.already:,} already here"
        + (
            f", {outcome.skipped:,} skipped (invalid, or other content under a known id)"
            if outcome.skipped
            else ""
        )
        + "."
    )
