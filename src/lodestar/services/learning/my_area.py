"""The employee area (/me): my skills, my plan, my quizzes, my badges, my programs, and the
people who report to me. One call, so the page and the API say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramEnrolment, Skill
from lodestar.domain.roles import Actor
from lodestar.services.badges.holdings import HeldBadge, badges_of
from lodestar.services.learning.plans import LearningPlan, plan_of, whose
from lodestar.services.learning.skill_source import SkillGap, skill_source
from lodestar.services.quizzes.attempts import AttemptView, attempts_of
from lodestar.services.reporting_line import Person, direct_reports, own_employee_id


@dataclass(frozen=True)
class MyProgram:
    name: str
    code: str
    started: date | None
    completed: date | None


@dataclass(frozen=True)
class MyArea:
    """Everything /me shows for one person; ``linked`` is False for an account with no
    employee record (then only quizzes are shown, with a sentence saying why)."""

    linked: bool
    person: Person | None
    levels: dict[str, int]
    gaps: list[SkillGap]
    plan: LearningPlan | None
    attempts: list[AttemptView]
    badges: list[HeldBadge]
    programs: list[MyProgram]
    reports: list[Person]
    skill_names: dict[str, str] = field(default_factory=dict)  # code -> the catalogue's name

    def named_levels(self) -> list[tuple[str, int]]:
        """The levels as (skill name, level), by name: what a person reads, not the codes."""
        named = [(self.skill_names.get(code, code), level) for code, level in self.levels.items()]
        return sorted(named, key=lambda pair: pair[0].casefold())


def my_area(session: Session, actor: Actor, employee_id: int | None = None) -> MyArea:
    """The actor's own area, or (``employee_id``) that of someone in their reporting line."""
    if employee_id is None and own_employee_id(session, actor) is None:
        return MyArea(False, None, {}, [], None, attempts_of(session, actor), [], [], [])
    person = whose(session, actor, employee_id)
    source = skill_source()
    programs = [
        MyProgram(p.name, p.code, e.start_date, e.completed_on)
        for e, p in session.execute(
            select(ProgramEnrolment, Program)
            .join(Program, Program.id == ProgramEnrolment.program_id)
            .where(
                ProgramEnrolment.employee_id == person.employee_id,
                ProgramEnrolment.group == "participant",
            )
            .order_by(ProgramEnrolment.start_date.desc())
        )
    ]
    levels = source.levels(session, person.employee_id)
    names = session.execute(select(Skill.code, Skill.name).where(Skill.code.in_(list(levels))))
    return MyArea(
        linked=True,
        person=person,
        levels=levels,
        skill_names={str(code): str(name) for code, name in names},
        gaps=source.gaps(session, person.employee_id),
        plan=plan_of(session, actor, person.employee_id),
        attempts=attempts_of(session, actor, None if employee_id is None else person.employee_id),
        badges=badges_of(session, actor, person.employee_id),
        programs=programs,
        reports=direct_reports(session, actor) if employee_id is None else [],
    )
