"""Strategy alignment: priorities (must-wins), objectives, key results and KPIs.

Who may edit is decided here (``can_edit_strategy`` / ``require_editor``), not in templates.
Read models for the pages and the API (``PriorityRow``, ``PriorityPage``, ``KpiPage``) are
assembled with a handful of aggregate queries; KPI trends are read from the totals per KPI and
period that the KPI store keeps as values are written, so fact tables of millions of rows are
never averaged while someone waits for a page.

One use-case family split into single-purpose modules; adapters keep using
``from lodestar.services import strategy`` and ``strategy.<name>``:

- ``inputs``       pydantic inputs and the words forms show for KPI options
- ``forms``        reading form values into an input, errors pointed at a field
- ``permissions``  who may edit the strategy
- ``read_models``  frozen dataclasses the pages and the API render
- ``priorities``   priorities: list, owners, create, edit, archive
- ``objectives``   objectives and key results
- ``kpis``         the KPI catalogue: list, create, edit, archive
- ``trends``       KPI trends (from stored period totals) and KPI cards
- ``overview``     the priorities list with alignment counts
- ``pages``        the priority page and the KPI page

Each module imports only those listed above it (``read_models`` and ``permissions`` import
none of them), so there are no cycles.
"""

from __future__ import annotations

from lodestar.services.strategy.forms import read_form
from lodestar.services.strategy.inputs import (
    KPI_CHOICES,
    KeyResultInput,
    KpiInput,
    ObjectiveInput,
    PriorityInput,
)
from lodestar.services.strategy.kpis import (
    create_kpi,
    get_kpi,
    kpi_catalogue,
    list_kpis,
    set_kpi_archived,
    update_kpi,
)
from lodestar.services.strategy.objectives import (
    add_key_result,
    add_objective,
    archive_key_result,
    archive_objective,
    get_objective,
)
from lodestar.services.strategy.overview import priority_overview, unaligned_counts
from lodestar.services.strategy.pages import kpi_page, kpi_usage, priority_page
from lodestar.services.strategy.permissions import can_edit_strategy, require_editor
from lodestar.services.strategy.priorities import (
    create_priority,
    get_priority,
    list_priorities,
    owner_choices,
    set_priority_archived,
    update_priority,
)
from lodestar.services.strategy.read_models import (
    KpiCard,
    KpiPage,
    KpiRow,
    KpiUsage,
    LinkedItem,
    PriorityPage,
    PriorityRow,
    ProgramLine,
)
from lodestar.services.strategy.trends import (
    kpi_card,
    kpi_trend,
)

__all__ = [
    "KPI_CHOICES",
    "KeyResultInput",
    "KpiCard",
    "KpiInput",
    "KpiPage",
    "KpiRow",
    "KpiUsage",
    "LinkedItem",
    "ObjectiveInput",
    "PriorityInput",
    "PriorityPage",
    "PriorityRow",
    "ProgramLine",
    "add_key_result",
    "add_objective",
    "archive_key_result",
    "archive_objective",
    "can_edit_strategy",
    "create_kpi",
    "create_priority",
    "get_kpi",
    "get_objective",
    "get_priority",
    "kpi_card",
    "kpi_catalogue",
    "kpi_page",
    "kpi_usage",
    "kpi_trend",
    "list_kpis",
    "list_priorities",
    "owner_choices",
    "priority_overview",
    "priority_page",
    "read_form",
    "require_editor",
    "set_kpi_archived",
    "set_priority_archived",
    "unaligned_counts",
    "update_kpi",
    "update_priority",
]
