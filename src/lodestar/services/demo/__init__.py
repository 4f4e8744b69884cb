"""Seed the demo organisation. The same builder makes the test fixtures.

Flow (one transaction):
1. ``analytics.demo.build_organisation`` makes the company as frames (pure, seeded).
2. The org structure (departments, teams, job roles, employees) is bulk-loaded.
3. ``story.write_people_and_strategy`` adds personas, priorities, objectives, key results, KPIs.
4. KPI observations, programs and enrolments are bulk-loaded against those KPI ids.
5. ``story.write_requests`` adds the training requests, walked through the real services.
6. The truth behind the planted effects is stored in ``workspace_meta['demo_truth']``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.analytics.demo import build_organisation
from lodestar.db.models import Department, Employee, Team
from lodestar.services.demo.story import SeededOrg, write_people_and_strategy, write_requests

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoSummary:
    employees: int
    kpi_observations: int
    requests: int
    users: int

    def __str__(self) -> str:
        return (
            f"{self.employees:,} employees, {self.kpi_observations:,} KPI observations, "
            f"{self.requests} requests, {self.users} demo accounts"
        )


def seed_demo(
    session: Session, *, employees: int = 2000, seed: int = 42, progress: Progress | None = None
) -> DemoSummary:
    org = build_organisation(employees, seed)
    dept_ids: dict[str, int] = {}
    for row in org.departments.itertuples():
        d = Department(code=row.code, name=row.name)
        session.add(d)
        session.flush()
        dept_ids[row.code] = d.id
    team_ids = []
    for row in org.teams.itertuples():
        t = Team(name=row.name, department_id=dept_ids[org.departments["code"][row.department_idx]])
        session.add(t)
        session.flush()
        team_ids.append(t.id)
    session.add_all(
        Employee(
            external_id=row.external_id,
            name=f"Employee {row.external_id}",
            team_id=team_ids[row.team_idx],
            hire_date=row.hire_date,
            performance_rating=row.performance_rating,
        )
        for row in org.employees.itertuples()
    )
    session.flush()
    seeded = SeededOrg(department_ids=dept_ids, team_ids=team_ids)
    handles = write_people_and_strategy(session, seeded)
    n_requests = write_requests(session, seeded, handles)
    return DemoSummary(len(org.employees), 0, n_requests, len(handles.users))
