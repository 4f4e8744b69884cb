"""The one result type of the impact engine.

Every estimator returns an :class:`EffectEstimate`: the number, its uncertainty, what it is an
estimate *of* (the estimand), how it was obtained (method and citation), whether the design
supports a causal reading, diagnostics, and warnings in full sentences. Wording for people
(``summary()``) lives in :mod:`lodestar.analytics.wording`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OutcomeInfo:
    """What the outcome is, for wording: every estimator accepts one as ``info=``."""

    name: str = "the outcome"  # e.g. "repeat-contact rate"
    unit: str = ""  # e.g. "%", "EUR", "days"
    direction: str | None = None  # "up" or "down" is good
    population: str = "people"  # who took part, plural, e.g. "agents", "store managers"
    scale: str = "level"  # options.OUTCOME_SCALES: "log" or "ratio" outcomes get no % of baseline


@dataclass(frozen=True)
class Diagnostic:
    """One check on the evidence: pre-trends, balance, overlap, power, proportional hazards..."""

    name: str  # stable key, e.g. "pre_trends", "covariate_balance", "overlap"
    label: str  # words for people, e.g. "Pre-trend joint test"
    passed: bool | None  # None when the check is informative only
    value: float | None = None  # the headline number (a p-value, an effective sample size...)
    detail: str = ""  # one or two full sentences
    data: Mapping[str, Any] = field(default_factory=dict)  # tables for charts (JSON-able)


@dataclass(frozen=True)
class Sensitivity:
    """How large a violation of the design's untestable assumption would overturn the result.

    Built by :mod:`lodestar.analytics.sensitivity`: for (staggered) difference-in-differences the
    Rambachan & Roth (2023) relative-magnitudes breakdown value; for selection on observables the
    E-value (VanderWeele & Ding 2017) and robustness value (Cinelli & Hazlett 2020) benchmarked
    against the strongest recorded covariate.
    """

    kind: str  # "honest_did" or "unmeasured_confounding"
    label: str  # words for people, e.g. "Sensitivity to a trend difference after the start"
    method: str  # the method in words, with its assumptions
    citation: str
    robust: bool | None  # survives a plausible violation (None: could not be assessed)
    breakdown: float | None  # M-bar* (honest DiD) or the E-value of the interval's near end
    benchmark: float  # the plausible violation it is compared with (M-bar = 1; covariate RR)
    benchmark_label: str  # e.g. "the largest trend difference seen before the start", "tenure"
    sentence: str  # the plain-language robustness sentence shown with the summary
    data: Mapping[str, Any] = field(default_factory=dict)  # the grid for the chart, figures

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any]) -> Sensitivity:
        """Rebuild one stored as JSON (unknown keys are ignored)."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in value.items() if k in known})


@dataclass(frozen=True)
class EffectEstimate:
    """What a program did to an outcome, and how sure we can be."""

    estimate: float  # in the outcome's own unit (for hazard ratios: the ratio)
    se: float
    ci_low: float
    ci_high: float
    estimand: str  # a key of options.ESTIMAND_LABELS
    method: str  # stable key, e.g. "difference_in_means", "callaway_santanna"
    method_label: str  # words, e.g. "Callaway & Sant'Anna group-time effects"
    citation: str  # the paper behind the method
    design: str  # one of options.DESIGNS other than "auto"
    causal: bool  # False for naive comparisons: they are labelled as such everywhere
    n_treated: int
    n_comparison: int
    outcome: str  # the outcome's name, e.g. "repeat-contact rate"
    unit: str = ""  # the outcome's unit, e.g. "%" or "EUR"
    baseline: float | None = None  # participants' pre-period (or comparison) mean, for % change
    direction: str | None = None  # "up" or "down" is good; None when unknown
    p_value: float | None = None
    confidence: float = 0.95
    n_clusters: int | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    warnings: tuple[str, ...] = ()
    design_reason: str = ""  # why this design was used (design="auto" explains its choice)
    details: Mapping[str, Any] = field(default_factory=dict)  # group-time tables, event study...
    population: str = "people"  # who took part, plural, for wording (from OutcomeInfo.population)
    sensitivity: Sensitivity | None = None  # robustness to the design's untestable assumption
    scale: str = "level"  # the outcome's scale (OutcomeInfo.scale): no % of baseline unless "level"

    @property
    def percent_of_baseline(self) -> float | None:
        if (
            self.baseline is None
            or self.baseline == 0
            or self.estimand == "hazard_ratio"
            or self.scale != "level"
        ):
            return None
        return 100.0 * self.estimate / abs(self.baseline)

    @property
    def interval_includes_zero(self) -> bool:
        null = 1.0 if self.estimand == "hazard_ratio" else 0.0
        return self.ci_low <= null <= self.ci_high

    @property
    def evidence(self) -> str:
        """How strong the evidence is: "strong", "moderate", "weak" or "none" (see wording)."""
        from lodestar.analytics.evidence import evidence_grade

        return evidence_grade(self)

    def summary(self) -> str:
        """The result in business language, with how strong the evidence is."""
        from lodestar.analytics.wording import summarise

        text = summarise(self)
        if self.sensitivity is not None and self.sensitivity.sentence:
            text = f"{text} {self.sensitivity.sentence}"
        return text
