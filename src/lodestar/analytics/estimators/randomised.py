"""Randomised pilot: the effect of being assigned to the program (intention to treat).

- No covariates: **difference in means** (Neyman 1923) with the HC2 standard error, which equals
  Neyman's conservative variance for a two-arm experiment (Imbens & Rubin 2015, ch. 6), or the
  classical pooled-variance standard error (``se="classical"``).
- Covariates and/or the pre-period outcome: **ANCOVA**, OLS of the outcome on assignment and the
  baseline covariates (Frison & Pocock 1992, *Statistics in Medicine* 11(13); Lin 2013, *Annals
  of Applied Statistics* 7(1) for the robust standard error), fitted with statsmodels.
- Assignment by team (``cluster=``): **CR1 cluster-robust** standard errors (Liang & Zeger 1986)
  with t(G − 1) critical values (statsmodels ``cov_type="cluster"``).
- Stratified lotteries (``strata=``): stratum indicators enter the regression.
- **Randomisation inference** (:mod:`lodestar.analytics.randomisation`), re-drawing the lottery
  as it was run (by team, within strata), gives the p-value and interval automatically when there
  are fewer than 30 assignment units (teams, or people without teams), where cluster-robust and
  large-sample intervals are unreliable (Cameron, Gelbach & Miller 2008, *REStat* 90(3)).

Rows with a missing outcome are dropped and reported; if they are more common in one arm than
the other (differential attrition over 5 points) a diagnostic fails, because the remaining
groups may no longer be comparable (What Works Clearinghouse attrition standard).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from lodestar.analytics.checks import (
    MIN_GROUP_SIZE,
    binary_treatment,
    check_choice,
    covariate_matrix,
    require_columns,
)
from lodestar.analytics.data_checks import check_varies
from lodestar.analytics.evidence import FEW_CLUSTERS, warnings_for
from lodestar.analytics.randomisation import RandomisationInference, randomisation_inference
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = [
    "AnalyticFit",
    "Inference",
    "StandardError",
    "attrition_diagnostic",
    "balance_diagnostic",
    "estimate_randomised",
    "randomised_result",
]

StandardError = Literal["HC2", "classical"]
Inference = Literal["auto", "analytic", "randomisation"]
STANDARD_ERRORS: tuple[StandardError, ...] = ("HC2", "classical")
INFERENCES: tuple[Inference, ...] = ("auto", "analytic", "randomisation")
MAX_DIFFERENTIAL_ATTRITION = 0.05

_CITATIONS = {
    "difference_in_means": "Neyman (1923); Imbens & Rubin (2015), Causal Inference, ch. 6",
    "ancova": "Frison & Pocock (1992), Statistics in Medicine 11(13); Lin (2013), AoAS 7(1)",
}
_LABELS = {
    "difference_in_means": "Difference in means between randomised groups",
    "ancova": "Covariate-adjusted comparison of randomised groups (ANCOVA)",
}


def _codes(values: pd.Series) -> np.ndarray[Any, np.dtype[np.int64]]:
    codes, _ = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.int64)


def _attrition(data: pd.DataFrame, outcome: str, t: pd.Series) -> Diagnostic:
    missing = data[outcome].isna()
    return attrition_diagnostic(float(missing[t == 1].mean()), float(missing[t == 0].mean()))


def attrition_diagnostic(rate1: float, rate0: float) -> Diagnostic:
    """Missing outcomes by arm, from each arm's share of missing outcomes."""
    gap = abs(rate1 - rate0)
    passed = gap <= MAX_DIFFERENTIAL_ATTRITION
    detail = (
        f"The outcome is missing for {100 * rate1:.1f}% of the pilot group and "
        f"{100 * rate0:.1f}% of the comparison group."
    )
    if not passed:
        detail += (
            " The gap is large enough that those who remain may no longer be comparable; "
            "find out why outcomes are missing before trusting the estimate."
        )
    return Diagnostic(
        name="attrition",
        label="Missing outcomes by group",
        passed=passed,
        value=gap,
        detail=detail,
        data={"missing_share_treated": rate1, "missing_share_comparison": rate0},
    )


def _balance(x: pd.DataFrame, t: pd.Series) -> Diagnostic:
    return balance_diagnostic(
        [
            (
                str(col),
                float(x.loc[t == 1, col].mean()),
                float(x.loc[t == 0, col].mean()),
                float(x.loc[t == 1, col].var()),
                float(x.loc[t == 0, col].var()),
            )
            for col in x.columns
        ]
    )


