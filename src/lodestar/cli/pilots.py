"""`lodestar program pilot` (also `lodestar pilot`): size a pilot, draw its groups by a seeded
lottery, launch it with its expectation locked, revise the expectation openly, and show it all.

The same services as the pilot page and ``/api/programs/{id}/pilot``: the plan and the lottery
are stored with the program, and once the pilot has launched both are refused with the reason.
"""

from __future__ import annotations

import typer

from lodestar.cli.context import (
    AS_OPTION,
    find_team_ids,
    parse_date,
    program_scope,
)
from lodestar.domain.numbers import change_unit

app = typer.Typer(
    help="Pilots: size them, draw the lottery, launch with the expectation locked.",
    no_args_is_help=True,
)

PROGRAM = typer.Argument(..., help="Program code or number.")
TEAMS = typer.Option(
    ..., "--teams", help="Team numbers or department codes, comma-separated (3,4,7 or sales)."
)
SHARE = typer.Option(0.5, help="Share of people (or teams) in the pilot group.")
BY = typer.Option(
    "person", "--by", help="'person' (drawn within teams), 'tenure' (within tenure bands) or "
    "whole 'team's.",
)  # fmt: skip


@app.command("plan")
def plan(
    program: str = PROGRAM,
    teams: str = TEAMS,
    share: float = SHARE,
    by: str = BY,
    weeks: int = typer.Option(12, help="Weeks of history to size the pilot from."),
    hoped_effect: float | None = typer.Option(
        None, "--hoped-effect", help="The effect hoped for, in the KPI's unit, signed."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Size the pilot from the KPI's own history and store the plan with the program."""
    from lodestar.services.programs import plan_and_store

    with program_scope(program, as_) as (session, actor, program_id):
        team_ids = find_team_ids(session, teams)
        stored = plan_and_store(
            session, actor, program_id, team_ids=team_ids, share=share, assign_by=by,
            weeks=weeks, hoped_effect=hoped_effect,
        )  # fmt: skip
    typer.echo(str(stored.plan.get("explanation", "")))
    if stored.needed_words:
        typer.echo(stored.needed_words)
    typer.echo("The plan is stored with the program (see `lodestar program pilot show`).")


START = typer.Option(..., help="The pilot's start date, YYYY-MM-DD.")
SEED = typer.Option(..., help="Lottery seed: the same seed draws the same groups.")


def lottery(
    program: str = PROGRAM,
    teams: str = TEAMS,
    start: str = START,
    seed: int = SEED,
    share: float = SHARE,
    by: str = BY,
    as_: str | None = AS_OPTION,
) -> None:
    """Draw the pilot and comparison groups by a seeded lottery and store them."""
    from lodestar.services.programs import draw_lottery

    start_date = parse_date(start, "--start")
    assert start_date is not None
    with program_scope(program, as_) as (session, actor, program_id):
        team_ids = find_team_ids(session, teams)
        record = draw_lottery(
            session, actor, program_id, team_ids=team_ids, start_date=start_date,
            share=share, assign_by=by, seed=seed,
        )  # fmt: skip
    typer.echo(
        f"Drew {record['participants']} people into the pilot and {record['comparison']} into "
        f"the comparison group (seed {seed}), starting {start_date.isoformat()}; stored as the "
        "program's enrolments, and the evaluation design is recorded as randomised."
    )


app.command("lottery")(lottery)
app.command("randomise", help="The same as `lottery` (its earlier name).")(lottery)


@app.command("launch")
def launch(
    program: str = PROGRAM,
    expect: float = typer.Option(
        ...,
        "--expect",
        help="The change the program should cause, in the KPI's unit, signed (-2.5 = down by 2.5).",
    ),  # fmt: skip
    horizon: str = typer.Option(..., help="When the KPI should have moved, YYYY-MM-DD."),
    as_: str | None = AS_OPTION,
) -> None:
    """Launch the pilot: lock the metric, expected effect, horizon and design as version 1."""
    from lodestar.services.programs import launch_pilot

    horizon_date = parse_date(horizon, "--horizon")
    with program_scope(program, as_) as (session, actor, program_id):
        reg = launch_pilot(
            session, actor, program_id, expected_effect=expect, horizon_date=horizon_date
        )
    typer.echo(
        f"Launched. Expectation locked as version {reg.version}: {reg.expected_effect:+g} "
        f"{change_unit(reg.unit)} on {reg.kpi_name} by {reg.horizon_date}. From now on it "
        "changes only by a new, dated version with its reason (`lodestar program pilot revise`)."
    )


@app.command("revise")
def revise(
    program: str = PROGRAM,
    reason: str = typer.Option(..., help="Why the expectation changes after launch."),
    expect: float | None = typer.Option(None, "--expect", help="The new expected effect."),
    horizon: str | None = typer.Option(None, help="The new horizon, YYYY-MM-DD."),
    as_: str | None = AS_OPTION,
) -> None:
    """Record a new, dated version of a launched pilot's expectation; earlier ones stay."""
    from lodestar.services.programs import revise_registration

    horizon_date = parse_date(horizon, "--horizon")
    with program_scope(program, as_) as (session, actor, program_id):
        reg = revise_registration(
            session, actor, program_id, reason=reason, expected_effect=expect,
            horizon_date=horizon_date,
        )  # fmt: skip
    typer.echo(
        f"Recorded version {reg.version}: {reg.expected_effect:+g} {change_unit(reg.unit)} by "
        f"{reg.horizon_date}. Earlier versions stay on record."
    )


@app.command("show")
def show(program: str = PROGRAM, as_: str | None = AS_OPTION) -> None:
    """Show the stored plan, the lottery, every registration and the grade of the result."""
    from lodestar.services.programs import grade_program, registrations, stored_plan

    with program_scope(program, as_) as (session, actor, program_id):
        stored = stored_plan(session, actor, program_id)
        graded = grade_program(session, actor, program_id)
        versions = registrations(session, program_id)
    plan = stored.plan
    if plan:
        typer.echo(f"Plan: the smallest change the pilot can detect is {plan['mde']:.3g} "
                   f"{change_unit(plan['unit'])} in {plan['kpi_name']}.")  # fmt: skip
        if stored.needed_words:
            typer.echo(f"  {stored.needed_words}")
    else:
        typer.echo("Plan: none stored yet (`lodestar program pilot plan`).")
    lot = stored.lottery
    if lot and "participants" in lot:
        typer.echo(f"Lottery: seed {lot.get('seed')}, {lot['participants']} in the pilot, "
                   f"{lot['comparison']} compared, starting {lot.get('start_date')}.")  # fmt: skip
    elif lot:
        typer.echo(f"Lottery: drawn by {lot.get('drawn_by', 'a lottery')} (by {lot['assign_by']}).")
    else:
        typer.echo("Lottery: none drawn.")
    if not versions:
        typer.echo("Registration: not launched, so no expectation is locked yet.")
    for reg in versions:
        typer.echo(
            f"Registration version {reg.version} (locked {reg.locked_on}): "
            f"{reg.expected_effect:+g} {change_unit(reg.unit)} on {reg.kpi_name} by "
            f"{reg.horizon_date}. "
            f"{reg.reason}"
        )
    if graded is not None:
        typer.echo(f"Grade: {graded.label}. {graded.sentence}")
