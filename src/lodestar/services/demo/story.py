"""The demo company's story: personas, must-wins, KPIs, OKRs and the training requests.

(Skeleton: the full set of 20–40 requests is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services import accounts, intake, strategy

COMPANY = "Brightwater Supply Co."
DEMO_PASSWORD = "brightwater-demo"


@dataclass(frozen=True)
class SeededOrg:
    department_ids: dict[str, int]


@dataclass(frozen=True)
class StoryCounts:
    users: int
    requests: int


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
    (
        "exec",
        "Helen Okafor",
        "helen@brightwater.example",
        "executive",
        "people",
        "Chief Operating Officer",
    ),
    (
        "employee",
        "Jonas Lindqvist",
        "jonas@brightwater.example",
        "employee",
        "service",
        "Service Agent",
    ),
)


def write_story(session: Session, org: SeededOrg) -> StoryCounts:
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
    kpi = strategy.create_kpi(
        session,
        ld,
        strategy.KpiInput(
            code="sales_conversion",
            name="Meeting-to-proposal conversion",
            unit="%",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lead",
            baseline=22.0,
            target=28.0,
            priority_id=prio.id,
        ),
    )
    sales: Actor = accounts.actor_of(users["sales_mgr"])
    intake.submit_request(
        session,
        sales,
        intake.RequestInput(
            title="Negotiation skills for account executives",
            business_objective="Lift meeting-to-proposal conversion from 22% to 28% by Q3.",
            priority_id=prio.id,
            kpi_id=kpi.id,
        ),
    )
    return StoryCounts(users=len(users), requests=1)
