"""The demo history's calendar: 104 Mondays, complete months, and calendar flags.

The history runs over the 104 weeks from Monday 2024-11-25 to Monday 2026-11-16. Weeks are
numbered from 0; ``WEEK_MONDAYS[w]`` is week ``w``'s Monday. Days are counted from
``FIRST_WEEK`` (negative = before the history). The calendar flags (quarter end, year-end
holidays, January, Q4, the outage weeks) and the trend in years feed the KPI models.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

FIRST_WEEK = date(2024, 11, 25)  # a Monday
HISTORY_WEEKS = 104
LAST_WEEK = FIRST_WEEK + timedelta(weeks=HISTORY_WEEKS - 1)  # 2026-11-16
_FIRST = np.datetime64(FIRST_WEEK.isoformat(), "D")
WEEK_MONDAYS: np.ndarray = _FIRST + 7 * np.arange(HISTORY_WEEKS)
OUTAGE_WEEKS = (70, 71, 72, 73)  # a delivery-tracking outage floods customer service


def calendar_flags() -> dict[str, np.ndarray]:
    """Flags (0/1) and the trend (years since the first week) for each history week."""
    month_start = WEEK_MONDAYS.astype("datetime64[M]")
    day = (WEEK_MONDAYS - month_start.astype("datetime64[D]")).astype(int) + 1
    month = month_start.astype(int) % 12 + 1
    weeks = np.arange(HISTORY_WEEKS)
    flags = {
        "quarter_end": np.isin(month, (3, 6, 9, 12)) & (day >= 10),  # last ~3 weeks
        "holiday": (month == 12) & (day >= 20),
        "january": month == 1,
        "q4": month >= 10,
        "outage": np.isin(weeks, OUTAGE_WEEKS),
    }
    return {k: v.astype(float) for k, v in flags.items()} | {"years": weeks / 52.0}


def calendar_effect(calendar: tuple[tuple[str, float], ...], week: np.ndarray) -> np.ndarray:
    """The points a model's ``(flag, points)`` calendar adds in each of ``week``."""
    cal = calendar_flags()
    return sum((points * cal[flag][week] for flag, points in calendar), np.zeros(week.size))


def complete_months() -> np.ndarray:
    """First days of the complete calendar months inside the history."""
    first = WEEK_MONDAYS[0].astype("datetime64[M]") + 1
    end = (WEEK_MONDAYS[-1] + 6).astype("datetime64[M]")  # month of the last Sunday
    return np.arange(first, end).astype("datetime64[D]")


def monday_iso(week: int) -> str:
    """Week ``week``'s Monday as an ISO date."""
    return (FIRST_WEEK + timedelta(weeks=int(week))).isoformat()


def days_after_first_week(days: np.ndarray) -> np.ndarray:
    """Dates ``days`` after FIRST_WEEK."""
    return _FIRST + np.asarray(days).astype("timedelta64[D]")
