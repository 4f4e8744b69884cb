"""Programs, cohorts, enrolments and completions (operational tier).

One row per person and program: ``program, employee_id, group`` and optionally
``program_name, cohort, start_date, completed_date, satisfaction``. A program code not yet
known is created when ``program_name`` is given. The natural key is (program, employee).
Satisfaction (1–5) is stored in ``enrolment_satisfaction``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.db.bulk import insert_frame
from lodestar.db.models import EnrolmentSatisfaction, Program, ProgramEnrolment
from lodestar.domain.roles import Actor
from lodestar.services.imports.common import (
    differs,
    int_key,
    require_importer,
    writing,
)
from lodestar.services.imports.report import ImportReport, Progress, no_progress
from lodestar.services.imports.row_checks import (
    Problems,
    known_employees,
    lookup,
    parse_choice,
    parse_dates,
    parse_numbers,
    too_long,
)
from lodestar.services.imports.tables import (
    Layout,
    read_rows,
)

LAYOUT = Layout(
    ("program", "employee_id", "group"),
    ("program_name", "cohort", "start_date", "completed_date", "satisfaction"),
)
GROUPS = ("participant", "comparison")
COMPARED = ["group", "cohort", "start_date", "completed_on"]


def import_enrolments(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update enrolments and completions; all or nothing."""
    require_importer(actor)
    report = ImportReport("enrolments", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, LAYOUT, report)
    p = Problems(rows, report)
    programs = {c: i for i, c in session.execute(select(Program.id, Program.code))}
    codes = np.asarray(rows.text("program").to_numpy(zero_copy_only=False), dtype=object)
    names = np.asarray(rows.text("program_name").to_numpy(zero_copy_only=False), dtype=object)
    creatable = {c: n for c, n in zip(codes, names, strict=True) if c and n and c not in programs}
    known = programs | dict.fromkeys(creatable, 0)
    lookup(
        p,
        "program",
        known,
        lambda v: (
            f"No program has the code “{v}”. Create the program first, or add a "
            "program_name column so the import creates it."
        ),
    )
    employee = known_employees(p, session)
    too_long(p, {"program": ("program code", 60), "program_name": ("program name", 200),
                 "cohort": ("cohort", 40)})  # fmt: skip
    group = parse_choice(p, "group", "group", GROUPS, default=None)
    start = parse_dates(p, "start_date", "start date", required=False)
    done = parse_dates(p, "completed_date", "completed date", required=False)
    score = parse_numbers(p, "satisfaction", "satisfaction score", required=False, low=1, high=5)
    p.flag(
        (done < start).to_numpy(),
        "completed_date",
        rows.text("completed_date"),
        lambda v: f"The completed date {v} is before the start date. Correct one of them.",
    )
    comparison = group == "comparison"
    p.flag(
        comparison & (done.notna().to_numpy() | ~np.isnan(score)),
        "group",
        rows.text("group"),
        "A comparison-group member does not take the program, so has no completed date or "
        "satisfaction score. Clear them or change the group to participant.",
    )
    p.duplicates(
        pd.DataFrame({"p": codes, "e": int_key(employee)}),
        "employee_id",
        rows.text("employee_id"),
        "the same program and employee",
    )
    p.raise_if_any()
    writing(session, report)
    if not dry_run:
        for code, name in creatable.items():
            program = Program(code=code, name=name)
            session.add(program)
            session.flush()
            programs[code] = program.id
    frame = pd.DataFrame(
        {
            "program_id": [programs.get(c, -1) for c in codes],
            "employee_id": int_key(employee),
            "group": group,
            "cohort": rows.text("cohort").to_numpy(zero_copy_only=False),
            "start_date": start,
            "completed_on": done,
            "score": score,
        }
    )
    e = ProgramEnrolment
    stored = pd.DataFrame.from_records(
        session.execute(
            select(e.id, e.program_id, e.employee_id, *(getattr(e, c) for c in COMPARED)).where(
                e.program_id.in_(sorted(set(programs.values())))
            )
        ).all(),
        columns=["id", "program_id", "employee_id", *(f"old_{c}" for c in COMPARED)],
    ).drop_duplicates(["program_id", "employee_id"])
    s = EnrolmentSatisfaction
    scores = pd.DataFrame.from_records(
        session.execute(select(s.id, s.program_id, s.employee_id, s.score)).all(),
        columns=["score_id", "program_id", "employee_id", "old_score"],
    )
    merged = frame.merge(stored, on=["program_id", "employee_id"], how="left").merge(
        scores, on=["program_id", "employee_id"], how="left"
    )
    for c in ("start_date", "completed_on"):
        merged[f"old_{c}"] = pd.to_datetime(merged[f"old_{c}"])
    new = merged["id"].isna().to_numpy()
    changed = np.zeros(len(merged), dtype=bool)
    for c in [*COMPARED, "score"]:
        changed |= differs(merged[c], merged[f"old_{c}"])
    report.added = int(new.sum())
    report.updated = int((~new & changed).sum())
    report.unchanged = int((~new & ~changed).sum())
    if dry_run:
        return report
    insert_frame(session, ProgramEnrolment, frame.loc[new, ["program_id", "employee_id",
                 "group", "cohort", "start_date", "completed_on"]])  # fmt: skip
    rows_changed = merged.loc[~new & changed]
    if len(rows_changed):
        session.execute(
            update(ProgramEnrolment),
            [
                {
                    "id": int(r.id),
                    "group": r.group,
                    "cohort": r.cohort,
                    "start_date": None if pd.isna(r.start_date) else r.start_date.date(),
                    "completed_on": None if pd.isna(r.completed_on) else r.completed_on.date(),
                }
                for r in rows_changed.itertuples()
            ],
        )
    with_score = ~np.isnan(merged["score"].to_numpy(dtype=float))
    fresh = with_score & merged["score_id"].isna().to_numpy()
    insert_frame(session, EnrolmentSatisfaction, merged.loc[fresh, ["program_id",
                 "employee_id", "score"]])  # fmt: skip
    moved = with_score & ~fresh & (merged["score"] != merged["old_score"]).to_numpy()
    if moved.any():
        session.execute(
            update(EnrolmentSatisfaction),
            [
                {"id": int(r.score_id), "score": float(r.score)}
                for r in merged.loc[moved].itertuples()
            ],
        )
    return report
