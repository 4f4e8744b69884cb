"""What the impact engine needs to know about a program and its metric that matters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Kpi, Program, ProgramBehaviour, WorkspaceMeta
from lodestar.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ProgramFacts:
    id: int
    code: str
    name: str
    rollout: str
    status: str
    start_date: date | None
    cost_per_participant: float | None
    kpi_id: int
    evaluation_design: str = ""  # domain.evaluation; "" = chosen from the data
    target_behaviours: tuple[str, ...] = ()
    assigned_by: str = ""  # "person" or "team" when a pilot lottery was stored, else ""


@dataclass(frozen=True)
class KpiFacts:
    id: int
    code: str
    name: str
    unit: str
    direction: str
    grain: str
    value_per_unit: float | None
    currency: str | None


def program_facts(session: Session, program_id: int) -> tuple[ProgramFacts, KpiFacts]:
    prog = session.get(Program, program_id)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the programs list to find it.")
    if prog.kpi_id is None:
        raise InvalidInput(
            f"Program '{prog.name}' names no metric that matters, so there is nothing to "
            "measure. Link it to a KPI first."
        )
    kpi = session.get(Kpi, prog.kpi_id)
    assert kpi is not None
    behaviours = session.scalars(
        select(ProgramBehaviour.behaviour)
        .where(ProgramBehaviour.program_id == prog.id)
        .order_by(ProgramBehaviour.position, ProgramBehaviour.id)
    ).all()
    lottery = session.get(WorkspaceMeta, f"pilot_assignment:{prog.id}")
    assigned_by = str((lottery.value or {}).get("assign_by", "")) if lottery else ""
    return (
        ProgramFacts(
            prog.id,
            prog.code,
            prog.name,
            prog.rollout,
            prog.status,
            prog.start_date,
            prog.cost_per_participant,
            kpi.id,
            prog.evaluation_design or "",
            tuple(behaviours),
            assigned_by,
        ),
        KpiFacts(
            kpi.id,
            kpi.code,
            kpi.name,
            kpi.unit,
            kpi.direction,
            kpi.grain,
            kpi.value_per_unit,
            kpi.currency,
        ),
    )
