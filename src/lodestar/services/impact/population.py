"""Who a program's analysis is about: everyone in the departments where it has enrolments —
participants, the program's own comparison group if it has one, and the colleagues who were
not enrolled — each with their enrolment (group and start) if any."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, ProgramEnrolment, Team
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import ProgramFacts


def enrolled_departments(program_id: int) -> Any:
    """The departments where the program has at least one enrolment (a subquery)."""
    return (
        select(Team.department_id)
        .join(Employee, Employee.team_id == Team.id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id)
        .distinct()
    )


def population(session: Session, program: ProgramFacts, **columns: Any) -> pd.DataFrame:
    """One row per person, sorted by id: ``employee_id``, the named employee ``columns``
    (name → column), ``group`` and ``start_date`` (None for people not enrolled).

    A person enrolled twice has no single start, so the analysis is refused with what to do.
    """
    stmt = (
        select(
            Employee.id,
            *columns.values(),
            ProgramEnrolment.group,
            ProgramEnrolment.start_date,
        )
        .join(Team, Team.id == Employee.team_id)
        .outerjoin(
            ProgramEnrolment,
            and_(
                ProgramEnrolment.employee_id == Employee.id,
                ProgramEnrolment.program_id == program.id,
            ),
        )
        .where(Team.department_id.in_(enrolled_departments(program.id)))
        .order_by(Employee.id)
    )
    names = ["employee_id", *columns, "group", "start_date"]
    people = pd.DataFrame.from_records(session.execute(stmt).all(), columns=names)
    twice = people["employee_id"].duplicated()
    if twice.any():
        example = int(people.loc[twice, "employee_id"].iloc[0])
        raise InvalidInput(
            f"{int(twice.sum())} people are enrolled more than once in program "
            f"'{program.name}' (for example employee #{example}), so their start is ambiguous. "
            "Keep one enrolment per person (the first start) and run the analysis again."
        )
    return people
