"""A program names its xAPI activity IRIs (a course, its modules, a cmi5 assignable unit):
statements about them count in the program's tier 1 (``impact.xapi_tier``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramActivity
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound
from lodestar.services.impact.xapi_tier import program_activity_iris
from lodestar.services.programs.access import require_designer, require_reader
from lodestar.services.xapi.values import IRI

MAX_IRI = 500


def activity_iris(session: Session, actor: Actor, program_id: int) -> list[str]:
    require_reader(actor)
    return program_activity_iris(session, program_id)


def set_activity_iris(
    session: Session, actor: Actor, program_id: int, iris: Sequence[str]
) -> list[str]:
    """Make ``iris`` the program's activity IRIs (in this order, repeats dropped)."""
    require_designer(actor)
    if session.get(Program, program_id) is None:
        raise NotFound("There is no such program; `lodestar program list` shows them.")
    wanted: list[str] = []
    for iri in (i.strip() for i in iris):
        if not IRI.match(iri) or len(iri) > MAX_IRI:
            raise InvalidInput(
                f"“{iri[:80]}” is not an activity IRI of at most {MAX_IRI} characters; copy the "
                "activity id from the course's xAPI statements (e.g. https://lms.example.com/"
                "course/42)."
            )
        if iri not in wanted:
            wanted.append(iri)
    session.execute(delete(ProgramActivity).where(ProgramActivity.program_id == program_id))
    if wanted:
        session.execute(
            insert(ProgramActivity),
            [
                {
                    "program_id": program_id,
                    "iri": iri,
                    "iri_hash": hashlib.sha256(iri.encode()).hexdigest(),
                }
                for iri in wanted
            ],
        )
    return list(
        session.scalars(
            select(ProgramActivity.iri)
            .where(ProgramActivity.program_id == program_id)
            .order_by(ProgramActivity.id)
        )
    )
