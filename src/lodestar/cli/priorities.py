"""`lodestar priorities`: the strategic priorities and their KPIs."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Strategic priorities (must-wins).", no_args_is_help=True)


@app.command("list")
def list_(
    archived: bool = typer.Option(False, help="Include archived priorities."),
    as_: str | None = AS_OPTION,
) -> None:
    """List the strategic priorities."""
    from rich.console import Console
    from rich.table import Table

    from lodestar.services.strategy import list_priorities

    with session_scope() as session:
        actor = acting_user(session, as_)
        rows = list_priorities(session, actor, include_archived=archived)
        table = Table("#", "Priority", "Horizon", "Archived")
        for p in rows:
            table.add_row(
                str(p.id), p.title, f"{p.start_year}–{p.end_year}", "yes" if p.archived_at else ""
            )
    Console().print(table)


@app.command("show")
def show(priority_id: int, as_: str | None = AS_OPTION) -> None:
    """Show a priority with its KPIs, linked requests and programs."""
    from lodestar.errors import LodestarError
    from lodestar.services.strategy import priority_page

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            page = priority_page(session, actor, priority_id)
        except LodestarError as exc:
            raise fail(exc) from None
        p = page.priority
        typer.echo(f"#{p.id} {p.title}  ({p.start_year}–{p.end_year}), owner {page.owner_name}")
        typer.echo(p.description)
        typer.echo("\nKPIs:")
        for card in page.kpis:
            k = card.kpi
            latest = f"{card.latest:.2f}" if card.latest is not None else "no data"
            typer.echo(f"  {k.name} [{k.unit}] baseline {k.baseline} target {k.target}: {latest}")
        typer.echo(f"\nRequests linked: {len(page.requests)}; programs: {len(page.programs)}")
        typer.echo(f"Without a metric: {page.lacking_metric}")
