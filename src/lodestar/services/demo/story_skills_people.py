"""The demo's skill assessments, with known answers kept beside the demo truth
(``workspace_meta['demo_skills_truth']``).

Every current employee has a manager assessment on each skill of their job title's profile,
one to two levels under target or at it (probabilities 0.4 / 0.4 / 0.2 of being 0, 1 or 2
under), dated 30 days before the demo's end, and a self-rating dated 45 days before it. The
known answers are planted:

- **self-ratings run high**: a self-rating is the manager's level plus one for a random 60 %
  of ratings (capped at the top of the scale); the exact mean of (self − manager) over the
  people rated both ways is stored (``self_rating_bias``);
- **Consultative Discovery participants go up one level**: each participant with a start
  date is assessed by their manager on discovery questioning 60 days before their start and
  again 120 days after it, exactly one level higher (``discovery_gain`` = 1.0);
- **the largest gap is in a known team**: in the first customer-service team, everyone who
  needs first-contact resolution is three levels under target (the skill is essential and
  the first-time-fix must-win's own), which no other team × skill cell reaches;
- **one team is too small to show**: in the last engineering team, only three people are
  assessed at all, so its heat-map cells are hidden at the default minimum group size of 5;
- **the forecast's top "build now" skill** is solution selling (the account executives'
  growth from 12 to 24 months, essential and the conversion must-win's own); negotiation is
  the skill to **borrow**: procurement buyers hold it at 4 though their job does not ask it.

Rows are written in bulk (``db.bulk.insert_frame``).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.analytics.demo.calendar import LAST_WEEK
from lodestar.db.bulk import indexes_rebuilt_after, insert_frame
from lodestar.db.models import (
    Department,
    Employee,
    JobRole,
    JobSkill,
    Program,
    ProgramEnrolment,
    SkillAssessment,
    Team,
    WorkspaceMeta,
)
from lodestar.services.demo.story_skills import write_skill_catalogue

END = LAST_WEEK + timedelta(days=6)
TOP = 5
SELF_UP_SHARE = 0.6
SMALL_TEAM_ASSESSED = 3
PLANTED_GAP = 3
DISCOVERY = "BW-DISCOVERY"
FIRSTFIX = "BW-FIRSTFIX"
TOP_BUILD_NOW = "BW-SOLUTION"
BORROW = "BW-NEGOTIATE"


def write_skills_story(session: Session, seed: int) -> dict[str, object]:
    """Catalogue, profiles, plan and assessments; stores and returns the known answers."""
    ids = write_skill_catalogue(session)
    rng = np.random.default_rng(seed + 1313)
    need = pd.DataFrame.from_records(
        session.execute(
            select(Employee.id, Employee.team_id, JobSkill.skill_id, JobSkill.target_level)
            .join(JobSkill, JobSkill.job_role_id == Employee.job_role_id)
            .where(Employee.exit_date.is_(None))
            .order_by(Employee.id, JobSkill.skill_id)
        ).all(),
        columns=["employee_id", "team_id", "skill_id", "target"],
    )
    teams = _teams(session)
    big, small = teams["service_first"], teams["engineering_last"]
    under = rng.choice([0, 1, 2], size=len(need), p=[0.4, 0.4, 0.2])
    level = np.clip(need["target"].to_numpy() - under, 1, TOP)
    planted = (need["team_id"] == big).to_numpy() & (need["skill_id"] == ids[FIRSTFIX]).to_numpy()
    level[planted] = np.clip(need["target"].to_numpy()[planted] - PLANTED_GAP, 1, TOP)
    need["level"] = level.astype(float)
    # The small team: only its first three people (by id) are assessed at all.
    small_people = sorted(set(need.loc[need["team_id"] == small, "employee_id"]))
    dropped = set(small_people[SMALL_TEAM_ASSESSED:])
    need = need[~need["employee_id"].isin(dropped)]
    participants = _discovery_participants(session)
    in_program = need["employee_id"].isin(participants["employee_id"]) & (
        need["skill_id"] == ids[DISCOVERY]
    )
    general = need[~in_program]
    manager = general.assign(source="manager", assessed_on=END - timedelta(days=30))
    up = rng.random(len(need)) < SELF_UP_SHARE
    self_rated = need.assign(
        level=np.minimum(TOP, need["level"].to_numpy() + up),
        source="self",
        assessed_on=END - timedelta(days=45),
    )
    discovery = _discovery_rows(need[in_program], participants)
    buyers = _buyers_who_negotiate(session, ids)
    rows = pd.concat([manager, self_rated, discovery, buyers], ignore_index=True)
    frame = rows[["employee_id", "skill_id", "level", "source", "assessed_on"]]
    with indexes_rebuilt_after(session, SkillAssessment, len(frame)):
        insert_frame(session, SkillAssessment, frame)
    truth = _truth(session, frame, teams, ids, participants)
    session.merge(WorkspaceMeta(key="demo_skills_truth", value=truth))
    return truth


def _buyers_who_negotiate(session: Session, ids: dict[str, int]) -> pd.DataFrame:
    """Procurement buyers negotiate with suppliers every day: their managers rate them at 4 on
    negotiation, which their own job does not ask for (the forecast's people to borrow)."""
    people = session.scalars(
        select(Employee.id)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(JobRole.title == "Procurement Buyer", Employee.exit_date.is_(None))
    ).all()
    return pd.DataFrame(
        {
            "employee_id": people,
            "skill_id": ids[BORROW],
            "level": 4.0,
            "source": "manager",
            "assessed_on": END - timedelta(days=30),
        }
    )


def _teams(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Team.id, Department.code)
        .join(Department, Department.id == Team.department_id)
        .order_by(Team.id)
    ).all()
    service = [int(i) for i, code in rows if code == "service"]
    engineering = [int(i) for i, code in rows if code == "engineering"]
    return {"service_first": service[0], "engineering_last": engineering[-1]}


