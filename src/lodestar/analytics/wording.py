"""An effect estimate in business language, with an evidence grade.

:func:`summarise` writes one paragraph a manager can read: what moved, by how much in the KPI's
own unit and in % of baseline, the confidence interval, who was compared with whom, and how
strong the evidence is. Null and wrong-way results are said as plainly as good news; naive
comparisons always start with "Not a causal estimate:".

The evidence grade (:func:`evidence_grade`) and its thresholds live in
:mod:`lodestar.analytics.evidence`; it is re-exported here for callers of the wording.
"""

from __future__ import annotations

import math

from lodestar.analytics.evidence import evidence_grade
from lodestar.analytics.nouns import count, relative_pronoun
from lodestar.analytics.options import Evidence
from lodestar.analytics.results import EffectEstimate
from lodestar.domain.numbers import decimals_for, format_number

__all__ = ["evidence_grade", "summarise"]

NOT_AVAILABLE = "not available"

_COMPARISON = {
    "randomised": "the {n0} randomly assigned to carry on as usual",
    "did": "the change over the same period among the {n0} {rel} did not take part",
    "staggered": "similar {population} {rel} had not yet started",
    "selection_on_observables": "{n0} {rel} did not take part, with similar recorded "
    "characteristics",
    "survival": "the {n0} {rel} did not take part",
    "naive": "everyone else ({n0})",
}
_STAGGERED_COMPARISON = {
    "never_treated": "similar {population} {rel} never took part",
    "not_yet_treated": "similar {population} {rel} had not yet started",
}
#: Outcome scales on which a change is not a share of the baseline.
_NO_PERCENT_SCALES = {"log", "ratio"}


def _decimals(est: EffectEstimate) -> int:
    """Two significant digits of the largest of the estimate and the interval's ends."""
    return decimals_for(est.estimate, est.ci_low, est.ci_high, most=6)


def _amount(value: float, unit: str, decimals: int) -> str:
    """A magnitude with its unit: 1.8 points, 1,794 EUR, €1,794, 3.0 days."""
    number = format_number(abs(value), decimals, missing=NOT_AVAILABLE)
    u = unit.strip()
    if u in {"%", "pp", "percentage points", "points"}:
        return f"{number} points"
    if u in {"€", "$", "£"}:
        return f"{u}{number}"
    return f"{number} {u}" if u else number


def _interval(est: EffectEstimate, decimals: int) -> str:
    level = round(100 * est.confidence)
    if not (math.isfinite(est.ci_low) and math.isfinite(est.ci_high)):
        return f"no usable {level}% CI: the data cannot bound the effect"
    low = format_number(est.ci_low, decimals, missing=NOT_AVAILABLE)
    high = format_number(est.ci_high, decimals, missing=NOT_AVAILABLE)
    return f"{level}% CI {low} to {high}"


def _comparison(est: EffectEstimate) -> str:
    template = _COMPARISON.get(est.design, "the {n0} in the comparison group")
    if est.design == "staggered":
        template = _STAGGERED_COMPARISON.get(str(est.details.get("control_group")), template)
    return template.format(
        n0=count(est.n_comparison, est.population),
        population=est.population,
        rel=relative_pronoun(est.population),
    )


def _who(est: EffectEstimate) -> str:
    """ "the 412 agents who took part", "the 1 state that took part"."""
    noun = est.population
    return f"the {count(est.n_treated, noun)} {relative_pronoun(noun)} took part"


def _percent_text(est: EffectEstimate) -> str:
    """'−14% of baseline; ' on a level scale; on a log scale the change as a percentage."""
    if est.scale == "log":
        change = 100 * math.expm1(est.estimate)
        return f"about {format_number(change, 1, missing=NOT_AVAILABLE)}% on the original scale; "
    pct = est.percent_of_baseline
    if pct is None or est.scale in _NO_PERCENT_SCALES:
        return ""
    return f"{format_number(pct, 0, missing=NOT_AVAILABLE)}% of baseline; "


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hazard_ratio(est: EffectEstimate, grade: Evidence) -> str:
    hr = format_number(est.estimate, 2, missing=NOT_AVAILABLE)
    interval = _interval(est, 2)
    who = _who(est)
    if not est.causal:
        return (
            f"Not a causal estimate: among {who}, the rate of {est.outcome} was {hr} times that "
            f"of {_comparison(est)} ({interval}), but this comparison does not say when "
            f"treatment began, so it says nothing reliable about what the program did. "
            f"Evidence: {grade}."
        )
    if est.interval_includes_zero:
        return (
            f"No clear effect: among {who}, the rate of {est.outcome} was {hr} times that of "
            f"{_comparison(est)} ({interval}), an interval that includes no difference. "
            f"Evidence: {grade}."
        )
    change = abs(1 - est.estimate) * 100
    lower = est.estimate < 1
    good = (est.direction == "down") == lower if est.direction else None
    wrong = ", the wrong way for this outcome" if good is False else ""
    return (
        f"Among {who}, the rate of {est.outcome} was {hr} times that of {_comparison(est)} "
        f"({change:.0f}% {'lower' if lower else 'higher'}{wrong}; {interval}). Evidence: {grade}."
    )


def summarise(est: EffectEstimate) -> str:
    """One paragraph in business language, ending with the evidence grade."""
    grade = evidence_grade(est)
    if est.estimand == "hazard_ratio":
        return _hazard_ratio(est, grade)
    decimals = _decimals(est)
    amount = _amount(est.estimate, est.unit, decimals)
    pct_text = _percent_text(est)
    interval = _interval(est, decimals)
    outcome = _capitalise(est.outcome)
    who = _who(est)
    comparison = _comparison(est)

    if not est.causal:
        more_less = "higher" if est.estimate >= 0 else "lower"
        return (
            f"Not a causal estimate: {est.outcome} was {amount} {more_less} among {who} than "
            f"among {comparison} ({pct_text}{interval}), but this raw comparison does not "
            f"account for who chose to take part, so it says nothing reliable about what the "
            f"program did. Evidence: {grade}."
        )
    if est.interval_includes_zero:
        sign = "+" if est.estimate > 0 else ""
        change = sign + format_number(est.estimate, decimals, missing=NOT_AVAILABLE)
        return (
            f"No clear effect: {est.outcome} changed by {change}"
            f"{' ' + _unit_word(est.unit) if _unit_word(est.unit) else ''} "
            f"({pct_text}{interval}) among {who}, compared with {comparison}; the interval "
            f"includes zero, so the program may have had no effect. Evidence: {grade}."
        )
    verb = "rose" if est.estimate > 0 else "fell"
    good = (est.direction == "up") == (est.estimate > 0) if est.direction else None
    wrong = ", the wrong way for this KPI," if good is False else ""
    return (
        f"{outcome} {verb} by {amount} ({pct_text}{interval}){wrong} among {who}, "
        f"compared with {comparison}. Evidence: {grade}."
    )


def _unit_word(unit: str) -> str:
    u = unit.strip()
    return "points" if u in {"%", "pp", "percentage points", "points"} else u
