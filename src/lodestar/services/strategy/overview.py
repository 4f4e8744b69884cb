"""Alignment at a glance: the priorities list with its counts, and how much names no metric.

Each is a handful of aggregate queries, whatever the size of the tables."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lodestar.db.access import visible_requests
from lodestar.db.models import Kpi, Program, TrainingRequest, User
from lodestar.domain.roles import Actor
from lodestar.services.strategy.priorities import list_priorities
from lodestar.services.strategy.read_models import PriorityRow


def priority_overview(
    session: Session, actor: Actor, *, include_archived: bool = False
) -> list[PriorityRow]:
    """The priorities list with, per priority, KPIs, linked requests (those the actor may see)
    and programs, and how many of those name no metric. Four queries, whatever the size."""
    prios = list_priorities(session, actor, include_archived=include_archived)
    if not prios:
        return []
    ids = [p.id for p in prios]
    owners = dict(
        session.execute(
            select(User.id, User.name).where(User.id.in_({p.owner_id for p in prios if p.owner_id}))
        ).all()  # type: ignore[arg-type]
    )
    kpis = dict(
        session.execute(
            select(Kpi.priority_id, func.count())
            .where(Kpi.priority_id.in_(ids), Kpi.archived_at.is_(None))
            .group_by(Kpi.priority_id)
        ).all()  # type: ignore[arg-type]
    )
    visible = visible_requests(actor).where(TrainingRequest.priority_id.in_(ids)).subquery()
    no_metric = func.sum(case((visible.c.kpi_id.is_(None), 1), else_=0))
    reqs = {
        pid: (n, int(lacking or 0))
        for pid, n, lacking in session.execute(
            select(visible.c.priority_id, func.count(), no_metric).group_by(visible.c.priority_id)
        )
    }
    prog_lacking = func.sum(case((Program.kpi_id.is_(None), 1), else_=0))
    progs = {
        pid: (n, int(lacking or 0))
        for pid, n, lacking in session.execute(
            select(Program.priority_id, func.count(), prog_lacking)
            .where(Program.priority_id.in_(ids))
            .group_by(Program.priority_id)
        )
    }
    return [
        PriorityRow(
            priority=p,
            owner_name=owners.get(p.owner_id) if p.owner_id else None,
            kpi_count=kpis.get(p.id, 0),
            request_count=reqs.get(p.id, (0, 0))[0],
            program_count=progs.get(p.id, (0, 0))[0],
            requests_without_metric=reqs.get(p.id, (0, 0))[1],
            programs_without_metric=progs.get(p.id, (0, 0))[1],
        )
        for p in prios
    ]


def unaligned_counts(session: Session) -> dict[str, int]:
    """How many open requests and programs name no metric or no priority."""
    return {
        "requests_without_metric": session.scalar(
            select(func.count()).where(TrainingRequest.kpi_id.is_(None))
        )
        or 0,
        "programs_without_metric": session.scalar(
            select(func.count()).select_from(Program).where(Program.kpi_id.is_(None))
        )
        or 0,
    }
