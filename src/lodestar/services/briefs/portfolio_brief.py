"""The portfolio brief: programs by priority with the value they delivered (with its range),
and the pipeline of requests and programs still on their way.

Built from what exists today: the leadership view's priorities and programs, the money each
program's newest stored result claims under the conservative rule, and the request and program
states. The 80/20 view and the department's progress from reactive to strategic come from the
portfolio scoring (``services/portfolio``) through :func:`portfolio_extras`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import ImpactResult, Program, TrainingRequest
from lodestar.domain.roles import Actor
from lodestar.services import portfolio
from lodestar.services.briefs.leadership import LeadershipView, leadership_view

PIPELINE_REQUEST_STATES = ("submitted", "in_diagnosis", "accepted", "in_design", "pilot")


@dataclass(frozen=True)
class ValueLine:
    program_id: int
    name: str
    result_id: int
    benefit: float
    benefit_low: float
    benefit_high: float
    cost: float
    currency: str


@dataclass(frozen=True)
class SymptomLine:
    """One symptom of a reactive department: its share now against the line above which it
    counts as present, and the share among the items raised in the first and last month of the
    trend that has any (``None`` when no month has items)."""

    name: str
    share: float | None
    threshold: float
    present: bool
    money: bool  # the share is of money spent, not of items
    first: tuple[str, float] | None
    last: tuple[str, float] | None


@dataclass(frozen=True)
class PortfolioExtras:
    """What the portfolio scoring adds: the 80/20 view and the way from reactive to strategic
    (the symptoms of a reactive department, and the 90-day plan's progress)."""

    available: bool
    pareto: tuple[tuple[str, float], ...] = ()  # (program or request, share of expected impact)
    progress: tuple[tuple[str, str], ...] = ()  # (stage, status in words)
    symptoms: tuple[SymptomLine, ...] = ()


@dataclass(frozen=True)
class PortfolioBrief:
    leadership: LeadershipView
    value: tuple[ValueLine, ...]  # programs whose stored result claims money
    no_value: int  # programs with a result that claims none (unclear evidence, no unit value)
    requests_by_state: tuple[tuple[str, int], ...]
    programs_by_state: tuple[tuple[str, int], ...]
    extras: PortfolioExtras


def _symptoms(session: Session, actor: Actor) -> tuple[SymptomLine, ...]:
    lines = []
    for view in portfolio.reactive_symptoms(session, actor).symptoms:
        months = [(month, value) for month, value in view.trend if value is not None]
        lines.append(
            SymptomLine(
                view.rule.name, view.share, view.rule.threshold, view.present, view.rule.money,
                months[0] if len(months) > 1 else None, months[-1] if len(months) > 1 else None,
            )
        )  # fmt: skip
    return tuple(lines)


def portfolio_extras(session: Session, actor: Actor) -> PortfolioExtras:
    """The 80/20 view (the items above the cut, each with its share of the expected value), the
    symptoms of a reactive department with their trend, and the 90-day plan's progress by
    phase, from the portfolio scoring (``services.portfolio``)."""
    symptoms = _symptoms(session, actor)
    scored = portfolio.score_portfolio(session, actor)
    total = scored.total_value
    pareto = (
        tuple((i.title, (i.expected_value or 0.0) / total) for i in scored.pareto_items)
        if total > 0
        else ()
    )
    plan = portfolio.ninety_day_plan(session, actor)
    if plan.started_on is None:
        return PortfolioExtras(True, pareto, (("90-day plan", "not started yet"),), symptoms)
    progress = []
    for n, title in plan.phases:
        items = plan.phase(n)
        done = sum(1 for i in items if i.done)
        late = [i.spec.title.lower() for i in items if i.status == "late"]
        words = f"{done} of {len(items)} done" + (f"; late: {', '.join(late)}" if late else "")
        progress.append((title, words))
    return PortfolioExtras(True, pareto, tuple(progress), symptoms)


def portfolio_brief(session: Session, actor: Actor) -> PortfolioBrief:
    """The portfolio's one-page brief (executives and the L&D team)."""
    view = leadership_view(session, actor)
    value, no_value = [], 0
    for block in view.priorities:
        for p in block.programs:
            if p.result is None or p.result.hidden:
                continue
            row = session.get(ImpactResult, p.result.result_id)
            money: dict[str, Any] = (row.money if row else None) or {}
            if not money or p.result.evidence in ("weak", "none"):
                no_value += 1
                continue
            value.append(
                ValueLine(p.id, p.name, p.result.result_id, float(money["benefit"]),
                          float(money["benefit_low"]), float(money["benefit_high"]),
                          float(money.get("cost") or 0.0), str(money.get("currency") or ""))
            )  # fmt: skip
    requests = session.execute(
        select(TrainingRequest.state, func.count())
        .where(TrainingRequest.state.in_(PIPELINE_REQUEST_STATES))
        .group_by(TrainingRequest.state)
    ).all()
    order = {s: i for i, s in enumerate(PIPELINE_REQUEST_STATES)}
    programs = session.execute(
        select(Program.status, func.count()).group_by(Program.status).order_by(Program.status)
    ).all()
    return PortfolioBrief(
        leadership=view,
        value=tuple(value),
        no_value=no_value,
        requests_by_state=tuple(
            sorted(((s, int(n)) for s, n in requests), key=lambda x: order[x[0]])
        ),  # fmt: skip
        programs_by_state=tuple((s, int(n)) for s, n in programs),
        extras=portfolio_extras(session, actor),
    )


__all__ = [
    "PortfolioBrief",
    "PortfolioExtras",
    "SymptomLine",
    "ValueLine",
    "portfolio_brief",
    "portfolio_extras",
]
