"""The organisation's structure: departments, job roles, positions ("seats") and teams.

Five departments (sales, service, engineering, operations, people) share the positions;
each is split into teams of about 8–14 positions. Seat 0 of a team is its manager's: the
first team of a department is led by the department head, the others by team leads.
About 4 % of member positions are newly created during the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import HISTORY_WEEKS
from lodestar.analytics.demo.names import TEAM_SITES

KpiGroup = Literal["sales_rep", "service_agent"]
MIN_DEPARTMENT = 8
TEAM_SIZE_RANGE = (8, 14)
NEW_POSITION_SHARE = 0.04


@dataclass(frozen=True)
class DepartmentSpec:
    """One department: its size, roles, attrition and how long newcomers take to ramp up."""

    code: str
    name: str
    share: float
    head_title: str
    lead_title: str
    roles: tuple[tuple[str, float], ...]  # member job titles and their shares
    kpi_group: KpiGroup | None
    voluntary_rate: float  # annual probability of leaving voluntarily
    involuntary_rate: float
    ramp_weeks: float  # tau of the ramp-up curve exp(-tenure / tau)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.head_title, self.lead_title, *(r for r, _ in self.roles))


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "sales", "Sales", 0.18, "Sales Director", "Sales Team Lead",
        (("Account Executive", 0.7), ("Senior Account Executive", 0.3)),
        "sales_rep", 0.14, 0.04, 6.0,
    ),
    DepartmentSpec(
        "service", "Customer Service", 0.30, "Head of Customer Service",
        "Customer Service Team Lead",
        (("Customer Service Agent", 0.8), ("Senior Customer Service Agent", 0.2)),
        "service_agent", 0.16, 0.03, 4.0,
    ),
    DepartmentSpec(
        "engineering", "Engineering", 0.22, "Head of Engineering", "Engineering Manager",
        (("Software Engineer", 0.55), ("Senior Software Engineer", 0.3),
         ("Quality Engineer", 0.15)),
        None, 0.10, 0.02, 8.0,
    ),
    DepartmentSpec(
        "operations", "Operations", 0.24, "Head of Operations", "Operations Team Lead",
        (("Warehouse Associate", 0.6), ("Logistics Coordinator", 0.25),
         ("Procurement Buyer", 0.15)),
        None, 0.13, 0.03, 3.0,
    ),
    DepartmentSpec(
        "people", "HR & L&D", 0.06, "Head of People", "People Team Lead",
        (("HR Business Partner", 0.4), ("Learning Partner", 0.35), ("Recruiter", 0.25)),
        None, 0.09, 0.02, 5.0,
    ),
)  # fmt: skip


def departments_and_roles() -> tuple[pd.DataFrame, pd.DataFrame]:
    departments = pd.DataFrame(
        {"code": [d.code for d in DEPARTMENTS], "name": [d.name for d in DEPARTMENTS]}
    )
    roles = [(title, i) for i, d in enumerate(DEPARTMENTS) for title in d.titles]
    return departments, pd.DataFrame(roles, columns=["title", "department_idx"])


def _role_index(department: int, title: str) -> int:
    """Position of a job title in the job_roles frame."""
    offset = sum(len(d.titles) for d in DEPARTMENTS[:department])
    return offset + DEPARTMENTS[department].titles.index(title)


def _department_sizes(n: int) -> np.ndarray:
    """Positions per department: the shares of ``n``, at least MIN_DEPARTMENT each."""
    raw = np.array([d.share for d in DEPARTMENTS]) * n
    sizes: np.ndarray = np.floor(raw).astype(np.int64)
    sizes[np.argsort(-(raw - sizes), kind="stable")[: n - sizes.sum()]] += 1
    while (short := np.flatnonzero(sizes < MIN_DEPARTMENT)).size:
        need = MIN_DEPARTMENT - sizes[short[0]]
        sizes[short[0]] += need
        sizes[np.argmax(sizes)] -= need
    return sizes


def _team_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``n`` positions into teams of roughly 8–14 people."""
    low, high = TEAM_SIZE_RANGE
    n_teams = max(1, round(n / ((low + high) / 2 - 0.5)))
    raw = rng.integers(low, high + 1, n_teams).astype(float)
    sizes: np.ndarray = np.floor(raw / raw.sum() * n).astype(np.int64)
    short = n - sizes.sum()
    sizes[rng.permutation(n_teams)[: min(short, n_teams)]] += 1
    sizes[-1] += n - sizes.sum()
    return sizes


def seats_and_teams(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions (seat 0 of each team is its manager's) and the teams they belong to.

    Seat ranks: 0 = department head (leads the first team), 1 = team lead, 2 = member.
    """
    seat_parts, team_parts = [], []
    teams_so_far = 0
    for d_idx, (spec, size) in enumerate(zip(DEPARTMENTS, _department_sizes(n), strict=True)):
        sizes = _team_sizes(int(size), rng)
        number = np.arange(sizes.size)
        sites = len(TEAM_SITES)
        names = [f"{spec.name} · {TEAM_SITES[k % sites]} {k // sites + 1}" for k in number]
        team_parts.append(pd.DataFrame({"name": names, "department_idx": d_idx}))
        team_in_dept = np.repeat(number, sizes)
        position = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        rank = np.where(position > 0, 2, np.where(team_in_dept == 0, 0, 1))
        shares = np.array([s for _, s in spec.roles])
        member_role = rng.choice(len(spec.roles), size=rank.size, p=shares / shares.sum())
        role_of_member = np.array([_role_index(d_idx, title) for title, _ in spec.roles])
        manager_role = np.where(
            rank == 0, _role_index(d_idx, spec.head_title), _role_index(d_idx, spec.lead_title)
        )
        role = np.where(rank == 2, role_of_member[member_role], manager_role)
        seat_parts.append(
            pd.DataFrame(
                {
                    "department_idx": d_idx,
                    "team_idx": teams_so_far + team_in_dept,
                    "rank": rank,
                    "job_role_idx": role,
                }
            )
        )
        teams_so_far += sizes.size
    seats = pd.concat(seat_parts, ignore_index=True)
    new = (seats["rank"].to_numpy() == 2) & (rng.random(len(seats)) < NEW_POSITION_SHARE)
    seats["opens_week"] = np.where(new, rng.integers(1, HISTORY_WEEKS, len(seats)), 0)
    teams = pd.concat(team_parts, ignore_index=True)
    teams["attrition_z"] = rng.standard_normal(len(teams))  # manager quality
    return seats, teams
