"""Finding things by the names people type: the account a command acts as, a program by its code.

The adapters never query the ORM models themselves (an import-linter contract says so); when a
command line or a form names something by code or e-mail, it is looked up here, with the
sentence to show when nothing matches.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Department, Kpi, Program, Team, User
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound
from lodestar.services.accounts import actor_of


def actor_by_email(session: Session, email: str) -> Actor:
    """The actor for the account with this e-mail (case does not matter)."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise NotFound(f"No account uses {email}. List accounts with `lodestar users list`.")
    return actor_of(user)


def first_administrator(session: Session) -> Actor:
    """The administrator a command acts as when no one is named: the first one created."""
    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
    if user is None:
        raise NotFound(
            "There is no administrator to act as. Create one with `lodestar users create "
            "--role admin`, or pass --as EMAIL."
        )
    return actor_of(user)


def _id_by_code_or_number(session: Session, model: type[Kpi | Program], ref: str) -> int | None:
    ref = ref.strip()
    condition = model.code == ref
    if ref.isdigit() and len(ref) < 10:
        condition = condition | (model.id == int(ref))
    found = session.scalar(select(model.id).where(condition).order_by(model.id).limit(1))
    return None if found is None else int(found)


def program_id_by_reference(session: Session, reference: str) -> int:
    """The id of the program with this code, or with this number when ``reference`` is one."""
    program_id = _id_by_code_or_number(session, Program, reference)
    if program_id is None:
        raise NotFound(
            f"There is no program '{reference}'. List programs with `lodestar impact list`."
        )
    return program_id


def kpi_id_by_reference(session: Session, reference: str) -> int:
    """The id of the KPI with this code, or with this number when ``reference`` is one."""
    kpi_id = _id_by_code_or_number(session, Kpi, reference)
    if kpi_id is None:
        raise NotFound(
            f"There is no KPI '{reference}'. Name it by its code or number, as the KPI list "
            "(/kpis) shows them."
        )
    return kpi_id


def team_ids_by_reference(session: Session, text: str) -> list[int]:
    """Team ids from a comma-separated list of team numbers and department codes (a code
    stands for every team of that department), in the order given, each once."""
    ids: list[int] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token.isdigit() and len(token) < 10:
            found = session.scalars(select(Team.id).where(Team.id == int(token))).all()
        else:
            found = session.scalars(
                select(Team.id)
                .join(Department, Department.id == Team.department_id)
                .where(Department.code == token)
                .order_by(Team.id)
            ).all()
        if not found:
            raise InvalidInput(
                f"'{token}' is neither a team number nor a department code. Write team numbers "
                "or department codes separated by commas, for example 3,4,7 or sales."
            )
        ids.extend(int(t) for t in found if int(t) not in ids)
    if not ids:
        raise InvalidInput("Name at least one team, for example --teams 3,4,7 or --teams sales.")
    return ids


__all__ = [
    "actor_by_email",
    "first_administrator",
    "kpi_id_by_reference",
    "program_id_by_reference",
    "team_ids_by_reference",
]
