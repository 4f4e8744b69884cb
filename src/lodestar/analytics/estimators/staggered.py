"""Staggered adoption: Callaway & Sant'Anna (2021) group-time effects and their aggregations.

People start a program at different times. A two-way fixed-effects regression then compares
later starters with earlier starters whose effect is still unfolding, and can even flip the
sign of the answer (Goodman-Bacon 2021). Callaway & Sant'Anna instead estimate one clean 2x2
difference-in-differences per cohort ``g`` (first treated period) and period ``t``, ATT(g,t),
each against a comparison group that is untreated at both ``t`` and the base period, and then
average those cells with cohort-size weights:

- ``simple``: the effect averaged over participants' post-start periods (the headline),
- ``dynamic``: by periods since the start (event time), including pre-start placebo cells,
- ``group``: by cohort, ``calendar``: by calendar period.

Base periods are "varying" (R ``did`` default): post cells compare ``t`` with ``g - 1``, pre
cells compare ``t`` with ``t - 1``. Standard errors are analytic, from per-unit influence
functions (with the weight-estimation term for aggregations), clustered by unit, or by
``cluster`` when given.

Engines. Without covariates the outcome-regression estimator is a difference of mean changes,
and this module computes it directly in vectorised numpy (``engine="lodestar"``), which is
exact against R ``did``/``moderndid`` (see tests) and fast on 100,000 people x 104 weeks.
Unbalanced panels use, for each cell, the people observed in both periods of that cell.
With covariates (or ``engine="moderndid"``) the work is delegated to ``moderndid.att_gt`` and
``moderndid.aggte`` (doubly robust / IPW / regression adjustment).

Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
periods. Journal of Econometrics 225(2), 200-230.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.estimators.group_time import (
    Aggregation,
    GroupTimeEffects,
    _group_time_numpy,
)
from lodestar.analytics.estimators.multiplier_bootstrap import (
    MultiplierBootstrap,
    multiplier_bootstrap,
)
from lodestar.analytics.estimators.staggered_moderndid import _group_time_moderndid
from lodestar.analytics.evidence import FEW_CLUSTERS, PRETREND_ALPHA
from lodestar.analytics.panels import (
    MIN_GROUP_SIZE,
    ControlGroup,
    Panel,
    WideValues,
    check_control_group,
    panel_from_wide,
    prepare_panel,
)
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.domain.numbers import p_value_text
from lodestar.errors import InvalidInput

EstMethod = Literal["reg", "dr", "ipw"]
EST_METHODS: tuple[EstMethod, ...] = get_args(EstMethod)
Engine = Literal["auto", "lodestar", "moderndid"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

CITATION = (
    "Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time "
    "periods. Journal of Econometrics 225(2), 200-230."
)
PRE_TREND_ALPHA = PRETREND_ALPHA  # the one threshold, from lodestar.analytics.evidence


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise InvalidInput(f"'{value}' is not a known {what}. Choose one of: {', '.join(allowed)}.")


# --------------------------------------------------------------------------------------------
# The vectorised engine (outcome regression without covariates = difference of mean changes)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Public function
# --------------------------------------------------------------------------------------------


def group_time_effects(
    panel: Panel,
    *,
    control_group: ControlGroup = "never_treated",
    est_method: EstMethod = "reg",
    engine: Engine = "auto",
) -> tuple[GroupTimeEffects, list[str]]:
    """ATT(g,t) and aggregations for a prepared panel (numbers only, no wording)."""
    _check(est_method, EST_METHODS, "estimation method")
    _check(engine, ENGINES, "engine")
    if engine == "lodestar" and panel.covariates:
        raise InvalidInput(
            "The built-in engine estimates without covariates; use engine='moderndid' or "
            "engine='auto' when adjusting for covariates."
        )
    if engine == "moderndid" or (engine == "auto" and panel.covariates):
        if panel.wide is not None:
            raise InvalidInput(
                "The moderndid engine reads a long table; pass the panel as one row per "
                "person and period (estimate_staggered) to use it."
            )
        return _group_time_moderndid(panel, control_group, est_method)
    # Without covariates regression adjustment, IPW and DR all reduce to mean changes.
    return _group_time_numpy(panel, control_group)


def estimate_staggered(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    info: OutcomeInfo | None = None,
    control_group: ControlGroup = "never_treated",
    est_method: EstMethod = "reg",
    engine: Engine = "auto",
    confidence: float = 0.95,
    min_group_size: int = MIN_GROUP_SIZE,
    **options: Any,
) -> EffectEstimate:
    """Callaway & Sant'Anna (2021) effect of a program with staggered start dates.

    ``cohort`` holds each person's first treated period (0 or missing for never treated).
    The headline is the ``simple`` aggregation: the average effect over participants' periods
    after their start (ATT). Pre-start event-time effects form the pre-trend diagnostic.
    """
    if options:
        raise InvalidInput(
            "Unknown options for the staggered estimator: " + ", ".join(sorted(options)) + ". "
            "Allowed: covariates, cluster, control_group, est_method, engine, confidence."
        )
    control_group = check_control_group(control_group)
    _check(est_method, EST_METHODS, "estimation method")
    _check(engine, ENGINES, "engine")
    info = info or OutcomeInfo(name=outcome)
    panel = prepare_panel(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covariates,
        cluster=cluster,
        control_group=control_group,
        outcome_label=info.name,
        min_group_size=min_group_size,
    )
    effects, notes = group_time_effects(
        panel, control_group=control_group, est_method=est_method, engine=engine
    )
    return effect_from_group_time(panel, effects, info, notes, control_group, confidence)


def _baseline(panel: Panel) -> float | None:
    """Participants' mean outcome before their start."""
    if panel.wide is not None:
        y, cohort = panel.wide.y, panel.wide.cohort
        before = (
            np.isfinite(cohort)[:, None]
            & (np.asarray(panel.periods)[None, :] < cohort[:, None])
            & ~np.isnan(y)
        )
        return float(y[before].mean()) if before.any() else None
    f = panel.frame
    rows = f[np.isfinite(f["cohort"]) & (f["time"] < f["cohort"])]
    return float(rows["y"].mean()) if len(rows) else None


