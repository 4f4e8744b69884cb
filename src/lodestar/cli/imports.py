"""`lodestar import KIND FILE`: load a file (all or nothing) as an import job, with a progress
bar, and say what happened.

On a rejected file the first rejected rows are printed, the full report is written next to
the file (``FILE.rejected.csv``, or ``--report PATH``) and recorded as an import in the
database, and the exit code is 1. `lodestar import jobs` lists recent jobs (marking those
whose process died as interrupted) and `lodestar import rerun JOB` runs an interrupted or
failed one again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from lodestar.domain.roles import Actor
    from lodestar.services.imports import JobView

app = typer.Typer(
    help="Import data: HRIS, moves, enrolments, xAPI statements, KPIs, behaviours, skills.",
    no_args_is_help=True,
)
SHOWN = 10

FILE_ARG = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file.")
DRY_RUN = typer.Option(False, "--dry-run", help="Check and count only; save nothing.")
REPORT = typer.Option(None, "--report", help="Where to write the rejected rows (CSV).")


@contextmanager
def _database(as_: str | None) -> Iterator[tuple[sessionmaker[Session], Actor]]:
    from lodestar.config import get_settings
    from lodestar.db.session import check_ready, make_engine, session_factory
    from lodestar.errors import LodestarError

    try:
        engine = make_engine(get_settings().database_url)
        check_ready(engine)
    except LodestarError as exc:
        raise fail(exc) from None
    factory = session_factory(engine)
    with factory() as session:
        actor = acting_user(session, as_)
    try:
        yield factory, actor
    finally:
        engine.dispose()


def _run(kind: str, file: Path, dry_run: bool, report_path: Path | None, as_: str | None) -> None:
    from lodestar.errors import LodestarError
    from lodestar.services.imports import queue_job

    with _database(as_) as (factory, actor):
        try:
            job_id = queue_job(
                factory, actor, kind, file.name, source_path=file.resolve(), dry_run=dry_run
            )
        except LodestarError as exc:
            raise fail(exc) from None
        _follow(factory, actor, job_id, file, report_path)


def _follow(
    factory: sessionmaker[Session], actor: Actor, job_id: int, file: Path, report_path: Path | None
) -> None:
    """Run the job with a progress bar; print the outcome; exit 1 unless it landed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from lodestar.errors import LodestarError
    from lodestar.services.imports import run_job

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
        transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(f"Import job {job_id}", total=None)

        def watch(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total or None)

        try:
            view = run_job(factory, job_id, actor, watch=watch)
        except LodestarError as exc:
            raise fail(exc) from None
    _say(factory, actor, view, file, report_path)


def _say(
    factory: sessionmaker[Session],
    actor: Actor,
    view: JobView,
    file: Path,
    report_path: Path | None,
) -> None:
    from lodestar.services.imports import get_run, problems_csv, run_problems, unlisted_sentence

    if view.run_id is None:
        typer.echo(f"Error: {view.error}", err=True)
        if view.can_rerun:
            typer.echo(f"Run it again with `lodestar import rerun {view.id}`.", err=True)
        raise typer.Exit(code=1)
    with factory() as session:
        run = get_run(session, actor, view.run_id)
        message, problems, unlisted = run.message, run_problems(run), unlisted_sentence(run)
    if view.status == "done":
        typer.echo(message)
        return
    target = report_path or file.with_name(file.name + ".rejected.csv")
    target.write_text(problems_csv(problems, unlisted), encoding="utf-8")
    typer.echo(f"Error: {view.error}", err=True)
    for line, column, _, reason in problems[:SHOWN]:
        typer.echo(f"  line {line}, {column}: {reason}", err=True)
    more = len(problems) - SHOWN
    if more > 0:
        typer.echo(f"  … and {more:,} more.", err=True)
    if unlisted:
        typer.echo(f"  {unlisted}", err=True)
    typer.echo(
        f"The full report is in {target} (and on the web at /imports/{view.run_id}).", err=True
    )
    raise typer.Exit(code=1)


@app.command("jobs")
def jobs(as_: str | None = AS_OPTION) -> None:
    """Recent import jobs with their status (a job whose process died shows as interrupted)."""
    from lodestar.services.imports import recent_jobs

    with _database(as_) as (factory, actor), factory() as session:
        views = recent_jobs(session, actor)
        session.commit()
    if not views:
        typer.echo("No import jobs yet.")
    for v in views:
        rows = f" {v.rows_done:,}/{v.rows_total:,} rows" if v.rows_total else ""
        again = "  (can be run again)" if v.can_rerun else ""
        typer.echo(f"{v.id:>5}  {v.status:<11} {v.kind:<10} {v.filename}{rows}{again}")


@app.command("rerun")
def rerun(
    job_id: int = typer.Argument(..., help="The job number (see `lodestar import jobs`)."),
    report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:
    """Run an interrupted or failed import job again, from the file it kept."""
    from lodestar.errors import LodestarError
    from lodestar.services.imports import mark_interrupted, rerun_job

    with _database(as_) as (factory, actor):
        try:
            with factory() as session:
                mark_interrupted(session)
                job = rerun_job(session, actor, job_id)
                session.commit()
                new_id, source = job.id, Path(job.source_path or job.filename)
        except LodestarError as exc:
            raise fail(exc) from None
        typer.echo(f"Running import job {job_id} again as job {new_id}.", err=True)
        _follow(factory, actor, new_id, source, report)


@app.command("employees")
def employees(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """HRIS employees with departments, teams, roles, managers, hire and exit dates."""
    _run("employees", file, dry_run, report, as_)


@app.command("moves")
def moves(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """HRIS moves: team and job-role changes with their effective date."""
    _run("moves", file, dry_run, report, as_)


@app.command("enrolments")
def enrolments(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """Program enrolments and completions, with cohort, group and satisfaction."""
    _run("enrolments", file, dry_run, report, as_)


@app.command("xapi")
def xapi(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """Learning activity as xAPI statements, one JSON statement per line."""
    _run("xapi", file, dry_run, report, as_)


@app.command("kpis")
def kpis(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """Business KPI observations in long format (subject, kpi, period, value, weight)."""
    _run("kpis", file, dry_run, report, as_)


@app.command("behaviours")
def behaviours(
    file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
    as_: str | None = AS_OPTION,
) -> None:  # fmt: skip
    """Behaviour observations (baseline and 30/60/90-day follow-ups)."""
    _run("behaviours", file, dry_run, report, as_)


SKILL_KINDS = {
    "esco": "ESCO skills (skills_en.csv of the v1.2 download) into the skills catalogue.",
    "onet": "O*NET skills or abilities (Skills.txt, Abilities.txt) into the skills catalogue.",
    "moodle": "A Moodle competency framework (the CSV Moodle's framework export writes).",
    "headcount": "Headcount plans by job title (job_title, horizon_months, change, note).",
    "planned_moves": "Planned moves into job titles (employee_id, to_job_title, effective_on).",
    "assessments": "Skill assessments (employee_id, skill_code, level, source, assessed_on).",
}


def _skill_command(kind: str, help_text: str) -> None:
    def command(
        file: Path = FILE_ARG, dry_run: bool = DRY_RUN, report: Path | None = REPORT,
        as_: str | None = AS_OPTION,
    ) -> None:  # fmt: skip
        _run(kind, file, dry_run, report, as_)

    command.__doc__ = help_text
    app.command(kind.replace("_", "-"))(command)


for _kind, _help in SKILL_KINDS.items():
    _skill_command(_kind, _help)
