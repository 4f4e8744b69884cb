"""The record of every import (landed, rejected or checked) with its row-level report."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ImportRun
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound
from lodestar.services import audit
from lodestar.services.imports.common import require_importer
from lodestar.services.imports.report import ImportReport, problems_csv

RECENT = 20


def record_run(session: Session, actor: Actor, report: ImportReport) -> ImportRun:
    """Store the outcome of one import. For a rejected file, call it after the rollback."""
    outcome = "rejected" if not report.ok else ("checked" if report.dry_run else "imported")
    run = ImportRun(
        kind=report.kind,
        filename=report.filename[:255],
        outcome=outcome,
        rows=report.rows,
        added=report.added,
        unchanged=report.unchanged,
        updated=report.updated,
        rejected=report.rejected_lines,
        message=" ".join([report.summary(), report.unlisted_sentence(), *report.notes]).replace(
            "  ", " "
        ),
        unlisted_problems=report.unlisted,
        problems=json.dumps([[p.line, p.column, p.value, p.reason] for p in report.problems]),
        user_id=actor.user_id or None,
    )
    session.add(run)
    session.flush()
    if outcome == "imported":  # personal data changed, in this transaction
        audit.record(session, actor, f"import.{report.kind}", "import_run", run.id, run.message)
    return run


def get_run(session: Session, actor: Actor, run_id: int) -> ImportRun:
    require_importer(actor)
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(f"There is no import number {run_id}. Pick one from the list of imports.")
    audit.viewed(session, actor, "import_run", run.id, "report with rejected rows")
    return run


def recent_runs(session: Session, actor: Actor, limit: int = RECENT) -> list[ImportRun]:
    require_importer(actor)
    return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def run_problems(run: ImportRun) -> list[tuple[int, str, str, str]]:
    return [tuple(p) for p in json.loads(run.problems or "[]")]  # type: ignore[misc]


def unlisted_sentence(run: ImportRun) -> str:
    """How many problems the stored report does not list (empty when none)."""
    return ImportReport(
        run.kind, run.filename, max_problems=len(run_problems(run)), unlisted=run.unlisted_problems
    ).unlisted_sentence()


def run_report_csv(session: Session, actor: Actor, run_id: int) -> str:
    """The rejected rows of one import as CSV (line, column, value, reason)."""
    run = get_run(session, actor, run_id)
    return problems_csv(run_problems(run), unlisted_sentence(run))
