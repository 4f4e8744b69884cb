"""What the stakeholder forms offer to pick from: directory accounts, departments, requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Department, TrainingRequest, User


def people_choices(session: Session) -> list[tuple[int, str]]:
    """Active accounts other than employees, by name: the people stakeholders usually are."""
    rows = session.execute(
        select(User.id, User.name, User.job_title)
        .where(User.is_active.is_(True), User.role != "employee")
        .order_by(User.name)
    )
    return [(i, f"{n}, {t}" if t else n) for i, n, t in rows]


def department_choices(session: Session) -> list[tuple[int, str]]:
    return [
        (i, n)
        for i, n in session.execute(
            select(Department.id, Department.name).order_by(Department.name)
        )
    ]


def request_choices(session: Session) -> list[tuple[int, str]]:
    """Requests an interview may have led to (all but drafts), newest first."""
    rows = session.execute(
        select(TrainingRequest.id, TrainingRequest.title)
        .where(TrainingRequest.state != "draft")
        .order_by(TrainingRequest.id.desc())
    )
    return [(i, t) for i, t in rows]
