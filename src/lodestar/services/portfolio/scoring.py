"""Score every open request and every running program (``domain.portfolio``) and rank them.

``score_portfolio`` is the one entry point the pages, the API, the CLI and the leadership brief
use. It reads the workflow tables with a fixed number of queries (requests, programs, KPIs,
priorities, departments, diagnoses, participants per program, the latest stored result per
program), whatever the size of the organisation; fact tables are only counted, in the database.

Which items: requests that are neither drafts nor closed (redirected, declined, scaled,
stopped) and have not become a program, and programs that are not stopped. A request that
became a program is scored once, as the program.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Department,
    Diagnosis,
    ImpactResult,
    Kpi,
    Program,
    ProgramEnrolment,
    StrategicPriority,
    TrainingRequest,
)
from lodestar.domain.evaluation import TIME_TO_EVENT_DESIGNS
from lodestar.domain.portfolio import (
    DEFAULT_EFFORT_DAYS,
    DEFAULT_WEIGHT,
    EffectSource,
    ExpectedImpact,
    ImpactInputs,
    confidence,
    expected_impact,
    impact_band,
    pareto_cut,
    priority_score,
)
from lodestar.domain.roles import Actor
from lodestar.services.portfolio.access import department_scope, require_portfolio_reader
from lodestar.services.privacy.groups import group_rule
from lodestar.services.programs import current_registration
from lodestar.services.programs.costs import fully_loaded, stored_costs

OPEN_REQUEST_STATES = (
    "needs_information",
    "submitted",
    "in_diagnosis",
    "accepted",
    "in_design",
    "pilot",
)


@dataclass(frozen=True)
class PortfolioItem:
    """One request or program with its score and everything the score came from."""

    kind: str  # "request" or "program"
    id: int
    title: str
    state: str
    origin: str
    urgency: str
    department_id: int | None
    department_name: str | None
    priority_id: int | None
    priority_title: str | None
    weight: int
    weight_set: bool
    kpi_id: int | None
    kpi_name: str | None
    expected: ExpectedImpact
    confidence: float
    confidence_source: str
    effort_days: float
    effort_estimated: bool
    cost: float | None
    currency: str
    score: float | None
    band: str
    people: int | None = None  # requests: the audience size given; programs: participants
    cost_of_inaction: float | None = None  # requests: the numeric cost of inaction a year
    rank: int = 0
    above_cut: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def expected_value(self) -> float | None:
        return self.expected.value

    @property
    def url(self) -> str:
        return f"/{'requests' if self.kind == 'request' else 'programs'}/{self.id}"

    @property
    def assumptions(self) -> tuple[str, ...]:
        notes = list(self.expected.assumptions)
        notes.append(f"Confidence {self.confidence:.2f}: {self.confidence_source}.")
        if not self.weight_set:
            notes.append(
                "No priority, so no strategic weight."
                if self.priority_id is None
                else f"Weight {self.weight} assumed: leaders have not weighted this priority."
            )
        if not self.effort_estimated:
            notes.append(f"Effort assumed at {DEFAULT_EFFORT_DAYS:g} days: not estimated yet.")
        return tuple(notes)


@dataclass(frozen=True)
class PortfolioFilters:
    priority_id: int | None = None
    kind: str = ""  # "", "request" or "program"
    origin: str = ""
    band: str = ""
    sort: str = "score"  # a key of SORT_KEYS
    descending: bool = True


SORT_KEYS = ("score", "expected", "confidence", "weight", "effort", "cost", "title")


@dataclass(frozen=True)
class Portfolio:
    """The ranked items, the 80/20 cut over their expected value, and the filters applied."""

    items: tuple[PortfolioItem, ...]
    pareto_count: int
    total_value: float
    currency: str
    filters: PortfolioFilters = field(default_factory=PortfolioFilters)
    scored_count: int = 0

    def top(self, n: int) -> tuple[PortfolioItem, ...]:
        return tuple(sorted(self.items, key=lambda i: i.rank)[:n])

    @property
    def pareto_items(self) -> tuple[PortfolioItem, ...]:
        """The few items above the 80/20 line, largest expected value first."""
        return tuple(i for i in by_expected_value(self.items) if i.above_cut)


def by_expected_value(items: Iterable[PortfolioItem]) -> list[PortfolioItem]:
    return sorted(items, key=lambda i: (-(i.expected_value or 0.0), i.kind, i.id))


def _rank_key(item: PortfolioItem) -> tuple[int, float, float, str, int]:
    return (
        item.score is None,
        -(item.score or 0.0),
        -(item.expected_value or 0.0),
        item.kind,
        item.id,
    )


def score_portfolio(
    session: Session, actor: Actor, filters: PortfolioFilters | None = None
) -> Portfolio:
    """Every item the actor may see, scored and ranked (rank 1 = highest score), with the
    80/20 cut over the items shown: the fewest items, largest first, that carry 80% of their
    expected value."""
    require_portfolio_reader(actor)
    chosen = filters or PortfolioFilters()
    items = [i for i in _all_items(session, actor) if _matches(i, chosen)]
    ranked = sorted(items, key=_rank_key)
    ranked = [replace(item, rank=n) for n, item in enumerate(ranked, start=1)]
    cut = pareto_cut([i.expected_value for i in ranked])
    above = {i.key for i in by_expected_value(ranked)[:cut]}
    ranked = [replace(i, above_cut=i.key in above) for i in ranked]
    total = sum(i.expected_value or 0.0 for i in ranked)
    currencies = {i.currency for i in ranked if i.expected_value}
    return Portfolio(
        items=tuple(_sorted(ranked, chosen)),
        pareto_count=cut,
        total_value=total,
        currency=currencies.pop() if len(currencies) == 1 else "EUR",
        filters=chosen,
        scored_count=sum(1 for i in ranked if i.score is not None),
    )


def _sorted(items: list[PortfolioItem], f: PortfolioFilters) -> list[PortfolioItem]:
    if f.sort == "score":
        out = sorted(items, key=lambda i: i.rank)
        return out if f.descending else out[::-1]
    value = {
        "expected": lambda i: i.expected_value,
        "confidence": lambda i: i.confidence,
        "weight": lambda i: i.weight,
        "effort": lambda i: i.effort_days,
        "cost": lambda i: i.cost,
        "title": lambda i: i.title.casefold(),
    }[f.sort if f.sort in SORT_KEYS else "expected"]
    known = [i for i in items if value(i) is not None]
    unknown = [i for i in items if value(i) is None]
    known.sort(key=lambda i: (value(i), -i.rank), reverse=f.descending)
    return known + unknown


def _matches(item: PortfolioItem, f: PortfolioFilters) -> bool:
    return (
        (f.priority_id is None or item.priority_id == f.priority_id)
        and (not f.kind or item.kind == f.kind)
        and (not f.origin or item.origin == f.origin)
        and (not f.band or item.band == f.band)
    )


# --- loading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lookups:
    kpis: dict[int, Kpi]
    priorities: dict[int, StrategicPriority]
    departments: dict[int, str]


def _lookups(session: Session) -> _Lookups:
    return _Lookups(
        kpis={k.id: k for k in session.scalars(select(Kpi))},
        priorities={p.id: p for p in session.scalars(select(StrategicPriority))},
        departments={i: n for i, n in session.execute(select(Department.id, Department.name))},
    )


def _all_items(session: Session, actor: Actor) -> list[PortfolioItem]:
    scope = department_scope(actor)
    if scope is None:
        return []
    look = _lookups(session)
    requests = _request_items(session, look)
    programs = _program_items(session, look)
    items = requests + programs
    if scope is not True:
        items = [i for i in items if i.department_id == scope]
    return items


def _weight(look: _Lookups, priority_id: int | None) -> tuple[int, bool, str | None]:
    prio = look.priorities.get(priority_id) if priority_id else None
    if prio is None:
        return 0, False, None
    if prio.weight is None:
        return DEFAULT_WEIGHT, False, prio.title
    return prio.weight, True, prio.title


def _kpi_inputs(kpi: Kpi | None, baseline: float | None, target: float | None) -> dict[str, object]:
    if kpi is None:
        return {}
    return {
        "kpi_name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "per_person": kpi.grain == "employee",
        "baseline": baseline if baseline is not None else kpi.baseline,
        "target": target if target is not None else kpi.target,
        "value_per_unit": kpi.value_per_unit,
        "currency": kpi.currency or "EUR",
    }


def _request_items(session: Session, look: _Lookups) -> list[PortfolioItem]:
    became_program = select(Program.request_id).where(Program.request_id.is_not(None))
    rows = session.scalars(
        select(TrainingRequest).where(
            TrainingRequest.state.in_(OPEN_REQUEST_STATES),
            TrainingRequest.id.not_in(became_program),
        )
    ).all()
    diagnosed = set(
        session.scalars(
            select(Diagnosis.request_id).where(
                Diagnosis.outcome == "learning_solution", Diagnosis.concluded_at.is_not(None)
            )
        )
    )
    out = []
    for r in rows:
        kpi = look.kpis.get(r.kpi_id) if r.kpi_id else None
        impact = expected_impact(
            ImpactInputs(
                **_kpi_inputs(kpi, None, None),  # type: ignore[arg-type]
                people=r.audience_size,
                cost_of_inaction=r.cost_of_inaction_amount,
            )
        )
        conf, source = confidence(evidence=None, design=None, diagnosed=r.id in diagnosed)
        weight, weight_set, prio_title = _weight(look, r.priority_id)
        effort = r.effort_days if r.effort_days is not None else DEFAULT_EFFORT_DAYS
        out.append(
            PortfolioItem(
                kind="request", id=r.id, title=r.title, state=r.state, origin=r.origin,
                urgency=r.urgency, department_id=r.department_id,
                department_name=look.departments.get(r.department_id or 0),
                priority_id=r.priority_id, priority_title=prio_title, weight=weight,
                weight_set=weight_set, kpi_id=r.kpi_id, kpi_name=kpi.name if kpi else None,
                expected=impact, confidence=conf, confidence_source=source,
                effort_days=effort, effort_estimated=r.effort_days is not None, cost=None,
                currency=(kpi.currency if kpi else None) or "EUR",
                score=priority_score(impact.value, conf, weight, effort),
                band=impact_band(impact.value), people=r.audience_size,
                cost_of_inaction=r.cost_of_inaction_amount,
            )
        )  # fmt: skip
    return out


# Why a retention or ramp-up program's share of the gap is assumed (``_program_effect``).
RATIO_NOTE = (
    "its result is a ratio (of the rates of leaving, or of the times to reach the standard), "
    "not a change in the KPI's unit, so it is not turned into a share of the gap; its evidence "
    "counts for the confidence"
)


def _latest_results(session: Session) -> dict[int, tuple[float, str, str]]:
    """Each program's latest stored result on its own KPI: (estimate, evidence grade, design)."""
    newest = (
        select(ImpactResult.program_id, func.max(ImpactResult.id).label("last"))
        .group_by(ImpactResult.program_id)
        .subquery()
    )
    rows = session.execute(
        select(
            ImpactResult.program_id, ImpactResult.estimate, ImpactResult.evidence,
            ImpactResult.design,
        ).join(newest, ImpactResult.id == newest.c.last)
    )  # fmt: skip
    return {pid: (est, ev, design) for pid, est, ev, design in rows}


