"""Skill assessments: self-ratings, managers' assessments and quiz results, kept as history.

Who may record what:

- **self**: the person themselves (their account's employee record), or the L&D team;
- **manager**: anyone with the person in their reporting line (direct or indirect reports,
  members of the teams they manage), or the L&D team;
- **quiz**: the person taking the quiz (the quiz engine calls ``record_assessment`` as them),
  or the L&D team and administrators (results loaded for them).

Who may read a person's history: the person, their managers up the line, and the L&D team.
Managers *review* their reports' self-ratings: confirming or correcting one records a manager
assessment at the level they give and marks the self-rating reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import Employee, Skill, SkillAssessment
from lodestar.domain.options import check_option
from lodestar.domain.roles import Actor
from lodestar.domain.skills import ASSESSMENT_SOURCES
from lodestar.errors import InvalidInput, NotFound, PermissionDenied
from lodestar.services.reporting_line import own_employee_id, reports_of
from lodestar.services.skills.catalogue import get_skill


@dataclass(frozen=True)
class AssessmentView:
    id: int
    employee_id: int
    employee_name: str
    skill_code: str
    skill_name: str
    level: float
    level_label: str
    source: str
    assessed_on: date
    reviewed: bool


def _employee(session: Session, employee_id: int) -> Employee:
    person = session.get(Employee, employee_id)
    if person is None:
        raise NotFound(f"There is no employee #{employee_id}. Pick one from your team.")
    return person


def _may_assess(session: Session, actor: Actor, employee_id: int, source: str) -> None:
    if actor.is_ld:
        return
    mine = own_employee_id(session, actor) == employee_id
    if source in ("self", "quiz") and mine:
        return
    if source == "manager" and employee_id in reports_of(session, actor):
        return
    if source == "manager":
        raise PermissionDenied(
            f"Person #{employee_id} is not in your reporting line, so you cannot assess them as "
            "their manager. Ask their own manager or the L&D team."
        )
    raise PermissionDenied(
        f"A {source} assessment is recorded by the person themselves (or the L&D team), not "
        "for someone else. Record a manager assessment instead if they report to you."
    )


def can_read_person(session: Session, actor: Actor, employee_id: int) -> bool:
    if actor.is_ld or own_employee_id(session, actor) == employee_id:
        return True
    return employee_id in reports_of(session, actor)


def record_assessment(
    session: Session,
    actor: Actor,
    employee_id: int,
    skill_code: str,
    level: int | float,
    source: str,
    assessed_on: date,
) -> AssessmentView:
    """Record one assessment (history: earlier ones stay). ``level`` is on the skill's scale
    (1 to its number of levels); ``source`` is self, manager or quiz. The quiz engine calls
    this with ``source="quiz"`` as the person who took the quiz."""
    checked = check_option(source, ASSESSMENT_SOURCES, "assessment source")
    person = _employee(session, employee_id)
    _may_assess(session, actor, employee_id, checked)
    skill = get_skill(session, actor, skill_code)
    skill.scale.check(level)
    if assessed_on > date.today():
        raise InvalidInput(
            f"The assessment date {assessed_on.isoformat()} is in the future. Give the day the "
            "assessment was made.",
            details={"fields": {"assessed_on": "today or earlier"}},
        )
    row = SkillAssessment(
        employee_id=employee_id,
        skill_id=skill.id,
        level=float(level),
        source=checked,
        assessed_on=assessed_on,
        assessor_user_id=actor.user_id or None,
    )
    session.add(row)
    session.flush()
    return _view(row, person.name, skill.code, skill.name, skill.scale.label(level))


def _view(row: SkillAssessment, person: str, code: str, name: str, label: str) -> AssessmentView:
    return AssessmentView(
        row.id,
        row.employee_id,
        person,
        code,
        name,
        row.level,
        label,
        row.source,
        row.assessed_on,
        row.reviewed_at is not None,
    )


def _query(employee_ids: set[int] | None):  # type: ignore[no-untyped-def]
    stmt = (
        select(SkillAssessment, Employee.name, Skill.code, Skill.name)
        .join(Employee, Employee.id == SkillAssessment.employee_id)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .order_by(SkillAssessment.assessed_on.desc(), SkillAssessment.id.desc())
    )
    if employee_ids is not None:
        stmt = stmt.where(SkillAssessment.employee_id.in_(employee_ids or {-1}))
    return stmt


def _views(session: Session, actor: Actor, stmt) -> list[AssessmentView]:  # type: ignore[no-untyped-def]
    from lodestar.services.skills.catalogue import list_skills

    scales = {s.code: s.scale for s in list_skills(session, actor, limit=100_000)}
    return [
        _view(row, person, code, name, scales[code].label(row.level))
        for row, person, code, name in session.execute(stmt)
    ]


def assessment_history(
    session: Session, actor: Actor, employee_id: int, skill_code: str | None = None
) -> list[AssessmentView]:
    """One person's assessments, newest first (optionally of one skill)."""
    _employee(session, employee_id)
    if not can_read_person(session, actor, employee_id):
        raise PermissionDenied(
            "A person's skill assessments are seen by them, their managers and the L&D team."
        )
    stmt = _query({employee_id})
    if skill_code:
        stmt = stmt.where(Skill.code == skill_code)
    return _views(session, actor, stmt)


def my_assessments(session: Session, actor: Actor) -> list[AssessmentView]:
    me = own_employee_id(session, actor)
    return [] if me is None else assessment_history(session, actor, me)


def self_ratings_to_review(
    session: Session, actor: Actor, limit: int = 200
) -> list[AssessmentView]:
    """Self-ratings of the actor's reports not yet reviewed, newest first."""
    if not actor.is_ld and actor.role != "manager":
        raise PermissionDenied("Managers review the self-ratings of the people who report to them.")
    people = None if actor.is_ld else reports_of(session, actor)
    stmt = (
        _query(people)
        .where(SkillAssessment.source == "self", SkillAssessment.reviewed_at.is_(None))
        .limit(limit)
    )
    return _views(session, actor, stmt)


def review_self_rating(
    session: Session, actor: Actor, assessment_id: int, level: int | float
) -> AssessmentView:
    """Confirm (same level) or correct a report's self-rating: records a manager assessment
    today at ``level`` and marks the self-rating reviewed."""
    row = session.get(SkillAssessment, assessment_id)
    if row is None or row.source != "self":
        raise NotFound(f"There is no self-rating #{assessment_id} to review.")
    if not actor.is_ld and row.employee_id not in reports_of(session, actor):
        raise PermissionDenied(
            "Managers review the self-ratings of the people in their reporting line only."
        )
    code = session.scalar(select(Skill.code).where(Skill.id == row.skill_id)) or ""
    view = record_assessment(session, actor, row.employee_id, code, level, "manager", date.today())
    row.reviewed_by_user_id, row.reviewed_at = actor.user_id or None, utcnow()
    session.flush()
    return view


__all__ = [
    "AssessmentView",
    "assessment_history",
    "can_read_person",
    "my_assessments",
    "record_assessment",
    "review_self_rating",
    "self_ratings_to_review",
]
