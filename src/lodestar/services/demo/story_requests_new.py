"""Requests still on the requester's side: drafts, and requests returned for information.

Two of the seven name no metric at all and one names a priority but no KPI: exactly the
requests the triage board flags. One shows the classic "Excel training for everyone".
"""

from __future__ import annotations

from lodestar.services.demo.story_script import (
    Move,
    RequestSpec,
    Submit,
)

COST = "cost_of_inaction"
HORIZON = "horizon_and_constraints"

DRAFTS: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Launch briefing for the new cut-resistant gloves range",
        requester="sales_mgr",
        partner="ld",
        age=3,
        idle=1,
        priority="sales_growth",
        kpi="avg_deal_size",
        business_objective=(
            "Have the new cut-resistant glove range on at least 30% of safety-equipment quotes "
            "within two quarters of launch, lifting average deal size."
        ),
        audience_and_behaviours=(
            "All account executives and inside sales: offer the new range whenever a customer "
            "reorders standard gloves, and quote it as part of a PPE kit."
        ),
        horizon_and_constraints="The range launches on 1 June.",
    ),
    RequestSpec(
        title="Coaching skills for newly promoted shift leads",
        requester="ops_mgr",
        partner="ld_partner",
        age=6,
        idle=2,
        priority="talent",
        kpi="voluntary_attrition",
        business_objective=(
            "Bring first-year attrition in the warehouse teams down from about 24% to below 15%."
        ),
        audience_and_behaviours=(
            "The 14 shift leads promoted in the last year: a ten-minute check-in with every new "
            "starter each week for their first eight weeks."
        ),
        context_of_work=(
            "On the warehouse floor at the start of each shift, during the handover between "
            "early and late shifts in both distribution centres."
        ),
    ),
    RequestSpec(
        title="Presentation skills for engineers",
        requester="eng_mgr",
        partner="ld",
        age=1,
        idle=0,
        urgency="low",
        business_objective="Engineers present their work better at the quarterly demo day.",
        audience_and_behaviours="Platform engineers",
    ),
)

NEEDS_INFORMATION: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="We need Excel training for everyone",
        requester="ops_mgr",
        partner="ld_partner",
        age=9,
        idle=8,
        urgency="high",
        business_objective="Excel",
        audience_and_behaviours="Everyone",
        horizon_and_constraints="ASAP",
        steps=(Submit(),),
    ),
    RequestSpec(
        title="Resilience and wellbeing workshop for the contact centre",
        requester="hr_mgr",
        partner="ld",
        age=11,
        idle=10,
        priority="talent",
        business_objective="Fewer sick days and less burnout in the contact centre.",
        audience_and_behaviours="All contact-centre agents and their team leads, about 160 people.",
        horizon_and_constraints="Before the summer peak.",
        steps=(Submit(),),
    ),
    RequestSpec(
        title="Negotiation refresher for key account managers",
        requester="sales_mgr",
        partner="ld",
        age=21,
        idle=7,
        urgency="high",
        priority="sales_growth",
        kpi="avg_deal_size",
        business_objective=(
            "Hold price on the renewals of our 60 largest accounts: average deal size on "
            "renewals back above 18,000 EUR (about twice our overall average), with discounts "
            "under 12%."
        ),
        audience_and_behaviours=(
            "The eight key account managers: defend price with a value case instead of "
            "conceding discount in the first renewal meeting."
        ),
        context_of_work=(
            "Annual renewal meetings with customers' procurement teams, mostly in Q4, often "
            "with two or three competing quotes on the table."
        ),
        cost_of_inaction=(
            "Renewal discounts rose from 8% to 13% in a year. On 14 M EUR of renewals that is "
            "roughly 700,000 EUR of margin given away."
        ),
        horizon_and_constraints="Q3",
        steps=(Submit(blank=(COST, HORIZON)), Submit()),
    ),
    RequestSpec(
        title="CRM discipline for account executives",
        requester="sales_mgr_south",
        partner="ld_partner",
        age=16,
        idle=10,
        priority="sales_growth",
        kpi="sales_conversion",
        business_objective=(
            "Every customer meeting logged in the CRM with an agreed next step within 24 hours."
        ),
        audience_and_behaviours=(
            "The 20 account executives in the South region: log each meeting and its next step "
            "on the day it happens."
        ),
        context_of_work=(
            "After customer visits, usually from the car or a hotel; the CRM app is on every "
            "company phone."
        ),
        cost_of_inaction=(
            "Forecasts are unreliable and deals stall without a next step. We cannot yet say "
            "how much that costs."
        ),
        horizon_and_constraints=(
            "Before the Q3 forecast review; no sessions in the last two weeks of a quarter."
        ),
        steps=(
            Submit(),
            Move(
                "needs_information",
                "The objective describes a CRM habit, not a business result. Which number "
                "moves when meetings are logged on time (meeting-to-proposal conversion, for "
                "instance), and by how much? A rough figure for what stalled deals cost the "
                "region would help us size this.",
            ),
        ),
    ),
)

NEW_REQUESTS: tuple[RequestSpec, ...] = DRAFTS + NEEDS_INFORMATION
