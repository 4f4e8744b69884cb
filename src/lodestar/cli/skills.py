"""`lodestar skills`: the catalogue, job-title profiles, gaps (heat map, job titles,
priorities, self-rating bias), the forecast, assessments, and a framework as Moodle CSV, from
the same services as the pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Skills: catalogue, profiles, gaps, forecast.", no_args_is_help=True)


@app.command("list")
def list_skills(
    search: str = typer.Option("", help="Only skills whose name or code contains this."),
    as_: str | None = AS_OPTION,
) -> None:
    """The skills catalogue: code, name, category and scale."""
    from lodestar.services.skills import catalogue

    with session_scope() as session:
        actor = acting_user(session, as_)
        for s in catalogue.list_skills(session, actor, search=search, limit=100_000):
            typer.echo(f"{s.code}\t{s.name}\t{s.category}\t{len(s.scale.levels)} levels")


@app.command("export-moodle")
def export_moodle(
    framework: str = typer.Argument(..., help="The framework's ID number."),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of printing."),
    as_: str | None = AS_OPTION,
) -> None:
    """A skills framework as the CSV Moodle's framework import reads."""
    from lodestar.errors import LodestarError
    from lodestar.services.skills.moodle_export import export_moodle as export

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            text = export(session, actor, framework)
        except LodestarError as exc:
            raise fail(exc) from None
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {out}.")


@app.command("heatmap")
def heatmap(
    top: int = typer.Option(10, min=1, help="How many of the largest gaps to list."),
    as_: str | None = AS_OPTION,
) -> None:
    """The largest team × skill gaps (small groups hidden), and the self-rating bias."""
    from lodestar.errors import LodestarError
    from lodestar.services.skills import gaps

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            heat = gaps.heat_map(session, actor)
            bias = gaps.self_rating_bias(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
    hidden = sum(c.hidden for r in heat.rows for c in r.cells)
    typer.echo(
        f"{len(heat.rows)} teams × {len(heat.skills)} skills for {heat.scope}; "
        f"{hidden} cells hidden (fewer than {heat.min_group_size} people)."
    )
    for team, skill, cell in heat.largest(top):
        typer.echo(
            f"  {team}: {skill}: mean gap {cell.mean_gap:.1f} over {cell.people} people "
            f"(weighted {cell.weighted_gap:.1f})"
        )
    if bias.overall is not None:
        typer.echo(
            f"Self-ratings run {bias.overall:+.2f} levels from managers' "
            f"({bias.people} people rated both ways)."
        )


@app.command("gaps")
def title_gaps(
    top: int = typer.Option(20, min=1, help="How many rows to list."),
    as_: str | None = AS_OPTION,
) -> None:
    """Gaps by job title and skill, and each priority's top gaps."""
    from lodestar.errors import LodestarError
    from lodestar.services.skills import gaps

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            titles = gaps.job_title_gaps(session, actor)[:top]
            priorities = gaps.priority_gaps(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
    for g in titles:
        figure = (
            "hidden"
            if g.mean_gap is None
            else f"mean gap {g.mean_gap:.2f}, weighted {g.weighted_total:.0f}"
        )
        typer.echo(f"{g.group}: {g.skill_name}: {g.people} of {g.needing} assessed, {figure}")
    for title, rows in priorities.items():
        typer.echo(f"{title}: " + ", ".join(r.skill_name for r in rows))


@app.command("forecast")
def show_forecast(as_: str | None = AS_OPTION) -> None:
    """Skills needed in 12 and 24 months against today's supply; build, buy or borrow."""
    from lodestar.errors import LodestarError
    from lodestar.services.skills import forecast

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            result = forecast.skills_forecast(session, actor)
        except LodestarError as exc:
            raise fail(exc) from None
    top = result.top_build_now
    if top is not None:
        typer.echo(f"Start building now: {top.skill_name} ({top.skill_code}).")
    for ln in result.lines:
        typer.echo(
            f"{ln.skill_code}\tneed {ln.need_today} → {ln.need_12} → {ln.need_24}, "
            f"at target {ln.supply}; within 12 months: {ln.now or '—'}; "
            f"12–24 months: {ln.later or '—'}"
        )


@app.command("assess")
def assess(
    employee: int = typer.Argument(..., help="The employee's number."),
    skill: str = typer.Argument(..., help="The skill's code."),
    level: int = typer.Argument(..., help="The level on the skill's scale."),
    source: str = typer.Option("manager", help="self, manager or quiz."),
    on: str = typer.Option("", help="The day (YYYY-MM-DD); today by default."),
    as_: str | None = AS_OPTION,
) -> None:
    """Record one assessment (kept as history)."""
    from lodestar.errors import InvalidInput, LodestarError
    from lodestar.services.skills.assessments import record_assessment

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            day = date.fromisoformat(on) if on else date.today()
            view = record_assessment(session, actor, employee, skill, level, source, day)
        except ValueError:
            raise fail(InvalidInput(f"“{on}” is not a date. Write it as YYYY-MM-DD.")) from None
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(
        f"Recorded: {view.employee_name}, {view.skill_name}: {view.level_label} "
        f"({view.source}, {view.assessed_on})."
    )
