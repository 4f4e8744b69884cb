"""Seeding the demo organisation into a real database (SQLite and PostgreSQL).

Most tests read the session-wide seeded fixture database (150 employees, seed 7) and check
it against the pure generator; the last ones seed fresh databases to check the summary,
the progress reports, and that a failed seed leaves nothing behind.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from lodestar.analytics.demo import COMPANY, DemoOrganisation, build_organisation
from lodestar.db import bulk, kpi_store
from lodestar.db.migrate import upgrade
from lodestar.db.models import (
    Department,
    Employee,
    JobRole,
    Kpi,
    KpiColumn,
    Program,
    ProgramEnrolment,
    Team,
    TrainingRequest,
    User,
    WorkspaceMeta,
)
from lodestar.db.session import make_engine
from lodestar.errors import InvalidInput
from lodestar.services.demo import seed_demo
from lodestar.services.demo.story_request_designs import STORY_PROGRAMS_TRUTH

FIXTURE_EMPLOYEES, FIXTURE_SEED = 150, 7  # as in tests/conftest.py


@pytest.fixture(scope="module")
def generated() -> DemoOrganisation:
    return build_organisation(FIXTURE_EMPLOYEES, FIXTURE_SEED)


def _count(db: Session, model: type[Any]) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


# --- the seeded fixture database --------------------------------------------------------


def test_rows_match_the_generator(db: Session, generated: DemoOrganisation) -> None:
    assert _count(db, Department) == len(generated.departments)
    assert _count(db, JobRole) == len(generated.job_roles)
    assert _count(db, Team) == len(generated.teams)
    assert _count(db, Employee) == len(generated.employees)
    assert kpi_store.observation_count(db) == len(generated.kpi_observations)
    # The planted programs, and the ones the story's requests became (made by the services).
    assert _count(db, Program) == len(generated.programs) + len(STORY_PROGRAMS_TRUTH)
    assert _count(db, ProgramEnrolment) == len(generated.enrolments)


def test_observations_round_trip(db: Session, generated: DemoOrganisation) -> None:
    codes = dict(db.execute(select(Kpi.id, Kpi.code)).all())
    rows = kpi_store.observations(db)
    rows["code"] = rows["kpi_id"].map(codes)
    stored = rows.groupby("code").agg(
        n=("value", "size"),
        value=("value", "sum"),
        weight=("weight", "sum"),
        first=("period", "min"),
        last=("period", "max"),
    )
    expected = generated.kpi_observations.groupby("kpi_code", observed=True).agg(
        n=("value", "size"),
        value=("value", "sum"),
        weight=("weight", "sum"),
        first=("period", "min"),
        last=("period", "max"),
    )
    for code, row in expected.iterrows():
        got = stored.loc[str(code)]
        assert got["n"] == row["n"] and got["weight"] == row["weight"], code
        assert got["value"] == pytest.approx(row["value"], rel=1e-9), code
        assert pd.Timestamp(got["first"]) == row["first"], code
        assert pd.Timestamp(got["last"]) == row["last"], code


def test_every_team_is_managed_by_one_of_its_members(db: Session) -> None:
    rows = db.execute(
        select(Team.id, Team.manager_employee_id, Employee.team_id).outerjoin(
            Employee, Employee.id == Team.manager_employee_id
        )
    ).all()
    assert rows and all(m is not None and t == team for team, m, t in rows)
    reports = db.execute(
        select(func.count())
        .select_from(Employee)
        .join(Team, Team.id == Employee.team_id)
        .where(Employee.id != Team.manager_employee_id)
        .where(Employee.manager_id != Team.manager_employee_id)
    ).scalar_one()
    assert reports == 0


def test_no_observation_outside_employment(db: Session) -> None:
    rows = kpi_store.observations(db).dropna(subset=["employee_id"])
    people = pd.DataFrame(
        db.execute(select(Employee.id, Employee.hire_date, Employee.exit_date)).all(),
        columns=["employee_id", "hire_date", "exit_date"],
    )
    both = rows.astype({"employee_id": "int64"}).merge(people, on="employee_id")
    assert len(both) == len(rows) > 0
    late = both["exit_date"].notna() & (
        pd.to_datetime(both["period"]) > pd.to_datetime(both["exit_date"])
    )
    outside = int(((both["period"] < both["hire_date"]) | late).sum())
    assert outside == 0
    exits = db.execute(
        select(func.count()).where(
            Employee.exit_date.is_not(None),
            (Employee.exit_date < Employee.hire_date) | Employee.exit_reason.is_(None),
        )
    ).scalar_one()
    assert exits == 0


def test_truth_and_info_are_stored(db: Session, generated: DemoOrganisation) -> None:
    truth = db.get(WorkspaceMeta, "demo_truth")
    info = db.get(WorkspaceMeta, "demo_info")
    assert truth is not None and info is not None
    assert truth.value == json.loads(json.dumps(generated.truth))
    assert info.value["company"] == COMPANY
    assert (info.value["employees"], info.value["seed"]) == (FIXTURE_EMPLOYEES, FIXTURE_SEED)
    assert info.value["first_week"] == "2024-11-25"
    assert info.value["employees_written"] == len(generated.employees)


def test_programs_name_their_kpi_and_its_priority(db: Session, generated: DemoOrganisation) -> None:
    programs = db.execute(
        select(Program.code, Kpi.code, Program.priority_id, Kpi.priority_id).join(
            Kpi, Kpi.id == Program.kpi_id
        )
    ).all()
    truth = generated.truth["programs"]
    assert {p for p, *_ in programs} == set(truth) | set(STORY_PROGRAMS_TRUTH)
    for code, kpi_code, priority, kpi_priority in programs:
        # A program made from a request takes the request's metric, checked in the story tests.
        assert code in STORY_PROGRAMS_TRUTH or kpi_code == truth[code]["kpi_code"]
        assert priority is not None and priority == kpi_priority
    groups = dict(
        db.execute(
            select(ProgramEnrolment.group, func.count()).group_by(ProgramEnrolment.group)
        ).all()
    )
    assert groups == generated.enrolments["group"].value_counts().to_dict()


def test_ids_continue_after_the_seed(db: Session) -> None:
    """Org rows got explicit ids; new rows must not collide with them (PostgreSQL sequences)."""
    dept = Department(code="logistics", name="Logistics")
    db.add(dept)
    db.flush()
    team = Team(name="Logistics · Porto 1", department_id=dept.id)
    db.add(team)
    db.flush()
    person = Employee(
        external_id="NEW-1", name="Ada Mensah", team_id=team.id, hire_date=pd.Timestamp.now()
    )
    db.add(person)
    db.flush()
    assert person.id > db.scalar(select(func.max(Employee.id)).where(Employee.id != person.id))


def test_too_small_a_company_is_refused(db: Session) -> None:
    with pytest.raises(InvalidInput, match="at least 50 employees"):
        seed_demo(db, employees=10)


# --- fresh databases --------------------------------------------------------------------


@pytest.fixture
def fresh_engine(seeded_engine: Engine, tmp_path: Any) -> Iterator[Engine]:
    """An empty, migrated database on the same backend as ``seeded_engine``."""
    url = seeded_engine.url
    if url.get_backend_name() == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"lodestar_seed_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _schema(engine: Engine) -> dict[str, Any]:
    """Indexes and foreign keys of the tables the bulk loader may rebuild."""
    insp = inspect(engine)
    schema = {}
    for table in ("employees", "kpi_columns"):
        indexes = sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table))
        keys = insp.get_foreign_keys(table)
        schema[table] = (
            indexes,
            sorted((k["name"], tuple(k["constrained_columns"])) for k in keys),
        )
    return schema


def test_fresh_seed_reports_real_counts_and_progress(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM_ROWS", 1)  # take the large-load path
    before = _schema(fresh_engine)
    steps: list[tuple[str, float]] = []
    with Session(fresh_engine) as session, session.begin():
        summary = seed_demo(
            session, employees=60, seed=11, progress=lambda s, f: steps.append((s, f))
        )
    with Session(fresh_engine) as db:
        assert summary.employees == _count(db, Employee) > 60
        assert summary.kpi_observations == kpi_store.observation_count(db) > 0
        assert summary.requests == _count(db, TrainingRequest) > 0
        assert summary.users == _count(db, User) > 0
    assert _schema(fresh_engine) == before, "indexes and keys are rebuilt as they were"
    fractions = [f for _, f in steps]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    described = " | ".join(s for s, _ in steps)
    for step in ("Building", "employees", "KPIs", "KPI observations", "requests", "truth"):
        assert step in described


def test_failed_seed_leaves_nothing_behind(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM_ROWS", 1)
    before = _schema(fresh_engine)

    def fail_midway(step: str, done: float) -> None:
        if step.startswith("Loading KPI observations ("):  # indexes are dropped now
            raise RuntimeError("interrupted")

    with (
        pytest.raises(RuntimeError, match="interrupted"),
        Session(fresh_engine) as session,
        session.begin(),
    ):
        seed_demo(session, employees=60, seed=11, progress=fail_midway)
    with Session(fresh_engine) as db:
        for model in (Department, Employee, KpiColumn, User, WorkspaceMeta):
            assert _count(db, model) == 0, model.__name__
    assert _schema(fresh_engine) == before
