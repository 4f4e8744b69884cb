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
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from lodestar.analytics import data_checks
from lodestar.analytics.checks import require_columns
from lodestar.analytics.design_rules import (
    HARD_FLOOR,
    check_cross_section,
    check_panel,
    choose_design,
    first_treated,
    is_panel,
)
from lodestar.analytics.nouns import plural
from lodestar.analytics.options import DESIGNS, OUTCOME_SCALES
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.analytics.small_groups import MIN_UNITS, flag_small_groups
from lodestar.analytics.suggest import british, check_name, did_you_mean
from lodestar.errors import InvalidInput

__all__ = ["MIN_UNITS", "choose_design", "estimate_effect"]

_PANEL_DESIGNS = ("did", "staggered")
#: Arguments this function passes to the estimators itself (never as options).
_PASSED_HERE = frozenset(
    {
        "outcome",
        "treatment",
        "covariates",
        "unit",
        "time",
        "cohort",
        "cluster",
        "info",
        "min_group_size",
        "duration",
    }
)
#: Options read here rather than by an estimator.
_OWN_OPTIONS = (
    "randomised",
    "event",
    "start",
    "treated_at",
    "assigned_at_start",
    "min_units",
    "unit_noun",
)


def _spell_options(options: dict[str, Any]) -> dict[str, Any]:
    """Option names and values in the engine's spelling (``randomized`` → ``randomised``)."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        name = british(key)
        if name in out:
            raise InvalidInput(f"The option {name!r} was given twice ({key!r}); keep one.")
        if isinstance(value, str) and name in ("inference", "design"):
            value = british(value)
        out[name] = value
    return out


def _check_columns(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str | None,
    covariates: tuple[str, ...],
    time: str | None,
    cohort: str | None,
    survival: dict[str, str | None],
) -> None:
    """Refuse what carries no information (see :mod:`lodestar.analytics.data_checks`)."""
    data_checks.check_numeric(data, outcome, "outcome")
    if data[outcome].notna().sum() == 0:
        raise InvalidInput(f"The KPI column {outcome!r} has no values; load its values first.")
    if treatment is not None:
        data_checks.check_binary(data, treatment, "treatment", "took part")
    if time is not None:
        data_checks.check_periods(data, time)
    if cohort is not None:
        data_checks.check_numeric(data, cohort, "cohort")
    for role, col in survival.items():
        if col is not None:
            data_checks.check_numeric(data, col, role)
    numeric_covs = [c for c in covariates if pd.api.types.is_numeric_dtype(data[c])]
    for c in covariates:
        if c not in numeric_covs and not isinstance(data[c].dtype, pd.CategoricalDtype):
            values = data[c].dropna().astype(str).str.strip()
            if len(values) and pd.to_numeric(values, errors="coerce").notna().all():
                data_checks.check_numeric(data, c, "covariate")
    checked = [outcome, *numeric_covs, *([time] if time else [])]
    checked += [c for c in (survival.get("interval start"),) if c is not None]
    data_checks.check_finite(data, checked, "numeric")
    data_checks.check_varies(data[outcome], outcome)


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
    ``confidence=``); ``randomised=True`` declares a lottery and ``event=`` a survival outcome
    (with ``start=`` or ``treated_at=`` for treatment that begins during follow-up).
    ``min_units`` (default 5): groups smaller than this are analysed but flagged, with their
    weight, and the evidence graded down. ``unit_noun`` (default "people"): what the units are,
    e.g. "teams", "stores", "states", for every sentence of the result.
    """
    design = check_name("design", british(design) if isinstance(design, str) else design, DESIGNS)
    options = _spell_options(options)
    if isinstance(covariates, str):
        covariates = (covariates,)
    covariates = tuple(covariates)
    randomised = bool(options.pop("randomised", False))
    min_units = options.pop("min_units", MIN_UNITS)
    if not isinstance(min_units, int) or isinstance(min_units, bool) or min_units < 1:
        raise InvalidInput(f"min_units must be a whole number of at least 1; got {min_units!r}.")
    noun = plural(str(options.pop("unit_noun", None) or (info.population if info else "people")))
    event = options.get("event")
    survival_cols = {
        "event": event,
        "interval start": options.get("start"),
        "treated-at": options.get("treated_at"),
    }
    require_columns(
        data,
        [outcome, treatment, unit, time, cohort, cluster, *covariates, *survival_cols.values()],
    )
    if len(data) == 0:
        raise InvalidInput("The data is empty; load the KPI values and participation first.")
    _check_columns(
        data,
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        time=time,
        cohort=cohort,
        survival=survival_cols,
    )
    data, dropped = data_checks.drop_incomplete(data, covariates, "a covariate")
    if len(data) == 0:
        raise InvalidInput("Every row misses a covariate value; fill them in and try again.")

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
            noun=noun,
        )
    else:
        chosen, reason = design, f"The {design!r} design was requested."
    if chosen != "survival" and any(options.get(k) is not None for k in _OWN_OPTIONS[1:5]):
        raise InvalidInput(
            "event=, start=, treated_at= and assigned_at_start= belong to the survival design; "
            "remove them or use design='survival'."
        )
    data_checks.check_collinear(
        data, covariates, treatment if chosen not in (*_PANEL_DESIGNS, "survival") else None
    )
    known = _known_options(chosen)
    for name in options:
        if name not in known:
            raise InvalidInput(
                f"The option {name!r} is not understood by the {chosen!r} design."
                f"{did_you_mean(name, known)} Remove it or choose the design it belongs to.",
                details={"option": name, "allowed": sorted(known)},
            )
    base = info or OutcomeInfo(name=event if chosen == "survival" and event else outcome)
    scale = check_name("outcome scale", base.scale, OUTCOME_SCALES)
    if scale == "level" and re.match(r"(log|ln)(_|\b)", outcome.lower()):
        scale = "log"  # a log outcome's change is not a share of its baseline
    info = dataclasses.replace(base, population=noun, scale=scale)
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
            randomised=randomised,
        )
    except TypeError as exc:
        if "unexpected keyword argument" not in str(exc):
            raise
        bad = str(exc).rsplit("argument", 1)[-1].strip(" '\"")
        hint = did_you_mean(bad, _known_options(chosen))
        raise InvalidInput(
            f"The option {bad!r} is not understood by the {chosen!r} estimator.{hint} Remove it "
            "or choose the design it belongs to.",
            details={"option": bad},
        ) from exc
    if not (math.isfinite(est.se) and est.se > 0) or not math.isfinite(est.estimate):
        raise InvalidInput(
            f"The estimate for {outcome!r} has no usable uncertainty (standard error "
            f"{est.se:g}), which happens when the outcome does not vary within the groups "
            "compared. Check the outcome column and the groups, then try again."
        )
    est = _sensitivity_hook(est, data, outcome, treatment, covariates, options, randomised)
    if est.design != chosen:  # e.g. did handing over to staggered when start times differ
        reason += f" The estimator then used the {est.design!r} design."
    if est.design_reason and (design != "auto" or est.design != chosen):
        reason = f"{reason} {est.design_reason}"
    est = flag_small_groups(dataclasses.replace(est, population=noun), min_units=min_units)
    warnings = (dropped, *est.warnings) if dropped else est.warnings
    return dataclasses.replace(
        est, design_reason=reason, population=noun, warnings=warnings, scale=scale
    )


