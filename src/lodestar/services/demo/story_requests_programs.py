"""Accepted requests that moved on: programs in design, and pilots running with a
comparison group and a pre-registered expected result.

The two requests that planted programs answer (``story.PROGRAM_REQUEST_TITLES``) are dated by
their program: Discovery-call coaching became Consultative Discovery, whose first cohort started
on 2025-09-01, and First-contact resolution became the FCR pilot, launched on 2026-01-05. What
they pre-registered is what the programs store (+3 points of conversion; −2.5 points of repeat
contacts).

The others become programs in the story itself, made by L&D through the program services
(:mod:`.story_program_steps`), so every request in design or pilot has its program: the three
in design (the first 90 days for new account executives, launch readiness, clear written
replies) are designed for starts in early 2027, and *Structured onboarding for seasonal
warehouse staff* launched its pilot with the October intake in DC North, pre-registering the
standard pick rate reached 5 days sooner (21 → 16 days). The designs and their known answers
are in :mod:`.story_request_designs`.
"""

from __future__ import annotations

from datetime import date

from lodestar.analytics.demo.calendar import monday_iso
from lodestar.analytics.demo.programs import CONSULTATIVE_DISCOVERY, FCR_PILOT
from lodestar.services.demo.story_program_steps import Launch
from lodestar.services.demo.story_request_designs import (
    CLEAR_REPLIES,
    FIRST_90_DAYS,
    LAUNCH_READINESS,
    SEASONAL_ONBOARDING,
    WAREHOUSE_HORIZON,
    WAREHOUSE_START,
)
from lodestar.services.demo.story_script import (
    Answer,
    Diagnose,
    Move,
    RequestSpec,
    Submit,
    barrier,
    clear,
    days_before,
    unknown,
)

