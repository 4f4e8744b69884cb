"""The programs L&D made from the story's accepted requests, and their known answers.

Each :class:`~.story_program_steps.Design` is what the learning partner typed on the program
pages for one request (:mod:`.story_requests_programs` plays it as a step of that request):
the program's metric that matters (baseline and target from the request's own objective), its
start and horizon, its Five Ps canvas and its budget as fully loaded costs. Dates are fixed
against the data: the seasonal-warehouse pilot starts on the Monday of history week 100, the
October intake; the programs still in design start in early 2027, after the history ends.

:data:`STORY_PROGRAMS_TRUTH` is stored with the demo's design truth
(``workspace_meta['demo_design_truth']['story_programs']``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from lodestar.analytics.demo.calendar import monday_iso
from lodestar.services.demo.story_program_steps import CanvasPlan, Design
from lodestar.services.programs import CostInput

#: The seasonal-warehouse pilot starts with the October intake (history week 100, 2026-10-26)
#: and is read eight weeks later, before the December peak.
WAREHOUSE_START = date.fromisoformat(monday_iso(100))
WAREHOUSE_HORIZON = WAREHOUSE_START + timedelta(weeks=8)
#: The first 90 days are designed for the January intake; the new hires' time to productivity
#: is read 120 days after they start.
AE_START = date(2027, 1, 4)
AE_HORIZON = AE_START + timedelta(days=120)
#: Launch readiness is tried on the launches from January; clear replies start after the
#: January peak, for one quarter.
LAUNCHES_START = date(2027, 1, 4)
REPLIES_START = date(2027, 2, 1)

FIRST_90_DAYS = Design(
    code="first_90_days",
    description=(
        "A 90-day path for new account executives: a first-month target of ten customer "
        "meetings, the manager at the first three, a product-family quiz in week three and a "
        "first-meeting checklist, to cut time to productivity from 100 to 70 days."
    ),
    baseline=100.0,
    target=70.0,
    start=AE_START,
    horizon=AE_HORIZON,
    canvas=CanvasPlan(
        audience="new account executives",
        behaviours=(
            "Books ten customer meetings in the first month",
            "Brings their manager to the first three customer meetings",
            "Runs the first-meeting checklist before each new customer",
        ),
        place="Customer meetings in the territory during the first three months, prepared in "
        "the CRM.",
        prompt="Each Monday the CRM shows the new hire's meeting count against the first-month "
        "target; the manager's calendar holds the three joint meetings from day one.",
        proof="Time to productivity (days until the first month at 80% of the team-average "
        "pipeline); managers' ride-along notes at 30, 60 and 90 days.",
        formats=("coaching", "checklist", "micro_learning"),
    ),
    costs=CostInput(
        currency="EUR",
        needs_assessment=2_000.0,
        design_and_development=14_000.0,
        delivery=8_000.0,
        facilities_and_travel=6_000.0,
        participant_hours=16.0,
        loaded_hourly_rate=55.0,
        overhead=4_000.0,
        evaluation=3_000.0,
    ),  # fmt: skip
)
LAUNCH_READINESS = Design(
    code="launch_readiness",
    description=(
        "One shared launch checklist owned by product management, a 20-minute walkthrough at "
        "each gate and the checklist as a job aid, to cut time to market from 14 to 10 weeks."
    ),
    baseline=14.0,
    target=10.0,
    start=LAUNCHES_START,
    horizon=LAUNCHES_START + timedelta(weeks=26),
    canvas=CanvasPlan(
        audience="product managers and engineers",
        behaviours=(
            "Completes the launch checklist before each stage gate",
            "Sends the catalogue team the product data two weeks before listing",
        ),
        place="Stage-gate meetings for new products, and the last two weeks before a product "
        "is listed in the catalogue.",
        prompt="Each gate's meeting invitation carries the checklist, and the gate cannot close "
        "with an item open.",
        proof="Time to market per launch, in weeks from approval to the first order; the "
        "checklist's completion at each gate.",
        formats=("checklist", "job_aid"),
    ),
    costs=CostInput(  # no budget beyond people's time
        currency="EUR",
        participant_hours=3.0,
        loaded_hourly_rate=65.0,
        overhead=1_000.0,
    ),  # fmt: skip
)
CLEAR_REPLIES = Design(
    code="clear_replies",
    description=(
        "Five-minute daily writing drills inside the queue, a reply checklist in the service "
        "desk tool and peer review of two replies a week, to raise satisfaction on written "
        "contacts from 78% to 87%."
    ),
    baseline=78.0,
    target=87.0,
    start=REPLIES_START,
    horizon=REPLIES_START + timedelta(weeks=13),
    canvas=CanvasPlan(
        audience="agents who answer email and chat",
        behaviours=(
            "Puts the answer in the first sentence of every reply",
            "Names the next step at the end of each reply",
        ),
        place="The email and chat queues in the service desk tool, while each reply is written.",
        prompt="The reply checklist opens in the service desk tool when an agent clicks 'Send' "
        "on a written reply.",
        proof="Customer satisfaction on written contacts, weekly; two peer-reviewed replies a "
        "week per agent.",
        formats=("micro_learning", "checklist", "coaching"),  # peer review is peer coaching
    ),
    costs=CostInput(
        currency="EUR",
        design_and_development=6_000.0,
        delivery=2_000.0,
        participant_hours=10.0,
        loaded_hourly_rate=32.0,
        overhead=1_500.0,
        evaluation=1_000.0,
    ),  # fmt: skip
)
SEASONAL_ONBOARDING = Design(
    code="seasonal_onboarding",
    description=(
        "Seasonal pickers in DC North get a daily target card, three short scanner drills and "
        "a named buddy, to cut their time to the standard pick rate from 21 to 10 days; DC "
        "South onboards as before and is the comparison."
    ),
    baseline=21.0,
    target=16.0,  # the pilot's registered expectation: 5 days sooner
    start=WAREHOUSE_START,
    horizon=WAREHOUSE_HORIZON,
    canvas=CanvasPlan(
        audience="seasonal pickers",
        behaviours=(
            "Follows the scanner's pick route on every order",
            "Asks their named buddy when a location is unclear",
        ),
        place="The first two weeks on the warehouse floor in DC North during the Q4 peak, on "
        "handheld scanners.",
        prompt="The target card handed out at each shift start, and the scanner's 'location "
        "unclear' button, which calls the buddy.",
        proof="Days until a seasonal picker first reaches the standard pick rate, DC North "
        "against DC South; shift leads' observations on day 10.",
        formats=("job_aid", "micro_learning", "internal_gig"),
    ),
    costs=CostInput(
        currency="EUR",
        needs_assessment=1_000.0,
        design_and_development=5_000.0,
        delivery=3_000.0,
        participant_hours=1.5,
        loaded_hourly_rate=28.0,
        overhead=2_000.0,
        evaluation=1_500.0,
    ),  # fmt: skip
)
#: Known answers for the programs the story makes from requests (``demo_design_truth``).
STORY_PROGRAMS_TRUTH: dict[str, Any] = {
    design.code: {
        "request": title,
        "request_state": "in_design",
        "baseline": design.baseline,
        "target": design.target,
    }
    for design, title in (
        (FIRST_90_DAYS, "The first 90 days for new account executives"),
        (LAUNCH_READINESS, "Launch readiness for new products"),
        (CLEAR_REPLIES, "Writing clear replies in email and chat"),
    )
} | {
    SEASONAL_ONBOARDING.code: {
        "request": "Structured onboarding for seasonal warehouse staff",
        "request_state": "pilot",
        "baseline": SEASONAL_ONBOARDING.baseline,
        "target": SEASONAL_ONBOARDING.target,
        "launched_on": WAREHOUSE_START.isoformat(),
        "registered_effect": SEASONAL_ONBOARDING.target - SEASONAL_ONBOARDING.baseline,
        "horizon": WAREHOUSE_HORIZON.isoformat(),
        "evaluation_design": "selection_on_observables",
    },
}
