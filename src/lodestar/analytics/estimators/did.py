"""Difference-in-differences with a comparison group, one start date.

Participants' KPI change from before to after the start is compared with the change over the
same periods among people who were not trained. Estimated as a two-way fixed-effects
regression (unit and period fixed effects) with standard errors clustered by person or by
``cluster`` (pyfixest ``feols``, CRV1). An event study (one coefficient per period relative to
the start, reference period -1) shows the path of the effect and gives the pre-trend test: a
joint Wald test that all pre-start coefficients are zero.

When people start at different times, a single two-way fixed-effects coefficient is a
weighted average of 2x2 comparisons that uses already-trained people as controls and can even
have the wrong sign (Goodman-Bacon 2021). Then this estimator does not report that number: it
hands over to Callaway & Sant'Anna (2021) group-time effects (``on_staggered="delegate"``,
default) or refuses (``"refuse"``).

Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
Journal of Econometrics 225(2), 254-277. Callaway, B. & Sant'Anna, P. H. C. (2021), same issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.estimators.few_clusters import (
    CITE_PLACEBO,
    CITE_WILD,
    PlaceboTest,
    placebo_test,
    wild_cluster_bootstrap,
)
from lodestar.analytics.estimators.staggered import (
    PRE_TREND_ALPHA,
    effect_from_group_time,
    group_time_effects,
)
from lodestar.analytics.evidence import FEW_CLUSTERS
from lodestar.analytics.nouns import count
from lodestar.analytics.panels import MIN_GROUP_SIZE, prepare_panel
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.analytics.small_groups import FEW_TREATED
from lodestar.domain.numbers import decimals_for, format_number, p_value_text
from lodestar.errors import InvalidInput

OnStaggered = Literal["delegate", "refuse"]
ON_STAGGERED: tuple[OnStaggered, ...] = get_args(OnStaggered)

CITATION = (
    "Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5; event-study "
    "pre-trend test as in Roth, J. (2022). Pretest with caution. AER: Insights 4(3), 305-322."
)
STAGGERED_REASON = (
    "Participants started at different times. A single two-way fixed-effects estimate would "
    "compare later starters with earlier starters whose effect is still unfolding, which can "
    "bias it or even flip its sign (Goodman-Bacon 2021), so the effect is estimated cohort by "
    "cohort with Callaway & Sant'Anna (2021) group-time effects instead."
)


@dataclass(frozen=True)
class _SmallSample:
    key: str  # "wild_bootstrap" or "placebo" in details
    sentence: str
    label: str
    citation: str
    details: dict[str, Any]
    p_value: float | None = None
    interval: tuple[float, float] | None = None
    se: float | None = None


def _small_sample_inference(
    fit: Any,
    frame: pd.DataFrame,
    cluster: str,
    start: float,
    n_clusters: int,
    confidence: float,
    noun: str,
) -> _SmallSample | None:
    """A placebo test when one or two clusters were treated; a wild cluster bootstrap when
    there are fewer than :data:`FEW_CLUSTERS` clusters (see :mod:`.few_clusters`)."""
    treated = np.isfinite(frame["cohort"].to_numpy())
    n_treated = int(frame.loc[treated, cluster].nunique())
    what = noun if cluster == "unit" else "clusters"
    if n_treated <= FEW_TREATED:
        test = placebo_test(frame, cluster=cluster, start=start)
        n_placebos = len(test.placebos)
        interval = test.interval(confidence)
        return _SmallSample(
            key="placebo",
            sentence=(
                f"The estimate rests on {count(n_treated, 'treated ' + what)}, so its standard "
                "error cannot describe the uncertainty: anything else that happened to "
                f"{'it' if n_treated == 1 else 'them'} at the start looks like the program's "
                f"effect. A placebo test giving the start to the comparison {what} in turn "
                f"({n_placebos:,} placebos) finds a before/after contrast at least this large "
                f"with {p_value_text(test.p_value, 2)}. "
                + _placebo_interval_words(test, interval, confidence)
            ),
            label=", placebo (randomisation) test",
            citation=CITE_PLACEBO,
            details={
                "p_value": test.p_value,
                "statistic": test.statistic,
                "n_placebos": n_placebos,
                "n_treated_clusters": n_treated,
                "placebos": list(test.placebos[:200]),
                "p_value_step": test.p_value_step,
                "ci": list(interval) if interval is not None else None,
            },
            p_value=test.p_value,
            interval=interval,
        )
    if n_clusters >= FEW_CLUSTERS:
        return None
    wb = wild_cluster_bootstrap(fit, "treat_post", n_clusters=n_clusters, confidence=confidence)
    return _SmallSample(
        key="wild_bootstrap",
        sentence=(
            f"There are only {count(n_clusters, what)} to cluster on; with fewer than about "
            f"{FEW_CLUSTERS} the usual cluster-robust interval is too narrow, so the p-value "
            f"and interval come from a wild cluster bootstrap ({wb.reps:,} draws, {wb.weights} "
            "weights); more clusters would sharpen the estimate."
        ),
        label=", wild cluster bootstrap",
        citation=CITE_WILD,
        details={
            "p_value": wb.p_value,
            "ci": [wb.ci_low, wb.ci_high],
            "reps": wb.reps,
            "weights": wb.weights,
            "n_clusters": n_clusters,
        },
        p_value=wb.p_value,
        interval=(wb.ci_low, wb.ci_high),
        se=wb.se,
    )


def _placebo_interval_words(
    test: PlaceboTest, interval: tuple[float, float] | None, confidence: float
) -> str:
    """The test-inversion interval in words, with how coarse it is."""
    n = len(test.placebos)
    step = test.p_value_step
    if interval is None:
        return (
            f"With {n:,} placebos its smallest possible p-value is {step:.2f}, above "
            f"{1 - confidence:.2f}, so it cannot rule out any effect size: there is no "
            f"{confidence:.0%} interval to give, and the one shown rests on a standard error "
            "that is too small."
        )
    d = decimals_for(*interval)
    return (
        f"The effects it does not reject run from {format_number(interval[0], d)} to "
        f"{format_number(interval[1], d)}, the {confidence:.0%} interval shown; with {n:,} "
        f"placebos its p-values move in steps of {step:.3f}, so this interval is coarse and "
        "assumes the program shifted the treated units by the same amount."
    )


def _event_name(e: int) -> str:
    return f"ev_m{-e}" if e < 0 else f"ev_p{e}"


def estimate_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
    on_staggered: OnStaggered = "delegate",
    min_group_size: int = MIN_GROUP_SIZE,
    **options: Any,
) -> EffectEstimate:
    """Two-way fixed-effects difference-in-differences with an event study and pre-trend test.

    ``treatment`` is 0/1 per row: 1 from the period a person was first trained onwards.
    """
    if options:
        raise InvalidInput(
            "Unknown options for difference-in-differences: "
            + ", ".join(sorted(options))
            + ". Allowed: cluster, covariates, confidence, on_staggered."
        )
    if on_staggered not in ON_STAGGERED:
        raise InvalidInput(
            f"'{on_staggered}' is not a known choice for on_staggered. Choose one of: "
            + ", ".join(ON_STAGGERED)
            + "."
        )
    info = info or OutcomeInfo(name=outcome)
    panel = prepare_panel(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster,
        outcome_label=info.name,
        min_group_size=min_group_size,
    )
    if panel.staggered:
        if on_staggered == "refuse":
            raise InvalidInput(
                STAGGERED_REASON.replace(" is estimated", " must be estimated")
                + " Use the staggered design (estimate_staggered) for this program."
            )
        effects, notes = group_time_effects(panel, control_group="never_treated")
        result = effect_from_group_time(panel, effects, info, notes, "never_treated", confidence)
        return replace(
            result,
            design_reason=STAGGERED_REASON,
            warnings=(
                "Start dates differ across participants, so no single two-way fixed-effects "
                "number is reported; the headline is the Callaway & Sant'Anna average effect.",
                *result.warnings,
            ),
        )

    import pyfixest as pf

    frame = panel.frame.copy()
    cohort_start = next(iter(panel.cohort_sizes))
    treated = np.isfinite(frame["cohort"].to_numpy())
    frame["treat_post"] = (treated & (frame["time"] >= cohort_start)).astype(float)
    periods = np.asarray(panel.periods)
    start_idx = int(np.searchsorted(periods, cohort_start))
    rel = np.searchsorted(periods, frame["time"].to_numpy()) - start_idx
    event_times = [int(e) for e in np.unique(rel[treated]) if e != -1]
    for e in event_times:
        frame[_event_name(e)] = (treated & (rel == e)).astype(float)
    cluster_col = cluster or "unit"
    vcov = {"CRV1": cluster_col}
    covs = "".join(f" + {c}" for c in panel.covariates)

    fit = pf.feols(f"y ~ treat_post{covs} | unit + time", data=frame, vcov=vcov)
    est = float(fit.coef()["treat_post"])
    se = float(fit.se()["treat_post"])
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p_value = float(fit.pvalue()["treat_post"])
    ci = fit.confint(alpha=1 - confidence).loc["treat_post"].to_numpy(dtype=float)

    ev_terms = " + ".join(_event_name(e) for e in event_times)
    ev_fit = pf.feols(f"y ~ {ev_terms}{covs} | unit + time", data=frame, vcov=vcov)
    coef = ev_fit.coef()
    ev_se = ev_fit.se()
    table: list[dict[str, Any]] = []
    for e in sorted([*event_times, -1]):
        b = 0.0 if e == -1 else float(coef[_event_name(e)])
        s = 0.0 if e == -1 else float(ev_se[_event_name(e)])
        table.append(
            {
                "event_time": e,
                "estimate": b,
                "se": s,
                "ci_low": b - z * s,
                "ci_high": b + z * s,
                "pre_period": e < 0,
                "reference": e == -1,
            }
        )
    # Covariance of the event-study coefficients (reference period left out), for the
    # honest-DiD sensitivity analysis (lodestar.analytics.sensitivity).
    ev_idx = [list(coef.index).index(_event_name(e)) for e in sorted(event_times)]
    ev_vcov = np.asarray(ev_fit._vcov)[np.ix_(ev_idx, ev_idx)]
    pre_names = [_event_name(e) for e in event_times if e < -1]
    warnings = list(panel.notes)
    if pre_names:
        names = list(coef.index)
        idx = [names.index(n) for n in pre_names]
        theta = coef.to_numpy()[idx]
        cov = np.asarray(ev_fit._vcov)[np.ix_(idx, idx)]
        stat = float(theta @ np.linalg.pinv(cov) @ theta)
        df = int(np.linalg.matrix_rank(cov))
        p_pre = float(stats.chi2.sf(stat, df))
        passed = p_pre >= PRE_TREND_ALPHA
        pre = Diagnostic(
            name="pre_trends",
            label="Pre-trend joint test",
            passed=passed,
            value=p_pre,
            detail=(
                f"Joint Wald test that the {len(pre_names)} pre-start event-study coefficients "
                f"are zero (reference period -1): chi-squared {stat:.2f} on {df} df, "
                f"{p_value_text(p_pre)}. "
                + (
                    "No evidence that participants were already drifting away before the start."
                    if passed
                    else "Participants were already moving differently before the start, so "
                    "the comparison group is not a reliable picture of what would have happened."
                )
            ),
            data={"event_study": table},
        )
        if not passed:
            warnings.append(
                f"Before the program started, participants' {info.name} already moved "
                "differently from the comparison group (pre-trend test "
                f"{p_value_text(p_pre)}, below {PRE_TREND_ALPHA}); treat the estimate as weak "
                "evidence."
            )
    else:
        pre = Diagnostic(
            name="pre_trends",
            label="Pre-trend joint test",
            passed=None,
            detail="Only one period before the start was loaded, so parallel trends cannot be "
            "tested. Load at least two periods of history before the start to test them.",
            data={"event_study": table},
        )
        warnings.append(
            "Parallel trends could not be tested: load at least two periods before the start."
        )
    n_clusters = int(frame[cluster_col].nunique())
    small = _small_sample_inference(
        fit, frame, cluster_col, cohort_start, n_clusters, confidence, info.population
    )
    details: dict[str, Any] = {}
    method_label = "Difference-in-differences (two-way fixed effects)"
    citation = CITATION
    extra: tuple[Diagnostic, ...] = ()
    if small is not None:
        warnings.append(small.sentence)
        if small.key == "placebo":
            extra = (
                Diagnostic(
                    name="few_treated",
                    label="Few treated units",
                    passed=False,
                    value=float(small.details["n_treated_clusters"]),
                    detail=small.sentence,
                    data={"placebo_p_value": small.p_value},
                ),
            )
        details[small.key] = small.details
        if small.p_value is not None:
            p_value = small.p_value
        if small.interval is not None:
            ci = np.asarray(small.interval)
            se = small.se if small.se is not None else se
        method_label += small.label
        citation += "; " + small.citation
    if ci[0] <= 0 <= ci[1]:
        warnings.append(
            "The confidence interval includes zero: no effect is also consistent with the data."
        )
    base_rows = frame.loc[treated & (frame["time"] < cohort_start), "y"]
    return EffectEstimate(
        estimate=est,
        se=se,
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        estimand="ATT",
        method="twfe_did",
        method_label=method_label,
        citation=citation,
        design="did",
        causal=True,
        n_treated=panel.n_treated,
        n_comparison=panel.n_never_treated,
        outcome=info.name,
        unit=info.unit,
        baseline=float(base_rows.mean()) if len(base_rows) else None,
        direction=info.direction,
        p_value=p_value,
        confidence=confidence,
        n_clusters=n_clusters,
        diagnostics=(pre, *extra),
        warnings=tuple(warnings),
        design_reason="All participants started at the same time, so their change is compared "
        "with the change among people not trained over the same periods.",
        details={
            "event_study": table,
            "event_study_vcov": ev_vcov.tolist(),
            "event_study_base": "universal",
            "start_period": cohort_start,
            "cluster": cluster_col,
            "balanced": panel.balanced,
            **details,
        },
    )
