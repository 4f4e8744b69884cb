"""The weekly KPI models and the machinery that turns them into observation rows.

Observations exist only for people present that week (an unbalanced panel).

sales_conversion (sales reps, weekly, %): meetings ``m ~ Poisson(7 * exp(0.2 z))``
    (x0.35 over the year-end holidays); weeks without a meeting have no row.
    ``p = 24 + subject(4.0) + team(1.5) + dept-week(0.8) + 1.5 [last 3 weeks of a
    quarter] + 0.5 pp/year trend - 10 exp(-tenure/tau) + planted effect``;
    value = ``100 Binomial(m, p/100) / m``, weight = ``m``.
avg_deal_size (sales reps, weekly, EUR): only weeks with at least one proposal
    (``k`` = conversions); value = ``mu + N(0, 2500/sqrt(k))`` with
    ``mu = 9000 + subject(1800) + team(400) + 540 in Q4 + 180/year + planted effect``
    (additive, so trends are parallel in euros).
repeat_contact_rate (service agents, weekly, %, lower is better): contacts
    ``c ~ Poisson(110 exp(0.15 z) (1 - 0.5 ramp))``; ``r = 18 + subject(2.5, better
    agents lower) + team(1.0) + dept-week(0.7) + 1.5 [January] + 3.0 [outage weeks
    70–73] + 6 ramp + planted effect``; value = ``100 Binomial(c, r/100) / c``.
csat (service agents, weekly, % of surveyed customers satisfied): responses
    ``k ~ Poisson(0.12 c)``; ``q = 84 + subject(3.0) + team(1.0) + dept-week(0.6)
    - 4.0 [outage] - 5 ramp + planted effect``; value = ``100 Binomial(k, q/100)/k``.

``ramp = exp(-tenure_weeks / tau)`` is each person's ramp-up curve (see ``people``).
The organisation-wide KPIs are in :mod:`.org_kpis`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import HISTORY_WEEKS, WEEK_MONDAYS, calendar_effect
from lodestar.analytics.demo.structure import DEPARTMENTS, KpiGroup

# The KPIs this generator writes observations for (the story's KPI_CODES must match).
KPI_CODES = (
    "sales_conversion",
    "avg_deal_size",
    "repeat_contact_rate",
    "csat",
    "time_to_productivity",
    "voluntary_attrition",
    "time_to_market",
    "order_lines_per_hour",  # onboarding.py
)


@dataclass(frozen=True)
class ShareModel:
    """A weekly share KPI in %: ``100 * Binomial(volume, level / 100) / volume``, where
    ``level = base + subject + team + department-week shock + calendar - ramp_penalty * ramp
    + planted effect``, clipped to ``clip`` before the draw."""

    kpi_code: str
    base: float
    subject_sd: float
    ability_loading: float  # correlation of the subject effect with ability
    team_sd: float
    week_sd: float
    ramp_penalty: float  # points lost at tenure 0, fading as exp(-tenure / tau)
    calendar: tuple[tuple[str, float], ...]  # (calendar flag, points added in those weeks)
    volume: str  # what the weight column counts
    clip: tuple[float, float] = (1.0, 99.0)


SALES_CONVERSION = ShareModel(
    "sales_conversion", 24.0, 4.0, 0.6, 1.5, 0.8, 10.0,
    (("quarter_end", 1.5), ("years", 0.5)), "meetings",
)  # fmt: skip


REPEAT_CONTACTS = ShareModel(
    "repeat_contact_rate", 18.0, 2.5, -0.5, 1.0, 0.7, -6.0,
    (("january", 1.5), ("outage", 3.0)), "contacts", (0.5, 95.0),
)  # fmt: skip


CSAT = ShareModel(
    "csat", 84.0, 3.0, 0.5, 1.0, 0.6, 5.0, (("outage", -4.0),), "survey responses", (5.0, 99.5)
)


@dataclass(frozen=True)
class DealSizeModel:
    """Average deal size (EUR) in a week with ``k`` proposals: ``mu + N(0, noise / sqrt(k))``
    with ``mu = base + subject + team + calendar + planted effect`` (additive, so trends are
    parallel in euros), at least ``floor``."""

    base: float = 9000.0
    subject_sd: float = 1800.0
    ability_loading: float = 0.6
    team_sd: float = 400.0
    noise_sd_per_deal: float = 2500.0
    calendar: tuple[tuple[str, float], ...] = (("q4", 540.0), ("years", 180.0))
    floor: float = 300.0


DEAL_SIZE = DealSizeModel()


@dataclass(frozen=True)
class Panel:
    """Present person-weeks: person (row in ``people``), week, and ramp ``exp(-tenure/tau)``
    (1 on the first day, near 0 once fully productive)."""

    person: np.ndarray
    week: np.ndarray
    ramp: np.ndarray

    def take(self, mask: np.ndarray) -> Panel:
        return Panel(self.person[mask], self.week[mask], self.ramp[mask])


def present_weeks(people: pd.DataFrame, rows: np.ndarray) -> Panel:
    """Every history week each of ``rows`` is present, from hire week to last week."""
    hire_day = people["hire_day"].to_numpy()
    first = np.maximum(np.ceil(hire_day[rows] / 7).astype(np.int64), 0)
    length = np.maximum(people["last_week"].to_numpy()[rows] - first + 1, 0)
    person = np.repeat(rows, length)
    week = (
        np.repeat(first, length)
        + np.arange(length.sum())
        - np.repeat(np.cumsum(length) - length, length)
    )
    tenure_weeks = (7 * week - hire_day[person]) / 7
    return Panel(person, week, np.exp(-tenure_weeks / people["ramp_tau"].to_numpy()[person]))


def subject_effect(
    people: pd.DataFrame, sd: float, loading: float, rng: np.random.Generator
) -> np.ndarray:
    """Per person: ``sd * (loading * ability + sqrt(1 - loading**2) * e)``."""
    e = rng.standard_normal(len(people))
    ability = people["ability"].to_numpy(dtype=np.float64)
    effect: np.ndarray = sd * (loading * ability + math.sqrt(1 - loading**2) * e)
    return effect


def share_level(
    model: ShareModel, people: pd.DataFrame, n_teams: int, panel: Panel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Expected share (%) per panel row before any program, and each person's subject effect."""
    subject = subject_effect(people, model.subject_sd, model.ability_loading, rng)
    team_fx = rng.normal(0, model.team_sd, n_teams)
    week_fx = rng.normal(0, model.week_sd, HISTORY_WEEKS)
    team = people["team_idx"].to_numpy()[panel.person]
    level = (
        model.base
        + subject[panel.person]
        + team_fx[team]
        + week_fx[panel.week]
        + calendar_effect(model.calendar, panel.week)
        - model.ramp_penalty * panel.ramp
    )
    return level, subject


