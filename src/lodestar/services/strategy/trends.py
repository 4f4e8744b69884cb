"""KPI trends: the organisation-wide mean per period, averaged in the database over the most
recent periods only, with a small in-process cache; and the KPI card built on a trend.

For a KPI measured per person, a period's mean is shown only when at least the minimum group
size of people have a value in it (``services.privacy.groups``); otherwise the period is left
out of the trend and the card says why. Team and organisation KPIs are not values of a person
and are shown whole.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, KpiObservation
from lodestar.domain.roles import Actor
from lodestar.services.privacy.groups import GroupRule, group_rule
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


@dataclass(frozen=True)
class TrendPeriod:
    """One period of a trend before suppression: the mean and how many people it covers."""

    period: Any
    value: float
    people: int


_trend_cache: OrderedDict[
    tuple[str, int, int], tuple[float, tuple[Any, ...], tuple[TrendPeriod, ...]]
]
_trend_cache = OrderedDict()
_trend_lock = threading.Lock()


def forget_kpi_trends(kpi_id: int | None = None) -> None:
    """Drop cached trends (of one KPI, or all): call after writing KPI observations."""
    with _trend_lock:
        for key in [k for k in _trend_cache if kpi_id is None or k[1] == kpi_id]:
            del _trend_cache[key]


def kpi_trend(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[KpiPoint, ...]:
    """The KPI's organisation-wide mean per period, without the periods the minimum group
    size hides (see ``kpi_periods``)."""
    kpi = session.get(Kpi, kpi_id)
    periods = kpi_periods(session, kpi_id, max_points=max_points)
    return _shown(periods, kpi.grain if kpi else "employee", group_rule(session))[0]


def kpi_periods(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[TrendPeriod, ...]:
    """The KPI's organisation-wide mean per period, computed in the database, with the number
    of people behind each mean (before any suppression: not for display as it is).

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


def _trend_query(session: Session, kpi_id: int, max_points: int) -> tuple[TrendPeriod, ...]:
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
        select(obs.period, func.avg(obs.value), func.count(obs.employee_id.distinct()))
        .where(obs.kpi_id == kpi_id, obs.period >= cutoff)
        .group_by(obs.period)
        .order_by(obs.period)
    ).all()
    return tuple(TrendPeriod(p, float(v), int(n)) for p, v, n in rows[-max_points:])


def _shown(
    periods: tuple[TrendPeriod, ...], grain: str, rule: GroupRule
) -> tuple[tuple[KpiPoint, ...], int]:
    """The points that may be shown, and how many periods were hidden."""
    if grain != "employee":
        return tuple(KpiPoint(p.period, p.value) for p in periods), 0
    shown = tuple(KpiPoint(p.period, p.value) for p in periods if not rule.hides(p.people))
    return shown, len(periods) - len(shown)


def kpi_card(session: Session, actor: Actor, kpi_id: int, *, max_points: int = 104) -> KpiCard:
    """One KPI with its trend (``max_points`` most recent periods) and latest value."""
    return _card(session, get_kpi(session, actor, kpi_id), max_points)


def _card(session: Session, kpi: Kpi, max_points: int) -> KpiCard:
    periods = kpi_periods(session, kpi.id, max_points=max_points)
    rule = group_rule(session)
    trend, hidden = _shown(periods, kpi.grain, rule)
    return KpiCard(kpi, trend, trend[-1].value if trend else None, hidden, _note(hidden, rule))


def _note(hidden: int, rule: GroupRule) -> str:
    if not hidden:
        return ""
    what = "1 period is" if hidden == 1 else f"{hidden} periods are"
    return (
        f"{what} left out: fewer than {rule.min_size} people had a value there, so the mean "
        "would show someone's own value. The minimum group size is set by "
        "LODESTAR_SECURITY__MIN_GROUP_SIZE."
    )
