"""`lodestar db`: create or upgrade the database schema."""

from __future__ import annotations

import typer

from lodestar.cli.context import fail
from lodestar.errors import LodestarError

app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="Target revision; newest by default."),
) -> None:
    """Apply every pending migration (SQLite and PostgreSQL)."""
    from lodestar.config import get_settings
    from lodestar.db.migrate import upgrade as run_upgrade
    from lodestar.db.session import make_engine

    url = get_settings().database_url
    try:
        run_upgrade(make_engine(url), revision)
    except LodestarError as exc:
        raise fail(exc) from None
    typer.echo(f"The database is up to date ({_redact(url)}).")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