def share_rows(
    model: ShareModel,
    panel: Panel,
    volume: np.ndarray,
    level: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Observed rows for weeks with volume > 0; also the hit counts and that week mask."""
    some = volume > 0
    rate = np.clip(level[some], *model.clip)
    hits = rng.binomial(volume[some], rate / 100)
    kept = panel.take(some)
    value = np.round(100 * hits / volume[some], 2)
    rows = kpi_frame(
        model.kpi_code, kept.person, None, WEEK_MONDAYS[kept.week], value, volume[some]
    )
    return rows, hits, some


def clipped_share(model: ShareModel, level: np.ndarray) -> float:
    low, high = model.clip
    return float(np.mean((level < low) | (level > high))) if level.size else 0.0


def _nullable(idx: np.ndarray | None, n: int) -> pd.arrays.IntegerArray:
    """Row positions as a nullable Int32 column (all missing when ``idx`` is None)."""
    if idx is None:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int32), np.ones(n, dtype=bool))
    return pd.arrays.IntegerArray(idx.astype(np.int32), np.zeros(n, dtype=bool))


def kpi_frame(
    code: str,
    people_rows: np.ndarray | None,
    team_rows: np.ndarray | None,
    periods: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
) -> pd.DataFrame:
    """KPI observation rows in the shape of ``DemoOrganisation.kpi_observations``."""
    n = len(values)
    codes = np.full(n, KPI_CODES.index(code), dtype=np.int8)
    return pd.DataFrame(
        {
            "kpi_code": pd.Categorical.from_codes(codes, categories=list(KPI_CODES)),
            "employee_idx": _nullable(people_rows, n),
            "team_idx": _nullable(team_rows, n),
            "period": periods.astype("datetime64[s]"),
            "value": values.astype(np.float64),
            "weight": weights.astype(np.int32),
        }
    )


def group_rows(people: pd.DataFrame, group: KpiGroup) -> np.ndarray:
    """People measured on a group's KPIs: members (not managers) of its department."""
    groups = np.array([d.kpi_group for d in DEPARTMENTS], dtype=object)
    in_group = groups[people["department_idx"].to_numpy()] == group
    return np.flatnonzero(in_group & (people["rank"].to_numpy() == 2))
