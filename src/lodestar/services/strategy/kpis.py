"""The KPI catalogue: listing, checking, creating, editing and archiving KPI definitions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, StrategicPriority
from lodestar.domain.options import (
    KPI_CADENCES,
    KPI_DIRECTIONS,
    KPI_GRAINS,
    LEAD_LAG,
    check_option,
)
from lodestar.domain.roles import Actor
from lodestar.domain.strategy import (
    check_finite,
    check_plan_date,
    check_target,
    check_value_per_unit,
)
from lodestar.errors import Conflict, InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.strategy.forms import _on_field
from lodestar.services.strategy.inputs import KpiInput
from lodestar.services.strategy.permissions import _require_editor
from lodestar.services.strategy.read_models import KpiRow


def list_kpis(session: Session, actor: Actor, *, include_archived: bool = False) -> list[Kpi]:
    stmt = select(Kpi).order_by(Kpi.name)
    if not include_archived:
        stmt = stmt.where(Kpi.archived_at.is_(None))
    return list(session.scalars(stmt))


def kpi_catalogue(
    session: Session, actor: Actor, *, include_archived: bool = False
) -> list[KpiRow]:
    """The KPI catalogue, each KPI with the title of the priority it measures."""
    stmt = (
        select(Kpi, StrategicPriority.title)
        .outerjoin(StrategicPriority, StrategicPriority.id == Kpi.priority_id)
        .order_by(Kpi.name)
    )
    if not include_archived:
        stmt = stmt.where(Kpi.archived_at.is_(None))
    return [KpiRow(kpi, title) for kpi, title in session.execute(stmt)]


def get_kpi(session: Session, actor: Actor, kpi_id: int) -> Kpi:
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"There is no KPI #{kpi_id}. Open the KPI list to find it.")
    return kpi


def _check_kpi(session: Session, data: KpiInput) -> None:
    for name, allowed, what in (
        ("direction", KPI_DIRECTIONS, "direction"),
        ("grain", KPI_GRAINS, "grain"),
        ("cadence", KPI_CADENCES, "cadence"),
        ("lead_lag", LEAD_LAG, "lead or lag"),
    ):
        try:
            check_option(getattr(data, name), allowed, what)
        except InvalidInput as exc:
            raise _on_field(name, exc) from None
    prio = None
    if data.priority_id is not None:
        prio = session.get(StrategicPriority, data.priority_id)
        if prio is None:
            raise _on_field(
                "priority_id",
                NotFound(
                    f"There is no strategic priority #{data.priority_id}. Pick one from the list."
                ),
            )
    horizon = (prio.start_year, prio.end_year) if prio is not None else None
    for name, check in (
        ("baseline", lambda: check_finite(data.baseline, "baseline")),
        ("target", lambda: check_finite(data.target, "target")),
        ("target", lambda: check_target(data.direction, data.baseline, data.target)),
        ("value_per_unit", lambda: check_value_per_unit(data.value_per_unit)),
        ("horizon_date", lambda: check_plan_date(data.horizon_date, "target date", horizon)),
    ):
        try:
            check()
        except InvalidInput as exc:
            raise _on_field(name, exc) from None
    if data.value_per_unit is not None and not data.currency:
        raise _on_field(
            "currency",
            InvalidInput(
                "A money value per unit needs a currency. Enter a three-letter code such as EUR."
            ),
        )


def _code_taken(code: str) -> Conflict:
    return _on_field(  # type: ignore[return-value]
        "code",
        Conflict(f"A KPI with the code '{code}' exists already. Choose another code."),
    )


def create_kpi(session: Session, actor: Actor, data: KpiInput) -> Kpi:
    _require_editor(actor)
    _check_kpi(session, data)
    if session.scalar(select(Kpi.id).where(Kpi.code == data.code)) is not None:
        raise _code_taken(data.code)
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
        raise _code_taken(data.code)
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
    audit.record(session, actor, "kpi.archive" if archived else "kpi.restore", "kpi", kpi.id)
    return kpi
