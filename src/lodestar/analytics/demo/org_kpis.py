"""The organisation-wide KPIs: time to productivity, voluntary attrition, time to market.

time_to_productivity (every department, days, lower is better): one row per person, in
    the week they reach 90 % of full productivity (``ceil(7 tau ln 10)`` days after the
    hire, ``tau = ramp_weeks * exp(0.2 z - 0.15 a)``), written only if that week is inside
    the history and before they leave — so people hired shortly before the history count
    too, and the first months are not biased towards fast starters. About 78 days on
    average (3 weeks in operations to 8 in engineering for ``ramp_weeks``).
voluntary_attrition (team grain, monthly, % annualised): voluntary leavers in the
    calendar month / mean weekly headcount x 12 x 100; weight = mean headcount; the
    23 complete months (2024-12 … 2026-10), period = the 1st of the month.
time_to_market (engineering teams, monthly, weeks): releases ``n ~ 1 + Poisson(1)``;
    value = ``14 + team(2.0) - 0.6/year + N(0, 2.5/sqrt(n))``, weight = ``n``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import HISTORY_WEEKS, WEEK_MONDAYS, complete_months
from lodestar.analytics.demo.kpis import kpi_frame
from lodestar.analytics.demo.structure import DEPARTMENTS

TIME_TO_MARKET = {"base_weeks": 14.0, "team_sd": 2.0, "trend_per_year": -0.6, "noise_sd": 2.5}


def time_to_productivity(people: pd.DataFrame) -> pd.DataFrame:
    """One row per person who reaches 90 % of full productivity inside the history (recent
    hires from before it included, so the first months are not only the fast starters),
    dated the week they reach it."""
    hire_day = people["hire_day"].to_numpy()
    hired = np.arange(len(people))
    days = np.ceil(7 * people["ramp_tau"].to_numpy()[hired] * math.log(10)).astype(np.int64)
    week = (hire_day[hired] + days) // 7
    inside = (week >= 0) & (week < HISTORY_WEEKS)
    keep = inside & (week <= people["last_week"].to_numpy()[hired])
    periods, values = WEEK_MONDAYS[week[keep]], days[keep].astype(np.float64)
    ones = np.ones(keep.sum(), dtype=np.int32)
    return kpi_frame("time_to_productivity", hired[keep], None, periods, values, ones)


def voluntary_attrition(people: pd.DataFrame, n_teams: int) -> pd.DataFrame:
    """Per team and month: voluntary leavers / mean weekly headcount x 12 x 100 (in %)."""
    months = complete_months()
    month_of_week = np.searchsorted(months, WEEK_MONDAYS, side="right") - 1
    first = np.maximum(np.ceil(people["hire_day"].to_numpy() / 7).astype(np.int64), 0)
    last = people["last_week"].to_numpy()
    team = people["team_idx"].to_numpy()
    change = np.zeros((n_teams, HISTORY_WEEKS + 1))
    np.add.at(change, (team, first), 1)
    np.add.at(change, (team, last + 1), -1)
    weekly = np.cumsum(change, axis=1)[:, :HISTORY_WEEKS]
    headcount = np.stack(
        [weekly[:, month_of_week == m].mean(axis=1) for m in range(months.size)], axis=1
    )
    exit_month = np.searchsorted(months, WEEK_MONDAYS[last] + 4, side="right") - 1
    voluntary = (people["exit_reason"] == "voluntary").fillna(False).to_numpy(dtype=bool)
    counted = voluntary & (exit_month >= 0) & (exit_month < months.size)
    leavers = np.zeros_like(headcount)
    np.add.at(leavers, (team[counted], exit_month[counted]), 1)
    t, m = np.nonzero(headcount > 0)
    rate = np.round(leavers[t, m] * 12 * 100 / headcount[t, m], 2)
    weight = np.maximum(np.round(headcount[t, m]), 1)
    return kpi_frame("voluntary_attrition", None, t, months[m], rate, weight)


def time_to_market(teams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Engineering teams, monthly: weeks from idea to release, improving slowly."""
    engineering = [d.code for d in DEPARTMENTS].index("engineering")
    eng = np.flatnonzero(teams["department_idx"].to_numpy() == engineering)
    months = complete_months()
    m = TIME_TO_MARKET
    team_fx = rng.normal(0, m["team_sd"], eng.size)
    t = np.repeat(np.arange(eng.size), months.size)
    month = np.tile(np.arange(months.size), eng.size)
    releases = 1 + rng.poisson(1.0, t.size)
    noise = rng.standard_normal(t.size) * m["noise_sd"] / np.sqrt(releases)
    value = m["base_weeks"] + team_fx[t] + m["trend_per_year"] * month / 12 + noise
    rounded = np.round(np.maximum(value, 1.0), 2)
    return kpi_frame("time_to_market", None, eng[t], months[month], rounded, releases)
