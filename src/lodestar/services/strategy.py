"""Strategy alignment: priorities (must-wins), objectives, key results and KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.access import get_priority_for
from lodestar.db.models import (
    KeyResult,
    Kpi,
    KpiObservation,
    Objective,
    Program,
    StrategicPriority,
    TrainingRequest,
    User,
)
from lodestar.domain.options import (
    KPI_CADENCES,
    KPI_DIRECTIONS,
    KPI_GRAINS,
    LEAD_LAG,
    check_option,
)
from lodestar.domain.roles import Actor
from lodestar.domain.strategy import check_horizon, check_target
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.intake import RequestFilters, list_requests
from lodestar.services.views import KpiPoint, RequestSummary


class PriorityInput(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = ""
    owner_id: int | None = None
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)


class ObjectiveInput(BaseModel):
    title: str = Field(min_length=3, max_length=200)


class KeyResultInput(BaseModel):
    description: str = Field(min_length=3, max_length=300)
    kpi_id: int | None = None
    target: float | None = None
    due_date: date | None = None


class KpiInput(BaseModel):
    code: str = Field(min_length=2, max_length=60, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=3, max_length=200)
    description: str = ""
    unit: str = Field(min_length=1, max_length=40)
    direction: str = "up"
    grain: str = "employee"
    cadence: str = "weekly"
    lead_lag: str = "lag"
    value_per_unit: float | None = None
    currency: str | None = Field(None, max_length=3)
    baseline: float | None = None
    target: float | None = None
    horizon_date: date | None = None
    priority_id: int | None = None


@dataclass(frozen=True)
class KpiCard:
    kpi: Kpi
    trend: tuple[KpiPoint, ...]
    latest: float | None


@dataclass(frozen=True)
class ProgramLine:
    id: int
    name: str
    status: str
    kpi_name: str | None
    has_metric: bool


@dataclass(frozen=True)
class PriorityPage:
    priority: StrategicPriority
    owner_name: str | None
    objectives: tuple[tuple[Objective, tuple[KeyResult, ...]], ...]
    kpis: tuple[KpiCard, ...]
    requests: tuple[RequestSummary, ...]
    programs: tuple[ProgramLine, ...]

    @property
    def lacking_metric(self) -> int:
        return sum(1 for r in self.requests if r.kpi_id is None) + sum(
            1 for p in self.programs if not p.has_metric
        )


def _require_editor(actor: Actor) -> None:
    if not actor.can_edit_strategy:
        raise PermissionDenied(
            "Only the L&D team and administrators edit the strategy. You can read it."
        )


def _check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is not None and session.get(User, owner_id) is None:
        raise NotFound(f"There is no user #{owner_id} to own this priority. Pick an owner.")


def list_priorities(
    session: Session, actor: Actor, *, include_archived: bool = False
) -> list[StrategicPriority]:
    stmt = select(StrategicPriority).order_by(StrategicPriority.id)
    if not include_archived:
        stmt = stmt.where(StrategicPriority.archived_at.is_(None))
    return list(session.scalars(stmt))


def create_priority(session: Session, actor: Actor, data: PriorityInput) -> StrategicPriority:
    _require_editor(actor)
    check_horizon(data.start_year, data.end_year)
    _check_owner(session, data.owner_id)
    prio = StrategicPriority(**data.model_dump())
    session.add(prio)
    session.flush()
    audit.record(session, actor, "priority.create", "strategic_priority", prio.id, prio.title)
    return prio


def update_priority(
    session: Session, actor: Actor, priority_id: int, data: PriorityInput
) -> StrategicPriority:
    _require_editor(actor)
    prio = get_priority_for(session, actor, priority_id)
    check_horizon(data.start_year, data.end_year)
    _check_owner(session, data.owner_id)
    for key, value in data.model_dump().items():
        setattr(prio, key, value)
    session.flush()
    audit.record(session, actor, "priority.update", "strategic_priority", prio.id)
    return prio


def set_priority_archived(
    session: Session, actor: Actor, priority_id: int, archived: bool = True
) -> StrategicPriority:
    _require_editor(actor)
    prio = get_priority_for(session, actor, priority_id)
    prio.archived_at = datetime.now(UTC) if archived else None
    session.flush()
    action = "priority.archive" if archived else "priority.restore"
    audit.record(session, actor, action, "strategic_priority", prio.id)
    return prio


def add_objective(
    session: Session, actor: Actor, priority_id: int, data: ObjectiveInput
) -> Objective:
    _require_editor(actor)
    get_priority_for(session, actor, priority_id)
    obj = Objective(priority_id=priority_id, title=data.title.strip())
    session.add(obj)
    session.flush()
    return obj


def add_key_result(
    session: Session, actor: Actor, objective_id: int, data: KeyResultInput
) -> KeyResult:
    _require_editor(actor)
    if session.get(Objective, objective_id) is None:
        raise NotFound(f"There is no objective #{objective_id}. Add the objective first.")
    if data.kpi_id is not None and session.get(Kpi, data.kpi_id) is None:
        raise NotFound(f"There is no KPI #{data.kpi_id}. Pick a KPI from the list.")
    kr = KeyResult(objective_id=objective_id, **data.model_dump())
    session.add(kr)
    session.flush()
    return kr


def archive_objective(session: Session, actor: Actor, objective_id: int) -> Objective:
    _require_editor(actor)
    obj = session.get(Objective, objective_id)
    if obj is None:
        raise NotFound(f"There is no objective #{objective_id}.")
    obj.archived_at = datetime.now(UTC)
    session.flush()
    return obj


def archive_key_result(session: Session, actor: Actor, key_result_id: int) -> KeyResult:
    _require_editor(actor)
    kr = session.get(KeyResult, key_result_id)
    if kr is None:
        raise NotFound(f"There is no key result #{key_result_id}.")
    kr.archived_at = datetime.now(UTC)
    session.flush()
    return kr


def list_kpis(session: Session, actor: Actor, *, include_archived: bool = False) -> list[Kpi]:
    stmt = select(Kpi).order_by(Kpi.name)
    if not include_archived:
        stmt = stmt.where(Kpi.archived_at.is_(None))
    return list(session.scalars(stmt))


def get_kpi(session: Session, actor: Actor, kpi_id: int) -> Kpi:
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"There is no KPI #{kpi_id}. Open the KPI list to find it.")
    return kpi


def _check_kpi(session: Session, data: KpiInput) -> None:
    check_option(data.direction, KPI_DIRECTIONS, "direction")
    check_option(data.grain, KPI_GRAINS, "grain")
    check_option(data.cadence, KPI_CADENCES, "cadence")
    check_option(data.lead_lag, LEAD_LAG, "lead or lag")
    check_target(data.direction, data.baseline, data.target)
    if data.value_per_unit is not None and not data.currency:
        raise InvalidInput(
            "A money value per unit needs a currency. Enter a three-letter code such as EUR."
        )
    if data.priority_id is not None and session.get(StrategicPriority, data.priority_id) is None:
        raise NotFound(
            f"There is no strategic priority #{data.priority_id}. Pick one from the list."
        )


def create_kpi(session: Session, actor: Actor, data: KpiInput) -> Kpi:
    _require_editor(actor)
    _check_kpi(session, data)
    if session.scalar(select(Kpi.id).where(Kpi.code == data.code)) is not None:
        raise Conflict(f"A KPI with the code '{data.code}' exists already. Choose another code.")
    kpi = Kpi(**data.model_dump())
    session.add(kpi)
    session.flush()
    audit.record(session, actor, "kpi.create", "kpi", kpi.id, kpi.code)
    return kpi


def update_kpi(session: Session, actor: Actor, kpi_id: int, data: KpiInput) -> Kpi:
    _require_editor(actor)
    kpi = get_kpi(session, actor, kpi_id)
    _check_kpi(session, data)
    clash = session.scalar(select(Kpi.id).where(Kpi.code == data.code, Kpi.id != kpi_id))
    if clash is not None:
        raise Conflict(f"A KPI with the code '{data.code}' exists already. Choose another code.")
    for key, value in data.model_dump().items():
        setattr(kpi, key, value)
    session.flush()
    audit.record(session, actor, "kpi.update", "kpi", kpi.id)
    return kpi


def set_kpi_archived(session: Session, actor: Actor, kpi_id: int, archived: bool = True) -> Kpi:
    _require_editor(actor)
    kpi = get_kpi(session, actor, kpi_id)
    kpi.archived_at = datetime.now(UTC) if archived else None
    session.flush()
    return kpi


def kpi_trend(session: Session, kpi_id: int, *, max_points: int = 104) -> tuple[KpiPoint, ...]:
    """The KPI's organisation-wide mean per period, computed in the database."""
    rows = session.execute(
        select(KpiObservation.period, func.avg(KpiObservation.value))
        .where(KpiObservation.kpi_id == kpi_id)
        .group_by(KpiObservation.period)
        .order_by(KpiObservation.period.desc())
        .limit(max_points)
    ).all()
    return tuple(KpiPoint(p, float(v)) for p, v in reversed(rows))


