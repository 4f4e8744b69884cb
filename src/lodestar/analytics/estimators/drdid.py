"""Doubly robust difference-in-differences for two periods (panel data).

Sant'Anna & Zhao (2020) combine an outcome regression for the comparison group's change with
inverse-probability weights from a propensity score; the estimate is consistent if either
model is right. Methods: ``improved`` (locally efficient, the default), ``traditional``,
``or`` (outcome regression, Heckman, Ichimura & Todd 1997), ``ipw`` (Abadie 2005) and
``std_ipw`` (normalised IPW). Numbers come from ``moderndid`` (drdid / ordid / ipwdid).

The result is never shown bare: it carries a propensity-overlap check and the warning that
this is an observational comparison whose credibility rests on unconfounded trends. The
classic case is the LaLonde (1986) benchmark in ``moderndid``'s ``nsw_long``: the "treated" are
the NSW experiment's randomised-out controls, so the true effect is zero, yet against a CPS
comparison these estimators give -900 to -1,300 dollars.

Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences estimators.
Journal of Econometrics 219(1), 101-122.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.evidence import MIN_ESS_SHARE
from lodestar.analytics.panels import prepare_panel
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

DrDidMethod = Literal["improved", "traditional", "or", "ipw", "std_ipw"]
DRDID_METHODS: tuple[DrDidMethod, ...] = get_args(DrDidMethod)
CITATION = (
    "Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences "
    "estimators. Journal of Econometrics 219(1), 101-122."
)
LABELS = {
    "improved": "Doubly robust difference-in-differences (improved, locally efficient)",
    "traditional": "Doubly robust difference-in-differences (traditional)",
    "or": "Outcome-regression difference-in-differences",
    "ipw": "Inverse-probability-weighted difference-in-differences",
    "std_ipw": "Normalised inverse-probability-weighted difference-in-differences",
}
OBSERVATIONAL_WARNING = (
    "This is an observational comparison: it is only as good as the assumption that, after "
    "adjusting for the covariates, participants' {name} would have changed like the comparison "
    "group's. Check it with a placebo (pre-period) test before acting on the number."
)


def _overlap(ps: np.ndarray, d: np.ndarray) -> Diagnostic:
    """Effective comparison sample under ATT odds weights (Kish), as a share of nominal."""
    w = ps[d == 0] / (1 - ps[d == 0])
    ess = float(w.sum() ** 2 / np.sum(w**2)) if w.size else 0.0
    share = ess / max(int((d == 0).sum()), 1)
    passed = share >= MIN_ESS_SHARE
    return Diagnostic(
        name="overlap",
        label="Propensity overlap",
        passed=passed,
        value=share,
        detail=(
            f"Weighting the comparison group to look like participants leaves an effective "
            f"sample of {ess:,.0f} people, {100 * share:.1f}% of the {int((d == 0).sum()):,} "
            "available. "
            + (
                "Overlap is adequate."
                if passed
                else "Most comparison people look nothing like participants, so the estimate "
                "leans on a few of them and on model extrapolation."
            )
        ),
        data={"ps_treated": np.quantile(ps[d == 1], [0.05, 0.5, 0.95]).tolist()},
    )


def estimate_drdid(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    covariates: Sequence[str],
    method: DrDidMethod = "improved",
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
    **options: Any,
) -> EffectEstimate:
    """Two-period panel DiD, doubly robust (Sant'Anna & Zhao 2020).

    ``treatment`` is the participant flag (constant per person, as in ``moderndid``'s
    ``treatname``); ``time`` has exactly two periods, before and after.
    """
    if options:
        raise InvalidInput(
            "Unknown options for doubly robust DiD: " + ", ".join(sorted(options)) + "."
        )
    if method not in DRDID_METHODS:
        raise InvalidInput(
            f"'{method}' is not a known doubly robust DiD method. Choose one of: "
            + ", ".join(DRDID_METHODS)
            + "."
        )
    covariates = tuple(covariates)
    info = info or OutcomeInfo(name=outcome)
    if treatment not in getattr(data, "columns", ()):
        raise InvalidInput(f"The panel has no column '{treatment}'. Name the participant flag.")
    d_col = pd.to_numeric(data[treatment], errors="coerce")
    periods = np.sort(pd.to_numeric(data[time], errors="coerce").dropna().unique())
    if len(periods) != 2:
        raise InvalidInput(
            f"Doubly robust DiD needs exactly two periods (before and after); '{time}' has "
            f"{len(periods)}. Use the difference-in-differences or staggered design for more."
        )
    # The flag marks participants; as timing, they are treated in the second period.
    cohort = np.where(d_col.to_numpy() == 1, periods[1], 0.0)
    frame = data.assign(_cohort=cohort)
    panel = prepare_panel(
        frame,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort="_cohort",
        covariates=covariates,
        outcome_label=info.name,
    )
    if not panel.balanced:
        raise InvalidInput(
            "Doubly robust DiD for panel data needs every person observed in both periods. "
            "Drop people seen only once, and try again."
        )

    import moderndid

    f = panel.frame
    md_data = pd.DataFrame(
        {
            "id": pd.factorize(f["unit"])[0] + 1,
            "time": f["time"].to_numpy(),
            "y": f["y"].to_numpy(),
            "d": np.isfinite(f["cohort"].to_numpy()).astype(int),
        }
    )
    for i, c in enumerate(covariates):
        md_data[f"x{i}"] = f[c].to_numpy()
    xformla = "~ " + " + ".join(f"x{i}" for i in range(len(covariates))) if covariates else None
    common = dict(yname="y", tname="time", idname="id", treatname="d", xformla=xformla)
    if method in ("improved", "traditional"):
        res = moderndid.drdid(
            md_data, est_method="imp" if method == "improved" else "trad", **common
        )
    elif method == "or":
        res = moderndid.ordid(md_data, **common)
    else:
        res = moderndid.ipwdid(md_data, est_method=method, **common)
    est, se = float(res.att), float(res.se)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p_value = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else None

    # Propensity overlap (logit of participation on baseline covariates).
    base = md_data[md_data["time"] == periods[0]]
    diagnostics = []
    if covariates:
        import statsmodels.api as sm

        x = sm.add_constant(base[[f"x{i}" for i in range(len(covariates))]].to_numpy(float))
        ps = np.asarray(sm.Logit(base["d"].to_numpy(), x).fit(disp=0).predict(x))
        diagnostics.append(_overlap(ps, base["d"].to_numpy()))
    diagnostics.append(
        Diagnostic(
            name="pre_trends",
            label="Pre-trend / placebo test",
            passed=None,
            detail="With only two periods there is no earlier period to run a placebo test on; "
            "parallel trends are assumed, not checked. Load an earlier period and run the "
            "same estimator on pre-program periods as a placebo.",
        )
    )
    warnings = [OBSERVATIONAL_WARNING.format(name=info.name), *panel.notes]
    warnings.append(
        "Parallel trends could not be tested with two periods: treat this as weak evidence "
        "until a placebo test on earlier periods supports it."
    )
    for dg in diagnostics:
        if dg.passed is False:
            warnings.append(
                "Poor overlap: the comparison group's effective size is under 10% of its "
                "nominal size, so the estimate rests on a few people and on extrapolation."
            )
    n_treated = int(base["d"].sum())
    base_mean = f.loc[np.isfinite(f["cohort"]) & (f["time"] == periods[0]), "y"].mean()
    return EffectEstimate(
        estimate=est,
        se=se,
        ci_low=est - z * se,
        ci_high=est + z * se,
        estimand="ATT",
        method=f"drdid_{method}",
        method_label=LABELS[method],
        citation=CITATION,
        design="did",
        causal=True,
        n_treated=n_treated,
        n_comparison=int(len(base) - n_treated),
        outcome=info.name,
        unit=info.unit,
        baseline=float(base_mean),
        direction=info.direction,
        p_value=p_value,
        confidence=confidence,
        diagnostics=tuple(diagnostics),
        warnings=tuple(warnings),
        design_reason="Two periods with covariates: participants' change is compared with a "
        "comparison group's change adjusted for differences in covariates, doubly robust.",
        details={"periods": [float(p) for p in periods], "method": method},
    )
