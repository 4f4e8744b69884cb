"""`lodestar program`: create and edit programs, decide on them, and record how each is evaluated.

The same services as the program pages and ``/api/programs``; a refusal (a locked expectation,
a step the lifecycle does not allow, a field that cannot be stored) is printed as the service's
sentence after ``Error:``, with exit code 1. The pilot commands are ``lodestar program pilot``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from lodestar.cli import pilots
from lodestar.cli.context import (
    AS_OPTION,
    acting_user,
    fail,
    find_team_ids,
    parse_date,
    program_scope,
    session_scope,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lodestar.domain.roles import Actor

app = typer.Typer(
    help="Programs: create, edit, decide, and record how each is evaluated.", no_args_is_help=True
)
app.add_typer(pilots.app, name="pilot")

PROGRAM = typer.Argument(..., help="Program code or number.")
NAME = typer.Option(None, help="What people will call it.")
CODE = typer.Option(None, help="A short code: letters, digits, '-' or '_'.")
DESCRIPTION = typer.Option(None, help="What people will do differently and which number moves.")
PRIORITY = typer.Option(None, "--priority", help="The strategic priority's number.")
KPI = typer.Option(None, "--kpi", help="The metric that matters: a KPI code or number.")
BASELINE = typer.Option(None, help="Where the KPI stands now, in its unit.")
TARGET = typer.Option(None, help="Where the KPI should be at the horizon.")
START = typer.Option(None, help="When the first participants start, YYYY-MM-DD.")
HORIZON = typer.Option(None, help="When the KPI should have moved, YYYY-MM-DD.")
COST = typer.Option(None, "--cost-per-participant", help="Fee per participant.")
REASON = typer.Option(..., help="Why: what sponsors and the next L&D lead will read.")


def _fields(
    session: Session,
    *,
    name: str | None,
    code: str | None,
    description: str | None,
    priority: int | None,
    kpi: str | None,
    baseline: float | None,
    target: float | None,
    start: str | None,
    horizon: str | None,
    cost: float | None,
) -> dict[str, Any]:
    """The options given, as program fields (those left out are not in the result)."""
    from lodestar.services.lookups import kpi_id_by_reference

    kpi_id = None if kpi is None else kpi_id_by_reference(session, kpi)
    values = {
        "name": name, "code": code, "description": description, "priority_id": priority,
        "kpi_id": kpi_id, "baseline": baseline, "target": target,
        "start_date": parse_date(start, "--start"),
        "horizon_date": parse_date(horizon, "--horizon"), "cost_per_participant": cost,
    }  # fmt: skip
    return {k: v for k, v in values.items() if v is not None}


def _print_summary(session: Session, actor: Actor, program_id: int) -> None:
    from lodestar.services.programs import program_summary

    for line in program_summary(session, actor, program_id).lines():
        typer.echo(line)


@app.command("create")
def create(
    name: str | None = NAME,
    code: str | None = CODE,
    description: str | None = DESCRIPTION,
    request: int | None = typer.Option(
        None,
        "--request",
        help="An accepted request the program answers: it takes the "
        "request's title, priority and metric, and the request moves to 'In design'.",
    ),  # fmt: skip
    priority: int | None = PRIORITY,
    kpi: str | None = KPI,
    baseline: float | None = BASELINE,
    target: float | None = TARGET,
    start: str | None = START,
    horizon: str | None = HORIZON,
    cost: float | None = COST,
    as_: str | None = AS_OPTION,
) -> None:
    """Create a program in design, from an accepted request or directly (L&D and admins)."""
    from lodestar.services.programs import ProgramInput, create_program

    with session_scope() as session:
        actor = acting_user(session, as_)
        fields = _fields(
            session, name=name, code=code, description=description, priority=priority, kpi=kpi,
            baseline=baseline, target=target, start=start, horizon=horizon, cost=cost,
        )  # fmt: skip
        prog = create_program(session, actor, ProgramInput(**fields), request_id=request)
        typer.echo(f"Created program #{prog.id} {prog.name}.")
        _print_summary(session, actor, prog.id)


@app.command("edit")
def edit(
    program: str = PROGRAM,
    name: str | None = NAME,
    code: str | None = CODE,
    description: str | None = DESCRIPTION,
    priority: int | None = PRIORITY,
    kpi: str | None = KPI,
    baseline: float | None = BASELINE,
    target: float | None = TARGET,
    start: str | None = START,
    horizon: str | None = HORIZON,
    cost: float | None = COST,
    as_: str | None = AS_OPTION,
) -> None:
    """Change the fields given; the others stay. A launched pilot's locked fields are refused."""
    from lodestar.errors import InvalidInput
    from lodestar.services.programs import edit_program

    with program_scope(program, as_) as (session, actor, program_id):
        changes = _fields(
            session, name=name, code=code, description=description, priority=priority, kpi=kpi,
            baseline=baseline, target=target, start=start, horizon=horizon, cost=cost,
        )  # fmt: skip
        if not changes:
            raise fail(InvalidInput(
                "Nothing to change: give at least one option, for example --kpi "
                "sales_conversion or --horizon 2027-06-30 (see `lodestar program edit --help`)."
            ))  # fmt: skip
        edit_program(session, actor, program_id, changes)
        typer.echo(f"Saved: {', '.join(sorted(changes))}.")
        _print_summary(session, actor, program_id)


