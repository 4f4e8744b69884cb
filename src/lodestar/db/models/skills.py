"""Skills: the catalogue (scales, frameworks, categories, skills), what job titles and
priorities need of them, people's assessments, and the headcount plans the forecast reads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime


class ProficiencyScaleRow(Base):
    """A proficiency scale: its level names in order (level 1 first)."""

    __tablename__ = "proficiency_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    levels: Mapped[list] = mapped_column(JSON)  # type: ignore[type-arg]
    proficient_level: Mapped[int] = mapped_column(Integer, default=3)
    # Moodle's scale configuration (JSON text), kept as written for the export.
    configuration: Mapped[str] = mapped_column(Text, default="")


class SkillFramework(Base):
    """A framework the skills came in (a Moodle competency framework, ESCO, O*NET)."""

    __tablename__ = "skill_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    idnumber: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_format: Mapped[str] = mapped_column(String(10), default="1")
    scale_id: Mapped[int | None] = mapped_column(ForeignKey("proficiency_scales.id"), nullable=True)
    taxonomies: Mapped[str] = mapped_column(String(400), default="")


class SkillCategory(Base):
    __tablename__ = "skill_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Skill(Base):
    """One skill. ``code`` is its stable identifier across systems: the ESCO or O*NET URI or
    element id, or the Moodle competency's ID number."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="manual")  # domain SKILL_SOURCES
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_categories.id"), nullable=True, index=True
    )
    scale_id: Mapped[int | None] = mapped_column(ForeignKey("proficiency_scales.id"), nullable=True)
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_frameworks.id"), nullable=True, index=True
    )
    parent_code: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)  # order inside its framework
    related_codes: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    # What the source says that Lodestar does not use, kept for the export (Moodle's rule
    # type, outcome and config, description format; ESCO's skill type and reuse level).
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]


class JobSkill(Base):
    """A job title's need of one skill: the level it asks for and how much it matters."""

    __tablename__ = "job_skills"
    __table_args__ = (UniqueConstraint("job_role_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    target_level: Mapped[int] = mapped_column(Integer)
    importance: Mapped[int] = mapped_column(Integer, default=3)  # 1 nice to have … 5 essential


class PrioritySkill(Base):
    """A strategic priority depends on a skill, with a weight from 0 to 1."""

    __tablename__ = "priority_skills"
    __table_args__ = (UniqueConstraint("priority_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("strategic_priorities.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    # Extra people at target the priority needs within 12 and 24 months (forecast demand).
    extra_people_12: Mapped[int] = mapped_column(Integer, default=0)
    extra_people_24: Mapped[int] = mapped_column(Integer, default=0)


class SkillAssessment(Base):
    """One assessment of one person on one skill, by one source, on one day. Kept as history:
    a new assessment never overwrites an old one."""

    __tablename__ = "skill_assessments"
    __table_args__ = (
        Index("ix_skill_assessments_employee_skill", "employee_id", "skill_id", "assessed_on"),
        Index("ix_skill_assessments_skill", "skill_id"),
        Index(
            "ix_skill_assessments_quiz_attempt",
            "quiz_attempt_id",
            postgresql_where=text("quiz_attempt_id IS NOT NULL"),
            sqlite_where=text("quiz_attempt_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"))
    level: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))  # domain ASSESSMENT_SOURCES
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # A self-rating a manager has reviewed: who, and when.
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # A quiz assessment: the attempt whose points gave the level (an id, not a foreign key:
    # migration 0022 says why).
    quiz_attempt_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class HeadcountPlan(Base):
    """How many more (or fewer) people a job title is planned to have in 12 or 24 months."""

    __tablename__ = "headcount_plans"
    __table_args__ = (UniqueConstraint("job_role_id", "horizon_months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    horizon_months: Mapped[int] = mapped_column(Integer)
    change: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")


class PlannedMove(Base):
    """A person planned to move into another job title (a promotion, a transfer)."""

    __tablename__ = "planned_moves"
    __table_args__ = (UniqueConstraint("employee_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    to_job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    effective_on: Mapped[date] = mapped_column(Date)
