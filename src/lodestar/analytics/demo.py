"""A deterministic demo organisation: people, teams and weekly KPI history with planted effects.

Pure: takes a size and a seed, returns frames and the truth behind them. No database here.
(Skeleton: the full generator with planted program effects is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

DEPARTMENTS: tuple[tuple[str, str, float], ...] = (
    ("sales", "Sales", 0.18),
    ("service", "Customer Service", 0.30),
    ("engineering", "Engineering", 0.22),
    ("operations", "Operations", 0.24),
    ("people", "HR & L&D", 0.06),
)
TEAM_SIZE = 12
HISTORY_WEEKS = 104


@dataclass(frozen=True)
class DemoOrganisation:
    """Frames ready for bulk loading, plus the truth the tests check recovery against."""

    departments: pd.DataFrame
    teams: pd.DataFrame
    employees: pd.DataFrame
    kpi_observations: pd.DataFrame
    programs: pd.DataFrame
    enrolments: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    first_week: date = date(2024, 11, 25)


def build_organisation(employees: int = 2000, seed: int = 42) -> DemoOrganisation:
    if employees < 50:
        raise ValueError("The demo organisation needs at least 50 employees.")
    rng = np.random.default_rng(seed)
    deps = pd.DataFrame(
        [{"code": c, "name": n, "share": s} for c, n, s in DEPARTMENTS]
    ).reset_index(names="idx")
    counts = np.maximum(TEAM_SIZE, np.round(deps["share"].to_numpy() * employees)).astype(int)
    team_rows, emp_rows = [], []
    first_week = date(2024, 11, 25)
    for d_idx, (code, n) in enumerate(zip(deps["code"], counts, strict=True)):
        n_teams = max(1, int(np.ceil(n / TEAM_SIZE)))
        for t in range(n_teams):
            team_rows.append({"department_idx": d_idx, "name": f"{deps['name'][d_idx]} {t + 1}"})
        team_of = len(team_rows) - n_teams + (np.arange(n) % n_teams)
        hire = [first_week - timedelta(days=int(x)) for x in rng.integers(30, 3000, n)]
        for i in range(n):
            emp_rows.append(
                {
                    "external_id": f"{code[:2].upper()}{len(emp_rows) + 1:06d}",
                    "team_idx": int(team_of[i]),
                    "hire_date": hire[i],
                    "performance_rating": float(np.clip(rng.normal(3.2, 0.7), 1, 5)),
                }
            )
    return DemoOrganisation(
        departments=deps,
        teams=pd.DataFrame(team_rows),
        employees=pd.DataFrame(emp_rows),
        kpi_observations=pd.DataFrame(
            columns=["kpi_code", "employee_idx", "team_idx", "period", "value"]
        ),
        programs=pd.DataFrame(),
        enrolments=pd.DataFrame(),
        truth={},
        first_week=first_week,
    )
