"""Skills pages and API through the in-process app: who sees what, the heat map with its
suppression, a self-rating reviewed by the manager, the forecast, and the Moodle export."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.db.models import WorkspaceMeta
from lodestar.db.session import make_engine


def _truth(web_database: str) -> dict:
    engine = make_engine(web_database)
    with Session(engine) as s:
        value = s.get(WorkspaceMeta, "demo_skills_truth").value
    engine.dispose()
    return value


def test_pages_answer_for_the_roles_that_may_see_them(client_as, web_database):
    ld = client_as("ld")
    for url in (
        "/skills",
        "/skills/me",
        "/skills/heatmap",
        "/skills/gaps",
        "/skills/forecast",
        "/skills/profiles",
        "/skills/heatmap?department=1",
    ):
        page = ld.get(url)
        assert page.status_code == 200, (url, page.text[:300])
    assert "Start building now" in ld.get("/skills/forecast").text
    employee = client_as("employee")
    assert employee.get("/skills/me").status_code == 200
    for url in ("/skills/heatmap", "/skills/gaps", "/skills/forecast"):
        assert employee.get(url).status_code == 403, url
    manager = client_as("manager")
    assert manager.get("/skills/heatmap").status_code == 200
    assert manager.get("/skills/gaps").status_code == 403


def test_api_heat_map_hides_small_groups_and_names_the_largest_gap(client_as, web_database):
    truth = _truth(web_database)
    heat = client_as("ld").get("/api/skills/heatmap?max_rows=2000").json()
    rows = {r["team"]: r for r in heat["rows"]}
    small = rows[truth["small_team"]]
    assert all(c["hidden"] for c in small["cells"] if c["people"])
    forecast = client_as("executive").get("/api/skills/forecast").json()
    assert forecast["top_build_now"] == truth["top_build_now_skill"]
    assert client_as("employee").get("/api/skills/heatmap").status_code == 403


def test_self_rating_then_manager_review_over_the_api(client_as):
    employee = client_as("employee")
    gaps = employee.get("/skills/me")
    assert "Rate yourself" in gaps.text
    manager = client_as("manager")
    waiting = manager.get("/api/skills/reviews").json()
    assert waiting, "the demo's self-ratings of the manager's reports wait for review"
    first = waiting[0]
    done = manager.post(f"/api/skills/reviews/{first['id']}", json={"level": 2})
    assert done.status_code == 200 and done.json()["source"] == "manager"
    history = manager.get(f"/api/skills/employees/{first['employee_id']}/assessments").json()
    assert any(h["id"] == first["id"] and h["reviewed"] for h in history)
    refused = client_as("employee").post(f"/api/skills/reviews/{first['id']}", json={"level": 2})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_profiles_and_catalogue_over_the_api(client_as):
    ld = client_as("ld")
    skills = ld.get("/api/skills?q=solution selling").json()
    assert [s["code"] for s in skills] == ["BW-SOLUTION"]
    assert ld.get("/api/skills/BW-SOLUTION").json()["name"] == "Solution selling"
    put = ld.put(
        "/api/skills/profiles",
        json={
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": 4,
            "importance": 2,
        },
    )
    assert put.status_code == 200, put.text
    bad = ld.put(
        "/api/skills/profiles",
        json={
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": 9,
            "importance": 2,
        },
    )
    assert bad.status_code == 422 and "scale" in bad.json()["detail"]
    assert (
        client_as("manager")
        .put(
            "/api/skills/profiles",
            json={
                "job_title": "Recruiter",
                "skill_code": "BW-DATA",
                "target_level": 4,
                "importance": 2,
            },
        )
        .status_code
        == 403
    )
    assert ld.get("/api/skills/NOPE").status_code == 404
