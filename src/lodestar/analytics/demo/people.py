"""People: the occupants of the positions over the history, their managers and exits.

``employees`` is the number of *positions*: about that many people are employed in any
week. Over the 104 weeks people leave — voluntarily at about 9–16 % a year depending on the
department, involuntarily at 2–4 % — and each leaver is replaced after a vacancy of a few
weeks, so the employees frame holds more people than there are positions. Team leads and
heads stay in post for the two years. In-window hires start on a Monday and leave on a
Friday, so a person is present in week ``w`` exactly when
``hire_date <= monday(w) <= exit_date``.

Every person has a latent *ability* ``a ~ N(0, 1)``; the performance rating is
``clip(round(3.1 + 0.55 a + N(0, 0.35), 1), 1, 5)``. A KPI's subject effect is
``sd * (loading * a + sqrt(1 - loading**2) * e)``, so it correlates with the rating.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import HISTORY_WEEKS, WEEK_MONDAYS, days_after_first_week
from lodestar.analytics.demo.structure import DEPARTMENTS


def occupants(seats: pd.DataFrame, teams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Everyone who held a position, one generation of occupants at a time.

    A leaver's seat is refilled after ``1 + Poisson(4)`` weeks if that is still inside the
    history. Columns: seat attributes, ``hire_day`` (days from FIRST_WEEK; negative =
    before), ``last_week`` (last week present), ``exit_reason``, latent ``ability``,
    ``rating`` and ``ramp_tau`` (weeks).
    """
    rank = seats["rank"].to_numpy()
    opens = seats["opens_week"].to_numpy()
    managers = rank < 2
    tenure_years = np.where(
        managers, 2 + rng.exponential(5.0, len(seats)), rng.exponential(3.2, len(seats))
    )
    pre_history = -np.ceil(np.minimum(tenure_years, 30) * 365.25)
    hire_day = np.where(opens > 0, 7.0 * opens, pre_history)
    seat_idx = np.arange(len(seats))
    generations = []
    while seat_idx.size:
        generation = _occupy(seats, teams, seat_idx, hire_day, rng)
        generations.append(generation)
        left = generation["exit_reason"].notna().to_numpy()
        next_hire = generation["last_week"].to_numpy()[left] + 1 + rng.poisson(4.0, left.sum())
        refilled = next_hire < HISTORY_WEEKS
        seat_idx = generation["seat"].to_numpy()[left][refilled]
        hire_day = 7.0 * next_hire[refilled]
    return pd.concat(generations, ignore_index=True)


def _occupy(
    seats: pd.DataFrame,
    teams: pd.DataFrame,
    seat_idx: np.ndarray,
    hire_day: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One occupant per seat: ability, rating, ramp-up, and when (and why) they leave.

    Weekly exit hazards (exponential times): voluntary ``-ln(1 - rate)/52 * exp(0.3 z_team -
    0.2 a - 0.065)``, involuntary ``-ln(1 - rate)/52 * exp(-0.7 a - 0.245)``. Managers stay.
    """
    n = seat_idx.size
    seat = seats.iloc[seat_idx]
    dept = seat["department_idx"].to_numpy()
    rank = seat["rank"].to_numpy()
    ability = rng.standard_normal(n)
    team_z = teams["attrition_z"].to_numpy()[seat["team_idx"].to_numpy()]
    vol = np.array([d.voluntary_rate for d in DEPARTMENTS])[dept]
    inv = np.array([d.involuntary_rate for d in DEPARTMENTS])[dept]
    hazard_vol = -np.log1p(-vol) / 52 * np.exp(0.3 * team_z - 0.2 * ability - 0.065)
    hazard_inv = -np.log1p(-inv) / 52 * np.exp(-0.7 * ability - 0.245)
    t_vol, t_inv = rng.exponential(1 / hazard_vol), rng.exponential(1 / hazard_inv)
    first_week = np.maximum(np.ceil(hire_day / 7), 0)
    exit_week = np.floor(first_week + np.minimum(t_vol, t_inv))
    leaves = (exit_week < HISTORY_WEEKS) & (rank == 2)
    reason = np.where(t_vol < t_inv, "voluntary", "involuntary")
    ramp_weeks = np.array([d.ramp_weeks for d in DEPARTMENTS])[dept]
    rating = np.clip(np.round(3.1 + 0.55 * ability + rng.normal(0, 0.35, n), 1), 1, 5)
    return pd.DataFrame(
        {
            "seat": seat_idx,
            "department_idx": dept,
            "team_idx": seat["team_idx"].to_numpy(),
            "rank": rank,
            "job_role_idx": seat["job_role_idx"].to_numpy(),
            "hire_day": hire_day.astype(np.int64),
            "last_week": np.where(leaves, exit_week, HISTORY_WEEKS - 1).astype(np.int64),
            "exit_reason": pd.array(np.where(leaves, reason, np.array(None)), dtype="string"),
            "ability": ability,
            "rating": rating,
            "ramp_tau": ramp_weeks * np.exp(0.2 * rng.standard_normal(n) - 0.15 * ability),
        }
    )


def managers_first(people: pd.DataFrame) -> pd.DataFrame:
    """Heads, then team leads, then everyone else: managers precede their reports."""
    keys = ["rank", "department_idx", "team_idx", "hire_day", "seat"]
    return people.sort_values(keys, kind="stable", ignore_index=True)


def with_managers(teams: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each team's manager is the occupant of its first seat (managers never leave)."""
    managers = people.index[people["rank"].to_numpy() < 2].to_numpy()
    teams = teams.copy()
    teams["manager_employee_idx"] = -1
    teams.loc[people["team_idx"].to_numpy()[managers], "manager_employee_idx"] = managers
    return teams


def manager_of(people: pd.DataFrame, teams: pd.DataFrame) -> pd.Series:
    """Members report to their team's manager, team leads to the head, heads to nobody."""
    rank = people["rank"].to_numpy()
    dept = people["department_idx"].to_numpy()
    team_manager = teams["manager_employee_idx"].to_numpy()[people["team_idx"].to_numpy()]
    head_of = np.full(len(DEPARTMENTS), -1)
    head_of[dept[rank == 0]] = np.flatnonzero(rank == 0)
    manager = np.where(rank == 2, team_manager, head_of[dept])
    return pd.Series(pd.array(manager, dtype="Int64")).mask(rank == 0)


def public_employees(people: pd.DataFrame) -> pd.DataFrame:
    left = people["exit_reason"].notna().to_numpy()
    exit_day = WEEK_MONDAYS[people["last_week"].to_numpy()] + np.timedelta64(4, "D")  # Friday
    return pd.DataFrame(
        {
            "external_id": people["external_id"],
            "name": people["name"],
            "email": people["email"],
            "team_idx": people["team_idx"],
            "job_role_idx": people["job_role_idx"],
            "manager_idx": people["manager_idx"],
            "hire_date": pd.to_datetime(days_after_first_week(people["hire_day"].to_numpy())),
            "exit_date": pd.to_datetime(np.where(left, exit_day, np.datetime64("NaT"))),
            "exit_reason": people["exit_reason"],
            "performance_rating": people["rating"],
        }
    )
