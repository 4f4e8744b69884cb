"""Every route × every role: what each role may reach is decided by the services, and holds.

Each route is listed with the roles allowed to use it. For a role not allowed, the answer must
be 403 (or 404 where even the object's existence is hidden); for an allowed role, anything but
401/403/404/5xx (a 409 or 422 about the object's state still means "allowed"); anonymous
visitors are sent to sign in (303 to /login for pages, 401 for the API). A new route fails
this test until it is added to the table.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.web.role_walk_table import (
    PUBLIC,
    ROLES,
    ROUTES,
)

from lodestar.db.models import (
    Council,
    Employee,
    ImpactResult,
    KeyResult,
    Kpi,
    Objective,
    Program,
    Stakeholder,
    StrategicPriority,
    User,
)
from lodestar.db.session import make_engine
from lodestar.domain.intake import FIELD_NAMES
from lodestar.domain.roles import Actor
from lodestar.services import (
    accounts,
    diagnosis,
    intake,
    learning,
    nudges,
    programs,
    quizzes,
    strategy,
)
from lodestar.services.impact.program_impact import estimate_program_impact
from lodestar.services.imports import ImportReport, create_job, record_run
from lodestar.services.xapi import credentials as xapi_credentials

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}


def app_routes() -> set[tuple[str, str]]:
    from lodestar.web.routes import ROUTERS

    out = set()
    for route in (r for router in ROUTERS for r in router.routes):
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            if route.path.startswith(("/static", "/api/docs", "/api/openapi", "/docs")):
                continue
            out.add((method, route.path))
    return out


@pytest.fixture
def objects(web_database: str) -> dict[str, int]:
    """Fresh for each walk, so one role cannot change what the next role meets: two requests
    raised by the Sales manager (one submitted, one in diagnosis), and a priority, objective,
    key result and KPI made for the walk, so the demo's own objects are left alone."""
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        users = {u.role: u for u in reversed(s.scalars(select(User).order_by(User.id)).all())}
        ld = accounts.actor_of(users["ld"])
        manager = accounts.actor_of(users["manager"])
        req = intake.submit_request(s, manager, intake.RequestInput(title="Walk", **FULL))
        diagnosed = intake.submit_request(s, manager, intake.RequestInput(title="Diag", **FULL))
        diagnosis.save_diagnosis(s, ld, diagnosed.request_id, diagnosis.DiagnosisInput())
        prio = strategy.create_priority(
            s,
            ld,
            strategy.PriorityInput(
                title="Walk priority", owner_id=users["ld"].id, start_year=2026, end_year=2027
            ),
        )
        obj = strategy.add_objective(s, ld, prio.id, strategy.ObjectiveInput(title="Walk goal"))
        kr = strategy.add_key_result(s, ld, obj.id, strategy.KeyResultInput(description="Walk KR"))
        kpi = strategy.create_kpi(
            s, ld, strategy.KpiInput(code=f"walk_{uuid.uuid4().hex[:8]}", name="Walk KPI", unit="%")
        )
        run = record_run(s, ld, ImportReport("kpis", "walk.csv"))
        person = s.scalars(select(Employee).order_by(Employee.id.desc())).first()
        job = create_job(s, ld, "kpis", "walk.csv", data=b"")
        ids = {
            "run_id": run.id,
            "job_id": job.id,
            "request_id": req.request_id,
            "diagnosed_id": diagnosed.request_id,
            "priority_id": prio.id,
            "objective_id": obj.id,
            "key_result_id": kr.id,
            "kpi_id": kpi.id,
            "user_id": users["employee"].id,
            "owner_id": users["ld"].id,
            "program_id": s.scalar(select(Program.id).order_by(Program.id)),
            "employee_id": person.id,
            "person": person.external_id,  # type: ignore[dict-item]
            "employee": person.external_id,  # type: ignore[dict-item]
            "report": s.scalar(
                select(Employee.external_id)
                .where(Employee.manager_id == users["manager"].employee_id)
                .order_by(Employee.id)
            ),
        }
        # Portfolio: the walk's request is the manager's own, so a manager may open its item.
        ids["kind"] = "request"  # type: ignore[assignment]
        ids["item_id"] = req.request_id
        ids["key"] = "impact_brief"  # type: ignore[assignment]
        ids["stakeholder_id"] = s.scalar(select(Stakeholder.id).order_by(Stakeholder.id))
        ids["council_id"] = s.scalar(select(Council.id).order_by(Council.id))
        risk = programs.add_risk(
            s, ld, ids["program_id"],
            programs.check_risk("The walk finds a hole", "low", "low", "", ""),
        )  # fmt: skip
        ids["risk_id"] = risk.id
        walk_nudge = nudges.NudgeInput(name="Walk nudge", body="Hello {first_name}")
        ids["nudge_id"] = nudges.save_nudge(s, ld, ids["program_id"], walk_nudge).id
        employee = accounts.actor_of(users["employee"])
        answers = {
            q.code: [q.options[0].code] for q in quizzes.built_in_quiz("leadership-style").questions
        }
        ids["code"] = "leadership-style"  # type: ignore[assignment]
        ids["fmt"] = "csv"  # type: ignore[assignment]
        ids["attempt_id"] = quizzes.take_quiz(
            s, employee, "leadership-style", answers, iri_base="http://walk.example"
        ).id
        ids["step_id"] = learning.get_path(s, "resilience").steps[0].id
        # A stored result of the program (the walk's edits may unlink its KPI later on).
        stored = s.scalar(
            select(ImpactResult.id).where(ImpactResult.program_id == ids["program_id"])
        )
        if stored is None:
            stored = estimate_program_impact(s, ld, ids["program_id"]).result_id
        ids["result_id"] = stored  # type: ignore[assignment]
        # The xAPI endpoint (/xapi) is not walked here: it is a mounted ASGI app for learning
        # tools, not a browser route (HTTP Basic per source, no session or CSRF), so no role
        # reaches it; tests/web/test_xapi_statements.py tests its authentication. The admin
        # page that makes its credentials is walked: each walk gets a credential to revoke.
        ids["credential"] = xapi_credentials.create_credential(
            s, accounts.actor_of(users["admin"]), f"walk-{uuid.uuid4().hex[:8]}"
        ).info.name  # type: ignore[assignment]
        for role, user in users.items():
            mine = accounts.create_token(
                s, accounts.actor_of(user), user.id, accounts.TokenInput(name=f"Walk {role}")
            )
            ids[f"token_id@{role}"] = mine.info.id
        _skills_objects(s, ld, manager, ids)
        assert s.get(StrategicPriority, prio.id) and s.get(Objective, obj.id)
        assert s.get(KeyResult, kr.id) and s.get(Kpi, kpi.id)
    engine.dispose()
    return ids


