"""Seed the demo organisation. The same builder makes the test fixtures.

Flow (one transaction):
1. ``analytics.demo.build_organisation`` makes the company as frames (pure, seeded).
2. The org structure (departments, teams, job roles, employees) is bulk-loaded.
3. ``story.write_people_and_strategy`` adds personas, priorities, objectives, key results, KPIs;
   manager and employee personas are linked to (and rename) generated employees.
4. KPI observations, programs and enrolments are bulk-loaded against those KPI ids.
5. ``story.write_requests`` adds the training requests, walked through the real services;
   planted programs that answer one of them point at it (``Program.request_id``).
6. The truth behind the planted effects is stored in ``workspace_meta['demo_truth']``; the
   portfolio story (``story_portfolio``: weights, stakeholders, interviews, councils, the
   90-day plan) keeps its known answers in ``workspace_meta['demo_portfolio_truth']``; the
   skills story (``story_skills``, ``story_skills_people``) in ``demo_skills_truth``.

Rows are written with ``db.bulk`` (executemany on SQLite, COPY on PostgreSQL), never one
ORM object per fact row; only the four program rows go through the ORM. Org rows get
explicit ids (``first_free_id`` + the generator's row position), so the generator's
``*_idx`` columns map to ids by adding an offset. Everything runs on the caller's session:
the caller's transaction makes the whole seed all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lodestar.analytics.demo import COMPANY, GENERATOR_VERSION, DemoOrganisation, build_organisation
from lodestar.db.bulk import (
    first_free_id,
    indexes_rebuilt_after,
    insert_frame,
    sync_id_sequence,
)
from lodestar.db.kpi_store import write_observations
from lodestar.db.models import (
    Department,
    Employee,
    JobRole,
    Kpi,
    Program,
    ProgramEnrolment,
    Team,
    TrainingRequest,
    User,
    WorkspaceMeta,
)
from lodestar.services.accounts import mark_demo_workspace
from lodestar.services.demo.activity import load_activity
from lodestar.services.demo.story import (
    SeededOrg,
    StoryHandles,
    link_programs_to_requests,
    write_people_and_strategy,
    write_requests,
)
from lodestar.services.demo.story_nudges import write_nudge_story
from lodestar.services.demo.story_portfolio import write_portfolio_story
from lodestar.services.demo.story_programs import write_program_story
from lodestar.services.demo.story_quizzes import write_quiz_story
from lodestar.services.demo.story_skills_people import write_skills_story
from lodestar.services.demo.story_xapi import write_xapi_story
from lodestar.services.demo.targets import add_target_behaviours

Progress = Callable[[str, float], None]

# Share of the work done when each step starts (measured on 100,000 employees, SQLite).
_STEP_START = {
    "build": 0.0,
    "org": 0.08,
    "story": 0.14,
    "facts": 0.16,
    "requests": 0.95,
    "truth": 0.99,
}


@dataclass(frozen=True)
class DemoSummary:
    """What the seed wrote: rows loaded, and what the database holds after it.

    ``positions`` is the size asked for (``employees=``); ``employees`` counts the people
    written, leavers and their replacements included, so it is larger.
    """

    employees: int
    kpi_observations: int
    requests: int
    users: int
    positions: int = 0

    def __str__(self) -> str:
        return (
            f"{self.employees:,} people in {self.positions:,} positions, "
            f"{self.kpi_observations:,} KPI observations, {self.requests} requests, "
            f"{self.users} demo accounts"
        )


@dataclass(frozen=True)
class _IdOffsets:
    """Database id = generator row position + offset, per table."""

    department: int
    job_role: int
    team: int
    employee: int


def seed_demo(
    session: Session, *, employees: int = 2000, seed: int = 42, progress: Progress | None = None
) -> DemoSummary:
    """Write Brightwater Supply Co. with ``employees`` positions into the session's database.

    Leavers are replaced, so more people than positions are written (about 1.27 times as
    many over the two years).

    Raises ``InvalidInput`` for fewer than 50 employees. ``progress(step, fraction_done)`` is
    called as each step starts and while the KPI history loads.
    """
    report = progress or _silent
    report("Building the organisation", _STEP_START["build"])
    org = build_organisation(employees, seed)
    report("Loading departments, teams and employees", _STEP_START["org"])
    offsets = _load_structure(session, org)
    report("Writing personas, priorities and KPIs", _STEP_START["story"])
    seeded = _seeded_org(org, offsets)
    handles = write_people_and_strategy(session, seeded)
    session.flush()
    report("Loading KPI observations", _STEP_START["facts"])
    n_obs = _load_facts(session, org, offsets, handles, report)
    report("Writing training requests", _STEP_START["requests"])
    write_requests(session, seeded, handles)
    link_programs_to_requests(session)
    session.flush()
    write_program_story(session, org.truth, handles.users["ld"].id)
    write_nudge_story(session, seed, handles.users["ld"].id)
    write_portfolio_story(session, handles.users, date.today())
    write_xapi_story(session)
    write_skills_story(session, seed)
    write_quiz_story(session, date.today())  # after the catalogue: attempts record quiz levels
    report("Storing the truth behind the planted effects", _STEP_START["truth"])
    _store_truth(session, org, employees, seed, offsets, n_obs)
    session.flush()
    summary = DemoSummary(
        employees=len(org.employees),
        kpi_observations=n_obs,
        requests=_count(session, TrainingRequest),
        users=_count(session, User),
        positions=employees,
    )
    report("Done", 1.0)
    return summary


def _silent(step: str, done: float) -> None:
    """The default progress callback: says nothing."""


def _count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- step 2: the organisation ----------------------------------------------------------


def _seeded_org(org: DemoOrganisation, offsets: _IdOffsets) -> SeededOrg:
    """The ids the story needs: departments, teams, heads, team managers, and one
    long-serving member per job title (employed before the history and to its end; the
    lowest team, then the first row, breaks ties) for the employee personas."""
    codes = org.departments["code"].tolist()
    emp, teams = org.employees, org.teams
    team_dept = [codes[d] for d in teams["department_idx"]]
    heads = np.flatnonzero(emp["manager_idx"].isna().to_numpy())
    head_ids = {team_dept[emp["team_idx"].iloc[h]]: offsets.employee + int(h) for h in heads}
    managers = teams["manager_employee_idx"].to_numpy()
    members = pd.DataFrame(
        {
            "title": org.job_roles["title"].to_numpy()[emp["job_role_idx"].to_numpy()],
            "left": emp["exit_date"].notna().to_numpy(),
            "new": (emp["hire_date"] >= pd.Timestamp(org.first_week)).to_numpy(),
            "team": emp["team_idx"].to_numpy(),
            "row": np.arange(len(emp)),
        }
    )
    members = members[~np.isin(members["row"], managers)]
    first = members.sort_values(["title", "left", "new", "team", "row"]).groupby("title").head(1)
    return SeededOrg(
        department_ids={code: offsets.department + i for i, code in enumerate(codes)},
        team_ids=(offsets.team + np.arange(len(teams))).tolist(),
        head_employee_ids=head_ids,
        team_manager_ids=(offsets.employee + managers).tolist(),
        team_departments=team_dept,
        member_ids_by_title={
            t: offsets.employee + int(r) for t, r in zip(first["title"], first["row"], strict=True)
        },
    )


def _load_structure(session: Session, org: DemoOrganisation) -> _IdOffsets:
    """Departments, job roles, teams and employees with explicit ids; then team managers."""
    session.flush()
    offsets = _IdOffsets(
        department=first_free_id(session, Department),
        job_role=first_free_id(session, JobRole),
        team=first_free_id(session, Team),
        employee=first_free_id(session, Employee),
    )
    departments = org.departments.assign(id=offsets.department + np.arange(len(org.departments)))
    roles = pd.DataFrame(
        {
            "id": offsets.job_role + np.arange(len(org.job_roles)),
            "title": org.job_roles["title"],
            "department_id": org.job_roles["department_idx"] + offsets.department,
        }
    )
    teams = pd.DataFrame(
        {
            "id": offsets.team + np.arange(len(org.teams)),
            "name": org.teams["name"],
            "department_id": org.teams["department_idx"] + offsets.department,
        }
    )
    insert_frame(session, Department, departments)
    insert_frame(session, JobRole, roles)
    insert_frame(session, Team, teams)
    people = _employee_rows(org.employees, offsets)
    with indexes_rebuilt_after(session, Employee, len(people)):
        insert_frame(session, Employee, people)
    session.execute(
        update(Team),
        [
            {"id": offsets.team + t, "manager_employee_id": offsets.employee + int(m)}
            for t, m in enumerate(org.teams["manager_employee_idx"])
        ],
    )
    for model in (Department, JobRole, Team, Employee):
        sync_id_sequence(session, model)
    return offsets


def _employee_rows(employees: pd.DataFrame, offsets: _IdOffsets) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": offsets.employee + np.arange(len(employees)),
            "external_id": employees["external_id"],
            "name": employees["name"],
            "email": employees["email"],
            "team_id": employees["team_idx"] + offsets.team,
            "job_role_id": employees["job_role_idx"] + offsets.job_role,
            "manager_id": employees["manager_idx"] + offsets.employee,
            "hire_date": employees["hire_date"],
            "exit_date": employees["exit_date"],
            "exit_reason": employees["exit_reason"],
            "performance_rating": employees["performance_rating"],
        }
    )


# --- step 4: KPI history, programs and enrolments -------------------------------------


def _load_facts(
    session: Session,
    org: DemoOrganisation,
    offsets: _IdOffsets,
    handles: StoryHandles,
    report: Progress,
) -> int:
    kpi_ids = _kpi_ids(org, handles)
    obs = org.kpi_observations
    frame = pd.DataFrame(
        {
            "kpi_id": np.asarray(kpi_ids, dtype=np.int64)[obs["kpi_code"].cat.codes.to_numpy()],
            "employee_id": obs["employee_idx"].astype("Int64") + offsets.employee,
            "team_id": obs["team_idx"].astype("Int64") + offsets.team,
            "period": obs["period"],
            "value": obs["value"],
            "weight": obs["weight"],
        }
    )
    total = len(frame)
    span = _STEP_START["requests"] - _STEP_START["facts"]

    def on_rows(done: int) -> None:
        fraction = _STEP_START["facts"] + span * 0.97 * done / total
        report(f"Loading KPI observations ({done:,} of {total:,})", fraction)

    written = write_observations(session, frame, on_rows=on_rows).added
    report("Loading programs and enrolments", _STEP_START["facts"] + span * 0.99)
    _load_programs(session, org, offsets, handles)
    return written


def _kpi_ids(org: DemoOrganisation, handles: StoryHandles) -> list[int]:
    """KPI ids in the order of the generator's kpi_code categories."""
    codes = list(org.kpi_observations["kpi_code"].cat.categories)
    missing = [c for c in codes if c not in handles.kpi_ids]
    if missing:
        raise RuntimeError(
            f"The demo story created no KPI for {', '.join(missing)}, so their observations "
            "cannot be loaded. Add those codes to the story's KPIs."
        )
    return [handles.kpi_ids[c] for c in codes]


