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

A large company's frame takes seconds to compute (100,000 people: about 1.5 million
assessments are read). So when the data has changed and a frame is already kept, the kept
one is served while a background thread computes the new one (*stale while revalidate*): a
manager opening the heat map never waits for someone else's self-rating to be folded in, and
the figures catch up within seconds. The first frame of a process is computed in the request;
a session that wrote and has not committed computes its own, so it sees its writes. Views
derived from the frame are keyed by the frame's data versions (``view``), and by those of
any table they read besides the frame (the forecast's headcount plans and planned moves, the
priorities' titles): a planned move makes the forecast stale, not the frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db import versions
from lodestar.db.models import (
    Department,
    Employee,
    JobRole,
    JobSkill,
    PrioritySkill,
    Skill,
    Team,
)
from lodestar.domain.skills import IMPORTANCE_RANGE, MAX_PRIORITY_WEIGHT, SOURCE_TRUST
from lodestar.services.derived import DerivedViews

SKILL_VIEWS = DerivedViews(size=256)
# What the frame is read from, and only that (``_compute``; all counted, ``db.versions``): an
# xAPI statement, an enrolment or a planned move leaves it kept. Teams, departments and job
# titles name the rows (counted since migration 0027).
SKILL_TABLES = (
    "departments",
    "employees",
    "job_roles",
    "job_skills",
    "priority_skills",
    "skill_assessments",
    "skills",
    "teams",
)
# The marker of a frame that is not kept (its session wrote and has not committed, or a table
# has no counter row): nothing derived from it is kept either.
_UNKEPT = "unkept"
T = TypeVar("T")

# Views worth computing right after a new frame, in the refresh thread (registered by the
# modules that own them), so the first viewer after a change does not compute them either.
WARMERS: list[Callable[[Session, SkillsBase], object]] = []
_kept: dict[str, SkillsBase] = {}  # database URL -> the latest frame computed
_refreshing: set[str] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class SkillsBase:
    need: pd.DataFrame  # one row per (current employee, required skill)
    latest: pd.DataFrame  # employee_id, skill_id, source, level: latest per source
    skills: pd.DataFrame  # index skill_id: code, name
    teams: pd.DataFrame  # index team_id: team, department_id, department
    roles: pd.DataFrame  # index job_role_id: title
    priority_weight: pd.Series  # by skill_id, summed over priorities (capped)
    stamp: tuple[Any, ...] = ()  # the data versions it was computed at


def skills_base(session: Session) -> SkillsBase:
    """The frame for this session's database: kept, kept-while-refreshing, or computed."""
    if versions.wrote_uncommitted(session):
        return _compute(session, (_UNKEPT, id(session)))
    engine = session.get_bind().engine
    url = engine.url.render_as_string()
    stamp = versions.current(session, SKILL_TABLES)
    if any(version < 0 for _, version in stamp):  # a table with no counter: never kept
        return _compute(session, (_UNKEPT, id(session)))
    with _lock:
        kept = _kept.get(url)
        if kept is not None and kept.stamp == stamp:
            return kept
        start = kept is not None and url not in _refreshing
        if start:
            _refreshing.add(url)
    if kept is not None:
        if start:
            threading.Thread(
                target=_refresh, args=(engine, url), daemon=True, name="lodestar-skills-refresh"
            ).start()
        return kept
    value = _compute(session, stamp)
    with _lock:
        _kept[url] = value
    return value


def _refresh(engine: Any, url: str) -> None:
    try:
        with Session(engine) as session:
            stamp = versions.current(session, SKILL_TABLES)
            value = _compute(session, stamp)
            for warm in WARMERS:
                warm(session, value)
        with _lock:
            _kept[url] = value
    except Exception:  # noqa: BLE001 - the next request computes it in the request instead
        with _lock:
            _kept.pop(url, None)
    finally:
        with _lock:
            _refreshing.discard(url)


def view(
    session: Session,
    base: SkillsBase,
    key: tuple[Hashable, ...],
    compute: Callable[[], T],
    *,
    tables: Iterable[str] = (),
) -> T:
    """A view derived from ``base``, kept while ``base`` is the same frame and the ``tables``
    ``compute`` reads besides the frame are unchanged."""
    if base.stamp[:1] == (_UNKEPT,):
        return compute()
    return SKILL_VIEWS.get(session, (*key, base.stamp), tables, compute)


def _frame(session: Session, stmt, columns: list[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """A Core query's rows as a frame (no ORM row processing: these are fact-sized)."""
    return pd.DataFrame.from_records(session.connection().execute(stmt).fetchall(), columns=columns)


def _compute(session: Session, stamp: tuple[Any, ...]) -> SkillsBase:
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
        stamp=stamp,
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


__all__ = ["SKILL_TABLES", "SKILL_VIEWS", "WARMERS", "SkillsBase", "skills_base", "view"]
