"""`lodestar requests`: list, show and submit training requests."""

from __future__ import annotations

from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Training requests: list, show, submit.", no_args_is_help=True)


@app.command("list")
def list_(
    state: str | None = typer.Option(None, help="Only requests in this state."),
    as_: str | None = AS_OPTION,
) -> None:
    """List the requests you may see, newest first."""
    from rich.console import Console
    from rich.table import Table

    from lodestar.domain.options import label
    from lodestar.errors import LodestarError
    from lodestar.services.intake import RequestFilters, list_requests

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            rows = list_requests(session, actor, RequestFilters(state=state))
        except LodestarError as exc:
            raise fail(exc) from None
    table = Table("#", "Title", "State", "Urgency", "Department", "Metric", "Age (days)")
    for r in rows:
        table.add_row(
            str(r.id),
            r.title,
            label(r.state),
            label(r.urgency),
            r.department_name or "",
            r.kpi_name or "— none —",
            str(r.age_days),
        )
    Console().print(table)


@app.command("show")
def show(request_id: int, as_: str | None = AS_OPTION) -> None:
    """Show one request: its five fields, what is missing, its history and diagnosis."""
    from lodestar.domain.intake import INTAKE_FIELDS
    from lodestar.domain.options import label
    from lodestar.errors import LodestarError
    from lodestar.services.intake import get_request

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            d = get_request(session, actor, request_id)
        except LodestarError as exc:
            raise fail(exc) from None
    s = d.summary
    typer.echo(f"#{s.id} {s.title}  [{label(s.state)}]")
    typer.echo(f"Requested by {s.requester_name} ({s.department_name or 'no department'})")
    typer.echo(f"Priority: {s.priority_title or '— none —'}   Metric: {s.kpi_name or '— none —'}")
    for f in INTAKE_FIELDS:
        typer.echo(f"\n{f.label}:\n  {d.fields[f.name] or '(missing)'}")
    if d.missing:
        typer.echo("\nMissing:")
        for m in d.missing:
            typer.echo(f"  - {m.why}")
    if d.diagnosis and d.diagnosis.outcome:
        typer.echo(f"\nDiagnosis: {label(d.diagnosis.outcome)}. {d.diagnosis.explanation}")
    typer.echo("\nHistory:")
    for h in d.history:
        typer.echo(f"  {h.at:%Y-%m-%d %H:%M} {h.actor_name}: {label(h.to_state)} {h.reason}")


@app.command("submit")
def submit(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A JSON file of fields."),
    as_: str | None = AS_OPTION,
) -> None:
    """Submit a request from a JSON file with the five fields (see docs/requests.md)."""
    import json

    from pydantic import ValidationError

    from lodestar.errors import InvalidInput, LodestarError
    from lodestar.services.intake import RequestInput, submit_request

    try:
        data = RequestInput.model_validate(json.loads(file.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise fail(
            InvalidInput(f"{file} is not a valid request file ({exc}). See docs/requests.md.")
        ) from None
    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            outcome = submit_request(session, actor, data)
        except LodestarError as exc:
            raise fail(exc) from None
    if outcome.complete:
        typer.echo(f"Request #{outcome.request_id} was submitted to the L&D team.")
        return
    typer.echo(f"Request #{outcome.request_id} was saved but needs information:", err=True)
    for m in outcome.missing:
        typer.echo(f"  - {m.why}", err=True)
    raise typer.Exit(code=2)
