"""The statement of intent: what a program is expected to move, by how much, how, and by when.

Written in the sponsor's language from the canvas and the metric that matters — "This program
is expected to reduce repeat contacts by 15% within 60 days by getting agents to …" — not a
list of topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class IntentInputs:
    """What the statement is generated from."""

    kpi_name: str
    kpi_unit: str
    direction: str  # "up" or "down": which way is good
    baseline: float | None
    target: float | None
    horizon: date | None
    start: date | None
    audience: str
    behaviours: tuple[str, ...]


def _amount(value: float, unit: str) -> str:
    magnitude = abs(value)
    text = f"{magnitude:,.0f}" if magnitude >= 100 else f"{magnitude:,.2f}".rstrip("0").rstrip(".")
    unit = unit.strip()
    if unit in ("%", "percent"):
        return f"{text} percentage points"
    if unit.upper() in ("EUR", "USD", "GBP", "CHF"):
        return f"{unit.upper()} {text}"
    return f"{text} {unit}".strip()


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


_IRREGULAR = {"has": "have", "is": "be", "does": "do", "goes": "go"}


def _base_form(behaviour: str) -> str:
    """'Answers a price objection' → 'answer a price objection', so it reads after "to"."""
    first, _, rest = behaviour.partition(" ")
    word = first.lower()
    if word in _IRREGULAR:
        word = _IRREGULAR[word]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("shes", "ches", "xes", "zes", "sses", "oes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    else:
        return _lower_first(behaviour)
    return f"{word} {rest}".strip()


def statement_of_intent(data: IntentInputs) -> str:
    """One sentence a sponsor can hold the program to; says plainly what is still missing."""
    kpi = _lower_first(data.kpi_name.strip()) or "its metric"
    if data.baseline is not None and data.target is not None and data.target != data.baseline:
        change = data.target - data.baseline
        verb = "raise" if change > 0 else "reduce"
        how_much = f" by {_amount(change, data.kpi_unit)}"
        if data.baseline:
            how_much += f" ({abs(change) / abs(data.baseline):.0%} of its baseline)"
        what = f"{verb} {kpi}{how_much}, from {_amount(data.baseline, data.kpi_unit)} to " + (
            f"{_amount(data.target, data.kpi_unit)}"
        )
        if (change > 0) != (data.direction == "up"):
            what += " — the direction this KPI counts as worse, so check the target"
    else:
        verb = "raise" if data.direction == "up" else "reduce"
        what = f"{verb} {kpi} (no baseline and target set yet)"
    when = ""
    if data.horizon is not None:
        if data.start is not None and data.horizon > data.start:
            when = f" within {(data.horizon - data.start).days} days"
        else:
            when = f" by {data.horizon.isoformat()}"
    who = data.audience.strip() or "participants"
    if data.behaviours:
        levers = len(data.behaviours)
        noun = "lever" if levers == 1 else "levers"
        how = f" through {levers} behavioural {noun}: getting {who} to " + _join(
            [_base_form(b.rstrip(".")) for b in data.behaviours]
        )
    else:
        how = " (no target behaviour named yet: say what people will do differently)"
    return f"This program is expected to {what}{when}{how}."