def _known_options(design: str) -> list[str]:
    """Every option name the design's estimator (and this function) understands."""
    import inspect

    from lodestar.analytics.estimators import (
        did,
        naive,
        observational,
        randomised,
        staggered,
        survival_designs,
    )

    functions: dict[str, Callable[..., Any]] = {
        "did": did.estimate_did,
        "staggered": staggered.estimate_staggered,
        "randomised": randomised.estimate_randomised,
        "selection_on_observables": observational.estimate_selection_on_observables,
        "naive": naive.estimate_naive,
        "survival": survival_designs.estimate_survival,
    }
    names = list(_OWN_OPTIONS) + ["confidence"]
    if design in functions:
        params = inspect.signature(functions[design]).parameters.values()
        names += [
            p.name
            for p in params
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in _PASSED_HERE
        ]
    if design == "did":  # did hands over to staggered when start times differ
        names += _known_options("staggered")
    return names


def _sensitivity_hook(
    est: EffectEstimate,
    data: pd.DataFrame,
    outcome: str,
    treatment: str | None,
    covariates: tuple[str, ...],
    options: dict[str, Any],
    randomised: bool,
) -> EffectEstimate:
    """Sensitivity analysis of the design's untestable assumption (lodestar.analytics.sensitivity):
    honest-DiD bounds for (staggered) DiD, E-values for selection on observables and for
    observational hazard ratios."""
    from lodestar.analytics.sensitivity import add_sensitivity

    return add_sensitivity(
        est,
        data,
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        categorical=tuple(options.get("categorical", ())),
        randomised=randomised,
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
    randomised: bool,
) -> EffectEstimate:
    if design in _PANEL_DESIGNS:
        facts = check_panel(data, design, unit=unit, time=time, treatment=treatment, cohort=cohort)
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
                min_group_size=1,
                **options,
            )
        from lodestar.analytics.estimators.staggered import estimate_staggered

        if cohort is None:
            starts = first_treated(data, unit=unit, time=time, treatment=treatment, cohort=None)
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
            min_group_size=1,
            **options,
        )
    if design == "survival":
        from lodestar.analytics.estimators.survival_designs import estimate_survival

        return estimate_survival(
            data,
            outcome=outcome,
            treatment=treatment,
            unit=unit,
            covariates=covariates,
            info=info,
            event=options.pop("event", None),
            start=options.pop("start", None),
            treated_at=options.pop("treated_at", None),
            assigned_at_start=bool(options.pop("assigned_at_start", False)) or randomised,
            **options,
        )

    if is_panel(data, unit, time):
        raise InvalidInput(
            f"The {design!r} design needs one row per person, but {unit!r} repeats over "
            f"{time!r}. Keep the post-program KPI per person (with the pre-program KPI as a "
            "column, e.g. pre_outcome=) or use design='did'."
        )
    check_cross_section(data, treatment, design)
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
            min_group_size=HARD_FLOOR,
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

    return estimate_naive(
        data,
        outcome=outcome,
        treatment=treatment,
        info=info,
        min_group_size=HARD_FLOOR,
        **options,
    )
