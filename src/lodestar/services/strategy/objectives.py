"""Objectives under a priority and the key results that measure them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lodestar.db.access import get_priority_for
from lodestar.db.models import KeyResult, Kpi, Objective, StrategicPriority
from lodestar.domain.roles import Actor
from lodestar.domain.strategy import check_finite, check_plan_date
from lodestar.errors import InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.strategy.forms import _on_field
from lodestar.services.strategy.inputs import KeyResultInput, ObjectiveInput
from lodestar.services.strategy.permissions import _require_editor


def add_objective(
    session: Session, actor: Actor, priority_id: int, data: ObjectiveInput
) -> Objective:
    _require_editor(actor)
    get_priority_for(session, actor, priority_id)
    obj = Objective(priority_id=priority_id, title=data.title.strip())
    session.add(obj)
    session.flush()
    audit.record(session, actor, "objective.create", "objective", obj.id, obj.title)
    return obj


def get_objective(session: Session, actor: Actor, objective_id: int) -> Objective:
    obj = session.get(Objective, objective_id)
    if obj is None:
        raise NotFound(
            f"There is no objective #{objective_id}. Open the priority page to find its objectives."
        )
    return obj


def add_key_result(
    session: Session, actor: Actor, objective_id: int, data: KeyResultInput
) -> KeyResult:
    _require_editor(actor)
    objective = session.get(Objective, objective_id)
    if objective is None:
        raise NotFound(f"There is no objective #{objective_id}. Add the objective first.")
    prio = session.get(StrategicPriority, objective.priority_id)
    horizon = (prio.start_year, prio.end_year) if prio is not None else None
    for name, check in (
        ("due_date", lambda: check_plan_date(data.due_date, "due date", horizon)),
        ("target", lambda: check_finite(data.target, "target")),
    ):
        try:
            check()
        except InvalidInput as exc:
            raise _on_field(name, exc) from None
    if data.kpi_id is not None and session.get(Kpi, data.kpi_id) is None:
        raise _on_field(
            "kpi_id", NotFound(f"There is no KPI #{data.kpi_id}. Pick a KPI from the list.")
        )
    kr = KeyResult(objective_id=objective_id, **data.model_dump())
    kr.description = kr.description.strip()
    session.add(kr)
    session.flush()
    audit.record(session, actor, "key_result.create", "key_result", kr.id)
    return kr


def archive_objective(session: Session, actor: Actor, objective_id: int) -> Objective:
    _require_editor(actor)
    obj = session.get(Objective, objective_id)
    if obj is None:
        raise NotFound(f"There is no objective #{objective_id}.")
    obj.archived_at = datetime.now(UTC)
    session.flush()
    audit.record(session, actor, "objective.archive", "objective", obj.id)
    return obj


def archive_key_result(session: Session, actor: Actor, key_result_id: int) -> KeyResult:
    _require_editor(actor)
    kr = session.get(KeyResult, key_result_id)
    if kr is None:
        raise NotFound(f"There is no key result #{key_result_id}.")
    kr.archived_at = datetime.now(UTC)
    session.flush()
    audit.record(session, actor, "key_result.archive", "key_result", kr.id)
    return kr