def balance_diagnostic(columns: Sequence[tuple[str, float, float, float, float]]) -> Diagnostic:
    """Standardised differences from each covariate's (name, mean and variance in the pilot
    group, mean and variance in the comparison group)."""
    rows: list[dict[str, Any]] = []
    worst = 0.0
    for col, mean1, mean0, var1, var0 in columns:
        pooled = float(np.sqrt((var1 + var0) / 2))
        smd = float((mean1 - mean0) / pooled) if pooled > 0 else 0.0
        rows.append({"covariate": col, "smd": smd})
        worst = max(worst, abs(smd))
    return Diagnostic(
        name="covariate_balance",
        label="Balance of baseline characteristics",
        passed=None,
        value=worst,
        detail=(
            f"The largest standardised difference between the groups is {worst:.2f}; in a "
            "randomised pilot differences are due to chance and the adjusted estimate "
            "accounts for them."
        ),
        data={"rows": rows},
    )


def estimate_randomised(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    pre_outcome: str | None = None,
    cluster: str | None = None,
    strata: Sequence[str] = (),
    se: StandardError = "HC2",
    inference: Inference = "auto",
    ri_reps: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    info: OutcomeInfo | None = None,
    n_outcomes_tested: int = 1,
    mde: float | None = None,
    plausible_effect: float | None = None,
    claimed_estimand: str | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
) -> EffectEstimate:
    """Effect of assignment in a randomised pilot, one row per person (see module docstring)."""
    check_choice("standard error", se, STANDARD_ERRORS)
    check_choice("inference", inference, INFERENCES)
    if isinstance(strata, str):
        strata = (strata,)
    covariates = tuple(covariates)
    require_columns(data, [outcome, treatment, pre_outcome, cluster, *covariates, *strata])
    if not 0.5 < confidence < 1:
        raise InvalidInput(f"The confidence level must lie between 0.5 and 1; got {confidence}.")
    # A flat outcome gives an "effect" of rounding noise with a standard error to match.
    check_varies(data[outcome], outcome)
    t_all = binary_treatment(data, treatment)
    attrition = _attrition(data, outcome, t_all)

    adjusters = [*covariates, *([pre_outcome] if pre_outcome else [])]
    used = data.dropna(subset=[outcome, *adjusters, *strata, *([cluster] if cluster else [])])
    t = t_all.loc[used.index]
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if min(n1, n0) < min_group_size:
        raise InvalidInput(
            f"After dropping rows with missing values there are {n1} people in the pilot group "
            f"and {n0} in the comparison group; each needs at least {min_group_size} for an "
            "estimate, so collect more outcomes or fill in the missing values."
        )
    y = used[outcome].astype(np.float64)
    x = covariate_matrix(used, adjusters)
    if strata:
        labels = used[list(strata)].astype(str).agg("|".join, axis=1)
        x = pd.concat(
            [x, pd.get_dummies(labels, prefix="stratum", drop_first=True, dtype=np.float64)],
            axis=1,
        )
    z = add_constant(x, has_constant="add")
    design = pd.concat([t.rename("__treated__"), z], axis=1)

    unit_codes = None
    n_units = len(used)
    if cluster:
        unit_codes = _codes(used[cluster])
        n_units = int(unit_codes.max()) + 1
        varies = pd.Series(t.to_numpy()).groupby(unit_codes).nunique()
        if (varies > 1).any():
            raise InvalidInput(
                f"Participation varies within some {cluster!r} groups, but cluster= says whole "
                f"{cluster!r} groups were assigned; drop cluster= if people were assigned "
                "individually, or fix the treatment column."
            )
    if se == "classical" and not cluster:
        fit = OLS(y, design).fit(use_t=True)
    elif cluster:
        fit = OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": unit_codes}, use_t=True)
    else:
        fit = OLS(y, design).fit(cov_type="HC2", use_t=True)

    estimate = float(fit.params["__treated__"])
    std_err = float(fit.bse["__treated__"])
    ci = fit.conf_int(alpha=1 - confidence).loc["__treated__"]
    ci_low, ci_high = float(ci.iloc[0]), float(ci.iloc[1])
    p_value = float(fit.pvalues["__treated__"])
    method = "ancova" if len(design.columns) > 2 else "difference_in_means"
    details: dict[str, Any] = {
        "se_type": "CR1" if cluster else se,
        "analytic_ci": (ci_low, ci_high),
        "analytic_p_value": p_value,
        "rows_dropped": int(len(data) - len(used)),
        "adjusted_for": [str(c) for c in x.columns],
    }

    run_ri = inference == "randomisation" or (inference == "auto" and n_units < FEW_CLUSTERS)
    if run_ri:
        strata_codes = None
        if strata:
            unit_key = unit_codes if unit_codes is not None else np.arange(len(used))
            stratum_rows = _codes(labels)
            per_unit = pd.Series(stratum_rows).groupby(unit_key).nunique()
            if (per_unit > 1).any():
                raise InvalidInput(
                    "Some teams span several strata; strata must describe whole teams when "
                    "teams are assigned. Check the strata and cluster columns."
                )
            strata_codes = pd.Series(stratum_rows).groupby(unit_key).first().to_numpy(np.int64)
        ri = randomisation_inference(
            y.to_numpy(),
            t.to_numpy(),
            z.to_numpy(),
            unit=unit_codes,
            strata=strata_codes,
            reps=ri_reps,
            seed=seed,
            confidence=confidence,
        )
        details["randomisation"] = {
            "draws": ri.draws,
            "exact": ri.exact,
            "min_p_value": ri.min_p_value,
            "seed": seed,
        }

    baseline_col = pre_outcome if pre_outcome else None
    baseline = (
        float(used.loc[t == 1, baseline_col].mean()) if baseline_col else float(y[t == 0].mean())
    )
    diagnostics = [attrition]
    if len(x.columns):
        diagnostics.append(_balance(x, t))
    return randomised_result(
        AnalyticFit(estimate, std_err, ci_low, ci_high, p_value),
        method=method,
        n_treated=n1,
        n_comparison=n0,
        n_units=n_units,
        clustered=bool(cluster),
        baseline=baseline,
        diagnostics=diagnostics,
        details=details,
        ri=ri if run_ri else None,
        confidence=confidence,
        info=info or OutcomeInfo(name=outcome),
        claimed_estimand=claimed_estimand,
        mde=mde,
        plausible_effect=plausible_effect,
        n_outcomes_tested=n_outcomes_tested,
    )


