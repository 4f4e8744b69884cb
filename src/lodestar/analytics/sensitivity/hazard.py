"""How strong an unmeasured confounder would have to be to explain away a hazard ratio.

**E-value for a hazard ratio** (VanderWeele & Ding 2017, Table 2). The E-value is defined on the
risk-ratio scale, so a hazard ratio is first converted:

- **rare outcome** (under 15% of units have the event by the end of follow-up): RR ≈ HR;
- **common outcome**: RR ≈ (1 − 0.5^√HR) / (1 − 0.5^√(1/HR)) (VanderWeele 2019, the "optimal
  approximate conversion"; also in the EValue R package's ``evalues.HR(rare = FALSE)``).

Then ``E = RR + sqrt(RR (RR − 1))`` (for RR < 1 on 1/RR), for the estimate and for the interval's
limit nearest 1 (E = 1 when the interval includes 1).

**Yardstick.** A result is **robust** when the E-value of the interval's limit exceeds the
association with the outcome of the strongest measured covariate, on the same risk-ratio scale
(its hazard ratio per standard deviation, or per category for a 0/1 covariate, converted the
same way): an unmeasured factor would have to be more strongly tied to the outcome than anything
measured — and as strongly to treatment — to explain the result away. Without measured
covariates there is no yardstick and the result is not assessed.

VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research: introducing
the E-value. *Annals of Internal Medicine* 167(4), 268–274. VanderWeele, T. J. (2019). Optimal
approximate conversions of odds ratios and hazard ratios to risk ratios. *Biometrics* 76(3),
746–752.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from lodestar.analytics.sensitivity.confounding import e_value, e_value_interval
from lodestar.errors import InvalidInput

__all__ = [
    "CITATION",
    "RARE_OUTCOME_SHARE",
    "HazardEValue",
    "covariate_strengths",
    "hazard_e_value",
    "risk_ratio_from_hazard_ratio",
]

CITATION = (
    "VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research: "
    "introducing the E-value. Annals of Internal Medicine 167(4), 268-274; VanderWeele, T. J. "
    "(2019). Optimal approximate conversions of odds ratios and hazard ratios to risk ratios. "
    "Biometrics 76(3), 746-752."
)
RARE_OUTCOME_SHARE = 0.15  # below this share of units with the event, RR ≈ HR


def risk_ratio_from_hazard_ratio(hr: float, *, rare: bool) -> float:
    """The risk ratio a hazard ratio corresponds to (VanderWeele & Ding 2017, Table 2)."""
    if not math.isfinite(hr) or hr <= 0:
        raise InvalidInput("A hazard ratio must be a positive finite number for an E-value.")
    if rare:
        return float(hr)
    return float((1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr)))


@dataclass(frozen=True)
class HazardEValue:
    """E-values of a hazard ratio and of its interval's limit nearest 1."""

    rare: bool  # the rare-outcome conversion was used
    risk_ratio: float
    risk_ratio_low: float
    risk_ratio_high: float
    e_value: float
    e_value_ci: float


def hazard_e_value(hr: float, ci_low: float, ci_high: float, *, rare: bool) -> HazardEValue:
    """The E-value of a hazard ratio and its interval, with the conversion for a rare or a
    common outcome."""
    rr = risk_ratio_from_hazard_ratio(hr, rare=rare)
    lo = risk_ratio_from_hazard_ratio(ci_low, rare=rare)
    hi = risk_ratio_from_hazard_ratio(ci_high, rare=rare)
    return HazardEValue(rare, rr, lo, hi, e_value(rr), e_value_interval(lo, hi))


def covariate_strengths(
    coefficients: Mapping[str, float],
    data: pd.DataFrame | None,
    covariates: Sequence[str],
    *,
    rare: bool,
) -> list[tuple[str, float]]:
    """Each measured covariate's association with the outcome on the risk-ratio scale (hazard
    ratio per SD, or per category for a 0/1 covariate), strongest first."""
    found = []
    for name in covariates:
        if name not in coefficients or data is None or name not in data:
            continue
        values = pd.to_numeric(data[name], errors="coerce").dropna()
        if values.empty:
            continue
        binary = set(values.unique()) <= {0, 1}
        scale = 1.0 if binary else float(values.std())
        if not (math.isfinite(scale) and scale > 0):
            continue
        hr = math.exp(abs(float(coefficients[name])) * scale)
        found.append((name, risk_ratio_from_hazard_ratio(hr, rare=rare)))
    return sorted(found, key=lambda item: -item[1])
