"""`lodestar`: the command line. Heavy modules are imported inside commands so --help is fast."""

from __future__ import annotations

import typer

from lodestar.cli import badges as badges_cmd
from lodestar.cli import brief as brief_cmd
from lodestar.cli import db as db_cmd
from lodestar.cli import demo as demo_cmd
from lodestar.cli import impact as impact_cmd
from lodestar.cli import imports as imports_cmd
from lodestar.cli import nudges as nudges_cmd
from lodestar.cli import pilots as pilots_cmd
from lodestar.cli import portfolio as portfolio_cmd
from lodestar.cli import priorities as priorities_cmd
from lodestar.cli import privacy as privacy_cmd
from lodestar.cli import programs as programs_cmd
from lodestar.cli import quizzes as quizzes_cmd
from lodestar.cli import requests as requests_cmd
from lodestar.cli import serve as serve_cmd
from lodestar.cli import skills as skills_cmd
from lodestar.cli import sources as sources_cmd
from lodestar.cli import users as users_cmd
from lodestar.cli import xapi as xapi_cmd

app = typer.Typer(
    name="lodestar",
    help="Lodestar: strategy-led Learning & Development. Start with `lodestar serve --demo`.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(serve_cmd.serve)
app.add_typer(badges_cmd.app, name="badges")
app.add_typer(brief_cmd.app, name="brief")
app.add_typer(db_cmd.app, name="db")
app.add_typer(demo_cmd.app, name="demo")
app.add_typer(impact_cmd.app, name="impact")
app.add_typer(imports_cmd.app, name="import")
app.add_typer(nudges_cmd.app, name="nudges")
app.add_typer(quizzes_cmd.app, name="quizzes")
app.add_typer(pilots_cmd.app, name="pilot")
app.add_typer(portfolio_cmd.app, name="portfolio")
app.add_typer(programs_cmd.app, name="program")
app.add_typer(requests_cmd.app, name="requests")
app.add_typer(sources_cmd.app, name="source")
app.add_typer(priorities_cmd.app, name="priorities")
app.add_typer(users_cmd.app, name="users")
app.add_typer(privacy_cmd.app, name="privacy")
app.add_typer(xapi_cmd.app, name="xapi")
app.add_typer(skills_cmd.app, name="skills")
app.command("audit")(privacy_cmd.audit)


def run() -> None:
    app()
