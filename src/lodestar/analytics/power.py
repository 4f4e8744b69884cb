"""Sample size and minimum detectable effect (MDE) for a pilot, before it is launched.

Conventions are those of statsmodels (and of Cohen 1988, *Statistical Power Analysis for the
Behavioral Sciences*): two-sided tests at ``alpha``, ``power`` = 1 − β, sizes per arm, unrounded
(round *up* to whole people when planning).

- :func:`n_per_arm` / :func:`mde_standardised` — two-sample *t*-test on a standardised effect
  *d* (Cohen's d), via ``statsmodels.stats.power.tt_ind_solve_power``.
- :func:`n_per_arm_proportions` — two proportions through Cohen's *h* (arcsine transform),
  ``proportion_effectsize`` + ``NormalIndPower`` (a *z*-test).
- :func:`mde` — the planning formula of Bloom (1995), "Minimum detectable effects", *Evaluation
  Review* 19(5), in the KPI's own unit, with covariate adjustment (R²) and, for team-level
  assignment, the design effect of Kish (1965), DEFF = 1 + (m − 1)·ICC::

      MDE ≈ (z₁₋α/₂ + z_power) · σ · √(1/n₁ + 1/n₀) · √(1 − R²) · √DEFF

  With α = 0.05 and power 0.8 the multiplier is 1.96 + 0.84 ≈ 2.80.
"""

from __future__ import annotations

import math

from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower, tt_ind_solve_power
from statsmodels.stats.proportion import proportion_effectsize

from lodestar.errors import InvalidInput

__all__ = [
    "design_effect",
    "mde",
    "mde_standardised",
    "n_per_arm",
    "n_per_arm_proportions",
    "people_needed",
]


def _check_levels(alpha: float, power: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise InvalidInput(f"The significance level must lie between 0 and 1; got {alpha}.")
    if not 0.0 < power < 1.0:
        raise InvalidInput(f"The power must lie between 0 and 1 (0.8 is usual); got {power}.")


def _positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(value)):
        raise InvalidInput(f"The {name} must be a positive number; got {value}.")


def n_per_arm(d: float, *, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> float:
    """People needed in the pilot group to detect a standardised effect ``d`` (Cohen's d).

    ``ratio`` is comparison-group size / pilot-group size. Two-sample *t*-test
    (statsmodels ``tt_ind_solve_power``); d = 0.2 needs 393.4 per arm.
    """
    _check_levels(alpha, power)
    _positive("ratio of group sizes", ratio)
    if d == 0 or not math.isfinite(d):
        raise InvalidInput("The effect to detect must be a non-zero number of standard deviations.")
    return float(
        tt_ind_solve_power(effect_size=abs(d), alpha=alpha, power=power, ratio=ratio, nobs1=None)
    )


def mde_standardised(n1: float, n0: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest standardised effect (Cohen's d) a pilot of ``n1`` vs ``n0`` people can detect.

    Two-sample *t*-test (statsmodels ``tt_ind_solve_power``); 40 vs 40 gives d = 0.634.
    """
    _check_levels(alpha, power)
    if n1 < 2 or n0 < 2:
        raise InvalidInput("Each group needs at least two people to compute a detectable effect.")
    return float(
        tt_ind_solve_power(effect_size=None, nobs1=n1, alpha=alpha, power=power, ratio=n0 / n1)
    )


def n_per_arm_proportions(
    p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
) -> float:
    """People per arm to detect a move of a rate from ``p0`` to ``p1`` (e.g. 0.20 → 0.25).

    Cohen's h = 2·asin(√p₁) − 2·asin(√p₀) and a two-sample *z*-test (statsmodels
    ``proportion_effectsize`` + ``NormalIndPower``); 20% → 25% needs 1,092 per arm.
    """
    _check_levels(alpha, power)
    _positive("ratio of group sizes", ratio)
    for p in (p0, p1):
        if not 0.0 < p < 1.0:
            raise InvalidInput(f"Rates must be proportions strictly between 0 and 1; got {p}.")
    if p0 == p1:
        raise InvalidInput("The two rates are equal: there is no change to detect.")
    h = abs(float(proportion_effectsize(p1, p0)))
    return float(
        NormalIndPower().solve_power(
            effect_size=h, nobs1=None, alpha=alpha, power=power, ratio=ratio
        )
    )


def design_effect(m: float, icc: float) -> float:
    """Kish's design effect for assigning whole teams of average size ``m``: 1 + (m − 1)·ICC."""
    if m < 1:
        raise InvalidInput(f"The average team size must be at least 1; got {m}.")
    if not 0.0 <= icc <= 1.0:
        raise InvalidInput(f"The intra-class correlation must lie between 0 and 1; got {icc}.")
    return 1.0 + (m - 1.0) * icc


def mde(
    sigma: float,
    n1: float,
    n0: float,
    *,
    r2: float = 0.0,
    m: float = 1.0,
    icc: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """Minimum detectable effect in the KPI's own unit (Bloom 1995; Kish 1965 design effect).

    ``sigma`` is the KPI's person-level standard deviation, ``r2`` the share of its variance
    explained by covariates / the pre-period value, ``m`` the average team size and ``icc`` the
    intra-class correlation when whole teams are assigned (leave m = 1 for individuals).
    """
    _check_levels(alpha, power)
    _positive("standard deviation of the KPI", sigma)
    _positive("pilot-group size", n1)
    _positive("comparison-group size", n0)
    if not 0.0 <= r2 < 1.0:
        raise InvalidInput(f"The R² of the covariates must lie in [0, 1); got {r2}.")
    multiplier = float(norm.ppf(1 - alpha / 2) + norm.ppf(power))
    return (
        multiplier
        * sigma
        * math.sqrt(1 / n1 + 1 / n0)
        * math.sqrt(1 - r2)
        * math.sqrt(design_effect(m, icc))
    )


def people_needed(
    effect: float,
    sigma: float,
    *,
    share: float = 0.5,
    r2: float = 0.0,
    m: float = 1.0,
    icc: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """People in pilot and comparison together for ``mde(...)`` to equal ``effect``.

    The minimum-detectable-effect formula solved for the total N, with a share ``share`` of
    it in the pilot group: N = (z·σ·√(1 − R²)·√DEFF / effect)² · (1/share + 1/(1 − share)).
    """
    _check_levels(alpha, power)
    _positive("standard deviation of the KPI", sigma)
    if effect == 0 or not math.isfinite(effect):
        raise InvalidInput("The hoped-for effect must be a non-zero number in the KPI's unit.")
    if not 0.0 < share < 1.0:
        raise InvalidInput(f"The pilot share must lie strictly between 0 and 1; got {share}.")
    if not 0.0 <= r2 < 1.0:
        raise InvalidInput(f"The R² of the covariates must lie in [0, 1); got {r2}.")
    multiplier = float(norm.ppf(1 - alpha / 2) + norm.ppf(power))
    per_unit = multiplier * sigma * math.sqrt(1 - r2) * math.sqrt(design_effect(m, icc))
    return float((per_unit / abs(effect)) ** 2 * (1 / share + 1 / (1 - share)))
