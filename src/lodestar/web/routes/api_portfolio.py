"""JSON API for the portfolio: ranked items with the 80/20 cut, symptoms, the 90-day plan,
and the scoring inputs (priority weights, a request's or a program's inputs).

The same services as the pages; who sees what is theirs to decide. Errors are problem+json.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from lodestar.domain.ninety_day_plan import PLAN_KEYS
from lodestar.domain.options import check_option
from lodestar.services import portfolio
from lodestar.services.input_fields import RecordId
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["portfolio"], responses=PROBLEM_RESPONSES)

Band = Literal["under 10k", "10k to 100k", "100k to 1M", "1M and more", "not estimated"]


class ItemRead(BaseModel):
    kind: str
    id: int
    title: str
    state: str
    origin: str
    rank: int
    department: str | None
    priority_id: int | None
    priority: str | None
    weight: int
    kpi_id: int | None
    expected_value: float | None = Field(description="Money a year; null when not estimated.")
    currency: str
    value_basis: str
    confidence: float
    effort_days: float
    cost: float | None
    score: float | None
    impact_band: str
    above_cut: bool = Field(description="Among the fewest items carrying 80% of the value.")
    assumptions: list[str]


class PortfolioRead(BaseModel):
    items: list[ItemRead]
    pareto_count: int
    total_value: float
    currency: str


class SymptomRead(BaseModel):
    key: str
    name: str
    present: bool
    share: float | None
    count: float
    total: float
    threshold: float
    treatment: str
    trend: list[tuple[str, float | None]]


class PlanItemRead(BaseModel):
    key: str
    phase: int
    title: str
    automatic: bool
    done: bool
    status: str
    due: date | None
    evidence: str


class PlanRead(BaseModel):
    started_on: date | None
    day: int | None
    done: int
    items: list[PlanItemRead]


class TickInput(BaseModel):
    done: bool = True


class WeightRead(BaseModel):
    priority_id: int
    weight: int | None


class DoneRead(BaseModel):
    saved: bool = True


def _item(i: portfolio.PortfolioItem) -> ItemRead:
    return ItemRead(
        kind=i.kind, id=i.id, title=i.title, state=i.state, origin=i.origin, rank=i.rank,
        department=i.department_name, priority_id=i.priority_id, priority=i.priority_title,
        weight=i.weight, kpi_id=i.kpi_id, expected_value=i.expected_value, currency=i.currency,
        value_basis=i.expected.basis, confidence=i.confidence, effort_days=i.effort_days,
        cost=i.cost, score=i.score, impact_band=i.band, above_cut=i.above_cut,
        assumptions=list(i.assumptions),
    )  # fmt: skip


@router.get("/portfolio", response_model=PortfolioRead)
def get_portfolio(
    db: SessionDep,
    actor: CurrentActor,
    priority_id: RecordId | None = Query(None, description="Only this priority's items."),
    kind: Literal["request", "program"] | None = Query(None),
    origin: Literal["planned", "ad_hoc"] | None = Query(None),
    band: Band | None = Query(None, description="Only items in this band of expected value."),
    sort: Literal["score", "expected", "confidence", "weight", "effort", "cost", "title"] = "score",
    order: Literal["desc", "asc"] = "desc",
) -> PortfolioRead:
    filters = portfolio.PortfolioFilters(
        priority_id=priority_id, kind=kind or "", origin=origin or "", band=band or "",
        sort=sort, descending=order == "desc",
    )  # fmt: skip
    p = portfolio.score_portfolio(db, actor, filters)
    return PortfolioRead(
        items=[_item(i) for i in p.items], pareto_count=p.pareto_count,
        total_value=p.total_value, currency=p.currency,
    )  # fmt: skip


@router.get("/portfolio/symptoms", response_model=list[SymptomRead])
def get_symptoms(db: SessionDep, actor: CurrentActor) -> list[SymptomRead]:
    report = portfolio.reactive_symptoms(db, actor)
    return [
        SymptomRead(
            key=s.rule.key, name=s.rule.name, present=s.present, share=s.share, count=s.count,
            total=s.total, threshold=s.rule.threshold, treatment=s.rule.treatment,
            trend=list(s.trend),
        )
        for s in report.symptoms
    ]  # fmt: skip


def _plan(view: portfolio.PlanView) -> PlanRead:
    return PlanRead(
        started_on=view.started_on, day=view.day, done=view.done_count,
        items=[
            PlanItemRead(
                key=i.spec.key, phase=i.spec.phase, title=i.spec.title,
                automatic=i.spec.automatic, done=i.done, status=i.status, due=i.due,
                evidence=i.evidence,
            )
            for i in view.items
        ],
    )  # fmt: skip


@router.get("/portfolio/plan", response_model=PlanRead)
def get_plan(db: SessionDep, actor: CurrentActor) -> PlanRead:
    return _plan(portfolio.ninety_day_plan(db, actor))


@router.put("/portfolio/plan/items/{key}", response_model=PlanRead)
def tick_plan_item(db: SessionDep, actor: WritingActor, key: str, data: TickInput) -> PlanRead:
    portfolio.require_scorer(actor)
    portfolio.tick_plan_item(db, actor, check_option(key, PLAN_KEYS, "plan item"), done=data.done)
    return _plan(portfolio.ninety_day_plan(db, actor))


@router.put("/priorities/{priority_id}/weight", response_model=WeightRead)
def set_weight(
    db: SessionDep, actor: WritingActor, priority_id: RecordId, data: portfolio.WeightInput
) -> WeightRead:
    prio = portfolio.set_priority_weight(db, actor, priority_id, data.weight)
    return WeightRead(priority_id=prio.id, weight=prio.weight)


@router.put("/requests/{request_id}/scoring", response_model=DoneRead)
def set_request_scoring(
    db: SessionDep, actor: WritingActor, request_id: RecordId, data: portfolio.RequestScoringInput
) -> DoneRead:
    portfolio.set_request_scoring(db, actor, request_id, data)
    return DoneRead()


@router.put("/programs/{program_id}/scoring", response_model=DoneRead)
def set_program_scoring(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: portfolio.ProgramScoringInput
) -> DoneRead:
    portfolio.set_program_scoring(db, actor, program_id, data)
    return DoneRead()
