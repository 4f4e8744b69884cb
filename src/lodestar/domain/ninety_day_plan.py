"""The 90-day plan from reactive to strategic: nine items in three phases of 30 days.

Each item is checked automatically from the data where the data can say it is done (ten
interviews logged: count them) and ticked by hand otherwise. An item not done by the last day
of its phase is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from lodestar.errors import InvalidInput

PlanStatus = Literal["done", "late", "due", "upcoming"]
PHASE_DAYS: dict[int, tuple[int, int]] = {1: (1, 30), 2: (31, 60), 3: (61, 90)}
PHASE_TITLES: dict[int, str] = {
    1: "Days 1–30: listen and map",
    2: "Days 31–60: set the rules of the game",
    3: "Days 61–90: show results",
}
INTERVIEW_GOAL = 10
STAKEHOLDERS_TO_MAP = 5
TOP_PROGRAMS = 10


@dataclass(frozen=True)
class PlanItemSpec:
    key: str
    phase: int
    title: str
    check: str  # how it is checked, in words
    automatic: bool


PLAN_ITEMS: tuple[PlanItemSpec, ...] = (
    PlanItemSpec(
        "map_stakeholders", 1, "Map the stakeholders",
        f"Done when at least {STAKEHOLDERS_TO_MAP} stakeholders are placed on the influence "
        "and interest grid.", True,
    ),
    PlanItemSpec(
        "ten_interviews", 1, f"Hold {INTERVIEW_GOAL} stakeholder interviews",
        f"Counts the interviews in the log; done at {INTERVIEW_GOAL}.", True,
    ),
    PlanItemSpec(
        "heat_map", 1, "Prioritise the portfolio on an impact heat map",
        "Done when leaders have weighted every active priority and at least one item has an "
        "expected impact.", True,
    ),
    PlanItemSpec(
        "business_language", 2, "Rewrite the top programs in business language",
        f"Done when none of the top {TOP_PROGRAMS} programs by score is described only by its "
        "activity (topics, hours, sessions).", True,
    ),
    PlanItemSpec(
        "one_metric", 2, "Intake questions and one metric for every program",
        "Done when no program and no open request is left without a metric.", True,
    ),
    PlanItemSpec(
        "micro_interventions", 2, "Prepare micro-interventions",
        "Done when a program uses a job aid, a checklist, a prompt or a micro-learning "
        "series.", True,
    ),
    PlanItemSpec(
        "pilot", 3, "Launch one pilot with a clear objective",
        "Done when a pilot's expected effect has been registered at launch.", True,
    ),
    PlanItemSpec(
        "impact_brief", 3, "Send leadership a one-page impact brief",
        "Ticked by hand when the brief has gone out.", False,
    ),
    PlanItemSpec(
        "community", 3, "Start a community of practice",
        "Done when a program takes the form of a community of practice.", True,
    ),
)  # fmt: skip
PLAN_KEYS: tuple[str, ...] = tuple(i.key for i in PLAN_ITEMS)
ITEMS_BY_KEY: dict[str, PlanItemSpec] = {i.key: i for i in PLAN_ITEMS}


def due_date(started_on: date, phase: int) -> date:
    """The last day of ``phase`` for a plan started on ``started_on`` (day 1)."""
    return started_on + timedelta(days=PHASE_DAYS[phase][1] - 1)


def day_of_plan(started_on: date, today: date) -> int:
    """Day 1 is the start date."""
    return (today - started_on).days + 1


def item_status(done: bool, phase: int, started_on: date, today: date) -> PlanStatus:
    if done:
        return "done"
    day = day_of_plan(started_on, today)
    first, last = PHASE_DAYS[phase]
    if day > last:
        return "late"
    if day >= first:
        return "due"
    return "upcoming"


def manual_item(key: str) -> PlanItemSpec:
    """The plan item ``key``, if it is one ticked by hand; otherwise a clear refusal."""
    spec = ITEMS_BY_KEY.get(key)
    if spec is None:
        names = ", ".join(PLAN_KEYS)
        raise InvalidInput(f"'{key}' is not an item of the 90-day plan. Choose one of: {names}.")
    if spec.automatic:
        raise InvalidInput(
            f"'{spec.title}' is checked from the data, so it cannot be ticked by hand. {spec.check}"
        )
    return spec
