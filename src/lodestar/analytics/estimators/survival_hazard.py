"""A Cox model for a programme assigned at the start of follow-up, and the Cox helpers.

:func:`estimate_hazard_ratio` fits a fixed indicator (lifelines ``CoxPHFitter``, Efron ties)
with the Grambsch & Therneau (1994) proportional-hazards test: right only when everyone's
group is known at time 0 (e.g. a randomised offer). For training that happens during
follow-up use :func:`lodestar.analytics.estimators.survival.estimate_retention`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd
from scipy import stats

from lodestar.analytics.estimators.observational import design_matrix
from lodestar.analytics.estimators.survival_curves import require_columns, z_value
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.domain.numbers import p_value_text
from lodestar.errors import InvalidInput

CITE_COX = (
    "Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal Statistical "
    "Society B 34(2), 187-220"
)


def cox_numbers(
    params: pd.Series, se: pd.Series, name: str, confidence: float
) -> tuple[float, float, float, float, float, float]:
    b, s = float(params[name]), float(se[name])
    z = z_value(confidence)
    try:
        if not (math.isfinite(b) and math.isfinite(s) and s > 0):
            raise OverflowError
        hr, low, high = math.exp(b), math.exp(b - z * s), math.exp(b + z * s)
    except OverflowError:
        # A group with (almost) no events or too few people drives the coefficient or its
        # standard error towards infinity: the hazard ratio has no usable bound.
        raise InvalidInput(
            "The hazard model gives no usable hazard ratio for the program (log hazard ratio "
            f"{b:.3g} with standard error {s:.3g}): this happens when a group is very small or "
            "has (almost) no events in the follow-up. Add participants or follow-up time so "
            "each group has several events, then estimate again.",
            details={"log_hazard_ratio": b if math.isfinite(b) else None},
        ) from None
    p = float(2 * stats.norm.sf(abs(b / s)))
    return b, s, hr, low, high, p


def proportional_hazards_check(
    p: float, over: str, data: dict[str, Any] | None = None
) -> Diagnostic:
    """The Grambsch & Therneau test of a constant hazard ratio (rank time transform) as a
    diagnostic; ``over`` says what time runs over ("time", "tenure")."""
    return Diagnostic(
        name="proportional_hazards",
        label="Proportional-hazards test (Grambsch & Therneau)",
        passed=p >= 0.05,
        value=p,
        detail=f"Test of a constant hazard ratio over {over}: {p_value_text(p)}.",
        data=data or {},
    )


def numeric_covariates(frame: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    return design_matrix(frame, covariates) if covariates else pd.DataFrame(index=frame.index)


def fit_quietly(fit: Any) -> tuple[Any, list[str]]:
    """Run a lifelines fit, turning its convergence warnings into sentences we report."""
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fit()
        except ConvergenceError as exc:
            raise InvalidInput(
                "The hazard model could not be fitted, usually because a group had no leavers "
                "or a covariate separates leavers from stayers. Remove that covariate or add "
                "more follow-up, then estimate again.",
                details={"reason": str(exc)},
            ) from exc
    notes = [
        "The hazard model had trouble converging, so treat the interval with caution; "
        "removing near-constant covariates usually helps."
        for w in caught
        if issubclass(w.category, ConvergenceWarning)
    ]
    return res, notes[:1]


def estimate_hazard_ratio(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    treatment: str,
    covariates: Sequence[str] = (),
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
) -> EffectEstimate:
    """Cox hazard ratio for a programme assigned at the start of follow-up (fixed indicator).

    Right only when ``treatment`` is known at time 0 for everyone (e.g. a randomised offer);
    for training that happens during follow-up use :func:`estimate_retention`.
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    require_columns(data, [duration, event, treatment, *covariates], "survival")
    frame = data[[duration, event, treatment, *covariates]].dropna()
    d = frame[treatment].astype(float)
    if not d.isin((0.0, 1.0)).all() or d.nunique() < 2:
        raise InvalidInput(
            f"The programme column {treatment!r} must hold 1 for participants and 0 for others, "
            "with some of each. Recode it and try again."
        )
    x = pd.concat(
        [
            frame[[duration, event]].astype(float),
            d.rename(treatment),
            numeric_covariates(frame, covariates),
        ],
        axis=1,
    )
    info = info or OutcomeInfo(name=event)
    cph, notes = fit_quietly(lambda: CoxPHFitter().fit(x, duration_col=duration, event_col=event))
    b, s, hr, lo, hi, p = cox_numbers(cph.params_, cph.standard_errors_, treatment, confidence)
    with warnings.catch_warnings(record=True) as ph_caught:
        warnings.simplefilter("always")
        ph = proportional_hazard_test(cph, x, time_transform="rank")
    ph_p = float(ph.summary.loc[treatment, "p"])
    warn = list(notes)
    if ph_caught:
        warn.append(
            "The check of whether the programme's effect changes over follow-up ran into a "
            f"numerical problem ({str(ph_caught[0].message)[:160]}), so its verdict is "
            "uncertain. Look at the survival curves before quoting the hazard ratio."
        )
    if ph_p < 0.05:
        warn.append(
            f"The programme's effect on the hazard seems to change over time (proportional-"
            f"hazards test {p_value_text(ph_p)}), so the single hazard ratio is an average over "
            "follow-up. Look at the survival curves before quoting it."
        )
    return EffectEstimate(
        estimate=hr,
        se=s,
        ci_low=lo,
        ci_high=hi,
        estimand="hazard_ratio",
        method="cox_ph",
        method_label="Cox proportional-hazards model (Efron ties)",
        citation=(
            f"{CITE_COX}; Grambsch, P. M. & Therneau, T. M. (1994). Biometrika 81(3), 515-526."
        ),
        design="survival",
        causal=True,
        n_treated=int(d.sum()),
        n_comparison=int((1 - d).sum()),
        outcome=info.name,
        unit=info.unit,
        direction=info.direction,
        p_value=p,
        confidence=confidence,
        diagnostics=(
            proportional_hazards_check(
                ph_p, "time", {"p_by_term": {k: float(v) for k, v in ph.summary["p"].items()}}
            ),
        ),
        warnings=tuple(warn),
        details={
            "log_hazard_ratio": b,
            "se_note": "se is the standard error of the log hazard ratio",
            "coefficients": {k: float(v) for k, v in cph.params_.items()},
            "n_events": int(frame[event].sum()),
        },
    )
