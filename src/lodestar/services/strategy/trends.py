"""KPI trends: the organisation-wide mean per period, read from the totals the KPI store
keeps per KPI and period (``db.kpi_store.period_totals``); and the KPI card built on a trend.

A trend is a read of at most ``max_points`` small rows (number of subjects and sum of their
values per period), kept in the transaction that writes the values, so there is nothing to
average at view time and nothing to cache: every server process sees a new import at once.

For a KPI measured per person, a period's mean is shown only when at least the minimum group
size of people have a value in it (``services.privacy.groups``); otherwise the period is left
out of the trend and the card says why. Team and organisation KPIs are not values of a person
and are shown whole.

A KPI whose values live in an external source (docs/external-sources.md) has no trend here:
reading a warehouse or lakehouse table on a page view would scan it, and the observations
imported before it was pointed at the source are no longer its values. Its trend is empty and
the card says so in a sentence (``KpiCard.source_note``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lodestar.db.kpi_store import period_totals
from lodestar.db.models import Kpi
from lodestar.domain.roles import Actor
from lodestar.services.impact.source_views import not_read_here, source_of_kpi
from lodestar.services.impact.starts import kpi_start_dates
from lodestar.services.privacy.groups import GroupRule, group_rule
from lodestar.services.strategy.kpis import get_kpi
from lodestar.services.strategy.read_models import KpiCard
from lodestar.services.views import KpiPoint


@dataclass(frozen=True)
class TrendPeriod:
    """One period of a trend before suppression: the mean and how many people it covers."""

    period: Any
    value: float
    people: int


def kpi_trend(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[KpiPoint, ...]:
    """The KPI's organisation-wide mean per period, without the periods the minimum group
    size hides (see ``kpi_periods``)."""
    kpi = session.get(Kpi, kpi_id)
    periods = kpi_periods(session, kpi_id, max_points=max_points)
    return _shown(periods, kpi.grain if kpi else "employee", group_rule(session))[0]


def kpi_periods(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[TrendPeriod, ...]:
    """The KPI's organisation-wide mean over its ``max_points`` most recent periods, with the
    number of people behind each mean (before any suppression: not for display as it is).

    A KPI holds one value per subject and period, so the subjects counted are the people of
    an employee-grain KPI. None for a KPI read from an external source (see the module)."""
    if source_of_kpi(session, kpi_id) is not None:
        return ()
    return tuple(
        TrendPeriod(period, total / count, count)
        for period, count, total in period_totals(session, kpi_id, last=max_points)
        if count
    )


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
    return KpiCard(kpi, trend, trend[-1].value if trend else None, hidden, _note(hidden, rule),
                   kpi_start_dates(session, kpi.id),
                   not_read_here(session, kpi.id, "the trend"))  # fmt: skip


def _note(hidden: int, rule: GroupRule) -> str:
    if not hidden:
        return ""
    what = "1 period is" if hidden == 1 else f"{hidden} periods are"
    return (
        f"{what} left out: fewer than {rule.min_size} people had a value there, so the mean "
        "would show someone's own value. The minimum group size is set by "
        "LODESTAR_SECURITY__MIN_GROUP_SIZE."
    )
