"""Strategic priorities, KPIs and the metric that matters: rules that need no database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from lodestar.errors import InvalidInput


@dataclass(frozen=True)
class MetricThatMatters:
    """A KPI with a baseline, a target and a date by which the target should be met."""

    kpi_code: str
    baseline: float
    target: float
    horizon: date


def check_horizon(start_year: int, end_year: int) -> None:
    """A must-win spans one to three years, starting no earlier than it ends."""
    span = end_year - start_year
    if span < 0:
        raise InvalidInput(
            f"The horizon ends in {end_year}, before it starts in {start_year}. "
            "Enter an end year on or after the start year."
        )
    if span > 3:
        raise InvalidInput(
            f"A horizon of {span} years is too long for a must-win. Use one to three years "
            "and split longer ambitions into successive priorities."
        )


def target_is_improvement(direction: str, baseline: float, target: float) -> bool:
    """True when reaching ``target`` from ``baseline`` is good for a KPI with this direction."""
    return target > baseline if direction == "up" else target < baseline


def check_target(direction: str, baseline: float | None, target: float | None) -> None:
    if baseline is None or target is None:
        return
    if not target_is_improvement(direction, baseline, target):
        good = "higher" if direction == "up" else "lower"
        raise InvalidInput(
            f"For this KPI {good} is better, but the target ({target:g}) is not {good} than the "
            f"baseline ({baseline:g}). Correct the target or the KPI's direction."
        )


# Dates a plan can name at all, whatever it belongs to (the same years a priority may span).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def date_words(day: date) -> str:
    """A date as people write it: 30 June 2027."""
    return f"{day.day} {day.strftime('%B %Y')}"


def check_plan_date(day: date | None, what: str, horizon: tuple[int, int] | None = None) -> None:
    """A target or due date lies inside the horizon of the priority it serves (its start year
    to its end year), and never outside the years a plan can name."""
    if day is None:
        return
    start, end = horizon if horizon is not None else (EARLIEST_YEAR, LATEST_YEAR)
    if start <= day.year <= end:
        return
    if horizon is None:
        raise InvalidInput(
            f"The {what} {date_words(day)} is outside the years a plan can name "
            f"({EARLIEST_YEAR} to {LATEST_YEAR}). Enter the date by which the result is due."
        )
    span = str(start) if start == end else f"{start} to {end}"
    raise InvalidInput(
        f"The {what} {date_words(day)} is outside the horizon of its strategic priority "
        f"({span}). Enter a date in {span}, or change the priority's horizon first."
    )


def check_value_per_unit(value: float | None) -> None:
    """What one unit of improvement is worth is a positive amount, or not known (None)."""
    if value is None:
        return
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput(
            "The money value of one unit must be an amount above zero: what one unit of "
            "improvement is worth to the business. Leave it empty if no one knows it yet."
        )


def check_finite(value: float | None, what: str) -> None:
    """Baselines and targets are ordinary numbers, not infinity or 'not a number'."""
    if value is not None and not math.isfinite(value):
        raise InvalidInput(f"The {what} must be an ordinary number, such as 22.5.")
