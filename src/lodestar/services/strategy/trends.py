"""KPI trends: the organisation-wide mean per period, averaged in the database over the most
recent periods only, with a small in-process cache; and the KPI card built on a trend."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, KpiObservation
from lodestar.domain.roles import Actor
from lodestar.services.strategy.kpis import get_kpi
from lodestar.services.strategy.read_models import KpiCard
from lodestar.services.views import KpiPoint

# KPI trends change only when observations are imported, so a page does not need to average
# millions of rows on every view. A trend is cached per (database, KPI, points) and reused while
# the KPI's latest period is unchanged (same date, row count and sum) and for at most
# ``TREND_TTL_SECONDS``, so a correction to an older period shows within that time. Importers
# call ``forget_kpi_trends`` to make new data visible at once.
TREND_TTL_SECONDS = 60.0
_TREND_CACHE_SIZE = 512
_trend_cache: OrderedDict[tuple[str, int, int], tuple[float, tuple[Any, ...], tuple[KpiPoint, ...]]]
_trend_cache = OrderedDict()
_trend_lock = threading.Lock()


def forget_kpi_trends(kpi_id: int | None = None) -> None:
    """Drop cached trends (of one KPI, or all): call after writing KPI observations."""
    with _trend_lock:
        for key in [k for k in _trend_cache if kpi_id is None or k[1] == kpi_id]:
            del _trend_cache[key]


def kpi_trend(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[KpiPoint, ...]:
    """The KPI's organisation-wide mean per period, computed in the database.

    Only the ``max_points`` most recent periods are read: their first date is found by a
    loose index scan over ``(kpi_id, period)`` (one index probe per period), and only rows from
    that date on are averaged. The result is cached (see ``TREND_TTL_SECONDS``).
    """
    obs = KpiObservation
    latest = select(func.max(obs.period)).where(obs.kpi_id == kpi_id).scalar_subquery()
    stamp_row = session.execute(
        select(obs.period, func.count(), func.sum(obs.value))
        .where(obs.kpi_id == kpi_id, obs.period == latest)
        .group_by(obs.period)
    ).first()
    if stamp_row is None:
        return ()
    stamp = tuple(stamp_row)
    key = (session.get_bind().engine.url.render_as_string(), kpi_id, max_points)
    now = time.monotonic()
    with _trend_lock:
        hit = _trend_cache.get(key)
        if hit is not None and hit[0] > now and hit[1] == stamp:
            _trend_cache.move_to_end(key)
            return hit[2]
    points = _trend_query(session, kpi_id, max_points)
    with _trend_lock:
        _trend_cache[key] = (now + TREND_TTL_SECONDS, stamp, points)
        _trend_cache.move_to_end(key)
        while len(_trend_cache) > _TREND_CACHE_SIZE:
            _trend_cache.popitem(last=False)
    return points


def _trend_query(session: Session, kpi_id: int, max_points: int) -> tuple[KpiPoint, ...]:
    obs = KpiObservation
    first = (
        select(func.max(obs.period).label("period"), literal(1).label("n"))
        .where(obs.kpi_id == kpi_id)
        .cte("recent_periods", recursive=True)
    )
    before = (
        select(func.max(obs.period))
        .where(obs.kpi_id == kpi_id, obs.period < first.c.period)
        .scalar_subquery()
    )
    periods = first.union_all(
        select(before, first.c.n + 1).where(first.c.period.is_not(None), first.c.n < max_points)
    )
    cutoff = select(func.min(periods.c.period)).scalar_subquery()
    rows = session.execute(
        select(obs.period, func.avg(obs.value))
        .where(obs.kpi_id == kpi_id, obs.period >= cutoff)
        .group_by(obs.period)
        .order_by(obs.period)
    ).all()
    return tuple(KpiPoint(p, float(v)) for p, v in rows[-max_points:])


def kpi_card(session: Session, actor: Actor, kpi_id: int, *, max_points: int = 104) -> KpiCard:
    """One KPI with its trend (``max_points`` most recent periods) and latest value."""
    return _card(session, get_kpi(session, actor, kpi_id), max_points)


def _card(session: Session, kpi: Kpi, max_points: int) -> KpiCard:
    trend = kpi_trend(session, kpi.id, max_points=max_points)
    return KpiCard(kpi, trend, trend[-1].value if trend else None)
