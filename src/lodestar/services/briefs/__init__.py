"""Briefs and the leadership view: the one-page program brief on a stored (or pinned) result,
past results at their own address, the portfolio brief, the executives' priorities → KPIs →
programs → results view, and the home of employees and managers about their own work."""

from lodestar.services.briefs.leadership import PERIODS, LeadershipView, leadership_view
from lodestar.services.briefs.my_work import MyWork, my_work
from lodestar.services.briefs.portfolio_brief import PortfolioBrief, portfolio_brief
from lodestar.services.briefs.program_brief import ProgramBrief, program_brief
from lodestar.services.briefs.results import (
    ResultLine,
    pin_brief,
    pinned_result_id,
    program_results,
    unpin_brief,
)
from lodestar.services.impact.stored import latest_result_id

__all__ = [
    "PERIODS",
    "LeadershipView",
    "MyWork",
    "PortfolioBrief",
    "ProgramBrief",
    "ResultLine",
    "latest_result_id",
    "leadership_view",
    "my_work",
    "pin_brief",
    "portfolio_brief",
    "pinned_result_id",
    "program_brief",
    "program_results",
    "unpin_brief",
]
