"""Weak-evidence rules, said in words (REFERENCE.md, "What the engine must say").

Every estimator calls :func:`warnings_for` with what it knows and puts the returned sentences in
``EffectEstimate.warnings``. Only the facts you pass are checked; leave the rest ``None``::

    from lodestar.analytics.evidence import warnings_for

    warnings = warnings_for(
        ci_low, ci_high,               # the interval, in the outcome's unit (or the HR)
        estimand="ATT",                # options.ESTIMANDS; "hazard_ratio" tests against 1
        causal=True,                   # False adds the "not a causal estimate" sentence
        claimed_estimand=None,         # what the headline claims, if it differs
        pretrend_p=None,               # joint pre-trend test p-value: < 0.10 warns
        ess_share=None,                # Kish effective comparison sample / nominal: < 0.10 warns
        n_clusters=None,               # < 30 warns (see small_cluster_inference)
        small_cluster_inference=None,  # "randomisation" or "wild_bootstrap" if already used
        mde=None, plausible_effect=None,  # pilot MDE larger than the plausible effect warns
        n_outcomes_tested=1,           # > 1 warns: adjust with holm_adjust()
    )

Each rule is also a function returning a sentence or ``None``. :func:`holm_adjust` gives
Holm (1979) step-down adjusted p-values; :func:`kish_ess_share` the effective sample share of a
set of weights (Kish 1965), for the overlap rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from statsmodels.stats.multitest import multipletests

from lodestar.analytics.options import ESTIMAND_LABELS
from lodestar.errors import InvalidInput

__all__ = [
    "FEW_CLUSTERS",
    "MIN_ESS_SHARE",
    "PRETREND_ALPHA",
    "estimand_mismatch",
    "few_clusters",
    "holm_adjust",
    "interval_includes_null",
    "kish_ess_share",
    "multiple_outcomes",
    "not_causal",
    "poor_overlap",
    "pretrend_failed",
    "underpowered",
    "warnings_for",
]

PRETREND_ALPHA = 0.10
MIN_ESS_SHARE = 0.10
FEW_CLUSTERS = 30


def interval_includes_null(ci_low: float, ci_high: float, *, estimand: str = "ATT") -> str | None:
    """The confidence interval includes no effect (zero; one for a hazard ratio)."""
    null = 1.0 if estimand == "hazard_ratio" else 0.0
    if ci_low <= null <= ci_high:
        what = "a hazard ratio of 1" if null == 1.0 else "zero"
        return (
            f"The confidence interval includes {what}, so the data are consistent with no effect "
            "at all; treat the direction of the estimate as unsettled and gather more data "
            "before acting on it."
        )
    return None


def underpowered(mde: float | None, plausible_effect: float | None) -> str | None:
    """The pilot's minimum detectable effect is larger than the effect that is plausible."""
    if mde is None or plausible_effect is None:
        return None
    if abs(mde) > abs(plausible_effect):
        return (
            f"The pilot can only reliably detect effects of {abs(mde):.3g} or more, larger than "
            f"the plausible effect of {abs(plausible_effect):.3g}; a null result says little, "
            "so enlarge the pilot, lengthen it or adjust for the pre-period value before "
            "reading it as evidence of no effect."
        )
    return None


def pretrend_failed(pretrend_p: float | None) -> str | None:
    """The joint test of pre-period effects rejects parallel trends at the 10% level."""
    if pretrend_p is None or pretrend_p >= PRETREND_ALPHA:
        return None
    return (
        f"Participants and the comparison group were already drifting apart before the program "
        f"(pre-trend joint test p = {pretrend_p:.3f}, below {PRETREND_ALPHA:.2f}); the estimate "
        "may reflect that drift rather than the program, so look at the event-study chart and "
        "consider a better-matched comparison group."
    )


def poor_overlap(ess_share: float | None) -> str | None:
    """Weights are concentrated: the effective comparison sample is under 10% of its size."""
    if ess_share is None or ess_share >= MIN_ESS_SHARE:
        return None
    return (
        f"Few comparison people resemble the participants: after weighting, the comparison group "
        f"counts as only {100 * ess_share:.1f}% of its nominal size, so the estimate leans on a "
        "handful of people; restrict the analysis to people with comparable profiles or "
        "collect a better-matched comparison group."
    )


