"""Stakeholders: the influence x interest grid, the council agenda's kinds, and their checks.

Influence and interest are scored 1 (low) to 5 (high). The grid's four quadrants say how to
work with each person (after Mendelow's power-interest matrix): manage closely, keep
satisfied, keep informed, monitor.
"""

from __future__ import annotations

from typing import Literal, get_args

from lodestar.errors import InvalidInput

LEVEL_MIN, LEVEL_MAX = 1, 5
HIGH_FROM = 3  # 3, 4 and 5 count as high on either axis

Quadrant = Literal["manage_closely", "keep_satisfied", "keep_informed", "monitor"]
QUADRANTS: tuple[Quadrant, ...] = get_args(Quadrant)
QUADRANT_LABELS: dict[str, str] = {
    "manage_closely": "Manage closely",
    "keep_satisfied": "Keep satisfied",
    "keep_informed": "Keep informed",
    "monitor": "Monitor",
}
QUADRANT_ADVICE: dict[str, str] = {
    "manage_closely": "Involve them in priorities and the council; brief them before launches.",
    "keep_satisfied": "Bring them results in business terms; ask little of their time.",
    "keep_informed": "Send regular updates and invite them to pilots.",
    "monitor": "Keep them on the update list and watch for a change of interest.",
}

AgendaKind = Literal["new_requests", "pilots", "results", "decisions_needed", "other"]
AGENDA_KINDS: tuple[AgendaKind, ...] = get_args(AgendaKind)
AGENDA_LABELS: dict[str, str] = {
    "new_requests": "New requests by priority",
    "pilots": "Pilots launching or due",
    "results": "Results ready",
    "decisions_needed": "Decisions needed",
    "other": "Other business",
}
MAX_TEXT = 4000


def quadrant(influence: int, interest: int) -> Quadrant:
    high_influence = influence >= HIGH_FROM
    high_interest = interest >= HIGH_FROM
    if high_influence and high_interest:
        return "manage_closely"
    if high_influence:
        return "keep_satisfied"
    if high_interest:
        return "keep_informed"
    return "monitor"


def check_level(value: int, field: str) -> int:
    if not LEVEL_MIN <= value <= LEVEL_MAX:
        raise InvalidInput(
            f"{field.capitalize()} is scored from {LEVEL_MIN} (low) to {LEVEL_MAX} (high); "
            f"{value} is outside that range.",
            details={"field": field},
        )
    return value


def check_text(value: str, field: str, *, required: bool = False, most: int = MAX_TEXT) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} is empty. Write a few words so others can "
            "recognise it later.",
            details={"field": field},
        )
    if len(text) > most:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} is {len(text):,} characters long; keep it to "
            f"{most:,} or fewer.",
            details={"field": field},
        )
    return text
