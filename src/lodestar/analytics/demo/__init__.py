"""Brightwater Supply Co.: a deterministic demo organisation with planted program effects.

Pure: ``build_organisation(employees, seed)`` takes a size and a seed and returns frames
(departments, job roles, teams, employees, weekly KPI history, programs, enrolments) and
the complete *truth* behind them. No database, no files: ``services.demo`` loads the frames.
Rows refer to each other by position (``*_idx`` columns, 0-based); the loader maps
positions to database ids. The same ``(employees, seed)`` always gives the same frames.

The package, one concept a module (the equations sit in each module's docstring, and each
program's truth entry sits next to the code that plants its effect):

- :mod:`.organisation` — ``build_organisation`` and ``DemoOrganisation``, the truth's frame;
- :mod:`.calendar` — the 104 history weeks, complete months and calendar flags;
- :mod:`.names` — name lists, emails and external ids;
- :mod:`.structure` — departments, job roles, positions and teams;
- :mod:`.people` — who holds each position over time: hires, exits, managers, ability;
- :mod:`.kpis` — the weekly KPI models and the rows they produce;
- :mod:`.org_kpis` — time to productivity, voluntary attrition, time to market;
- :mod:`.programs` — the four planted KPI programs and what every program's truth holds;
- :mod:`.sales`, :mod:`.service` — the departments' KPI rows with the effects planted;
- :mod:`.stay_conversations` — a planted retention program (hazard of resigning);
- :mod:`.onboarding` — a planted time-to-productivity program and its weekly KPI.

Only the names below are public; the modules' other names are the package's own.
"""

from __future__ import annotations

from lodestar.analytics.demo.calendar import (
    FIRST_WEEK,
    HISTORY_WEEKS,
    LAST_WEEK,
    OUTAGE_WEEKS,
    WEEK_MONDAYS,
)
from lodestar.analytics.demo.kpis import (
    CSAT,
    DEAL_SIZE,
    KPI_CODES,
    REPEAT_CONTACTS,
    SALES_CONVERSION,
    DealSizeModel,
    ShareModel,
)
from lodestar.analytics.demo.names import EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES, TEAM_SITES
from lodestar.analytics.demo.onboarding import ONBOARDING_BUDDY
from lodestar.analytics.demo.org_kpis import TIME_TO_MARKET
from lodestar.analytics.demo.organisation import (
    COMPANY,
    GENERATOR_VERSION,
    MAX_EMPLOYEES,
    MIN_EMPLOYEES,
    DemoOrganisation,
    build_organisation,
)
from lodestar.analytics.demo.programs import (
    CONSULTATIVE_DISCOVERY,
    FCR_PILOT,
    MINDFUL,
    NEGOTIATION,
    Design,
    ProgramSpec,
)
from lodestar.analytics.demo.programs import PROGRAMS as KPI_PROGRAMS
from lodestar.analytics.demo.stay_conversations import STAY_CONVERSATIONS
from lodestar.analytics.demo.structure import DEPARTMENTS, DepartmentSpec, KpiGroup

# Every planted program: the four read on a KPI panel, then the two time-to-event ones.
PROGRAMS = (*KPI_PROGRAMS, STAY_CONVERSATIONS, ONBOARDING_BUDDY)

__all__ = [
    "COMPANY",
    "CONSULTATIVE_DISCOVERY",
    "CSAT",
    "DEAL_SIZE",
    "DEPARTMENTS",
    "EMAIL_DOMAIN",
    "FCR_PILOT",
    "FIRST_NAMES",
    "FIRST_WEEK",
    "GENERATOR_VERSION",
    "HISTORY_WEEKS",
    "KPI_CODES",
    "LAST_NAMES",
    "LAST_WEEK",
    "MAX_EMPLOYEES",
    "MINDFUL",
    "MIN_EMPLOYEES",
    "NEGOTIATION",
    "ONBOARDING_BUDDY",
    "OUTAGE_WEEKS",
    "PROGRAMS",
    "REPEAT_CONTACTS",
    "SALES_CONVERSION",
    "STAY_CONVERSATIONS",
    "TEAM_SITES",
    "TIME_TO_MARKET",
    "WEEK_MONDAYS",
    "DealSizeModel",
    "DemoOrganisation",
    "DepartmentSpec",
    "Design",
    "KpiGroup",
    "ProgramSpec",
    "ShareModel",
    "build_organisation",
]
