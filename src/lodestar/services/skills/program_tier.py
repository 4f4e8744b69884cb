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
from typing import Any

from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import ProgramEnrolment, Skill, SkillAssessment
from lodestar.db.sql import days_between
from lodestar.services.impact.tiers import PROGRAM_VIEWS
from lodestar.services.privacy.groups import GroupRule, group_rule

BEFORE_DAYS = 180
AFTER_FROM, AFTER_TO = 30, 365

# What skills gained reads: participants' enrolments (start dates), their assessments (of
# anyone, current or not: ``employees`` is not read) and the skills' codes and names.
GAIN_TABLES = ("program_enrolments", "skill_assessments", "skills")


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
    return PROGRAM_VIEWS.get(session, key, GAIN_TABLES, lambda: _gains(session, program_id, rule))


def _gains(session: Session, program_id: int, rule: GroupRule) -> tuple[SkillGain, ...]:
    # Aggregated in the database: a program's participants hold hundreds of thousands of
    # assessments, and only one row per skill and source comes back.
    out = []
    for code, name, source, people, before, after in session.execute(gains_statement(program_id)):
        if rule.hides(int(people)):
            out.append(
                SkillGain(str(code), str(name), str(source), int(people), None, None, None, True)
            )
            continue
        b, a = float(before), float(after)
        out.append(SkillGain(str(code), str(name), str(source), int(people), b, a, a - b))
    return tuple(sorted(out, key=lambda g: (-g.people, g.skill_name, g.source)))


def gains_statement(program_id: int) -> Select[Any]:
    """Per skill and source: participants assessed both before and after, and the means of
    their latest level in each window (the latest by date, then by the order recorded)."""
    started = (
        select(ProgramEnrolment.employee_id, ProgramEnrolment.start_date)
        .where(
            ProgramEnrolment.program_id == program_id,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
        )
        .cte("started")
    )
    days = days_between(SkillAssessment.assessed_on, started.c.start_date)
    phase = case(
        (days < 0, literal("before")),
        (days >= AFTER_FROM, literal("after")),
    ).label("phase")
    person_skill = (SkillAssessment.employee_id, SkillAssessment.skill_id, SkillAssessment.source)
    ranked = (
        select(
            *person_skill,
            SkillAssessment.level,
            phase,
            func.row_number()
            .over(
                partition_by=(*person_skill, phase),
                order_by=(SkillAssessment.assessed_on.desc(), SkillAssessment.id.desc()),
            )
            .label("latest"),
        )
        .join(started, started.c.employee_id == SkillAssessment.employee_id)
        .where(
            days >= -BEFORE_DAYS,
            days <= AFTER_TO,
            or_(days < 0, days >= AFTER_FROM),
        )
        .subquery("ranked")
    )
    level_in = {
        name: func.max(case((ranked.c.phase == name, ranked.c.level)))
        for name in ("before", "after")
    }
    both = (
        select(
            ranked.c.skill_id,
            ranked.c.source,
            level_in["before"].label("before"),
            level_in["after"].label("after"),
        )
        .where(ranked.c.latest == 1)
        .group_by(ranked.c.employee_id, ranked.c.skill_id, ranked.c.source)
        .having(func.count() == 2)
        .subquery("both")
    )
    return (
        select(
            Skill.code,
            Skill.name,
            both.c.source,
            func.count(),
            func.avg(both.c.before),
            func.avg(both.c.after),
        )
        .join(Skill, Skill.id == both.c.skill_id)
        .group_by(Skill.code, Skill.name, both.c.source)
    )


__all__ = ["GAIN_TABLES", "SkillGain", "skills_gained"]
