"""Every closed set of options in one place, with a checker that lists the allowed values."""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

from lodestar.errors import InvalidInput

Role = Literal["admin", "ld", "manager", "executive", "employee"]
Urgency = Literal["low", "normal", "high", "urgent"]
KpiDirection = Literal["up", "down"]
KpiGrain = Literal["employee", "team", "org"]
KpiCadence = Literal["weekly", "monthly", "quarterly"]
LeadLag = Literal["lead", "lag"]
RequestState = Literal[
    "draft",
    "needs_information",
    "submitted",
    "in_diagnosis",
    "accepted",
    "redirected",
    "declined",
    "in_design",
    "pilot",
    "scaled",
    "stopped",
]
GilbertCell = Literal["information", "resources", "incentives", "knowledge", "capacity", "motives"]
CellFinding = Literal["barrier", "no_barrier", "unknown"]
DiagnosisOutcome = Literal["learning_solution", "non_training_fix", "no_action"]
FixCategory = Literal["process_workflow", "tools", "incentives", "communication", "hiring"]

ROLES: tuple[Role, ...] = get_args(Role)
URGENCIES: tuple[Urgency, ...] = get_args(Urgency)
KPI_DIRECTIONS: tuple[KpiDirection, ...] = get_args(KpiDirection)
KPI_GRAINS: tuple[KpiGrain, ...] = get_args(KpiGrain)
KPI_CADENCES: tuple[KpiCadence, ...] = get_args(KpiCadence)
LEAD_LAG: tuple[LeadLag, ...] = get_args(LeadLag)
REQUEST_STATES: tuple[RequestState, ...] = get_args(RequestState)
GILBERT_CELLS: tuple[GilbertCell, ...] = get_args(GilbertCell)
CELL_FINDINGS: tuple[CellFinding, ...] = get_args(CellFinding)
DIAGNOSIS_OUTCOMES: tuple[DiagnosisOutcome, ...] = get_args(DiagnosisOutcome)
FIX_CATEGORIES: tuple[FixCategory, ...] = get_args(FixCategory)

T = TypeVar("T", bound=str)


def check_option(value: object, allowed: tuple[T, ...], what: str) -> T:
    """Return ``value`` if it is one of ``allowed``; otherwise raise a clear error."""
    if isinstance(value, str) and value in allowed:
        return value  # type: ignore[return-value]
    choices = ", ".join(repr(a) for a in allowed)
    raise InvalidInput(
        f"{value!r} is not a valid {what}. Choose one of: {choices}.",
        details={"field": what, "allowed": list(allowed)},
    )


LABELS: dict[str, str] = {
    "draft": "Draft",
    "needs_information": "Needs information",
    "submitted": "Submitted",
    "in_diagnosis": "In diagnosis",
    "accepted": "Accepted as learning solution",
    "redirected": "Redirected to a non-training fix",
    "declined": "Declined",
    "in_design": "In design",
    "pilot": "Pilot",
    "scaled": "Scaled",
    "stopped": "Stopped",
    "learning_solution": "Learning solution",
    "non_training_fix": "Non-training fix",
    "no_action": "No action",
    "process_workflow": "Process or workflow",
    "tools": "Tools and resources",
    "incentives": "Incentives",
    "communication": "Communication and expectations",
    "hiring": "Hiring or role design",
    "barrier": "A barrier",
    "no_barrier": "Not a barrier",
    "unknown": "Not known yet",
    "low": "Low",
    "normal": "Normal",
    "high": "High",
    "urgent": "Urgent",
    "admin": "Administrator",
    "ld": "L&D team",
    "manager": "Manager",
    "executive": "Executive",
    "employee": "Employee",
}


def label(value: str | None) -> str:
    """The words users see for an option value."""
    if value is None:
        return ""
    return LABELS.get(value, value.replace("_", " ").capitalize())
