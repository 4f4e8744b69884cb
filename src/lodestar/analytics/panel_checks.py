"""The checks every person-period panel must pass, on one row per person.

Both ways a panel reaches the engine — a long table (``panels.prepare_panel``) and a
person x period matrix built by the services (``panels.panel_from_wide``) — reduce to the same
per-person facts: each person's cohort (first treated period, infinity when never treated),
first observed period and number of observed periods. :func:`check_timing` decides on those
whether an effect can be estimated, and says what to do when it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np

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
class WideValues:
    """A panel as a person x period matrix: ``y[i, j]`` is person ``units[i]``'s outcome in
    period ``j`` (NaN when not observed); ``cohort[i]`` their first treated period (in the
    panel's period values; infinity when never treated); ``cluster[i]`` their cluster."""

    y: np.ndarray
    units: np.ndarray
    cohort: np.ndarray
    cluster: np.ndarray | None = None


@dataclass(frozen=True)
class UnitTiming:
    """One entry per person: who, their cohort, first observed period, periods observed."""

    units: np.ndarray
    cohort: np.ndarray
    first_time: np.ndarray
    observed: np.ndarray


@dataclass(frozen=True)
class TimingCheck:
    cohort_sizes: dict[float, int]
    n_units: int
    n_never_treated: int
    balanced: bool
    late_starters: bool  # someone starts after the data end (now counted as never treated)
    dropped: np.ndarray  # participants left out for lack of a pre-period
    notes: tuple[str, ...] = field(default_factory=tuple)


def check_timing(
    timing: UnitTiming,
    periods: np.ndarray,
    *,
    label: str,
    control_group: ControlGroup,
    min_group_size: int = MIN_GROUP_SIZE,
) -> TimingCheck:
    """Decide whether the panel supports an estimate; raises InvalidInput saying what to do."""
    notes: list[str] = []
    first_period, last_period = float(periods[0]), float(periods[-1])
    cohort = np.asarray(timing.cohort, dtype=np.float64)
    # People first treated after the data end are untreated throughout the window we see.
    late = np.isfinite(cohort) & (cohort > last_period)
    if late.any():
        notes.append(
            f"{int(late.sum())} people start after the last period in the data and count as "
            "not (yet) treated."
        )
        cohort = np.where(late, NEVER, cohort)
    treated = np.isfinite(cohort)
    if not treated.any():
        raise InvalidInput(
            f"Nobody in the panel took part in the program during the periods loaded for "
            f"{label}. Check the treatment or cohort column, or load the periods after the start."
        )
    # No pre-period: first observed period of each participant vs their start.
    has_pre = cohort[treated] > timing.first_time[treated]
    earliest_start = float(cohort[treated].min())
    n_before = int((periods < earliest_start).sum())
    if not has_pre.any() or n_before == 0:
        raise InvalidInput(
            f"{label} has no observations before the program started (the first participants "
            f"started in period {earliest_start:g} and the data begin in period "
            f"{first_period:g}), so its effect cannot be separated from the trend. Load at least "
            f"{RECOMMENDED_PRE_PERIODS} periods of history before the start and try again.",
            details={"first_period": first_period, "earliest_start": earliest_start},
        )
    keep = np.ones(len(cohort), dtype=bool)
    dropped = timing.units[:0]
    if not has_pre.all():
        keep[np.flatnonzero(treated)[~has_pre]] = False
        dropped = timing.units[~keep]
        notes.append(
            f"{len(dropped)} participant{' has' if len(dropped) == 1 else 's have'} no observation "
            f"before their start and {'was' if len(dropped) == 1 else 'were'} left out: their "
            "effect cannot be separated from the trend."
        )
    kept_cohort = cohort[keep]
    starts, sizes = np.unique(kept_cohort[np.isfinite(kept_cohort)], return_counts=True)
    small = [(float(g), int(n)) for g, n in zip(starts, sizes, strict=True) if n < min_group_size]
    if small:
        listing = ", ".join(f"period {g:g} ({n} people)" for g, n in small)
        raise InvalidInput(
            f"Some cohorts are too small to estimate an effect: {listing}. Each cohort needs at "
            f"least {min_group_size} people. Merge small cohorts with a neighbouring start date "
            "or leave them out, and try again.",
            details={"min_group_size": min_group_size},
        )
    n_never = int((~np.isfinite(kept_cohort)).sum())
    if n_never == 0 and (control_group == "never_treated" or len(starts) < 2):
        hint = (
            "Keep a comparison group of people who were not trained, or use "
            "control_group='not_yet_treated' so later cohorts serve as the comparison before "
            "their own start."
            if len(starts) >= 2
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
    observed = timing.observed[keep]
    balanced = bool((observed == len(periods)).all())
    if not balanced:
        notes.append(
            f"The panel is unbalanced: {int((observed < len(periods)).sum())} of "
            f"{len(observed)} people are not observed in every period."
        )
    return TimingCheck(
        cohort_sizes={float(g): int(n) for g, n in zip(starts, sizes, strict=True)},
        n_units=int(keep.sum()),
        n_never_treated=n_never,
        balanced=balanced,
        late_starters=bool(late.any()),
        dropped=dropped,
        notes=tuple(notes),
    )
