"""The skills catalogue as the source learning plans and badges read (``services.learning``'s
``SkillSource``): a person's gaps, their current levels and quiz assessments.

The reads answer for one person straight from the database, not from the company-wide frame
the skills pages keep (``services.skills.base``): a plan built, or a badge checked, right after an
assessment must see that assessment. The caller has already checked that the actor may see the
person (``services.reporting_line.person_for``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, JobSkill, PrioritySkill, Skill, SkillAssessment
from lodestar.domain.roles import Actor
from lodestar.domain.skills import SOURCE_TRUST, current_level, gap, weighted_gap
from lodestar.services.learning.skill_source import SkillGap


def current_levels(
    session: Session, employee_id: int, sources: tuple[str, ...] = SOURCE_TRUST
) -> dict[str, float]:
    """The person's current level per skill code: the most trusted source's latest rating."""
    rows = session.execute(
        select(Skill.code, SkillAssessment.source, SkillAssessment.level)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .where(SkillAssessment.employee_id == employee_id, SkillAssessment.source.in_(sources))
        .order_by(SkillAssessment.assessed_on, SkillAssessment.id)
    ).all()
    latest: dict[str, dict[str, float]] = {}
    for code, source, level in rows:  # later rows overwrite earlier ones
        latest.setdefault(code, {})[source] = float(level)
    out: dict[str, float] = {}
    for code, by_source in latest.items():
        now, _ = current_level(by_source)
        if now is not None:
            out[code] = now
    return out


class CatalogueSkillSource:
    """``SkillSource`` over the catalogue, the job profiles and the assessments."""

    def gaps(self, session: Session, employee_id: int) -> list[SkillGap]:
        """Skills below the job profile's target, largest weighted gap first, weighted as the
        skills pages weigh them (``domain.skills.weighted_gap``); a skill a strategic priority
        depends on says so."""
        person = session.get(Employee, employee_id)
        if person is None or person.job_role_id is None:
            return []
        levels = current_levels(session, employee_id)
        profile = session.execute(
            select(Skill.id, Skill.code, Skill.name, JobSkill.target_level, JobSkill.importance)
            .join(Skill, Skill.id == JobSkill.skill_id)
            .where(JobSkill.job_role_id == person.job_role_id)
        ).all()
        strategic = dict(
            session.execute(
                select(PrioritySkill.skill_id, func.sum(PrioritySkill.weight)).group_by(
                    PrioritySkill.skill_id
                )
            ).all()
        )
        out = []
        for skill_id, code, name, target, importance in profile:
            current = levels.get(code)
            if gap(target, current) <= 0:
                continue
            priority = float(strategic.get(skill_id) or 0.0)
            out.append(
                SkillGap(code, name, int(target),
                         None if current is None else round(current),
                         weighted_gap(target, current, importance, priority),
                         "priority" if priority > 0 else "job")
            )  # fmt: skip
        return sorted(out, key=lambda g: (-g.weighted_gap, g.skill_name))

    def levels(self, session: Session, employee_id: int) -> dict[str, int]:
        """Levels the person has shown to someone else: a manager's assessment or review. A
        self-rating nobody confirmed earns no badge, and neither does a quiz level (the answers
        are the person's own; ``services.skills.quiz_levels``)."""
        shown = current_levels(session, employee_id, sources=("manager",))
        return {code: int(level) for code, level in shown.items()}

    def record_assessment(
        self, session: Session, actor: Actor, employee_id: int, skill_code: str, level: int,
        source: str, assessed_on: date,
    ) -> None:  # fmt: skip
        from lodestar.services.skills.assessments import record_assessment

        record_assessment(session, actor, employee_id, skill_code, level, source, assessed_on)
