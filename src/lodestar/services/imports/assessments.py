"""Skill assessments by file: ``employee_id, skill_code, level, source, assessed_on``.

``source`` is self, manager or quiz; ``level`` is on the skill's proficiency scale (1 to its
number of levels). Assessments are history: the natural key is (employee, skill, source,
date), and a re-import of the same row with another level updates it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.db.bulk import insert_frame
from lodestar.db.models import ProficiencyScaleRow, Skill, SkillAssessment
from lodestar.domain.roles import Actor
from lodestar.domain.skills import ASSESSMENT_SOURCES, DEFAULT_LEVELS
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.report import ImportReport, Progress, no_progress
from lodestar.services.imports.row_checks import (
    Problems,
    known_employees,
    lookup,
    parse_choice,
    parse_dates,
    parse_numbers,
)
from lodestar.services.imports.tables import Layout, read_rows

LAYOUT = Layout(("employee_id", "skill_code", "level", "source", "assessed_on"))
KEY = ["employee_id", "skill_id", "source", "assessed_on"]


def import_assessments(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update skill assessments; all or nothing."""
    require_importer(actor)
    report = ImportReport("assessments", filename, dry_run=dry_run, progress=progress)
    rows = read_rows(data, filename, LAYOUT, report)
    p = Problems(rows, report)
    person = known_employees(p, session)
    skills = session.execute(
        select(Skill.code, Skill.id, ProficiencyScaleRow.levels).outerjoin(
            ProficiencyScaleRow, ProficiencyScaleRow.id == Skill.scale_id
        )
    ).all()
    skill = lookup(
        p,
        "skill_code",
        {str(c): int(i) for c, i, _ in skills},
        lambda v: f"No skill has the code “{v}”. Import the catalogue first.",
    )
    top = {int(i): len(levels or DEFAULT_LEVELS) for _, i, levels in skills}
    level = parse_numbers(p, "level", "level", required=True, low=1)
    most = np.array([top.get(int(s), 5) if not pd.isna(s) else 5 for s in skill], dtype=float)
    p.flag(
        level > most,
        "level",
        rows.text("level"),
        "The level is above the top of the skill's proficiency scale.",
    )
    source = parse_choice(p, "source", "source", ASSESSMENT_SOURCES, default=None)
    day = parse_dates(p, "assessed_on", "date", required=True)
    frame = pd.DataFrame(
        {
            "employee_id": person,
            "skill_id": skill,
            "level": level,
            "source": source,
            "assessed_on": day,
        }
    )
    p.duplicates(
        frame[KEY],
        "assessed_on",
        rows.text("assessed_on"),
        "the same person, skill, source and date",
    )
    p.raise_if_any()
    writing(session, report)
    t = SkillAssessment
    people = sorted(set(frame["employee_id"].astype(int).tolist()))
    stored = pd.DataFrame.from_records(
        session.execute(
            select(t.id, t.employee_id, t.skill_id, t.source, t.assessed_on, t.level).where(
                t.employee_id.in_(people)
            )
        ).all(),
        columns=["id", *KEY, "old_level"],
    )
    stored["assessed_on"] = pd.to_datetime(stored["assessed_on"])
    frame["employee_id"] = frame["employee_id"].astype("int64")
    frame["skill_id"] = frame["skill_id"].astype("int64")
    stored[["employee_id", "skill_id"]] = stored[["employee_id", "skill_id"]].astype("int64")
    merged = frame.merge(stored, on=KEY, how="left")
    new = merged["id"].isna().to_numpy()
    changed = ~new & (merged["level"].to_numpy() != merged["old_level"].to_numpy())
    report.added, report.updated = int(new.sum()), int(changed.sum())
    report.unchanged = len(frame) - report.added - report.updated
    if not dry_run:
        insert_frame(
            session,
            t,
            frame.loc[new].assign(assessed_on=frame.loc[new, "assessed_on"].dt.date),
        )
        if changed.any():
            session.execute(
                update(t),
                [
                    {"id": int(r.id), "level": float(r.level)}
                    for r in merged.loc[changed].itertuples()
                ],
            )
    return report
