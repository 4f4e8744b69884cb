"""`lodestar pilot`: size a pilot before launch and draw its groups by a seeded lottery."""

from __future__ import annotations

from datetime import date

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, find_program_id, session_scope

app = typer.Typer(help="Pilots: minimum detectable effect, seeded lottery.", no_args_is_help=True)

TEAMS = typer.Option(..., "--teams", help="Comma-separated team numbers forming the population.")
BY = typer.Option("person", "--by", help="Assign 'person' (within teams) or whole 'team's.")


def _teams(text: str) -> list[int]:
    from lodestar.errors import InvalidInput

    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise fail(
            InvalidInput(f"'{text}' is not a list of team numbers. Write them like 3,4,7.")
        ) from None


@app.command("plan")
def plan(
    program: str = typer.Argument(..., help="Program code or number."),
    teams: str = TEAMS,
    share: float = typer.Option(0.5, help="Share of people (or teams) in the pilot."),
    by: str = BY,
    weeks: int = typer.Option(12, help="Weeks of history to size the pilot from."),
    as_: str | None = AS_OPTION,
) -> None:
    """Print the smallest effect the pilot could detect, from the KPI's own history."""
    from lodestar.errors import LodestarError
    from lodestar.services.pilots import plan_pilot

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            result = plan_pilot(
                session, actor, find_program_id(session, program), team_ids=_teams(teams),
                share=share, assign_by=by, weeks=weeks,
            )  # fmt: skip
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(result.explanation)


@app.command("randomise")
def randomise(
    program: str = typer.Argument(..., help="Program code or number."),
    teams: str = TEAMS,
    start: str = typer.Option(..., help="The pilot's start date, YYYY-MM-DD."),
    seed: int = typer.Option(..., help="Lottery seed: the same seed draws the same groups."),
    share: float = typer.Option(0.5, help="Share of people (or teams) in the pilot."),
    by: str = BY,
    as_: str | None = AS_OPTION,
) -> None:
    """Draw pilot and comparison groups and store them as the program's enrolments."""
    from lodestar.errors import InvalidInput, LodestarError
    from lodestar.services.pilots import randomise_pilot

    try:
        start_date = date.fromisoformat(start)
    except ValueError:
        raise fail(InvalidInput(f"'{start}' is not a date. Write it as YYYY-MM-DD.")) from None
    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            record = randomise_pilot(
                session, actor, find_program_id(session, program), team_ids=_teams(teams),
                start_date=start_date, share=share, assign_by=by, seed=seed,
            )  # fmt: skip
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(
        f"Drew {record['participants']} people into the pilot and {record['comparison']} into "
        f"the comparison group (seed {seed}); stored as the program's enrolments."
    )
