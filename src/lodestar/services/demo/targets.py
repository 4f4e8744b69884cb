"""The demo programs' target behaviours, as an L&D lead would name them at setup.

The names come from the planted program specs (:mod:`lodestar.analytics.demo.programs`) and
match the behaviour observations the demo writes (:mod:`.activity`), except the webinars',
which nobody observed: the program page shows that gap.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.analytics.demo import PROGRAMS
from lodestar.db.models import ProgramBehaviour


def add_target_behaviours(session: Session, program_ids: dict[str, int]) -> int:
    """Write each planted program's target behaviours, in the spec's order; returns how many."""
    rows = [
        ProgramBehaviour(program_id=program_ids[spec.code], behaviour=name, position=i)
        for spec in PROGRAMS
        if spec.code in program_ids
        for i, name in enumerate(spec.target_behaviours)
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)
