"""Portfolio scoring: expected impact, strategic weight, confidence, effort, and the 80/20 cut.

Every open request and every program is scored on the same four questions, each answered
from stored data where it exists and from a stated assumption where it does not:

- **expected impact**, in money a year: the KPI value at stake (the gap from baseline to
  target x the money value of one unit x the people affected) times the share of that gap the
  item can plausibly close. The share is the measured effect where a stored result exists,
  the effect registered at a pilot's launch otherwise, and ``DEFAULT_EFFECT_SHARE`` when
  nothing is known. Without a KPI with a money value, the requester's numeric cost of
  inaction takes the place of the value at stake. Every assumption is returned as a sentence.
- **strategic weight**: the weight leaders give the item's priority, 0 to ``MAX_WEIGHT``; an
  item that serves no priority has weight 0 (it serves no must-win).
- **confidence**, 0 to 1: from the stored evidence grade where a result exists, otherwise from
  the evaluation design, otherwise from how far the request has been diagnosed.
- **effort**: days of L&D work, ``DEFAULT_EFFORT_DAYS`` when not estimated.

The priority score is weighted, confidence-adjusted expected value per day of L&D effort::

    score = expected impact x confidence x (weight / MAX_WEIGHT) / effort days

The scheme follows the reach x impact x confidence / effort family of product-portfolio scores
(Intercom's RICE), with reach and impact replaced by the money value of the KPI gap, as
Phillips' ROI methodology values a unit of a business measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from lodestar.domain.numbers import format_number
from lodestar.errors import InvalidInput

ItemKind = Literal["request", "program"]
Origin = Literal["planned", "ad_hoc"]
ImpactBasis = Literal["kpi", "cost_of_inaction", "none"]
EffectSource = Literal["measured", "registered", "assumed"]

ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
ORIGINS: tuple[Origin, ...] = get_args(Origin)
ORIGIN_LABELS: dict[str, str] = {
    "planned": "Planned from the strategy",
    "ad_hoc": "Ad hoc (asked for outside the plan)",
}

MAX_WEIGHT = 5
DEFAULT_WEIGHT = 3  # a priority whose weight leaders have not set yet
DEFAULT_EFFECT_SHARE = 0.25
DEFAULT_EFFORT_DAYS = 10.0
MAX_EFFORT_DAYS = 10_000.0
MAX_PEOPLE = 10_000_000
PARETO_SHARE = 0.8

#: Confidence from a stored result's evidence grade (analytics.evidence).
CONFIDENCE_BY_EVIDENCE: dict[str, float] = {
    "strong": 0.9,
    "moderate": 0.7,
    "weak": 0.4,
    "none": 0.25,
}
#: Confidence from the evaluation design when no result is stored (domain.evaluation).
CONFIDENCE_BY_DESIGN: dict[str, float] = {
    "randomised": 0.6,
    "staggered": 0.5,
    "selection_on_observables": 0.4,
    "retention": 0.4,
    "time_to_productivity": 0.4,
}
CONFIDENCE_NO_DESIGN = 0.3
CONFIDENCE_DIAGNOSED = 0.35  # a request whose diagnosis concluded a learning solution
CONFIDENCE_UNDIAGNOSED = 0.2

#: Expected-impact bands of the heat map (lower bounds, money a year), lowest first.
IMPACT_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "under 10k"),
    (10_000.0, "10k to 100k"),
    (100_000.0, "100k to 1M"),
    (1_000_000.0, "1M and more"),
)
NOT_ESTIMATED = "not estimated"


@dataclass(frozen=True)
class ImpactInputs:
    """What expected impact is computed from; ``None`` where the data holds nothing."""

    kpi_name: str | None = None
    unit: str = ""
    direction: str = "up"
    per_person: bool = True  # the KPI's money value is per person (employee grain)
    baseline: float | None = None
    target: float | None = None
    value_per_unit: float | None = None
    currency: str = "EUR"
    people: int | None = None
    effect: float | None = None  # in KPI units, signed as the KPI moves
    effect_source: EffectSource = "assumed"
    cost_of_inaction: float | None = None  # money a year, as the requester put it
    # Why the share is assumed, when it is (a sentence's end, after "Assumed to close 30% of
    # the gap: ").
    assumed_because: str = "no effect has been measured or registered yet"


@dataclass(frozen=True)
class ExpectedImpact:
    value: float | None  # money a year; None when it cannot be estimated
    at_stake: float | None
    share: float | None  # of the gap (or of the cost of inaction) expected to be closed
    basis: ImpactBasis
    assumptions: tuple[str, ...]


def _money(x: float, currency: str) -> str:
    return f"{format_number(x, 0)} {currency}"


def _share_from_effect(effect: float, gap: float, direction: str) -> float:
    """The share of the gap an effect closes: 0 when it moves the wrong way, at most 1."""
    good = effect if direction == "up" else -effect
    if gap <= 0:
        return 0.0
    return min(max(good / gap, 0.0), 1.0)


def expected_impact(data: ImpactInputs) -> ExpectedImpact:
    """The money a year the item can be expected to bring, with every assumption in words."""
    notes: list[str] = []
    kpi_ready = (
        data.kpi_name is not None
        and data.baseline is not None
        and data.target is not None
        and data.value_per_unit is not None
        and (data.people or 0) > 0
    )
    if kpi_ready:
        assert data.baseline is not None and data.target is not None  # for mypy
        assert data.value_per_unit is not None
        gap = abs(data.target - data.baseline)
        units = (data.people or 0) if data.per_person else 1
        at_stake = gap * data.value_per_unit * units
        who = f"{format_number(units, 0)} people" if data.per_person else "the KPI as a whole"
        notes.append(
            f"Value at stake: the gap of {format_number(gap, 2)} {data.unit} on "
            f"{data.kpi_name} x {_money(data.value_per_unit, data.currency)} per unit x {who} "
            f"= {_money(at_stake, data.currency)} a year."
        )
        if data.effect is not None and data.effect_source != "assumed":
            share = _share_from_effect(data.effect, gap, data.direction)
            source = "measured" if data.effect_source == "measured" else "registered at launch"
            notes.append(
                f"The effect {source} ({format_number(data.effect, 2, sign=True)} {data.unit}) "
                f"closes {format_number(100 * share, 0)}% of the gap."
            )
        else:
            share = DEFAULT_EFFECT_SHARE
            notes.append(
                f"Assumed to close {format_number(100 * share, 0)}% of the gap: "
                f"{data.assumed_because}."
            )
        return ExpectedImpact(at_stake * share, at_stake, share, "kpi", tuple(notes))
    if data.cost_of_inaction is not None and data.cost_of_inaction > 0:
        share = DEFAULT_EFFECT_SHARE
        notes.append(
            f"No KPI with a money value and an audience size, so the requester's cost of "
            f"inaction ({_money(data.cost_of_inaction, data.currency)} a year) stands for the "
            f"value at stake; assumed to remove {format_number(100 * share, 0)}% of it."
        )
        value = data.cost_of_inaction * share
        return ExpectedImpact(value, data.cost_of_inaction, share, "cost_of_inaction", tuple(notes))
    missing = []
    if data.kpi_name is None:
        missing.append("a metric")
    else:
        if data.baseline is None or data.target is None:
            missing.append("a baseline and target")
        if data.value_per_unit is None:
            missing.append("a money value per unit of its KPI")
        if not data.people:
            missing.append("the number of people affected")
    missing.append("or a numeric cost of inaction")
    notes.append("Not estimated: it needs " + ", ".join(missing) + ".")
    return ExpectedImpact(None, None, None, "none", tuple(notes))


def confidence(
    *, evidence: str | None, design: str | None, diagnosed: bool = False
) -> tuple[float, str]:
    """Confidence (0 to 1) and where it comes from, in words."""
    if evidence in CONFIDENCE_BY_EVIDENCE:
        return CONFIDENCE_BY_EVIDENCE[evidence], f"the stored result's evidence is {evidence}"
    if design:
        value = CONFIDENCE_BY_DESIGN.get(design, CONFIDENCE_NO_DESIGN)
        return value, f"no result yet; from its evaluation design ({design.replace('_', ' ')})"
    if diagnosed:
        return CONFIDENCE_DIAGNOSED, "no result yet; the diagnosis found a learning need"
    return CONFIDENCE_UNDIAGNOSED, "no result and no concluded diagnosis yet"


def priority_score(
    value: float | None, confidence_value: float, weight: int, effort_days: float
) -> float | None:
    """Weighted, confidence-adjusted expected value per day of L&D effort; None when the
    expected impact is unknown."""
    if value is None:
        return None
    return value * confidence_value * (weight / MAX_WEIGHT) / max(effort_days, 0.5)


def impact_band(value: float | None) -> str:
    """The heat map's column for an expected impact."""
    if value is None:
        return NOT_ESTIMATED
    name = IMPACT_BANDS[0][1]
    for floor, band in IMPACT_BANDS:
        if value >= floor:
            name = band
    return name


