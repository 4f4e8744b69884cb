"""Sensitivity analysis: would the conclusion survive a plausible break of the design's
untestable assumption? :func:`add_sensitivity` attaches the answer to a result.

- Difference-in-differences and staggered adoption: Rambachan & Roth (2023) relative-magnitudes
  bounds and breakdown value M̄* (:mod:`.honest_did`); robust when M̄* ≥ 1, i.e. the effect stays
  clear of zero even if trends after the start differ as much as the largest change seen before.
- Selection on observables: E-value and robustness value (:mod:`.confounding`), benchmarked
  against the strongest measured covariate; robust when an unmeasured factor as strong as it
  could not explain the interval away.

- Survival (hazard ratios) from observational data: the E-value for hazard ratios
  (:mod:`.hazard`, with the rare- or common-outcome conversion), benchmarked against the measured
  covariate most strongly tied to the outcome.

Randomised pilots (and randomised survival designs) and naive comparisons get none: a lottery
needs none, and a naive comparison is not causal to begin with.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import pandas as pd

from lodestar.analytics.evidence import PLAUSIBLE_M_BAR, fragile_result
from lodestar.analytics.results import EffectEstimate, Sensitivity
from lodestar.analytics.sensitivity import confounding, hazard, honest_did, relative_magnitudes
from lodestar.analytics.sensitivity.words import (
    confounding_sentence,
    covariate_label,
    hazard_sentence,
    honest_did_sentence,
)

__all__ = [
    "M_BAR_GRID",
    "add_sensitivity",
    "confounding_sensitivity",
    "hazard_sensitivity",
    "trend_sensitivity",
]

M_BAR_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
EVENT_WINDOW = 8  # periods after the start (and pre-start changes) the bounds look at


def trend_sensitivity(est: EffectEstimate) -> Sensitivity | None:
    """Honest-DiD relative-magnitudes sensitivity of a (staggered) DiD result, from the event
    study and covariance it stores in ``details``; None when those are missing or too short."""
    study = honest_did.event_study_from_details(est.details, window=EVENT_WINDOW)
    if study is None:
        return None
    rm = relative_magnitudes.relative_magnitudes(study, m_bar=M_BAR_GRID, confidence=est.confidence)
    full = honest_did.event_study_from_details(est.details)
    truncated = full is not None and full.n_post > study.n_post
    # No breakdown value: the robust interval includes zero even at M̄ = 0. That overturns a
    # headline interval clear of zero (fragile); one that includes zero has nothing to overturn.
    if rm.breakdown is None:
        robust = None if est.interval_includes_zero else False
    else:
        robust = rm.breakdown >= PLAUSIBLE_M_BAR
    return Sensitivity(
        kind="honest_did",
        label="Sensitivity to trends that differ after the start (honest DiD)",
        method=(
            "Rambachan & Roth relative-magnitudes bounds for the average effect over the "
            f"{'first ' if truncated else ''}{study.n_post} periods after the start, from the "
            f"last {study.n_pre + 1} periods before it; conditional-least-favourable hybrid "
            "confidence set (Andrews, Roth & Pakes)."
        ),
        citation=honest_did.CITATION,
        robust=robust,
        breakdown=rm.breakdown,
        benchmark=PLAUSIBLE_M_BAR,
        benchmark_label="the largest change in the trend difference seen before the start",
        sentence=honest_did_sentence(
            rm,
            outcome=est.outcome,
            horizon=study.n_post if truncated else None,
            unit=est.unit,
            headline_includes_zero=est.interval_includes_zero,
        ),
        data={
            "grid": rm.as_table(),
            "average_effect": rm.estimate,
            "average_effect_se": rm.se,
            "largest_pre_change": rm.largest_pre_change,
            "n_pre": study.n_pre,
            "n_post": study.n_post,
            "confidence": rm.confidence,
        },
    )


def confounding_sensitivity(
    est: EffectEstimate,
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    categorical: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> Sensitivity | None:
    """E-value and robustness value of a selection-on-observables result, benchmarked against
    the strongest measured covariate (see :mod:`.confounding`); ``labels`` name covariate
    columns in words (default: the column name with spaces)."""
    from lodestar.analytics.estimators.observational import design_matrix

    frame = data[[outcome, treatment, *covariates]].dropna()
    if frame.empty or not (math.isfinite(est.se) and est.se > 0):
        return None
    y = frame[outcome].astype(float).to_numpy()
    d = frame[treatment].astype(float).to_numpy()
    sd = confounding.pooled_sd(y, d)
    if not sd > 0:
        return None
    x = design_matrix(frame, covariates, categorical)
    rr = confounding.risk_ratio_from_d(est.estimate / sd)
    rr_low = confounding.risk_ratio_from_d(est.ci_low / sd)
    rr_high = confounding.risk_ratio_from_d(est.ci_high / sd)
    e_point = confounding.e_value(rr)
    e_ci = confounding.e_value_interval(rr_low, rr_high)
    benchmarks = confounding.covariate_benchmarks(
        x, d, y, estimate=est.estimate, se=est.se, confidence=est.confidence
    )
    names = dict(labels or {})
    benchmarks = [
        dataclasses.replace(b, name=names.get(b.name, covariate_label(b.name))) for b in benchmarks
    ]
    worst = benchmarks[0] if benchmarks else None
    dof = max(len(frame) - x.shape[1] - 2, 2)
    t = est.estimate / est.se
    robust = None
    if worst is not None and not est.interval_includes_zero:
        robust = not any(b.overturns for b in benchmarks)
    return Sensitivity(
        kind="unmeasured_confounding",
        label="Sensitivity to an unmeasured factor",
        method=(
            "E-value of the interval's limit nearest no effect, on the risk-ratio scale "
            "(RR ≈ exp(0.91 × standardised difference)); robustness judged by the interval "
            "after allowing for an unmeasured factor as strong as each measured covariate "
            "(Cinelli & Hazlett partial-R² bounds, k = 1)."
        ),
        citation=confounding.CITATION,
        robust=robust,
        breakdown=e_ci,
        benchmark=1.0,
        benchmark_label=worst.name if worst else "",
        sentence=confounding_sentence(e_point, e_ci, worst, est, outcome=est.outcome),
        data={
            "e_value": e_point,
            "e_value_ci": e_ci,
            "risk_ratio": rr,
            "standardised_difference": est.estimate / sd,
            "robustness_value": confounding.robustness_value(t, dof),
            "robustness_value_alpha": confounding.robustness_value(
                t, dof, alpha=1 - est.confidence
            ),
            "covariates": [dataclasses.asdict(b) for b in benchmarks],
            "estimate": est.estimate,
            "ci_low": est.ci_low,
            "ci_high": est.ci_high,
        },
    )


def hazard_sensitivity(
    est: EffectEstimate,
    data: pd.DataFrame | None = None,
    *,
    covariates: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> Sensitivity | None:
    """E-value of an observational hazard ratio (see :mod:`.hazard`), with the rare-outcome
    conversion when under 15% of units had the event, benchmarked against the measured
    covariate most strongly tied to the outcome (its coefficient in ``details["coefficients"]``,
    scaled by its SD in ``data``)."""
    if est.estimand != "hazard_ratio" or not (est.ci_low > 0 and est.ci_high > 0):
        return None
    details = est.details
    events = details.get("n_events", details.get("n_leavers"))
    units = details.get("n_units", est.n_treated + est.n_comparison)
    share = float(events) / float(units) if events is not None and units else None
    rare = share is not None and share < hazard.RARE_OUTCOME_SHARE
    ev = hazard.hazard_e_value(est.estimate, est.ci_low, est.ci_high, rare=rare)
    strengths = hazard.covariate_strengths(
        details.get("coefficients", {}), data, covariates, rare=rare
    )
    names = dict(labels or {})
    strengths = [(names.get(n, covariate_label(n)), rr) for n, rr in strengths]
    worst = strengths[0] if strengths else None
    robust = None
    if worst is not None and not est.interval_includes_zero:
        robust = ev.e_value_ci > worst[1]
    conversion = (
        "rare outcome, RR ≈ HR" if rare else "common outcome, RR ≈ (1 − 0.5^√HR)/(1 − 0.5^√(1/HR))"
    )
    return Sensitivity(
        kind="hazard_e_value",
        label="Sensitivity to an unmeasured factor",
        method=(
            "E-value of the hazard ratio's interval limit nearest 1, on the risk-ratio scale "
            f"({conversion}); robust when it exceeds the risk ratio linking the strongest "
            "measured covariate (per SD, or per category) to the outcome."
        ),
        citation=hazard.CITATION,
        robust=robust,
        breakdown=ev.e_value_ci,
        benchmark=worst[1] if worst else 1.0,
        benchmark_label=worst[0] if worst else "",
        sentence=hazard_sentence(ev, worst, outcome=est.outcome),
        data={
            "e_value": ev.e_value,
            "e_value_ci": ev.e_value_ci,
            "risk_ratio": ev.risk_ratio,
            "risk_ratio_low": ev.risk_ratio_low,
            "risk_ratio_high": ev.risk_ratio_high,
            "rare_outcome": rare,
            "event_share": share,
            "covariates": [{"name": n, "risk_ratio": rr} for n, rr in strengths],
        },
    )


def add_sensitivity(
    est: EffectEstimate,
    data: pd.DataFrame | None = None,
    *,
    outcome: str | None = None,
    treatment: str | None = None,
    covariates: Sequence[str] = (),
    categorical: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    randomised: bool = False,
) -> EffectEstimate:
    """``est`` with its sensitivity analysis (and a warning when the conclusion is fragile).

    DiD and staggered results need nothing else; selection on observables needs the person-level
    ``data`` with the ``outcome``, ``treatment`` and ``covariates`` it was estimated from; an
    observational hazard ratio (survival design, not ``randomised``) gets its E-value, with the
    ``covariates`` in ``data`` as the yardstick.
    """
    if not est.causal or not (math.isfinite(est.estimate) and math.isfinite(est.se)):
        return est
    try:
        sens = _sensitivity(
            est, data, outcome, treatment, covariates, categorical, labels, randomised
        )
    except (ArithmeticError, ValueError) as exc:
        # An extreme or degenerate outcome (a value of 1e15, an exactly fitted covariate) can
        # overflow a figure of the sensitivity analysis; the estimate itself stands, so it is
        # returned without that figure and says why instead of failing the whole run.
        return dataclasses.replace(est, warnings=(*est.warnings, sensitivity_dropped(exc)))
    if sens is None:
        return est
    warning = fragile_result(sens.robust, sens.kind, breakdown=sens.breakdown)
    warnings = est.warnings if warning is None else (*est.warnings, warning)
    return dataclasses.replace(est, sensitivity=sens, warnings=warnings)


def sensitivity_dropped(exc: BaseException) -> str:
    """The warning for a sensitivity analysis that could not be computed."""
    why = (
        "a figure overflowed (the outcome has values too extreme for it)"
        if isinstance(exc, OverflowError)
        else "the outcome is too extreme or too exactly explained by a covariate for it"
    )
    return (
        f"The sensitivity analysis could not be computed because {why}, so it is not shown: "
        "how robust this result is to an unmeasured factor is unknown. Check the outcome for "
        "extreme values (for example a unit error) and estimate again."
    )


def _sensitivity(
    est: EffectEstimate,
    data: pd.DataFrame | None,
    outcome: str | None,
    treatment: str | None,
    covariates: Sequence[str],
    categorical: Sequence[str],
    labels: Mapping[str, str] | None,
    randomised: bool,
) -> Sensitivity | None:
    sens: Sensitivity | None = None
    if est.design in ("did", "staggered"):
        sens = trend_sensitivity(est)
    elif (
        est.design == "selection_on_observables"
        and data is not None
        and outcome is not None
        and treatment is not None
        and covariates
    ):
        sens = confounding_sensitivity(
            est,
            data,
            outcome=outcome,
            treatment=treatment,
            covariates=covariates,
            categorical=categorical,
            labels=labels,
        )
    elif est.design == "survival" and not randomised:
        sens = hazard_sensitivity(est, data, covariates=covariates, labels=labels)
    return sens
