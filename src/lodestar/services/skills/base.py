"""The frame every skills view is read from, computed once per change of the data.

One row per (current employee, skill their job title's profile asks for): the person's team,
department and job title, the target level, the skill's importance to the job and the
strategy's weight on it, the person's current level and its source (``domain.skills``:
manager, else quiz, else self), the gap and the weighted gap. Beside it, every current
employee's latest self-rating and manager assessment per skill (for the self-rating bias and
the forecast's internal supply).

Aggregates over people are computed from these frames in pandas, never by a Python loop over
people; the frames are kept in ``SKILL_VIEWS`` with the data versions of the tables they read
(``services.derived``), so a page reads them from memory until an import, an assessment or a
profile change moves a version.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Department,
    Employee,
    JobRole,
    JobSkill,
    PrioritySkill,
    Skill,
    Team,
)
from lodestar.db.versions import COUNTED
from lodestar.domain.skills import IMPORTANCE_RANGE, MAX_PRIORITY_WEIGHT, SOURCE_TRUST
from lodestar.services.derived import DerivedViews

SKILL_VIEWS = DerivedViews(size=256)
SKILL_TABLES = COUNTED


@dataclass(frozen=True)
class SkillsBase:
    need: pd.DataFrame  # one row per (current employee, required skill)
    latest: pd.DataFrame  # employee_id, skill_id, source, level: latest per source
    skills: pd.DataFrame  # index skill_id: code, name
    teams: pd.DataFrame  # index team_id: team, department_id, department
    roles: pd.DataFrame  # index job_role_id: title
    priority_weight: pd.Series  # by skill_id, summed over priorities (capped)


def skills_base(session: Session) -> SkillsBase:
    return SKILL_VIEWS.get(session, ("base",), SKILL_TABLES, lambda: _compute(session))


def _frame(session: Session, stmt, columns: list[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """A Core query's rows as a frame (no ORM row processing: these are fact-sized)."""
    return pd.DataFrame.from_records(session.connection().execute(stmt).fetchall(), columns=columns)


def _compute(session: Session) -> SkillsBase:
    people = _frame(
        session,
        select(Employee.id, Employee.team_id, Employee.job_role_id).where(
            Employee.exit_date.is_(None)
        ),
        ["employee_id", "team_id", "job_role_id"],
    )
    profile = _frame(
        session,
        select(JobSkill.job_role_id, JobSkill.skill_id, JobSkill.target_level, JobSkill.importance),
        ["job_role_id", "skill_id", "target", "importance"],
    )
    weights = _frame(
        session,
        select(PrioritySkill.skill_id, func.sum(PrioritySkill.weight)).group_by(
            PrioritySkill.skill_id
        ),
        ["skill_id", "weight"],
    )
    priority_weight = (
        weights.set_index("skill_id")["weight"].astype(float).clip(upper=MAX_PRIORITY_WEIGHT)
        if len(weights)
        else pd.Series(dtype=float)
    )
    latest = _latest(session)
    current = _current(latest)
    need = people.merge(profile, on="job_role_id").merge(
        current, on=["employee_id", "skill_id"], how="left"
    )
    need["priority_weight"] = need["skill_id"].map(priority_weight).fillna(0.0).to_numpy()
    need["gap"] = np.maximum(0.0, need["target"] - need["level"])  # NaN when not assessed
    need["weight"] = need["importance"] / IMPORTANCE_RANGE[1] * (1.0 + need["priority_weight"])
    need["weighted_gap"] = need["gap"] * need["weight"]
    teams = _frame(
        session,
        select(Team.id, Team.name, Team.department_id, Department.name).join(
            Department, Department.id == Team.department_id
        ),
        ["team_id", "team", "department_id", "department"],
    ).set_index("team_id")
    need = need.merge(teams[["department_id"]], left_on="team_id", right_index=True, how="left")
    return SkillsBase(
        need=need,
        latest=latest,
        skills=_frame(
            session, select(Skill.id, Skill.code, Skill.name), ["skill_id", "code", "name"]
        ).set_index("skill_id"),
        teams=teams,
        roles=_frame(
            session, select(JobRole.id, JobRole.title), ["job_role_id", "title"]
        ).set_index("job_role_id"),
        priority_weight=priority_weight,
    )


# The latest assessment per (current employee, skill, source). Read with the driver's own
# types (dates stay ISO text on SQLite, which sorts the same): type processing of a million
# rows costs more than the query.
LATEST_SQL = """
SELECT a.employee_id, a.skill_id, a.source, a.level, a.assessed_on, a.id
FROM skill_assessments a JOIN employees e ON e.id = a.employee_id
WHERE e.exit_date IS NULL
"""


def _latest(session: Session) -> pd.DataFrame:
    """The latest assessment per (employee, skill, source), for current employees."""
    columns = ["employee_id", "skill_id", "source", "level", "assessed_on", "id"]
    cursor = session.connection().connection.cursor()  # the driver's, inside the transaction
    try:
        cursor.execute(LATEST_SQL)
        rows = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()
    if rows.empty:
        return rows[["employee_id", "skill_id", "source", "level"]]
    rows["assessed_on"] = rows["assessed_on"].astype(str)
    rows = rows.sort_values(["assessed_on", "id"], kind="stable")
    last = rows.drop_duplicates(["employee_id", "skill_id", "source"], keep="last")
    return last[["employee_id", "skill_id", "source", "level"]].reset_index(drop=True)


def _current(latest: pd.DataFrame) -> pd.DataFrame:
    """Current level per (employee, skill): the most trusted source's latest."""
    if latest.empty:
        return pd.DataFrame(columns=["employee_id", "skill_id", "level", "source"])
    rank = {s: i for i, s in enumerate(SOURCE_TRUST)}
    ranked = latest.assign(rank=latest["source"].map(rank)).sort_values("rank")
    best = ranked.drop_duplicates(["employee_id", "skill_id"], keep="first")
    return best[["employee_id", "skill_id", "level", "source"]]


__all__ = ["SKILL_TABLES", "SKILL_VIEWS", "SkillsBase", "skills_base"]
