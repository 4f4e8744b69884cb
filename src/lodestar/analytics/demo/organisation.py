"""The entry point: ``build_organisation`` assembles the company, its history and the truth.

Random streams are spawned from ``SeedSequence([seed, employees])``, one per concern
(structure, people, names, sales, service, teams, programs), so the same
``(employees, seed)`` always gives the same frames.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import FIRST_WEEK, HISTORY_WEEKS, LAST_WEEK, OUTAGE_WEEKS
from lodestar.analytics.demo.kpis import CSAT, DEAL_SIZE, REPEAT_CONTACTS, SALES_CONVERSION
from lodestar.analytics.demo.names import name_people
from lodestar.analytics.demo.onboarding import (
    PACE,
    buddy_program,
    order_lines_rows,
    plant_onboarding_buddy,
)
from lodestar.analytics.demo.org_kpis import (
    TIME_TO_MARKET,
    time_to_market,
    time_to_productivity,
    voluntary_attrition,
)
from lodestar.analytics.demo.people import (
    manager_of,
    managers_first,
    occupants,
    public_employees,
    with_managers,
)
from lodestar.analytics.demo.sales import sales
from lodestar.analytics.demo.service import service
from lodestar.analytics.demo.stay_conversations import plant_stay_conversations, stay_program
from lodestar.analytics.demo.structure import DEPARTMENTS, departments_and_roles, seats_and_teams
from lodestar.errors import InvalidInput

COMPANY = "Brightwater Supply Co."
MIN_EMPLOYEES = 50
MAX_EMPLOYEES = 1_000_000
# 2: time to market around 14 weeks; time to productivity counts recent pre-history hires.
GENERATOR_VERSION = 2


@dataclass(frozen=True)
class DemoOrganisation:
    """Frames ready for bulk loading, plus the truth the tests check recovery against.

    Frames and their columns (``*_idx`` are 0-based row positions in the named frame):
    departments(code, name); job_roles(title, department_idx);
    teams(name, department_idx, manager_employee_idx);
    employees(external_id, name, email, team_idx, job_role_idx, manager_idx, hire_date,
    exit_date, exit_reason, performance_rating) — managers come before their reports;
    kpi_observations(kpi_code, employee_idx, team_idx, period, value, weight);
    programs(code, name, description, kpi_code, status, rollout, start_date,
    cost_per_participant, baseline, target, horizon_date);
    enrolments(program_code, employee_idx, group, cohort, start_date, completed_on).
    """

    departments: pd.DataFrame
    job_roles: pd.DataFrame
    teams: pd.DataFrame
    employees: pd.DataFrame
    kpi_observations: pd.DataFrame
    programs: pd.DataFrame
    enrolments: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    first_week: date = FIRST_WEEK
    last_week: date = LAST_WEEK


def build_organisation(employees: int = 2000, seed: int = 42) -> DemoOrganisation:
    """Build Brightwater Supply Co. with ``employees`` positions; deterministic in the seed."""
    _check_size(employees, seed)
    names = ("structure", "people", "names", "sales", "service", "teams", "programs")
    streams = np.random.SeedSequence([seed, employees]).spawn(len(names))
    rng = {name: np.random.default_rng(s) for name, s in zip(names, streams, strict=True)}
    departments, job_roles = departments_and_roles()
    seats, teams = seats_and_teams(employees, rng["structure"])
    people = name_people(managers_first(occupants(seats, teams, rng["people"])), rng["names"])
    teams = with_managers(teams, people)
    people["manager_idx"] = manager_of(people, teams)
    sales_rows, sales_programs = sales(people, teams, rng["sales"], rng["programs"])
    service_rows, service_programs = service(people, teams, rng["service"], rng["programs"])
    # The time-to-event programs change only their participants' exits and ramp-up, from
    # their own random streams, before the organisation-wide KPIs are computed from them.
    people, stay = plant_stay_conversations(people, teams, seed, employees)
    people, buddy = plant_onboarding_buddy(people, seed, employees)
    attrition = voluntary_attrition(people, len(teams))
    order_lines = order_lines_rows(people, seed, employees)
    planted = [
        *sales_programs,
        *service_programs,
        stay_program(people, teams, stay, attrition),
        buddy_program(people, buddy, order_lines, seed, employees),
    ]
    observations = pd.concat(
        [
            sales_rows,
            service_rows,
            time_to_productivity(people),
            attrition,
            time_to_market(teams, rng["teams"]),
            order_lines,
        ],
        ignore_index=True,
    )
    return DemoOrganisation(
        departments=departments,
        job_roles=job_roles,
        teams=teams[["name", "department_idx", "manager_employee_idx"]],
        employees=public_employees(people),
        kpi_observations=observations,
        programs=pd.DataFrame([p.row for p in planted]),
        enrolments=pd.concat([p.enrolments for p in planted], ignore_index=True),
        truth=_truth(employees, seed, {p.row["code"]: p.truth for p in planted}),
    )


def _check_size(employees: int, seed: int) -> None:
    if not isinstance(employees, int | np.integer) or isinstance(employees, bool):
        raise InvalidInput(f"The number of employees must be a whole number, not {employees!r}.")
    if employees < MIN_EMPLOYEES:
        raise InvalidInput(
            f"The demo organisation needs at least {MIN_EMPLOYEES} employees so that every "
            f"department has a team; {employees} was asked for. Choose {MIN_EMPLOYEES} or more."
        )
    if employees > MAX_EMPLOYEES:
        raise InvalidInput(
            f"The demo organisation is limited to {MAX_EMPLOYEES:,} employees; {employees:,} "
            "was asked for. Choose a smaller size."
        )
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise InvalidInput(f"The seed must be a whole number of 0 or more, not {seed!r}.")


def _truth(employees: int, seed: int, programs: dict[str, Any]) -> dict[str, Any]:
    return {
        "company": COMPANY,
        "employees": employees,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "first_week": FIRST_WEEK.isoformat(),
        "last_week": LAST_WEEK.isoformat(),
        "weeks": HISTORY_WEEKS,
        "programs": programs,
        "kpi_models": {
            "sales_conversion": asdict(SALES_CONVERSION),
            "avg_deal_size": asdict(DEAL_SIZE),
            "repeat_contact_rate": asdict(REPEAT_CONTACTS) | {"outage_weeks": OUTAGE_WEEKS},
            "csat": asdict(CSAT) | {"outage_weeks": OUTAGE_WEEKS},
            "time_to_productivity": {
                "definition": (
                    "ceil(7 * tau * ln 10) days, one row per person whose productivity reaches "
                    "90 % inside the history while employed (hired before it or during it), "
                    "dated that week"
                ),
                "ramp_weeks_by_department": {d.code: d.ramp_weeks for d in DEPARTMENTS},
            },
            "voluntary_attrition": {
                "definition": "voluntary leavers in month / mean weekly headcount x 12 x 100",
                "annual_voluntary_rate_by_department": {
                    d.code: d.voluntary_rate for d in DEPARTMENTS
                },
            },
            "time_to_market": dict(TIME_TO_MARKET),
            "order_lines_per_hour": {"model": "L (1 - 0.7 ramp) + N(0, 2)"} | PACE,
        },
    }
