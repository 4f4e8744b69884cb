"""Strategic priorities, KPIs and the metric that matters: rules that need no database."""

from __future__ import annotations

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
