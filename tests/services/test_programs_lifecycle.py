"""Programs from an accepted request to a decision (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lodestar.db.models import (
    Department,
    Employee,
    ImpactResult,
    Kpi,
    Program,
    ProgramEnrolment,
    RequestTransition,
    Team,
    TrainingRequest,
    User,
)
from lodestar.domain.premortem import check_risk
from lodestar.errors import Conflict, IllegalTransition, InvalidInput, PermissionDenied
from lodestar.services.programs import (
    CanvasInput,
    CostInput,
    ProgramInput,
    WaveInput,
    add_risk,
    create_program,
    decide,
    draw_lottery,
    edit_program,
    grade_program,
    launch_pilot,
    move_program,
    observable_participants,
    plan_and_store,
    program_canvas,
    program_risks,
    record_observation,
    registrations,
    revise_registration,
    save_canvas,
    save_costs,
    stored_plan,
    transitions,
)
from lodestar.services.programs.costs import fully_loaded

START = date(2026, 11, 2)
BEHAVIOURS = (
    "Answers a price objection with the customer's own cost figures",
    "Books the next meeting before leaving the first one",
)


def _accepted_request(db) -> TrainingRequest:
    return db.scalar(
        select(TrainingRequest).where(TrainingRequest.title.like("Objection handling%"))
    )


@pytest.fixture
def program(db, actors):
    req = _accepted_request(db)
    assert req.state == "accepted"
    return create_program(db, actors["ld"], ProgramInput(), request_id=req.id)


def test_a_program_from_an_accepted_request_moves_the_request_to_design(db, actors, program):
    req = _accepted_request(db)
    assert program.request_id == req.id and program.status == "in_design"
    assert program.name == req.title and program.kpi_id == req.kpi_id
    assert req.state == "in_design"
    last = db.scalars(
        select(RequestTransition)
        .where(RequestTransition.request_id == req.id)
        .order_by(RequestTransition.id.desc())
    ).first()
    assert f"program #{program.id}" in last.reason
    with pytest.raises(Conflict, match="already became program"):
        create_program(db, actors["ld"], ProgramInput(), request_id=req.id)
    canvas = program_canvas(db, actors["ld"], program.id)
    assert "17% to the team average of 24%" in canvas.canvas.problem  # prefilled


def test_only_accepted_requests_become_programs_and_only_ld_creates(db, actors):
    other = db.scalar(select(TrainingRequest).where(TrainingRequest.state == "submitted"))
    with pytest.raises(Conflict, match="only a request accepted"):
        create_program(db, actors["ld"], ProgramInput(), request_id=other.id)
    with pytest.raises(PermissionDenied):
        create_program(db, actors["manager"], ProgramInput(name="Mine"))


def test_direct_creation_validates_every_field_at_once(db, actors):
    with pytest.raises(InvalidInput) as err:
        create_program(
            db,
            actors["ld"],
            ProgramInput(
                name="",
                kpi_id=999_999,
                baseline=float("inf"),
                start_date=date(2026, 5, 1),
                horizon_date=date(2026, 4, 1),
            ),
        )
    fields = err.value.details["fields"]
    assert set(fields) == {"name", "kpi_id", "baseline", "horizon_date"}


def test_edit_is_a_patch_and_unknown_fields_are_named(db, actors, program):
    edit_program(db, actors["ld"], program.id, {"target": 24.0, "baseline": 17.0})
    assert (program.baseline, program.target) == (17.0, 24.0)
    with pytest.raises(InvalidInput, match="colour cannot be changed"):
        edit_program(db, actors["ld"], program.id, {"colour": "red"})


def test_canvas_refuses_unobservable_behaviours_and_generates_the_statement(db, actors, program):
    with pytest.raises(InvalidInput, match="Understands objections"):
        save_canvas(
            db, actors["ld"], program.id, CanvasInput(behaviours=("Understands objections",))
        )
    edit_program(
        db,
        actors["ld"],
        program.id,
        {"baseline": 17.0, "target": 24.0, "start_date": START,
         "horizon_date": START + timedelta(days=90)},
    )  # fmt: skip
    view = save_canvas(
        db,
        actors["ld"],
        program.id,
        CanvasInput(
            problem="New hires convert 17% of first meetings.",
            behaviours=BEHAVIOURS,
            place="First meetings with prospects",
            prompt="The CRM opens the objection card when a meeting is logged",
            proof="Meeting-to-proposal conversion, weekly; managers' ride-alongs",
            audience="new account executives",
            formats=("micro_learning", "job_aid"),
        ),
    )
    assert view.missing == ()
    assert view.statement.startswith("This program is expected to raise")
    assert "within 90 days" in view.statement
    assert "through 2 behavioural levers: getting new account executives to answer" in (
        view.statement
    )
    assert view.format_labels == ("Micro-learning series", "Job aid")
    edited = save_canvas(
        db, actors["ld"], program.id,
        CanvasInput(behaviours=BEHAVIOURS, statement="Our own words for the sponsor."),
    )  # fmt: skip
    assert edited.statement == "Our own words for the sponsor." and edited.statement_edited


def test_activity_only_description_is_flagged_on_the_canvas(db, actors, program):
    edit_program(
        db, actors["ld"], program.id,
        {"description": "Two half-day sessions covering objection handling topics in 4 modules."},
    )  # fmt: skip
    view = program_canvas(db, actors["ld"], program.id)
    assert view.activity_talk.flagged
    assert view.statement.startswith("This program is expected to")


def test_fully_loaded_costs_include_participants_time(db, actors, program):
    with pytest.raises(InvalidInput, match="Delivery"):
        save_costs(db, actors["ld"], program.id, CostInput(delivery=-500))
    costs = save_costs(
        db, actors["ld"], program.id,
        CostInput("eur", 1000, 4000, 6000, 500, 6, 50, 800, 700),
    )  # fmt: skip
    assert costs.currency == "EUR"
    assert fully_loaded(costs, 12).total == pytest.approx(1000 + 4000 + 6000 + 500 + 6 * 50 * 12
                                                          + 800 + 700)  # fmt: skip


def test_risks_are_listed_open_first_by_severity(db, actors, program):
    add_risk(db, actors["ld"], program.id, check_risk("Managers skip ride-alongs", "low", "low",
                                                      "", "Ana", "retired"))  # fmt: skip
    add_risk(db, actors["ld"], program.id, check_risk("Quarter-end eats the practice time",
                                                      "high", "high", "Avoid weeks 12-13",
                                                      "Tomás"))  # fmt: skip
    add_risk(db, actors["ld"], program.id, check_risk("The CRM card is ignored", "medium", "low",
                                                      "", "Priya"))  # fmt: skip
    listed = [r.description for r in program_risks(db, actors["manager"], program.id)]
    assert listed[0].startswith("Quarter-end") and listed[-1].startswith("Managers skip")


def _service_program(db, actors) -> tuple[Program, list[int]]:
    kpi = db.scalar(select(Kpi).where(Kpi.code == "repeat_contact_rate"))
    prog = create_program(db, actors["ld"], ProgramInput(name="Wrap-up checklist", kpi_id=kpi.id))
    service = db.scalar(select(Department).where(Department.code == "service"))
    teams = [t.id for t in db.scalars(select(Team).where(Team.department_id == service.id))]
    return prog, teams


def test_plan_is_stored_and_says_how_many_people_the_hoped_effect_needs(db, actors):
    prog, teams = _service_program(db, actors)
    stored = plan_and_store(db, actors["ld"], prog.id, team_ids=teams, on=START, hoped_effect=-0.01)
    assert stored.plan["mde"] > 0 and stored.team_ids == tuple(sorted(teams))
    assert stored.people_needed and stored.people_needed > 0
    assert "need about" in stored.needed_words
    assert stored_plan(db, actors["manager"], prog.id).plan["mde"] == stored.plan["mde"]


def test_launch_locks_the_expectation_setup_and_lottery(db, actors):
    prog, teams = _service_program(db, actors)
    draw_lottery(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=3)
    reg = launch_pilot(
        db, actors["ld"], prog.id, expected_effect=-2.5, horizon_date=START + timedelta(days=90)
    )
    assert reg.version == 1 and prog.status == "pilot"
    assert reg.evaluation_design == "randomised"
    with pytest.raises(Conflict, match="locked at launch"):
        edit_program(db, actors["ld"], prog.id, {"horizon_date": START + timedelta(days=200)})
    with pytest.raises(Conflict, match="locked"):
        draw_lottery(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=4)
    from lodestar.services.program_setup import set_program_setup

    with pytest.raises(Conflict, match="locked at launch"):
        set_program_setup(
            db, actors["ld"], prog.id, evaluation_design="staggered",
            target_behaviours=["Confirms the fix before closing the call"],
        )  # fmt: skip
    edit_program(db, actors["ld"], prog.id, {"name": "Wrap-up checklist pilot"})  # not locked
    with pytest.raises(InvalidInput, match="moving the goalposts"):
        revise_registration(db, actors["ld"], prog.id, reason="", expected_effect=-1.0)
    revised = revise_registration(
        db, actors["ld"], prog.id, reason="Sponsor agreed a smaller target after Q1 staffing cut",
        expected_effect=-1.5,
    )  # fmt: skip
    assert revised.version == 2
    assert [r.version for r in registrations(db, prog.id)] == [2, 1]
    assert registrations(db, prog.id)[1].expected_effect == -2.5  # the original stays


def test_grading_uses_the_stored_result_and_the_registration(db, actors):
    prog, teams = _service_program(db, actors)
    draw_lottery(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=3)
    launch_pilot(db, actors["ld"], prog.id, expected_effect=-2.5, horizon_date=date(2027, 1, 1))
    assert grade_program(db, actors["ld"], prog.id) is None  # nothing stored yet
    db.add(
        ImpactResult(
            program_id=prog.id, kpi_id=prog.kpi_id, design="randomised", method="ancova",
            estimand="ATE", causal=True, estimate=-1.84, se=0.12, ci_low=-2.08, ci_high=-1.60,
            n_treated=50, n_comparison=50, evidence="strong", summary="", result={},
            settings={}, snapshot={},
        )
    )  # fmt: skip
    db.flush()
    graded = grade_program(db, actors["ld"], prog.id, today=date(2027, 2, 1))
    assert graded.grade == "smaller_but_real"
    early = grade_program(db, actors["ld"], prog.id, today=date(2026, 12, 1))
    assert early.grade == "too_early"


def test_scale_records_the_result_and_adds_a_wave_the_request_follows(db, actors):
    prog, teams = _service_program(db, actors)
    draw_lottery(db, actors["ld"], prog.id, team_ids=teams[:1], start_date=START, seed=3)
    launch_pilot(db, actors["ld"], prog.id, expected_effect=-2.5, horizon_date=date(2027, 1, 1))
    with pytest.raises(Conflict, match="rest on nothing"):
        decide(db, actors["ld"], prog.id, "scale", "Looks good",
               wave=WaveInput(START + timedelta(days=120), tuple(teams)))  # fmt: skip
    result = ImpactResult(
        program_id=prog.id, kpi_id=prog.kpi_id, design="randomised", method="ancova",
        estimand="ATE", causal=True, estimate=-1.8, se=0.1, ci_low=-2.0, ci_high=-1.6,
        n_treated=5, n_comparison=5, evidence="strong", summary="", result={}, settings={},
        snapshot={},
    )  # fmt: skip
    db.add(result)
    db.flush()
    before = db.scalar(
        select(func.count()).where(
            ProgramEnrolment.program_id == prog.id, ProgramEnrolment.group == "participant"
        )
    )
    out = decide(db, actors["ld"], prog.id, "scale", "Real effect; roll out to all of service",
                 wave=WaveInput(START + timedelta(days=120), tuple(teams)))  # fmt: skip
    assert out.state == "scaled" and out.impact_result_id == result.id and out.wave_number == 1
    after = db.scalar(
        select(func.count()).where(
            ProgramEnrolment.program_id == prog.id, ProgramEnrolment.group == "participant"
        )
    )
    assert after == before + out.wave_participants > before
    steps = transitions(db, prog.id)
    assert [s.to_state for s in steps] == ["in_design", "pilot", "scaled"]
    assert steps[-1].decision == "scale" and steps[-1].impact_result_id == result.id
    with pytest.raises(IllegalTransition):
        move_program(db, actors["ld"], prog.id, "pilot", "again")
    adapt = decide(db, actors["ld"], prog.id, "adapt", "Second wave needs a new prompt")
    assert adapt.state == "in_design"


def test_request_follows_its_program_to_stopped(db, actors, program):
    req = _accepted_request(db)
    with pytest.raises(InvalidInput, match="Say why"):
        move_program(db, actors["ld"], program.id, "stopped", "")
    decide(db, actors["ld"], program.id, "stop", "Sponsor withdrew the budget")
    assert req.state == "stopped"


def test_managers_observe_only_their_reports_on_target_behaviours(db, actors):
    prog, teams = _service_program(db, actors)
    draw_lottery(db, actors["ld"], prog.id, team_ids=teams, start_date=START, seed=3)
    save_canvas(db, actors["ld"], prog.id, CanvasInput(behaviours=BEHAVIOURS[:1]))
    managers = db.scalars(
        select(User).where(User.role == "manager", User.employee_id.is_not(None))
    ).all()
    from lodestar.services.accounts import actor_of

    for user in managers:
        actor = actor_of(user)
        mine = observable_participants(db, actor, prog.id)
        if mine:
            break
    else:
        pytest.skip("no demo manager manages a service participant in this fixture")
    person = mine[0].employee_id
    row = record_observation(
        db, actor, prog.id, employee_id=person, behaviour=BEHAVIOURS[0],
        observed_on=START + timedelta(days=30), observed=True,
    )  # fmt: skip
    assert row.source == "manager" and row.observed is True
    everyone = {o.employee_id for o in observable_participants(db, actors["ld"], prog.id)}
    stranger = next(iter(everyone - {o.employee_id for o in mine}))
    with pytest.raises(InvalidInput, match="report to you"):
        record_observation(
            db, actor, prog.id, employee_id=stranger, behaviour=BEHAVIOURS[0],
            observed_on=START, observed=True,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="not one of this program's target behaviours"):
        record_observation(
            db, actor, prog.id, employee_id=person, behaviour="Smiles",
            observed_on=START, observed=True,
        )  # fmt: skip
    assert db.get(Employee, person) is not None


def test_the_demo_plants_the_design_story_and_grades_by_the_interval(db, actors):
    from lodestar.services.impact.program_impact import estimate_program_impact

    fcr = db.scalar(select(Program).where(Program.code == "fcr_pilot"))
    reg = registrations(db, fcr.id)
    assert [r.expected_effect for r in reg] == [-2.5]
    estimate_program_impact(db, actors["ld"], fcr.id)
    graded = grade_program(db, actors["ld"], fcr.id, today=date(2100, 1, 1))
    stored = db.scalars(select(ImpactResult).where(ImpactResult.program_id == fcr.id)).all()[-1]
    if stored.ci_low <= 0 <= stored.ci_high:  # the small fixture company: a wide interval
        assert graded.grade == "no_clear_effect", graded.sentence
    else:
        assert graded.grade in ("smaller_but_real", "met"), graded.sentence
    mindful = db.scalar(select(Program).where(Program.code == "mindful_webinars"))
    assert program_canvas(db, actors["ld"], mindful.id).activity_talk.flagged
    assert [s.decision for s in transitions(db, mindful.id)][-1] == "stop"
    risks = program_risks(db, actors["ld"], fcr.id)
    assert any(r.status == "happened" for r in risks)
