"""Requests where training was not the answer: redirected to a non-training fix, or declined.

The first one is the classic: a "teamwork training" request whose diagnosis finds a broken
hand-off between teams, a workflow problem no workshop would fix.
"""

from __future__ import annotations

from lodestar.services.demo.story_script import (
    Answer,
    Diagnose,
    Move,
    RequestSpec,
    Submit,
    barrier,
    clear,
)

REDIRECTED: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Teamwork training for product and engineering",
        requester="eng_mgr",
        partner="ld",
        age=80,
        idle=35,
        urgency="high",
        priority="ship_faster",
        kpi="time_to_market",
        business_objective=(
            "Get product managers and engineers working together so launches stop slipping; "
            "time to market is 14 weeks against a plan of 10."
        ),
        audience_and_behaviours=(
            "Product managers and platform engineers, about 35 people: cooperate and solve "
            "problems together instead of blaming each other when a launch slips."
        ),
        context_of_work=(
            "Launch projects for new products and portal features, which cross product, "
            "engineering, catalogue and warehouse teams."
        ),
        cost_of_inaction=(
            "Four of the last six launches were three weeks late or more, and a key customer's "
            "portal integration slipped by a quarter."
        ),
        horizon_and_constraints=(
            "A workshop before the planning cycle starts in September; budget 20,000 EUR."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "no_course": "Someone would have to own each launch from end to end, and "
                    "we would need to agree when a specification is finished.",
                }
            ),
            Diagnose(
                {
                    "information": barrier(
                        "Nobody has agreed when a specification is ready for engineering; specs "
                        "arrive by email in four different formats.",
                        "process_workflow",
                    ),
                    "resources": barrier(
                        "Each launch passes five hand-offs with no owner; work waits nine days "
                        "on average at the catalogue-data step.",
                        "process_workflow",
                    ),
                }
            ),
            Diagnose(
                {
                    "incentives": clear("Both teams share the launch-date objective."),
                    "knowledge": clear(
                        "A review of the last six launches shows people collaborate well where "
                        "a launch had a named owner; in those two, hand-offs worked."
                    ),
                    "capacity": clear(),
                    "motives": clear(
                        "People on both sides are frustrated by the delays and want them fixed."
                    ),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Service desk tool training for all agents",
        requester="service_mgr",
        partner="ld_partner",
        age=64,
        idle=28,
        priority="customer_experience",
        kpi="repeat_contact_rate",
        business_objective=(
            "Cut the repeat-contact rate from 18.5% to 15.5% by making agents faster and surer in "
            "the service desk tool."
        ),
        audience_and_behaviours=(
            "All 160 agents: find the order history and delivery status without putting the "
            "customer on hold or promising a call back."
        ),
        context_of_work=(
            "Every inbound contact; agents switch between the service desk tool, the ERP and "
            "the carrier's portal."
        ),
        cost_of_inaction=(
            "Call backs promised because information was not at hand cause about a third of "
            "repeat contacts, around 560,000 EUR a year."
        ),
        horizon_and_constraints="Before the September peak; budget 15,000 EUR.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "resources": barrier(
                        "The service desk tool shows neither the ERP order history nor carrier "
                        "tracking; agents need three screens and a second login.",
                        "tools",
                    ),
                    "knowledge": clear(
                        "Observed agents used all three systems correctly; the delay is the "
                        "switching, not a lack of skill."
                    ),
                }
            ),
            Diagnose(
                {
                    "information": clear(),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Cold-calling training to win back dormant accounts",
        requester="sales_mgr_south",
        partner="ld",
        age=75,
        idle=40,
        priority="sales_growth",
        business_objective="Reactivate 150 of the 900 accounts that have not ordered in 18 months.",
        audience_and_behaviours=(
            "Account executives in the South region: call five dormant accounts every week."
        ),
        context_of_work="Friday afternoons, working from the CRM's dormant-account list.",
        cost_of_inaction=(
            "Before they went quiet, those 900 accounts spent about 4 M EUR a year with us."
        ),
        horizon_and_constraints="Results by the end of the year; budget 10,000 EUR.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "incentives": barrier(
                        "Commission pays on new customers and on growth in active accounts; a "
                        "reactivated account counts as neither, so the calls are never made.",
                        "incentives",
                    ),
                    "knowledge": clear(
                        "Last year's win-back campaign, which paid a bonus, reactivated 80 "
                        "accounts in one quarter with the same people."
                    ),
                    "resources": clear("The dormant-account list is in the CRM and up to date."),
                    "information": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Picking accuracy training: wrong items shipped",
        requester="ops_mgr",
        partner="ld_partner",
        age=58,
        idle=21,
        urgency="urgent",
        priority="customer_experience",
        kpi="repeat_contact_rate",
        business_objective=(
            "Halve mis-picks from 0.9% to 0.45% of order lines, cutting the 'wrong item' "
            "contacts that make up a fifth of repeat contacts."
        ),
        audience_and_behaviours=(
            "The 220 pickers in both distribution centres: check the item code on the scanner "
            "against the bin label before confirming each pick."
        ),
        context_of_work=(
            "Picking on handheld scanners, above all in the aisles relabelled when the new bin "
            "layout arrived in March."
        ),
        cost_of_inaction=(
            "A mis-pick costs about 60 EUR in returns, redelivery and service time; some 11,000 "
            "a year add up to 660,000 EUR."
        ),
        horizon_and_constraints="Within the next quarter; no sessions during the Q4 peak.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "information": barrier(
                        "The new bin labels arrived without a briefing: nobody told pickers "
                        "that the last two digits now mark the shelf level. Mis-pick reports go "
                        "to the quality team and never reach the picker.",
                        "communication",
                    ),
                    "knowledge": clear(
                        "In aisles with the old labels the mis-pick rate is unchanged at 0.4%."
                    ),
                    "resources": clear(),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Time-management course for the payroll team",
        requester="hr_mgr",
        partner="ld",
        age=48,
        idle=30,
        urgency="high",
        business_objective="Close payroll on time every month; it was late three times this year.",
        audience_and_behaviours=(
            "The six payroll and HR administration staff: plan the month-end close and stop "
            "working evenings to finish it."
        ),
        context_of_work="The last five working days of every month, during the payroll close.",
        cost_of_inaction=(
            "Late payroll means late pay for 2,000 people and about 60 hours of overtime a "
            "month; one payroll specialist has already resigned."
        ),
        horizon_and_constraints="Before the year-end close in December.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "capacity": barrier(
                        "Two of eight positions have been vacant for five months; the other six "
                        "each carry about 130% of a normal workload.",
                        "hiring",
                    ),
                    "knowledge": clear(
                        "The same team closed on time every month last year, fully staffed."
                    ),
                    "information": clear(),
                    "resources": clear(),
                    "incentives": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
        ),
    ),
)

