"""Read models the services return: plain, typed, serialisable, no ORM attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lodestar.errors import MissingField


@dataclass(frozen=True)
class TransitionView:
    from_state: str | None
    to_state: str
    actor_name: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class FindingView:
    cell: str
    title: str
    side: str
    questions: tuple[str, ...]
    finding: str
    evidence: str
    fix: str | None


@dataclass(frozen=True)
class DiagnosisView:
    findings: tuple[FindingView, ...]
    recommended_outcome: str | None
    recommended_fixes: tuple[str, ...]
    recommended_explanation: str
    outcome: str | None
    fixes: tuple[str, ...]
    explanation: str
    override_reason: str
    diagnosed_by: str | None
    concluded_at: datetime | None


@dataclass(frozen=True)
class RequestSummary:
    id: int
    title: str
    state: str
    urgency: str
    requester_name: str
    department_name: str | None
    priority_id: int | None
    priority_title: str | None
    kpi_id: int | None
    kpi_name: str | None
    created_at: datetime
    age_days: int
    missing_count: int


@dataclass(frozen=True)
class RequestDetail:
    summary: RequestSummary
    fields: dict[str, str]
    missing: tuple[MissingField, ...]
    next_states: tuple[str, ...]
    history: tuple[TransitionView, ...]
    answers: dict[str, str]
    diagnosis: DiagnosisView | None
    can_edit: bool
    can_diagnose: bool
    requester_id: int
    department_id: int | None


@dataclass(frozen=True)
class SubmitOutcome:
    """What happened when a request was submitted: saved always; complete or not."""

    request_id: int
    state: str
    missing: tuple[MissingField, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class TriageBoard:
    columns: dict[str, list[RequestSummary]]
    total: int
    without_metric: int
    open_total: int
    share_without_metric: float  # of open requests, 0..1
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiPoint:
    period: date
    value: float


# --- Read models for the intake and diagnosis pages (web) ---------------------------------


@dataclass(frozen=True)
class Choice:
    """One option of a select list: an id and the words users see."""

    id: int
    name: str


@dataclass(frozen=True)
class RequestChoices:
    """What a request can be linked to: priorities, metrics and departments."""

    priorities: tuple[Choice, ...]
    kpis: tuple[Choice, ...]
    departments: tuple[Choice, ...]


@dataclass(frozen=True)
class RequestForm:
    """Everything the intake form needs; ``detail`` is None for a new request."""

    choices: RequestChoices
    detail: RequestDetail | None
    default_department_id: int | None


@dataclass(frozen=True)
class DiagnosisPage:
    """The guided diagnosis of one request: its fields, the six cells and the live
    recommendation. ``can_save`` is False once the request has left diagnosis."""

    request_id: int
    title: str
    state: str
    fields: dict[str, str]
    findings: tuple[FindingView, ...]
    default_fixes: dict[str, str | None]
    recommended_outcome: str
    recommended_fixes: tuple[str, ...]
    recommended_explanation: str
    recommended_state: str
    diagnosis: DiagnosisView | None
    can_save: bool
