"""Behaviour observations: ``employee_id, behaviour, date, observed, score, source``.

Each row says whether a behaviour was seen (``observed``: yes/no) and/or how well (``score``)
for one employee on one date, by one source (manager, self or system). Baseline and the
30/60/90-day follow-ups are read later relative to the program start. The natural key is
(employee, behaviour, date, source).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.db.bulk import indexes_rebuilt_after, insert_frame
from lodestar.db.models import BehaviourObservation
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
    parse_booleans,
    parse_choice,
    parse_dates,
    parse_numbers,
    require,
)
from lodestar.services.imports.tables import (
    Layout,
    read_rows,
)

LAYOUT = Layout(("employee_id", "behaviour", "date", "source"), ("observed", "score"))
SOURCES = ("manager", "self", "system")
KEY = ["employee_id", "behaviour", "observed_on", "source"]


def import_behaviours(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update behaviour observations; all or nothing."""
    require_importer(actor)
    report = ImportReport("behaviours", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, LAYOUT, report)
    p = Problems(rows, report)
    employee = known_employees(p, session)
    require(p, "behaviour", "behaviour")
    day = parse_dates(p, "date", "date", required=True)
    source = parse_choice(p, "source", "source", SOURCES, default=None)
    observed = parse_booleans(p, "observed", "observed value")
    score = parse_numbers(p, "score", "score", required=False)
    p.flag(
        observed.isna().to_numpy() & np.isnan(score),
        "observed",
        None,
        "The row has neither an observed value (yes/no) nor a score. Give at least one.",
    )
    behaviour = np.asarray(rows.text("behaviour").to_numpy(zero_copy_only=False), dtype=object)
    p.flag(
        np.array([len(b) > 120 for b in behaviour]),
        "behaviour",
        None,
        "The behaviour name is longer than 120 characters. Shorten it.",
    )
    frame = pd.DataFrame(
        {
            "employee_id": int_key(employee),
            "behaviour": behaviour,
            "observed_on": day,
            "observed": observed,
            "score": score,
            "source": source,
        }
    )
    p.duplicates(frame[KEY], "date", rows.text("date"), "the same employee, behaviour, date "
                 "and source")  # fmt: skip
    p.raise_if_any()
    writing(session, report)
    t = BehaviourObservation
    people = sorted(set(frame["employee_id"].tolist()))
    stored = pd.DataFrame.from_records(
        session.execute(
            select(
                t.id, t.employee_id, t.behaviour, t.observed_on, t.source, t.observed, t.score
            ).where(t.employee_id.in_(people))  # fmt: skip
        ).all(),
        columns=["id", *KEY, "old_observed", "old_score"],
    )
    stored["observed_on"] = pd.to_datetime(stored["observed_on"])
    merged = frame.merge(stored, on=KEY, how="left")
    new = merged["id"].isna().to_numpy()
    changed = np.zeros(len(merged), dtype=bool)
    for c in ("observed", "score"):
        changed |= differs(merged[c], merged[f"old_{c}"])
    report.added = int(new.sum())
    report.updated = int((~new & changed).sum())
    report.unchanged = int((~new & ~changed).sum())
    if not dry_run:
        with indexes_rebuilt_after(session, t, report.added):
            insert_frame(session, t, frame.loc[new])
        rows_changed = merged.loc[~new & changed]
        if len(rows_changed):
            session.execute(
                update(t),
                [
                    {
                        "id": int(r.id),
                        "observed": None if pd.isna(r.observed) else bool(r.observed),
                        "score": None if pd.isna(r.score) else float(r.score),
                    }
                    for r in rows_changed.itertuples()
                ],
            )
    return report
