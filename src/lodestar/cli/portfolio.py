"""`lodestar portfolio`: the ranked portfolio with its 80/20 cut, the symptoms of a reactive
department, the 90-day plan, and the CSV export, from the same services as the pages."""

from __future__ import annotations

from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="The portfolio, its symptoms and the 90-day plan.", no_args_is_help=True)


@app.command("show")
def show(
    top: int = typer.Option(0, min=0, help="Show only the first N items (0: all)."),
    priority: int | None = typer.Option(None, help="Only this priority's items (its number)."),
    as_: str | None = AS_OPTION,
) -> None:
    """The open requests and programs ranked by score, the 80/20 cut marked."""
    from lodestar.domain.numbers import format_number
    from lodestar.errors import LodestarError
    from lodestar.services import portfolio

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            p = portfolio.score_portfolio(
                session, actor, portfolio.PortfolioFilters(priority_id=priority)
            )
        except LodestarError as exc:
            raise fail(exc) from None
        items = p.items[:top] if top else p.items
        typer.echo(
            f"{len(p.items)} items, {format_number(p.total_value, 0)} {p.currency} expected a "
            f"year; {p.pareto_count} carry 80% of it (marked *)."
        )
        for i in items:
            mark = "*" if i.above_cut else " "
            typer.echo(
                f"{i.rank:>3}{mark} {i.kind:<7} #{i.id:<5} {i.title[:48]:<48} "
                f"{format_number(i.expected_value, 0):>12}  score {format_number(i.score, 0)}"
            )


@app.command("symptoms")
def symptoms(as_: str | None = AS_OPTION) -> None:
    """The symptoms of a reactive department, each with its treatment."""
    from lodestar.domain.numbers import format_number
    from lodestar.errors import LodestarError
    from lodestar.services import portfolio

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            report = portfolio.reactive_symptoms(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
        for s in report.symptoms:
            share = "—" if s.share is None else f"{format_number(100 * s.share, 0)}%"
            typer.echo(
                f"[{'shows' if s.present else 'clear'}] {s.rule.name}: {share} of {s.rule.counts}."
            )
            if s.present:
                typer.echo(f"    Treatment: {s.rule.treatment}")


@app.command("plan")
def plan(as_: str | None = AS_OPTION) -> None:
    """The 90-day plan: each item, whether it is done or late, and what the data says."""
    from lodestar.errors import LodestarError
    from lodestar.services import portfolio

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            view = portfolio.ninety_day_plan(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
        head = f"Day {view.day}" if view.day else "Not started"
        typer.echo(
            f"{head}: {view.done_count} of {len(view.items)} items done, {len(view.late)} late."
        )
        for i in view.items:
            typer.echo(f"  [{i.status:<8}] {i.spec.title}. {i.evidence}")


@app.command("export")
def export(
    path: Path = typer.Argument(..., help="The CSV file to write."),
    as_: str | None = AS_OPTION,
) -> None:
    """Write the ranked portfolio to a CSV file (cells that look like formulas are quoted)."""
    from lodestar.errors import LodestarError
    from lodestar.services import portfolio

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            text = portfolio.portfolio_csv(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        typer.echo(
            f"Error: {path} could not be written ({exc.strerror}). Choose another path.", err=True
        )
        raise typer.Exit(code=1) from None
    typer.echo(f"Wrote {text.count(chr(10)) - 1} items to {path}.")
