"""Typed page contexts of the portfolio, stakeholder, council and plan pages (see
:mod:`lodestar.web.contexts` for the convention: the fields are the whole contract between a
route and its template)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from lodestar.domain.roles import Actor
from lodestar.services import portfolio, stakeholders


@dataclass(frozen=True)
class PortfolioPage:
    """``portfolio/list.html``: the ranked table, top three, the 80/20 view and the filters."""

    actor: Actor
    portfolio: portfolio.Portfolio
    pareto_chart: Markup
    priorities: Sequence[tuple[int, str, int | None]]  # (id, title, weight) for the filter
    query: Mapping[str, str]  # the filters as query-string values, for links
    sort_links: Mapping[str, str]  # column -> URL sorting by it (toggling direction)
    export_url: str
    heat_map_url: str
    bands: Sequence[str]
    can_weigh: bool
    can_score: bool


@dataclass(frozen=True)
class HeatMapPage:
    """``portfolio/heat_map.html``: the chart and the same numbers as a table."""

    actor: Actor
    chart: Markup
    cells: Sequence[Any]  # reports.portfolio_charts.HeatCell
    bands: Sequence[str]
    priorities: Sequence[str]
    query: Mapping[str, str]
    back_url: str
    filtered_to: str | None


@dataclass(frozen=True)
class ItemPage:
    """``portfolio/item.html``: one item's score, its assumptions, and its inputs form."""

    actor: Actor
    item: portfolio.PortfolioItem
    values: Mapping[str, str]
    error: str | None = None


@dataclass(frozen=True)
class SymptomsPage:
    """``portfolio/symptoms.html``."""

    actor: Actor
    report: portfolio.SymptomReport


@dataclass(frozen=True)
class PlanPage:
    """``portfolio/plan.html``."""

    actor: Actor
    plan: portfolio.PlanView
    can_tick: bool


@dataclass(frozen=True)
class StakeholderMapPage:
    """``stakeholders/map.html``: the grid and the register."""

    actor: Actor
    grid: stakeholders.StakeholderMap
    can_edit: bool


@dataclass(frozen=True)
class StakeholderFormPage:
    """``stakeholders/form.html``: add or edit a stakeholder."""

    actor: Actor
    action: str
    values: Mapping[str, str]
    people: Sequence[tuple[int, str]]  # directory accounts to pick from
    departments: Sequence[tuple[int, str]]
    stakeholder: stakeholders.StakeholderView | None = None
    interviews: Sequence[stakeholders.InterviewView] = ()
    error: str | None = None


@dataclass(frozen=True)
class InterviewLogPage:
    """``stakeholders/interviews.html``: the log with its search, and the form to add one."""

    actor: Actor
    interviews: Sequence[stakeholders.InterviewView]
    q: str
    total: int
    goal: int
    people: Sequence[tuple[int, str]]  # stakeholders to pick from
    requests: Sequence[tuple[int, str]]
    values: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class CouncilListPage:
    """``councils/list.html``."""

    actor: Actor
    councils: Sequence[Any]  # Council rows
    can_edit: bool
    error: str | None = None


@dataclass(frozen=True)
class CouncilPage:
    """``councils/detail.html``: the agenda, the decisions, and the decision form."""

    actor: Actor
    council: stakeholders.CouncilView
    can_edit: bool
    error: str | None = None


@dataclass(frozen=True)
class UpdatePage:
    """``councils/update.html``: a program's stakeholder update, ready to send."""

    actor: Actor
    draft: stakeholders.UpdateDraft
