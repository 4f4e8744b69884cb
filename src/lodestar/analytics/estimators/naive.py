"""Naive comparison: participants against everyone else, with no adjustment. Not causal.

Shown only as a reference point ("what a dashboard would say"), always labelled: people choose
or are chosen to take part, so their outcomes would differ even without the program.
The number is a plain difference in means with a Welch-type (HC2) standard error
(Welch 1947, *Biometrika* 34; MacKinnon & White 1985, *Journal of Econometrics* 29).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from lodestar.analytics.checks import MIN_GROUP_SIZE, binary_treatment, require_columns
from lodestar.analytics.evidence import warnings_for
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = ["estimate_naive"]


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
    ci_low, ci_high = float(ci.iloc[0]), float(ci.iloc[1])
    info = info or OutcomeInfo(name=outcome)
    return EffectEstimate(
        estimate=float(fit.params["__treated__"]),
        se=float(fit.bse["__treated__"]),
        ci_low=ci_low,
        ci_high=ci_high,
        estimand="difference_in_means",
        method="naive_difference_in_means",
        method_label="Raw difference between participants and everyone else (not causal)",
        citation="Welch (1947), Biometrika 34; MacKinnon & White (1985), J. Econometrics 29",
        design="naive",
        causal=False,
        n_treated=n1,
        n_comparison=n0,
        outcome=info.name,
        unit=info.unit,
        baseline=float(y[t == 0].mean()),
        direction=info.direction,
        p_value=float(fit.pvalues["__treated__"]),
        confidence=confidence,
        warnings=warnings_for(
            ci_low,
            ci_high,
            estimand="difference_in_means",
            causal=False,
            n_outcomes_tested=n_outcomes_tested,
        )
        + _dropped(len(data) - len(used), outcome),
        details={"rows_dropped": int(len(data) - len(used)), "se_type": "HC2"},
        population=info.population,
    )
