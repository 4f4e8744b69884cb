"""`lodestar demo`: build the demo organisation."""

from __future__ import annotations

import typer

app = typer.Typer(help="Build the demo organisation.", no_args_is_help=True)


@app.command("seed")
def seed(
    employees: int = typer.Option(
        2000,
        min=50,
        help=(
            "How many positions the company has: about that many people work there in any "
            "week. Leavers are replaced, so the employees table holds more people."
        ),
    ),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same company."),
    replace: bool = typer.Option(False, help="Drop existing data first."),
) -> None:
    """Create the demo company with two years of weekly history and planted program effects."""
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from lodestar.cli.context import fail
    from lodestar.config import get_settings
    from lodestar.errors import LodestarError
    from lodestar.services.workspace import seed_demo_database

    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        task = bar.add_task("Seeding", total=1.0)

        def progress(step: str, done: float) -> None:
            bar.update(task, description=step, completed=done)

        try:
            summary = seed_demo_database(
                get_settings().database_url,
                employees=employees,
                seed=seed,
                replace=replace,
                progress=progress,
            )
        except LodestarError as exc:
            raise fail(exc) from None
        bar.update(task, completed=1.0, description="Done")
    took = time.perf_counter() - started
    typer.echo(
        f"Seeded {summary.employees:,} people in {summary.positions:,} positions, "
        f"{summary.kpi_observations:,} KPI observations, {summary.requests} requests and "
        f"{summary.users} demo accounts in {took:.1f} s."
    )
