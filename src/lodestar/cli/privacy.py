"""`lodestar privacy` (export, erase, apply-retention) and `lodestar audit`: administrators'
tools for personal data. Every command acts as an administrator (``--as`` or the first one)
and is recorded in the audit trail as ``cli: lodestar ...``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(help="Personal data: export, erase, retention.", no_args_is_help=True)


@app.command("export")
def export(
    person: str = typer.Argument(..., help="HR number, email or #id."),
    out: Path | None = typer.Option(
        None, "--out", help="Write here: .zip for CSV files, else JSON (default: print JSON)."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Everything held about one person, as JSON or as CSV files in a ZIP."""
    from lodestar.errors import LodestarError
    from lodestar.services.audit import request_origin
    from lodestar.services.privacy import person_export

    with session_scope() as session, request_origin("cli: lodestar privacy export"):
        actor = acting_user(session, as_)
        try:
            found = person_export(session, actor, person)
        except LodestarError as exc:
            raise fail(exc) from None
    if out is None:
        typer.echo(found.as_json())
        return
    if out.suffix.lower() == ".zip":
        out.write_bytes(found.as_zip())
    else:
        out.write_text(found.as_json(), encoding="utf-8")
    counts = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in found.counts().items() if n)
    typer.echo(f"Wrote {out}: {counts}.")


@app.command("erase")
def erase(
    person: str = typer.Argument(..., help="HR number, email or #id."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for the HR number to confirm."),
    delete_facts: bool = typer.Option(
        False,
        "--delete-facts",
        help="Also delete their KPI values, statements, observations, enrolments and moves.",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Pseudonymise a person in every table (see docs/privacy.md). Cannot be undone."""
    from lodestar.errors import LodestarError
    from lodestar.services.audit import request_origin
    from lodestar.services.privacy import erase_person, find_person

    with session_scope() as session, request_origin("cli: lodestar privacy erase"):
        actor = acting_user(session, as_)
        try:
            found = find_person(session, person)
            confirm = found.external_id
            if not yes:
                confirm = typer.prompt(
                    f"Erase {found.name}? This cannot be undone. Type their HR number "
                    f"({found.external_id}) to confirm"
                )
            outcome = erase_person(
                session, actor, person, confirm=confirm, delete_facts=delete_facts
            )
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(outcome.summary())


@app.command("apply-retention")
def apply_retention(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would change; change nothing."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Apply the retention settings (LODESTAR_PRIVACY__...): old audit events, raw xAPI JSON,
    people who left long ago."""
    from lodestar.errors import LodestarError
    from lodestar.services.audit import request_origin
    from lodestar.services.privacy import apply_retention as apply

    with session_scope() as session, request_origin("cli: lodestar privacy apply-retention"):
        actor = acting_user(session, as_)
        try:
            outcome = apply(session, actor, dry_run=dry_run)
        except LodestarError as exc:
            raise fail(exc) from None
    head = "Dry run — nothing changed." if dry_run else "Retention applied."
    typer.echo(head)
    for step in outcome.steps:
        if step.limit == "off":
            typer.echo(f"  {step.rule}: off ({step.setting}=0)")
        else:
            verb = "would be affected" if dry_run else "affected"
            typer.echo(f"  {step.rule} ({step.limit}): {step.count} {verb}")


def audit(
    actor: str = typer.Option("", "--actor", help="The acting account's email, or part of it."),
    action: str = typer.Option("", "--action", help="An action or its start, e.g. 'person.'."),
    object_type: str = typer.Option("", "--object", help="What was touched: program, ..."),
    person: str = typer.Option("", "--person", help="About this person: HR number, email, #id."),
    since: str = typer.Option("", "--since", help="From this day (YYYY-MM-DD)."),
    until: str = typer.Option("", "--until", help="To this day, inclusive (YYYY-MM-DD)."),
    csv: bool = typer.Option(False, "--csv", help="Print CSV (spreadsheet-safe) instead."),
    limit: int = typer.Option(50, "--limit", min=1, help="Most events to print (not for --csv)."),
    as_: str | None = AS_OPTION,
) -> None:
    """Read the audit trail: who viewed or changed what, about whom, newest first."""
    from lodestar.errors import InvalidInput, LodestarError
    from lodestar.services.audit import request_origin
    from lodestar.services.privacy import AuditFilters, audit_csv, audit_rows

    def day(value: str, name: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise fail(
                InvalidInput(f"{name} “{value}” is not a date. Use YYYY-MM-DD, e.g. 2026-01-31.")
            ) from None

    filters = AuditFilters(
        actor=actor,
        action=action,
        object_type=object_type,
        person=person,
        since=day(since, "--since"),
        until=day(until, "--until"),
    )
    with session_scope() as session, request_origin("cli: lodestar audit"):
        who = acting_user(session, as_)
        try:
            if csv:
                sys.stdout.write(audit_csv(session, who, filters))
                return
            rows = []
            for row in audit_rows(session, who, filters):
                rows.append(row)
                if len(rows) >= limit:
                    break
        except LodestarError as exc:
            raise fail(exc) from None
    if not rows:
        typer.echo("No audit events match.")
    for r in rows:
        about = f" about {r.person}" if r.person else ""
        obj = f"{r.object_type} #{r.object_id}" if r.object_id is not None else r.object_type
        typer.echo(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.actor:<28} {r.action:<22} {obj}{about}")
        if r.path:
            typer.echo(f"{'':21}from {r.path} {r.address}".rstrip())
