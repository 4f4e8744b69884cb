"""The JSON API for requests: 422 problem+json for incomplete requests, workflow, diagnosis."""

from lodestar.domain.intake import FIELD_NAMES

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}


def test_incomplete_request_returns_422_problem_naming_every_missing_field(client_as):
    api = client_as("manager")
    body = {"title": "Time management for supervisors", "business_objective": "Overtime"}
    resp = api.post("/api/requests", json=body)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    problem = resp.json()
    assert problem["code"] == "request-incomplete"
    assert problem["status"] == 422
    assert {m["field"] for m in problem["missing_fields"]} == set(FIELD_NAMES)
    assert all(m["why"] for m in problem["missing_fields"])
    # It was saved, not lost: the requester can fetch it and finish it.
    saved = api.get(f"/api/requests/{problem['request_id']}").json()
    assert saved["summary"]["state"] == "needs_information"
    assert saved["fields"]["business_objective"] == "Overtime"
    done = api.post(f"/api/requests/{problem['request_id']}/submit", json=dict(body, **FULL))
    assert done.status_code == 200, done.text
    assert done.json()["summary"]["state"] == "submitted"
    assert done.json()["missing"] == []


def test_complete_request_is_created_and_diagnosed_through_the_api(client_as):
    manager, ld = client_as("manager"), client_as("ld")
    resp = manager.post("/api/requests", json={"title": "Teamwork training", **FULL})
    assert resp.status_code == 201, resp.text
    rid = resp.json()["summary"]["id"]
    assert resp.headers["location"] == f"/api/requests/{rid}"
    findings = {
        c: {"finding": "no_barrier"}
        for c in ("information", "incentives", "knowledge", "capacity", "motives")
    }
    findings["resources"] = {"finding": "barrier", "evidence": "No hand-off checklist."}
    diag = ld.put(f"/api/requests/{rid}/diagnosis", json={"findings": findings, "conclude": True})
    assert diag.status_code == 200, diag.text
    assert diag.json()["outcome"] == "non_training_fix"
    assert diag.json()["fixes"] == ["process_workflow"]
    assert manager.get(f"/api/requests/{rid}").json()["summary"]["state"] == "redirected"
    assert manager.get(f"/api/requests/{rid}/diagnosis").json()["outcome"] == "non_training_fix"


def test_draft_then_transitions_with_reasons(client_as):
    manager, ld = client_as("manager"), client_as("ld")
    rid = manager.post("/api/requests?draft=true", json={"title": "Draft"}).json()["summary"]["id"]
    assert manager.get(f"/api/requests/{rid}").json()["summary"]["state"] == "draft"
    manager.put(f"/api/requests/{rid}", json={"title": "Now complete", **FULL})
    assert manager.post(f"/api/requests/{rid}/submit").status_code == 200
    refused = ld.post(f"/api/requests/{rid}/transitions", json={"to": "declined"})
    assert refused.status_code == 422 and "Say why" in refused.json()["detail"]
    illegal = ld.post(f"/api/requests/{rid}/transitions", json={"to": "scaled", "reason": "x"})
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal-transition"
    ok = ld.post(f"/api/requests/{rid}/transitions", json={"to": "in_diagnosis"})
    assert ok.status_code == 200 and ok.json()["summary"]["state"] == "in_diagnosis"
    answers = ld.put(f"/api/requests/{rid}/answers", json={"one_metric": "Churn."})
    assert answers.json() == {"one_metric": "Churn."}


def test_triage_is_for_ld_and_reports_share_without_metric(client_as):
    board = client_as("ld").get("/api/triage").json()
    assert 0 <= board["share_without_metric"] <= 1
    assert board["open_total"] >= board["without_metric"]
    assert client_as("manager").get("/api/triage").status_code == 403


def test_writes_without_csrf_token_are_refused_for_cookie_sessions(client_as):
    api = client_as("manager")
    del api.headers["X-CSRF-Token"]
    resp = api.post("/api/requests", json={"title": "x", **FULL})
    assert resp.status_code == 403
    assert "Reload the page" in resp.json()["detail"]


def test_bearer_token_works_without_csrf(client_as, web_database):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.db.models import User
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import issue_api_token

    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        user = s.scalar(select(User).where(User.role == "manager"))
        token = issue_api_token(s, user)
    engine.dispose()
    api = client_as(None)
    assert api.get("/api/me").status_code == 401
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get("/api/me").json()["role"] == "manager"
    assert api.post("/api/requests", json={"title": "t", **FULL}).status_code == 201
    api.headers["Authorization"] = "Bearer nonsense"
    bad = api.get("/api/me")
    assert bad.status_code == 401 and "lodestar users token" in bad.json()["detail"]


def test_intake_guide_lists_fields_questions_and_cells(client_as):
    guide = client_as("employee").get("/api/intake/guide").json()
    assert [f["name"] for f in guide["fields"]] == list(FIELD_NAMES)
    assert all(f["example"] and f["help"] for f in guide["fields"])
    assert len(guide["stakeholder_questions"]) == 5
    assert len(guide["diagnosis_cells"]) == 6