def _discovery_participants(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(ProgramEnrolment.employee_id, ProgramEnrolment.start_date)
        .join(Program, Program.id == ProgramEnrolment.program_id)
        .join(Employee, Employee.id == ProgramEnrolment.employee_id)
        .where(
            Program.code == "consultative_discovery",
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
            Employee.exit_date.is_(None),
        )
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=["employee_id", "start_date"])
    after = pd.to_datetime(frame["start_date"]) + pd.Timedelta(days=120)
    return frame[after <= pd.Timestamp(END - timedelta(days=1))]


def _discovery_rows(need: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Before (60 days before the start) and after (120 days after): one level up."""
    merged = need.merge(participants, on="employee_id")
    before_level = np.clip(merged["level"].to_numpy(), 1, TOP - 1)
    start = pd.to_datetime(merged["start_date"])
    before = merged.assign(
        level=before_level, source="manager", assessed_on=(start - pd.Timedelta(days=60)).dt.date
    )
    after = merged.assign(
        level=before_level + 1,
        source="manager",
        assessed_on=(start + pd.Timedelta(days=120)).dt.date,
    )
    return pd.concat([before, after], ignore_index=True).drop(columns=["start_date"])


def _truth(
    session: Session,
    frame: pd.DataFrame,
    teams: dict[str, int],
    ids: dict[str, int],
    participants: pd.DataFrame,
) -> dict[str, object]:
    latest = frame.sort_values("assessed_on").drop_duplicates(
        ["employee_id", "skill_id", "source"], keep="last"
    )
    wide = latest.pivot_table(index=["employee_id", "skill_id"], columns="source", values="level")
    diff = (wide["self"] - wide["manager"]).dropna()
    names = dict(session.execute(select(Team.id, Team.name)).all())
    return {
        "skills": len(ids),
        "self_rating_bias": round(float(diff.mean()), 6),
        "self_rating_share_up": SELF_UP_SHARE,
        "discovery_skill": DISCOVERY,
        "discovery_gain": 1.0,
        "discovery_participants": int(len(participants)),
        "largest_gap_team": str(names[teams["service_first"]]),
        "largest_gap_skill": FIRSTFIX,
        "small_team": str(names[teams["engineering_last"]]),
        "small_team_assessed": SMALL_TEAM_ASSESSED,
        "top_build_now_skill": TOP_BUILD_NOW,
        "borrow_skill": BORROW,
        "as_of": END.isoformat(),
    }


__all__ = ["END", "write_skills_story"]
