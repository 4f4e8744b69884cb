"""Pilot planning from the KPI's history, and the stored seeded lottery (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import select

from lodestar.db.models import Department, Kpi, Program, ProgramEnrolment, Team, WorkspaceMeta
from lodestar.errors import Conflict, InvalidInput, PermissionDenied
from lodestar.services.pilots import plan_pilot, randomise_pilot

START = date(2026, 11, 2)


@pytest.fixture
def program_and_teams(db):
    kpi = db.scalar(select(Kpi).where(Kpi.code == "repeat_contact_rate"))
    prog = Program(code="walkthrough_pilot", name="Call wrap-up checklist", kpi_id=kpi.id,
                   rollout="randomised pilot", status="in_design")  # fmt: skip
    db.add(prog)
    db.flush()
    service = db.scalar(select(Department).where(Department.code == "service"))
    teams = [t.id for t in db.scalars(select(Team).where(Team.department_id == service.id))]
    return prog, teams


def test_plan_gives_a_minimum_detectable_effect_in_the_kpis_unit(db, actors, program_and_teams):
    prog, teams = program_and_teams
    person = plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START)
    team = plan_pilot(db, actors["ld"], prog.id, team_ids=teams, on=START, assign_by="team")
    assert person.mde > 0 and person.unit == "%"
    assert 0 <= person.r_squared < 1 and person.sigma > 0
    # Assigning whole teams never makes the detectable effect smaller (design effect >= 1).
    assert team.mde >= person.mde
    assert "can reliably detect a change of" in person.explanation
    with pytest.raises(PermissionDenied):
        plan_pilot(db, actors["manager"], prog.id, team_ids=teams)
    with pytest.raises(InvalidInput, match="at least one team"):
        plan_pilot(db, actors["ld"], prog.id, team_ids=[])


def test_lottery_is_stored_balanced_within_teams_and_refused_twice(db, actors, program_and_teams):
    prog, teams = program_and_teams
    record = randomise_pilot(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=5)
    rows = db.execute(
        select(ProgramEnrolment.employee_id, ProgramEnrolment.group).where(
            ProgramEnrolment.program_id == prog.id
        )
    ).all()
    assert len(rows) == record["participants"] + record["comparison"]
    assert abs(record["participants"] - record["comparison"]) <= len(teams)
    stored = db.get(WorkspaceMeta, f"pilot_assignment:{prog.id}").value
    assert stored["seed"] == 5 and stored["teams"] == sorted(teams)
    db.refresh(prog)
    assert prog.evaluation_design == "randomised"  # the analysis may now rely on the lottery
    with pytest.raises(Conflict, match="already has"):
        randomise_pilot(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=5)


def test_same_seed_same_groups(db, actors, program_and_teams):
    prog, teams = program_and_teams
    twin = Program(code="twin_pilot", name="Twin", kpi_id=prog.kpi_id, rollout="randomised pilot")
    db.add(twin)
    db.flush()
    groups = []
    for p in (prog, twin):
        randomise_pilot(db, actors["ld"], p.id, team_ids=teams, start_date=START, seed=11)
        groups.append(
            dict(
                db.execute(
                    select(ProgramEnrolment.employee_id, ProgramEnrolment.group).where(
                        ProgramEnrolment.program_id == p.id
                    )
                ).all()
            )
        )
    assert groups[0] == groups[1]
