"""The training request that must justify itself: its five required fields and completeness rule.

A request is complete when each of the five fields says something a partner can act on.
An incomplete request is never rejected into the void: it is kept, and the requester is
told exactly which fields are missing and why each one matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lodestar.errors import MissingField

MIN_ANSWER_CHARS = 12


@dataclass(frozen=True)
class IntakeField:
    name: str
    label: str
    help: str
    example: str
    why: str


INTAKE_FIELDS: tuple[IntakeField, ...] = (
    IntakeField(
        name="business_objective",
        label="Business objective",
        help="Name the one business indicator you want to change, and by how much.",
        example="Lift meeting-to-proposal conversion in the Nordic sales team from 22% to 28%.",
        why="Without one indicator we cannot tell later whether anything we build worked.",
    ),
    IntakeField(
        name="audience_and_behaviours",
        label="Target audience and behaviours",
        help="Who should act differently, and what should they do that they do not do today?",
        example="The 40 account executives: run a structured discovery call before every proposal.",
        why="Programs succeed when they target what people do on the job, not what they know.",
    ),
    IntakeField(
        name="context_of_work",
        label="Context of work",
        help="When and where does the behaviour happen? Which tools, meetings or moments?",
        example="First customer meetings, mostly video calls, logged in the CRM the same day.",
        why="Support has to reach people in the moment the behaviour happens, not weeks before.",
    ),
    IntakeField(
        name="cost_of_inaction",
        label="Cost of inaction",
        help="What does it cost if nothing is done: money, risk, missed deadlines?",
        example="About 1.2 M in lost pipeline per quarter; two key accounts at risk of churn.",
        why="The cost of doing nothing is what the program's cost is weighed against.",
    ),
    IntakeField(
        name="horizon_and_constraints",
        label="Time horizon and constraints",
        help="By when must the result show, and what limits apply (budget, blackout periods)?",
        example="Results by end of Q3; budget 40k; no sessions in the last two weeks of a quarter.",
        why="Deadlines and blackout periods decide which formats and pilot windows are possible.",
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in INTAKE_FIELDS)
FIELDS_BY_NAME: dict[str, IntakeField] = {f.name: f for f in INTAKE_FIELDS}


def missing_fields(answers: Mapping[str, str | None]) -> list[MissingField]:
    """The required fields that are blank or too short to act on, in form order."""
    missing: list[MissingField] = []
    for f in INTAKE_FIELDS:
        text = (answers.get(f.name) or "").strip()
        if not text:
            missing.append(MissingField(f.name, f.label, f"{f.label} is empty. {f.why}"))
        elif len(text) < MIN_ANSWER_CHARS:
            missing.append(
                MissingField(
                    f.name,
                    f.label,
                    f"{f.label} is too short to act on (at least {MIN_ANSWER_CHARS} characters). "
                    f"{f.why}",
                )
            )
    return missing


def missing_message(missing: list[MissingField]) -> str:
    """One sentence naming every missing field and what to do."""
    names = ", ".join(m.label.lower() for m in missing)
    plural = "fields need" if len(missing) > 1 else "field needs"
    return (
        f"Your request was saved as 'needs information': {len(missing)} {plural} an answer "
        f"({names}). Add them and submit again."
    )


@dataclass(frozen=True)
class StakeholderQuestion:
    key: str
    question: str
    purpose: str


STAKEHOLDER_QUESTIONS: tuple[StakeholderQuestion, ...] = (
    StakeholderQuestion(
        "quarterly_goals",
        "Which of your goals for this quarter does this request serve?",
        "Ties the request to what the requester is measured on.",
    ),
    StakeholderQuestion(
        "lead_and_lag",
        "Which early signal (lead metric) would tell us within weeks that it is working, "
        "and which result (lag metric) proves it?",
        "Gives the pilot something to watch before the quarterly number moves.",
    ),
    StakeholderQuestion(
        "risk_and_cost",
        "What is at risk, and what does it cost each month if nothing changes?",
        "Sizes the problem and the budget it can justify.",
    ),
    StakeholderQuestion(
        "one_metric",
        "If you could move only one number, which would it be?",
        "Forces a single metric that matters instead of a wish list.",
    ),
    StakeholderQuestion(
        "no_course",
        "If nobody could attend a course, how would we still reach the result?",
        "Surfaces process, tool and incentive fixes before training is assumed.",
    ),
)

STAKEHOLDER_KEYS: tuple[str, ...] = tuple(q.key for q in STAKEHOLDER_QUESTIONS)
