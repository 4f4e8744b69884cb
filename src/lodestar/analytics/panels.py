"""Long person-period panels: validate them once, then hand estimators a clean frame.

A panel here is a long table with one row per unit (person, team) and period (week, month),
an outcome column (the KPI) and either a 0/1 treatment column ("had been trained by this
period") or a cohort column (the first period of treatment; 0, missing or infinity for people
never treated). Unbalanced panels are allowed: people join and leave, and rows with a missing
KPI value are treated as not observed.

:func:`prepare_panel` checks what the difference-in-differences family needs and says what to
do when the data cannot support an estimate: no history before the program, no comparison
group, cohorts too small, duplicated rows, wrong types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lodestar.analytics.panel_checks import (
    CONTROL_GROUPS,
    MIN_GROUP_SIZE,
    NEVER,
    RECOMMENDED_PRE_PERIODS,
    ControlGroup,
    UnitTiming,
    WideValues,
    check_timing,
)
from lodestar.errors import InvalidInput

__all__ = [
    "CONTROL_GROUPS",
    "MIN_GROUP_SIZE",
    "NEVER",
    "RECOMMENDED_PRE_PERIODS",
    "ControlGroup",
    "Panel",
    "WideValues",
    "check_control_group",
    "panel_from_wide",
    "prepare_panel",
]


@dataclass(frozen=True)
class Panel:
    """A validated long panel with canonical columns ``unit, time, y, cohort`` (+ extras).

    ``time`` is the original period value; ``cohort`` is the first treated period (``inf`` for
    never treated). ``covariates`` and ``cluster`` keep their original column names.
    """

    frame: pd.DataFrame
    outcome: str
    periods: tuple[float, ...]
    cohort_sizes: dict[float, int]  # first treated period -> number of units
    n_units: int
    n_never_treated: int
    balanced: bool
    covariates: tuple[str, ...] = ()
    cluster: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Set for panels built as a person x period matrix (``panel_from_wide``); ``frame`` is
    # then empty and the estimators that support it read this instead.
    wide: WideValues | None = None

    @property
    def n_treated(self) -> int:
        return sum(self.cohort_sizes.values())

    @property
    def staggered(self) -> bool:
        return len(self.cohort_sizes) > 1


def check_control_group(value: str) -> ControlGroup:
    """Check a ``control_group`` option at the boundary."""
    if value not in CONTROL_GROUPS:
        raise InvalidInput(
            f"'{value}' is not a known comparison group. Choose one of: "
            + ", ".join(CONTROL_GROUPS)
            + "."
        )
    return value  # type: ignore[return-value,unused-ignore]


def _require_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(
            "The panel must be a pandas DataFrame with one row per person and period; "
            f"got {type(data).__name__}. Convert it with pandas before estimating."
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InvalidInput(
            "The panel has no column "
            + ", ".join(f"'{c}'" for c in missing)
            + ". Available columns are: "
            + ", ".join(map(str, data.columns))
            + ". Name the right columns and try again."
        )


def numeric_values(series: pd.Series, what: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    if not pd.api.types.is_numeric_dtype(series):
        raise InvalidInput(
            f"The {what} column '{series.name}' must hold numbers, but it holds "
            f"{series.dtype} values such as {series.dropna().iloc[:1].tolist()}. "
            "Convert it to numbers (for example 1/0 instead of yes/no) and try again."
        )
    return series.astype("float64")


def period_values(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        raise InvalidInput(
            f"The period column '{series.name}' holds dates. Number the periods instead "
            "(for example weeks since the start of the data, 1, 2, 3, ...) so that "
            "'one period before the start' is well defined, and try again."
        )
    values = numeric_values(series, "period")
    if values.isna().any():
        raise InvalidInput(missing_periods_message(str(series.name), int(values.isna().sum())))
    return values


def missing_periods_message(time: str, count: int) -> str:
    return (
        f"The period column '{time}' has {count} missing values. "
        "Every row needs a period; remove or fix those rows and try again."
    )


def missing_people_message(unit: str) -> str:
    return (
        f"The person column '{unit}' has missing values. Every row needs a person "
        "identifier; remove or fix those rows and try again."
    )


def varying_cohort_message(cohort: str, count: int, example: object) -> str:
    return (
        f"The cohort column '{cohort}' changes over time for {count} people "
        f"(for example {example!r}). It must hold each person's first "
        "treated period on every row; fix it and try again."
    )


def unobserved_note(count: int, label: str) -> str:
    return f"{count} rows with no value for {label} were treated as not observed."


def no_values_message(label: str) -> str:
    return f"The panel has no observed values for {label}. Load KPI data first."


def prepare_panel(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str | None = None,
    cohort: str | None = None,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    control_group: ControlGroup = "never_treated",
    min_group_size: int = MIN_GROUP_SIZE,
    outcome_label: str | None = None,
) -> Panel:
    """Validate a long panel and derive each unit's treatment cohort.

    Give exactly one of ``treatment`` (0/1 per row, switched on from the first treated period
    and staying on) or ``cohort`` (first treated period per unit; 0, missing or infinity for
    never treated). Raises :class:`~lodestar.errors.InvalidInput` with what to do next.
    """
    control_group = check_control_group(control_group)
    if (treatment is None) == (cohort is None):
        raise InvalidInput(
            "Say how treatment is recorded with exactly one of 'treatment' (a 0/1 column per "
            "row) or 'cohort' (the first treated period per person)."
        )
    covariates = tuple(covariates)
    timing = treatment if treatment is not None else cohort
    assert timing is not None
    columns = [outcome, unit, time, timing, *covariates] + ([cluster] if cluster else [])
    _require_columns(data, list(dict.fromkeys(columns)))
    label = outcome_label or outcome
    notes: list[str] = []

    frame = pd.DataFrame(
        {
            "unit": data[unit].to_numpy(),
            "time": period_values(data[time]).to_numpy(),
            "y": numeric_values(data[outcome], "KPI").to_numpy(),
        },
        index=data.index,
    )
    for c in covariates:
        frame[c] = numeric_values(data[c], "covariate").to_numpy()
    if cluster:
        frame[cluster] = data[cluster].to_numpy()
    if frame["unit"].isna().any():
        raise InvalidInput(missing_people_message(unit))
    dup = frame.duplicated(["unit", "time"])
    if dup.any():
        first = frame.loc[dup, ["unit", "time"]].iloc[0].tolist()
        who = first[0]
        if isinstance(who, float) and who.is_integer():
            who = int(who)  # a person number read as a float is still "person 30"
        raise InvalidInput(
            f"The panel has {int(dup.sum())} repeated person-period rows (for example person "
            f"{who} in period {first[1]:g}). Keep one row per person and period, "
            "for example by averaging or summing the KPI within the period, and try again.",
            details={"repeated_rows": int(dup.sum())},
        )

    # Treatment timing, one cohort per unit.
    if treatment is not None:
        d = numeric_values(data[treatment], "treatment")
        if d.isna().any() or not d.isin([0.0, 1.0]).all():
            raise InvalidInput(
                f"The treatment column '{treatment}' must be 0 or 1 on every row "
                "(1 from the period a person was first trained onwards). Fix it and try again."
            )
        frame["_d"] = d.to_numpy()
        frame = frame.sort_values(["unit", "time"], kind="stable")
        turned_off = frame.groupby("unit", sort=False)["_d"].diff() < 0
        if turned_off.any():
            who = frame.loc[turned_off, "unit"].iloc[0]
            raise InvalidInput(
                f"Treatment switches off again for {int(turned_off.sum())} rows (for example "
                f"person {who!r}). Record treatment as 'has been trained by this period', "
                "which stays 1 once it starts, and try again."
            )
        starts = frame.loc[frame["_d"] == 1].groupby("unit", sort=False)["time"].min()
        frame["cohort"] = frame["unit"].map(starts).fillna(NEVER).to_numpy()
        frame = frame.drop(columns="_d")
    else:
        assert cohort is not None
        g = numeric_values(data[cohort], "cohort").fillna(0.0)
        g = g.where(g != 0.0, NEVER)
        frame["cohort"] = g.to_numpy()
        varies = frame.groupby("unit", sort=False)["cohort"].nunique() > 1
        if varies.any():
            raise InvalidInput(
                varying_cohort_message(cohort, int(varies.sum()), varies[varies].index[0])
            )

    missing_y = frame["y"].isna()
    if missing_y.any():
        notes.append(unobserved_note(int(missing_y.sum()), label))
        frame = frame.loc[~missing_y]
    if covariates:
        bad = frame[list(covariates)].isna().any(axis=1)
        if bad.any():
            raise InvalidInput(
                f"{int(bad.sum())} rows have missing covariate values. Fill them in or leave "
                "those covariates out, and try again."
            )
    if frame.empty:
        raise InvalidInput(no_values_message(label))

    periods = np.sort(frame["time"].unique())
    units = frame.drop_duplicates("unit")[["unit", "cohort"]]
    per_unit = frame.groupby("unit", sort=False)["time"].agg(["min", "size"])
    checked = check_timing(
        UnitTiming(
            units=units["unit"].to_numpy(),
            cohort=units["cohort"].to_numpy(dtype=np.float64),
            first_time=per_unit["min"].loc[units["unit"]].to_numpy(dtype=np.float64),
            observed=per_unit["size"].loc[units["unit"]].to_numpy(),
        ),
        periods,
        label=label,
        control_group=control_group,
        min_group_size=min_group_size,
    )
    notes.extend(checked.notes)
    if checked.late_starters:
        frame.loc[frame["cohort"] > float(periods[-1]), "cohort"] = NEVER
    if checked.dropped.size:
        frame = frame.loc[~frame["unit"].isin(checked.dropped)]
    return Panel(
        frame=frame.reset_index(drop=True),
        outcome=label,
        periods=tuple(float(p) for p in periods),
        cohort_sizes=checked.cohort_sizes,
        n_units=checked.n_units,
        n_never_treated=checked.n_never_treated,
        balanced=checked.balanced,
        covariates=covariates,
        cluster=cluster,
        notes=tuple(notes),
    )


def panel_from_wide(
    values: WideValues,
    periods: Sequence[float],
    *,
    outcome_label: str,
    control_group: ControlGroup = "never_treated",
    min_group_size: int = MIN_GROUP_SIZE,
) -> Panel:
    """A validated panel from a person x period matrix, with the checks and messages of
    :func:`prepare_panel`. Services build these in bulk from the database, where a person
    cannot have two values in one period; people and periods with no observation at all
    are dropped. ``values.cohort`` may hold 0 or NaN for never treated."""
    control_group = check_control_group(control_group)
    y = np.asarray(values.y, dtype=np.float64)
    period_values = np.asarray(periods, dtype=np.float64)
    if y.ndim != 2 or y.shape != (len(values.units), len(period_values)):
        raise InvalidInput(
            "The person x period matrix must have one row per person and one column per "
            f"period; got {y.shape} for {len(values.units)} people and {len(period_values)} "
            "periods. Build it again from the same lists and try again."
        )
    seen = ~np.isnan(y)
    people = seen.any(axis=1)
    columns = seen.any(axis=0)
    if not people.any():
        raise InvalidInput(
            f"The panel has no observed values for {outcome_label}. Load KPI data first."
        )
    if not columns.all():
        y, seen, period_values = y[:, columns], seen[:, columns], period_values[columns]
    cohort = np.asarray(values.cohort, dtype=np.float64)
    cohort = np.where(np.isnan(cohort) | (cohort == 0.0), NEVER, cohort)
    units, cluster = values.units, values.cluster
    if not people.all():
        y, seen, units, cohort = y[people], seen[people], units[people], cohort[people]
        cluster = cluster[people] if cluster is not None else None
    observed = seen.sum(axis=1)
    timing = check_timing(
        UnitTiming(units, cohort, period_values[np.argmax(seen, axis=1)], observed),
        period_values,
        label=outcome_label,
        control_group=control_group,
        min_group_size=min_group_size,
    )
    if timing.late_starters:
        cohort = np.where(cohort > period_values[-1], NEVER, cohort)
    if timing.dropped.size:
        keep = ~np.isin(units, timing.dropped)
        y, units, cohort = y[keep], units[keep], cohort[keep]
        cluster = cluster[keep] if cluster is not None else None
    return Panel(
        frame=pd.DataFrame({"unit": [], "time": [], "y": [], "cohort": []}),
        outcome=outcome_label,
        periods=tuple(float(p) for p in period_values),
        cohort_sizes=timing.cohort_sizes,
        n_units=timing.n_units,
        n_never_treated=timing.n_never_treated,
        balanced=timing.balanced,
        cluster="cluster" if cluster is not None else None,
        notes=timing.notes,
        wide=WideValues(y, units, cohort, cluster),
    )
