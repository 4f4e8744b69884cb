"""Fully loaded program costs (Phillips' seven categories) and what the money rule uses.

Participants' time is hours per participant × the loaded hourly rate × participants, so the
cost grows with the roll-out; the other six categories are totals for the program.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.analytics.money import ProgramCosts
from lodestar.db.base import utcnow
from lodestar.db.models import Kpi, ProgramCost
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services import audit
from lodestar.services.programs.access import load_program, require_designer, require_reader

COST_FIELDS: tuple[str, ...] = (
    "needs_assessment",
    "design_and_development",
    "delivery",
    "facilities_and_travel",
    "participant_hours",
    "loaded_hourly_rate",
    "overhead",
    "evaluation",
)
COST_LABELS: dict[str, str] = {
    "needs_assessment": "Needs assessment",
    "design_and_development": "Design and development",
    "delivery": "Delivery (facilitators, platform, materials)",
    "facilities_and_travel": "Facilities and travel",
    "participant_hours": "Participants' hours each",
    "loaded_hourly_rate": "Loaded hourly rate (salary and benefits)",
    "overhead": "Overhead (administration, L&D team share)",
    "evaluation": "Evaluation",
}


@dataclass(frozen=True)
class CostInput:
    currency: str = "EUR"
    needs_assessment: float = 0.0
    design_and_development: float = 0.0
    delivery: float = 0.0
    facilities_and_travel: float = 0.0
    participant_hours: float = 0.0
    loaded_hourly_rate: float = 0.0
    overhead: float = 0.0
    evaluation: float = 0.0


def program_costs(session: Session, actor: Actor, program_id: int) -> CostInput | None:
    require_reader(actor)
    load_program(session, program_id)
    return stored_costs(session, program_id)


def stored_costs(session: Session, program_id: int) -> CostInput | None:
    row = session.scalar(select(ProgramCost).where(ProgramCost.program_id == program_id))
    if row is None:
        return None
    return CostInput(row.currency, *(float(getattr(row, f)) for f in COST_FIELDS))


@dataclass(frozen=True)
class CostsInUse:
    """The costs the ROI counts (``impact.program_impact._money``, ``portfolio.scoring``): the
    fully loaded costs where stored, else the program's cost per participant × participants."""

    stored: CostInput | None
    per_participant: float | None
    currency: str
    sentence: str  # where the figure in use comes from, for the costs form

    @property
    def basis(self) -> str:
        """What the ROI counts, in a few words ("" when it counts nothing)."""
        if self.stored is not None:
            return "the fully loaded costs recorded here"
        if self.per_participant:
            per = f"{self.per_participant:,.2f}".removesuffix(".00")
            return f"the cost per participant ({per} {self.currency} × participants)"
        return ""


def costs_in_use(session: Session, actor: Actor, program_id: int) -> CostsInUse:
    require_reader(actor)
    prog = load_program(session, program_id)
    stored = stored_costs(session, program_id)
    kpi = session.get(Kpi, prog.kpi_id) if prog.kpi_id is not None else None
    currency = stored.currency if stored else ((kpi.currency if kpi else None) or "EUR")
    per = prog.cost_per_participant
    if stored is not None:
        sentence = "The ROI counts these costs, fully loaded."
    elif per:
        sentence = (
            "No fully loaded costs are recorded yet, so the ROI uses {basis} from the program's "
            "details, which leaves out costs such as participants' time. Enter the amounts to "
            "count the program fully loaded; until you do, the cost per participant stays in use."
        )
    else:
        sentence = (
            "No costs are recorded yet, so no ROI is shown. Enter the amounts (0 where a "
            "category does not apply)."
        )
    in_use = CostsInUse(stored, per, currency, sentence)
    return CostsInUse(stored, per, currency, sentence.format(basis=in_use.basis))


def fully_loaded(costs: CostInput, participants: int) -> ProgramCosts:
    """The seven categories for ``participants`` people, in the money module's terms."""
    return ProgramCosts(
        needs_assessment=costs.needs_assessment,
        design_and_development=costs.design_and_development,
        delivery=costs.delivery,
        facilities_and_travel=costs.facilities_and_travel,
        participant_time=costs.participant_hours * costs.loaded_hourly_rate * participants,
        overhead=costs.overhead,
        evaluation=costs.evaluation,
    )


def save_costs(session: Session, actor: Actor, program_id: int, data: CostInput) -> CostInput:
    require_designer(actor)
    load_program(session, program_id, for_update=True)
    problems: dict[str, str] = {}
    currency = (data.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        problems["currency"] = "Give the currency as its three-letter code, for example EUR."
    for field in COST_FIELDS:
        value = getattr(data, field)
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems[field] = (
                f"{COST_LABELS[field]} must be zero or a positive amount; enter 0 where a "
                "category does not apply."
            )
        elif value > 1e12:
            problems[field] = f"{COST_LABELS[field]} of {value:,.0f} is not plausible; check it."
    if problems:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})
    row = session.scalar(select(ProgramCost).where(ProgramCost.program_id == program_id))
    if row is None:
        row = ProgramCost(program_id=program_id)
        session.add(row)
    row.currency = currency
    for field in COST_FIELDS:
        setattr(row, field, float(getattr(data, field)))
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "program.costs", "program", program_id, currency)
    stored = stored_costs(session, program_id)
    assert stored is not None
    return stored
