"""Business-language summaries and evidence grades: good, null, wrong-way, naive, hazard ratio."""

from __future__ import annotations

import dataclasses
import math

from lodestar.analytics.results import Diagnostic, EffectEstimate, Sensitivity
from lodestar.analytics.wording import evidence_grade, summarise

BASE = EffectEstimate(
    estimate=-1.8,
    se=0.4,
    ci_low=-2.6,
    ci_high=-1.0,
    estimand="ATT",
    method="callaway_santanna",
    method_label="Callaway & Sant'Anna group-time effects",
    citation="Callaway & Sant'Anna (2021)",
    design="staggered",
    causal=True,
    n_treated=412,
    n_comparison=388,
    outcome="repeat contacts",
    unit="%",
    baseline=12.9,
    direction="down",
    diagnostics=(Diagnostic("pre_trends", "Pre-trend joint test", True, 0.4),),
    population="agents",
    # Survives trend breaks after the start up to 1.6x the largest seen before it.
    sensitivity=Sensitivity(
        kind="honest_did",
        label="Sensitivity",
        method="relative magnitudes",
        citation="Rambachan & Roth (2023)",
        robust=True,
        breakdown=1.6,
        benchmark=1.0,
        benchmark_label="the largest pre-start change",
        sentence="",
    ),
)


def test_the_product_example() -> None:
    assert summarise(BASE) == (
        "Repeat contacts fell by 1.8 points (\u221214% of baseline; 95% CI \u22122.6 to "
        "\u22121.0) among the 412 agents who took part, compared with similar agents who had "
        "not yet started. Evidence: strong."
    )
    assert BASE.summary() == summarise(BASE)
    assert BASE.evidence == "strong"


def test_wrong_way_is_said_plainly() -> None:
    est = dataclasses.replace(BASE, estimate=1.8, ci_low=1.0, ci_high=2.6)
    text = summarise(est)
    assert text.startswith("Repeat contacts rose by 1.8 points")
    assert "the wrong way for this KPI" in text


def test_null_result() -> None:
    est = dataclasses.replace(BASE, estimate=-0.3, ci_low=-1.1, ci_high=0.5)
    text = summarise(est)
    assert text.startswith("No clear effect: repeat contacts changed by \u22120.3 points")
    assert text.endswith("Evidence: weak.")
    assert evidence_grade(est) == "weak"


def test_naive_is_labelled_not_causal() -> None:
    est = dataclasses.replace(BASE, causal=False, design="naive", estimand="difference_in_means")
    text = summarise(est)
    assert text.startswith("Not a causal estimate:")
    assert text.endswith("Evidence: none.")


def test_money_units_and_no_baseline() -> None:
    est = dataclasses.replace(
        BASE,
        estimate=1794.34,
        ci_low=550.6,
        ci_high=3038.1,
        unit="EUR",
        baseline=None,
        direction="up",
        design="randomised",
    )
    text = summarise(est)
    assert "rose by 1,794 EUR (95% CI 551 to 3,038)" in text
    assert "randomly assigned" in text


def test_hazard_ratio() -> None:
    est = dataclasses.replace(
        BASE,
        estimate=0.684,
        ci_low=0.47,
        ci_high=0.99,
        estimand="hazard_ratio",
        design="survival",
        outcome="re-arrest",
        direction="down",
        unit="",
        sensitivity=None,
    )
    text = summarise(est)
    assert "0.68 times" in text and "32% lower" in text
    assert "wrong way" not in text
    assert evidence_grade(est) == "moderate"  # no E-value: the hidden-factor risk is unjudged
    robust = dataclasses.replace(
        est,
        sensitivity=Sensitivity(
            kind="hazard_e_value",
            label="Sensitivity to an unmeasured factor",
            method="E-value",
            citation="VanderWeele & Ding (2017)",
            robust=True,
            breakdown=1.1,
            benchmark=1.05,
            benchmark_label="age",
            sentence="Sensitivity: ...",
        ),
    )
    assert evidence_grade(robust) == "strong"  # beyond the strongest measured factor
    assert evidence_grade(dataclasses.replace(robust, warnings=("Few events.",))) == "moderate"


def test_grades() -> None:
    # A passed pre-trend test alone is not enough for "strong" (Roth 2022): it takes a
    # sensitivity analysis showing the conclusion survives a plausible violation.
    assert evidence_grade(dataclasses.replace(BASE, sensitivity=None)) == "moderate"
    assert BASE.sensitivity is not None
    fragile = dataclasses.replace(BASE.sensitivity, robust=False, breakdown=0.4)
    assert evidence_grade(dataclasses.replace(BASE, sensitivity=fragile)) == "moderate"
    # An interval with no width says nothing about uncertainty (e.g. a constant outcome).
    flat = dataclasses.replace(BASE, estimate=0.5, se=0.0, ci_low=0.5, ci_high=0.5)
    assert evidence_grade(flat) == "weak"
    failed = (Diagnostic("pre_trends", "Pre-trend joint test", False, 0.01),)
    assert evidence_grade(dataclasses.replace(BASE, diagnostics=failed)) == "weak"
    assert evidence_grade(dataclasses.replace(BASE, warnings=("Few teams.",))) == "moderate"
    assert (
        evidence_grade(dataclasses.replace(BASE, design="randomised", diagnostics=())) == "strong"
    )
    obs = dataclasses.replace(BASE, design="selection_on_observables", sensitivity=None)
    assert evidence_grade(obs) == "moderate"
    assert evidence_grade(dataclasses.replace(BASE, estimate=math.nan)) == "none"
    inf = dataclasses.replace(BASE, ci_low=-math.inf, ci_high=math.inf)
    assert evidence_grade(inf) == "weak"
    assert "no usable 95% CI" in summarise(inf)


def test_sentences_use_the_one_number_formatter() -> None:
    worse = dataclasses.replace(BASE, estimate=-1234.5, ci_low=-2000.0, ci_high=-500.0)
    assert "\u22122,000 to \u2212500" in summarise(worse)
