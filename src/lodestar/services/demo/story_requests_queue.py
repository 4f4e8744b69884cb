"""Requests in the L&D queue: submitted and waiting, or in diagnosis with partial findings.

Stakeholder answers recorded during intake review sit on several of them; one names a
priority but no metric.
"""

from __future__ import annotations

from lodestar.services.demo.story_script import (
    Answer,
    Diagnose,
    RequestSpec,
    Submit,
    barrier,
    clear,
    unknown,
)

SUBMITTED: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Selling the full kit: consumables and service contracts with equipment",
        requester="sales_mgr",
        partner="ld",
        age=5,
        idle=3,
        urgency="high",
        priority="sales_growth",
        kpi="avg_deal_size",
        business_objective=(
            "Raise average deal size from 9,200 EUR to 10,000 EUR by adding consumables and "
            "service contracts to equipment orders."
        ),
        audience_and_behaviours=(
            "Account executives and inside sales, about 60 people: propose the matching "
            "consumables and a service contract on every equipment quote above 5,000 EUR."
        ),
        context_of_work=(
            "Preparing the quote in the CRM, and the follow-up call after a customer asks for "
            "an equipment price."
        ),
        cost_of_inaction=(
            "Customers later buy the consumables from online sellers. We estimate 1.1 M EUR a "
            "year of revenue we could have attached to our own orders."
        ),
        horizon_and_constraints=(
            "A visible change by the end of Q4; budget up to 30,000 EUR; no workshops in the "
            "last two weeks of any quarter."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "quarterly_goals": "Our plan counts on 5% more revenue per active account "
                    "this year; bundles are the main lever we control.",
                    "one_metric": "Average deal size on orders that include equipment.",
                }
            ),
        ),
    ),
    RequestSpec(
        title="De-escalation skills for the complaints desk",
        requester="service_mgr",
        partner="ld_partner",
        age=8,
        idle=8,
        priority="customer_experience",
        kpi="csat",
        business_objective=(
            "Lift the share of satisfied customers on complaint contacts from 60% to 75% within "
            "six months; overall, 84% of surveyed customers are satisfied."
        ),
        audience_and_behaviours=(
            "The 18 agents on the complaints desk: acknowledge the problem, state the next "
            "step with a time, and keep to it."
        ),
        context_of_work=(
            "Inbound calls and chats about late or damaged deliveries, often from customers who "
            "have contacted us twice already."
        ),
        cost_of_inaction=(
            "Customers who rate a complaint 1 or 2 order about 30% less the following year; "
            "around 400,000 EUR of revenue is at risk."
        ),
        horizon_and_constraints=(
            "Results within two quarters; nothing during the January returns peak; budget "
            "20,000 EUR."
        ),
        steps=(Submit(),),
    ),
    RequestSpec(
        title="Automated testing for the ordering-portal team",
        requester="eng_mgr",
        partner="ld",
        age=4,
        idle=4,
        priority="ship_faster",
        kpi="time_to_market",
        business_objective=(
            "Cut time to market for portal features from 14 to 10 weeks by replacing most of "
            "the two-week manual regression test before each release."
        ),
        audience_and_behaviours=(
            "The 24 engineers in the portal squads: write automated tests with every change "
            "instead of leaving testing to the release phase."
        ),
        context_of_work=(
            "Daily development in the portal code base and the fortnightly release train."
        ),
        cost_of_inaction=(
            "Every release waits ten working days for manual testing. Two features promised to "
            "key customers slipped by a quarter last year."
        ),
        horizon_and_constraints=(
            "First results within two months; budget for an external coach for six weeks; "
            "release freeze in December."
        ),
        steps=(Submit(),),
    ),
    RequestSpec(
        title="Leadership essentials for all people managers",
        requester="hr_mgr",
        partner="ld",
        age=12,
        idle=9,
        priority="talent",
        business_objective=(
            "Give all 180 people managers a shared foundation in leading a team, as promised "
            "in the engagement-survey action plan."
        ),
        audience_and_behaviours="All people managers, from shift leads to directors.",
        context_of_work="Day-to-day leadership: one-to-ones, feedback and performance reviews.",
        cost_of_inaction=(
            "Agreement with 'my manager supports my development' fell from 71% to 64%, and the "
            "executive team expects visible action this year."
        ),
        horizon_and_constraints=(
            "Start in September and finish by year end; 90,000 EUR already reserved."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "one_metric": "Sofia would choose first-year attrition in teams with a new "
                    "manager, but the request does not name it yet.",
                },
                by="partner",
            ),
        ),
    ),
)

IN_DIAGNOSIS: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Fluid-power product training for inside sales",
        requester="sales_mgr",
        partner="ld_partner",
        age=18,
        idle=6,
        priority="sales_growth",
        kpi="avg_deal_size",
        business_objective=(
            "Raise average deal size on hydraulic and pneumatic orders from 8,500 EUR to "
            "9,500 EUR by quoting complete assemblies instead of single parts."
        ),
        audience_and_behaviours=(
            "The 22 inside-sales reps: ask what the part is used for and quote the full "
            "assembly (hose, fittings, adaptors), not only the part the customer named."
        ),
        context_of_work=(
            "Inbound phone and email enquiries for fluid-power parts, quoted in the ERP while "
            "the customer waits."
        ),
        cost_of_inaction=(
            "9% of fluid-power orders come back as wrong or incomplete at about 45 EUR per "
            "return, and the missed add-ons are worth an estimated 600,000 EUR a year."
        ),
        horizon_and_constraints=(
            "Results within two quarters; product specialists can help with content in May and "
            "June only."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "lead_and_lag": "Lead: share of fluid-power quotes with three or more "
                    "lines, weekly. Lag: average deal size.",
                }
            ),
            Diagnose(
                {
                    "information": clear(
                        "The quoting guideline is clear and the ERP shows an assembly checklist."
                    ),
                    "knowledge": barrier(
                        "Inside-sales reps scored 48% on fluid-power compatibility questions; "
                        "only 5 of 22 have had any product training."
                    ),
                    "incentives": unknown(
                        "Ask whether inside sales is paid on the number of orders or their value."
                    ),
                }
            ),
        ),
    ),
    RequestSpec(
        title="Planning skills for the replenishment planners",
        requester="ops_mgr",
        partner="ld_partner",
        age=14,
        idle=4,
        priority="customer_experience",
        kpi="repeat_contact_rate",
        business_objective=(
            "Cut stock-outs on the 500 best-selling items, which drive 'where is my order' "
            "calls, so the repeat-contact rate falls by two points."
        ),
        audience_and_behaviours=(
            "The nine replenishment planners: work through the weekly exception list and adjust "
            "reorder points for items whose demand has changed."
        ),
        context_of_work=(
            "The Monday planning meeting and daily work in the ERP's replenishment screens."
        ),
        cost_of_inaction=(
            "Stock-outs delay about 1,200 order lines a month; each delay brings 1.4 customer "
            "contacts on average and puts two framework contracts at risk."
        ),
        horizon_and_constraints="Before the Q4 peak; planners cannot be away on Mondays.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "resources": barrier(
                        "The exception list runs to 2,300 lines a week with no ranking; nobody "
                        "could review it in a morning.",
                        "tools",
                    ),
                    "knowledge": clear(
                        "In interviews all nine planners explained reorder-point logic "
                        "correctly; three have more than ten years in the role."
                    ),
                    "incentives": unknown("Ask how planners' targets weigh stock value."),
                }
            ),
        ),
    ),
)

QUEUED_REQUESTS: tuple[RequestSpec, ...] = SUBMITTED + IN_DIAGNOSIS
