"""Requests whose diagnosis found a real skill gap and that were accepted as learning solutions.

Each was diagnosed in two sittings (first findings, then the rest and a conclusion); one came
back once for missing information before it was complete.
"""

from __future__ import annotations

from lodestar.services.demo.story_script import (
    Answer,
    Diagnose,
    RequestSpec,
    Submit,
    barrier,
    clear,
)

ACCEPTED: tuple[RequestSpec, ...] = (
    RequestSpec(
        title="Objection handling for newly hired account executives",
        requester="sales_mgr",
        partner="ld",
        age=38,
        idle=12,
        urgency="high",
        priority="sales_growth",
        kpi="sales_conversion",
        business_objective=(
            "Lift meeting-to-proposal conversion of account executives in their first year "
            "from 17% to the team average of 24%."
        ),
        audience_and_behaviours=(
            "The 12 account executives hired in the last twelve months: answer price and "
            "switching-cost objections with a value case instead of closing the meeting with "
            "'I will send you a brochure'."
        ),
        context_of_work=(
            "First meetings with new prospects, on site or by video, usually with a "
            "maintenance or purchasing manager."
        ),
        cost_of_inaction=(
            "The new hires write about 40 fewer proposals a quarter than experienced peers; at "
            "our win rate that is roughly 250,000 EUR of revenue a quarter."
        ),
        horizon_and_constraints=(
            "Improvement within 90 days; budget 25,000 EUR; not in the last two weeks of a quarter."
        ),
        steps=(
            Submit(),
            Answer(
                {
                    "lead_and_lag": "Lead: proposals per ten first meetings, weekly. Lag: "
                    "revenue from new accounts per quarter.",
                }
            ),
            Diagnose(
                {
                    "information": clear(
                        "The sales playbook lists the five most common objections and how to "
                        "answer each."
                    ),
                    "incentives": clear("Commission pays on closed revenue; proposals lead to it."),
                    "knowledge": barrier(
                        "In ten recorded first meetings, new hires met price objections with a "
                        "discount or silence; experienced peers used the value calculator."
                    ),
                }
            ),
            Diagnose(
                {
                    "resources": clear("The value calculator is in the CRM and works."),
                    "capacity": clear("New hires carry the same meeting load as their peers."),
                    "motives": clear(
                        "New hires asked for help with objections in their 90-day reviews."
                    ),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Hydraulic fittings: product training for the technical line",
        requester="service_mgr",
        partner="ld_partner",
        age=33,
        idle=10,
        priority="customer_experience",
        kpi="repeat_contact_rate",
        business_objective=(
            "Cut repeat contacts on technical product questions from 22% to 12%, which lowers "
            "the overall repeat-contact rate by about 1.5 points."
        ),
        audience_and_behaviours=(
            "The 30 agents on the technical line: identify the fitting from thread, size and "
            "pressure rating, and confirm it with the customer before closing the call."
        ),
        context_of_work=(
            "Calls from maintenance technicians who need a replacement part fast, often with "
            "the worn part in their hand."
        ),
        cost_of_inaction=(
            "About 2,100 repeat contacts a quarter and 9% of fittings returned as wrong; "
            "handling and returns cost around 95,000 EUR a year."
        ),
        horizon_and_constraints=(
            "Within two quarters; sessions only on Tuesday and Wednesday afternoons, the "
            "quietest hours."
        ),
        steps=(
            Submit(),
            Diagnose(
                {
                    "knowledge": barrier(
                        "Agents identified the right fitting in 5 of 12 test cases; most joined "
                        "from non-technical backgrounds."
                    ),
                    "information": barrier(
                        "Agents do not know when to hand a call to an application engineer, so "
                        "they guess instead of escalating.",
                        "communication",
                    ),
                }
            ),
            Diagnose(
                {
                    "resources": clear(
                        "The product catalogue holds thread and pressure data for every fitting."
                    ),
                    "incentives": clear("Agents are measured on resolution, not call length."),
                    "capacity": clear(),
                    "motives": clear(
                        "Agents say wrong-part calls are the ones they dread; they want to get "
                        "them right."
                    ),
                },
                conclude=True,
            ),
        ),
    ),
    RequestSpec(
        title="Stay conversations for managers of high-turnover teams",
        requester="hr_mgr",
        partner="ld",
        age=45,
        idle=20,
        priority="talent",
        kpi="voluntary_attrition",
        business_objective=(
            "Bring voluntary attrition from 12.5% to 11% within twelve months, starting with "
            "the teams above 18%."
        ),
        audience_and_behaviours=(
            "Managers of the 15 teams with the highest attrition: hold a stay conversation "
            "with each person twice a year and act on what they hear."
        ),
        context_of_work=(
            "The monthly one-to-ones most managers already hold. Exit interviews show people "
            "leave without ever having raised their concerns."
        ),
        cost_of_inaction=(
            "Replacing a warehouse or service colleague costs about 9,000 EUR, an account "
            "executive about 45,000 EUR; last year's 280 leavers cost an estimated 3.6 M EUR."
        ),
        horizon_and_constraints=(
            "First conversations before the pay review in March; budget 35,000 EUR."
        ),
        steps=(
            Submit(blank=("cost_of_inaction",)),
            Submit(),
            Answer(
                {
                    "risk_and_cost": "Three of the 15 teams lost a third of their people last "
                    "year; each vacancy stays open for about five weeks.",
                }
            ),
            Diagnose(
                {
                    "knowledge": barrier(
                        "Eleven of fifteen managers said they would not know how to start a "
                        "conversation about whether someone intends to stay."
                    ),
                    "resources": clear("Monthly one-to-ones are in the calendar already."),
                }
            ),
            Diagnose(
                {
                    "information": clear("Managers receive a monthly attrition report."),
                    "incentives": clear("Retention is part of every manager's objectives."),
                    "capacity": clear(),
                    "motives": clear("Managers are worried about their vacancies and want help."),
                },
                conclude=True,
            ),
        ),
    ),
)
