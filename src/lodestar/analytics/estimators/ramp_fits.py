"""Fitting the time-to-productivity models without hiding what lifelines says.

Only lifelines' ``ConvergenceWarning`` is caught (:func:`fit_reporting_convergence`); it
becomes a sentence on the result. Every other warning is re-issued as it came. A Cox fit whose
log hazard ratio has run off towards infinity (the groups are separated in time: one got there
before anyone in the other did) is refused with what to do, rather than shown with an interval
from zero to infinity. A Weibull model that cannot be fitted drops the time ratio, not the
analysis.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pandas as pd

from lodestar.errors import InvalidInput

#: A log hazard ratio whose standard error exceeds this cannot be told from any value: the
#: interval would span a factor of more than e^19 (the fit has run off to "infinity").
UNIDENTIFIED_SE = 5.0
_Fit = TypeVar("_Fit")


def fit_reporting_convergence(fit: Callable[[], _Fit]) -> tuple[_Fit, bool]:
    """Run a lifelines fit, catching only its ``ConvergenceWarning`` (returned as a flag);
    every other warning is re-issued as it came."""
    from lifelines.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = fit()
    trouble = False
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            trouble = True
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, trouble


def fit_cox(
    frame: pd.DataFrame, treated: str, reference: str, adjusted: Sequence[str] = ()
) -> tuple[Any, list[str]]:
    """The Cox fit, refused when it has no finite answer; convergence trouble as words.

    ``adjusted`` names the covariates in ``frame`` (for the sentences)."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    separated = (
        f"The {treated!r} and {reference!r} groups do not overlap in time: one group reached "
        "the threshold before anyone in the other did, so the data cannot say how much sooner "
        "(the hazard ratio has no finite estimate). Compare the medians instead, or wait for "
        "more new hires in both groups and run the analysis again."
    )
    try:
        cph, trouble = fit_reporting_convergence(
            lambda: CoxPHFitter().fit(frame, duration_col="days", event_col="reached")
        )
    except ConvergenceError as exc:
        names = ", ".join(adjusted)
        covariate = f", or an adjustment ({names}) singles out a few people" if adjusted else ""
        raise InvalidInput(
            "The model of reaching the threshold could not be fitted: usually one group reached "
            f"it before anyone in the other did{covariate}. Compare the medians instead, leave "
            "out an adjustment that only a few people have, or wait for more new hires and run "
            "the analysis again.",
            details={"reason": "the Cox model did not converge"},
        ) from exc
    se = float(cph.standard_errors_[treated])
    if not math.isfinite(se) or se > UNIDENTIFIED_SE:
        raise InvalidInput(separated, details={"reason": "complete separation"})
    notes = (
        [
            "The Cox model had trouble converging (something nearly separates those who reached "
            "the threshold from those who did not, or barely varies), so treat its interval "
            "with caution; leaving out a near-constant adjustment usually helps."
        ]
        if trouble
        else []
    )
    return cph, notes


def fit_weibull(frame: pd.DataFrame) -> tuple[Any | None, list[str]]:
    """The Weibull AFT fit for the time ratio, or None with a sentence when it fails."""
    from lifelines import WeibullAFTFitter
    from lifelines.exceptions import ConvergenceError

    try:
        aft, trouble = fit_reporting_convergence(
            lambda: WeibullAFTFitter().fit(frame, duration_col="days", event_col="reached")
        )
    except ConvergenceError:
        return None, [
            "The Weibull model behind the time ratio could not be fitted to these ramp-up "
            "times, so no time ratio is given; the hazard ratio and the medians stand."
        ]
    if trouble:
        return aft, [
            "The Weibull model behind the time ratio had trouble converging, so read the time "
            "ratio as approximate; the hazard ratio and the medians do not depend on it."
        ]
    return aft, []


def ph_test_p(cph: Any, frame: pd.DataFrame, treated: str) -> float | None:
    """The Grambsch–Therneau p-value for the treated cohort (None if it cannot be computed)."""
    from lifelines.statistics import proportional_hazard_test

    test, _ = fit_reporting_convergence(
        lambda: proportional_hazard_test(cph, frame, time_transform="rank")
    )
    p = float(test.summary.loc[treated, "p"])
    return p if math.isfinite(p) else None
