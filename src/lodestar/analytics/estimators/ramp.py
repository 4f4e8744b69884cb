"""Time to productivity: how fast new hires reach a KPI threshold, compared across cohorts.

Input is a weekly person-period frame of new hires: one row per person and tenure week
(week 1 is the first week after hire) with the KPI value. A person *reaches productivity* in
the first week the KPI meets the threshold (at or above it for ``direction="up"``, at or
below it for ``"down"``), optionally for ``sustain_weeks`` consecutive observed weeks (the
time is then the first of those weeks). Time is counted in days (``week × 7``). People who
leave, or are still ramping when the data ends, are **censored** at their last observed
week — they are not dropped and not counted as failures.

Cohorts are compared survival-style:

* Kaplan–Meier median time to productivity per cohort with its confidence interval
  (Kaplan & Meier 1958; Brookmeyer & Crowley 1982) and a log-rank test (Mantel 1966);
* the **headline**: a Cox proportional-hazards model (Cox 1972, Efron ties) of reaching
  productivity with cohort indicators. The estimate is the hazard ratio of the
  ``treated_cohort`` against the ``reference_cohort``: above 1 means its hires reach the
  threshold sooner. We chose the hazard ratio over a difference in medians because it uses
  every person (medians need half a cohort to have got there), handles censoring in its
  standard error, and has an analytic interval;
* for words, a Weibull accelerated-failure-time model (Wei 1992) gives a *time ratio*
  (0.8 = the cohort needs 20 % less time), and the difference in KM medians in days; both
  are in ``details``.

How the cohorts were formed decides how the result may be read (``assignment``):

* ``"randomised"`` — a lottery decided who took part: ``causal=True``;
* ``"observational"`` with ``covariates`` (characteristics fixed at hire, such as hire date or
  department) — the Cox and Weibull models adjust for them and the result is read as causal
  only under the stated assumption that nothing unrecorded drove both taking part and the
  ramp-up (``causal=True``, with that caveat as a warning; like selection on observables);
* ``"observational"`` without covariates — an unadjusted association, ``causal=False``.

``details["assignment"]`` says which, in words. The result holds aggregates only — the
Kaplan–Meier table (time, share, interval, at risk, events, censored), medians and counts per
cohort — never a row per person (:func:`time_to_threshold` gives those to a caller who needs
them). Hiding curve steps taken by too few people is the storing service's job, as the minimum
group size is a setting.

Fitting (:mod:`.ramp_fits`): lifelines' ``ConvergenceWarning`` is the one warning caught; it
becomes a sentence on the result. When the groups do not overlap in time (every participant got
there before any comparison hire did, or the reverse — "complete separation") the hazard ratio
has no finite estimate, and the analysis is refused with what to do instead of showing an
interval from zero to infinity. Any other warning is left to surface.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.ramp_fits import fit_cox, fit_weibull, ph_test_p
from lodestar.analytics.estimators.survival import kaplan_meier_curves
from lodestar.analytics.estimators.survival_curves import z_value
from lodestar.analytics.estimators.survival_hazard import (
    cox_numbers,
    numeric_covariates,
    proportional_hazards_check,
)
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.domain.numbers import p_value_text
from lodestar.errors import InvalidInput

Direction = Literal["up", "down"]
Assignment = Literal["observational", "randomised"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
ASSIGNMENTS: tuple[Assignment, ...] = get_args(Assignment)

CITATION = (
    "Kaplan, E. L. & Meier, P. (1958). JASA 53(282), 457-481; Cox, D. R. (1972). Regression "
    "models and life-tables. JRSS B 34(2), 187-220; Wei, L. J. (1992). The accelerated "
    "failure time model: a useful alternative to the Cox regression model in survival "
    "analysis. Statistics in Medicine 11(14-15), 1871-1879."
)


def _check(name: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        raise InvalidInput(
            f"The {name} {value!r} is not supported. Choose one of: "
            f"{', '.join(map(repr, allowed))}.",
            details={"field": name, "allowed": list(allowed)},
        )


def time_to_threshold(
    data: pd.DataFrame,
    *,
    person: str,
    cohort: str,
    week: str,
    value: str,
    threshold: float,
    direction: str = "up",
    sustain_weeks: int = 1,
    days_per_week: int = 7,
) -> pd.DataFrame:
    """One row per person: cohort, ``days`` to productivity (or to censoring) and ``reached``.

    Weeks with no KPI value are skipped (they neither reach nor break a streak's count of
    observed weeks). The censoring time is the last week the person has a row.
    """
    _check("direction", direction, DIRECTIONS)
    missing = [c for c in (person, cohort, week, value) if c not in data.columns]
    if missing:
        raise InvalidInput(
            f"The weekly data has no column named {', '.join(map(repr, missing))}. Check the "
            "column names for person, cohort, tenure week and KPI value and try again.",
            details={"missing_columns": missing},
        )
    if sustain_weeks < 1:
        raise InvalidInput("sustain_weeks must be 1 or more; use 1 to count the first week.")
    frame = data[[person, cohort, week, value]].sort_values([person, week], kind="stable")
    if (frame.groupby(person)[cohort].nunique() > 1).any():
        raise InvalidInput(
            "Some people appear in more than one cohort. Give each person a single cohort "
            "(the one they were hired into) and try again."
        )
    if (frame[week] < 1).any():
        raise InvalidInput(
            f"Tenure weeks in {week!r} must start at 1 (the first week after hire). Shift the "
            "week numbers and try again."
        )
    last_week = frame.groupby(person)[week].max()
    cohorts = frame.groupby(person)[cohort].first()
    obs = frame.dropna(subset=[value]).reset_index(drop=True)
    v = obs[value].to_numpy(float)
    hit = pd.Series(v >= threshold if direction == "up" else v <= threshold)
    if sustain_weeks > 1:
        # A run of `sustain_weeks` consecutive observed hits, dated at its first week.
        run = (
            hit.astype(float)
            .groupby(obs[person])
            .transform(lambda s: s.rolling(sustain_weeks).sum())
        )
        ends = np.flatnonzero(run.to_numpy() == sustain_weeks)
        starts = obs.iloc[ends - (sustain_weeks - 1)]
        first_week = starts.groupby(person)[week].min()
    else:
        first_week = obs.loc[hit.to_numpy(), [person, week]].groupby(person)[week].min()
    out = pd.DataFrame({"cohort": cohorts.astype(str), "last_week": last_week})
    out["reached"] = out.index.isin(first_week.index).astype(int)
    out["weeks"] = first_week.reindex(out.index).fillna(out["last_week"]).astype(float)
    out["days"] = out["weeks"] * days_per_week
    out.index.name = "person"
    return out.reset_index()[["person", "cohort", "days", "reached", "weeks", "last_week"]]


def estimate_time_to_productivity(
    data: pd.DataFrame,
    *,
    threshold: float,
    treated_cohort: str,
    reference_cohort: str | None = None,
    person: str = "employee",
    cohort: str = "cohort",
    week: str = "tenure_week",
    value: str = "value",
    direction: str = "up",
    sustain_weeks: int = 1,
    assignment: str = "observational",
    covariates: Sequence[str] = (),
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
) -> EffectEstimate:
    """Hazard ratio of reaching the KPI threshold, ``treated_cohort`` vs ``reference_cohort``.

    ``reference_cohort`` defaults to the only other cohort (required when there are more
    than two). Other cohorts stay in the model with their own indicators. ``covariates`` are
    columns fixed for each person (their first row is used) that the models adjust for. See
    the module docstring for reaching productivity, censoring, the methods and the reading.
    """
    _check("assignment", assignment, ASSIGNMENTS)
    covariates = (covariates,) if isinstance(covariates, str) else tuple(covariates)
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise InvalidInput(
            f"The weekly data has no covariate column named {', '.join(map(repr, missing))}. "
            "Check the covariate names and try again."
        )
    times = time_to_threshold(
        data,
        person=person,
        cohort=cohort,
        week=week,
        value=value,
        threshold=threshold,
        direction=direction,
        sustain_weeks=sustain_weeks,
    )
    labels = sorted(times["cohort"].unique())
    treated = str(treated_cohort)
    if treated not in labels:
        raise InvalidInput(
            f"There is no cohort {treated!r} in the data. Choose one of: "
            f"{', '.join(map(repr, labels))}."
        )
    others = [c for c in labels if c != treated]
    if reference_cohort is None:
        if len(others) != 1:
            raise InvalidInput(
                f"There are {len(labels)} cohorts, so say which one to compare with: set "
                f"reference_cohort to one of {', '.join(map(repr, others)) or 'another cohort'}."
            )
        reference = others[0]
    else:
        reference = str(reference_cohort)
        if reference not in others:
            raise InvalidInput(
                f"The reference cohort {reference!r} is not another cohort in the data. Choose "
                f"one of: {', '.join(map(repr, others))}."
            )
    for label in (treated, reference):
        part = times[times["cohort"] == label]
        if len(part) < 2 or part["reached"].sum() == 0:
            raise InvalidInput(
                f"Cohort {label!r} has {len(part)} people of whom {int(part['reached'].sum())} "
                "reached the threshold; a comparison needs at least two people and one who got "
                "there. Check the threshold or wait for more data."
            )

    km = kaplan_meier_curves(times, duration="days", event="reached", group="cohort")
    adjust = _fixed_covariates(data, person, covariates, times["person"])
    dummies = pd.get_dummies(times["cohort"], dtype=float).drop(columns=reference)
    model_frame = pd.concat([times[["days", "reached"]], dummies, adjust], axis=1)
    adjusted = [c for c in covariates if any(col.split("[")[0] == c for col in adjust.columns)]
    cph, fit_notes = fit_cox(model_frame, treated, reference, adjusted)
    b, s, hr, lo, hi, p = cox_numbers(cph.params_, cph.standard_errors_, treated, confidence)
    z = z_value(confidence)
    aft, aft_notes = fit_weibull(model_frame)
    a_b = float(aft.params_.loc[("lambda_", treated)]) if aft is not None else math.nan
    a_s = float(aft.standard_errors_.loc[("lambda_", treated)]) if aft is not None else math.nan
    ph_p = ph_test_p(cph, model_frame, treated)

    medians_ci = _median_intervals(times, confidence)
    med_t, med_r = km.medians[treated], km.medians[reference]
    diff = med_t - med_r if math.isfinite(med_t) and math.isfinite(med_r) else None

    reading = _reading(assignment, adjusted)
    warn: list[str] = []
    if assignment == "observational" and not adjusted:
        warn.append(
            "The cohorts were not assigned at random: hires in different cohorts may differ in "
            "role, market or manager as well as in the programme. Read the difference as an "
            "association, and compare cohorts hired into the same roles where possible."
        )
    elif assignment == "observational":
        warn.append(
            f"Who took part was not decided by a lottery. The comparison is adjusted for "
            f"{_words(adjusted)}, but hires may still differ in role, experience or manager; "
            "read it as the program's effect only if nothing unrecorded drove both taking "
            "part and the ramp-up, and draw participants by lottery for a firmer answer."
        )
    warn += fit_notes + aft_notes
    if ph_p is not None and ph_p < 0.05:
        warn.append(
            f"The cohorts' ramp curves cross or diverge over time (proportional-hazards test "
            f"{p_value_text(ph_p)}), so the single hazard ratio averages over tenure; compare the "
            "medians and the curves as well."
        )
    censored_share = 1 - float(times["reached"].mean())
    info = info or OutcomeInfo(name="time to productivity", unit="days", direction="down")
    return EffectEstimate(
        estimate=hr,
        se=s,
        ci_low=lo,
        ci_high=hi,
        estimand="hazard_ratio",
        method="cox_time_to_productivity",
        method_label="Cox model of reaching the productivity threshold, by hiring cohort"
        + (f", adjusted for {_words(adjusted)}" if adjusted else ""),
        citation=CITATION,
        design="survival",
        causal=assignment == "randomised" or bool(adjusted),
        n_treated=int((times["cohort"] == treated).sum()),
        n_comparison=int((times["cohort"] == reference).sum()),
        outcome=info.name,
        unit=info.unit,
        baseline=med_r if math.isfinite(med_r) else None,
        direction="up",  # a hazard ratio above 1 means reaching productivity sooner
        p_value=p,
        confidence=confidence,
        diagnostics=(
            *([proportional_hazards_check(ph_p, "tenure")] if ph_p is not None else []),
            Diagnostic(
                name="censoring",
                label="People not yet productive (censored)",
                passed=None,
                value=censored_share,
                detail=(
                    f"{censored_share:.0%} of people left or were still ramping when the data "
                    "ended; they count up to their last week and no further."
                ),
            ),
        ),
        warnings=tuple(warn),
        design_reason=(
            "Time to productivity is compared with survival methods so that people who leave "
            "or are still ramping count for the time they were observed."
        ),
        details={
            "log_hazard_ratio": b,
            "se_note": "se is the standard error of the log hazard ratio",
            "reading": "A hazard ratio above 1 means the cohort reaches the threshold sooner.",
            "assignment": reading,
            "adjusted_for": adjusted,
            "treated_cohort": treated,
            "reference_cohort": reference,
            "threshold": threshold,
            "threshold_direction": direction,
            "sustain_weeks": sustain_weeks,
            "median_days": dict(km.medians),
            "median_days_ci": medians_ci,
            "median_difference_days": diff,
            "time_ratio": math.exp(a_b) if aft is not None else None,
            "time_ratio_ci": (
                [math.exp(a_b - z * a_s), math.exp(a_b + z * a_s)] if aft is not None else None
            ),
            "time_ratio_note": "Weibull AFT: below 1 means the cohort needs less time.",
            "logrank_statistic": km.logrank_statistic,
            "logrank_p": km.logrank_p,
            "n_by_cohort": dict(km.n),
            "reached_by_cohort": dict(km.events),
            "kaplan_meier": km.records(),
        },
    )


def _fixed_covariates(
    data: pd.DataFrame, person: str, covariates: Sequence[str], order: pd.Series
) -> pd.DataFrame:
    """One row per person (in ``order``) of the numeric covariates; constant columns dropped
    (they adjust for nothing and stall the fit)."""
    if not covariates:
        return pd.DataFrame(index=order.index)
    first = data.groupby(person, sort=False)[list(covariates)].first()
    if first.isna().any().any():
        raise InvalidInput(
            "Some people have no value for the covariates "
            f"{', '.join(repr(c) for c in covariates if first[c].isna().any())}. Fill them in "
            "or leave those covariates out, and try again."
        )
    matrix = numeric_covariates(first.loc[order.to_numpy()].reset_index(drop=True), covariates)
    matrix.index = order.index
    return matrix.loc[:, matrix.nunique() > 1]


def _reading(assignment: str, adjusted: Sequence[str]) -> str:
    if assignment == "randomised":
        return "randomised: a lottery decided who took part"
    if adjusted:
        return f"not randomised: adjusted for {_words(adjusted)}"
    return "not randomised and not adjusted: an association"


def _words(names: Sequence[str]) -> str:
    words = [n.replace("_", " ") for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _median_intervals(times: pd.DataFrame, confidence: float) -> dict[str, list[float | None]]:
    """Brookmeyer–Crowley style intervals for each cohort's KM median (lifelines)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    out: dict[str, list[float | None]] = {}
    for label, part in times.groupby("cohort"):
        kmf = KaplanMeierFitter(alpha=1 - confidence).fit(part["days"], part["reached"])
        ci = median_survival_times(kmf.confidence_interval_).to_numpy(float).ravel()
        out[str(label)] = [float(c) if np.isfinite(c) else None for c in ci]
    return out