#: The days the two program-linked requests moved to *Pilot*: their programs' first starts.
CD_START = date.fromisoformat(monday_iso(CONSULTATIVE_DISCOVERY.start_weeks[0]))
FCR_START = date.fromisoformat(monday_iso(FCR_PILOT.start_weeks[0]))
IN_DESIGN: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="The first 90 days for new account executives",
        requester="sales_mgr_south",
        partner="ld_partner",
        age=70,
        idle=15,
        priority="talent",
        kpi="time_to_productivity",
        business_objective=(
            "Cut time to productivity for new account executives from 100 to 70 days, measured "
            "as the first month at 80% of the team-average pipeline."
        ),
        audience_and_behaviours=(
            "New account executives and their sales managers: book ten customer meetings in "
            "the first month, with the manager joining the first three."
        ),
        context_of_work=(
            "The first three months in the role, in the field, working from the CRM and the "
            "product catalogue."
        ),
        cost_of_inaction=(
            "Each extra month of ramp-up costs about 22,000 EUR of gross margin per new hire, "
            "and we hire about 15 a year."
        ),
        horizon_and_constraints="Ready for the January intake of six; budget 40,000 EUR.",
        steps=(
            Submit(),
            Answer(
                {
                    "quarterly_goals": "Two territories are uncovered until the new hires are "
                    "up to speed; the South region's Q4 target assumes they are.",
                }
            ),
            Diagnose(
                {
                    "knowledge": barrier(
                        "New hires could not name the three product families that make up 60% "
                        "of regional revenue after four weeks."
                    ),
                    "information": barrier(
                        "Nobody tells new hires what a good first month looks like; each manager "
                        "has their own idea.",
                        "communication",
                    ),
                }
            ),
            Diagnose(
                {
                    "resources": clear("Territory and account lists are ready on day one."),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            FIRST_90_DAYS,
        ),
    ),
    RequestSpec(
        title="Launch readiness for new products",
        requester="eng_mgr",
        partner="ld",
        age=60,
        idle=18,
        priority="ship_faster",
        kpi="time_to_market",
        business_objective=(
            "Cut time to market for new private-label and configured products from 14 to 10 "
            "weeks within eighteen months."
        ),
        audience_and_behaviours=(
            "Product managers and engineers, about 30 people: complete the launch checklist at "
            "each gate instead of finding missing data in the final week."
        ),
        context_of_work=(
            "The stage-gate meetings for new products and the last two weeks before a product "
            "is listed in the catalogue."
        ),
        cost_of_inaction=(
            "Each week of delay postpones about 12,000 EUR of gross margin per launch, and we "
            "run about 25 launches a year."
        ),
        horizon_and_constraints=(
            "Trial on the next four launches from January; no budget beyond people's time."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "no_course": "We would agree one checklist and make someone check it at "
                    "every gate. People would still need to learn what the catalogue needs.",
                }
            ),
            Diagnose(
                {
                    "knowledge": barrier(
                        "Half the product managers could not say which product data the "
                        "catalogue team needs, or by when."
                    ),
                    "resources": barrier(
                        "There is no shared launch checklist; each team keeps its own spreadsheet.",
                        "process_workflow",
                    ),
                }
            ),
            Diagnose(
                {
                    "information": clear("Gate dates are published and agreed."),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            LAUNCH_READINESS,
        ),
    ),
    RequestSpec(
        title="Writing clear replies in email and chat",
        requester="service_mgr",
        partner="ld_partner",
        age=55,
        idle=14,
        priority="customer_experience",
        kpi="csat",
        business_objective=(
            "Lift the share of satisfied customers on written contacts from 78% to 87%, level "
            "with the phone channel."
        ),
        audience_and_behaviours=(
            "The 40 agents who answer email and chat: put the answer first, name the next "
            "step, and leave out internal jargon."
        ),
        context_of_work=(
            "Email and chat queues in the service desk tool; agents handle about 70 written "
            "contacts a day and switch between the two."
        ),
        cost_of_inaction=(
            "Written contacts are a third of our volume and growing; they also produce twice "
            "as many follow-up questions as calls."
        ),
        horizon_and_constraints=(
            "Within one quarter; agents cannot leave the queues for more than 30 minutes a day."
        ),
        steps=(
            Submit(),
            Diagnose(
                {
                    "knowledge": barrier(
                        "In 50 sampled replies, 31 opened with process detail before the "
                        "answer; agents have templates but no guidance on writing."
                    ),
                    "information": clear("Quality criteria for written replies are published."),
                }
            ),
            Diagnose(
                {
                    "resources": clear(),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            CLEAR_REPLIES,
        ),
    ),
)

PILOTS: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="First-contact resolution for tier-1 agents",
        requester="service_mgr",
        partner="ld",
        age=days_before(FCR_START) + 84,
        idle=days_before(FCR_START),
        urgency="high",
        priority="customer_experience",
        kpi="repeat_contact_rate",
        business_objective=(
            "Bring the repeat-contact rate from 18.5% to 15% by the end of the year."
        ),
        audience_and_behaviours=(
            "The 95 tier-1 agents: settle order-status and delivery questions in the first "
            "contact instead of promising a call back."
        ),
        context_of_work=(
            "Inbound calls and chats about orders, deliveries and invoices, handled in the "
            "service desk tool and the ERP."
        ),
        cost_of_inaction=(
            "A repeat contact costs about 10 EUR to handle; at 18.5% that is about 1 M EUR a "
            "year on tier-1 contacts alone, and only 55% of customers who call twice are "
            "satisfied."
        ),
        horizon_and_constraints=(
            "A visible change within one quarter; no classroom time in the January and "
            "September peaks."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "no_course": "We would update the knowledge base and put the tracking link "
                    "in every ticket. To be honest, that might do most of it.",
                    "risk_and_cost": "Two framework customers have raised repeat calls in "
                    "their quarterly reviews; one contract is up for renewal in the autumn.",
                }
            ),
            Diagnose(
                {
                    "information": barrier(
                        "Knowledge-base articles on delivery exceptions were last updated more "
                        "than two years ago; agents give different answers to the same question.",
                        "communication",
                    ),
                    "resources": unknown(
                        "Check whether agents can see carrier tracking without leaving the "
                        "service desk tool."
                    ),
                    "knowledge": barrier(
                        "Listening to 40 calls, agents closed delivery questions without "
                        "checking the carrier status or confirming the customer had what they "
                        "needed; few knew the two checks that settle most of them."
                    ),
                }
            ),
            Diagnose(
                {
                    "resources": clear(
                        "Carrier tracking opens inside the service desk tool since the autumn "
                        "release."
                    ),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            Move(
                "in_design",
                "Design: a two-question resolution checklist that appears when an agent "
                "resolves a contact, and team leads' call reviews; the knowledge-base articles "
                "on delivery exceptions are rewritten alongside.",
            ),
            Move(
                "pilot",
                "Randomised pilot from 5 January: in half the service teams, agents are drawn "
                "by lottery within each team into the pilot or the comparison group. "
                "Pre-registered: repeat contacts down 2.5 points within 90 days.",
            ),
        ),
    ),
    RequestSpec(
        title="Discovery-call coaching for account executives",
        requester="sales_mgr",
        partner="ld",
        age=days_before(CD_START) + 77,
        idle=days_before(CD_START),
        urgency="high",
        priority="sales_growth",
        kpi="sales_conversion",
        business_objective=(
            "Lift meeting-to-proposal conversion from 24% to 28% across all account executives "
            "within a year."
        ),
        audience_and_behaviours=(
            "All 38 account executives: run a structured discovery (current process, cost of "
            "downtime, who decides) before offering any product."
        ),
        context_of_work=(
            "First customer meetings, half on site and half by video; notes go into the CRM "
            "the same day."
        ),
        cost_of_inaction=(
            "One point of conversion is worth about 4,000 EUR of gross margin per account "
            "executive a year; four points across the team is about 610,000 EUR."
        ),
        horizon_and_constraints=(
            "Pilot in one region in Q2 with results by the end of Q3; budget 45,000 EUR; no "
            "sessions in the last two weeks of a quarter."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "quarterly_goals": "Pipeline coverage is fine; what we lose is the step "
                    "from first meeting to proposal.",
                    "lead_and_lag": "Lead: discovery notes complete in the CRM. Lag: "
                    "meeting-to-proposal conversion, then revenue.",
                    "one_metric": "Meeting-to-proposal conversion.",
                    "no_course": "Managers would have to review calls every week. They do not "
                    "today, and they would need a guide for it.",
                }
            ),
            Diagnose(
                {
                    "knowledge": barrier(
                        "In 20 call reviews, 14 meetings went to product features within five "
                        "minutes; few account executives asked about the cost of downtime."
                    ),
                    "information": clear("The discovery questions are in the sales playbook."),
                }
            ),
            Diagnose(
                {
                    "resources": clear("The CRM has a discovery template."),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            Move(
                "in_design",
                "Design: three micro-lessons, a one-page discovery guide in the CRM, and "
                "fortnightly call reviews by managers.",
            ),
            Move(
                "pilot",
                "Rolled out team by team in four cohorts a quarter apart; about a quarter of the "
                "sales teams wait and are the comparison group. Pre-registered: +3 points "
                "conversion once a team has coached for four weeks.",
            ),
        ),
    ),
    RequestSpec(
        title="Structured onboarding for seasonal warehouse staff",
        requester="ops_mgr",
        partner="ld_partner",
        age=105,
        idle=days_before(WAREHOUSE_START),
        priority="talent",
        kpi="time_to_productivity",
        business_objective=(
            "Get seasonal pickers to the standard pick rate in 10 days instead of 21, cutting "
            "time to productivity for warehouse hires."
        ),
        audience_and_behaviours=(
            "The 60 to 80 seasonal pickers hired each autumn and their shift leads: follow the "
            "scanner's pick route, and ask a named buddy when a location is unclear."
        ),
        context_of_work=(
            "The first two weeks on the warehouse floor during the Q4 peak, on handheld scanners."
        ),
        cost_of_inaction=(
            "A seasonal picker below standard rate costs about 35 EUR a day in lost output and "
            "overtime; across 70 hires that is about 50,000 EUR a season, plus late orders."
        ),
        horizon_and_constraints=(
            "Ready before the October intake; budget 15,000 EUR; no training in the December "
            "peak weeks."
        ),
        steps=(
            Submit(blank=("horizon_and_constraints",)),
            Submit(),
            Diagnose(
                {
                    "knowledge": barrier(
                        "New pickers lose most time on scanner exceptions they were never shown."
                    ),
                    "information": barrier(
                        "Starters get a 40-page handbook and no clear daily target.",
                        "communication",
                    ),
                }
            ),
            Diagnose(
                {
                    "resources": clear(),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
            SEASONAL_ONBOARDING,
            Launch(
                evaluation_design="selection_on_observables",
                expected_effect=SEASONAL_ONBOARDING.target - SEASONAL_ONBOARDING.baseline,
                horizon=WAREHOUSE_HORIZON,
            ),
        ),
    ),
)

PROGRAM_REQUESTS: tuple[RequestSpec, ...] = IN_DESIGN + PILOTS
