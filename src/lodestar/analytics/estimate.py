"""The one door to the impact engine: :func:`estimate_effect` picks the design and explains why.

``design="auto"`` reads the data's structure, in this order, and records its reasoning in
``EffectEstimate.design_reason``:

1. ``event=`` (an event column, with ``outcome`` the follow-up time) → **survival**
   (Cox hazard ratio for a program assigned at the start of follow-up).
2. The pilot was a lottery — option ``randomised=True`` or ``data.attrs["randomised"]`` →
   **randomised** (one row per person; pass the pre-period KPI as ``pre_outcome=``).
3. A long panel (``unit`` and ``time`` given, several rows per unit):
   participants who started at **several different times** (from ``cohort``, or from when the
   0/1 ``treatment`` switches on) → **staggered** (Callaway & Sant'Anna); **one start time**
   with a comparison group and pre-period rows → **did**.
4. One row per person with ``covariates`` → **selection_on_observables** (doubly robust).
5. One row per person and nothing else → **naive**, labelled not causal, with what to collect
   for a causal answer.

Explicit designs are checked against the same structure (a panel design needs a pre-period; a
comparison group must exist; each group needs at least five people). Estimators of the panel,
observational and survival families are imported lazily here (they are heavy and written
separately); every estimator returns an :class:`~lodestar.analytics.results.EffectEstimate`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lodestar.analytics.checks import (
    MIN_GROUP_SIZE,
    binary_treatment,
    check_choice,
    require_columns,
)
from lodestar.analytics.options import DESIGNS
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.errors import InvalidInput

__all__ = ["choose_design", "estimate_effect"]

_PANEL_DESIGNS = ("did", "staggered")


def _first_treated(
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


def _panel_facts(
    data: pd.DataFrame, *, unit: str, time: str, treatment: str | None, cohort: str | None
) -> dict[str, Any]:
    starts = _first_treated(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
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


def _is_panel(data: pd.DataFrame, unit: str | None, time: str | None) -> bool:
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
) -> tuple[str, str]:
    """The design ``design="auto"`` would use, and why (see the module docstring)."""
    if event is not None:
        return "survival", (
            f"The outcome {outcome!r} is a follow-up time with an event column {event!r}, so the "
            "effect is a hazard ratio from a Cox model."
        )
    if randomised or data.attrs.get("randomised") is True:
        return "randomised", (
            "Participants were chosen by lottery, so a direct comparison of the two groups "
            "estimates the program's effect; baseline covariates only sharpen it."
        )
    if _is_panel(data, unit, time):
        assert unit is not None and time is not None
        if treatment is None and cohort is None:
            raise InvalidInput(
                "The data has several periods per person; say who took part and when with a "
                "0/1 treatment column or a cohort column (first period of training)."
            )
        facts = _panel_facts(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
        starts = facts["start_times"]
        if len(starts) > 1:
            return "staggered", (
                f"Participants started at {len(starts)} different times, so each start cohort "
                "is compared with people who had not (yet) started, one cohort and period at a "
                "time (Callaway & Sant'Anna), which avoids the bias of a single two-way "
                "fixed-effects regression when start dates differ."
            )
        return "did", (
            f"The data follows {facts['n_units']:,} people over {facts['n_periods']} periods, "
            f"with a single start time and {facts['n_never']:,} people who did not take part, "
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


def _check_panel(
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
    facts = _panel_facts(data, unit=unit, time=time, treatment=treatment, cohort=cohort)
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
    if facts["n_treated"] < MIN_GROUP_SIZE:
        raise InvalidInput(
            f"Only {facts['n_treated']} people took part; at least {MIN_GROUP_SIZE} are needed "
            "for an estimate (and to protect their privacy). Wait for a larger cohort."
        )
    return facts


def _check_cross_section(data: pd.DataFrame, treatment: str | None, design: str) -> None:
    if treatment is None:
        raise InvalidInput(
            f"The {design!r} design needs treatment= (a 0/1 column: 1 for participants)."
        )
    t = binary_treatment(data, treatment)
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if min(n1, n0) < MIN_GROUP_SIZE:
        raise InvalidInput(
            f"There are {n1} participants and {n0} others; each group needs at least "
            f"{MIN_GROUP_SIZE} people for an estimate. Wait for more data or widen the "
            "comparison group."
        )


def estimate_effect(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str | None = None,
    covariates: Sequence[str] = (),
    unit: str | None = None,
    time: str | None = None,
    cohort: str | None = None,
    cluster: str | None = None,
    design: str = "auto",
    info: OutcomeInfo | None = None,
    **options: Any,
) -> EffectEstimate:
    """Estimate what a program did to ``outcome``, with the design chosen or checked here.

    ``data`` has one row per person, or per person-period (then give ``unit`` and ``time``).
    ``options`` go to the chosen estimator (e.g. ``pre_outcome=``, ``strata=``, ``estimand=``,
    ``confidence=``); ``randomised=True`` declares a lottery and ``event=`` a survival outcome.
    """
    check_choice("design", design, DESIGNS)
    if isinstance(covariates, str):
        covariates = (covariates,)
    covariates = tuple(covariates)
    randomised = bool(options.pop("randomised", False))
    event = options.get("event")
    require_columns(data, [outcome, treatment, unit, time, cohort, cluster, *covariates])
    if len(data) == 0:
        raise InvalidInput("The data is empty; load the KPI values and participation first.")
    if not pd.api.types.is_numeric_dtype(data[outcome]):
        raise InvalidInput(f"The KPI column {outcome!r} must hold numbers.")
    if data[outcome].notna().sum() == 0:
        raise InvalidInput(f"The KPI column {outcome!r} has no values; load its values first.")

    if design == "auto":
        chosen, reason = choose_design(
            data,
            outcome=outcome,
            treatment=treatment,
            covariates=covariates,
            unit=unit,
            time=time,
            cohort=cohort,
            randomised=randomised,
            event=event,
        )
    else:
        chosen, reason = design, f"The {design!r} design was requested."
    info = info or OutcomeInfo(name=outcome)
    if cluster is not None and chosen in ("selection_on_observables", "naive", "survival"):
        raise InvalidInput(
            f"Team-level (cluster=) standard errors are not available for the {chosen!r} design; "
            "drop cluster= or, if whole teams were assigned by lottery, pass randomised=True."
        )
    try:
        est = _dispatch(
            data,
            chosen,
            outcome=outcome,
            treatment=treatment,
            covariates=covariates,
            unit=unit,
            time=time,
            cohort=cohort,
            cluster=cluster,
            info=info,
            options=options,
        )
    except TypeError as exc:
        if "unexpected keyword argument" not in str(exc):
            raise
        raise InvalidInput(
            f"An option is not understood by the {chosen!r} estimator ({exc}); remove it or "
            "choose the design it belongs to."
        ) from exc
    est = _sensitivity_hook(est, data, outcome, treatment, covariates, options)
    if est.design != chosen:  # e.g. did handing over to staggered when start times differ
        reason += f" The estimator then used the {est.design!r} design."
    if est.design_reason and (design != "auto" or est.design != chosen):
        reason = f"{reason} {est.design_reason}"
    return dataclasses.replace(est, design_reason=reason, population=info.population)


def _sensitivity_hook(
    est: EffectEstimate,
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    covariates: tuple[str, ...],
    options: dict[str, Any],
) -> EffectEstimate:
    """Sensitivity analysis of the design's untestable assumption (lodestar.analytics.sensitivity):
    honest-DiD bounds for (staggered) DiD, E-values for selection on observables."""
    from lodestar.analytics.sensitivity import add_sensitivity

    return add_sensitivity(
        est,
        data,
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        categorical=tuple(options.get("categorical", ())),
    )


def _dispatch(
    data: pd.DataFrame,
    design: str,
    *,
    outcome: str,
    treatment: str | None,
    covariates: tuple[str, ...],
    unit: str | None,
    time: str | None,
    cohort: str | None,
    cluster: str | None,
    info: OutcomeInfo,
    options: dict[str, Any],
) -> EffectEstimate:
    if design in _PANEL_DESIGNS:
        facts = _check_panel(data, design, unit=unit, time=time, treatment=treatment, cohort=cohort)
        assert unit is not None and time is not None
        if design == "did":
            from lodestar.analytics.estimators.did import estimate_did

            if treatment is None:  # one start time given as a cohort: switch on from it
                assert cohort is not None
                start = pd.to_numeric(data[cohort], errors="coerce")
                on = (start.notna() & (start != 0) & (data[time] >= start)).astype(int)
                data = data.assign(__treated__=on)
                treatment = "__treated__"
            return estimate_did(
                data,
                outcome=outcome,
                treatment=treatment,
                unit=unit,
                time=time,
                cluster=cluster,
                covariates=covariates,
                info=info,
                **options,
            )
        from lodestar.analytics.estimators.staggered import estimate_staggered

        if cohort is None:
            starts = _first_treated(data, unit=unit, time=time, treatment=treatment, cohort=None)
            data = data.assign(__cohort__=data[unit].map(starts).fillna(0))
            cohort = "__cohort__"
        if facts["n_never"] == 0:
            options.setdefault("control_group", "not_yet_treated")
        return estimate_staggered(
            data,
            outcome=outcome,
            unit=unit,
            time=time,
            cohort=cohort,
            covariates=covariates,
            cluster=cluster,
            info=info,
            **options,
        )
    if design == "survival":
        from lodestar.analytics.estimators.survival import estimate_hazard_ratio

        event = options.pop("event", None)
        if event is None or treatment is None:
            raise InvalidInput(
                "The survival design needs event= (1 if the event, e.g. leaving, happened) and "
                "treatment=, with outcome= the follow-up time. For training during follow-up "
                "use survival.estimate_retention, which treats training as time-varying."
            )
        return estimate_hazard_ratio(
            data,
            duration=outcome,
            event=event,
            treatment=treatment,
            covariates=covariates,
            info=info,
            **options,
        )

    if _is_panel(data, unit, time):
        raise InvalidInput(
            f"The {design!r} design needs one row per person, but {unit!r} repeats over "
            f"{time!r}. Keep the post-program KPI per person (with the pre-program KPI as a "
            "column, e.g. pre_outcome=) or use design='did'."
        )
    _check_cross_section(data, treatment, design)
    assert treatment is not None
    if design == "randomised":
        from lodestar.analytics.estimators.randomised import estimate_randomised

        return estimate_randomised(
            data,
            outcome=outcome,
            treatment=treatment,
            covariates=covariates,
            cluster=cluster,
            info=info,
            **options,
        )
    if design == "selection_on_observables":
        if not covariates:
            raise InvalidInput(
                "Selection on observables needs covariates= (what was known before the program "
                "and drove who took part, e.g. tenure, rating, prior KPI)."
            )
        from lodestar.analytics.estimators.observational import (
            estimate_selection_on_observables,
        )

        return estimate_selection_on_observables(
            data,
            outcome=outcome,
            treatment=treatment,
            covariates=covariates,
            info=info,
            **options,
        )
    from lodestar.analytics.estimators.naive import estimate_naive

    return estimate_naive(data, outcome=outcome, treatment=treatment, info=info, **options)
