"""Seed the demo organisation. The same builder makes the test fixtures.

(Skeleton: facts bulk-loading and the full story are being written.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lodestar.analytics.demo import build_organisation
from lodestar.db.models import Department, Employee, Team
from lodestar.services.demo.story import SeededOrg, write_story

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoSummary:
    employees: int
    kpi_observations: int
    requests: int
    users: int


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
    story = write_story(session, SeededOrg(department_ids=dept_ids))
    return DemoSummary(len(org.employees), 0, story.requests, story.users)
