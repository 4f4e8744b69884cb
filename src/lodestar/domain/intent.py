"""The statement of intent: what a program is expected to move, by how much, how, and by when.

Written in the sponsor's language from the canvas and the metric that matters — "This program
is expected to reduce repeat contacts by 15% within 60 days by getting agents to …" — not a
list of topics.

Three kinds of outcome read differently, so the sentence follows the program's evaluation
design (``domain.evaluation``) and the KPI's unit:

- on a KPI panel (the default), the target is a new *level*: the statement says which way the
  KPI moves, by how much and from where to where, and flags a target on the side the KPI counts
  as worse;
- *time to productivity*: the target is the *standard* a new hire reaches (54 order lines an
  hour), not a level the KPI should move to, and what the program changes is how soon people
  get there (the analysis, ``services.impact.ramp``, reads the target as that threshold). The
  KPI's mean before the start is no baseline for that, so it is not compared with the
  standard, and a standard below today's average is no "wrong direction";
- *retention*: what changes is who stays. The KPI is a leaving rate (fewer is better) or a
  staying rate (more is better); either way the statement says the program keeps people.

A KPI that is itself a span of time ("Time to productivity" in days) or counts over a window
("Leavers within 90 days of hire") already has a number of days in it, so the horizon is given
as a date ("result due 2027-01-04"), never as "within 365 days" beside "within 90 days". Levels
of a percentage are written as percentages (from 18% to 15%), changes in percentage points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lodestar.domain.numbers import change_unit


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
    design: str = ""  # the program's evaluation design (domain.evaluation); "" = a KPI panel


#: Units that make a KPI a span of time (its first word, singular or plural).
_TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "working day", "week", "month", "year"}
    | {"seconds", "minutes", "hours", "days", "working days", "weeks", "months", "years"}
)
#: A window of time in a KPI's name: "within 90 days", "in the first 12 weeks", "90-day".
_WINDOW = re.compile(
    r"\b(?:within|in\s+the\s+first|after|before|inside)\s+\d+\s*"
    r"(?:day|week|month|year)s?\b|\b\d+[-\s](?:day|week|month|year)\b",
    re.IGNORECASE,
)


def is_time_unit(unit: str) -> bool:
    """Whether a KPI in ``unit`` measures a span of time (days, weeks, …)."""
    words = unit.strip().lower().split()
    return bool(words) and (words[0] in _TIME_UNITS or " ".join(words[:2]) in _TIME_UNITS)


def _number(value: float) -> str:
    magnitude = abs(value)
    return f"{magnitude:,.0f}" if magnitude >= 100 else f"{magnitude:,.2f}".rstrip("0").rstrip(".")


def _change(value: float, unit: str) -> str:
    """A change in the KPI, in the unit a change is in: "3 percentage points", "EUR 1,000"."""
    return _with_unit(_number(value), change_unit(unit))


def _level(value: float, unit: str) -> str:
    """A level of the KPI: "18.5%", "83.6% satisfied", "EUR 9,328", "64 days"."""
    u = unit.strip()
    if u.startswith("%"):
        return f"{_number(value)}{u}"
    if u == "percent":
        return f"{_number(value)}%"
    return _with_unit(_number(value), u)


def _with_unit(text: str, unit: str) -> str:
    unit = unit.strip()
    if unit in ("percent",):
        return f"{text} percentage points"
    if unit.upper() in ("EUR", "USD", "GBP", "CHF"):
        return f"{unit.upper()} {text}"
    return f"{text} {unit}".strip()


def _span(baseline: float, target: float, unit: str) -> str:
    """From where to where: "from 18.5% to 15%", or "from 85 to 64 days" for a time unit."""
    if is_time_unit(unit):
        return f"from {_number(baseline)} to {_level(target, unit)}"
    return f"from {_level(baseline, unit)} to {_level(target, unit)}"


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


def _level_change(data: IntentInputs, kpi: str) -> str:
    """The KPI moving from its baseline to its target: "reduce X by 3 points (…), from … to …"."""
    if data.baseline is None or data.target is None or data.target == data.baseline:
        verb = "raise" if data.direction == "up" else "reduce"
        return f"{verb} {kpi} (no baseline and target set yet)"
    change = data.target - data.baseline
    verb = "raise" if change > 0 else "reduce"
    how_much = f" by {_change(change, data.kpi_unit)}"
    if data.baseline:
        share = f"{abs(change) / abs(data.baseline):.0%} of its baseline"
        # "2 percentage points (annualised)" takes the share inside its own brackets.
        bracketed = how_much.endswith(")")
        how_much = f"{how_much[:-1]}; {share})" if bracketed else f"{how_much} ({share})"
    what = f"{verb} {kpi}{how_much}, {_span(data.baseline, data.target, data.kpi_unit)}"
    if (change > 0) != (data.direction == "up"):
        what += " — the direction this KPI counts as worse, so check the target"
    return what


def _time_to_standard(data: IntentInputs, kpi: str, who: str) -> str:
    """Time to productivity: the target is the standard new hires reach, sooner."""
    if data.target is None:
        return (
            f"bring {who} to the {kpi} standard sooner (no standard set yet: set the program's "
            "target to the level that counts as productive)"
        )
    bound = "or more" if data.direction != "down" else "or less"
    standard = f"{_level(data.target, data.kpi_unit)} {bound}"
    return f"bring {who} to the {kpi} standard ({standard}) sooner than new hires without it"


def _outcome(data: IntentInputs, kpi: str) -> str:
    """What the program should change, in the words its design reads the KPI in."""
    who = data.audience.strip() or "new hires"
    if data.design == "time_to_productivity":
        return _time_to_standard(data, kpi, who)
    moved = _level_change(data, kpi)
    if data.design == "retention":
        return f"keep more people from leaving: {moved}"
    return moved


def _when(data: IntentInputs) -> str:
    """By when: "within 60 days" of the start, or a date where days would read as the KPI's."""
    if data.horizon is None:
        return ""
    dated = (
        data.design in ("retention", "time_to_productivity")
        or is_time_unit(data.kpi_unit)
        or _WINDOW.search(data.kpi_name) is not None
    )
    if dated:
        return f" (result due {data.horizon.isoformat()})"
    if data.start is not None and data.horizon > data.start:
        return f" within {(data.horizon - data.start).days} days"
    return f" by {data.horizon.isoformat()}"


def statement_of_intent(data: IntentInputs) -> str:
    """One sentence a sponsor can hold the program to; says plainly what is still missing."""
    kpi = _lower_first(data.kpi_name.strip()) or "its metric"
    what = _outcome(data, kpi)
    who = data.audience.strip() or "participants"
    if data.behaviours:
        levers = len(data.behaviours)
        noun = "lever" if levers == 1 else "levers"
        how = f" through {levers} behavioural {noun}: getting {who} to " + _join(
            [_base_form(b.rstrip(".")) for b in data.behaviours]
        )
    else:
        how = " (no target behaviour named yet: say what people will do differently)"
    return f"This program is expected to {what}{_when(data)}{how}."