@app.command("archive")
def archive(program: str = PROGRAM, reason: str = REASON, as_: str | None = AS_OPTION) -> None:
    """Archive a program in design or one that stopped; its history and results stay."""
    from lodestar.services.programs import archive_program

    _move(archive_program, program, reason, as_)
    typer.echo(f"Archived program {program}. `lodestar program restore` brings it back to design.")


@app.command("restore")
def restore(program: str = PROGRAM, reason: str = REASON, as_: str | None = AS_OPTION) -> None:
    """Bring an archived program back to design."""
    from lodestar.services.programs import restore_program

    _move(restore_program, program, reason, as_)
    typer.echo(f"Program {program} is back in design.")


def _move(step: Callable[..., object], program: str, reason: str, as_: str | None) -> None:
    with program_scope(program, as_) as (session, actor, program_id):
        step(session, actor, program_id, reason)


@app.command("decide")
def decide(
    program: str = PROGRAM,
    decision: str = typer.Argument(..., help="scale, adapt or stop."),
    reason: str = REASON,
    result: int | None = typer.Option(
        None, "--result", help="The stored result it rests on (default: the newest)."
    ),
    wave_start: str | None = typer.Option(
        None, "--wave-start", help="To scale: when the next wave starts, YYYY-MM-DD."
    ),
    wave_teams: str | None = typer.Option(
        None, "--wave-teams", help="To scale: the wave's teams (3,4,7 or a department code)."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Scale, adapt or stop the program on its stored result; scaling starts the next wave."""
    from lodestar.domain.program_lifecycle import DECISION_LABELS
    from lodestar.services.programs import WaveInput
    from lodestar.services.programs import decide as decide_program

    start = parse_date(wave_start, "--wave-start")
    with program_scope(program, as_) as (session, actor, program_id):
        teams = find_team_ids(session, wave_teams) if wave_teams else []
        wave = WaveInput(start, tuple(teams)) if start is not None else None
        out = decide_program(
            session, actor, program_id, decision, reason, impact_result_id=result, wave=wave
        )
    rests = f" on stored result #{out.impact_result_id}" if out.impact_result_id else ""
    typer.echo(f"Decision recorded{rests}: {DECISION_LABELS[out.decision]}.")
    if out.wave_number:
        typer.echo(f"Wave {out.wave_number}: {out.wave_participants} people join; the next "
                   "analysis reads them as another start cohort.")  # fmt: skip


@app.command("history")
def history(program: str = PROGRAM, as_: str | None = AS_OPTION) -> None:
    """Every step of the program's life: who moved it, when, why, on which stored result."""
    from lodestar.domain.program_lifecycle import state_label
    from lodestar.services.programs import program_history

    with program_scope(program, as_) as (session, actor, program_id):
        steps = program_history(session, actor, program_id)
        for s in steps:
            decided = f" — decided to {s.decision}" if s.decision else ""
            result = f", on stored result #{s.impact_result_id}" if s.impact_result_id else ""
            typer.echo(f"{s.at:%Y-%m-%d} {state_label(s.to_state)}{decided}{result}. {s.reason}")


@app.command("show")
def show(program: str = PROGRAM, as_: str | None = AS_OPTION) -> None:
    """Show the program's evaluation design, its target behaviours and what was observed."""
    from lodestar.services.program_setup import program_setup

    with program_scope(program, as_) as (session, actor, program_id):
        setup = program_setup(session, actor, program_id)
        _print(setup)


@app.command("setup")
def setup(
    program: str = PROGRAM,
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
    from lodestar.services.program_setup import program_setup, set_program_setup

    with program_scope(program, as_) as (session, actor, program_id):
        current = program_setup(session, actor, program_id)
        saved = set_program_setup(
            session,
            actor,
            program_id,
            evaluation_design=current.evaluation_design if design is None else design,
            target_behaviours=current.target_behaviours if behaviour is None else behaviour,
        )
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
    for warning in setup.design_warnings:
        typer.echo(f"Warning: {warning}")
