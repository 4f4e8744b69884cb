"""The portfolio: every open request and program scored, ranked and cut 80/20, the symptoms
of a reactive department, and the 90-day plan from reactive to strategic.

Public functions (the leadership brief and the adapters use these, nothing deeper):

- ``score_portfolio(session, actor, filters=None) -> Portfolio``: items ranked by score, with
  ``pareto_count`` / ``pareto_items`` (the 80/20 cut) and ``top(n)``;
- ``set_priority_weight``, ``set_request_scoring``, ``set_program_scoring``: the inputs;
- ``reactive_symptoms(session, actor) -> SymptomReport``: the symptoms with treatment and trend;
- ``ninety_day_plan(session, actor) -> PlanView``, ``start_plan``, ``tick_plan_item``;
- ``portfolio_csv(session, actor, filters)``: the ranked table as formula-safe CSV;

Modules: ``access`` (who sees what), ``inputs``, ``scoring``, ``symptoms``, ``plan``,
``export``.
"""

from lodestar.services.portfolio.access import (
    require_overview_reader,
    require_portfolio_reader,
    require_scorer,
)
from lodestar.services.portfolio.export import CSV_HEADER, portfolio_csv
from lodestar.services.portfolio.inputs import (
    ProgramScoringInput,
    RequestScoringInput,
    WeightInput,
    set_priority_weight,
    set_program_scoring,
    set_request_scoring,
)
from lodestar.services.portfolio.plan import (
    PlanItemView,
    PlanView,
    ninety_day_plan,
    plan_start,
    start_plan,
    tick_plan_item,
)
from lodestar.services.portfolio.scoring import (
    SORT_KEYS,
    Portfolio,
    PortfolioFilters,
    PortfolioItem,
    by_expected_value,
    score_portfolio,
)
from lodestar.services.portfolio.symptoms import SymptomReport, SymptomView, reactive_symptoms

__all__ = [
    "CSV_HEADER",
    "portfolio_csv",
    "reactive_symptoms",
    "SymptomView",
    "SymptomReport",
    "tick_plan_item",
    "start_plan",
    "plan_start",
    "ninety_day_plan",
    "PlanView",
    "PlanItemView",
    "SORT_KEYS",
    "Portfolio",
    "PortfolioFilters",
    "PortfolioItem",
    "ProgramScoringInput",
    "RequestScoringInput",
    "WeightInput",
    "by_expected_value",
    "require_overview_reader",
    "require_portfolio_reader",
    "require_scorer",
    "score_portfolio",
    "set_priority_weight",
    "set_program_scoring",
    "set_request_scoring",
]
