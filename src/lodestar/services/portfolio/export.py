"""The portfolio table as CSV, through the one formula-safe writer (``domain.csv_export``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.domain.csv_export import csv_text
from lodestar.domain.roles import Actor
from lodestar.services.portfolio.scoring import PortfolioFilters, score_portfolio

CSV_HEADER = (
    "rank", "kind", "id", "title", "state", "origin", "department", "priority", "weight",
    "metric", "expected_value_a_year", "currency", "value_basis", "confidence", "effort_days",
    "cost", "score", "impact_band", "above_80_20_cut", "assumptions",
)  # fmt: skip


def portfolio_csv(session: Session, actor: Actor, filters: PortfolioFilters | None = None) -> str:
    """The items the actor may see, as filtered and sorted on the page, one row each."""
    p = score_portfolio(session, actor, filters)
    rows = (
        (
            i.rank, i.kind, i.id, i.title, i.state, i.origin, i.department_name or "",
            i.priority_title or "", i.weight, i.kpi_name or "",
            None if i.expected_value is None else round(i.expected_value, 2), i.currency,
            i.expected.basis, round(i.confidence, 2), i.effort_days,
            None if i.cost is None else round(i.cost, 2),
            None if i.score is None else round(i.score, 2), i.band,
            "yes" if i.above_cut else "no", " ".join(i.assumptions),
        )
        for i in p.items
    )  # fmt: skip
    return csv_text(CSV_HEADER, rows)
