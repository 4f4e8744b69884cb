"""Time-varying treatment for any time-to-event data: the Cox model in counting-process form.

Two shapes of data reach :func:`estimate_time_varying_hazard_ratio`:

* **counting-process rows** — one row per unit and interval of follow-up, ``(start, stop]``,
  with the event (0/1) at ``stop`` and the treatment (0/1) during the interval (Andersen &
  Gill 1982). Rows of one unit are one person's history, never separate persons;
* **one row per unit with when treatment began** (``treated_at``, in the same time unit as the
  follow-up time, counted from the start of follow-up; empty when never treated). Each unit's
  follow-up is split at that time into an untreated and a treated interval, so nobody counts as
  treated before they were.

The fit is lifelines ``CoxTimeVaryingFitter`` (Efron ties). For comparison the result also
carries the naive "ever treated" hazard ratio, which suffers from immortal-time bias
(Suissa 2008) whenever treatment starts after follow-up does; it is never the headline.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.survival_hazard import (
    cox_numbers,
    fit_quietly,
    numeric_covariates,
)
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = ["counting_process_rows", "estimate_time_varying_hazard_ratio", "split_at_treatment"]

CITE = (
    "Cox, D. R. (1972). Regression models and life-tables. JRSS B 34(2), 187-220; Andersen, "
    "P. K. & Gill, R. D. (1982). Cox's regression model for counting processes. Annals of "
    "Statistics 10(4), 1100-1120; Suissa, S. (2008). Immortal time bias in "
    "pharmacoepidemiology. American Journal of Epidemiology 167(4), 492-499."
)
IMMORTAL_TIME = (
    "Marking units as treated for their whole follow-up when treatment began later credits "
    "treatment with the time they had to survive in order to be treated (immortal-time bias)"
)


def split_at_treatment(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    treated_at: str,
    unit: str | None,
    covariates: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """Counting-process rows ``unit, start, stop, event, treated`` (+ covariates) from one row
    per unit with the time treatment began, and notes in sentences."""
    ids = data[unit].to_numpy() if unit else np.arange(len(data))
    if unit and data[unit].duplicated().any():
        raise InvalidInput(
            f"With treated_at= the data needs one row per unit, but {unit!r} repeats. For "
            "several rows per unit (intervals of follow-up) pass start= (the interval's start) "
            "and a 0/1 treatment= per interval instead."
        )
    total = data[duration].to_numpy(np.float64)
    at = pd.to_numeric(data[treated_at], errors="coerce").to_numpy(np.float64)
    ev = data[event].astype(float).to_numpy()
    notes: list[str] = []
    after = np.isfinite(at) & (at >= total)
    if after.any():
        notes.append(
            f"{int(after.sum())} units were treated only after their follow-up ended and count "
            "as untreated."
        )
    from_start = np.isfinite(at) & (at <= 0)
    split = np.isfinite(at) & (at > 0) & (at < total)
    whole = ~split
    treated_whole = from_start
    base = pd.DataFrame({"unit": ids})
    for c in covariates:
        base[c] = data[c].to_numpy()
    parts = [
        base.loc[whole].assign(
            start=0.0, stop=total[whole], event=ev[whole], treated=treated_whole[whole] * 1.0
        ),
        base.loc[split].assign(start=0.0, stop=at[split], event=0.0, treated=0.0),
        base.loc[split].assign(start=at[split], stop=total[split], event=ev[split], treated=1.0),
    ]
    rows = pd.concat(parts, ignore_index=True).sort_values(["unit", "start"], kind="stable")
    return rows.reset_index(drop=True), notes


def counting_process_rows(
    data: pd.DataFrame,
    *,
    unit: str,
    start: str,
    stop: str,
    event: str,
    treatment: str,
    covariates: Sequence[str] = (),
) -> pd.DataFrame:
    """Checked counting-process rows ``unit, start, stop, event, treated`` (+ covariates)."""
    rows = pd.DataFrame(
        {
            "unit": data[unit].to_numpy(),
            "start": data[start].to_numpy(np.float64),
            "stop": data[stop].to_numpy(np.float64),
            "event": data[event].astype(float).to_numpy(),
            "treated": data[treatment].astype(float).to_numpy(),
        }
    )
    for c in covariates:
        rows[c] = data[c].to_numpy()
    empty = rows["stop"] <= rows["start"]
    if empty.any():
        first = rows.loc[empty].iloc[0]
        raise InvalidInput(
            f"{int(empty.sum())} intervals end before or when they start (for example unit "
            f"{first['unit']!r}: {start} {first['start']:g}, {stop} {first['stop']:g}). Each row "
            "is the interval (start, stop] of one unit's follow-up; fix those rows and try again."
        )
    rows = rows.sort_values(["unit", "start"], kind="stable").reset_index(drop=True)
    prev_stop = rows.groupby("unit", sort=False)["stop"].shift()
    overlap = prev_stop > rows["start"]
    if overlap.any():
        who = rows.loc[overlap, "unit"].iloc[0]
        raise InvalidInput(
            f"{int(overlap.sum())} intervals overlap an earlier interval of the same unit (for "
            f"example unit {who!r}). A unit's rows must split its follow-up into consecutive "
            "intervals; fix them and try again."
        )
    last = ~rows["unit"].duplicated(keep="last")
    early = (rows["event"] == 1) & ~last
    if early.any():
        who = rows.loc[early, "unit"].iloc[0]
        raise InvalidInput(
            f"{int(early.sum())} units have the event before their last interval (for example "
            f"unit {who!r}). The event ends follow-up, so it belongs on the unit's last row; "
            "fix the rows and try again."
        )
    return rows


def estimate_time_varying_hazard_ratio(
    rows: pd.DataFrame,
    *,
    covariates: Sequence[str] = (),
    info: OutcomeInfo,
    confidence: float = 0.95,
    notes: Sequence[str] = (),
) -> EffectEstimate:
    """Cox hazard ratio of treated vs not (yet) treated time, from counting-process ``rows``
    (see :func:`counting_process_rows` and :func:`split_at_treatment`)."""
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter

    per_unit = rows.groupby("unit", sort=False).agg(
        stop=("stop", "max"), event=("event", "max"), treated=("treated", "max")
    )
    n_treated = int(per_unit["treated"].sum())
    n_never = int(len(per_unit) - n_treated)
    n_events = int(per_unit["event"].sum())
    if n_treated == 0 or n_never == 0 or n_events == 0:
        raise InvalidInput(
            f"A hazard ratio needs treated and never-treated units and at least one event; the "
            f"data has {n_treated} treated, {n_never} never treated and {n_events} events. "
            "Widen the population or the follow-up and try again."
        )
    cov = numeric_covariates(rows, covariates)
    frame = pd.concat([rows[["unit", "start", "stop", "event", "treated"]], cov], axis=1)
    ctv, fit_notes = fit_quietly(
        lambda: CoxTimeVaryingFitter().fit(
            frame, id_col="unit", event_col="event", start_col="start", stop_col="stop"
        )
    )
    b, s, hr, lo, hi, p = cox_numbers(ctv.params_, ctv.standard_errors_, "treated", confidence)

    # The naive "ever treated" contrast, for the diagnostic only.
    ever = per_unit.reset_index(drop=True)
    first_rows = rows.drop_duplicates("unit").reset_index(drop=True)
    static = pd.concat(
        [ever[["stop", "event", "treated"]], numeric_covariates(first_rows, covariates)], axis=1
    )
    cph, _ = fit_quietly(lambda: CoxPHFitter().fit(static, duration_col="stop", event_col="event"))
    try:
        naive: tuple[float, ...] | None = cox_numbers(
            cph.params_, cph.standard_errors_, "treated", confidence
        )
    except InvalidInput:  # for the diagnostic only: the estimate stands without it
        naive = None
    ever_hr = f"{naive[2]:.2f}" if naive else "no usable value"
    switched = rows.groupby("unit", sort=False)["treated"].agg(["min", "max"])
    n_later = int(((switched["min"] == 0) & (switched["max"] == 1)).sum())
    ever_treated = switched.index[switched["max"] == 1]
    untreated_first = rows[(rows["treated"] == 0) & rows["unit"].isin(ever_treated)]
    immortal = float((untreated_first["stop"] - untreated_first["start"]).sum())
    noun = info.population
    diag = Diagnostic(
        name="immortal_time",
        label="Immortal time (treatment after the start of follow-up)",
        passed=True,
        value=float(n_later),
        detail=(
            f"{n_later} of {n_treated} treated {noun} began treatment after their follow-up "
            f"started ({immortal:,.0f} units of time before it). Treatment enters here at the "
            f"time it began; an 'ever treated' model would give a hazard ratio of {ever_hr}."
        ),
        data={"treated_later": n_later, "immortal_time": immortal},
    )
    return EffectEstimate(
        estimate=hr,
        se=s,
        ci_low=lo,
        ci_high=hi,
        estimand="hazard_ratio",
        method="cox_time_varying",
        method_label="Cox model with treatment as a time-varying covariate",
        citation=CITE,
        design="survival",
        causal=True,
        n_treated=n_treated,
        n_comparison=n_never,
        outcome=info.name,
        unit=info.unit,
        direction=info.direction,
        p_value=p,
        confidence=confidence,
        diagnostics=(diag,),
        warnings=(*notes, *fit_notes),
        design_reason=(
            "Treatment begins during follow-up, so each unit counts as untreated until it "
            "began and treated afterwards (counting-process Cox model)."
        ),
        details={
            "log_hazard_ratio": b,
            "se_note": "se is the standard error of the log hazard ratio",
            "coefficients": {k: float(v) for k, v in ctv.params_.items()},
            "n_intervals": len(rows),
            "n_units": len(per_unit),
            "n_events": n_events,
            "ever_treated_hazard_ratio": naive[2] if naive else None,
            "ever_treated_ci": [naive[3], naive[4]] if naive else None,
            "ever_treated_note": f"{IMMORTAL_TIME}; not causal.",
        },
    )
