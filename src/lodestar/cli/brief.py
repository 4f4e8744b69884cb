"""`lodestar brief`: the one-page impact brief of a program, or of the portfolio, as a file.

Made by the same report code as the web page and the download (``reports.brief_output``), so the
file says the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, find_program_id, session_scope

app = typer.Typer(help="One-page impact briefs for leadership (PDF or HTML).",
                  no_args_is_help=True)  # fmt: skip

FORMAT_OPTION = typer.Option("pdf", "--format", help="pdf (one page) or html (one file).")
PAPER_OPTION = typer.Option("a4", "--paper", help="Paper size of the PDF: a4 or letter.")
OUT_OPTION = typer.Option(..., "--out", help="The file to write; replaced if it exists.")
LOCAL_URL = "http://localhost:8000"
T = TypeVar("T")


def _write(out: Path, content: bytes) -> None:
    """Write whole or not at all: a temporary file beside the target, then renamed."""
    if out.is_dir():
        raise typer.BadParameter(f"{out} is a folder; give a file name such as brief.pdf.")
    if not out.parent.exists():
        raise typer.BadParameter(f"The folder {out.parent} does not exist; create it first.")
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_bytes(content)
    tmp.replace(out)


def _made_as(as_: str | None, make: Callable[[Any, Any, str, str], T]) -> T:
    """Run ``make(session, actor, link_base, organisation)`` as the acting user, with the links
    on the file pointing at this installation; a refusal ends the command with its sentence."""
    from lodestar.config import get_settings
    from lodestar.errors import LodestarError

    settings = get_settings()
    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            return make(session, actor, settings.public_url or LOCAL_URL,
                        settings.organisation_name)  # fmt: skip
        except LodestarError as exc:
            raise fail(exc) from None


@app.command("program")
def program(
    program: str = typer.Argument(..., help="Program code or number."),
    fmt: str = FORMAT_OPTION,
    paper: str = PAPER_OPTION,
    out: Path = OUT_OPTION,
    result: int | None = typer.Option(
        None, "--result", help="Brief on this stored result (default: the pinned, else newest)."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Write one program's brief to a file."""
    from lodestar.reports.brief_output import program_brief_file
    from lodestar.reports.brief_pdf import check_format, check_paper

    made = _made_as(as_, lambda session, actor, link_base, organisation: program_brief_file(
        session, actor, find_program_id(session, program), fmt=check_format(fmt),
        paper=check_paper(paper), result_id=result, link_base=link_base,
        organisation=organisation,
    ))  # fmt: skip
    _write(out, made.content)
    typer.echo(f"Wrote the brief of {made.view.name} ({made.view.result_words}) to {out}.")
    typer.echo(made.view.headline)


@app.command("portfolio")
def portfolio(
    fmt: str = FORMAT_OPTION,
    paper: str = PAPER_OPTION,
    out: Path = OUT_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """Write the portfolio brief (programs by priority, value delivered, the pipeline)."""
    from lodestar.reports.brief_pdf import check_format, check_paper
    from lodestar.reports.portfolio_output import portfolio_brief_file

    made = _made_as(as_, lambda session, actor, link_base, organisation: portfolio_brief_file(
        session, actor, fmt=check_format(fmt), paper=check_paper(paper), link_base=link_base,
        organisation=organisation,
    ))  # fmt: skip
    _write(out, made.content)
    typer.echo(f"Wrote the portfolio brief to {out}.")
