"""Money and return on investment, by Phillips' conservative rules.

Phillips, J. J. & Phillips, P. P. (2016), *Handbook of Training Evaluation and Measurement
Methods*, 4th ed., and the ROI Methodology's "guiding principles":

- only the program's isolated effect counts — so a non-causal (naive) estimate is refused;
- only first-year benefits for a short program (``periods_per_year`` KPI periods at most);
- costs are fully loaded: needs analysis, design, delivery, materials, facilities,
  participants' time, overhead and evaluation (:class:`ProgramCosts`);
- benefit = KPI change × unit value × people × periods in the first year;
- ROI % = (benefit − cost) / cost × 100; benefit–cost ratio = benefit / cost.

The confidence interval is carried through: the benefit and ROI are computed at both ends of the
effect's interval (the money is linear in the effect), so an interval that includes zero gives an
ROI interval that includes a loss of the whole cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from lodestar.analytics.results import EffectEstimate
from lodestar.errors import InvalidInput

__all__ = ["ProgramCosts", "ReturnOnInvestment", "return_on_investment"]


@dataclass(frozen=True)
class ProgramCosts:
    """Fully loaded program costs, in one currency (Phillips' cost categories)."""

    needs_assessment: float = 0.0
    design_and_development: float = 0.0
    delivery: float = 0.0  # facilitators, platform licences, materials
    facilities_and_travel: float = 0.0
    participant_time: float = 0.0  # salaries + benefits for hours spent in the program
    overhead: float = 0.0  # administration, L&D team share
    evaluation: float = 0.0

    @property
    def total(self) -> float:
        return float(sum(getattr(self, f.name) for f in fields(self)))


@dataclass(frozen=True)
class ReturnOnInvestment:
    """First-year monetary benefit and ROI of a program, with the effect's interval carried."""

    benefit: float
    benefit_low: float
    benefit_high: float
    cost: float
    net_benefit: float
    roi_percent: float
    roi_low: float
    roi_high: float
    benefit_cost_ratio: float
    currency: str
    people: int
    periods: float
    unit_value: float
    confidence: float
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]


def return_on_investment(
    est: EffectEstimate,
    *,
    unit_value: float | None,
    people: int,
    cost: float | ProgramCosts,
    periods_per_year: float = 1.0,
    periods: float | None = None,
    currency: str = "EUR",
    direction: str | None = None,
) -> ReturnOnInvestment:
    """Benefit and ROI of the effect in ``est``, first year only, fully loaded ``cost``.

    ``unit_value`` is the money value of one unit of *improvement* in the KPI, per person per
    KPI period (e.g. 5 EUR per repeat contact avoided, per agent per month). ``periods`` is how
    many KPI periods the effect is counted for (default and maximum: ``periods_per_year``, e.g.
    12 for a monthly KPI). ``direction`` ("up"/"down" is good) overrides ``est.direction``.
    """
    if unit_value is None or not math.isfinite(unit_value):
        raise InvalidInput(
            f"The KPI {est.outcome!r} has no unit value, so its change cannot be put in money; "
            "record what one unit of improvement is worth (for example the cost of one repeat "
            "contact) on the KPI, then ask for the ROI again."
        )
    if unit_value <= 0:
        raise InvalidInput(
            "The unit value must be the positive worth of one unit of improvement; say which "
            "way is good with the KPI's direction instead of a negative value."
        )
    if not est.causal:
        raise InvalidInput(
            "ROI needs the program's isolated effect, and this estimate is a raw comparison that "
            "is not causal; estimate the effect with a comparison group or a pilot first."
        )
    if est.estimand == "hazard_ratio":
        raise InvalidInput(
            "A hazard ratio is not a change in a KPI's unit; convert it to people retained over "
            "the first year before putting it in money."
        )
    way = direction or est.direction
    if way not in ("up", "down"):
        raise InvalidInput(
            f"Say whether up or down is good for {est.outcome!r} (the KPI's direction) so that "
            "the change can be counted as a gain or a loss."
        )
    if people <= 0:
        raise InvalidInput("The number of people the effect applies to must be positive.")
    if periods_per_year <= 0:
        raise InvalidInput("The number of KPI periods per year must be positive (12 if monthly).")
    counted = periods_per_year if periods is None else periods
    if not 0 < counted <= periods_per_year:
        raise InvalidInput(
            f"Benefits count for the first year only: at most {periods_per_year:g} KPI periods; "
            f"got {counted:g}."
        )
    total_cost = cost.total if isinstance(cost, ProgramCosts) else float(cost)
    if not total_cost > 0:
        raise InvalidInput("The fully loaded program cost must be positive to compute an ROI.")

    sign = 1.0 if way == "up" else -1.0
    per_unit_of_effect = sign * unit_value * people * counted
    ends = sorted((est.ci_low * per_unit_of_effect, est.ci_high * per_unit_of_effect))
    benefit = est.estimate * per_unit_of_effect

    def roi(b: float) -> float:
        return (b - total_cost) / total_cost * 100.0

    warnings = []
    if ends[0] <= 0 <= ends[1]:
        warnings.append(
            "The effect's interval includes zero, so the program may return nothing and lose its "
            "whole cost; present the ROI as a range, not a promise."
        )
    if benefit < 0:
        warnings.append(
            "The KPI moved the wrong way, so the estimated benefit is negative: the program cost "
            "money on this KPI."
        )
    assumptions = (
        f"Benefit counted for {counted:g} of {periods_per_year:g} KPI periods in the first year "
        "only; no benefits after year one.",
        f"Applied to {people:,} people at {unit_value:,.2f} {currency} per unit of improvement.",
        f"Fully loaded cost of {total_cost:,.0f} {currency}.",
        "Only the estimated effect of the program is counted, not the raw change in the KPI.",
    )
    return ReturnOnInvestment(
        benefit=benefit,
        benefit_low=ends[0],
        benefit_high=ends[1],
        cost=total_cost,
        net_benefit=benefit - total_cost,
        roi_percent=roi(benefit),
        roi_low=roi(ends[0]),
        roi_high=roi(ends[1]),
        benefit_cost_ratio=benefit / total_cost,
        currency=currency,
        people=people,
        periods=counted,
        unit_value=unit_value,
        confidence=est.confidence,
        assumptions=assumptions,
        warnings=tuple(warnings),
    )