def pareto_cut(values: Sequence[float | None], share: float = PARETO_SHARE) -> int:
    """How many of ``values`` (sorted largest first) together carry ``share`` of their total:
    the items above the 80/20 line. Unknown values carry nothing; 0 when the total is 0."""
    known = [v for v in values if v is not None and v > 0]
    total = math.fsum(known)
    if total <= 0:
        return 0
    running = 0.0
    for i, v in enumerate(sorted(known, reverse=True), start=1):
        running += v
        if running >= share * total - 1e-9 * total:
            return i
    return len(known)


# --- checks of the inputs people set -------------------------------------------------------


def check_weight(value: int) -> int:
    if not 0 <= value <= MAX_WEIGHT:
        raise InvalidInput(
            f"A priority's weight is a whole number from 0 to {MAX_WEIGHT}; {value} is outside "
            "that range. Give the must-win that matters most the highest weight.",
            details={"field": "weight"},
        )
    return value


def check_effort(value: float | None) -> float | None:
    if value is None:
        return None
    if not (0 < value <= MAX_EFFORT_DAYS) or not math.isfinite(value):
        raise InvalidInput(
            f"Effort is the days of L&D work, more than 0 and at most "
            f"{format_number(MAX_EFFORT_DAYS, 0)}; {format_number(value, 1)} is not. "
            "Estimate it in whole or half days.",
            details={"field": "effort_days"},
        )
    return value


def check_people(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= MAX_PEOPLE:
        raise InvalidInput(
            f"The number of people affected is at least 1 and at most "
            f"{format_number(MAX_PEOPLE, 0)}; {value} is not. Leave it empty if nobody knows.",
            details={"field": "audience_size"},
        )
    return value


def check_cost_of_inaction(value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not 0 <= value <= 1e15:
        raise InvalidInput(
            "The cost of inaction is an amount of money a year, zero or more. "
            "Write it with digits, for example 120000.",
            details={"field": "cost_of_inaction_amount"},
        )
    return value