def _skills_objects(s: Session, ld: Actor, manager: Actor, ids: dict) -> None:
    """A Moodle framework, and a self-rating of one of the walk manager's reports."""
    from datetime import date
    from pathlib import Path

    from lodestar.services.imports import import_file
    from lodestar.services.reporting_line import reports_of
    from lodestar.services.skills.assessments import record_assessment

    sample = Path(__file__).parents[2] / "docs" / "examples" / "moodle_framework.csv"
    import_file(s, ld, "moodle", sample.read_bytes(), "walk.csv")
    report = min(reports_of(s, manager))
    rating = record_assessment(s, ld, report, "BW-DATA", 4, "self", date.today())
    ids.update(idnumber="BW-SALES", skill_code="BW-DATA", person_id=report,
               assessment_id=rating.id)  # fmt: skip
    _walk_moves(s, ld, ids)


def _later(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _walk_moves(s: Session, ld: Actor, ids: dict) -> None:
    """Planned moves for each writer to change and delete (page and API), and a person the
    API plans a move for."""
    from lodestar.db.models import Employee, JobRole, PlannedMove
    from lodestar.services.skills.moves import add_move

    movable = s.scalars(
        select(Employee.external_id)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(Employee.exit_date.is_(None),
               JobRole.title.not_in(["Recruiter", "Head of People"]))
        .order_by(Employee.id.desc())
        .limit(5)
    ).all()  # fmt: skip
    ids["mover"] = movable[0]
    # The fixture runs once per walked role on one database: a new day each time.
    day = date.today() + timedelta(days=100 + len(s.scalars(select(PlannedMove.id)).all()))
    for n, role in enumerate(("admin", "ld")):
        for m, kind in enumerate(("page", "api")):
            person = movable[1 + 2 * n + m]
            ids[f"{kind}_move_id@{role}"] = add_move(s, ld, person, "Head of People", day).id


def body(kind: str | None, role: str, ids: dict[str, int]) -> dict:
    kpi = {"code": "walk_kpi", "name": "Walk KPI", "unit": "%", "direction": "up",
           "grain": "employee", "cadence": "weekly", "lead_lag": "lag"}  # fmt: skip
    forms = {
        "form": {},
        "move_form": {"to_job_title": "Recruiter", "effective_on": _later(340)},
        "xapi_source_form": {"name": f"walk-source-{role}-{uuid.uuid4().hex[:6]}"},
        "pin_form": {"result_id": str(ids["result_id"])},
        "request_form": {"title": "Walk", "action": "save", "urgency": "normal", **FULL},
        "answers_form": {"q_one_metric": "Conversion."},
        "transition_form": {"target": "needs_information", "reason": "Walk check."},
        "diagnosis_form": {"action": "save", "finding_knowledge": "unknown"},
        "priority_form": {
            "title": "Walk priority",
            "owner_id": str(ids["owner_id"]),
            "start_year": "2026",
            "end_year": "2027",
        },  # fmt: skip
        "objective_form": {"title": f"Walk objective {role}"},
        "key_result_form": {"description": f"Walk KR {role}"},
        "kpi_form": kpi,
        "setup_form": {"evaluation_design": "", "target_behaviour": [f"Walk behaviour {role}"]},
        "erase_form": {"confirm": "not the HR number"},
        "program_form": {"name": f"Walk program {role}"},
        "canvas_form": {"behaviour": [f"Logs every walk step as {role}"], "place": "Walk"},
        "costs_form": {"currency": "EUR", "delivery": "100"},
        "risk_form": {
            "description": f"The walk by {role} goes wrong",
            "likelihood": "low",
            "impact": "low",
        },  # fmt: skip
        "plan_form": {"team_id": ["1"], "hoped_effect": "1"},
        "lottery_form": {"team_id": ["1"], "start_date": "2026-01-05", "seed": "1"},
        "launch_form": {"expected_effect": "1", "horizon_date": "2027-01-05"},
        "revision_form": {"reason": f"Walk revision by {role}.", "expected_effect": "2"},
        "decision_form": {"decision": "adapt", "reason": f"Walk check by {role}."},
        "reason_form": {"reason": f"Walk check by {role}."},
        "observation_form": {
            "employee_id": "1",
            "behaviour": "Walk",
            "observed_on": "2026-01-05",
            "observed": "yes",
        },  # fmt: skip
        "token_form": {"name": f"Walk {role}", "expires_in_days": "7"},
        "admin_password_form": {
            "new_password": "a walk passphrase",
            "repeat_password": "a walk passphrase",
        },  # fmt: skip
        "department_form": {"department_id": "1"},
        "scoring_form": {"effort_days": "4", "origin": "planned"},
        "weights_form": {f"weight_{ids['priority_id']}": "3"},
        "plan_start_form": {"started_on": "2026-01-05"},
        "untick_form": {"done": "no"},
        "stakeholder_form": {"name": f"Walk stakeholder {role}", "influence": "2", "interest": "4"},
        "interview_form": {
            "stakeholder_id": str(ids["stakeholder_id"]),
            "held_on": "2026-01-06",
            "q_one_metric": f"Walked by {role}.",
        },  # fmt: skip
        "council_form": {"held_on": "2026-01-07"},
        "council_decision_form": {"decision": f"Walk decision by {role}."},
        "nudge_form": {
            "name": f"Walk nudge {role}",
            "channel": "email",
            "audience": "participants",
            "subject": "Walk",
            "body": "Hello {first_name}",
            "send_at": "08:30",
            "first_day": "1",
            "occurrences": "3",
            "every": "1",
        },  # fmt: skip
        "self_rate_form": {"skill_code": "BW-DATA", "level": "3"},
        "review_form": {"level": "2"},
        "profile_form": {
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": "3",
            "importance": "2",
        },
        "pattern_form": {"time_zone": "Europe/Lisbon", "working_days": ["mon", "tue"]},
        "team_pattern_form": {
            "employee": str(ids["report"]),
            "time_zone": "Europe/Lisbon",
            "working_days": ["mon", "tue"],
        },  # fmt: skip
        "person_pattern_form": {
            "employee": str(ids["person"]),
            "time_zone": "Europe/Lisbon",
            "working_days": ["mon", "tue"],
        },  # fmt: skip
        # A wrong current password: refused as a correction (422), and the walker stays in.
        "password_form": {
            "current_password": "not it",
            "new_password": "x" * 12,
            "repeat_password": "x" * 12,
        },  # fmt: skip
    }
    jsons = {
        "nudge_json": {"name": f"Walk nudge {role}", "body": "Hello {first_name}"},
        "nudge_patch_json": {"send_at": "09:15"},
        "pattern_json": {"time_zone": "Asia/Singapore", "working_days": "sun-thu"},
        "request_json": {"title": "Walk", **FULL},
        "answers_json": {"one_metric": "Conversion."},
        "transition_json": {"to": "needs_information", "reason": "Walk check."},
        "diagnosis_json": {"findings": {"knowledge": {"finding": "unknown"}}},
        "priority_json": {
            "title": "Walk priority",
            "owner_id": ids["owner_id"],
            "start_year": 2026,
            "end_year": 2027,
        },  # fmt: skip
        "objective_json": {"title": f"Walk objective {role}"},
        "key_result_json": {"description": f"Walk KR {role}"},
        "kpi_json": kpi,
        "setup_json": {"evaluation_design": "", "target_behaviours": [f"Walk behaviour {role}"]},
        "erase_json": {"confirm": "not the HR number"},
        "program_json": {"name": f"Walk program {role}"},
        "program_patch_json": {"description": f"Walked by {role}."},
        "canvas_json": {"behaviours": [f"Logs every walk step as {role}"]},
        "costs_json": {"currency": "EUR", "delivery": 100.0},
        "risk_json": {
            "description": f"The walk by {role} goes wrong",
            "likelihood": "low",
            "impact": "low",
        },  # fmt: skip
        "decision_json": {"decision": "adapt", "reason": f"Walk check by {role}."},
        "reason_json": {"reason": f"Walk check by {role}."},
        "observation_json": {
            "employee_id": 1,
            "behaviour": "Walk",
            "observed_on": "2026-01-05",
            "observed": True,
        },  # fmt: skip
        "plan_json": {"team_ids": [1]},
        "lottery_json": {"team_ids": [1], "start_date": "2026-01-05", "seed": 1},
        "launch_json": {"expected_effect": 1.0, "horizon_date": "2027-01-05"},
        "revision_json": {"reason": f"Walk revision by {role}.", "expected_effect": 2.0},
        "token_json": {"name": f"Walk {role}", "expires_in_days": 7},
        "untick_json": {"done": False},
        "move_json": {
            "employee_id": ids["mover"],
            "to_job_title": "Recruiter",
            "effective_on": _later(300),
        },
        "move_change_json": {"to_job_title": "Recruiter", "effective_on": _later(320)},
        "assessment_json": {
            "employee_id": ids["person_id"],
            "skill_code": "BW-DATA",
            "level": 3,
            "source": "manager",
            "assessed_on": "2026-11-01",
        },
        "review_json": {"level": 2},
        "headcount_json": {"job_title": "Recruiter", "horizon_months": 24, "change": 1},
        "profile_json": {
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": 3,
            "importance": 2,
        },
        "priority_skill_json": {
            "priority_id": ids["priority_id"],
            "skill_code": "BW-DATA",
            "weight": 0.5,
        },
        "weight_json": {"weight": 3},
        "request_scoring_json": {"origin": "ad_hoc", "effort_days": 2.5},
        "program_scoring_json": {"effort_days": 12},
        "stakeholder_json": {"name": f"Walk stakeholder {role}", "influence": 2, "interest": 4},
        "interview_json": {
            "stakeholder_id": ids["stakeholder_id"],
            "held_on": "2026-01-06",
            "answers": {"one_metric": f"Walked by {role}."},
        },  # fmt: skip
        "council_json": {"held_on": "2026-01-07"},
        "council_decision_json": {"decision": f"Walk decision by {role}."},
        "quiz_json": {"format": "json", "content": "{}"},
        "attempt_json": {"answers": {}},
    }
    if kind is None:
        return {}
    if kind in forms:
        return {"data": forms[kind]}
    return {"json": jsons[kind]}


def call(client, method: str, template: str, ids: dict[str, int], kind: str | None, role: str):  # type: ignore[no-untyped-def]
    path = template
    if method == "GET" and template.endswith("/diagnosis") and template.startswith("/api"):
        # Reading a diagnosis needs one to exist: use the request that is in diagnosis.
        path = path.replace("{request_id}", str(ids["diagnosed_id"]))
    # Each writer's own planned moves: one for the page routes, one for the API's (the others
    # are walked on L&D's, which they may not touch).
    for pattern, which in (("{move_id:int}", "page"), ("{move_id}", "api")):
        move = ids.get(f"{which}_move_id@{role}", ids[f"{which}_move_id@ld"])
        path = path.replace(pattern, str(move))
    own_token = str(ids.get(f"token_id@{role}", 0))
    path = path.replace("{token_id:int}", own_token).replace("{token_id}", own_token)
    for key, value in ids.items():
        for pattern in (f"{{{key}:int}}", f"{{{key}:path}}", f"{{{key}}}"):
            path = path.replace(pattern, str(value))
    return client.request(method, path, **body(kind, role, ids))


def test_the_table_covers_every_route():
    routes = app_routes()
    assert routes - PUBLIC == set(ROUTES), "add new routes to ROUTES (or PUBLIC)"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_it_may(client_as, objects, role):
    client = client_as(role)
    failures = []
    for (method, template), (allowed, denial, kind) in ROUTES.items():
        resp = call(client, method, template, objects, kind, role)
        if role in allowed:
            ok = resp.status_code < 500 and resp.status_code not in (401, 403, 404)
        else:
            ok = resp.status_code in (denial, 403, 404) and resp.status_code != 200
        if not ok:
            failures.append(f"{method} {template} as {role}: {resp.status_code}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_sign_in(client_as, objects):
    client = client_as(None)
    for (method, template), (_, _, kind) in ROUTES.items():
        resp = call(client, method, template, objects, kind, "anonymous")
        if template.startswith("/api"):
            assert resp.status_code in (401, 403), f"{method} {template}: {resp.status_code}"
            if resp.status_code == 401:
                assert resp.headers["content-type"].startswith("application/problem+json")
        elif method == "GET":
            assert resp.status_code == 303, f"{method} {template}: {resp.status_code}"
            assert resp.headers["location"].startswith("/login")
        else:
            # Unsafe page routes without a session are refused (CSRF or sign-in), never served.
            assert resp.status_code in (303, 401, 403), f"{method} {template}: {resp.status_code}"


def test_every_api_error_has_the_one_problem_shape(client_as, objects):
    client = client_as("employee")
    for (method, template), (allowed, _, kind) in ROUTES.items():
        if not template.startswith("/api") or "employee" in allowed:
            continue
        resp = call(client, method, template, objects, kind, "employee")
        assert resp.headers["content-type"].startswith("application/problem+json")
        problem = resp.json()
        assert {"type", "title", "status", "detail", "code"} <= problem.keys()
        assert problem["status"] == resp.status_code
        assert problem["detail"].endswith(".") and len(problem["detail"].split()) >= 5
