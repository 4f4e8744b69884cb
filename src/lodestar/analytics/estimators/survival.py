"""Retention: did training change how long people stay?

Three pieces, all on lifelines:

* :func:`kaplan_meier_curves` — Kaplan–Meier survival curves by group (Kaplan & Meier 1958)
  as a tidy table for charts, medians, and the log-rank test (Mantel 1966).
* :func:`estimate_retention` — the effect of training on the hazard of leaving, with
  training as a **time-varying** covariate (Cox 1972, counting-process form of Andersen &
  Gill 1982; lifelines ``CoxTimeVaryingFitter``). Each person's history from hire to exit (or
  the end of follow-up) is split at the training date into start/stop episodes, so nobody
  counts as trained before they were.
* :func:`estimate_hazard_ratio` — a Cox model for a programme assigned at the start of
  follow-up (e.g. a randomised offer), where a fixed indicator is correct (lifelines
  ``CoxPHFitter``, Efron ties), with the Grambsch & Therneau (1994) proportional-hazards test.

Immortal-time bias (Suissa 2008): marking people "trained" for their whole history when
training happened after hire credits the trained group with the time they had to survive
in order to be trained. With a true hazard ratio of 1 the naive "ever trained" model reports
a strongly protective effect (about 0.47 in the reference simulation). The time-varying model
is the default; ``model="ever_trained"`` is kept only to show the bias, and it is flagged as
not causal with a warning whenever training happened after hire.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lodestar.analytics.estimators.observational import design_matrix
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

RetentionModel = Literal["time_varying", "ever_trained"]
RETENTION_MODELS: tuple[RetentionModel, ...] = get_args(RetentionModel)

CITE_COX = (
    "Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal Statistical "
    "Society B 34(2), 187-220"
)
CITE_TV = (
    f"{CITE_COX}; Andersen, P. K. & Gill, R. D. (1982). Cox's regression model for counting "
    "processes. Annals of Statistics 10(4), 1100-1120; Suissa, S. (2008). Immortal time bias "
    "in pharmacoepidemiology. American Journal of Epidemiology 167(4), 492-499."
)
CITE_KM = (
    "Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations. "
    "JASA 53(282), 457-481; Mantel, N. (1966). Cancer Chemotherapy Reports 50(3), 163-170."
)


@dataclass(frozen=True)
class KaplanMeierCurves:
    """Kaplan–Meier curves by group: a tidy table for charts, medians and a log-rank test."""

    table: pd.DataFrame  # group, time, survival, ci_low, ci_high, at_risk, events, censored
    medians: Mapping[str, float]  # inf when the curve never falls to one half
    n: Mapping[str, int]
    events: Mapping[str, int]
    logrank_statistic: float | None = None
    logrank_p: float | None = None
    citation: str = CITE_KM
    extra: Mapping[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """The table as JSON-able rows (medians that are not reached become ``None``)."""
        return [
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()
            }
            for r in self.table.to_dict(orient="records")
        ]


def _require_columns(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InvalidInput(
            f"The {what} data has no column named {', '.join(map(repr, missing))}. Check the "
            "column names and try again.",
            details={"missing_columns": missing},
        )


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def kaplan_meier_curves(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    group: str | None = None,
    confidence: float = 0.95,
) -> KaplanMeierCurves:
    """Kaplan–Meier curves (with pointwise log-log intervals) and a log-rank test across groups."""
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    _require_columns(data, [duration, event] + ([group] if group else []), "survival")
    frame = data.dropna(subset=[duration, event] + ([group] if group else []))
    if frame.empty:
        raise InvalidInput("There are no complete rows to draw survival curves from.")
    labels = frame[group].astype(str) if group else pd.Series("all", index=frame.index)
    tables, medians, ns, events = [], {}, {}, {}
    for label in sorted(labels.unique()):
        part = frame[labels == label]
        kmf = KaplanMeierFitter(alpha=1 - confidence)
        kmf.fit(part[duration], part[event], label=label)
        ci = kmf.confidence_interval_survival_function_
        t = pd.DataFrame(
            {
                "group": label,
                "time": kmf.survival_function_.index.to_numpy(float),
                "survival": kmf.survival_function_[label].to_numpy(float),
                "ci_low": ci.iloc[:, 0].to_numpy(float),
                "ci_high": ci.iloc[:, 1].to_numpy(float),
                "at_risk": kmf.event_table["at_risk"].to_numpy(int),
                "events": kmf.event_table["observed"].to_numpy(int),
                "censored": kmf.event_table["censored"].to_numpy(int),
            }
        )
        tables.append(t)
        medians[label] = float(kmf.median_survival_time_)
        ns[label] = len(part)
        events[label] = int(part[event].sum())
    stat = p = None
    if len(medians) > 1:
        test = multivariate_logrank_test(frame[duration], labels, frame[event])
        stat, p = float(test.test_statistic), float(test.p_value)
    return KaplanMeierCurves(
        table=pd.concat(tables, ignore_index=True),
        medians=medians,
        n=ns,
        events=events,
        logrank_statistic=stat,
        logrank_p=p,
    )


def build_episodes(
    data: pd.DataFrame,
    *,
    person: str = "employee",
    hire: str = "hire_date",
    exit: str = "exit_date",
    trained_on: str = "trained_on",
    end_of_follow_up: pd.Timestamp | str | None = None,
    covariates: Sequence[str] = (),
) -> pd.DataFrame:
    """Start/stop episodes (days since hire) with ``trained`` switching on at the training date.

    One input row per person: hire date, exit date (empty while still employed) and training
    date (empty if never trained). Follow-up ends at the exit or ``end_of_follow_up``
    (default: the latest date in the data). Training on or before the hire date counts from
    day 0; training after the exit or the end of follow-up is ignored. People with no
    follow-up time (left on the day they joined) are dropped.
    """
    _require_columns(data, [person, hire, exit, trained_on, *covariates], "retention")
    hire_d = pd.to_datetime(data[hire])
    exit_d = pd.to_datetime(data[exit])
    train_d = pd.to_datetime(data[trained_on])
    if hire_d.isna().any():
        raise InvalidInput(
            f"{int(hire_d.isna().sum())} people have no hire date. Add their hire dates or "
            "leave them out, then estimate again."
        )
    end = (
        pd.Timestamp(end_of_follow_up)
        if end_of_follow_up is not None
        else max(hire_d.max(), exit_d.max(), train_d.max())
    )
    if (exit_d < hire_d).any():
        raise InvalidInput(
            f"{int((exit_d < hire_d).sum())} people leave before they were hired. Correct their "
            "hire or exit dates and estimate again."
        )
    left = exit_d.notna() & (exit_d <= end)
    stop_date = exit_d.where(left, end)
    total = (stop_date - hire_d).dt.days.to_numpy(float)
    t_train = (train_d - hire_d).dt.days.to_numpy(float)  # NaN if never trained
    base = pd.DataFrame({"person": data[person].to_numpy()})
    for c in covariates:
        base[c] = data[c].to_numpy()
    keep = total > 0
    trained_from_start = keep & (t_train <= 0)
    split = keep & (t_train > 0) & (t_train < total)
    untrained = keep & ~trained_from_start & ~split
    left_arr = left.to_numpy()

    def part(
        mask: np.ndarray, start: np.ndarray, stop: np.ndarray, trained: int, ev: np.ndarray
    ) -> pd.DataFrame:
        out = base.loc[mask].copy()
        out["start"], out["stop"] = start[mask], stop[mask]
        out["trained"], out["left"] = trained, ev[mask].astype(int)
        return out

    zeros = np.zeros(len(base))
    no_event = np.zeros(len(base), dtype=bool)
    episodes = pd.concat(
        [
            part(trained_from_start, zeros, total, 1, left_arr),
            part(untrained, zeros, total, 0, left_arr),
            part(split, zeros, t_train, 0, no_event),
            part(split, t_train, total, 1, left_arr),
        ],
        ignore_index=True,
    )
    episodes = episodes.sort_values(["person", "start"], kind="stable").reset_index(drop=True)
    episodes.attrs["n_no_follow_up"] = int((~keep).sum())
    return episodes


def immortal_time_diagnostic(episodes: pd.DataFrame) -> Diagnostic:
    """How much follow-up an "ever trained" model would wrongly count as trained.

    People trained after hire have an untrained episode starting at day 0 followed by a
    trained one; marking them trained from day 0 is immortal-time bias (Suissa 2008).
    """
    trained_people = episodes.loc[episodes["trained"] == 1, "person"].unique()
    pre = episodes[(episodes["trained"] == 0) & episodes["person"].isin(trained_people)]
    n_after = int(pre["person"].nunique())
    immortal_days = float((pre["stop"] - pre["start"]).sum())
    trained_days = float(
        (
            episodes.loc[episodes["trained"] == 1, "stop"]
            - episodes.loc[episodes["trained"] == 1, "start"]
        ).sum()
    )
    return Diagnostic(
        name="immortal_time",
        label="Immortal time (training after hire)",
        passed=None,
        value=float(n_after),
        detail=(
            f"{n_after} of {len(trained_people)} trained people were trained after they were "
            f"hired: {immortal_days:,.0f} person-days before their training would count as "
            "trained time in an 'ever trained' model. Training enters here on its date."
        ),
        data={
            "trained_people": int(len(trained_people)),
            "trained_after_hire": n_after,
            "immortal_person_days": immortal_days,
            "trained_person_days": trained_days,
        },
    )


def _cox_numbers(
    params: pd.Series, se: pd.Series, name: str, confidence: float
) -> tuple[float, float, float, float, float, float]:
    b, s = float(params[name]), float(se[name])
    z = _z(confidence)
    p = float(2 * stats.norm.sf(abs(b / s)))
    return b, s, math.exp(b), math.exp(b - z * s), math.exp(b + z * s), p


def _numeric_covariates(frame: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    return design_matrix(frame, covariates) if covariates else pd.DataFrame(index=frame.index)


def _fit_quietly(fit: Any) -> tuple[Any, list[str]]:
    """Run a lifelines fit, turning its convergence warnings into sentences we report."""
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fit()
        except ConvergenceError as exc:
            raise InvalidInput(
                "The hazard model could not be fitted, usually because a group had no leavers "
                "or a covariate separates leavers from stayers. Remove that covariate or add "
                "more follow-up, then estimate again.",
                details={"reason": str(exc)},
            ) from exc
    notes = [
        "The hazard model had trouble converging, so treat the interval with caution; "
        "removing near-constant covariates usually helps."
        for w in caught
        if issubclass(w.category, ConvergenceWarning)
    ]
    return res, notes[:1]


def estimate_retention(
    data: pd.DataFrame,
    *,
    person: str = "employee",
    hire: str = "hire_date",
    exit: str = "exit_date",
    trained_on: str = "trained_on",
    end_of_follow_up: pd.Timestamp | str | None = None,
    covariates: Sequence[str] = (),
    model: str = "time_varying",
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
) -> EffectEstimate:
    """Hazard ratio of leaving for trained vs not-yet-trained people (training time-varying).

    ``data`` has one row per person (see :func:`build_episodes`); ``covariates`` are fixed
    characteristics at hire. The estimate is the hazard ratio (below 1: trained people leave
    at a lower rate). ``model="ever_trained"`` fits the biased fixed-indicator model for
    comparison only: it is returned with ``causal=False`` and a warning.
    """
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter

    if model not in RETENTION_MODELS:
        raise InvalidInput(
            f"The retention model {model!r} is not supported. Choose one of: "
            f"{', '.join(map(repr, RETENTION_MODELS))}.",
            details={"field": "model", "allowed": list(RETENTION_MODELS)},
        )
    info = info or OutcomeInfo(name="leaving", direction="down")
    episodes = build_episodes(
        data,
        person=person,
        hire=hire,
        exit=exit,
        trained_on=trained_on,
        end_of_follow_up=end_of_follow_up,
        covariates=covariates,
    )
    per_person = episodes.groupby("person").agg(
        trained=("trained", "max"), left=("left", "max"), stop=("stop", "max")
    )
    n_trained = int(per_person["trained"].sum())
    n_never = int(len(per_person) - n_trained)
    if n_trained == 0 or n_never == 0 or per_person["left"].sum() == 0:
        raise InvalidInput(
            f"Retention needs trained and untrained people and at least one leaver; the data "
            f"has {n_trained} trained, {n_never} never trained and "
            f"{int(per_person['left'].sum())} leavers. Widen the population or the follow-up."
        )
    cov = _numeric_covariates(episodes, covariates)
    immortal = immortal_time_diagnostic(episodes)

    # The naive fixed-indicator model, always fitted so the result can show the bias.
    static = pd.concat(
        [
            per_person[["stop", "left", "trained"]].reset_index(drop=True),
            _numeric_covariates(
                episodes.drop_duplicates("person").set_index("person").loc[per_person.index],
                covariates,
            ).reset_index(drop=True),
        ],
        axis=1,
    )
    cph, notes_static = _fit_quietly(
        lambda: CoxPHFitter().fit(static, duration_col="stop", event_col="left")
    )
    naive = _cox_numbers(cph.params_, cph.standard_errors_, "trained", confidence)

    tv_frame = pd.concat([episodes[["person", "start", "stop", "left", "trained"]], cov], axis=1)
    ctv, notes_tv = _fit_quietly(
        lambda: CoxTimeVaryingFitter().fit(
            tv_frame, id_col="person", event_col="left", start_col="start", stop_col="stop"
        )
    )
    tv = _cox_numbers(ctv.params_, ctv.standard_errors_, "trained", confidence)

    warn: list[str] = []
    n_after = int(immortal.value or 0)
    if model == "ever_trained":
        b, s, hr, lo, hi, p = naive
        causal = n_after == 0
        method, label, citation = (
            "cox_ever_trained",
            "Cox model, 'ever trained' indicator",
            CITE_COX,
        )
        warn += notes_static
        if n_after:
            warn.append(
                f"This 'ever trained' model counts {n_after} people as trained from the day "
                "they were hired although they were trained later, so the time they had to stay "
                "in order to be trained is credited to training (immortal-time bias). Its hazard "
                f"ratio of {hr:.2f} is not a programme effect; use the time-varying model "
                f"(here {tv[2]:.2f}) instead."
            )
        diag = Diagnostic(
            name=immortal.name,
            label=immortal.label,
            passed=n_after == 0,
            value=immortal.value,
            detail=immortal.detail.replace(
                "Training enters here on its date.",
                "This model ignores the training date, which biases it.",
            ),
            data=immortal.data,
        )
    else:
        b, s, hr, lo, hi, p = tv
        causal = True
        method, label, citation = (
            "cox_time_varying",
            "Cox model with training as a time-varying covariate",
            CITE_TV,
        )
        warn += notes_tv
        diag = Diagnostic(
            name=immortal.name,
            label=immortal.label,
            passed=True,
            value=immortal.value,
            detail=immortal.detail,
            data=immortal.data,
        )
    km = kaplan_meier_curves(
        per_person.assign(group=np.where(per_person["trained"] == 1, "ever trained", "never")),
        duration="stop",
        event="left",
        group="group",
    )
    return EffectEstimate(
        estimate=hr,
        se=s,  # standard error of the log hazard ratio
        ci_low=lo,
        ci_high=hi,
        estimand="hazard_ratio",
        method=method,
        method_label=label,
        citation=citation,
        design="survival",
        causal=causal,
        n_treated=n_trained,
        n_comparison=n_never,
        outcome=info.name,
        unit=info.unit,
        direction=info.direction or "down",
        p_value=p,
        confidence=confidence,
        diagnostics=(diag,),
        warnings=tuple(warn),
        design_reason=(
            "Training happens at different times after hire, so each person counts as "
            "untrained until their training date and trained afterwards."
        ),
        details={
            "log_hazard_ratio": b,
            "se_note": "se is the standard error of the log hazard ratio",
            "time_varying_hazard_ratio": tv[2],
            "time_varying_ci": [tv[3], tv[4]],
            "ever_trained_hazard_ratio": naive[2],
            "ever_trained_ci": [naive[3], naive[4]],
            "ever_trained_note": (
                "The 'ever trained' comparison suffers from immortal-time bias and is not causal."
            ),
            "n_episodes": len(episodes),
            "n_leavers": int(per_person["left"].sum()),
            "n_no_follow_up": episodes.attrs.get("n_no_follow_up", 0),
            "kaplan_meier_ever_trained": km.records(),
            "kaplan_meier_note": (
                "Curves by 'ever trained' are descriptive only: they share the immortal-time bias."
            ),
            "covariates": list(cov.columns),
        },
    )


def estimate_hazard_ratio(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    treatment: str,
    covariates: Sequence[str] = (),
    info: OutcomeInfo | None = None,
    confidence: float = 0.95,
) -> EffectEstimate:
    """Cox hazard ratio for a programme assigned at the start of follow-up (fixed indicator).

    Right only when ``treatment`` is known at time 0 for everyone (e.g. a randomised offer);
    for training that happens during follow-up use :func:`estimate_retention`.
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    _require_columns(data, [duration, event, treatment, *covariates], "survival")
    frame = data[[duration, event, treatment, *covariates]].dropna()
    d = frame[treatment].astype(float)
    if not d.isin((0.0, 1.0)).all() or d.nunique() < 2:
        raise InvalidInput(
            f"The programme column {treatment!r} must hold 1 for participants and 0 for others, "
            "with some of each. Recode it and try again."
        )
    x = pd.concat(
        [
            frame[[duration, event]].astype(float),
            d.rename(treatment),
            _numeric_covariates(frame, covariates),
        ],
        axis=1,
    )
    info = info or OutcomeInfo(name=event)
    cph, notes = _fit_quietly(lambda: CoxPHFitter().fit(x, duration_col=duration, event_col=event))
    b, s, hr, lo, hi, p = _cox_numbers(cph.params_, cph.standard_errors_, treatment, confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ph = proportional_hazard_test(cph, x, time_transform="rank")
    ph_p = float(ph.summary.loc[treatment, "p"])
    warn = list(notes)
    if ph_p < 0.05:
        warn.append(
            f"The programme's effect on the hazard seems to change over time (proportional-"
            f"hazards test p = {ph_p:.3f}), so the single hazard ratio is an average over "
            "follow-up. Look at the survival curves before quoting it."
        )
    return EffectEstimate(
        estimate=hr,
        se=s,
        ci_low=lo,
        ci_high=hi,
        estimand="hazard_ratio",
        method="cox_ph",
        method_label="Cox proportional-hazards model (Efron ties)",
        citation=(
            f"{CITE_COX}; Grambsch, P. M. & Therneau, T. M. (1994). Biometrika 81(3), 515-526."
        ),
        design="survival",
        causal=True,
        n_treated=int(d.sum()),
        n_comparison=int((1 - d).sum()),
        outcome=info.name,
        unit=info.unit,
        direction=info.direction,
        p_value=p,
        confidence=confidence,
        diagnostics=(
            Diagnostic(
                name="proportional_hazards",
                label="Proportional-hazards test (Grambsch & Therneau)",
                passed=ph_p >= 0.05,
                value=ph_p,
                detail=f"Test of a constant hazard ratio over time: p = {ph_p:.3f}.",
                data={"p_by_term": {k: float(v) for k, v in ph.summary["p"].items()}},
            ),
        ),
        warnings=tuple(warn),
        details={
            "log_hazard_ratio": b,
            "se_note": "se is the standard error of the log hazard ratio",
            "coefficients": {k: float(v) for k, v in cph.params_.items()},
            "n_events": int(frame[event].sum()),
        },
    )
