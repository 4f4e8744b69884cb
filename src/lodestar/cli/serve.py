"""`lodestar serve`: run the web app."""

from __future__ import annotations

import os

import typer

NUMERIC_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "POLARS_MAX_THREADS",
)


def serve(
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Seed a demo organisation if the database is empty; one-click sign-in.",
    ),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    employees: int = typer.Option(2000, help="Size of the demo organisation (with --demo)."),
    workers: int | None = typer.Option(
        None,
        min=1,
        help="Server processes [default: LODESTAR_SERVER__WORKERS, else one per CPU core, "
        "at most 4].",
    ),
    threads: int | None = typer.Option(
        None,
        min=1,
        max=256,
        help="Requests each process works on at once, and its database connections "
        "[default: LODESTAR_SERVER__THREADS, else 16].",
    ),
) -> None:
    """Start the web app (pages and the JSON API at /api, docs at /api/docs)."""
    import uvicorn

    from lodestar.cli.context import fail
    from lodestar.config import get_settings
    from lodestar.errors import LodestarError

    # The worker processes read their settings from the environment, as this one does.
    if workers is not None:
        os.environ["LODESTAR_SERVER__WORKERS"] = str(workers)
    if threads is not None:
        os.environ["LODESTAR_SERVER__THREADS"] = str(threads)
    # Several processes already share the cores: a numeric library's second thread would only
    # spin-wait for a core someone else holds (set these yourself to override).
    for name in NUMERIC_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("LODESTAR_SERVER__WARM_UP", "true")
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
    processes = settings.server.worker_count(os.cpu_count())
    typer.echo(
        f"Lodestar is running at http://{host}:{port} with {processes} worker "
        f"process{'es' if processes > 1 else ''} of {settings.server.threads} threads "
        "(press Ctrl+C to stop)"
    )
    # Adapters never import each other: uvicorn builds the web app from its factory.
    uvicorn.run(
        "lodestar.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        workers=processes,
        # Whose X-Forwarded-* headers count: LODESTAR_SECURITY__TRUSTED_PROXIES, in the app.
        proxy_headers=False,
    )
