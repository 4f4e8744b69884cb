"""The demo company's story: personas, must-wins, KPIs, OKRs and the training requests.

(Skeleton: the full set of 20–40 requests is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lodestar.db.models import User
from lodestar.services import accounts, intake, strategy

COMPANY = "Brightwater Supply Co."
DEMO_PASSWORD = "brightwater-demo"

# The KPI codes the fact generator (analytics.demo) writes observations for.
KPI_CODES = (
    "sales_conversion",
    "avg_deal_size",
    "repeat_contact_rate",
    "csat",
    "time_to_productivity",
    "voluntary_attrition",
    "time_to_market",
)


@dataclass(frozen=True)
class SeededOrg:
    """Ids of the organisation structure already loaded."""

    department_ids: dict[str, int]  # by department code: sales, service, engineering, ...
    team_ids: list[int] = field(default_factory=list)  # by team index of the generator


@dataclass(frozen=True)
class StoryHandles:
    users: dict[str, User]  # by persona key
    priority_ids: dict[str, int]  # by priority key
    kpi_ids: dict[str, int]  # by KPI code (every code in KPI_CODES)


PERSONAS = (
    # key, name, email, role, department code, job title
    (
        "admin",
        "Morgan Admin",
        "admin@brightwater.example",
        "admin",
        "people",
        "System administrator",
    ),
    ("ld", "Priya Natarajan", "priya@brightwater.example", "ld", "people", "Head of Learning"),
    ("sales_mgr", "Tomás Reyes", "tomas@brightwater.example", "manager", "sales", "Sales Director"),
    (
        "service_mgr",
        "Aisha Bello",
        "aisha@brightwater.example",
        "manager",
        "service",
        "Head of Customer Service",
    ),
    ("exec", "Helen Okafor", "helen@brightwater.example", "executive", "people", "COO"),
    ("employee", "Jonas Lindqvist", "jonas@brightwater.example", "employee", "service", "Agent"),
)


def write_people_and_strategy(session: Session, org: SeededOrg) -> StoryHandles:
    users = {}
    for key, name, email, role, dept, title in PERSONAS:
        users[key] = accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            department_id=org.department_ids[dept],
            job_title=title,
        )
    ld = accounts.actor_of(users["ld"])
    prio = strategy.create_priority(
        session,
        ld,
        strategy.PriorityInput(
            title="Win more of the deals we already qualify",
            description="Grow revenue from the existing pipeline.",
            owner_id=users["exec"].id,
            start_year=2026,
            end_year=2027,
        ),
    )
    kpi_ids = {}
    for code in KPI_CODES:
        kpi = strategy.create_kpi(
            session,
            ld,
            strategy.KpiInput(
                code=code,
                name=code.replace("_", " ").capitalize(),
                unit="%",
                direction="up",
                grain="employee",
                cadence="weekly",
                lead_lag="lead",
                priority_id=prio.id,
            ),
        )
        kpi_ids[code] = kpi.id
    return StoryHandles(users=users, priority_ids={"sales_growth": prio.id}, kpi_ids=kpi_ids)


def write_requests(session: Session, org: SeededOrg, handles: StoryHandles) -> int:
    sales = accounts.actor_of(handles.users["sales_mgr"])
    intake.submit_request(
        session,
        sales,
        intake.RequestInput(
            title="Negotiation skills for account executives",
            business_objective="Lift meeting-to-proposal conversion from 22% to 28% by Q3.",
            priority_id=handles.priority_ids["sales_growth"],
            kpi_id=handles.kpi_ids["sales_conversion"],
        ),
    )
    return 1
