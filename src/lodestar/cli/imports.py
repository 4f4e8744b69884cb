"""`lodestar import KIND FILE`: load a file (all or nothing) and say what happened.

On a rejected file the first rejected rows are printed, the full report is written next to
the file (``FILE.rejected.csv``, or ``--report PATH``) and recorded as an import in the
database, and the exit code is 1.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail

app = typer.Typer(
    help="Import data: HRIS, moves, enrolments, xAPI statements, KPIs, behaviours.",
    no_args_is_help=True,
)
SHOWN = 10

FILE_ARG = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file.")
DRY_RUN = typer.Option(False, "--dry-run", help="Check and count only; save nothing.")
REPORT = typer.Option(None, "--report", help="Where to write the rejected rows (CSV).")


def _run(kind: str, file: Path, dry_run: bool, report_path: Path | None, as_: str | None) -> None:
    from lodestar.config import get_settings
    from lodestar.db.session import check_ready, make_engine, session_factory
    from lodestar.errors import LodestarError
    from lodestar.services.imports import ImportRejected, import_file, problems_csv, record_run

    try:
        engine = make_engine(get_settings().database_url)
        check_ready(engine)
    except LodestarError as exc:
        raise fail(exc) from None
    data = file.read_bytes()
    with session_factory(engine)() as session:
        actor = acting_user(session, as_)
        try:
            report = import_file(session, actor, kind, data, file.name, dry_run=dry_run)
        except ImportRejected as exc:
            session.rollback()
            run = record_run(session, actor, exc.report)
            session.commit()
            target = report_path or file.with_name(file.name + ".rejected.csv")
            target.write_text(problems_csv(exc.report.problems), encoding="utf-8")
            typer.echo(f"Error: {exc.message}", err=True)
            for p in exc.report.problems[:SHOWN]:
                typer.echo(f"  line {p.line}, {p.column}: {p.reason}", err=True)
            more = len(exc.report.problems) - SHOWN
            if more > 0:
                typer.echo(f"  … and {more:,} more.", err=True)
            typer.echo(
                f"The full report is in {target} (and on the web at /imports/{run.id}).", err=True
            )
            raise typer.Exit(code=1) from None
        except LodestarError as exc:
            session.rollback()
            raise fail(exc) from None
        record_run(session, actor, report)
        session.commit()
    typer.echo(report.summary())
    for note in report.notes:
        typer.echo(note)


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
