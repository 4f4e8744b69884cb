"""The sensitivity result in one plain sentence, for the summary and the program page."""

from __future__ import annotations

import math

from lodestar.analytics.results import EffectEstimate
from lodestar.analytics.sensitivity.confounding import CovariateBenchmark
from lodestar.analytics.sensitivity.hazard import HazardEValue
from lodestar.analytics.sensitivity.relative_magnitudes import RelativeMagnitudes
from lodestar.domain.numbers import decimals_for, format_number

__all__ = [
    "confounding_sentence",
    "covariate_label",
    "hazard_sentence",
    "honest_did_sentence",
    "times",
]


def times(x: float) -> str:
    """A multiple in words: "1.4 times", "more than 10 times"."""
    if x >= 10:
        return "more than 10 times"
    return f"{x:.1f} times"


def _span(low: float, high: float, unit: str) -> str:
    """An interval in the estimate's unit, as the result's own numbers are written:
    "−1.2 to 4.4 points", "−3 to 12 EUR"."""
    decimals = decimals_for(low, high, most=6)
    u = unit.strip()
    text = f"{format_number(low, decimals)} to {format_number(high, decimals)}"
    if u in {"%", "pp", "percentage points", "points"}:
        return f"{text} points"
    return f"{text} {u}" if u else text


def honest_did_sentence(
    rm: RelativeMagnitudes,
    *,
    outcome: str,
    horizon: int | None = None,
    unit: str = "",
    headline_includes_zero: bool = True,
) -> str:
    """How large a break in parallel trends after the start would overturn the result
    (``horizon``: the bounds cover only the first that many periods after the start).

    When the trend-robust interval includes zero even at M̄ = 0 but the headline interval
    (``headline_includes_zero`` False) does not, the sentence names the robust interval and its
    numbers, so it never reads as if it spoke of the headline one."""
    m = rm.breakdown
    what = (
        f"the effect over the first {horizon} periods after the start"
        if horizon is not None
        else "the conclusion"
    )
    if m is None:
        if headline_includes_zero:
            return (
                "Sensitivity: the estimate's confidence interval already includes no effect, so "
                "there is no conclusion for a difference in trends after the start to overturn."
            )
        level = f"{rm.confidence:.0%}"
        over = (
            f"the first {horizon} periods after the start"
            if horizon is not None
            else "the periods after the start"
        )
        smallest, low, high = min(zip(rm.m_bar, rm.ci_low, rm.ci_high, strict=True))
        at = (
            "even with no break in trends after the start (M̄ = 0)"
            if smallest == 0
            else f"already at M̄ = {smallest:g}"
        )
        return (
            "Sensitivity: allowing for differences in trends (honest DiD), the robust "
            f"{level} interval for the average effect over {over} is "
            f"{_span(low, high, unit)} {at}; it includes no effect, so on this check the "
            "effect is not clear of zero and the result is fragile."
        )
    if math.isinf(m):
        return (
            f"Sensitivity: {what} holds even if the difference in trends after the start were "
            "many times (more than 60) the largest seen before it; participants and the "
            "comparison group moved almost exactly in step before the start, so judge the "
            "parallel-trends assumption on what you know of the program as well."
        )
    if m < 0.05:
        return (
            f"Sensitivity: the conclusion is fragile: even a difference in the {outcome} trends "
            "after the start much smaller than the ones seen before it would make the effect "
            "indistinguishable from zero."
        )
    if m >= 1:
        return (
            f"Sensitivity: {what} holds unless the difference in trends after the start "
            f"is more than {times(m)} the largest seen before it (honest DiD breakdown value)."
        )
    return (
        f"Sensitivity: {what} is fragile: a difference in trends after the start only "
        f"{times(m)} the largest seen before it would make the effect indistinguishable from "
        "zero (honest DiD breakdown value), so it rests on trends staying more parallel than "
        "they were before the program."
    )


def covariate_label(name: str) -> str:
    """A covariate's column name as words: "tenure_years" → "tenure years"."""
    return name.replace("_", " ").replace("[", " ").replace("]", "").strip()


def confounding_sentence(
    e_point: float,
    e_ci: float,
    worst: CovariateBenchmark | None,
    est: EffectEstimate,
    *,
    outcome: str,
) -> str:
    """How strong an unmeasured factor would need to be to explain the result away, and
    whether one as strong as the strongest measured factor would be enough."""
    if e_ci <= 1:
        return (
            "Sensitivity: the interval already includes no effect, so no unmeasured factor is "
            "needed to explain it away."
        )
    need = (
        "Sensitivity: an unmeasured factor would need to be associated with both taking part "
        f"and the {outcome} by a risk ratio of {e_ci:.1f} each to make the interval include no "
        f"effect ({e_point:.1f} to explain away the estimate itself)"
    )
    if worst is None:
        return need + "; no measured factor could be used as a yardstick."
    name = worst.name
    if not worst.overturns:
        return (
            f"{need} — stronger than {name}, the strongest measured factor: one as strong as it "
            "would not be enough."
        )
    return (
        f"{need} — one no stronger than {name}, a measured factor, would be enough, so an "
        "unrecorded difference like it could explain the result away."
    )


def hazard_sentence(ev: HazardEValue, worst: tuple[str, float] | None, *, outcome: str) -> str:
    """How strong an unmeasured factor would need to be to explain a hazard ratio away, and
    whether one as strongly tied to the outcome as the strongest measured factor would do."""
    if ev.e_value_ci <= 1:
        return (
            "Sensitivity: the interval already includes a hazard ratio of 1, so no unmeasured "
            "factor is needed to explain it away."
        )
    need = (
        "Sensitivity: an unmeasured factor would need to be associated with both taking part "
        f"and {outcome} by a risk ratio of {ev.e_value_ci:.1f} each to make the interval include "
        f"no effect ({ev.e_value:.1f} to explain away the estimate itself)"
    )
    if worst is None:
        return need + "; no measured factor could be used as a yardstick."
    name, rr = worst
    if ev.e_value_ci > rr:
        return (
            f"{need} — more than {name}, the measured factor most tied to {outcome} "
            f"(risk ratio {rr:.1f})."
        )
    return (
        f"{need} — no more than {name}, a measured factor, is tied to {outcome} (risk ratio "
        f"{rr:.1f}), so an unrecorded difference like it could explain the result away."
    )
