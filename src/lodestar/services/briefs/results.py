"""A program's stored results, and the one its brief is pinned to.

Every analysis run is kept (``impact_results``); a brief shows the newest one unless the L&D team
pins it to another, so the brief a board saw stays the same while newer analyses are run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import BriefPin, ImpactResult, User
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.impact.stored import NEWEST_FIRST
from lodestar.services.programs.access import load_program, require_reader


@dataclass(frozen=True)
class ResultLine:
    """One stored result, as a list of results shows it."""

    id: int
    program_id: int
    created_at: datetime
    created_by: str | None
    design: str
    evidence: str
    causal: bool
    estimate: float
    ci_low: float
    ci_high: float
    n_treated: int
    summary: str
    pinned: bool


def program_results(session: Session, actor: Actor, program_id: int) -> tuple[ResultLine, ...]:
    """Every stored result of the program, newest first, the pinned one marked."""
    require_reader(actor)
    load_program(session, program_id)
    pinned = pinned_result_id(session, program_id)
    rows = session.execute(
        select(ImpactResult, User.name)
        .outerjoin(User, User.id == ImpactResult.created_by_id)
        .where(ImpactResult.program_id == program_id)
        .order_by(*NEWEST_FIRST)
    ).all()
    return tuple(
        ResultLine(
            id=r.id,
            program_id=r.program_id,
            created_at=r.created_at,
            created_by=name,
            design=r.design,
            evidence=r.evidence,
            causal=r.causal,
            estimate=r.estimate,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            n_treated=r.n_treated,
            summary=r.summary,
            pinned=r.id == pinned,
        )
        for r, name in rows
    )


def pinned_result_id(session: Session, program_id: int) -> int | None:
    pin = session.get(BriefPin, program_id)
    return pin.impact_result_id if pin else None


def _require_pinner(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team pins a brief to a result. Ask them to pin the result you want "
            "leadership to see."
        )


def pin_brief(session: Session, actor: Actor, program_id: int, result_id: int) -> None:
    """Keep the program's brief on stored result ``result_id`` until it is unpinned."""
    _require_pinner(actor)
    load_program(session, program_id, for_update=True)
    row = session.get(ImpactResult, result_id)
    if row is None or row.program_id != program_id:
        raise NotFound(
            f"Program #{program_id} has no stored result #{result_id} to pin. Choose one from "
            "the program's list of results."
        )
    pin = session.get(BriefPin, program_id)
    if pin is None:
        session.add(
            BriefPin(program_id=program_id, impact_result_id=result_id, pinned_by_id=actor.user_id)
        )
    else:
        pin.impact_result_id = result_id
        pin.pinned_by_id = actor.user_id
        pin.pinned_at = utcnow()
    session.flush()
    audit.record(session, actor, "brief.pin", "program", program_id, f"result #{result_id}")


def unpin_brief(session: Session, actor: Actor, program_id: int) -> bool:
    """Let the brief follow the newest result again; False when it was not pinned."""
    _require_pinner(actor)
    load_program(session, program_id, for_update=True)
    pin = session.get(BriefPin, program_id)
    if pin is None:
        return False
    session.delete(pin)
    session.flush()
    audit.record(session, actor, "brief.unpin", "program", program_id, "")
    return True


__all__ = [
    "ResultLine",
    "pin_brief",
    "pinned_result_id",
    "program_results",
    "unpin_brief",
]
