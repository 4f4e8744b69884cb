"""Pilot planning from the KPI's history, and the stored seeded lottery (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import func, select
from tests.conftest import FIXTURE_SEED

from lodestar.db.models import Department, Kpi, Program, ProgramEnrolment, Team, WorkspaceMeta
from lodestar.errors import Conflict, InvalidInput, PermissionDenied
from lodestar.services.pilots import plan_pilot, randomise_pilot
from lodestar.services.programs import stored_plan

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


LOTTERY_KEYS = ("seed", "assign_by", "participants", "comparison", "start_date")


def _groups(db, program_id):
    return dict(
        db.execute(
            select(ProgramEnrolment.group, func.count())
            .where(ProgramEnrolment.program_id == program_id)
            .group_by(ProgramEnrolment.group)
        ).all()
    )


@pytest.mark.parametrize("code", ["fcr_pilot", "stay_conversations", "onboarding_buddy"])
def test_the_demos_lotteries_are_stored_like_one_drawn_in_the_app(db, code):
    """The demo stored only how people were drawn, so the pilot page printed "seed , … in the
    pilot, … starting ." with every figure blank."""
    prog = db.scalar(select(Program).where(Program.code == code))
    record = db.get(WorkspaceMeta, f"pilot_assignment:{prog.id}").value
    assert all(record.get(k) is not None for k in LOTTERY_KEYS if k != "comparison"), record
    assert record["seed"] == FIXTURE_SEED
    groups = _groups(db, prog.id)
    assert record["participants"] == groups["participant"]
    if "comparison" in groups:
        assert record["comparison"] == groups["comparison"]
    else:  # whole teams drawn, the teams not drawn are compared without being enrolled
        assert record["assign_by"] == "team" and record["comparison"] is None
        assert record["comparison_teams"] >= 1
    first = db.scalar(
        select(func.min(ProgramEnrolment.start_date)).where(ProgramEnrolment.program_id == prog.id)
    )
    assert record["start_date"] == first.isoformat()
    team_ids = set(db.scalars(select(Team.id)))
    assert record["teams"] and set(record["teams"]) <= team_ids


def test_every_stored_lottery_reads_back_with_seed_sizes_and_start(db, actors, program_and_teams):
    prog, teams = program_and_teams
    drawn = randomise_pilot(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=9)
    lot = stored_plan(db, actors["ld"], prog.id).lottery
    assert {k: lot[k] for k in LOTTERY_KEYS} == {k: drawn[k] for k in LOTTERY_KEYS}
    assert lot["start_date"] == START.isoformat()
    # A record from a database seeded before the demo stored its lotteries in full: the sizes
    # and the start are read from the enrolments the lottery made.
    fcr = db.scalar(select(Program).where(Program.code == "fcr_pilot"))
    legacy = {"assign_by": "person", "drawn_by": "the demo generator"}
    db.merge(WorkspaceMeta(key=f"pilot_assignment:{fcr.id}", value=legacy))
    db.flush()
    old = stored_plan(db, actors["ld"], fcr.id).lottery
    groups = _groups(db, fcr.id)
    assert (old["participants"], old["comparison"]) == (groups["participant"], groups["comparison"])
    assert old["start_date"] == fcr.start_date.isoformat()
    assert old["assign_by"] == "person" and "seed" not in old