DECLINED: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Telephone etiquette refresher for the contact centre",
        requester="service_mgr",
        partner="ld_partner",
        age=50,
        idle=40,
        urgency="low",
        priority="customer_experience",
        kpi="csat",
        business_objective="Keep the share of satisfied customers on phone calls at 87% or above.",
        audience_and_behaviours=(
            "All phone agents: greet, verify and close calls to the house standard."
        ),
        context_of_work="Inbound phone calls.",
        cost_of_inaction=("Not known; last year our customer panel asked for friendlier calls."),
        horizon_and_constraints="Any time this year; budget 8,000 EUR.",
        steps=(
            Submit(),
            Diagnose(
                {
                    "information": clear(
                        "The call standard is written down and agents are scored on it monthly."
                    ),
                    "knowledge": clear(
                        "Quality reviews of 200 calls: 96% met the greeting and closing standard."
                    ),
                    "resources": clear(),
                    "incentives": clear(),
                    "capacity": clear(),
                    "motives": clear(),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Front-end framework certification for two developers",
        requester="eng_mgr",
        partner="ld",
        age=95,
        idle=90,
        urgency="low",
        business_objective="Two developers earn the certificate for the new front-end framework.",
        audience_and_behaviours="Two front-end developers in the portal team.",
        context_of_work="A self-paced online course of about 40 hours each.",
        cost_of_inaction="They may look for another job if we do not invest in them.",
        horizon_and_constraints="This quarter; about 3,000 EUR in course fees.",
        steps=(
            Submit(),
            Move(
                "declined",
                "This is individual development for two people, and it fits the personal "
                "learning budget each engineer has (1,500 EUR a year). Please book it there; "
                "no L&D program is needed.",
            ),
        ),
    ),
    RequestSpec(
        title="Teams and SharePoint tips for all staff",
        requester="admin",
        partner="ld_partner",
        age=90,
        idle=45,
        business_objective="Staff use Teams and SharePoint better.",
        audience_and_behaviours="All staff",
        steps=(
            Submit(),
            Move(
                "declined",
                "No answers to the open questions after six weeks. The vendor's free adoption "
                "videos are linked on the intranet; raise a new request if a team has a problem "
                "we can measure.",
            ),
        ),
    ),
)

REDIRECTED_AND_DECLINED: tuple[RequestSpec, ...] = REDIRECTED + DECLINED
