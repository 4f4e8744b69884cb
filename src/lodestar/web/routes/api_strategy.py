"""JSON API for strategy alignment: priorities, objectives, key results, KPIs and KPI trends.

Reads need a signed-in user (cookie or bearer token); writes go through ``WritingActor``
(CSRF-checked unless a bearer token is used) and are refused by the services for roles that
do not edit the strategy. Errors are problem+json (see ``web/errors.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lodestar.services import strategy
from lodestar.services.input_fields import RecordId
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["strategy"], responses=PROBLEM_RESPONSES)

# Inputs are the service's own models: one definition of what a valid priority or KPI is.
PriorityCreate = strategy.PriorityInput
KpiCreate = strategy.KpiInput
ObjectiveCreate = strategy.ObjectiveInput
KeyResultCreate = strategy.KeyResultInput


def _as_utc(value: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they are stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PriorityRead(_Read):
    id: int
    title: str
    description: str
    owner_id: int | None
    start_year: int
    end_year: int
    archived_at: UtcDatetime | None
    created_at: UtcDatetime


class PriorityListItem(PriorityRead):
    owner_name: str | None
    kpi_count: int
    request_count: int
    program_count: int
    requests_without_metric: int
    programs_without_metric: int
    unaligned: bool = Field(description="True when a linked request or program names no metric.")


class KeyResultRead(_Read):
    id: int
    objective_id: int
    description: str
    kpi_id: int | None
    target: float | None
    due_date: date | None


class ObjectiveRead(_Read):
    id: int
    priority_id: int
    title: str


class ObjectiveWithKeyResults(ObjectiveRead):
    key_results: list[KeyResultRead]


class KpiRead(_Read):
    id: int
    code: str
    name: str
    description: str
    unit: str
    direction: str
    grain: str
    cadence: str
    lead_lag: str
    value_per_unit: float | None
    currency: str | None
    baseline: float | None
    target: float | None
    horizon_date: date | None
    priority_id: int | None
    archived_at: UtcDatetime | None


class KpiPointRead(_Read):
    period: date
    value: float = Field(description="The mean over all subjects in this period, in the unit.")


class KpiTrendRead(BaseModel):
    kpi_id: int
    unit: str
    direction: str
    baseline: float | None
    target: float | None
    latest: float | None
    movement: str | None = Field(
        description="'better', 'worse' or 'flat' against the baseline, given the direction."
    )
    progress: float | None = Field(
        description="Share of the baseline-to-target gap closed (0 = baseline, 1 = target)."
    )
    points: list[KpiPointRead]
    hidden_periods: int = Field(
        0, description="Periods left out because fewer than the minimum group size had values."
    )
    suppression_note: str = Field("", description="Why periods were left out, if any were.")
    source_note: str = Field(
        "",
        description="Why there are no points: the KPI's values live in an external source "
        "and are read when a program's analysis runs, not on a page view.",
    )


class KpiCardRead(BaseModel):
    kpi: KpiRead
    trend: KpiTrendRead


class LinkedRequestRead(BaseModel):
    id: int
    title: str
    state: str
    kpi_id: int | None
    kpi_name: str | None
    has_metric: bool


class LinkedProgramRead(BaseModel):
    id: int
    name: str
    status: str
    kpi_name: str | None
    has_metric: bool


class PriorityPageRead(BaseModel):
    priority: PriorityRead
    owner_name: str | None
    objectives: list[ObjectiveWithKeyResults]
    kpis: list[KpiCardRead]
    requests: list[LinkedRequestRead]
    programs: list[LinkedProgramRead]
    lacking_metric: int = Field(description="Linked requests and programs with no metric.")


def _trend(card: strategy.KpiCard) -> KpiTrendRead:
    k = card.kpi
    return KpiTrendRead(
        kpi_id=k.id,
        unit=k.unit,
        direction=k.direction,
        baseline=k.baseline,
        target=k.target,
        latest=card.latest,
        movement=card.movement,
        progress=card.progress,
        points=[KpiPointRead.model_validate(p) for p in card.trend],
        hidden_periods=card.hidden_periods,
        suppression_note=card.suppression_note,
        source_note=card.source_note,
    )


# --- priorities ------------------------------------------------------------------------------


@router.get("/priorities", response_model=list[PriorityListItem])
def list_priorities(
    db: SessionDep,
    actor: CurrentActor,
    include_archived: bool = Query(False, description="Also list archived priorities."),
) -> list[PriorityListItem]:
    """The strategic priorities with owner and alignment counts."""
    return [
        PriorityListItem(
            **PriorityRead.model_validate(r.priority).model_dump(),
            owner_name=r.owner_name,
            kpi_count=r.kpi_count,
            request_count=r.request_count,
            program_count=r.program_count,
            requests_without_metric=r.requests_without_metric,
            programs_without_metric=r.programs_without_metric,
            unaligned=r.unaligned,
        )
        for r in strategy.priority_overview(db, actor, include_archived=include_archived)
    ]


@router.post("/priorities", response_model=PriorityRead, status_code=201)
def create_priority(db: SessionDep, actor: WritingActor, data: PriorityCreate) -> PriorityRead:
    """Create a must-win (L&D team and administrators)."""
    return PriorityRead.model_validate(strategy.create_priority(db, actor, data))


@router.get("/priorities/{priority_id}", response_model=PriorityRead)
def get_priority(db: SessionDep, actor: CurrentActor, priority_id: RecordId) -> PriorityRead:
    return PriorityRead.model_validate(strategy.get_priority(db, actor, priority_id))


@router.put("/priorities/{priority_id}", response_model=PriorityRead)
def update_priority(
    db: SessionDep, actor: WritingActor, priority_id: RecordId, data: PriorityCreate
) -> PriorityRead:
    """Replace the priority's fields."""
    return PriorityRead.model_validate(strategy.update_priority(db, actor, priority_id, data))