def few_clusters(
    n_clusters: int | None, *, small_cluster_inference: str | None = None
) -> str | None:
    """Fewer than about 30 clusters: cluster-robust standard errors are unreliable."""
    if n_clusters is None or n_clusters >= FEW_CLUSTERS:
        return None
    if small_cluster_inference is not None:
        method = small_cluster_inference.replace("_", " ")
        return (
            f"There are only {n_clusters} teams (clusters); with fewer than about {FEW_CLUSTERS} "
            f"the usual cluster-robust interval is too narrow, so the p-value and interval come "
            f"from {method} inference; more teams would sharpen the estimate."
        )
    return (
        f"There are only {n_clusters} teams (clusters); with fewer than about {FEW_CLUSTERS} the "
        "usual cluster-robust interval is too narrow, so rerun with randomisation inference or "
        "a wild cluster bootstrap before relying on it."
    )


def multiple_outcomes(n_outcomes_tested: int) -> str | None:
    """Several KPIs tested at once: some will look significant by chance."""
    if n_outcomes_tested <= 1:
        return None
    return (
        f"This program was tested on {n_outcomes_tested} KPIs, so one may look significant by "
        "chance; judge each against Holm-adjusted p-values rather than its own p-value."
    )


def estimand_mismatch(estimand: str, claimed_estimand: str | None) -> str | None:
    """The headline claims a different quantity from the one estimated."""
    if claimed_estimand is None or claimed_estimand == estimand:
        return None
    have = ESTIMAND_LABELS.get(estimand, estimand)
    claim = ESTIMAND_LABELS.get(claimed_estimand, claimed_estimand)
    return (
        f"This is an estimate of the {have}, not of the {claim} the headline refers to; "
        "word the claim to match what was estimated."
    )


def not_causal(causal: bool) -> str | None:
    """The design does not support a causal reading."""
    if causal:
        return None
    return (
        "Not a causal estimate: this compares participants with everyone else without "
        "accounting for who chose to take part, so the difference may have nothing to do with "
        "the program; use a comparison group, a pre-period or a randomised pilot instead."
    )


def warnings_for(
    ci_low: float,
    ci_high: float,
    *,
    estimand: str = "ATT",
    causal: bool = True,
    claimed_estimand: str | None = None,
    pretrend_p: float | None = None,
    ess_share: float | None = None,
    n_clusters: int | None = None,
    small_cluster_inference: str | None = None,
    mde: float | None = None,
    plausible_effect: float | None = None,
    n_outcomes_tested: int = 1,
) -> tuple[str, ...]:
    """All weak-evidence sentences that apply, most fundamental first."""
    found = (
        not_causal(causal),
        interval_includes_null(ci_low, ci_high, estimand=estimand),
        underpowered(mde, plausible_effect),
        pretrend_failed(pretrend_p),
        poor_overlap(ess_share),
        few_clusters(n_clusters, small_cluster_inference=small_cluster_inference),
        multiple_outcomes(n_outcomes_tested),
        estimand_mismatch(estimand, claimed_estimand),
    )
    return tuple(w for w in found if w is not None)


def holm_adjust(p_values: Sequence[float] | ArrayLike) -> tuple[float, ...]:
    """Holm (1979) step-down adjusted p-values, in the input order (statsmodels ``multipletests``).

    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6(2), 65–70.
    """
    p = np.asarray(p_values, dtype=float).ravel()
    if p.size == 0:
        return ()
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise InvalidInput("P-values must be numbers between 0 and 1; remove missing ones first.")
    adjusted = multipletests(p, method="holm")[1]
    return tuple(float(x) for x in adjusted)


def kish_ess_share(weights: ArrayLike) -> float:
    """Kish (1965) effective sample size of ``weights`` as a share of their count: (Σw)²/(n·Σw²)."""
    w = np.asarray(weights, dtype=float).ravel()
    if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InvalidInput("Weights must be finite, non-negative and not all zero.")
    return float(w.sum() ** 2 / (w.size * (w**2).sum()))
