"""`lodestar impact`: estimate and read what programs did to their metric that matters."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Program impact: run and read estimates.", no_args_is_help=True)


def _program_id(session, ref: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from lodestar.db.models import Program
    from lodestar.errors import NotFound

    prog = session.scalar(
        select(Program).where(
            (Program.code == ref) | (Program.id == int(ref) if ref.isdigit() else False)
        )
    )
    if prog is None:
        raise fail(
            NotFound(f"There is no program '{ref}'. List programs with `lodestar impact list`.")
        )
    return int(prog.id)


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
                session, actor, _program_id(session, program), design=design
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
            result = latest_program_impact(session, actor, _program_id(session, program))
        except LodestarError as exc:
            raise fail(exc) from None
        _print(result)


def _print(result) -> None:  # type: ignore[no-untyped-def]
    op = result.operational
    typer.echo(f"{result.program.name} — metric: {result.kpi.name} ({result.kpi.unit})")
    rate = f"{op.completion_rate:.0%}" if op.completion_rate is not None else "—"
    happy = (
        f", satisfaction {op.satisfaction_mean:.1f}/5 from {op.satisfaction_responses} responses"
        if op.satisfaction_mean is not None
        else ""
    )
    done = "completions hidden" if op.completed is None else f"{op.completed} completed ({rate})"
    typer.echo(f"Activity (not impact): {op.enrolled} enrolled, {done}{happy}")
    if op.hidden_note:
        typer.echo(op.hidden_note)
    for track in result.behaviour:
        cells = ", ".join(
            f"{p.window}: {p.share_observed:.0%}"
            if p.share_observed is not None
            else f"{p.window}: —"
            for p in track.points
        )
        typer.echo(f"Behaviour '{track.behaviour}': {cells}")
    est = result.business
    if est is None:
        typer.echo("Business impact: no estimate yet. Run `lodestar impact run` (L&D team).")
        return
    typer.echo(f"Business impact ({result.design}): {est.summary()}")
    typer.echo(f"  Method: {est.method_label}. {est.citation}")
    for w in est.warnings:
        typer.echo(f"  Warning: {w}")
    _print_time_to_event(result.design, est)
    if result.naive is not None:
        typer.echo(f"  Naive comparison, for contrast: {result.naive.summary()}")
        for w in result.naive.warnings:
            typer.echo(f"    Why it is not causal: {w}")
    if result.money:
        m = result.money
        typer.echo(
            f"  Money (first year): ROI {m['roi_percent']:.0f}% "
            f"(95% CI {m['roi_low']:.0f}% to {m['roi_high']:.0f}%)"
        )
    elif result.money_note:
        typer.echo(f"  Money: {result.money_note}")
    snap = result.snapshot
    what = snap.get("unit", "observations")
    events = (
        f", {snap['events']:,} events and {snap['censored']:,} censored"
        if "events" in snap and "censored" in snap
        else ""
    )
    typer.echo(
        f"  Data: {snap.get('rows', 0):,} {what}{events}, {snap.get('first_period')} to "
        f"{snap.get('last_period')}, fingerprint {snap.get('fingerprint')}"
    )


def _print_time_to_event(design: str, est) -> None:  # type: ignore[no-untyped-def]
    """The figures in words for retention and time-to-productivity results."""
    d = est.details
    if design == "retention":
        low, high = (d.get("leavers_prevented_ci") or [None, None])[:2]
        prevented = d.get("leavers_prevented_per_100_per_year")
        if prevented is not None and low is not None and high is not None:
            typer.echo(
                f"  Leavers prevented per 100 participants per year: {prevented:.1f} "
                f"(95% CI {low:.1f} to {high:.1f})"
            )
        landmark = d.get("kaplan_meier_landmark") or {}
        for group, n in (landmark.get("n") or {}).items():
            left = (landmark.get("events") or {}).get(group, 0)
            typer.echo(
                f"  From the landmark {landmark.get('landmark')}: {group}: {n} people, "
                f"{left} left voluntarily"
            )
    elif design == "time_to_productivity":
        typer.echo(f"  Standard: {d.get('threshold')} ({d.get('threshold_rule')})")
        for group, median in (d.get("median_days") or {}).items():
            shown = f"{median:,.0f} days" if median not in (None, float("inf")) else "not reached"
            typer.echo(f"  Median time to the standard, {group}: {shown}")
        ratio, ci = d.get("time_ratio"), d.get("time_ratio_ci") or [None, None]
        if ratio is not None and None not in ci:
            typer.echo(f"  Time ratio {ratio:.2f} (95% CI {ci[0]:.2f} to {ci[1]:.2f})")