@router.post("/priorities/{priority_id}/archive", response_model=PriorityRead)
def archive_priority(db: SessionDep, actor: WritingActor, priority_id: RecordId) -> PriorityRead:
    return PriorityRead.model_validate(strategy.set_priority_archived(db, actor, priority_id, True))


@router.post("/priorities/{priority_id}/restore", response_model=PriorityRead)
def restore_priority(db: SessionDep, actor: WritingActor, priority_id: RecordId) -> PriorityRead:
    return PriorityRead.model_validate(
        strategy.set_priority_archived(db, actor, priority_id, False)
    )


@router.get("/priorities/{priority_id}/page", response_model=PriorityPageRead)
def priority_page(
    db: SessionDep,
    actor: CurrentActor,
    priority_id: RecordId,
    points: int = Query(52, ge=1, le=520, description="Most recent periods per KPI trend."),
) -> PriorityPageRead:
    """Everything the priority page shows: objectives with key results, KPIs with their trend,
    and the linked requests (those you may see) and programs."""
    page = strategy.priority_page(db, actor, priority_id, trend_points=points)
    return PriorityPageRead(
        priority=PriorityRead.model_validate(page.priority),
        owner_name=page.owner_name,
        objectives=[
            ObjectiveWithKeyResults(
                **ObjectiveRead.model_validate(obj).model_dump(),
                key_results=[KeyResultRead.model_validate(kr) for kr in krs],
            )
            for obj, krs in page.objectives
        ],
        kpis=[
            KpiCardRead(kpi=KpiRead.model_validate(card.kpi), trend=_trend(card))
            for card in page.kpis
        ],
        requests=[
            LinkedRequestRead(
                id=r.id,
                title=r.title,
                state=r.state,
                kpi_id=r.kpi_id,
                kpi_name=r.kpi_name,
                has_metric=r.kpi_id is not None,
            )
            for r in page.requests
        ],
        programs=[
            LinkedProgramRead(
                id=p.id, name=p.name, status=p.status, kpi_name=p.kpi_name, has_metric=p.has_metric
            )
            for p in page.programs
        ],
        lacking_metric=page.lacking_metric,
    )


@router.post("/priorities/{priority_id}/objectives", response_model=ObjectiveRead, status_code=201)
def add_objective(
    db: SessionDep, actor: WritingActor, priority_id: RecordId, data: ObjectiveCreate
) -> ObjectiveRead:
    return ObjectiveRead.model_validate(strategy.add_objective(db, actor, priority_id, data))


@router.post(
    "/objectives/{objective_id}/key-results", response_model=KeyResultRead, status_code=201
)
def add_key_result(
    db: SessionDep, actor: WritingActor, objective_id: RecordId, data: KeyResultCreate
) -> KeyResultRead:
    return KeyResultRead.model_validate(strategy.add_key_result(db, actor, objective_id, data))


# --- KPIs ------------------------------------------------------------------------------------


@router.get("/kpis", response_model=list[KpiRead])
def list_kpis(
    db: SessionDep,
    actor: CurrentActor,
    include_archived: bool = Query(False, description="Also list archived KPIs."),
) -> list[KpiRead]:
    return [
        KpiRead.model_validate(k)
        for k in strategy.list_kpis(db, actor, include_archived=include_archived)
    ]


@router.post("/kpis", response_model=KpiRead, status_code=201)
def create_kpi(db: SessionDep, actor: WritingActor, data: KpiCreate) -> KpiRead:
    """Add a KPI to the catalogue (L&D team and administrators)."""
    return KpiRead.model_validate(strategy.create_kpi(db, actor, data))


@router.get("/kpis/{kpi_id}", response_model=KpiRead)
def get_kpi(db: SessionDep, actor: CurrentActor, kpi_id: RecordId) -> KpiRead:
    return KpiRead.model_validate(strategy.get_kpi(db, actor, kpi_id))


@router.put("/kpis/{kpi_id}", response_model=KpiRead)
def update_kpi(db: SessionDep, actor: WritingActor, kpi_id: RecordId, data: KpiCreate) -> KpiRead:
    """Replace the KPI's definition."""
    return KpiRead.model_validate(strategy.update_kpi(db, actor, kpi_id, data))


@router.post("/kpis/{kpi_id}/archive", response_model=KpiRead)
def archive_kpi(db: SessionDep, actor: WritingActor, kpi_id: RecordId) -> KpiRead:
    return KpiRead.model_validate(strategy.set_kpi_archived(db, actor, kpi_id, True))


@router.post("/kpis/{kpi_id}/restore", response_model=KpiRead)
def restore_kpi(db: SessionDep, actor: WritingActor, kpi_id: RecordId) -> KpiRead:
    return KpiRead.model_validate(strategy.set_kpi_archived(db, actor, kpi_id, False))


@router.get("/kpis/{kpi_id}/trend", response_model=KpiTrendRead)
def kpi_trend(
    db: SessionDep,
    actor: CurrentActor,
    kpi_id: RecordId,
    points: int = Query(104, ge=1, le=520, description="Most recent periods to return."),
) -> KpiTrendRead:
    """The KPI's organisation-wide mean per period (aggregated in the database), oldest first."""
    return _trend(strategy.kpi_card(db, actor, kpi_id, max_points=points))
