"""The organisation from the HRIS: departments, teams, job roles and employees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    manager_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", use_alter=True), nullable=True
    )


class JobRole(Base):
    __tablename__ = "job_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)


class Employee(Base):
    __tablename__ = "employees"
    __table_args__ = (
        Index("ix_employees_team_hire", "team_id", "hire_date"),
        # xAPI actors are matched to people by e-mail in any case, for every batch written.
        Index("ix_employees_email_lower", func.lower(text("email"))),
        # A manager's reports (reporting line, heat maps, work patterns) are looked up by it.
        Index("ix_employees_manager", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"), nullable=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    hire_date: Mapped[date] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    exit_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    performance_rating: Mapped[float | None] = mapped_column(Float, nullable=True)
