"""Learning activity as xAPI statements in a file (JSON lines; xAPI 1.0.3, 2.0 accepted).

Each line is one statement, checked against the xAPI data model
(``services.xapi.validation``; a 2.0 statement's timestamp must carry a time zone) and, for a
file, required to say when the learning happened (a timestamp). Every problem is reported
with its line and path, and one problem rejects the whole file.

The statements are then written by the one statement writer
(``services.xapi.writer.write_statements``), as the LRS endpoint, the pull connector and the
nudges write theirs: raw JSON kept exactly as the line held it, idempotent by id (the same
content again is counted unchanged, other content under a stored id is a conflict reported on
its line), voiding applied whether the target is in this file, stored earlier or arrives
later, actors matched to employees.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.imports.collector import collection_paused
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.guards import check_row_count, utf8_text
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress, no_progress
from lodestar.services.xapi import json_text
from lodestar.services.xapi.values import StatementInvalid
from lodestar.services.xapi.writer import (
    SortedBatch,
    ValidStatement,
    checked_statement,
    sort_out,
    write_statements,
)


def import_statements(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import xAPI statements from JSON lines; all or nothing."""
    require_importer(actor)
    with collection_paused():
        return _import(session, data, filename, dry_run=dry_run, progress=progress)


def _import(
    session: Session, data: bytes, filename: str, *, dry_run: bool, progress: Progress
) -> ImportReport:
    report = ImportReport("xapi", filename, dry_run=dry_run, progress=progress)
    text_ = utf8_text(data, report).decode("utf-8")
    check_row_count(text_.count("\n"), report)
    lines: list[int] = []
    parsed: list[ValidStatement] = []
    for number, line in enumerate(text_.splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        report.rows += 1
        statement = _statement(number, raw, report)
        if statement is not None:
            lines.append(number)
            parsed.append(statement)
    _void_chain(lines, parsed, report)
    writing(session, report)
    batch = sort_out(session, parsed)
    for clash in batch.conflicts:
        if clash.first is not None:
            reason = (
                f"Statement {clash.statement_id} appears on line {lines[clash.first]} with "
                "different content. A statement id names one statement; give the other one a "
                "new id."
            )
        else:
            reason = (
                f"Statement {clash.statement_id} was imported before with different content. "
                "Statements cannot change; send a new statement (and void the old one if it "
                "was wrong)."
            )
        report.add(lines[clash.index], "id", clash.statement_id, reason)
    report.unchanged += batch.unchanged
    fresh = batch.new
    if not report.ok:
        report.sort()
        raise ImportRejected(report)
    report.added = len(fresh)
    if not dry_run and fresh:
        outcome = write_statements(session, fresh, sorted_out=SortedBatch(new=fresh))
        if outcome.voided:
            report.notes.append(
                f"{outcome.voided:,} statement{' was' if outcome.voided == 1 else 's were'} "
                "marked voided."
            )
    return report


def _statement(number: int, raw: str, report: ImportReport) -> ValidStatement | None:
    """The checked statement on line ``number``, or None with the problem reported."""
    if "\\u0000" in raw or "\x00" in raw:
        report.add(
            number,
            "(line)",
            raw[:200].replace("\x00", "\\0"),
            "This statement contains a NUL character (\\u0000), which cannot be stored. "
            "Remove it from the statement.",
        )
        return None
    try:
        statement: Any = json_text.parse(raw)
    except json.JSONDecodeError as exc:
        report.add(
            number,
            "(line)",
            raw[:200],
            f"This line is not valid JSON ({exc.msg} at character {exc.pos + 1}). Each line "
            "must hold one statement.",
        )
        return None
    try:
        if not isinstance(statement, dict):
            raise StatementInvalid("(line)", "The line holds JSON but not a statement ({...}).")
        if not isinstance(statement.get("id"), str):
            raise StatementInvalid(
                "id",
                "The statement id is missing or not a UUID. Export statements with their ids "
                "so re-imports can be recognised.",
                statement.get("id") or "",
            )
        version = statement.get("version")
        two = isinstance(version, str) and version.startswith("2.")
        checked = checked_statement(statement, version="2.0.0" if two else "1.0.3", raw=raw)
        if "timestamp" not in statement:
            raise StatementInvalid(
                "timestamp",
                "The statement has no timestamp. Lodestar needs to know when the learning "
                "happened.",
            )
    except StatementInvalid as exc:
        report.add(number, exc.path, str(exc.value)[:200], exc.reason)
        return None
    return checked


def _void_chain(lines: list[int], rows: list[ValidStatement], report: ImportReport) -> None:
    """A voiding statement cannot target another voiding statement of the same file."""
    voiders = {s.id for s in rows if s.data["verb"]["id"] == VOIDED}
    for number, s in zip(lines, rows, strict=True):
        if s.data["verb"]["id"] == VOIDED and s.data["object"]["id"].lower() in voiders:
            report.add(
                number,
                "object.id",
                s.data["object"]["id"],
                "This statement voids a voiding statement, which xAPI does not allow.",
            )


VOIDED = "http://adlnet.gov/expapi/verbs/voided"
