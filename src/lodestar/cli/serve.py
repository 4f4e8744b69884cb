"""`lodestar serve`: run the web app."""

from __future__ import annotations

import os

import typer


def serve(
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Seed a demo organisation if the database is empty; one-click sign-in.",
    ),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    employees: int = typer.Option(2000, help="Size of the demo organisation (with --demo)."),
) -> None:
    """Start the web app (pages and the JSON API at /api, docs at /api/docs)."""
    import uvicorn

    from lodestar.cli.context import fail
    from lodestar.config import get_settings
    from lodestar.errors import LodestarError

    if demo:
        os.environ["LODESTAR_DEMO"] = "true"
        os.environ.setdefault("LODESTAR_ORGANISATION_NAME", "Brightwater Supply Co. (demo)")
        get_settings.cache_clear()
    settings = get_settings()
    try:
        from lodestar.services.workspace import prepare_database

        created = prepare_database(settings.database_url, demo=demo, employees=employees)
        if created:
            typer.echo(f"Seeded the demo company: {created}.")
        from lodestar.db.session import check_ready, make_engine

        check_ready(make_engine(settings.database_url))
        settings.checked_secret()
    except LodestarError as exc:
        raise fail(exc) from None
    typer.echo(f"Lodestar is running at http://{host}:{port}  (press Ctrl+C to stop)")
    # Adapters never import each other: uvicorn builds the web app from its factory.
    uvicorn.run(
        "lodestar.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        # Whose X-Forwarded-* headers count: LODESTAR_SECURITY__TRUSTED_PROXIES, in the app.
        proxy_headers=False,
    )
