"""Pre-registration: the expectation locked when a pilot launches, and the grade it earns later.

Writing down before launch what should happen — which metric, by how much, by when, analysed
how — is what stops a result from being read generously afterwards. Once locked, the fields
below change only by a new dated version that keeps the old one in view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from lodestar.domain.numbers import change_unit, format_number
from lodestar.errors import Conflict

#: What a registration locks; a change to any of these after launch is refused.
LOCKED_FIELDS: tuple[str, ...] = (
    "kpi_id",
    "expected_effect",
    "horizon_date",
    "evaluation_design",
    "analysis_settings",
)

Grade = Literal["met", "smaller_but_real", "no_clear_effect", "opposite", "too_early", "ungradable"]
GRADES: tuple[Grade, ...] = get_args(Grade)
GRADE_LABELS: dict[str, str] = {
    "met": "Met the expectation",
    "smaller_but_real": "Smaller than expected, but real",
    "no_clear_effect": "No clear effect",
    "opposite": "The opposite of what was expected",
    "too_early": "Too early to grade",
    "ungradable": "Cannot be graded",
}


#: Results on a ratio scale, where 1 (not 0) means no effect: the survival analyses' hazard
#: ratios (retention, time to productivity). A registered change in the KPI's own unit says
#: nothing about them, so they are never graded against it.
RATIO_ESTIMANDS = frozenset({"hazard_ratio"})


@dataclass(frozen=True)
class Expectation:
    """The locked expectation: the change in the KPI's own unit the program should cause."""

    kpi_name: str
    unit: str
    expected_effect: float
    horizon_date: date | None


@dataclass(frozen=True)
class GradedResult:
    grade: Grade
    label: str
    sentence: str


def check_unlocked(locked: bool, field: str, locked_on: date | None) -> None:
    """Refuse a silent change to a locked field, saying how to change it openly."""
    if locked and field in LOCKED_FIELDS:
        when = f" on {locked_on.isoformat()}" if locked_on else ""
        raise Conflict(
            f"The expectation for this pilot was locked at launch{when}, so '{field}' cannot be "
            "changed in place. Record a new registration version with the reason; the original "
            "stays on the program page beside it.",
            details={"field": field, "locked": True},
        )


def _fmt(value: float, unit: str) -> str:
    """A change, in the unit a change is in: +2.00 percentage points for a KPI in %."""
    return f"{format_number(value, 2, sign=True)} {change_unit(unit)}".rstrip()


def grade_against_expectation(
    expectation: Expectation,
    *,
    estimate: float,
    ci_low: float,
    ci_high: float,
    causal: bool,
    today: date,
    estimand: str = "",
) -> GradedResult:
    """Grade a stored result against what was expected, in words a sponsor understands.

    - met: the interval reaches the expected effect (or lies beyond it);
    - smaller_but_real: the interval excludes no effect, on the expected side, but stops short;
    - no_clear_effect: the interval includes no effect;
    - opposite: the interval excludes no effect, on the other side;
    - too_early: the horizon has not passed; ungradable: the result is not a causal estimate,
      or it is a ratio (``RATIO_ESTIMANDS``) while the expectation is a change in the KPI.
    """
    kpi, unit = expectation.kpi_name, expectation.unit
    expected = expectation.expected_effect
    low, high = format_number(ci_low, 2, sign=True), format_number(ci_high, 2, sign=True)
    interval = f"[{low}, {high}]"
    if estimand in RATIO_ESTIMANDS:
        ratio = f"{estimand.replace('_', ' ')} {format_number(estimate, 2)}"
        return _graded(
            "ungradable",
            f"The stored result is a {ratio} (interval {format_number(ci_low, 2)} to "
            f"{format_number(ci_high, 2)}; 1 means no effect), while the registration expects "
            f"{_fmt(expected, unit)} on {kpi}. The two are on different scales, so the result "
            "is shown but not graded: read it in the survival section, in people kept or days "
            "saved.",
        )
    if expectation.horizon_date is not None and today < expectation.horizon_date:
        return _graded(
            "too_early",
            f"The horizon is {expectation.horizon_date.isoformat()}; the result so far "
            f"({_fmt(estimate, unit)}, interval {interval}) is shown but not graded yet.",
        )
    if not causal:
        return _graded(
            "ungradable",
            "The stored result is not a causal estimate, so it cannot be held against the "
            "registered expectation; run the analysis with the registered design.",
        )
    if expected == 0:
        return _graded(
            "ungradable",
            "The registration expects no change, so there is nothing to grade the result against.",
        )
    said = f"Expected {_fmt(expected, unit)} on {kpi}; measured {_fmt(estimate, unit)} {interval}."
    if ci_low <= 0 <= ci_high:
        return _graded(
            "no_clear_effect",
            f"{said} The interval includes no change at all, so the program has not shown the "
            "effect it promised.",
        )
    same_side = (estimate > 0) == (expected > 0)
    if not same_side:
        return _graded(
            "opposite",
            f"{said} The KPI moved the other way from what was expected, and the interval "
            "excludes no change.",
        )
    nearest_to_expected = ci_high if expected > 0 else ci_low
    if abs(nearest_to_expected) >= abs(expected):
        return _graded(
            "met",
            f"{said} The interval reaches the expected effect, so the expectation is met.",
        )
    share = abs(estimate) / abs(expected)
    return _graded(
        "smaller_but_real",
        f"{said} The effect is real (the interval excludes no change) but smaller than "
        f"expected: about {share:.0%} of it, and even the interval's far end stops short.",
    )


def _graded(grade: Grade, sentence: str) -> GradedResult:
    return GradedResult(grade, GRADE_LABELS[grade], sentence)