def estimate_staggered_matrix(
    values: WideValues,
    periods: Sequence[float],
    *,
    info: OutcomeInfo,
    control_group: ControlGroup = "never_treated",
    confidence: float = 0.95,
) -> EffectEstimate:
    """:func:`estimate_staggered` for a panel already laid out as a person x period matrix
    (how the services read it from the database): the same checks, estimator and result,
    without building and re-validating a long table of every person-period."""
    control_group = check_control_group(control_group)
    panel = panel_from_wide(values, periods, outcome_label=info.name, control_group=control_group)
    effects, notes = _group_time_numpy(panel, control_group)
    return effect_from_group_time(panel, effects, info, notes, control_group, confidence)


def _few_cluster_bootstrap(
    effects: GroupTimeEffects, confidence: float
) -> MultiplierBootstrap | None:
    """The cluster multiplier bootstrap of the headline when there are fewer than
    ``FEW_CLUSTERS`` clusters (units, when no cluster is given) and the engine gave influence
    functions (see :mod:`.multiplier_bootstrap`)."""
    psi = effects.simple_influence
    if psi is None or not np.isfinite(psi).all():
        return None
    codes = effects.cluster_codes
    n_clusters = len(psi) if codes is None else int(np.max(codes)) + 1
    if n_clusters >= FEW_CLUSTERS or n_clusters < 3:
        return None
    return multiplier_bootstrap(
        np.array([effects.simple.estimate]), psi, codes, confidence=confidence
    )


def _bootstrap_p(boot: MultiplierBootstrap) -> float:
    """The larger of the bootstrap p-value and the t(G − 1) one, so that it agrees with the
    interval, whose critical value is the larger of the two."""
    t = float(boot.estimates[0] / boot.se[0]) if boot.se[0] > 0 else 0.0
    p_t = float(2 * stats.t.sf(abs(t), boot.n_clusters - 1))
    return max(float(boot.p_values[0]), p_t)


