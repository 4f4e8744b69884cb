"""The Five Ps canvas: Problem, Behaviour, Place, Prompt, Proof.

A program is designed around what people will *do* differently at work, where and when they do
it, and what reminds them to do it there — not around topics to cover. The canvas holds those
answers; the rules here say when a behaviour is not a behaviour ("understands pricing" cannot
be observed on the job) and when a description talks only about activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lodestar.errors import InvalidInput

#: Each part of the canvas with the question it answers and an example.
CANVAS_GUIDANCE: dict[str, tuple[str, str]] = {
    "problem": (
        "What is going wrong for the business, in one or two sentences, and how do you know?",
        "Customers call back about the same issue: 31% of contacts are repeats, costing about "
        "EUR 40,000 a month in handling time.",
    ),
    "behaviours": (
        "What will people do differently on the job? One observable action per line — "
        "something a manager could see or a system could record.",
        "Confirm the customer's issue is solved before closing the call",
    ),
    "place": (
        "Where and when does the behaviour happen in the workflow?",
        "On inbound support calls, at the moment the agent is about to close the ticket.",
    ),
    "prompt": (
        "What signal reminds people to act at that moment?",
        "A two-question checklist appears in the ticketing tool when the agent clicks 'Resolve'.",
    ),
    "proof": (
        "How will you know it worked: the KPI and the behaviour observations that show it?",
        "Repeat-contact rate (weekly, per agent) and team leads' 30/60/90-day call reviews.",
    ),
}

# Verbs that describe a state of mind, not an action anyone can observe at work.
_UNOBSERVABLE = re.compile(
    r"^\s*(?:to\s+)?(?:be\s+able\s+to\s+)?(?:"
    r"understands?|understanding|knows?|knowing|know\s+about|learns?|learning|"
    r"is\s+aware|are\s+aware|be\s+aware|awareness|appreciates?|appreciate|"
    r"grasps?|realises?|realizes?|recognises?\s+the\s+importance|recognizes?\s+the\s+importance|"
    r"believes?|feels?|values?|embraces?|internali[sz]es?|is\s+familiar|are\s+familiar|"
    r"be\s+familiar|becomes?\s+familiar|familiari[sz]es?|has\s+confidence|have\s+confidence|"
    r"is\s+comfortable|are\s+comfortable|be\s+comfortable|thinks?\s+about|is\s+mindful|"
    r"be\s+mindful|gains?\s+(?:insight|knowledge|an\s+understanding)"
    r")\b",
    re.IGNORECASE,
)

BEHAVIOUR_EXAMPLE = (
    "'Asks at least three discovery questions before presenting a price' instead of "
    "'understands the customer's needs'"
)
MAX_BEHAVIOUR_LENGTH = 120


def behaviour_problem(text: str) -> str | None:
    """Why ``text`` is not an observable behaviour, or ``None`` when it is one."""
    words = text.split()
    if not words:
        return "A behaviour cannot be empty."
    if len(text) > MAX_BEHAVIOUR_LENGTH:
        return (
            f"'{text[:40]}…' is {len(text)} characters long; keep one behaviour to one action "
            f"of at most {MAX_BEHAVIOUR_LENGTH} characters."
        )
    if _UNOBSERVABLE.match(text):
        return (
            f"'{text}' describes what people know or feel, which nobody can observe on the job. "
            f"Write what they will do instead, for example {BEHAVIOUR_EXAMPLE}."
        )
    if len(words) < 3:
        return (
            f"'{text}' is too short to observe. Say who does what, and when, for example "
            f"{BEHAVIOUR_EXAMPLE}."
        )
    return None


def check_behaviours(behaviours: list[str]) -> list[str]:
    """The behaviours, trimmed and de-duplicated, or an error naming every one that fails."""
    cleaned: list[str] = []
    problems: list[str] = []
    for raw in behaviours:
        text = " ".join(raw.split())
        if not text:
            continue
        issue = behaviour_problem(text)
        if issue:
            problems.append(issue)
        elif text.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(text)
    if problems:
        raise InvalidInput(" ".join(problems), details={"field": "behaviours"})
    return cleaned


@dataclass(frozen=True)
class FivePsCanvas:
    """The five answers of a program's design canvas."""

    problem: str = ""
    behaviours: tuple[str, ...] = ()
    place: str = ""
    prompt: str = ""
    proof: str = ""

    def missing(self) -> list[str]:
        """The parts still empty, in canvas order."""
        return [
            part
            for part in ("problem", "behaviours", "place", "prompt", "proof")
            if not (self.behaviours if part == "behaviours" else getattr(self, part).strip())
        ]


# Words that describe what a course contains or how much of it people consumed.
_ACTIVITY = re.compile(
    r"\b(topics?|modules?|units?|lessons?|chapters?|slides?|curriculum|syllabus|covers?|"
    r"covering|content|hours?|minutes?|half-day|full-day|days?\s+of\s+training|sessions?|"
    r"webinars?|e-?learning|attendance|attend(?:ees?|ing)?|enrol(?:l)?(?:ment|ed)?s?|"
    r"completion|completed|certificates?|introduction\s+to|overview\s+of|learn\s+about)\b",
    re.IGNORECASE,
)
# Words that tie a description to an outcome or to action on the job.
_OUTCOME = re.compile(
    r"(\b(reduce[sd]?|cut|lower|increase[sd]?|raise[sd]?|improve[sd]?|grow|shorten|"
    r"so\s+that|in\s+order\s+to|measured\s+by|kpi|metric|rate|per\s+cent|percent|"
    r"within\s+\d+\s+(?:days?|weeks?|months?))\b|\d+(?:\.\d+)?\s*%)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ActivityTalk:
    """What the activity-talk detector found in a description."""

    flagged: bool
    activity_words: tuple[str, ...] = field(default_factory=tuple)
    reason: str = ""


def detect_activity_talk(description: str, behaviours: tuple[str, ...] = ()) -> ActivityTalk:
    """Flag a description that speaks only of activity: topics, hours, modules, attendance.

    A description is flagged when it names activity and says nothing of an outcome (a metric,
    a change, a number) and mentions none of the program's target behaviours.
    """
    text = description.strip()
    if not text:
        return ActivityTalk(False)
    found = tuple(dict.fromkeys(m.group(0).lower() for m in _ACTIVITY.finditer(text)))
    if not found:
        return ActivityTalk(False)
    if _OUTCOME.search(text):
        return ActivityTalk(False, found)
    lowered = text.casefold()
    for behaviour in behaviours:
        key = " ".join(behaviour.casefold().split()[:3])
        if key and key in lowered:
            return ActivityTalk(False, found)
    listed = ", ".join(f"'{w}'" for w in found[:4])
    return ActivityTalk(
        True,
        found,
        f"This describes activity ({listed}) but not what people will do differently or "
        "which business number should move. Sponsors read that as a course, not a result: "
        "use the statement of intent beside it instead.",
    )
