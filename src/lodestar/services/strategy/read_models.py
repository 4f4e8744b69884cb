"""Read models for the strategy pages and the API: KPI cards, priority and KPI pages, and the
rows of the priority list and the KPI catalogue. Plain frozen dataclasses, no queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lodestar.db.models import KeyResult, Kpi, Objective, StrategicPriority
from lodestar.services.views import KpiPoint, RequestSummary


@dataclass(frozen=True)
class KpiCard:
    """A KPI with its recent trend and where the latest value stands against baseline/target."""

    kpi: Kpi
    trend: tuple[KpiPoint, ...]
    latest: float | None
    # Periods left out of the trend by the minimum group size, and the sentence saying why.
    hidden_periods: int = 0
    suppression_note: str = ""
    # When the programs aimed at the KPI started: marked on its trend.
    starts: tuple[date, ...] = ()
    # Why there is no trend: the KPI's values live in an external source ("" when imported).
    source_note: str = ""

    @property
    def reference(self) -> float | None:
        """What the latest value is compared with: the baseline, else the first point."""
        if self.kpi.baseline is not None:
            return self.kpi.baseline
        return self.trend[0].value if self.trend else None

    @property
    def change(self) -> float | None:
        """Latest minus the reference, in the KPI's unit."""
        if self.latest is None or self.reference is None:
            return None
        return self.latest - self.reference

    @property
    def movement(self) -> str | None:
        """'better', 'worse' or 'flat' given the KPI's direction; None without data."""
        change = self.change
        if change is None:
            return None
        scale = max(abs(self.reference or 0.0), 1e-9)
        if abs(change) <= 1e-6 * scale:
            return "flat"
        return "better" if (change > 0) == (self.kpi.direction == "up") else "worse"

    @property
    def progress(self) -> float | None:
        """Share of the baseline-to-target gap closed so far (0 = at baseline, 1 = on target)."""
        k = self.kpi
        if self.latest is None or k.baseline is None or k.target is None or k.target == k.baseline:
            return None
        return (self.latest - k.baseline) / (k.target - k.baseline)


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
    can_edit: bool = False
    # KPI names by id, for key results; every active KPI, this priority's first.
    kpi_choices: tuple[tuple[int, str], ...] = ()

    @property
    def lacking_metric(self) -> int:
        return sum(1 for r in self.requests if r.kpi_id is None) + sum(
            1 for p in self.programs if not p.has_metric
        )

    @property
    def requests_without_metric(self) -> tuple[RequestSummary, ...]:
        return tuple(r for r in self.requests if r.kpi_id is None)

    @property
    def programs_without_metric(self) -> tuple[ProgramLine, ...]:
        return tuple(p for p in self.programs if not p.has_metric)

    @property
    def kpi_names(self) -> dict[int, str]:
        return dict(self.kpi_choices)


@dataclass(frozen=True)
class PriorityRow:
    """One line of the priorities list, with the alignment counts."""

    priority: StrategicPriority
    owner_name: str | None
    kpi_count: int
    request_count: int
    program_count: int
    requests_without_metric: int
    programs_without_metric: int

    @property
    def lacking_metric(self) -> int:
        return self.requests_without_metric + self.programs_without_metric

    @property
    def unaligned(self) -> bool:
        """A priority is flagged when something linked to it names no metric that matters."""
        return self.lacking_metric > 0


@dataclass(frozen=True)
class KpiRow:
    """One line of the KPI catalogue."""

    kpi: Kpi
    priority_title: str | None


@dataclass(frozen=True)
class LinkedItem:
    """A request or program that names a KPI as its metric that matters."""

    id: int
    title: str
    state: str


@dataclass(frozen=True)
class KpiUsage:
    """What uses a KPI: key results (with their objective's title), the requests the actor may
    see and the programs that name it as their metric that matters."""

    key_results: tuple[tuple[KeyResult, str], ...]
    requests: tuple[LinkedItem, ...]
    programs: tuple[LinkedItem, ...]

    @property
    def in_use(self) -> bool:
        return bool(self.key_results or self.requests or self.programs)


@dataclass(frozen=True)
class KpiPage:
    card: KpiCard
    priority_title: str | None
    usage: KpiUsage
    can_edit: bool = False

    @property
    def kpi(self) -> Kpi:
        return self.card.kpi

    @property
    def key_results(self) -> tuple[tuple[KeyResult, str], ...]:
        return self.usage.key_results

    @property
    def requests(self) -> tuple[LinkedItem, ...]:
        return self.usage.requests

    @property
    def programs(self) -> tuple[LinkedItem, ...]:
        return self.usage.programs