def _program_items(session: Session, look: _Lookups) -> list[PortfolioItem]:
    programs = session.scalars(select(Program).where(Program.status != "stopped")).all()
    if not programs:
        return []
    participants: dict[int, int] = {
        pid: n
        for pid, n in session.execute(
            select(ProgramEnrolment.program_id, func.count())
            .where(ProgramEnrolment.group == "participant")
            .group_by(ProgramEnrolment.program_id)
        )
    }
    request_departments: dict[int, int | None] = {
        rid: dept
        for rid, dept in session.execute(
            select(TrainingRequest.id, TrainingRequest.department_id).where(
                TrainingRequest.id.in_({p.request_id for p in programs if p.request_id})
            )
        )
    }
    results = _latest_results(session)
    rule = group_rule(session)
    out = []
    for p in programs:
        kpi = look.kpis.get(p.kpi_id) if p.kpi_id else None
        people = participants.get(p.id, 0)
        effect, source, evidence = _program_effect(session, p, results, rule.hides(people))
        because = {"assumed_because": RATIO_NOTE} if _ratio(p, results) else {}
        impact = expected_impact(
            ImpactInputs(
                **_kpi_inputs(kpi, p.baseline, p.target), **because,  # type: ignore[arg-type]
                people=people or None, effect=effect, effect_source=source,
            )
        )  # fmt: skip
        if source == "assumed" and p.id in results and rule.hides(people):
            impact = replace(
                impact, assumptions=(*impact.assumptions, rule.note("The measured effect", people))
            )

        conf, conf_source = confidence(evidence=evidence, design=p.evaluation_design or None)
        weight, weight_set, prio_title = _weight(look, p.priority_id)
        effort = p.effort_days if p.effort_days is not None else DEFAULT_EFFORT_DAYS
        dept = request_departments.get(p.request_id) if p.request_id else None
        out.append(
            PortfolioItem(
                kind="program", id=p.id, title=p.name, state=p.status,
                origin="planned" if p.request_id is None else _origin_of(session, p.request_id),
                urgency="", department_id=dept, department_name=look.departments.get(dept or 0),
                priority_id=p.priority_id, priority_title=prio_title, weight=weight,
                weight_set=weight_set, kpi_id=p.kpi_id, kpi_name=kpi.name if kpi else None,
                expected=impact, confidence=conf, confidence_source=conf_source,
                effort_days=effort, effort_estimated=p.effort_days is not None,
                cost=program_cost(session, p, people),
                currency=(kpi.currency if kpi else None) or "EUR",
                score=priority_score(impact.value, conf, weight, effort),
                band=impact_band(impact.value), people=people or None,
            )
        )  # fmt: skip
    return out


