"""Who may read and change programs, and the one way services load a program."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramEnrolment
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied


def require_designer(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators design programs and decide on them. Ask them "
            "to make the change you have in mind."
        )


def require_reader(actor: Actor) -> None:
    if actor.role == "employee":
        raise PermissionDenied(
            "Programs and their results describe groups of colleagues and are for managers, "
            "executives and the L&D team. Ask your manager about the programs you take part in."
        )


def load_program(session: Session, program_id: int, *, for_update: bool = False) -> Program:
    """The program, locked for the rest of the transaction when it is about to change."""
    prog = session.get(Program, program_id, with_for_update=True if for_update else None)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the programs list to find it.")
    return prog


def group_sizes(session: Session, program_id: int) -> dict[str, int]:
    """How many enrolments the program has in each group (participant, comparison)."""
    rows = session.execute(
        select(ProgramEnrolment.group, func.count())
        .where(ProgramEnrolment.program_id == program_id)
        .group_by(ProgramEnrolment.group)
    )
    return {str(group): int(n) for group, n in rows}
