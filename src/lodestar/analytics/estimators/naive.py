"""Naive comparison: participants against everyone else, with no adjustment. Not causal.

Shown only as a reference point ("what a dashboard would say"), always labelled: people choose
or are chosen to take part, so their outcomes would differ even without the program.
The number is a plain difference in means with a Welch-type (HC2) standard error
(Welch 1947, *Biometrika* 34; MacKinnon & White 1985, *Journal of Econometrics* 29).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from lodestar.analytics.checks import MIN_GROUP_SIZE, binary_treatment, require_columns
from lodestar.analytics.evidence import warnings_for
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = ["NaiveFit", "estimate_naive", "naive_result"]


def _dropped(n: int, outcome: str) -> tuple[str, ...]:
    if n == 0:
        return ()
    return (f"{n} row{'s were' if n > 1 else ' was'} left out because {outcome!r} was missing.",)


def estimate_naive(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    confidence: float = 0.95,
    info: OutcomeInfo | None = None,
    n_outcomes_tested: int = 1,
    min_group_size: int = MIN_GROUP_SIZE,
) -> EffectEstimate:
    """Raw difference in mean ``outcome`` between participants and non-participants."""
    require_columns(data, [outcome, treatment])
    t_all = binary_treatment(data, treatment)
    used = data.dropna(subset=[outcome])
    t = t_all.loc[used.index]
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if min(n1, n0) < min_group_size:
        raise InvalidInput(
            f"There are {n1} participants and {n0} others with an outcome; each group needs at "
            f"least {min_group_size} people for a comparison."
        )
    y = used[outcome].astype(np.float64)
    fit = OLS(y, add_constant(t.rename("__treated__"))).fit(cov_type="HC2", use_t=True)
    ci = fit.conf_int(alpha=1 - confidence).loc["__treated__"]
    return naive_result(
        NaiveFit(
            estimate=float(fit.params["__treated__"]),
            se=float(fit.bse["__treated__"]),
            ci_low=float(ci.iloc[0]),
            ci_high=float(ci.iloc[1]),
            p_value=float(fit.pvalues["__treated__"]),
            baseline=float(y[t == 0].mean()),
        ),
        n_treated=n1,
        n_comparison=n0,
        dropped=len(data) - len(used),
        outcome=outcome,
        info=info or OutcomeInfo(name=outcome),
        confidence=confidence,
        n_outcomes_tested=n_outcomes_tested,
    )


@dataclass(frozen=True)
class NaiveFit:
    """The difference in means (participants minus the others), its HC2 standard error,
    interval and p-value (t with n - 2 degrees of freedom), and the others' mean."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    baseline: float


def naive_result(
    fit: NaiveFit,
    *,
    n_treated: int,
    n_comparison: int,
    info: OutcomeInfo,
    dropped: int = 0,
    outcome: str = "",
    confidence: float,
    n_outcomes_tested: int = 1,
) -> EffectEstimate:
    """The labelled naive result, worded once for every engine that computes ``fit``;
    ``dropped`` rows had no value in the column ``outcome``."""
    return EffectEstimate(
        estimate=fit.estimate,
        se=fit.se,
        ci_low=fit.ci_low,
        ci_high=fit.ci_high,
        estimand="difference_in_means",
        method="naive_difference_in_means",
        method_label="Raw difference between participants and everyone else (not causal)",
        citation="Welch (1947), Biometrika 34; MacKinnon & White (1985), J. Econometrics 29",
        design="naive",
        causal=False,
        n_treated=n_treated,
        n_comparison=n_comparison,
        outcome=info.name,
        unit=info.unit,
        baseline=fit.baseline,
        direction=info.direction,
        p_value=fit.p_value,
        confidence=confidence,
        warnings=warnings_for(
            fit.ci_low,
            fit.ci_high,
            estimand="difference_in_means",
            causal=False,
            n_outcomes_tested=n_outcomes_tested,
        )
        + _dropped(dropped, outcome),
        details={"rows_dropped": int(dropped), "se_type": "HC2"},
        population=info.population,
    )