@dataclass(frozen=True)
class AnalyticFit:
    """The regression's effect of assignment: estimate, standard error, interval and p-value
    (randomisation inference replaces the last three when it runs)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float


def randomised_result(
    fit: AnalyticFit,
    *,
    method: str,
    n_treated: int,
    n_comparison: int,
    n_units: int,
    clustered: bool,
    baseline: float,
    diagnostics: Sequence[Diagnostic],
    details: dict[str, Any],
    ri: RandomisationInference | None,
    confidence: float,
    info: OutcomeInfo,
    claimed_estimand: str | None = None,
    mde: float | None = None,
    plausible_effect: float | None = None,
    n_outcomes_tested: int = 1,
) -> EffectEstimate:
    """The result, its warnings and its wording from the fitted numbers: shared by the
    in-memory estimator and the one that runs where the rows live
    (:mod:`lodestar.analytics.in_engine.randomised`)."""
    p_value, ci_low, ci_high = fit.p_value, fit.ci_low, fit.ci_high
    if ri is not None:
        p_value, ci_low, ci_high = ri.p_value, ri.ci_low, ri.ci_high
    run_ri = ri is not None
    warnings = list(
        warnings_for(
            ci_low,
            ci_high,
            estimand="ATE",
            causal=True,
            claimed_estimand=claimed_estimand,
            n_clusters=n_units if clustered else None,
            small_cluster_inference="randomisation" if run_ri and clustered else None,
            mde=mde,
            plausible_effect=plausible_effect,
            n_outcomes_tested=n_outcomes_tested,
        )
    )
    if ri is not None and ri.min_p_value > round(1 - confidence, 12):
        warnings.append(
            f"With only {n_units} assignment units there are too few possible lotteries for any "
            "result to reach significance; the pilot needs more teams or people to say anything."
        )
    attrition = diagnostics[0]
    if not attrition.passed:
        warnings.append(attrition.detail)
    label = _LABELS[method] + (" with randomisation inference" if run_ri else "")
    return EffectEstimate(
        estimate=fit.estimate,
        se=fit.se,
        ci_low=ci_low,
        ci_high=ci_high,
        estimand="ATE",
        method=method,
        method_label=label,
        citation=_CITATIONS[method]
        + ("; Imbens & Rubin (2015), ch. 5 (randomisation inference)" if run_ri else ""),
        design="randomised",
        causal=True,
        n_treated=n_treated,
        n_comparison=n_comparison,
        outcome=info.name,
        unit=info.unit,
        baseline=baseline,
        direction=info.direction,
        p_value=p_value,
        confidence=confidence,
        n_clusters=n_units if clustered else None,
        diagnostics=tuple(diagnostics),
        warnings=tuple(warnings),
        details={**details, "inference": "randomisation" if run_ri else "analytic"},
        population=info.population,
    )
