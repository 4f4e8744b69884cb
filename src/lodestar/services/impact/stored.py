"""Which of a program's stored results is the newest: one ordering for every reader of
``impact_results`` (the program page, the brief, its list of results, the grade against the
locked expectation), so they never disagree about which result is "the latest"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ImpactResult

#: Newest first; two results stored in the same instant are told apart by their id.
NEWEST_FIRST = (ImpactResult.created_at.desc(), ImpactResult.id.desc())


def newest_result(
    session: Session, program_id: int, *, kpi_id: int | None = None, design: str = ""
) -> ImpactResult | None:
    """The program's newest stored result, optionally only among those on one KPI and design."""
    query = select(ImpactResult).where(ImpactResult.program_id == program_id)
    if kpi_id is not None:
        query = query.where(ImpactResult.kpi_id == kpi_id)
    if design:
        query = query.where(ImpactResult.design == design)
    return session.scalars(query.order_by(*NEWEST_FIRST).limit(1)).first()


def latest_result_id(session: Session, program_id: int) -> int | None:
    """The id of the program's newest stored result (without loading its snapshot)."""
    return session.scalar(
        select(ImpactResult.id)
        .where(ImpactResult.program_id == program_id)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )


__all__ = ["NEWEST_FIRST", "latest_result_id", "newest_result"]