def _origin_of(session: Session, request_id: int) -> str:
    return (
        session.scalar(select(TrainingRequest.origin).where(TrainingRequest.id == request_id))
        or "planned"
    )


def _ratio(p: Program, results: dict[int, tuple[float, str, str]]) -> bool:
    """Whether the program's result (or, with none yet, its design) is a ratio."""
    design = results[p.id][2] if p.id in results else p.evaluation_design
    return design in TIME_TO_EVENT_DESIGNS


def _program_effect(
    session: Session, p: Program, results: dict[int, tuple[float, str, str]], too_few: bool
) -> tuple[float | None, EffectSource, str | None]:
    """The effect to score with, where it came from, and the evidence grade if measured.
    A measured effect over too few participants is not used (small-group rule). A retention
    or ramp-up result is a ratio (of hazards, of times), not a change in the KPI's unit: its
    evidence grade counts for the confidence, and the share of the gap is assumed, as is the
    effect registered for such a program (``RATIO_NOTE`` says so)."""
    if p.id in results and not too_few:
        estimate, evidence, design = results[p.id]
        if design in TIME_TO_EVENT_DESIGNS:
            return None, "assumed", evidence
        return estimate, "measured", evidence
    if p.evaluation_design in TIME_TO_EVENT_DESIGNS:
        return None, "assumed", None
    reg = current_registration(session, p.id)
    if reg is not None:
        return reg.expected_effect, "registered", None
    return None, "assumed", None


def program_cost(session: Session, p: Program, participants: int) -> float | None:
    """Fully loaded cost where it is stored; otherwise cost per participant x participants."""
    costs = stored_costs(session, p.id)
    if costs is not None:
        return fully_loaded(costs, participants).total
    if p.cost_per_participant is not None and participants:
        return p.cost_per_participant * participants
    return None
