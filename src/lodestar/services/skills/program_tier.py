"""Tier 2, skills gained: participants' skill levels before a program and after it.

For each participant and skill, the level *before* is their latest assessment in the 180 days
up to their start, and the level *after* their latest from 30 to 365 days after it, by the
same source (a self-rating is compared with a self-rating, a manager's with a manager's: the
sources differ in level, see ``domain.skills.self_rating_bias``). A skill's row counts the
participants assessed both before and after; its means are hidden below the minimum group
size. This is a before–after comparison of participants, not an effect: the business tier
is where the program's effect is estimated.

Kept per data change with the program's other tiers (``impact.tiers.PROGRAM_VIEWS``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ProgramEnrolment, Skill, SkillAssessment
from lodestar.db.versions import COUNTED
from lodestar.services.impact.tiers import PROGRAM_VIEWS
from lodestar.services.privacy.groups import GroupRule, group_rule

BEFORE_DAYS = 180
AFTER_FROM, AFTER_TO = 30, 365


@dataclass(frozen=True)
class SkillGain:
    skill_code: str
    skill_name: str
    source: str
    people: int
    before: float | None  # mean level; None when hidden
    after: float | None
    change: float | None
    suppressed: bool = False


def skills_gained(
    session: Session, program_id: int, *, rule: GroupRule | None = None
) -> tuple[SkillGain, ...]:
    """Participants' levels before and after, per skill and source, most people first."""
    rule = rule or group_rule(session)
    key = ("skills", program_id, rule.min_size)
    return PROGRAM_VIEWS.get(session, key, COUNTED, lambda: _gains(session, program_id, rule))


def _gains(session: Session, program_id: int, rule: GroupRule) -> tuple[SkillGain, ...]:
    stmt = (
        select(
            SkillAssessment.employee_id,
            Skill.code,
            Skill.name,
            SkillAssessment.source,
            SkillAssessment.level,
            SkillAssessment.assessed_on,
            ProgramEnrolment.start_date,
        )
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == SkillAssessment.employee_id)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .where(
            ProgramEnrolment.program_id == program_id,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
        )
    )
    frame = pd.read_sql(stmt, session.connection())
    if frame.empty:
        return ()
    days = (pd.to_datetime(frame["assessed_on"]) - pd.to_datetime(frame["start_date"])).dt.days
    frame = frame.assign(days=days).sort_values("assessed_on")
    keys = ["employee_id", "code", "name", "source"]
    before = (
        frame[(frame["days"] < 0) & (frame["days"] >= -BEFORE_DAYS)].groupby(keys)["level"].last()
    )
    after = (
        frame[(frame["days"] >= AFTER_FROM) & (frame["days"] <= AFTER_TO)]
        .groupby(keys)["level"]
        .last()
    )
    both = pd.concat({"before": before, "after": after}, axis=1).dropna()
    if both.empty:
        return ()
    out = []
    for (code, name, source), rows in both.groupby(level=["code", "name", "source"]):
        people = len(rows)
        if rule.hides(people):
            out.append(SkillGain(str(code), str(name), str(source), people, None, None, None, True))
            continue
        b, a = float(rows["before"].mean()), float(rows["after"].mean())
        out.append(SkillGain(str(code), str(name), str(source), people, b, a, a - b))
    return tuple(sorted(out, key=lambda g: (-g.people, g.skill_name, g.source)))


__all__ = ["SkillGain", "skills_gained"]
