"""Which design the data supports (``design="auto"``), and the structural checks each needs.

:func:`choose_design` reads the data's structure in the order documented in
:mod:`lodestar.analytics.estimate`; :func:`check_panel` and :func:`check_cross_section` refuse
data a design cannot use, saying what to do. Group sizes below ``min_units`` are not refused
here: the estimate runs and :mod:`lodestar.analytics.small_groups` says which groups are small.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lodestar.analytics.checks import binary_treatment
from lodestar.analytics.nouns import count
from lodestar.errors import InvalidInput

__all__ = [
    "check_cross_section",
    "check_panel",
    "choose_design",
    "first_treated",
    "is_panel",
    "panel_facts",
]

#: Fewest units a group may have for any estimate at all: a variance needs two.
HARD_FLOOR = 2


def first_treated(
    data: pd.DataFrame, *, unit: str, time: str, treatment: str | None, cohort: str | None
) -> pd.Series:
    """Each unit's first treated period (NaN for never treated)."""
    if cohort is not None:
        start = pd.to_numeric(data.groupby(unit)[cohort].first(), errors="coerce")
        return start.where(np.isfinite(start) & (start != 0))
    assert treatment is not None
    t = binary_treatment(data, treatment)
    times = data[time].where(t == 1)
    return times.groupby(data[unit]).min()


def panel_facts(
    data: pd.DataFrame, *, unit: str, time: str, treatment: str | None, cohort: str | None
) -> dict[str, Any]:
    starts = first_treated(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
    treated_units = starts.dropna()
    first_seen = data.groupby(unit)[time].min()
    with_pre = int((first_seen.loc[treated_units.index] < treated_units).sum())
    return {
        "n_units": int(starts.size),
        "n_treated": int(treated_units.size),
        "n_never": int(starts.isna().sum()),
        "start_times": sorted(treated_units.unique().tolist()),
        "n_treated_with_pre": with_pre,
        "n_periods": int(data[time].nunique()),
    }


def is_panel(data: pd.DataFrame, unit: str | None, time: str | None) -> bool:
    return unit is not None and time is not None and bool(data[unit].duplicated().any())


def choose_design(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str | None,
    covariates: Sequence[str] = (),
    unit: str | None = None,
    time: str | None = None,
    cohort: str | None = None,
    randomised: bool = False,
    event: str | None = None,
    noun: str = "people",
) -> tuple[str, str]:
    """The design ``design="auto"`` would use, and why (see the module docstring)."""
    if event is not None:
        return "survival", (
            f"The outcome {outcome!r} is a follow-up time with an event column {event!r}, so the "
            "effect is a hazard ratio from a Cox model."
        )
    noun = noun or "people"
    if randomised or data.attrs.get("randomised") is True:
        return "randomised", (
            "Participants were chosen by lottery, so a direct comparison of the two groups "
            "estimates the program's effect; baseline covariates only sharpen it."
        )
    if is_panel(data, unit, time):
        assert unit is not None and time is not None
        if treatment is None and cohort is None:
            raise InvalidInput(
                "The data has several periods per person; say who took part and when with a "
                "0/1 treatment column or a cohort column (first period of training)."
            )
        facts = panel_facts(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
        starts = facts["start_times"]
        if len(starts) > 1:
            return "staggered", (
                f"Participants started at {len(starts)} different times, so each start cohort "
                f"is compared with {noun} that had not (yet) started, one cohort and period at a "
                "time (Callaway & Sant'Anna), which avoids the bias of a single two-way "
                "fixed-effects regression when start dates differ."
            )
        return "did", (
            f"The data follows {count(facts['n_units'], noun)} over {facts['n_periods']} "
            f"periods, with a single start time and {count(facts['n_never'], noun)} that did "
            "not take part, "
            "so participants' change from before to after is compared with the change among "
            "non-participants over the same periods (difference-in-differences)."
        )
    if covariates:
        return "selection_on_observables", (
            "There is one row per person, no lottery and no history before the program, but "
            "recorded characteristics explain who took part; participants are compared with "
            "non-participants weighted to resemble them (doubly robust), which is causal only "
            "if nothing unrecorded drove both participation and the KPI."
        )
    return "naive", (
        "There is one row per person with no lottery, no history before the program and no "
        "characteristics to adjust for, so only a raw comparison is possible and it is not "
        "causal; add the KPI before the program, covariates, or run a randomised pilot."
    )


def check_panel(
    data: pd.DataFrame,
    design: str,
    *,
    unit: str | None,
    time: str | None,
    treatment: str | None,
    cohort: str | None,
) -> dict[str, Any]:
    if unit is None or time is None:
        raise InvalidInput(
            f"The {design!r} design needs a long table with unit= (the person or team column) "
            "and time= (the period column); pass both."
        )
    if design == "did" and treatment is None and cohort is None:
        raise InvalidInput("Difference-in-differences needs a 0/1 treatment column or a cohort.")
    if design == "staggered" and cohort is None and treatment is None:
        raise InvalidInput("The staggered design needs cohort= (each person's first period).")
    facts = panel_facts(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
    if facts["n_treated"] == 0:
        raise InvalidInput(
            "Nobody in the data took part; check the treatment or cohort column and the "
            "program's participant list."
        )
    if facts["n_never"] == 0 and len(facts["start_times"]) < 2:
        raise InvalidInput(
            "Everyone in the data took part at the same time, so there is no comparison group; "
            "add people who did not take part over the same periods."
        )
    if facts["n_treated_with_pre"] == 0:
        raise InvalidInput(
            "The KPI has no values before anyone started the program, so there is no pre-period "
            f"to compare with; the {design!r} design needs at least one period (better two) of "
            "KPI history before the start. Load the earlier KPI values or use another design."
        )
    return facts


def check_cross_section(data: pd.DataFrame, treatment: str | None, design: str) -> None:
    if treatment is None:
        raise InvalidInput(
            f"The {design!r} design needs treatment= (a 0/1 column: 1 for participants)."
        )
    t = binary_treatment(data, treatment)
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if min(n1, n0) < HARD_FLOOR:
        raise InvalidInput(
            f"There are {n1} participants and {n0} others; each group needs at least "
            f"{HARD_FLOOR} for an estimate with an uncertainty (better 5 or more). Wait for "
            "more data or widen the comparison group."
        )
