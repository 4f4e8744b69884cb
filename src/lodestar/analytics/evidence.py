"""Weak-evidence rules, said in words (REFERENCE.md, "What the engine must say"), and the
evidence grade that follows from them. Every threshold of the grade lives here, once:
``PRETREND_ALPHA`` (0.10), ``MIN_ESS_SHARE`` (0.10), ``FEW_CLUSTERS`` (30) and
``PLAUSIBLE_M_BAR`` (1.0, the honest-DiD violation a conclusion must survive to be "strong").

Evidence grades (:func:`evidence_grade`), checked in this order:

1. **none** — the design does not support a causal reading (``causal=False``), or the estimate
   is not a finite number.
2. **weak** — the interval includes no effect (0; 1 for a hazard ratio; an unbounded interval
   always does), the interval has no width or no finite standard error (nothing was learnt about
   uncertainty), or a diagnostic failed (``Diagnostic.passed is False``: pre-trends, balance,
   overlap, attrition...).
3. **moderate** — a clear effect, but a weak-evidence warning applies (few clusters, several
   KPIs, underpowered, a fragile sensitivity result...), or the design rests on an untestable
   assumption that the sensitivity analysis did not show to be safe: difference-in-differences,
   staggered adoption, selection on observables and survival models unless their sensitivity
   analysis shows the conclusion survives a plausible violation (a randomised survival design
   gets no sensitivity analysis and stays moderate).
4. **strong** — a clear effect from a randomised pilot, or from a (staggered)
   difference-in-differences or selection on observables whose conclusion survives a plausible
   violation of its assumption (:mod:`lodestar.analytics.sensitivity`: honest-DiD breakdown value
   M̄* ≥ ``PLAUSIBLE_M_BAR``; an E-value beyond the strongest measured covariate, for hazard
   ratios too), with no
   warnings. A passed pre-trend test alone is never enough: such tests have low power
   (Roth 2022).

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

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from statsmodels.stats.multitest import multipletests

from lodestar.analytics.options import ESTIMAND_LABELS, Evidence
from lodestar.domain.numbers import p_value_text
from lodestar.errors import InvalidInput

if TYPE_CHECKING:
    from lodestar.analytics.results import EffectEstimate

__all__ = [
    "FEW_CLUSTERS",
    "MIN_ESS_SHARE",
    "PLAUSIBLE_M_BAR",
    "PRETREND_ALPHA",
    "SENSITIVITY_DESIGNS",
    "estimand_mismatch",
    "evidence_grade",
    "few_clusters",
    "fragile_result",
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

PRETREND_ALPHA = 0.10  # joint pre-trend test: below this, participants were already drifting
MIN_ESS_SHARE = 0.10  # Kish effective comparison sample as a share of its nominal size
FEW_CLUSTERS = 30  # below this many clusters, cluster-robust intervals are too narrow
PLAUSIBLE_M_BAR = 1.0  # honest DiD: post-start trend breaks as large as the largest pre-start one
SENSITIVITY_DESIGNS = frozenset({"did", "staggered", "selection_on_observables", "survival"})


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
        f"(pre-trend joint test {p_value_text(pretrend_p)}, below {PRETREND_ALPHA:.2f}); the "
        "estimate may reflect that drift rather than the program, so look at the event-study "
        "chart and consider a better-matched comparison group."
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


def fragile_result(robust: bool | None, kind: str, *, breakdown: float | None = 0.0) -> str | None:
    """The sensitivity analysis found that a plausible violation would overturn the result
    (for honest DiD, ``breakdown`` None: the robust interval includes zero even at M̄ = 0)."""
    if robust is not False:
        return None
    if kind == "honest_did" and breakdown is None:
        return (
            "The trend-robust interval (honest DiD) includes no effect even with no break in "
            "trends after the start, so the effect is not clear of zero on that check; treat it "
            "as tentative and look for a better-matched comparison group or a longer, steadier "
            "history before the start."
        )
    if kind == "honest_did":
        return (
            "The conclusion does not survive a difference in trends after the start as large as "
            "the largest seen before it (honest DiD); treat the effect as tentative and look for "
            "a better-matched comparison group or a longer, steadier history before the start."
        )
    return (
        "An unmeasured factor no stronger than the strongest recorded one could explain this "
        "result away; treat it as tentative, record what else drove who took part, or run a "
        "randomised pilot."
    )


def evidence_grade(est: EffectEstimate) -> Evidence:
    """How strong the evidence for the effect is; the rules are in the module docstring."""
    if not est.causal or not _finite(est.estimate):
        return "none"
    degenerate = not (
        _finite(est.se, est.ci_low, est.ci_high) and est.se > 0 and est.ci_high > est.ci_low
    )
    if degenerate or est.interval_includes_zero or any(d.passed is False for d in est.diagnostics):
        return "weak"
    if est.warnings:
        return "moderate"
    if est.design == "randomised":
        return "strong"
    if est.design in SENSITIVITY_DESIGNS:
        robust = est.sensitivity is not None and est.sensitivity.robust is True
        return "strong" if robust else "moderate"
    return "moderate"


def _finite(*values: object) -> bool:
    """Whether every value is a finite number: a stored result read back can hold None (a
    NaN that the database kept as NULL) where a number was, and is then graded, not a 500."""
    return all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in values
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
