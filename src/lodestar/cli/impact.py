"""`lodestar impact`: estimate and read what programs did to their metric that matters.

A result is printed from the same report view as the program page
(:mod:`lodestar.reports.program_text`), so both say the same thing in the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, find_program_id, session_scope

if TYPE_CHECKING:
    from lodestar.services.impact.program_impact import ProgramImpact

app = typer.Typer(help="Program impact: run and read estimates.", no_args_is_help=True)


@app.command("list")
def list_(as_: str | None = AS_OPTION) -> None:
    """List programs with their latest result."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.program_impact import list_programs

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            items = list_programs(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
    for p in items:
        typer.echo(f"{p.id:>3}  {p.code:<28} {p.status:<10} {p.kpi_name or '— no metric —'}")
        typer.echo(f"     {p.latest_summary or 'No estimate yet.'}")


@app.command("run")
def run(
    program: str = typer.Argument(..., help="Program code or number."),
    design: str | None = typer.Option(
        None,
        help=(
            "Override the design: staggered, randomised, selection_on_observables, retention "
            "or time_to_productivity (default: the program's recorded design, else the data's)."
        ),
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Estimate the program's effect on its metric that matters and store the result."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.program_impact import estimate_program_impact

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            result = estimate_program_impact(
                session, actor, find_program_id(session, program), design=design
            )
        except LodestarError as exc:
            raise fail(exc) from None
        _print(result)


@app.command("show")
def show(
    program: str = typer.Argument(..., help="Program code or number."), as_: str | None = AS_OPTION
) -> None:
    """Show the latest stored result with the activity and behaviour tiers."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.program_impact import latest_program_impact

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            result = latest_program_impact(session, actor, find_program_id(session, program))
        except LodestarError as exc:
            raise fail(exc) from None
        _print(result)


def _print(result: ProgramImpact) -> None:
    from lodestar.reports.program_text import program_lines
    from lodestar.reports.program_view import program_view

    for line in program_lines(result, program_view(result, charts=False)):
        typer.echo(line)
