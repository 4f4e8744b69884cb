"""Everything a program's one-page brief shows, read from the stored result it rests on.

The brief answers four questions for leadership: what we set out to move (the priority, the
metric that matters with its baseline and target, the locked expectation), what moved (the
three tiers, the estimate of the stored result), how sure we are (the evidence grade, the
robustness check, the grade against the expectation), and what happens next (the decision on
record, risks that happened). Numbers come only from the stored result, so each one on the page
links back to ``/programs/{id}/results/{result_id}``.

Which result: the one asked for, else the one the brief is pinned to, else the newest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    ImpactResult,
    Kpi,
    Program,
    ProgramRisk,
    ProgramTransition,
    StrategicPriority,
    User,
)
from lodestar.domain.preregistration import GradedResult
from lodestar.domain.roles import Actor
from lodestar.services.briefs.results import ResultLine, pinned_result_id, program_results
from lodestar.services.impact.program_impact import (
    ProgramImpact,
    latest_program_impact,
    program_impact_at,
)
from lodestar.services.impact.source_views import not_read_here
from lodestar.services.impact.starts import start_dates
from lodestar.services.impact.stored import latest_result_id
from lodestar.services.privacy.groups import GroupRule, group_rule
from lodestar.services.programs.access import load_program, require_reader
from lodestar.services.programs.canvas import program_canvas
from lodestar.services.programs.registration import (
    Registration,
    current_registration,
    grade_result,
)
from lodestar.services.strategy.trends import kpi_trend
from lodestar.services.views import KpiPoint


@dataclass(frozen=True)
class Target:
    """The metric that matters: where it started, where it should get to, where it is."""

    baseline: float | None
    target: float | None
    horizon: date | None
    latest: float | None  # the organisation-wide level in the newest period shown
    latest_period: date | None
    # Why there is no latest level: the KPI's values live in an external source ("" if not).
    source_note: str = ""


@dataclass(frozen=True)
class Decision:
    """The newest scale / adapt / stop decision on record."""

    decision: str  # "scale", "adapt", "stop"
    to_state: str
    reason: str
    decided_by: str | None
    at: datetime
    impact_result_id: int | None


@dataclass(frozen=True)
class RiskLine:
    description: str
    mitigation: str
    status: str


@dataclass(frozen=True)
class ProgramBrief:
    """A program's brief: the stored result it rests on and the story around it."""

    program_id: int
    code: str
    name: str
    status: str
    statement: str  # the statement of intent, in business language
    problem: str  # the business problem, from the Five Ps canvas
    priority_id: int | None
    priority_title: str | None
    impact: ProgramImpact  # impact.result_id is the result every number links to
    source: str  # "chosen", "pinned" or "latest": why this result
    pinned_result_id: int | None
    latest_result_id: int | None
    target: Target
    registration: Registration | None
    grade: GradedResult | None  # the shown result against the locked expectation
    risks_happened: tuple[RiskLine, ...]
    decision: Decision | None
    trend: tuple[KpiPoint, ...]  # the metric's organisation-wide trend (small periods hidden)
    start_dates: tuple[date, ...]  # when participants started (cohorts), for the trend chart
    results: tuple[ResultLine, ...]  # every stored result, newest first
    min_group: int
    estimate_hidden: bool  # the result describes fewer participants than the minimum group


def program_brief(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    result_id: int | None = None,
    today: date | None = None,
) -> ProgramBrief:
    """The brief of one program, on result ``result_id``, the pinned one, or the newest."""
    require_reader(actor)
    prog = load_program(session, program_id)
    pinned = pinned_result_id(session, program_id)
    latest = latest_result_id(session, program_id)
    chosen = result_id if result_id is not None else pinned if pinned is not None else latest
    source = "chosen" if result_id is not None else "pinned" if pinned is not None else "latest"
    if chosen is None:
        impact = latest_program_impact(session, actor, program_id)
    else:
        impact = program_impact_at(session, actor, program_id, chosen)
    rule = group_rule(session)
    registration = current_registration(session, program_id)
    canvas = program_canvas(session, actor, program_id)
    trend = kpi_trend(session, impact.kpi.id)
    return ProgramBrief(
        program_id=prog.id,
        code=prog.code,
        name=prog.name,
        status=prog.status,
        statement=canvas.statement,
        problem=canvas.canvas.problem,
        priority_id=prog.priority_id,
        priority_title=_priority_title(session, prog.priority_id),
        impact=impact,
        source=source,
        pinned_result_id=pinned,
        latest_result_id=latest,
        target=_target(session, prog, trend),
        registration=registration,
        grade=_grade(session, registration, impact, today or date.today()),
        risks_happened=_risks_happened(session, program_id),
        decision=_decision(session, program_id),
        trend=trend,
        start_dates=start_dates(session, program_id),
        results=program_results(session, actor, program_id),
        min_group=rule.min_size,
        estimate_hidden=_estimate_hidden(impact, rule),
    )


def _estimate_hidden(impact: ProgramImpact, rule: GroupRule) -> bool:
    b = impact.business
    return b is not None and rule.hides(b.n_treated)


def _priority_title(session: Session, priority_id: int | None) -> str | None:
    if priority_id is None:
        return None
    prio = session.get(StrategicPriority, priority_id)
    return prio.title if prio else None


def _target(session: Session, prog: Program, trend: tuple[KpiPoint, ...]) -> Target:
    kpi = session.get(Kpi, prog.kpi_id) if prog.kpi_id else None
    baseline = prog.baseline if prog.baseline is not None else (kpi.baseline if kpi else None)
    target = prog.target if prog.target is not None else (kpi.target if kpi else None)
    horizon = prog.horizon_date or (kpi.horizon_date if kpi else None)
    last = trend[-1] if trend else None
    note = not_read_here(session, kpi.id, "its latest level") if kpi else ""
    return Target(baseline, target, horizon, last.value if last else None,
                  last.period if last else None, note)  # fmt: skip


def _grade(
    session: Session, reg: Registration | None, impact: ProgramImpact, today: date
) -> GradedResult | None:
    """The shown result graded against the locked expectation, by the same rule as the pilot
    page (``grade_result``): only a result on the registered metric and design is graded."""
    if reg is None or impact.result_id is None:
        return None
    row = session.get(ImpactResult, impact.result_id)
    return grade_result(reg, row, today) if row is not None else None


def _risks_happened(session: Session, program_id: int) -> tuple[RiskLine, ...]:
    rows = session.scalars(
        select(ProgramRisk)
        .where(ProgramRisk.program_id == program_id, ProgramRisk.status == "happened")
        .order_by(ProgramRisk.id)
    )
    return tuple(RiskLine(r.description, r.mitigation, r.status) for r in rows)


def _decision(session: Session, program_id: int) -> Decision | None:
    row = session.execute(
        select(ProgramTransition, User.name)
        .outerjoin(User, User.id == ProgramTransition.actor_id)
        .where(ProgramTransition.program_id == program_id, ProgramTransition.decision != "")
        .order_by(ProgramTransition.at.desc(), ProgramTransition.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    step, name = row
    return Decision(step.decision, step.to_state, step.reason, name, step.at,
                    step.impact_result_id)  # fmt: skip


__all__ = ["Decision", "ProgramBrief", "RiskLine", "Target", "program_brief", "start_dates"]