def _load_programs(
    session: Session, org: DemoOrganisation, offsets: _IdOffsets, handles: StoryHandles
) -> None:
    """The planted programs (ORM, a handful) and their enrolments (bulk)."""
    priority_of = {
        kpi_id: prio for kpi_id, prio in session.execute(select(Kpi.id, Kpi.priority_id))
    }
    program_ids: dict[str, int] = {}
    for row in org.programs.to_dict("records"):
        kpi_id = handles.kpi_ids[row["kpi_code"]]
        program = Program(
            **{k: _plain(v) for k, v in row.items() if k != "kpi_code"},
            kpi_id=kpi_id,
            priority_id=priority_of.get(kpi_id),
        )
        session.add(program)
        session.flush()
        program_ids[row["code"]] = program.id
    add_target_behaviours(session, program_ids)
    # Programs the generator drew by lottery store it as `lodestar pilot randomise` would, so
    # the engine reads their assignment from the record, never from the roll-out text, and the
    # pilot page can say who was drawn, with which seed, from when.
    enrolments = org.enrolments
    for code, program_id in program_ids.items():
        unit = org.truth["programs"].get(code, {}).get("lottery")
        if unit:
            record = _lottery_record(org, offsets, code, unit)
            session.merge(WorkspaceMeta(key=f"pilot_assignment:{program_id}", value=record))
    rows = pd.DataFrame(
        {
            "program_id": enrolments["program_code"].map(program_ids).astype(np.int64),
            "employee_id": enrolments["employee_idx"] + offsets.employee,
            "group": enrolments["group"],
            "cohort": enrolments["cohort"],
            "start_date": enrolments["start_date"],
            "completed_on": enrolments["completed_on"],
        }
    )
    insert_frame(session, ProgramEnrolment, rows)
    load_activity(
        session,
        rows.assign(program_code=enrolments["program_code"]),
        last_day=org.last_week,
        seed=org.truth["seed"],
    )


