"""The survival design of ``estimate_effect``: which Cox model the data's shape calls for.

* ``start=`` given: counting-process rows (one per unit and interval), treatment time-varying;
* ``treated_at=`` given: one row per unit with when treatment began, split at that time;
* a fixed 0/1 ``treatment=`` known at the start of follow-up (``randomised=True`` or
  ``assigned_at_start=True``, e.g. a lottery or an offer made on day one): the fixed-indicator
  Cox model, which is right only then;
* a fixed 0/1 ``treatment=`` otherwise: an "ever treated" indicator, which credits treatment
  with the time units had to survive to be treated (immortal-time bias, Suissa 2008). It is
  returned only as the flagged, not-causal contrast, with what to pass instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from lodestar.analytics.data_checks import check_binary, check_non_negative
from lodestar.analytics.estimators.survival_hazard import estimate_hazard_ratio
from lodestar.analytics.estimators.survival_tv import (
    IMMORTAL_TIME,
    counting_process_rows,
    estimate_time_varying_hazard_ratio,
    split_at_treatment,
)
from lodestar.analytics.results import Diagnostic, EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = ["estimate_survival"]

HOW_TO = (
    "pass start= with one row per unit and interval and a 0/1 treatment= per interval, or "
    "treated_at= (time from the start of follow-up to when treatment began, empty if never) "
    "with one row per unit; if treatment was fixed on day one (a lottery or an offer at the "
    "start of follow-up) pass assigned_at_start=True"
)


def estimate_survival(
    data: pd.DataFrame,
    *,
    outcome: str,
    event: str | None,
    treatment: str | None,
    unit: str | None,
    covariates: Sequence[str],
    info: OutcomeInfo,
    start: str | None = None,
    treated_at: str | None = None,
    assigned_at_start: bool = False,
    confidence: float = 0.95,
) -> EffectEstimate:
    """A hazard ratio with treatment entering when it began (see the module docstring)."""
    if event is None:
        raise InvalidInput(
            "The survival design needs event= (a 0/1 column: 1 if the event, e.g. leaving, "
            "happened at the end of follow-up) with outcome= the follow-up time."
        )
    check_binary(data, event, "event", "the event happened")
    check_non_negative(data, outcome, "follow-up time")
    if start is not None:
        check_non_negative(data, start, "interval start")
    if treated_at is not None:
        if start is not None:
            raise InvalidInput(
                "Give either start= (intervals of follow-up, several rows per unit) or "
                "treated_at= (one row per unit), not both."
            )
        if pd.api.types.is_datetime64_any_dtype(data[treated_at]):
            raise InvalidInput(
                f"The column {treated_at!r} holds dates; give the time from the start of each "
                "unit's follow-up to when treatment began, in the unit of the follow-up time "
                "(for days: (data[treated_on] - data[followed_from]).dt.days), and try again."
            )
        rows, notes = split_at_treatment(
            data,
            duration=outcome,
            event=event,
            treated_at=treated_at,
            unit=unit,
            covariates=covariates,
        )
        return estimate_time_varying_hazard_ratio(
            rows, covariates=covariates, info=info, confidence=confidence, notes=notes
        )
    if treatment is None:
        raise InvalidInput(f"The survival design needs to know who was treated: {HOW_TO}.")
    check_binary(data, treatment, "treatment", "treated")
    if start is not None:
        if unit is None:
            raise InvalidInput(
                "With start= each row is an interval of one unit's follow-up; pass unit= (the "
                "column naming the unit) so that a unit's rows are read as one history."
            )
        rows = counting_process_rows(
            data,
            unit=unit,
            start=start,
            stop=outcome,
            event=event,
            treatment=treatment,
            covariates=covariates,
        )
        return estimate_time_varying_hazard_ratio(
            rows, covariates=covariates, info=info, confidence=confidence
        )
    if unit is not None and data[unit].duplicated().any():
        raise InvalidInput(
            f"{unit!r} repeats, so the rows look like intervals of each unit's follow-up; "
            "pass start= (the column with each interval's start) so that a unit's rows are one "
            "history rather than separate units."
        )
    fixed = estimate_hazard_ratio(
        data,
        duration=outcome,
        event=event,
        treatment=treatment,
        covariates=covariates,
        info=info,
        confidence=confidence,
    )
    if assigned_at_start:
        return dataclasses.replace(
            fixed,
            design_reason="Treatment was fixed at the start of follow-up, so a fixed indicator "
            "in a Cox model compares like with like.",
        )
    warning = (
        f"Not a causal estimate: {IMMORTAL_TIME}. A fixed 0/1 treatment column on survival data "
        f"says who was ever treated, not when; to estimate the effect {HOW_TO}."
    )
    return dataclasses.replace(
        fixed,
        causal=False,
        method="cox_ever_treated",
        method_label="Cox model, 'ever treated' indicator (immortal-time bias; not causal)",
        warnings=(warning, *fixed.warnings),
        diagnostics=(
            Diagnostic(
                name="immortal_time",
                label="Immortal time (treatment after the start of follow-up)",
                passed=False,
                detail="When treatment began is unknown, so the 'ever treated' comparison may "
                "credit treatment with time before it began.",
            ),
            *fixed.diagnostics,
        ),
        design_reason="A fixed treatment indicator on survival data cannot tell when treatment "
        "began, so this is the descriptive 'ever treated' contrast, not an effect.",
    )
