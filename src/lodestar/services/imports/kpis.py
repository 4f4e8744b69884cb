"""Business KPIs in long format: ``subject, kpi, period, value[, weight]``.

The subject is an employee's external id for employee-grain KPIs, a team (name or id) for
team-grain KPIs, and empty (or ``org``) for organisation-grain KPIs. The natural key of an
observation is (KPI, subject, period): re-importing a row with the same value and weight
changes nothing, a new value updates the stored one.

Built for millions of rows: the file is parsed by pyarrow, every check runs over whole
columns and each distinct date and subject is parsed or looked up once; the rows are sorted
once by KPI, period and subject, which also finds repeated keys; and ``db.kpi_store`` folds
them into the packed columns of the periods they touch, rewriting only the periods whose
content changes (a hundred-odd rows for a 10 M-row file, with no index to rebuild).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.kpi_store import write_observations
from lodestar.db.models import Kpi
from lodestar.domain.roles import Actor
from lodestar.services.imports.common import (
    employee_ids,
    int_key,
    require_importer,
    team_ids,
    writing,
)
from lodestar.services.imports.report import ImportReport, Progress, no_progress
from lodestar.services.imports.row_checks import (
    Problems,
    lookup,
    parse_dates,
    parse_numbers,
)
from lodestar.services.imports.tables import (
    Layout,
    Rows,
    read_rows,
)

LAYOUT = Layout(("subject", "kpi", "period", "value"), ("weight",))


def import_kpis(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import KPI observations; raises ImportRejected (nothing saved) if any row is wrong."""
    require_importer(actor)
    report = ImportReport("kpis", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, LAYOUT, report)
    frame = _validated(session, rows, report)
    writing(session, report)
    written = write_observations(
        session,
        frame,
        dry_run=dry_run,
        on_rows=lambda n: progress("writing", n, report.rows),
    )
    report.added, report.updated, report.unchanged = (
        written.added,
        written.updated,
        written.unchanged,
    )
    return report


def _validated(session: Session, rows: Rows, report: ImportReport) -> pd.DataFrame:
    problems = Problems(rows, report)
    catalogue = {code: (kid, grain) for kid, code, grain in session.execute(
        select(Kpi.id, Kpi.code, Kpi.grain))}  # fmt: skip
    kpi_id = lookup(
        problems,
        "kpi",
        {code: kid for code, (kid, _) in catalogue.items()},
        lambda v: (
            f"No KPI has the code “{v}”. Add it to the KPI catalogue first, or correct the code."
        ),
    )
    period = parse_dates(problems, "period", "period", required=True)
    value = parse_numbers(problems, "value", "value", required=True)
    weight = parse_numbers(
        problems, "weight", "weight", required=False, low=0, high=32767, integer=True
    )
    grain_of = {kid: grain for kid, grain in catalogue.values()}
    kid = int_key(kpi_id)
    ids = np.array(sorted(grain_of), dtype=np.int64)
    grain_codes = {"employee": 1, "team": 2, "org": 3}
    table = np.zeros(int(ids.max()) + 2 if len(ids) else 1, dtype=np.int8)
    for k, g in grain_of.items():
        table[k] = grain_codes.get(g, 0)
    row_grain = np.where(kid >= 0, table[np.clip(kid, 0, len(table) - 1)], 0)
    subject = _subjects(session, problems, row_grain)
    day = period.to_numpy().astype("datetime64[D]").astype(np.int64)
    # One sort by KPI, period and subject: repeated keys end up side by side, and the rows
    # arrive at the store in the order it packs them.
    order = np.lexsort((subject, day, kid))
    by_kpi, by_day, by_subject = kid[order], day[order], subject[order]
    same_key = (
        (by_kpi[1:] == by_kpi[:-1])
        & (by_day[1:] == by_day[:-1])
        & (by_subject[1:] == by_subject[:-1])
    )
    if same_key.any():
        problems.duplicates(
            pd.DataFrame({"k": kid, "s": subject, "p": day}),
            "period",
            rows.text("period"),
            "the same KPI, subject and period",
        )
    problems.raise_if_any()
    return pd.DataFrame(
        {
            "kpi_id": by_kpi,
            "subject": by_subject,
            "period": period.to_numpy()[order],
            "value": value[order],
            "weight": np.nan_to_num(weight, nan=1.0).astype(np.int64)[order],
        }
    )


def _subjects(session: Session, problems: Problems, row_grain: np.ndarray) -> np.ndarray:
    """The subject of each row according to its KPI's grain: the employee's id, the team's
    id, or 0 for the organisation (-1 where there is none: those rows are flagged). Each
    distinct subject text is looked up once."""
    values = problems.rows.text("subject")
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    names = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    people = employee_ids(session) if (row_grain == 1).any() else {}
    teams, shared = team_ids(session) if (row_grain == 2).any() else ({}, set())
    emp = np.array([people.get(n, -1) for n in names] + [-1], dtype=np.int64)[codes]
    team = np.array([teams.get(n, -1) for n in names] + [-1], dtype=np.int64)[codes]
    org_ok = np.array([n.lower() in ("", "org") for n in names] + [False], dtype=bool)[codes]
    empty = np.array([n == "" for n in names] + [False], dtype=bool)[codes]
    is_emp, is_team, is_org = row_grain == 1, row_grain == 2, row_grain == 3
    problems.flag(
        is_emp & ~empty & (emp < 0),
        "subject",
        values,
        lambda v: (
            f"No employee has the external id “{v}”, and this KPI is measured per "
            "employee. Import the employee first (HRIS file), or correct the id."
        ),
    )
    problems.flag(
        is_team & ~empty & (team < 0),
        "subject",
        values,
        lambda v: (
            f"Several teams are called “{v}”, and this KPI is measured per team. Use the "
            "team's id instead of its name."
            if v in shared
            else f"No team is called “{v}” (or has that id), and this KPI is measured per "
            "team. Import the team first (HRIS file), or correct the name."
        ),
    )
    problems.flag(
        (is_emp | is_team) & empty,
        "subject",
        values,
        "The subject is empty. Give the employee's external id (or the team, for a team KPI).",
    )
    problems.flag(
        is_org & ~org_ok,
        "subject",
        values,
        lambda v: (
            f"This KPI is measured for the whole organisation, so the subject must be "
            f"empty or “org”, not “{v}”."
        ),
    )
    return np.where(is_emp, emp, np.where(is_team, team, np.where(is_org, 0, -1)))
