"""The headcount plan, the skills forecast's new input, set one line at a time on the forecast
page and through the API: who may, what a slip gets, and that the forecast counts it."""

from __future__ import annotations

import time

from tests.web.seeded_app import csrf_from


def _free_line(ld) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A job title and horizon the demo's plan leaves unset (put back as found at the end)."""
    taken = {(h["job_title"], h["horizon_months"]) for h in ld.get("/api/skills/headcount").json()}
    titles = [p["title"] for p in ld.get("/api/skills/profiles").json()]
    return next((t, 12) for t in titles if (t, 12) not in taken)


def _need_12(client, skill: str) -> int:  # type: ignore[no-untyped-def]
    lines = client.get("/api/skills/forecast").json()["lines"]
    return sum(line["need_12"] for line in lines if line["skill_name"] == skill)


def _settles(client, skill: str, check) -> int:  # type: ignore[no-untyped-def]
    """The forecast keeps serving its last figures while it recomputes after a write
    (services.skills.base): wait, up to a minute, for the new ones."""
    deadline = time.monotonic() + 60
    while not check(need := _need_12(client, skill)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return need


def test_a_plan_set_on_the_page_counts_in_the_forecast_and_can_be_removed(client_as):
    ld = client_as("ld")
    title, horizon = _free_line(ld)
    profile = next(p for p in ld.get("/api/skills/profiles").json() if p["title"] == title)
    skill = profile["lines"][0]["skill_name"]
    before = _need_12(ld, skill)
    page = ld.get("/skills/forecast")
    assert 'id="headcount"' in page.text and "Save the plan" in page.text
    saved = ld.post("/skills/headcount", data={
        "csrf_token": csrf_from(page.text), "job_title": title, "horizon_months": horizon,
        "change": "40", "note": "New depot opens",
    }, follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    plan = ld.get("/api/skills/headcount").json()
    assert {
        "job_title": title,
        "horizon_months": 12,
        "change": 40,
        "note": "New depot opens",
    } in plan
    # Forty more people in that title need its skills.
    assert _settles(ld, skill, lambda need: need > before) > before
    gone = ld.delete("/api/skills/headcount", params={"job_title": title, "horizon_months": 12})
    assert gone.status_code == 204
    assert (title, 12) not in {(h["job_title"], h["horizon_months"])
                               for h in ld.get("/api/skills/headcount").json()}  # fmt: skip
    assert _settles(ld, skill, lambda need: need == before) == before


def test_a_slip_gets_a_sentence_and_changes_nothing(client_as):
    ld = client_as("ld")
    title, _ = _free_line(ld)
    plan = ld.get("/api/skills/headcount").json()
    wrong = ld.put("/api/skills/headcount",
                   json={"job_title": title, "horizon_months": 18, "change": 3})  # fmt: skip
    assert wrong.status_code == 422 and "12 or 24 months" in wrong.json()["detail"]
    astronaut = {"job_title": "Astronaut", "horizon_months": 12, "change": 3}
    unknown = ld.put("/api/skills/headcount", json=astronaut)
    assert unknown.status_code == 404 and "no job title" in unknown.json()["detail"]
    page = ld.get("/skills/forecast")
    typed = ld.post("/skills/headcount", data={
        "csrf_token": csrf_from(page.text), "job_title": title, "horizon_months": "12",
        "change": "forty",
    })  # fmt: skip
    assert typed.status_code == 422 and "whole numbers" in typed.text
    assert ld.get("/api/skills/headcount").json() == plan


def test_executives_read_the_plan_and_only_l_and_d_change_it(client_as):
    executive = client_as("executive")
    assert executive.get("/api/skills/headcount").status_code == 200
    refused = executive.put("/api/skills/headcount",
                            json={"job_title": "x", "horizon_months": 12, "change": 1})  # fmt: skip
    assert refused.status_code == 403
    assert client_as("employee").get("/api/skills/headcount").status_code == 403
    assert "Save the plan" not in executive.get("/skills/forecast").text


def test_who_may_not_change_the_forecast_inputs_is_refused_before_their_input_is_read(client_as):
    """403 for the role, not 422 for the body: a slip in a request one may not send is not
    theirs to fix, and the answer does not reveal what would have been accepted."""
    executive = client_as("executive")
    bad = {"job_title": "", "horizon_months": 0, "change": "forty"}
    for method, url, body in [
        ("put", "/api/skills/headcount", bad),
        ("put", "/api/skills/profiles", {"job_title": ""}),
        ("put", "/api/skills/priorities", {}),
        ("post", "/api/skills/moves", {"employee_id": "x"}),
        ("put", "/api/skills/moves/1", {"effective_on": "not a date"}),
    ]:
        answer = getattr(executive, method)(url, json=body)
        assert answer.status_code == 403, (method, url, answer.status_code, answer.text[:200])
    ld = client_as("ld")
    assert ld.put("/api/skills/headcount", json=bad).status_code == 422
