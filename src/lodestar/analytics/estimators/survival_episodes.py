"""Start/stop episodes for retention, and the immortal-time diagnostic.

:func:`build_episodes` splits each person's history from hire (or entry into the data) to exit
(or the end of follow-up) at the training date, so training enters as a time-varying
covariate (the counting-process form of Andersen & Gill 1982). :func:`immortal_time_diagnostic`
measures how much follow-up an "ever trained" model would wrongly count as trained (Suissa 2008).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.survival_curves import require_columns
from lodestar.analytics.results import Diagnostic
from lodestar.errors import InvalidInput


def build_episodes(
    data: pd.DataFrame,
    *,
    person: str = "employee",
    hire: str = "hire_date",
    exit: str = "exit_date",
    trained_on: str = "trained_on",
    end_of_follow_up: pd.Timestamp | str | None = None,
    covariates: Sequence[str] = (),
    event: str | None = None,
) -> pd.DataFrame:
    """Start/stop episodes (days since hire) with ``trained`` switching on at the training date.

    One input row per person: hire date, exit date (empty while still employed) and training
    date (empty if never trained). Follow-up ends at the exit or ``end_of_follow_up``
    (default: the latest date in the data). Training on or before the hire date counts from
    day 0; training after the exit or the end of follow-up is ignored. People with no
    follow-up time (left on the day they joined) are dropped.

    ``event`` optionally names a column saying whether a person's exit counts as the event
    (e.g. true for a resignation): exits where it is false end follow-up *censored* on the
    exit date (an involuntary exit is not a resignation, but the person was no longer at risk
    of resigning). Without it every exit is an event.
    """
    require_columns(
        data,
        [person, hire, exit, trained_on, *covariates, *([event] if event else [])],
        "retention",
    )
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
    gone = exit_d.notna() & (exit_d <= end)
    stop_date = exit_d.where(gone, end)
    counts = (
        data[event].fillna(False).astype(bool).to_numpy()
        if event
        else np.ones(len(data), dtype=bool)
    )
    left = gone & counts
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


def person_time(episodes: pd.DataFrame) -> dict[str, float]:
    """Events and person-years while trained and while not (yet) trained, for rates in words."""
    years = (episodes["stop"] - episodes["start"]) / 365.25
    trained = episodes["trained"] == 1
    return {
        "trained_events": int(episodes.loc[trained, "left"].sum()),
        "trained_person_years": float(years[trained].sum()),
        "untrained_events": int(episodes.loc[~trained, "left"].sum()),
        "untrained_person_years": float(years[~trained].sum()),
    }
