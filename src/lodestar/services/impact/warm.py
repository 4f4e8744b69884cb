"""Computing every program's derived views ahead of the first page that shows them.

A program's tiers (operational, behaviour, skills gained), the behaviours observed among its
participants and its start dates are kept per change of the data (``impact.tiers``:
``PROGRAM_VIEWS``, in memory and in the database). Computed here at the end of the demo's
seeding and in the background at server start, the first person to open a program page reads
them instead of waiting seconds for them at 100,000 employees.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program
from lodestar.services.impact.starts import kpi_start_dates, start_dates
from lodestar.services.impact.tiers import (
    PROGRAM_VIEWS,
    behaviour_tier,
    observed_behaviours,
    operational_tier,
)
from lodestar.services.privacy.groups import group_rule
from lodestar.services.skills.program_tier import skills_gained


def warm_program_views(session: Session, *, shuffle: bool = False) -> int:
    """Compute (or read) every program's views; returns how many programs. With ``shuffle``
    the programs come in a random order, so server processes warming at the same time mostly
    compute different programs and read the others' from the database."""
    rule = group_rule(session)
    programs = list(session.execute(select(Program.id, Program.kpi_id).order_by(Program.id)))
    if shuffle:
        random.shuffle(programs)
    for program_id, kpi_id in programs:
        operational_tier(session, program_id, rule=rule)
        behaviour_tier(session, program_id, rule=rule)
        observed_behaviours(session, program_id)
        skills_gained(session, program_id, rule=rule)
        start_dates(session, program_id)
        if kpi_id is not None:
            kpi_start_dates(session, kpi_id)
    PROGRAM_VIEWS.wait_stored()
    return len(programs)


__all__ = ["warm_program_views"]
