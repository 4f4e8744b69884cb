"""Job-title skill profiles (the skills a job title needs, at what level, how important) and
the skills strategic priorities depend on (with a weight, and the extra people at target the
priority needs in 12 and 24 months, which the forecast reads).

Everyone may read a profile (people need to see what their job asks of them); the L&D team
and administrators change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.db.models import JobRole, JobSkill, PrioritySkill, Skill, StrategicPriority
from lodestar.domain.roles import Actor
from lodestar.domain.skills import check_importance, check_priority_weight
from lodestar.errors import InvalidInput, NotFound
from lodestar.services.skills.catalogue import get_skill, require_catalogue_editor


@dataclass(frozen=True)
class ProfileLine:
    skill_code: str
    skill_name: str
    target_level: int
    target_label: str
    importance: int


@dataclass(frozen=True)
class JobProfile:
    job_role_id: int
    title: str
    lines: tuple[ProfileLine, ...]


@dataclass(frozen=True)
class PrioritySkillLine:
    priority_id: int
    priority_title: str
    skill_code: str
    skill_name: str
    weight: float
    extra_people_12: int
    extra_people_24: int


def job_role(session: Session, title_or_id: str | int) -> JobRole:
    if isinstance(title_or_id, int) or str(title_or_id).isdigit():
        found = session.get(JobRole, int(title_or_id))
    else:
        found = session.scalar(select(JobRole).where(JobRole.title == str(title_or_id)))
    if found is None:
        raise NotFound(
            f"There is no job title “{title_or_id}”. Job titles come from the HRIS import; the "
            "Skills profiles page lists them."
        )
    return found


def set_job_skill(
    session: Session,
    actor: Actor,
    job_title: str | int,
    skill_code: str,
    *,
    target_level: int,
    importance: int,
) -> ProfileLine:
    """Add or change one skill of a job title's profile."""
    require_catalogue_editor(actor)
    role = job_role(session, job_title)
    skill = get_skill(session, actor, skill_code)
    skill.scale.check(target_level)
    check_importance(importance)
    row = session.scalar(
        select(JobSkill).where(JobSkill.job_role_id == role.id, JobSkill.skill_id == skill.id)
    )
    if row is None:
        row = JobSkill(job_role_id=role.id, skill_id=skill.id)
        session.add(row)
    row.target_level, row.importance = target_level, importance
    session.flush()
    return ProfileLine(
        skill.code, skill.name, target_level, skill.scale.label(target_level), importance
    )


def remove_job_skill(session: Session, actor: Actor, job_title: str | int, skill_code: str) -> None:
    require_catalogue_editor(actor)
    role = job_role(session, job_title)
    skill = get_skill(session, actor, skill_code)
    session.execute(
        delete(JobSkill).where(JobSkill.job_role_id == role.id, JobSkill.skill_id == skill.id)
    )


def job_profiles(session: Session, actor: Actor) -> list[JobProfile]:
    """Every job title with its profile (titles without one have no lines)."""
    from lodestar.services.skills.catalogue import list_skills

    scales = {s.code: s.scale for s in list_skills(session, actor, limit=100_000)}
    rows = session.execute(
        select(
            JobRole.id,
            JobRole.title,
            Skill.code,
            Skill.name,
            JobSkill.target_level,
            JobSkill.importance,
        )
        .outerjoin(JobSkill, JobSkill.job_role_id == JobRole.id)
        .outerjoin(Skill, Skill.id == JobSkill.skill_id)
        .order_by(JobRole.title, JobSkill.importance.desc(), Skill.name)
    ).all()
    out: dict[int, JobProfile] = {}
    for role_id, title, code, name, target, importance in rows:
        profile = out.setdefault(role_id, JobProfile(role_id, title, ()))
        if code is not None:
            line = ProfileLine(code, name, target, scales[code].label(target), importance)
            out[role_id] = JobProfile(role_id, title, (*profile.lines, line))
    return list(out.values())


def job_profile(session: Session, actor: Actor, job_title: str | int) -> JobProfile:
    role = job_role(session, job_title)
    for profile in job_profiles(session, actor):
        if profile.job_role_id == role.id:
            return profile
    return JobProfile(role.id, role.title, ())


def set_priority_skill(
    session: Session,
    actor: Actor,
    priority_id: int,
    skill_code: str,
    *,
    weight: float,
    extra_people_12: int = 0,
    extra_people_24: int = 0,
) -> PrioritySkillLine:
    """Say that a strategic priority depends on a skill (weight 0–1) and how many more people
    at target it needs in 12 and 24 months."""
    require_catalogue_editor(actor)
    priority = session.get(StrategicPriority, priority_id)
    if priority is None:
        raise NotFound(f"There is no strategic priority {priority_id}. Pick one from Priorities.")
    skill = get_skill(session, actor, skill_code)
    check_priority_weight(weight)
    if extra_people_12 < 0 or extra_people_24 < 0:
        raise InvalidInput(
            "The extra people a priority needs are counted from 0 upwards. Give 0 when it needs "
            "no more people at target than today.",
            details={"fields": {"extra_people_12": "0 or more"}},
        )
    row = session.scalar(
        select(PrioritySkill).where(
            PrioritySkill.priority_id == priority_id, PrioritySkill.skill_id == skill.id
        )
    )
    if row is None:
        row = PrioritySkill(priority_id=priority_id, skill_id=skill.id)
        session.add(row)
    row.weight, row.extra_people_12, row.extra_people_24 = weight, extra_people_12, extra_people_24
    session.flush()
    return PrioritySkillLine(
        priority_id,
        priority.title,
        skill.code,
        skill.name,
        weight,
        extra_people_12,
        extra_people_24,
    )


def remove_priority_skill(
    session: Session, actor: Actor, priority_id: int, skill_code: str
) -> None:
    """Say a strategic priority no longer depends on a skill."""
    require_catalogue_editor(actor)
    if priority_id <= 0 or not skill_code.strip():
        raise InvalidInput(
            "Say which priority and which skill: choose the line to remove from the list.",
            details={"fields": {"priority_id": "required", "skill_code": "required"}},
        )
    skill = get_skill(session, actor, skill_code)
    gone = session.execute(
        delete(PrioritySkill).where(
            PrioritySkill.priority_id == priority_id, PrioritySkill.skill_id == skill.id
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise NotFound(
            f"Priority {priority_id} does not depend on “{skill_code}”; nothing was removed."
        )


def priority_skills(session: Session, actor: Actor) -> list[PrioritySkillLine]:
    rows = session.execute(
        select(
            StrategicPriority.id,
            StrategicPriority.title,
            Skill.code,
            Skill.name,
            PrioritySkill.weight,
            PrioritySkill.extra_people_12,
            PrioritySkill.extra_people_24,
        )
        .join(PrioritySkill, PrioritySkill.priority_id == StrategicPriority.id)
        .join(Skill, Skill.id == PrioritySkill.skill_id)
        .order_by(StrategicPriority.title, PrioritySkill.weight.desc(), Skill.name)
    ).all()
    return [
        PrioritySkillLine(int(i), t, c, n, float(w), int(e12), int(e24))
        for i, t, c, n, w, e12, e24 in rows
    ]


__all__ = [
    "JobProfile",
    "PrioritySkillLine",
    "ProfileLine",
    "job_profile",
    "job_profiles",
    "job_role",
    "priority_skills",
    "remove_job_skill",
    "set_job_skill",
    "remove_priority_skill",
    "set_priority_skill",
]
