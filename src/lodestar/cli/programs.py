"""`lodestar program`: how a program is evaluated — its recorded design and target behaviours."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, find_program_id, session_scope

app = typer.Typer(
    help="Programs: record the evaluation design and the target behaviours.", no_args_is_help=True
)


@app.command("show")
def show(
    program: str = typer.Argument(..., help="Program code or number."), as_: str | None = AS_OPTION
) -> None:
    """Show the program's evaluation design, its target behaviours and what was observed."""
    from lodestar.errors import LodestarError
    from lodestar.services.program_setup import program_setup

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            setup = program_setup(session, actor, find_program_id(session, program))
        except LodestarError as exc:
            raise fail(exc) from None
        _print(setup)


@app.command("setup")
def setup(
    program: str = typer.Argument(..., help="Program code or number."),
    design: str | None = typer.Option(
        None,
        help="staggered, randomised, selection_on_observables, retention, time_to_productivity, "
        "or auto (choose from the data). Left out: the recorded design is kept.",
    ),
    behaviour: list[str] | None = typer.Option(
        None,
        "--behaviour",
        help="A target behaviour, as observations name it; repeat for up to five. Left out: "
        "the program's list is kept. Given: it replaces the list.",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Record the evaluation design and the target behaviours (L&D team and admins)."""
    from lodestar.errors import LodestarError
    from lodestar.services.program_setup import program_setup, set_program_setup

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            program_id = find_program_id(session, program)
            current = program_setup(session, actor, program_id)
            saved = set_program_setup(
                session,
                actor,
                program_id,
                evaluation_design=current.evaluation_design if design is None else design,
                target_behaviours=current.target_behaviours if behaviour is None else behaviour,
            )
        except LodestarError as exc:
            raise fail(exc) from None
        typer.echo(f"Saved the setup of {saved.setup.name}.")
        _print(saved.setup)
        if saved.note:
            typer.echo(f"Note: {saved.note}")


def _print(setup) -> None:  # type: ignore[no-untyped-def]
    design = setup.design_label if setup.evaluation_design else "chosen from the data"
    typer.echo(f"{setup.name} ({setup.code}) — evaluation design: {design}")
    if setup.target_behaviours:
        typer.echo("Target behaviours:")
        for i, name in enumerate(setup.target_behaviours, start=1):
            typer.echo(f"  {i}. {name}")
    else:
        typer.echo("Target behaviours: none named.")
    if setup.observed:
        typer.echo("Observed among participants:")
        for o in setup.observed:
            typer.echo(f"  - {o.behaviour} ({o.people} {'person' if o.people == 1 else 'people'})")
    else:
        typer.echo("Observed among participants: nothing yet.")
    if setup.behaviour_notice:
        typer.echo(f"Notice: {setup.behaviour_notice}")
