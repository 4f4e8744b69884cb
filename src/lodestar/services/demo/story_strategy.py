"""Brightwater's strategy: four must-wins, their objectives and key results, and the KPIs.

Brightwater Supply Co. distributes industrial supplies (fasteners, fluid-power parts, safety
equipment, maintenance consumables) to manufacturers and maintenance contractors. Account
executives and inside sales win the orders, a contact centre answers customers, two
distribution centres pick and ship, and an engineering team builds the ordering portal and
brings private-label and configured products to market.

Numbers: each KPI's baseline is the level the demo generator (``analytics.demo``) writes in
its first 26 weeks, before any planted program starts (at the default 2,000 employees), and
the key results and request texts quote the same levels; a test holds them together.

Money values: ``value_per_unit`` is what one unit of the KPI is worth in EUR, as finance
agreed it; each KPI's description says per what (per person or team a year, per hire, per
launch). CSAT has none: finance has not signed off a link between satisfaction and repeat
orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lodestar.services.strategy import KpiInput


@dataclass(frozen=True)
class KeyResultSpec:
    description: str
    kpi: str  # KPI code
    target: float
    due: date


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    key_results: tuple[KeyResultSpec, ...]


@dataclass(frozen=True)
class PrioritySpec:
    key: str
    title: str
    description: str
    owner: str  # persona key
    start_year: int
    end_year: int
    objectives: tuple[ObjectiveSpec, ...]


PRIORITIES: tuple[PrioritySpec, ...] = (
    PrioritySpec(
        key="sales_growth",
        title="Win more of the deals we already qualify",
        description=(
            "Grow revenue from the demand we already have: turn more first meetings into "
            "proposals and sell the complete solution on the deals we win. Revenue from "
            "existing pipeline costs far less than buying new leads."
        ),
        owner="sales_mgr",
        start_year=2026,
        end_year=2027,
        objectives=(
            ObjectiveSpec(
                "Turn more first meetings into proposals",
                (
                    KeyResultSpec(
                        "Meeting-to-proposal conversion rises from 24% to 28% across all "
                        "account executives",
                        "sales_conversion",
                        28.0,
                        date(2027, 9, 30),
                    ),
                ),
            ),
            ObjectiveSpec(
                "Sell the complete solution, not the single part",
                (
                    KeyResultSpec(
                        "Average deal size grows from 9,200 EUR to 9,800 EUR",
                        "avg_deal_size",
                        9_800.0,
                        date(2027, 3, 31),
                    ),
                    KeyResultSpec(
                        "Average deal size reaches 10,200 EUR",
                        "avg_deal_size",
                        10_200.0,
                        date(2027, 12, 31),
                    ),
                ),
            ),
        ),
    ),
    PrioritySpec(
        key="customer_experience",
        title="Solve it the first time: a customer experience worth coming back to",
        description=(
            "Nearly one customer in five contacts us again about the same issue because the "
            "first answer was wrong, late or incomplete. Remove the causes at the source, in "
            "the contact centre, in the warehouses and in our systems, and satisfaction "
            "follows."
        ),
        owner="exec",
        start_year=2026,
        end_year=2027,
        objectives=(
            ObjectiveSpec(
                "Resolve customer issues in the first contact",
                (
                    KeyResultSpec(
                        "Repeat-contact rate falls from 18.5% to 16.5%",
                        "repeat_contact_rate",
                        16.5,
                        date(2027, 3, 31),
                    ),
                    KeyResultSpec(
                        "Repeat-contact rate falls to 15%",
                        "repeat_contact_rate",
                        15.0,
                        date(2027, 9, 30),
                    ),
                ),
            ),
            ObjectiveSpec(
                "Make customers glad they contacted us",
                (
                    KeyResultSpec(
                        "Satisfied customers rise from 84% to 87% of those surveyed",
                        "csat",
                        87.0,
                        date(2027, 12, 31),
                    ),
                ),
            ),
        ),
    ),
    PrioritySpec(
        key="talent",
        title="Get new hires productive faster and keep the people we have",
        description=(
            "We hire about 300 people a year and lose about 280 again. Shorten the "
            "months before a new colleague pulls their weight, and give people reasons to "
            "stay, starting with the conversations they have with their manager."
        ),
        owner="hr_mgr",
        start_year=2026,
        end_year=2028,
        objectives=(
            ObjectiveSpec(
                "Cut the ramp-up of new hires by a quarter",
                (
                    KeyResultSpec(
                        "Time to productivity falls from 85 to 64 days",
                        "time_to_productivity",
                        64.0,
                        date(2027, 12, 31),
                    ),
                ),
            ),
            ObjectiveSpec(
                "Keep the people we have invested in",
                (
                    KeyResultSpec(
                        "Voluntary attrition falls from 12.5% to 11%",
                        "voluntary_attrition",
                        11.0,
                        date(2027, 12, 31),
                    ),
                    KeyResultSpec(
                        "Voluntary attrition falls to 10%",
                        "voluntary_attrition",
                        10.0,
                        date(2028, 6, 30),
                    ),
                ),
            ),
        ),
    ),
    PrioritySpec(
        key="ship_faster",
        title="Ship faster: from approved idea to first order in ten weeks",
        description=(
            "New private-label products and portal features take 14 weeks from approval to "
            "the first customer order, and customers buy elsewhere while they wait. Remove the "
            "waiting between teams first, then build the skills a faster pace needs."
        ),
        owner="eng_mgr",
        start_year=2026,
        end_year=2027,
        objectives=(
            ObjectiveSpec(
                "Remove the waiting between product, engineering and catalogue teams",
                (
                    KeyResultSpec(
                        "Time to market falls from 14 to 12 weeks",
                        "time_to_market",
                        12.0,
                        date(2027, 3, 31),
                    ),
                    KeyResultSpec(
                        "Time to market falls to 10 weeks",
                        "time_to_market",
                        10.0,
                        date(2027, 12, 31),
                    ),
                ),
            ),
        ),
    ),
)


# (priority key, KPI). The KPI's priority_id is filled in once the priorities exist.
KPIS: tuple[tuple[str, KpiInput], ...] = (
    (
        "sales_growth",
        KpiInput(
            code="sales_conversion",
            name="Meeting-to-proposal conversion",
            description=(
                "Share of an account executive's first customer meetings that lead to a "
                "written proposal within 30 days, from CRM activity. One point is worth about "
                "4,000 EUR of gross margin per account executive a year."
            ),
            unit="%",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lead",
            value_per_unit=4_000.0,
            currency="EUR",
            baseline=24.0,
            target=28.0,
            horizon_date=date(2027, 9, 30),
        ),
    ),
    (
        "sales_growth",
        KpiInput(
            code="avg_deal_size",
            name="Average deal size",
            description=(
                "Average value of the orders an account executive wins, in EUR excluding VAT, "
                "from closed-won opportunities. One euro more is worth about 17 EUR of gross "
                "margin per account executive a year (about 60 deals at a 28% margin)."
            ),
            unit="EUR",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lag",
            value_per_unit=17.0,
            currency="EUR",
            baseline=9_200.0,
            target=10_200.0,
            horizon_date=date(2027, 12, 31),
        ),
    ),
    (
        "customer_experience",
        KpiInput(
            code="repeat_contact_rate",
            name="Repeat-contact rate",
            description=(
                "Share of an agent's resolved contacts followed by another contact from the "
                "same customer about the same issue within seven days. One point lower saves "
                "about 570 EUR of handling cost per agent a year (5,700 contacts at 10 EUR)."
            ),
            unit="%",
            direction="down",
            grain="employee",
            cadence="weekly",
            lead_lag="lead",
            value_per_unit=570.0,
            currency="EUR",
            baseline=18.5,
            target=15.0,
            horizon_date=date(2027, 9, 30),
        ),
    ),
    (
        "customer_experience",
        KpiInput(
            code="csat",
            name="Customer satisfaction (CSAT)",
            description=(
                "Share of an agent's surveyed customers who are satisfied: 4 (satisfied) or 5 "
                "(very satisfied) in the 1-to-5 post-contact survey. No money value yet: "
                "finance has not agreed how satisfaction translates into repeat orders."
            ),
            unit="% satisfied",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lag",
            baseline=84.0,
            target=87.0,
            horizon_date=date(2027, 12, 31),
        ),
    ),
    (
        "talent",
        KpiInput(
            code="time_to_productivity",
            name="Time to productivity",
            description=(
                "Days from a new hire's start date until they first reach the standard for "
                "their role: pipeline for sales, pick rate in the warehouse, handled contacts "
                "in service. Each day sooner is worth about 260 EUR per new hire."
            ),
            unit="days",
            direction="down",
            grain="employee",
            cadence="monthly",
            lead_lag="lag",
            value_per_unit=260.0,
            currency="EUR",
            baseline=85.0,
            target=64.0,
            horizon_date=date(2027, 12, 31),
        ),
    ),
    (
        "talent",
        KpiInput(
            code="voluntary_attrition",
            name="Voluntary attrition",
            description=(
                "Resignations in the last twelve months as a share of a team's average "
                "headcount, annualised. One point lower in a team of twelve avoids about "
                "1,560 EUR of replacement cost a year (13,000 EUR per leaver on average)."
            ),
            unit="% (annualised)",
            direction="down",
            grain="team",
            cadence="monthly",
            lead_lag="lag",
            value_per_unit=1_560.0,
            currency="EUR",
            baseline=12.5,
            target=10.0,
            horizon_date=date(2028, 6, 30),
        ),
    ),
    (
        "ship_faster",
        KpiInput(
            code="time_to_market",
            name="Time to market",
            description=(
                "Weeks from an approved product or portal feature to its first customer order, "
                "averaged over a delivery team's launches in the month. Each week sooner brings "
                "forward about 12,000 EUR of gross margin per launch."
            ),
            unit="weeks",
            direction="down",
            grain="team",
            cadence="monthly",
            lead_lag="lag",
            value_per_unit=12_000.0,
            currency="EUR",
            baseline=14.0,
            target=10.0,
            horizon_date=date(2027, 12, 31),
        ),
    ),
    (
        "talent",
        KpiInput(
            code="order_lines_per_hour",
            name="Order lines per hour",
            description=(
                "Order lines a warehouse or logistics colleague handles per working hour, "
                "averaged over the week. New hires start far below the standard of 54 lines "
                "an hour; how fast they reach it is what onboarding changes."
            ),
            unit="lines/hour",
            direction="up",
            grain="employee",
            cadence="weekly",
            lead_lag="lead",
            baseline=59.0,
            target=60.0,
            horizon_date=date(2027, 12, 31),
        ),
    ),
)
