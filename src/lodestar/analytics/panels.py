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
from typing import Literal, get_args

import numpy as np
import pandas as pd

from lodestar.errors import InvalidInput

ControlGroup = Literal["never_treated", "not_yet_treated"]
CONTROL_GROUPS: tuple[ControlGroup, ...] = get_args(ControlGroup)

#: Fewest people a treated cohort or a comparison group may have. Below this, a group mean is
#: one or two people's noise, and aggregates over people are suppressed anyway (privacy rule).
MIN_GROUP_SIZE = 5
#: Periods of history before the start we ask for: one to estimate, a second to test trends.
RECOMMENDED_PRE_PERIODS = 2

NEVER = np.inf  # cohort value of never-treated units in a prepared panel


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


def _numeric(series: pd.Series, what: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    if not pd.api.types.is_numeric_dtype(series):
        raise InvalidInput(
            f"The {what} column '{series.name}' must hold numbers, but it holds "
            f"{series.dtype} values such as {series.dropna().iloc[:1].tolist()}. "
            "Convert it to numbers (for example 1/0 instead of yes/no) and try again."
        )
    return series.astype("float64")


def _time_values(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        raise InvalidInput(
            f"The period column '{series.name}' holds dates. Number the periods instead "
            "(for example weeks since the start of the data, 1, 2, 3, ...) so that "
            "'one period before the start' is well defined, and try again."
        )
    values = _numeric(series, "period")
    if values.isna().any():
        raise InvalidInput(
            f"The period column '{series.name}' has {int(values.isna().sum())} missing values. "
            "Every row needs a period; remove or fix those rows and try again."
        )
    return values


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
            "time": _time_values(data[time]).to_numpy(),
            "y": _numeric(data[outcome], "KPI").to_numpy(),
        },
        index=data.index,
    )
    for c in covariates:
        frame[c] = _numeric(data[c], "covariate").to_numpy()
    if cluster:
        frame[cluster] = data[cluster].to_numpy()
    if frame["unit"].isna().any():
        raise InvalidInput(
            f"The person column '{unit}' has missing values. Every row needs a person "
            "identifier; remove or fix those rows and try again."
        )
    dup = frame.duplicated(["unit", "time"])
    if dup.any():
        first = frame.loc[dup, ["unit", "time"]].iloc[0].tolist()
        raise InvalidInput(
            f"The panel has {int(dup.sum())} repeated person-period rows (for example person "
            f"{first[0]!r} in period {first[1]:g}). Keep one row per person and period, "
            "for example by averaging or summing the KPI within the period, and try again."
        )

    # Treatment timing, one cohort per unit.
    if treatment is not None:
        d = _numeric(data[treatment], "treatment")
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
        g = _numeric(data[cohort], "cohort").fillna(0.0)
        g = g.where(g != 0.0, NEVER)
        frame["cohort"] = g.to_numpy()
        varies = frame.groupby("unit", sort=False)["cohort"].nunique() > 1
        if varies.any():
            raise InvalidInput(
                f"The cohort column '{cohort}' changes over time for {int(varies.sum())} people "
                f"(for example {varies[varies].index[0]!r}). It must hold each person's first "
                "treated period on every row; fix it and try again."
            )

    missing_y = frame["y"].isna()
    if missing_y.any():
        notes.append(
            f"{int(missing_y.sum())} rows with no value for {label} were treated as not observed."
        )
        frame = frame.loc[~missing_y]
    if covariates:
        bad = frame[list(covariates)].isna().any(axis=1)
        if bad.any():
            raise InvalidInput(
                f"{int(bad.sum())} rows have missing covariate values. Fill them in or leave "
                "those covariates out, and try again."
            )
    if frame.empty:
        raise InvalidInput(f"The panel has no observed values for {label}. Load KPI data first.")

    periods = np.sort(frame["time"].unique())
    first_period, last_period = float(periods[0]), float(periods[-1])
    units = frame.drop_duplicates("unit")[["unit", "cohort"]]
    # Units first treated after the data ends are untreated throughout the window we see.
    late = units["cohort"] > last_period
    if np.isfinite(units.loc[late, "cohort"]).any():
        notes.append(
            f"{int(np.isfinite(units.loc[late, 'cohort']).sum())} people start after the last "
            "period in the data and count as not (yet) treated."
        )
        frame.loc[frame["cohort"] > last_period, "cohort"] = NEVER
        units = frame.drop_duplicates("unit")[["unit", "cohort"]]

    treated_units = units.loc[np.isfinite(units["cohort"])]
    if treated_units.empty:
        raise InvalidInput(
            f"Nobody in the panel took part in the program during the periods loaded for "
            f"{label}. Check the treatment or cohort column, or load the periods after the start."
        )
    # No pre-period: first observed period of each unit vs its start.
    unit_first = frame.groupby("unit", sort=False)["time"].min()
    has_pre = treated_units["cohort"].to_numpy() > unit_first.loc[treated_units["unit"]].to_numpy()
    earliest_start = float(treated_units["cohort"].min())
    n_before = int((periods < earliest_start).sum())
    if not has_pre.any() or n_before == 0:
        raise InvalidInput(
            f"{label} has no observations before the program started (the first participants "
            f"started in period {earliest_start:g} and the data begin in period "
            f"{first_period:g}), so its effect cannot be separated from the trend. Load at least "
            f"{RECOMMENDED_PRE_PERIODS} periods of history before the start and try again.",
            details={"first_period": first_period, "earliest_start": earliest_start},
        )
    if not has_pre.all():
        dropped = treated_units.loc[~has_pre, "unit"]
        notes.append(
            f"{len(dropped)} participant{' has' if len(dropped) == 1 else 's have'} no observation "
            "before their start and were left out: their effect cannot be separated from the "
            "trend."
        )
        frame = frame.loc[~frame["unit"].isin(dropped)]
        units = units.loc[~units["unit"].isin(dropped)]

    cohort_sizes = units.loc[np.isfinite(units["cohort"]), "cohort"].value_counts().sort_index()
    small = cohort_sizes[cohort_sizes < min_group_size]
    if len(small):
        listing = ", ".join(f"period {g:g} ({n} people)" for g, n in small.items())
        raise InvalidInput(
            f"Some cohorts are too small to estimate an effect: {listing}. Each cohort needs at "
            f"least {min_group_size} people. Merge small cohorts with a neighbouring start date "
            "or leave them out, and try again.",
            details={"min_group_size": min_group_size},
        )
    n_never = int((~np.isfinite(units["cohort"])).sum())
    if n_never == 0 and (control_group == "never_treated" or len(cohort_sizes) < 2):
        hint = (
            "Keep a comparison group of people who were not trained, or use "
            "control_group='not_yet_treated' so later cohorts serve as the comparison before "
            "their own start."
            if len(cohort_sizes) >= 2
            else "Keep a comparison group of people who were not trained (or trained later, "
            "outside the periods loaded) and try again."
        )
        raise InvalidInput(
            f"Everyone in the panel took part in the program, so there is no comparison group "
            f"to tell the program's effect on {label} apart from what would have happened "
            f"anyway. {hint}"
        )
    if 0 < n_never < min_group_size:
        raise InvalidInput(
            f"The comparison group has only {n_never} people who were never trained; it needs "
            f"at least {min_group_size}. Add more untrained people to the data and try again."
        )
    counts = frame.groupby("unit", sort=False).size()
    balanced = bool((counts == len(periods)).all())
    if not balanced:
        notes.append(
            f"The panel is unbalanced: {int((counts < len(periods)).sum())} of {len(counts)} "
            "people are not observed in every period."
        )
    return Panel(
        frame=frame.reset_index(drop=True),
        outcome=label,
        periods=tuple(float(p) for p in periods),
        cohort_sizes={float(g): int(n) for g, n in cohort_sizes.items()},
        n_units=int(len(units)),
        n_never_treated=n_never,
        balanced=balanced,
        covariates=covariates,
        cluster=cluster,
        notes=tuple(notes),
    )