def effect_from_group_time(
    panel: Panel,
    effects: GroupTimeEffects,
    info: OutcomeInfo,
    notes: Sequence[str],
    control_group: ControlGroup,
    confidence: float = 0.95,
    *,
    baseline: float | None = None,
) -> EffectEstimate:
    """Wrap group-time effects into the engine's result type with diagnostics and warnings.

    ``baseline`` (participants' mean outcome before their start) is read from the panel unless
    given, as it is when the panel's rows stayed in the engine that holds them."""
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    est, se = effects.simple.estimate, effects.simple.se
    p_value = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else None
    ci = (est - z * se, est + z * se)
    warnings = list(panel.notes) + list(notes)
    boot = _few_cluster_bootstrap(effects, confidence)
    if boot is not None:
        se, ci, p_value = (
            float(boot.se[0]),
            (float(boot.ci_low[0]), float(boot.ci_high[0])),
            (_bootstrap_p(boot)),
        )

    dyn = effects.dynamic
    event_table = [
        {
            "event_time": int(e),
            "estimate": float(a),
            "se": float(s),
            "ci_low": float(a - z * s),
            "ci_high": float(a + z * s),
            "pre_period": bool(e < 0),
        }
        for e, a, s in zip(dyn.keys, dyn.estimates, dyn.ses, strict=True)
    ]
    if effects.pre_trend_p is None:
        pre = Diagnostic(
            name="pre_trends",
            label="Pre-trend joint test",
            passed=None,
            detail="There are not enough periods before the start to test whether participants "
            "and the comparison group were on parallel paths; the estimate rests on that "
            "assumption unchecked. Load more history before the start to test it.",
        )
        warnings.append(
            "Parallel trends could not be tested: load at least two periods before the start."
        )
    else:
        passed = effects.pre_trend_p >= PRE_TREND_ALPHA
        pre = Diagnostic(
            name="pre_trends",
            label="Pre-trend joint test",
            passed=passed,
            value=effects.pre_trend_p,
            detail=(
                f"Joint Wald test that all {effects.pre_trend_df} pre-start event-time effects "
                f"are zero: chi-squared {effects.pre_trend_stat:.2f}, "
                f"{p_value_text(effects.pre_trend_p)}. "
                + (
                    "No evidence that participants were already drifting away before the start."
                    if passed
                    else "Participants were already moving differently before the start, so "
                    "the comparison group is not a reliable picture of what would have happened."
                )
            ),
            data={"event_study": event_table},
        )
        if not passed:
            warnings.append(
                f"Before the program started, participants' {info.name} already moved "
                "differently from the comparison group (pre-trend test "
                f"{p_value_text(effects.pre_trend_p)}, below {PRE_TREND_ALPHA}); treat the "
                "estimate as weak evidence."
            )
    diagnostics = [pre]
    n_clusters = None
    if panel.cluster:
        n_clusters = (
            int(pd.Series(panel.wide.cluster).nunique())
            if panel.wide is not None
            else int(panel.frame[panel.cluster].nunique())
        )
    if boot is not None:
        n_clusters = boot.n_clusters
        what = "clusters" if panel.cluster else info.population
        warnings.append(
            f"Only {n_clusters} {what} to cluster on: below about {FEW_CLUSTERS} analytic "
            "clustered standard errors are too small, so the standard error, interval and "
            f"p-value come from a cluster multiplier bootstrap ({boot.reps:,} draws, "
            f"{boot.weights} weights) with a t critical value on {n_clusters - 1} degrees of "
            "freedom; even so, intervals from this few clusters tend to be somewhat too narrow."
        )
    elif n_clusters is not None and n_clusters < FEW_CLUSTERS:
        warnings.append(
            f"Only {n_clusters} clusters: analytic clustered standard errors are unreliable "
            f"below about {FEW_CLUSTERS}; treat the interval as too narrow."
        )
    if ci[0] <= 0 <= ci[1]:
        warnings.append(
            "The confidence interval includes zero: no effect is also consistent with the data."
        )

    if baseline is None:
        baseline = _baseline(panel)

    def table(agg: Aggregation, key: str) -> list[dict[str, float]]:
        return [
            {key: float(k), "estimate": float(a), "se": float(s)}
            for k, a, s in zip(agg.keys, agg.estimates, agg.ses, strict=True)
        ]

    details: dict[str, Any] = {
        "group_time": [
            {"cohort": float(g), "period": float(t), "estimate": float(a), "se": float(s)}
            for g, t, a, s in zip(
                effects.groups, effects.times, effects.att, effects.se, strict=True
            )
        ],
        "event_study": event_table,
        # Pre-start cells use a varying base period (each period against the one before).
        "event_study_base": "varying",
        "event_study_vcov": (
            effects.dynamic_vcov.tolist() if effects.dynamic_vcov is not None else None
        ),
        "multiplier_bootstrap": None
        if boot is None
        else {
            "se": float(boot.se[0]),
            "ci": [float(boot.ci_low[0]), float(boot.ci_high[0])],
            "p_value": p_value,
            "critical_value": boot.critical,
            "reps": boot.reps,
            "weights": boot.weights,
            "n_clusters": boot.n_clusters,
            "analytic_se": effects.simple.se,
        },
        "aggregations": {
            a.kind: {"estimate": a.estimate, "se": a.se}
            for a in (effects.simple, effects.dynamic, effects.group, effects.calendar)
        },
        "by_cohort": table(effects.group, "cohort"),
        "by_period": table(effects.calendar, "period"),
        "control_group": control_group,
        "balanced": panel.balanced,
        "cohort_sizes": {str(k): v for k, v in panel.cohort_sizes.items()},
    }
    reason = (
        "Participants started at different times, so each start cohort is compared with "
        + ("people never trained" if control_group == "never_treated" else "people not yet trained")
        + " period by period (Callaway & Sant'Anna 2021), avoiding the bias of a single "
        "two-way fixed-effects regression with staggered timing (Goodman-Bacon 2021)."
    )
    return EffectEstimate(
        estimate=est,
        se=se,
        ci_low=ci[0],
        ci_high=ci[1],
        estimand="ATT",
        method="callaway_santanna",
        method_label="Callaway & Sant'Anna group-time effects",
        citation=CITATION,
        design="staggered",
        causal=True,
        n_treated=panel.n_treated,
        n_comparison=panel.n_never_treated,
        outcome=info.name,
        unit=info.unit,
        baseline=baseline,
        direction=info.direction,
        p_value=p_value,
        confidence=confidence,
        n_clusters=n_clusters,
        diagnostics=tuple(diagnostics),
        warnings=tuple(warnings),
        design_reason=reason,
        details=details,
    )
