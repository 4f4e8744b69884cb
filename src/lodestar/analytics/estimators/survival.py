"""Retention: did training change how long people stay? The Cox models, on lifelines.

The package's survival pieces, one concept a module (every public name is importable from
here as well):

* :mod:`.survival_curves` — :func:`kaplan_meier_curves`, Kaplan–Meier survival curves by group
  (Kaplan & Meier 1958) as a tidy table for charts, medians, and the log-rank test (Mantel
  1966); :func:`landmark_groups` for honest curves of trained vs not yet trained people;
* :mod:`.survival_episodes` — :func:`build_episodes` (start/stop episodes with training
  switching on at its date) and :func:`immortal_time_diagnostic`;
* this module — :func:`estimate_retention` — the effect of training on the hazard of leaving, with
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

from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.survival_curves import (
    CITE_KM,
    KaplanMeierCurves,
    kaplan_meier_curves,
    landmark_groups,
)
from lodestar.analytics.estimators.survival_episodes import (
    build_episodes,
    immortal_time_diagnostic,
    person_time,
)
from lodestar.analytics.estimators.survival_hazard import (
    CITE_COX,
    cox_numbers,
    estimate_hazard_ratio,
    fit_quietly,
    numeric_covariates,
)
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

RetentionModel = Literal["time_varying", "ever_trained"]
RETENTION_MODELS: tuple[RetentionModel, ...] = get_args(RetentionModel)

CITE_TV = (
    f"{CITE_COX}; Andersen, P. K. & Gill, R. D. (1982). Cox's regression model for counting "
    "processes. Annals of Statistics 10(4), 1100-1120; Suissa, S. (2008). Immortal time bias "
    "in pharmacoepidemiology. American Journal of Epidemiology 167(4), 492-499."
)

__all__ = [
    "CITE_COX",
    "CITE_KM",
    "CITE_TV",
    "RETENTION_MODELS",
    "KaplanMeierCurves",
    "RetentionModel",
    "build_episodes",
    "estimate_hazard_ratio",
    "estimate_retention",
    "immortal_time_diagnostic",
    "kaplan_meier_curves",
    "landmark_groups",
    "person_time",
]


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
    event: str | None = None,
) -> EffectEstimate:
    """Hazard ratio of leaving for trained vs not-yet-trained people (training time-varying).

    ``data`` has one row per person (see :func:`build_episodes`); ``covariates`` are fixed
    characteristics at hire. The estimate is the hazard ratio (below 1: trained people leave
    at a lower rate). ``model="ever_trained"`` fits the biased fixed-indicator model for
    comparison only: it is returned with ``causal=False`` and a warning. ``event`` names an
    optional column saying which exits count (see :func:`build_episodes`); other exits censor.
    ``details`` carries events and person-years while trained and untrained, and
    ``leavers_prevented_per_100_per_year`` with its interval (see :func:`_prevented`).
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
        event=event,
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
    cov = numeric_covariates(episodes, covariates)
    immortal = immortal_time_diagnostic(episodes)

    # The naive fixed-indicator model, always fitted so the result can show the bias.
    static = pd.concat(
        [
            per_person[["stop", "left", "trained"]].reset_index(drop=True),
            numeric_covariates(
                episodes.drop_duplicates("person").set_index("person").loc[per_person.index],
                covariates,
            ).reset_index(drop=True),
        ],
        axis=1,
    )
    cph, notes_static = fit_quietly(
        lambda: CoxPHFitter().fit(static, duration_col="stop", event_col="left")
    )
    naive = _other_model(cph, model == "ever_trained", confidence)

    tv_frame = pd.concat([episodes[["person", "start", "stop", "left", "trained"]], cov], axis=1)
    ctv, notes_tv = fit_quietly(
        lambda: CoxTimeVaryingFitter().fit(
            tv_frame, id_col="person", event_col="left", start_col="start", stop_col="stop"
        )
    )
    tv = _other_model(ctv, model == "time_varying", confidence)

    warn: list[str] = []
    for numbers, name in ((naive, "'ever trained'"), (tv, "time-varying")):
        if numbers is None:
            warn.append(
                f"The {name} model, shown only for comparison, gave no usable hazard ratio "
                "(a group with too few people or leavers), so it is left out."
            )
    n_after = int(immortal.value or 0)
    if model == "ever_trained":
        assert naive is not None  # the headline model refuses rather than return None
        b, s, hr, lo, hi, p = naive
        causal = n_after == 0
        method, label, citation = (
            "cox_ever_trained",
            "Cox model, 'ever trained' indicator",
            CITE_COX,
        )
        warn += notes_static
        if n_after and tv is not None:
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
        assert tv is not None  # the headline model refuses rather than return None
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
            "time_varying_hazard_ratio": tv[2] if tv else None,
            "time_varying_ci": [tv[3], tv[4]] if tv else None,
            "ever_trained_hazard_ratio": naive[2] if naive else None,
            "ever_trained_ci": [naive[3], naive[4]] if naive else None,
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
            "coefficients": {
                k: float(v)
                for k, v in (ctv if model == "time_varying" else cph).params_.items()
                if k != "trained"
            },
            **_prevented(person_time(episodes), hr, lo, hi),
        },
    )


def _other_model(
    fitted: Any, headline: bool, confidence: float
) -> tuple[float, float, float, float, float, float] | None:
    """The "trained" coefficient's numbers of one of the two models: the headline model's
    refusal stands, the other model (shown for comparison only) is None when it has no usable
    hazard ratio."""
    try:
        return cox_numbers(fitted.params_, fitted.standard_errors_, "trained", confidence)
    except InvalidInput:
        if headline:
            raise
        return None


def _prevented(time: dict[str, float], hr: float, lo: float, hi: float) -> dict[str, Any]:
    """Leavers prevented per 100 participants per year of trained time, with its interval.

    The participants' observed leaving rate while trained, ``r = events / person-years``, is
    compared with the rate the hazard ratio implies they would have had without the program,
    ``r / HR``: prevented = ``100 (r / HR - r)`` (negative = extra leavers). The interval
    carries the hazard ratio's interval only (not the noise in ``r``).
    """
    years = time["trained_person_years"]
    rate = time["trained_events"] / years if years > 0 else float("nan")

    def per_100(ratio: float) -> float:
        return 100 * (rate / ratio - rate) if ratio > 0 else float("nan")

    return {
        "person_time": time,
        "trained_leaving_rate_per_100_per_year": 100 * rate,
        "leavers_prevented_per_100_per_year": per_100(hr),
        "leavers_prevented_ci": [per_100(hi), per_100(lo)],
        "leavers_prevented_note": (
            "Participants' leaving rate while trained, against the rate the hazard ratio "
            "implies without the program; the interval carries the hazard ratio's interval."
        ),
    }