def _lottery_record(
    org: DemoOrganisation, offsets: _IdOffsets, code: str, assign_by: str
) -> dict[str, object]:
    """A generator-drawn lottery in the shape ``services.pilots.randomise_pilot`` stores: the
    seed (the demo's, which seeds the generator's draws), how people were drawn, the teams,
    the first start date and the group sizes."""
    mine = org.enrolments[org.enrolments["program_code"] == code]
    participants = int((mine["group"] == "participant").sum())
    comparison = int((mine["group"] == "comparison").sum())
    team_idx = org.employees["team_idx"].to_numpy()[mine["employee_idx"].to_numpy()]
    starts = pd.to_datetime(mine["start_date"]).dropna()
    drawn = participants + comparison
    teams = sorted({int(t) + offsets.team for t in team_idx})
    record: dict[str, object] = {
        "seed": int(org.truth["seed"]),
        "share": round(participants / drawn, 2) if drawn else 0.0,
        "assign_by": assign_by,
        "teams": teams,
        "start_date": starts.min().date().isoformat() if len(starts) else None,
        "participants": participants,
        "comparison": comparison,
        "drawn_by": "the demo generator",
    }
    if not comparison:
        # Whole teams drawn with only the drawn teams enrolled (stay conversations): the
        # comparison is the eligible teams not drawn, whose people are not enrolled.
        selection = org.truth["programs"][code].get("selection", {})
        eligible = int(selection.get("eligible_teams", 0))
        record |= {
            "share": round(len(teams) / eligible, 2) if eligible else None,
            "comparison": None,
            "comparison_teams": max(eligible - len(teams), 0) or None,
        }
    return record


def _plain(value: Any) -> Any:
    """A frame cell as a plain Python value for the ORM (NaN and NaT become None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


# --- step 6: the truth ------------------------------------------------------------------


def _store_truth(
    session: Session,
    org: DemoOrganisation,
    employees: int,
    seed: int,
    offsets: _IdOffsets,
    n_obs: int,
) -> None:
    info = {
        "company": COMPANY,
        "employees": employees,
        "employees_written": len(org.employees),
        "kpi_observations": n_obs,
        "seed": seed,
        "first_week": org.first_week.isoformat(),
        "last_week": org.last_week.isoformat(),
        "weeks": int(org.truth["weeks"]),
        "generator_version": GENERATOR_VERSION,
        "employee_id_offset": offsets.employee,
        "team_id_offset": offsets.team,
    }
    session.merge(WorkspaceMeta(key="demo_info", value=info))
    session.merge(WorkspaceMeta(key="demo_truth", value=org.truth))
    mark_demo_workspace(session)  # one-click persona sign-in only while it holds just these
