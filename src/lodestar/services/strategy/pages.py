"""Everything one page shows: a priority with its objectives, KPIs, requests and programs; a
KPI with its trend, key results and the requests and programs that name it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.access import get_priority_for, visible_requests
from lodestar.db.models import (
    KeyResult,
    Kpi,
    Objective,
    Program,
    StrategicPriority,
    TrainingRequest,
    User,
)
from lodestar.domain.roles import Actor
from lodestar.services.intake import RequestFilters, list_requests
from lodestar.services.strategy.kpis import get_kpi
from lodestar.services.strategy.permissions import can_edit_strategy
from lodestar.services.strategy.read_models import (
    KpiPage,
    KpiUsage,
    LinkedItem,
    PriorityPage,
    ProgramLine,
)
from lodestar.services.strategy.trends import _card


def priority_page(
    session: Session, actor: Actor, priority_id: int, *, trend_points: int = 52
) -> PriorityPage:
    """Everything the priority page shows: objectives and key results, KPIs with their recent
    trend (``trend_points`` periods), linked requests and programs."""
    prio = get_priority_for(session, actor, priority_id)
    owner = session.get(User, prio.owner_id) if prio.owner_id else None
    objectives = list(
        session.scalars(
            select(Objective)
            .where(Objective.priority_id == prio.id, Objective.archived_at.is_(None))
            .order_by(Objective.id)
        )
    )
    krs: dict[int, list[KeyResult]] = {o.id: [] for o in objectives}
    if objectives:
        for kr in session.scalars(
            select(KeyResult)
            .where(KeyResult.objective_id.in_(krs), KeyResult.archived_at.is_(None))
            .order_by(KeyResult.id)
        ):
            krs[kr.objective_id].append(kr)
    cards = tuple(
        _card(session, kpi, trend_points)
        for kpi in session.scalars(
            select(Kpi)
            .where(Kpi.priority_id == prio.id, Kpi.archived_at.is_(None))
            .order_by(Kpi.name)
        )
    )
    requests = list_requests(session, actor, RequestFilters(priority_id=prio.id))
    all_kpis = session.execute(
        select(Kpi.id, Kpi.name, Kpi.priority_id, Kpi.archived_at).order_by(Kpi.name)
    ).all()
    kpi_names = {kid: name for kid, name, _, _ in all_kpis}
    choices = sorted(
        ((kid, name) for kid, name, pid, archived in all_kpis if archived is None),
        key=lambda c: (c[0] not in {card.kpi.id for card in cards}, c[1].lower()),
    )
    programs = tuple(
        ProgramLine(
            p.id,
            p.name,
            p.status,
            kpi_names.get(p.kpi_id) if p.kpi_id is not None else None,
            p.kpi_id is not None,
        )
        for p in session.scalars(
            select(Program).where(Program.priority_id == prio.id).order_by(Program.name)
        )
    )
    return PriorityPage(
        priority=prio,
        owner_name=owner.name if owner else None,
        objectives=tuple((o, tuple(krs[o.id])) for o in objectives),
        kpis=cards,
        requests=tuple(requests),
        programs=programs,
        can_edit=can_edit_strategy(actor),
        kpi_choices=tuple(choices),
    )


def kpi_usage(session: Session, actor: Actor, kpi_id: int) -> KpiUsage:
    """The key results that use the KPI, and the requests (that the actor may see) and programs
    that name it as their metric that matters: what archiving it would leave pointing at it."""
    kpi = get_kpi(session, actor, kpi_id)
    key_results = tuple(
        (kr, title)
        for kr, title in session.execute(
            select(KeyResult, Objective.title)
            .join(Objective, Objective.id == KeyResult.objective_id)
            .where(
                KeyResult.kpi_id == kpi.id,
                KeyResult.archived_at.is_(None),
                Objective.archived_at.is_(None),
            )
            .order_by(KeyResult.id)
        )
    )
    visible = visible_requests(actor).where(TrainingRequest.kpi_id == kpi.id).subquery()
    requests = tuple(
        LinkedItem(rid, title, state)
        for rid, title, state in session.execute(
            select(visible.c.id, visible.c.title, visible.c.state).order_by(visible.c.id.desc())
        )
    )
    programs = tuple(
        LinkedItem(pid, name, status)
        for pid, name, status in session.execute(
            select(Program.id, Program.name, Program.status)
            .where(Program.kpi_id == kpi.id)
            .order_by(Program.name)
        )
    )
    return KpiUsage(key_results=key_results, requests=requests, programs=programs)


def kpi_page(session: Session, actor: Actor, kpi_id: int, *, trend_points: int = 104) -> KpiPage:
    """One KPI: definition, trend, and what uses it (:func:`kpi_usage`)."""
    kpi = get_kpi(session, actor, kpi_id)
    prio = session.get(StrategicPriority, kpi.priority_id) if kpi.priority_id else None
    return KpiPage(
        card=_card(session, kpi, trend_points),
        priority_title=prio.title if prio else None,
        usage=kpi_usage(session, actor, kpi_id),
        can_edit=can_edit_strategy(actor),
    )
