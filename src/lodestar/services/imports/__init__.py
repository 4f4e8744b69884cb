"""Data in: one importer per kind of file, shared by the CLI, the web upload page and the
library. Every import is one transaction that lands the whole file or none of it, reports
every rejected row with its line, column and reason (``ImportRejected`` carries the
``ImportReport``), and is idempotent: re-importing a file reports rows as unchanged.

Kinds and their columns are documented in docs/imports.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from sqlalchemy.orm import Session

from lodestar.domain.options import check_option
from lodestar.domain.roles import Actor
from lodestar.services.imports import guards
from lodestar.services.imports.common import ImportBusy, require_importer
from lodestar.services.imports.conflicts import database_errors, is_concurrent_write
from lodestar.services.imports.jobs import (
    JobView,
    UploadTooLarge,
    create_job,
    get_job,
    mark_interrupted,
    queue_job,
    recent_jobs,
    rerun_job,
    run_job,
    start_in_background,
)
from lodestar.services.imports.report import (
    ImportRejected,
    ImportReport,
    Progress,
    RowProblem,
    no_progress,
    problems_csv,
)
from lodestar.services.imports.runs import (
    get_run,
    recent_runs,
    record_run,
    run_problems,
    run_report_csv,
    unlisted_sentence,
)

ImportKind = Literal[
    "employees",
    "moves",
    "enrolments",
    "xapi",
    "kpis",
    "behaviours",
    "esco",
    "onet",
    "moodle",
    "headcount",
    "planned_moves",
    "assessments",
]
IMPORT_KINDS: tuple[ImportKind, ...] = get_args(ImportKind)
KIND_LABELS: dict[str, str] = {
    "employees": "HRIS: employees, teams, managers, roles (CSV/XLSX)",
    "moves": "HRIS: team and role moves (CSV/XLSX)",
    "enrolments": "Programs, enrolments and completions (CSV/XLSX)",
    "xapi": "Learning activity: xAPI statements (JSON lines)",
    "kpis": "Business KPIs, long format (CSV/XLSX)",
    "behaviours": "Behaviour observations (CSV/XLSX)",
    "esco": "Skills catalogue: ESCO skills (skills_en.csv, v1.2)",
    "onet": "Skills catalogue: O*NET skills or abilities (Skills.txt, Abilities.txt)",
    "moodle": "Skills catalogue: Moodle competency framework (CSV export)",
    "headcount": "Skills forecast: headcount plans by job title (CSV/XLSX)",
    "planned_moves": "Skills forecast: planned moves into job titles (CSV/XLSX)",
    "assessments": "Skill assessments: self, manager or quiz (CSV/XLSX)",
}

# Kinds whose importer lives outside this module's own list (module, function).
_SKILL_IMPORTERS: dict[str, tuple[str, str]] = {
    "esco": ("lodestar.services.imports.esco", "import_esco"),
    "onet": ("lodestar.services.imports.onet", "import_onet"),
    "moodle": ("lodestar.services.imports.moodle", "import_moodle"),
    "headcount": ("lodestar.services.imports.headcount", "import_headcount"),
    "planned_moves": ("lodestar.services.imports.headcount", "import_planned_moves"),
    "assessments": ("lodestar.services.imports.assessments", "import_assessments"),
}

Importer = Callable[..., ImportReport]


def _importer(kind: ImportKind) -> Importer:
    if kind in _SKILL_IMPORTERS:
        import importlib

        module, name = _SKILL_IMPORTERS[kind]
        found: Importer = getattr(importlib.import_module(module), name)
        return found
    if kind == "employees":
        from lodestar.services.imports.hris import import_employees

        return import_employees
    if kind == "moves":
        from lodestar.services.imports.hris import import_moves

        return import_moves
    if kind == "enrolments":
        from lodestar.services.imports.enrolments import import_enrolments

        return import_enrolments
    if kind == "xapi":
        from lodestar.services.imports.xapi import import_statements

        return import_statements
    if kind == "kpis":
        from lodestar.services.imports.kpis import import_kpis

        return import_kpis
    from lodestar.services.imports.behaviours import import_behaviours

    return import_behaviours


def import_file(
    session: Session,
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import one file of ``kind`` inside the session's transaction.

    Raises ImportRejected (with the full report) when any row is wrong: the caller rolls
    back, so nothing of the file stays. With ``dry_run`` everything is checked and counted
    inside a savepoint that is rolled back. ``progress(phase, done, total)`` is called as the
    import moves on. If another import of the same data wrote at the same moment (and the
    database refused a repeated row), raises ImportBusy with a sentence instead.
    """
    require_importer(actor)
    checked = check_option(kind, IMPORT_KINDS, "import kind")
    run = _importer(checked)
    guards.check_size(len(data), ImportReport(checked, filename, dry_run=dry_run))
    progress("reading the file", 0, 0)
    if not dry_run:
        try:
            return run(session, actor, data, filename, progress=progress)
        except database_errors() as exc:
            if not is_concurrent_write(exc):
                raise
            raise ImportBusy(
                f"Another import wrote some of the same rows while {filename} was being "
                "written, so nothing of it was saved. Import it again: rows already stored "
                "will be reported as unchanged."
            ) from None
    savepoint = session.begin_nested()
    try:
        return run(session, actor, data, filename, dry_run=True, progress=progress)
    finally:
        savepoint.rollback()


__all__ = [
    "IMPORT_KINDS",
    "ImportBusy",
    "KIND_LABELS",
    "ImportKind",
    "ImportRejected",
    "ImportReport",
    "JobView",
    "Progress",
    "RowProblem",
    "UploadTooLarge",
    "create_job",
    "get_job",
    "mark_interrupted",
    "queue_job",
    "recent_jobs",
    "rerun_job",
    "run_job",
    "start_in_background",
    "unlisted_sentence",
    "get_run",
    "import_file",
    "problems_csv",
    "recent_runs",
    "record_run",
    "require_importer",
    "run_problems",
    "run_report_csv",
]