def priority_page(session: Session, actor: Actor, priority_id: int) -> PriorityPage:
    """Everything the priority page shows: KPIs with trends, linked requests and programs."""
    prio = get_priority_for(session, actor, priority_id)
    owner = session.get(User, prio.owner_id) if prio.owner_id else None
    objectives = []
    for obj in session.scalars(
        select(Objective)
        .where(Objective.priority_id == prio.id, Objective.archived_at.is_(None))
        .order_by(Objective.id)
    ):
        krs = tuple(
            session.scalars(
                select(KeyResult)
                .where(KeyResult.objective_id == obj.id, KeyResult.archived_at.is_(None))
                .order_by(KeyResult.id)
            )
        )
        objectives.append((obj, krs))
    cards = []
    for kpi in session.scalars(
        select(Kpi).where(Kpi.priority_id == prio.id, Kpi.archived_at.is_(None)).order_by(Kpi.name)
    ):
        trend = kpi_trend(session, kpi.id)
        cards.append(KpiCard(kpi, trend, trend[-1].value if trend else None))
    requests = list_requests(session, actor, RequestFilters(priority_id=prio.id))
    kpi_names = dict(session.execute(select(Kpi.id, Kpi.name)).all())  # type: ignore[arg-type]
    programs = tuple(
        ProgramLine(p.id, p.name, p.status, kpi_names.get(p.kpi_id), p.kpi_id is not None)
        for p in session.scalars(
            select(Program).where(Program.priority_id == prio.id).order_by(Program.name)
        )
    )
    return PriorityPage(
        priority=prio,
        owner_name=owner.name if owner else None,
        objectives=tuple(objectives),
        kpis=tuple(cards),
        requests=tuple(requests),
        programs=programs,
    )


def unaligned_counts(session: Session) -> dict[str, int]:
    """How many open requests and programs name no metric or no priority."""
    return {
        "requests_without_metric": session.scalar(
            select(func.count()).where(TrainingRequest.kpi_id.is_(None))
        )
        or 0,
        "programs_without_metric": session.scalar(
            select(func.count()).select_from(Program).where(Program.kpi_id.is_(None))
        )
        or 0,
    }
