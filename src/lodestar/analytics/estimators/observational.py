"""Selection on observables: managers picked the participants, and we can see why.

When who took part depends only on things recorded before the programme (tenure, rating,
prior KPI level, team...), comparing participants with *weighted* non-participants who
looked the same beforehand recovers the programme's effect. Two estimators:

``method="aipw"`` (default) — doubly robust augmented inverse-probability weighting.
    A logistic propensity model (chance of taking part given the covariates) and a linear
    outcome model are combined so that the estimate stays consistent if either model is
    right. For the effect on participants (ATT) we use the doubly robust ATT of Sant'Anna &
    Zhao (2020, "traditional" form, with a single post-programme outcome), whose influence
    function includes the estimation effect of both nuisance models; for the average effect
    (ATE) the AIPW estimator of Robins, Rotnitzky & Zhao (1994) with arm-specific outcome
    regressions (Glynn & Quinn 2010 explain both forms).
``method="ipw"`` — inverse-probability weighting alone (Horvitz–Thompson weights,
    normalised within arm, i.e. weighted least squares of the outcome on participation).
    Standard errors are the robust sandwich of that weighted regression, as in Hernán &
    Robins, *What If*, ch. 12; they ignore that the weights were estimated, which is
    conservative for the ATE.

Diagnostics: propensity overlap (distribution by group, share outside the trimming band,
effective sample size of the weighted comparison group), covariate balance before and after
weighting (standardised mean differences, flagged above 0.1 in absolute value; Austin 2009).

Trimming (``trim=(low, high)``, default 1 %–99 %): people whose estimated chance of taking
part lies outside the band are left out and both models are refitted on the rest (Crump,
Hotz, Imbens & Mitnik 2009). The estimate then describes the people with comparable
counterparts; the rule is stated in words in the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.data_checks import check_varies
from lodestar.analytics.estimators.weighting import (
    SMD_THRESHOLD,
    _aipw_ate,
    _aipw_att,
    _ess,
    _fit_logit,
    _ipw,
    _overlap_summary,
    balance_table,
)
from lodestar.analytics.evidence import MIN_ESS_SHARE, poor_overlap
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

Method = Literal["aipw", "ipw"]
Weighting = Literal["unstabilised", "stabilised"]
METHODS: tuple[Method, ...] = get_args(Method)
WEIGHTINGS: tuple[Weighting, ...] = get_args(Weighting)
OBSERVATIONAL_ESTIMANDS: tuple[str, ...] = ("ATT", "ATE")

ESS_SHARE_THRESHOLD = MIN_ESS_SHARE  # the one threshold, from lodestar.analytics.evidence

CITATIONS: dict[str, str] = {
    "aipw_ATT": (
        "Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences "
        "estimators. Journal of Econometrics 219(1), 101-122; Glynn, A. N. & Quinn, K. M. "
        "(2010). An introduction to the augmented inverse propensity weighted estimator. "
        "Political Analysis 18(1), 36-56."
    ),
    "aipw_ATE": (
        "Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression "
        "coefficients when some regressors are not always observed. Journal of the American "
        "Statistical Association 89(427), 846-866; Glynn, A. N. & Quinn, K. M. (2010). "
        "Political Analysis 18(1), 36-56."
    ),
    "ipw": (
        "Hernán, M. A. & Robins, J. M. (2020). Causal Inference: What If, ch. 12. Boca Raton: "
        "Chapman & Hall/CRC; Horvitz, D. G. & Thompson, D. J. (1952). JASA 47(260), 663-685."
    ),
}


def _check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise InvalidInput(
            f"The {name} {value!r} is not supported. Choose one of: {listed}.",
            details={"field": name, "allowed": list(allowed)},
        )


def design_matrix(
    data: pd.DataFrame, covariates: Sequence[str], categorical: Sequence[str] = ()
) -> pd.DataFrame:
    """Numeric covariate matrix (no constant): categories become 0/1 columns, first level dropped.

    Columns of category, object, string or boolean dtype, and those named in ``categorical``,
    are treated as categories. Column names read ``"education[2]"`` for a category level.
    """
    parts: list[pd.DataFrame] = []
    for name in covariates:
        col = data[name]
        is_cat = (
            name in categorical
            or isinstance(col.dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(col)
            or pd.api.types.is_string_dtype(col)
            or pd.api.types.is_bool_dtype(col)
        )
        if is_cat:
            dummies = pd.get_dummies(
                col.astype("category"), prefix=name, prefix_sep="[", drop_first=True, dtype=float
            )
            dummies.columns = [f"{c}]" for c in dummies.columns]
            parts.append(dummies)
        else:
            parts.append(pd.DataFrame({name: pd.to_numeric(col).astype(float)}, index=data.index))
    if not parts:
        return pd.DataFrame(index=data.index)
    return pd.concat(parts, axis=1)


def _trim_words(trim: tuple[float, float] | None, n_out: int, n: int, n_out_treated: int) -> str:
    if trim is None:
        return "No trimming: everyone was kept, whatever their estimated chance of taking part."
    lo, hi = trim
    return (
        f"People whose estimated chance of taking part was below {lo:.0%} or above {hi:.0%} "
        f"were left out ({n_out} of {n}, of whom {n_out_treated} participants), and both "
        "models were refitted on the rest, so the estimate describes people who had "
        "comparable counterparts."
    )


def estimate_selection_on_observables(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    info: OutcomeInfo | None = None,
    estimand: str = "ATT",
    trim: tuple[float, float] | None = (0.01, 0.99),
    method: str = "aipw",
    weighting: str = "unstabilised",
    categorical: Sequence[str] = (),
    confidence: float = 0.95,
) -> EffectEstimate:
    """Effect of a programme whose participants were chosen on recorded characteristics.

    ``data`` has one row per person: the ``outcome`` after the programme, ``treatment`` (1 for
    participants, 0 otherwise) and the ``covariates`` measured before it (numbers or
    categories; add squares or interactions as columns). ``estimand`` is ``"ATT"`` (effect on
    participants, default) or ``"ATE"``; ``method`` is ``"aipw"`` (doubly robust, default)
    or ``"ipw"``; ``weighting`` (``"unstabilised"``/``"stabilised"``) only changes the ATE
    weights shown in diagnostics, not the estimate. See the module docstring for methods,
    standard errors, trimming and citations.
    """
    _check_choice("estimand", estimand, OBSERVATIONAL_ESTIMANDS)
    _check_choice("method", method, METHODS)
    _check_choice("weighting", weighting, WEIGHTINGS)
    info = info or OutcomeInfo(name=outcome)
    missing = [c for c in (outcome, treatment, *covariates) if c not in data.columns]
    if missing:
        raise InvalidInput(
            f"The data has no column named {', '.join(map(repr, missing))}. Check the column "
            "names for the outcome, participation and covariates and try again.",
            details={"missing_columns": missing},
        )
    if trim is not None and not (0.0 <= trim[0] < trim[1] <= 1.0):
        raise InvalidInput(
            f"The trimming band {trim!r} is not valid. Give two chances between 0 and 1 with "
            "the lower one first, e.g. (0.01, 0.99), or None for no trimming."
        )
    # A flat outcome gives an "effect" of rounding noise with a standard error to match.
    check_varies(data[outcome], outcome)
    frame = data[[outcome, treatment, *covariates]].dropna()
    n_dropped_missing = len(data) - len(frame)
    d_all = frame[treatment].astype(float).to_numpy()
    if not np.isin(d_all, (0.0, 1.0)).all():
        raise InvalidInput(
            f"The participation column {treatment!r} must hold 1 for participants and 0 for "
            "everyone else. Recode it and try again."
        )
    n1, n0 = int(d_all.sum()), int((1 - d_all).sum())
    if n1 < 2 or n0 < 2:
        raise InvalidInput(
            f"There are {n1} participants and {n0} non-participants with complete data; at "
            "least two of each are needed to compare. Add people or check the participation "
            "column."
        )
    xcov_all = design_matrix(frame, covariates, categorical)
    x_all = np.column_stack([np.ones(len(frame)), xcov_all.to_numpy(float)])
    ps_all = _fit_logit(x_all, d_all)

    keep = np.ones(len(frame), dtype=bool)
    if trim is not None:
        keep = (ps_all >= trim[0]) & (ps_all <= trim[1])
    n_out = int((~keep).sum())
    n_out_treated = int((~keep & (d_all == 1)).sum())
    d = d_all[keep]
    y = frame[outcome].astype(float).to_numpy()[keep]
    xcov = xcov_all.loc[keep]
    # Drop columns that became constant after trimming (e.g. a category nobody left has).
    xcov = xcov.loc[:, xcov.nunique() > 1]
    x = np.column_stack([np.ones(len(y)), xcov.to_numpy(float)])
    if d.sum() < 2 or (1 - d).sum() < 2:
        raise InvalidInput(
            "After trimming, fewer than two participants or non-participants are left, so "
            "there is nobody comparable to compare with. Loosen the trimming band or choose "
            "covariates that do not decide participation on their own."
        )
    ps = _fit_logit(x, d) if n_out else ps_all[keep]

    if method == "ipw":
        fit = _ipw(y, d, ps, estimand, weighting)
        citation = CITATIONS["ipw"]
        method_label = "Inverse-probability weighting (logistic propensity model)"
    elif estimand == "ATT":
        fit = _aipw_att(y, d, x, ps)
        citation = CITATIONS["aipw_ATT"]
        method_label = "Doubly robust AIPW (logistic propensity + linear outcome model)"
    else:
        fit = _aipw_ate(y, d, x, ps)
        citation = CITATIONS["aipw_ATE"]
        method_label = "Doubly robust AIPW (logistic propensity + linear outcome model)"
    if not math.isfinite(fit.estimate) or not math.isfinite(fit.se):
        raise InvalidInput(
            "The weighted comparison could not be computed (weights became infinite). Use a "
            "trimming band such as (0.01, 0.99) and try again."
        )

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    lo, hi = fit.estimate - z * fit.se, fit.estimate + z * fit.se
    p_value = float(2 * stats.norm.sf(abs(fit.estimate / fit.se))) if fit.se > 0 else None

    # --- diagnostics -----------------------------------------------------------------------
    warnings: list[str] = []
    # Balancing weights for diagnostics: the IPW weights of the chosen estimand.
    if estimand == "ATT":
        bal_w = np.where(d == 1, 1.0, ps / (1 - ps))
    else:
        bal_w = np.where(d == 1, 1 / ps, 1 / (1 - ps))
        if weighting == "stabilised":
            bal_w = bal_w * np.where(d == 1, d.mean(), 1 - d.mean())
    ess_c = _ess(bal_w[d == 0])
    ess_t = _ess(bal_w[d == 1])
    nominal_c = int((d == 0).sum())
    ess_share = ess_c / nominal_c
    overlap_ok = ess_share >= ESS_SHARE_THRESHOLD
    band = trim if trim is not None else (0.01, 0.99)
    outside_share = float(((ps_all < band[0]) | (ps_all > band[1])).mean())
    overlap_data = _overlap_summary(ps_all, d_all)
    overlap_data.update(
        {
            "trim": list(trim) if trim is not None else None,
            "share_outside_band": outside_share,
            "band_checked": list(band),
            "n_trimmed": n_out,
            "n_trimmed_participants": n_out_treated,
            "ess_comparison": ess_c,
            "ess_comparison_share": ess_share,
            "ess_participants": ess_t,
            "nominal_comparison": nominal_c,
            "max_weight_share_comparison": float(bal_w[d == 0].max() / bal_w[d == 0].sum()),
        }
    )
    overlap_detail = (
        f"The weighted comparison group counts as {ess_c:.0f} people out of {nominal_c} "
        f"({ess_share:.0%}); {outside_share:.1%} of people had an estimated chance of taking "
        f"part outside {band[0]:.0%}–{band[1]:.0%}."
    )
    overlap_warning = poor_overlap(ess_share)
    if overlap_warning:
        warnings.append(overlap_warning)
    if n_out_treated and n_out_treated / n1 > 0.05:
        warnings.append(
            f"Trimming left out {n_out_treated} of {n1} participants ({n_out_treated / n1:.0%}) "
            "because nobody comparable took no part, so the estimate describes only the "
            "remaining participants. Say so wherever the result is shown."
        )

    balance = balance_table(xcov, d, bal_w)
    n_bad = int(balance["imbalanced_after"].sum())
    max_after = float(balance["smd_after"].abs().max()) if len(balance) else 0.0
    if n_bad:
        bad = ", ".join(balance.loc[balance["imbalanced_after"], "covariate"].astype(str))
        warnings.append(
            f"After weighting, {n_bad} covariate(s) still differ between the groups by more "
            f"than {SMD_THRESHOLD} standard deviations ({bad}). The doubly robust estimate "
            "leans on the outcome model for these; add their squares or interactions to the "
            "covariates and check again."
        )

    naive = float(y[d == 1].mean() - y[d == 0].mean())
    diagnostics = (
        Diagnostic(
            name="overlap",
            label="Propensity overlap (effective comparison sample)",
            passed=overlap_ok,
            value=ess_share,
            detail=overlap_detail,
            data=overlap_data,
        ),
        Diagnostic(
            name="covariate_balance",
            label="Covariate balance after weighting (standardised mean differences)",
            passed=n_bad == 0,
            value=max_after,
            detail=(
                f"Largest absolute standardised difference after weighting: {max_after:.3f} "
                f"(threshold {SMD_THRESHOLD}); {n_bad} covariate(s) above it."
            ),
            data={"table": balance.to_dict(orient="records"), "threshold": SMD_THRESHOLD},
        ),
        Diagnostic(
            name="trimming",
            label="Trimming rule",
            passed=None,
            value=float(n_out),
            detail=_trim_words(trim, n_out, len(frame), n_out_treated),
            data={"trim": list(trim) if trim is not None else None, "n_trimmed": n_out},
        ),
    )
    return EffectEstimate(
        estimate=fit.estimate,
        se=fit.se,
        ci_low=lo,
        ci_high=hi,
        estimand=estimand,
        method=f"{method}_{estimand.lower()}",
        method_label=method_label,
        citation=citation,
        design="selection_on_observables",
        causal=True,
        n_treated=int(d.sum()),
        n_comparison=int((1 - d).sum()),
        outcome=info.name,
        unit=info.unit,
        baseline=float(y[d == 0].mean()),
        direction=info.direction,
        p_value=p_value,
        confidence=confidence,
        diagnostics=diagnostics,
        warnings=tuple(warnings),
        design_reason=(
            "Participants were chosen on recorded characteristics, so the comparison weighs "
            "non-participants to look like participants on those characteristics. This is "
            "causal only if nothing unrecorded drove both selection and the outcome."
        ),
        details={
            "naive_difference": naive,
            "naive_difference_note": (
                "Raw difference between participants and non-participants, not causal."
            ),
            "n_dropped_missing": n_dropped_missing,
            "weighting": weighting,
            "propensity_model": "logistic regression (maximum likelihood)",
            "outcome_model": "linear regression" if method == "aipw" else None,
        },
    )
