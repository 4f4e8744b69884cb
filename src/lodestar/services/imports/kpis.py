"""Business KPIs in long format: ``subject, kpi, period, value[, weight]``.

The subject is an employee's external id for employee-grain KPIs, a team (name or id) for
team-grain KPIs, and empty (or ``org``) for organisation-grain KPIs. The natural key of an
observation is (KPI, subject, period): re-importing a row with the same value and weight
changes nothing, a new value updates the stored one.

Built for millions of rows: the file is parsed by pyarrow, every check runs over whole
columns, existing observations are read back as columns only for the KPIs and periods the
file touches, and new rows go through ``db.bulk.insert_frame`` (COPY on PostgreSQL).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.kpi_store import add_observations, update_observations
from lodestar.db.models import Kpi, KpiObservation
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
KEYS = ["kpi_id", "employee_id", "team_id", "period"]


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
    existing = _existing(session, frame)
    added, changed, unchanged = _classify(frame, existing)
    report.added, report.updated, report.unchanged = len(added), len(changed), unchanged
    if not dry_run:
        done = unchanged + len(changed)
        update_observations(session, changed)
        progress("writing", done, report.rows)
        add_observations(
            session, added, on_rows=lambda n: progress("writing", done + n, report.rows)
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
    employee_id, team_id = _subjects(session, problems, row_grain)
    problems.duplicates(
        pd.DataFrame({"k": kid, "e": int_key(employee_id), "t": int_key(team_id), "p": period}),
        "period",
        rows.text("period"),
        "the same KPI, subject and period",
    )
    problems.raise_if_any()
    return pd.DataFrame(
        {
            "kpi_id": kid,
            "employee_id": employee_id,
            "team_id": team_id,
            "period": period,
            "value": value,
            "weight": np.nan_to_num(weight, nan=1.0).astype(np.int64),
        }
    )


def _subjects(
    session: Session, problems: Problems, row_grain: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Employee and team ids of the subjects, according to each row's KPI grain."""
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
    employee = pd.Series(np.where(is_emp, emp, -1), dtype="Int64")
    employee[employee < 0] = pd.NA
    team_s = pd.Series(np.where(is_team, team, -1), dtype="Int64")
    team_s[team_s < 0] = pd.NA
    return employee, team_s


def _existing(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """The stored observations the file could collide with, as columns."""
    columns = ["id", *KEYS, "value", "weight"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    kpis = sorted(int(k) for k in frame["kpi_id"].unique())
    first, last = frame["period"].min().date(), frame["period"].max().date()
    t = KpiObservation
    query = select(t.id, t.kpi_id, t.employee_id, t.team_id, t.period, t.value, t.weight).where(
        t.kpi_id.in_(kpis), t.period >= first, t.period <= last
    )
    if session.scalar(select(t.id).where(query.whereclause).limit(1)) is None:  # type: ignore[arg-type]
        return pd.DataFrame(columns=columns)
    result = session.execute(query)
    stored = pd.DataFrame.from_records(result.all(), columns=columns)
    stored["period"] = pd.to_datetime(stored["period"])
    return stored


def _classify(
    frame: pd.DataFrame, existing: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(rows to add, rows to update with their id and keys, number unchanged)."""
    if existing.empty:
        return frame, pd.DataFrame(columns=["id", *KEYS, "value", "weight"]), 0
    left = frame.assign(_e=int_key(frame["employee_id"]), _t=int_key(frame["team_id"]))
    right = existing.assign(
        _e=int_key(existing["employee_id"]), _t=int_key(existing["team_id"])
    ).drop_duplicates(["kpi_id", "_e", "_t", "period"])
    right = right[["id", "kpi_id", "_e", "_t", "period", "value", "weight"]].rename(
        columns={"value": "old_value", "weight": "old_weight"}
    )
    merged = left.merge(right, on=["kpi_id", "_e", "_t", "period"], how="left")
    new = merged["id"].isna().to_numpy()
    same = (
        ~new
        & (merged["value"].to_numpy() == merged["old_value"].to_numpy())
        & (merged["weight"].to_numpy() == merged["old_weight"].to_numpy())
    )
    changed = merged.loc[~new & ~same, ["id", *KEYS, "value", "weight"]].astype(
        {"id": np.int64, "weight": np.int64}
    )
    return frame.loc[new].reset_index(drop=True), changed, int(same.sum())
