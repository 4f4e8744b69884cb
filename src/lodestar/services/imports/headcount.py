"""The forecast's inputs by file: headcount plans and planned moves.

- ``headcount``: ``job_title, horizon_months, change[, note]`` — how many more (or, negative,
  fewer) people a job title is planned to have 12 or 24 months from now. The natural key is
  (job title, horizon); a re-import updates the change.
- ``planned_moves``: ``employee_id, to_job_title, effective_on`` — a person planned to move
  into another job title (promotion, transfer). The natural key is (employee, date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import HeadcountPlan, JobRole, PlannedMove
from lodestar.domain.roles import Actor
from lodestar.domain.skills import HORIZONS
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.report import ImportReport, Progress, no_progress
from lodestar.services.imports.row_checks import (
    Problems,
    known_employees,
    lookup,
    parse_dates,
    parse_numbers,
)
from lodestar.services.imports.tables import Layout, read_rows

HEADCOUNT = Layout(("job_title", "horizon_months", "change"), ("note",))
MOVES = Layout(("employee_id", "to_job_title", "effective_on"))


def job_role_ids(session: Session) -> dict[str, int]:
    """Job title (lower case) → id."""
    return {str(t).lower(): int(i) for t, i in session.execute(select(JobRole.title, JobRole.id))}


def _unknown_title(value: str) -> str:
    return (
        f"No job title is called “{value}”. Use a title from the HRIS import (the Skills "
        "profiles page lists them)."
    )


def import_headcount(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update headcount plans; all or nothing."""
    require_importer(actor)
    report = ImportReport("headcount", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, HEADCOUNT, report)
    p = Problems(rows, report)
    role = lookup(p, "job_title", job_role_ids(session), _unknown_title, casefold=True)
    horizon = parse_numbers(p, "horizon_months", "horizon", required=True, integer=True)
    p.flag(
        ~np.isin(horizon, HORIZONS) & ~np.isnan(horizon),
        "horizon_months",
        rows.text("horizon_months"),
        "The horizon is 12 or 24 months.",
    )
    change = parse_numbers(
        p, "change", "headcount change", required=True, integer=True, low=-100_000, high=100_000
    )
    keys = pd.DataFrame({"role": role, "horizon": horizon})
    p.duplicates(
        keys, "horizon_months", rows.text("horizon_months"), "the same job title and horizon"
    )
    p.raise_if_any()
    writing(session, report)
    notes = rows.text("note").to_pylist()
    stored = {(r.job_role_id, r.horizon_months): r for r in session.scalars(select(HeadcountPlan))}
    for i in range(len(rows)):
        k = (int(role.iloc[i]), int(horizon[i]))
        delta, note = int(change[i]), str(notes[i])[:300]
        row = stored.get(k)
        if row is None:
            stored[k] = HeadcountPlan(
                job_role_id=k[0], horizon_months=k[1], change=delta, note=note
            )
            session.add(stored[k])
            report.added += 1
        elif (row.change, row.note) != (delta, note):
            row.change, row.note = delta, note
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


def import_planned_moves(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update planned moves; all or nothing."""
    require_importer(actor)
    report = ImportReport("planned_moves", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, MOVES, report)
    p = Problems(rows, report)
    person = known_employees(p, session)
    role = lookup(p, "to_job_title", job_role_ids(session), _unknown_title, casefold=True)
    day = parse_dates(p, "effective_on", "date", required=True)
    keys = pd.DataFrame({"person": person, "day": day})
    p.duplicates(keys, "effective_on", rows.text("effective_on"), "the same person and date")
    p.raise_if_any()
    writing(session, report)
    stored = {(r.employee_id, r.effective_on): r for r in session.scalars(select(PlannedMove))}
    for i in range(len(rows)):
        k = (int(person.iloc[i]), day.iloc[i].date())
        row = stored.get(k)
        if row is None:
            stored[k] = PlannedMove(
                employee_id=k[0], effective_on=k[1], to_job_role_id=int(role.iloc[i])
            )
            session.add(stored[k])
            report.added += 1
        elif row.to_job_role_id != int(role.iloc[i]):
            row.to_job_role_id = int(role.iloc[i])
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report
