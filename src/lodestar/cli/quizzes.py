"""`lodestar quizzes`: list the quizzes, import one from a JSON or CSV file, export one, and
count how a quiz's results spread. See docs/quizzes-and-badges.md."""

from __future__ import annotations

from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Diagnostic quizzes kept as data (JSON or CSV).", no_args_is_help=True)


def _format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "csv"


@app.command("list")
def list_quizzes(as_: str | None = AS_OPTION) -> None:
    """The quizzes on offer, with their codes."""
    from lodestar.services import quizzes

    with session_scope() as session:
        actor = acting_user(session, as_)
        for q in quizzes.list_quizzes(session, actor):
            typer.echo(f"{q.code}  {q.title} ({q.questions} questions)")


@app.command("import")
def import_quiz(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .json or .csv quiz."),
    as_: str | None = AS_OPTION,
) -> None:
    """Add a quiz, or replace the one with its code (L&D and administrators)."""
    from lodestar.errors import LodestarError
    from lodestar.services import quizzes

    text = file.read_text(encoding="utf-8-sig")
    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            summary = quizzes.import_quiz(session, actor, text, _format(file))  # type: ignore[arg-type]
        except LodestarError as exc:
            for where, sentence in exc.details.get("problems", {}).items():
                typer.echo(f"  {where}: {sentence}", err=True)
            raise fail(exc) from None
    typer.echo(f"Imported “{summary.title}” ({summary.code}, {summary.questions} questions).")


@app.command("export")
def export_quiz(
    code: str = typer.Argument(..., help="The quiz's code, e.g. leadership-style."),
    file: Path = typer.Argument(..., dir_okay=False, help="Where to write it: .json or .csv."),
    as_: str | None = AS_OPTION,
) -> None:
    """Write a quiz to a JSON or CSV file, to edit and import again."""
    from lodestar.errors import LodestarError
    from lodestar.services import quizzes

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            text = quizzes.export_quiz(session, actor, code, _format(file))  # type: ignore[arg-type]
        except LodestarError as exc:
            raise fail(exc) from None
    file.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {code} to {file}.")


@app.command("results")
def results(
    code: str = typer.Argument(..., help="The quiz's code."), as_: str | None = AS_OPTION
) -> None:
    """How many people's latest attempt ended in each outcome (small groups hidden)."""
    from lodestar.errors import LodestarError
    from lodestar.services import quizzes

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            counts = quizzes.outcome_distribution(session, actor, code)
        except LodestarError as exc:
            raise fail(exc) from None
    for c in counts:
        shown = "hidden (fewer than the minimum group size)" if c.people is None else c.people
        typer.echo(f"{c.name}: {shown}")
