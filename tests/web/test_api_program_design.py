"""The program flow through the JSON API: from an accepted request to a decision, with the
expectation locked at launch (409 problem+json on a silent change)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Department, Team, TrainingRequest
from lodestar.db.session import make_engine

pytestmark = pytest.mark.xdist_group("test_api_program_design")
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def facts(web_database: str) -> dict[str, object]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        req = s.scalar(
            select(TrainingRequest.id).where(TrainingRequest.title.like("Objection handling%"))
        )
        sales = s.scalar(select(Department.id).where(Department.code == "sales"))
        teams = list(s.scalars(select(Team.id).where(Team.department_id == sales)))
    engine.dispose()
    return {"request_id": req, "teams": teams}


def test_request_to_locked_pilot_through_the_api(client_as, facts):
    ld = client_as("ld")
    created = ld.post("/api/programs", json={"request_id": facts["request_id"]})
    assert created.status_code == 201, created.text
    program = created.json()
    pid = program["id"]
    assert program["status"] == "in_design" and program["request_id"] == facts["request_id"]
    assert ld.get(f"/api/requests/{facts['request_id']}").json()["summary"]["state"] == "in_design"

    refused = ld.put(f"/api/programs/{pid}/canvas", json={"behaviours": ["Knows the playbook"]})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert "Knows the playbook" in refused.json()["detail"]
    canvas = ld.put(
        f"/api/programs/{pid}/canvas",
        json={
            "behaviours": ["Answers a price objection with the customer's own figures"],
            "place": "First meetings",
            "prompt": "CRM card",
            "proof": "Conversion, weekly",
            "audience": "new account executives",
        },
    )
    assert canvas.status_code == 200, canvas.text
    assert canvas.json()["statement"].startswith("This program is expected to")
    assert "17% to the team average" in canvas.json()["problem"]

    plan = ld.post(
        f"/api/programs/{pid}/pilot/plan",
        json={"team_ids": facts["teams"], "hoped_effect": 0.05},
    )
    assert plan.status_code == 200, plan.text
    assert plan.json()["plan"]["mde"] > 0 and plan.json()["people_needed"] > 0
    lottery = ld.post(
        f"/api/programs/{pid}/pilot/lottery",
        json={"team_ids": facts["teams"], "start_date": "2026-01-05", "seed": 7},
    )
    assert lottery.status_code == 201, lottery.text
    assert lottery.json()["lottery"]["seed"] == 7
    launch = ld.post(
        f"/api/programs/{pid}/pilot/launch",
        json={"expected_effect": 0.05, "horizon_date": "2026-04-05"},
    )
    assert launch.status_code == 201, launch.text
    assert launch.json()["registrations"][0]["version"] == 1

    locked = ld.patch(f"/api/programs/{pid}", json={"horizon_date": "2026-09-01"})
    assert locked.status_code == 409
    assert locked.headers["content-type"].startswith(PROBLEM)
    assert "locked at launch" in locked.json()["detail"]
    again = ld.post(
        f"/api/programs/{pid}/pilot/lottery",
        json={"team_ids": facts["teams"], "start_date": "2026-01-05", "seed": 8},
    )
    assert again.status_code == 409
    setup = ld.put(
        f"/api/programs/{pid}/setup",
        json={"evaluation_design": "staggered", "target_behaviours": ["Answers a price "
              "objection with the customer's own figures"]},
    )  # fmt: skip
    assert setup.status_code == 409
    revised = ld.post(
        f"/api/programs/{pid}/pilot/registrations",
        json={"reason": "The sponsor halved the target after the hiring freeze.",
              "expected_effect": 0.025},
    )  # fmt: skip
    assert revised.status_code == 201
    versions = revised.json()["registrations"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["expected_effect"] == 0.05

    risk = ld.post(
        f"/api/programs/{pid}/risks",
        json={"description": "Quarter-end leaves no time to practise", "likelihood": "high",
              "impact": "medium", "mitigation": "Avoid weeks 12-13", "owner": "Tomás"},
    )  # fmt: skip
    assert risk.status_code == 201
    happened = ld.put(
        f"/api/programs/{pid}/risks/{risk.json()['id']}", json={**risk.json(), "status": "happened"}
    )
    assert happened.json()["status"] == "happened"

    stop = ld.post(f"/api/programs/{pid}/decisions", json={"decision": "stop", "reason": ""})
    assert stop.status_code == 422
    done = ld.post(
        f"/api/programs/{pid}/decisions",
        json={"decision": "stop", "reason": "Budget moved to the onboarding program."},
    )
    assert done.status_code == 201 and done.json()["state"] == "stopped"
    history = ld.get(f"/api/programs/{pid}/history").json()
    assert [h["to_state"] for h in history] == ["in_design", "pilot", "stopped"]
    assert ld.get(f"/api/requests/{facts['request_id']}").json()["summary"]["state"] == "stopped"


def test_managers_and_executives_read_but_do_not_design(client_as):
    manager = client_as("manager")
    refused = manager.post("/api/programs", json={"name": "Shadow program"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    executive = client_as("executive")
    programs = executive.get("/api/programs").json()
    canvas = executive.get(f"/api/programs/{programs[0]['id']}/canvas")
    assert canvas.status_code == 200 and "statement" in canvas.json()


def test_archive_takes_a_program_off_the_list_and_restore_brings_it_back(client_as):
    ld = client_as("ld")
    pid = ld.post("/api/programs", json={"name": "Lunch-and-learn pilot"}).json()["id"]
    no_reason = ld.post(f"/api/programs/{pid}/archive", json={"reason": ""})
    assert no_reason.status_code == 422 and no_reason.headers["content-type"].startswith(PROBLEM)
    archived = ld.post(f"/api/programs/{pid}/archive", json={"reason": "Merged into onboarding."})
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert pid not in {p["id"] for p in ld.get("/api/programs").json()}
    listed = ld.get("/api/programs", params={"include_archived": "true"}).json()
    assert pid in {p["id"] for p in listed}
    assert "Merged into onboarding." in [
        h["reason"] for h in ld.get(f"/api/programs/{pid}/history").json()
    ]
    restored = ld.post(f"/api/programs/{pid}/restore", json={"reason": "Back for the new intake."})
    assert restored.json()["status"] == "in_design"
    again = ld.post(f"/api/programs/{pid}/restore", json={"reason": "Twice."})
    assert again.status_code == 409 and "nothing to restore" in again.json()["detail"]
    fcr = next(p for p in ld.get("/api/programs").json() if p["code"] == "fcr_pilot")
    running = ld.post(f"/api/programs/{fcr['id']}/archive", json={"reason": "Tidy up."})
    assert running.status_code == 409
    assert "cannot move from 'Pilot' to 'Archived'" in running.json()["detail"]
