"""The forecast's other inputs as pages and API: planned moves (list, add, change, delete) and
how much each strategic priority weights its skills; L&D writes, executives read, slips get a
sentence and change nothing, and the forecast (recomputed in the background) counts them."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import Employee, JobRole
from lodestar.db.session import make_engine


def _need(client, skill: str, horizon: str) -> int:  # type: ignore[no-untyped-def]
    lines = client.get("/api/skills/forecast").json()["lines"]
    return sum(line[horizon] for line in lines if line["skill_name"] == skill)


def _settles(client, skill: str, horizon: str, want: int) -> int:  # type: ignore[no-untyped-def]
    """The forecast serves its last figures while it recomputes after a write: poll for up to
    a minute."""
    deadline = time.monotonic() + 60
    while (need := _need(client, skill, horizon)) != want and time.monotonic() < deadline:
        time.sleep(0.5)
    return need


def _warehouse_associate(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as s:
        found = s.scalar(
            select(Employee.external_id)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(JobRole.title == "Warehouse Associate", Employee.exit_date.is_(None))
            .order_by(Employee.id.desc())
        )
    engine.dispose()
    assert found is not None
    return found


def test_a_planned_move_counts_in_the_forecast_until_deleted(client_as, web_database):
    ld = client_as("ld")
    person = _warehouse_associate(web_database)
    skill = "Structured interviewing"  # the recruiters' essential skill
    need_12, need_24 = _need(ld, skill, "need_12"), _need(ld, skill, "need_24")
    page = ld.get("/skills/moves")
    assert page.status_code == 200 and 'data-testid="move-form"' in page.text
    soon = (date.today() + timedelta(days=90)).isoformat()
    form = {"employee_id": person, "to_job_title": "Recruiter", "effective_on": soon}
    added = ld.post("/skills/moves", data={"csrf_token": csrf_from(page.text), **form})
    assert added.status_code == 303
    move = next(
        m for m in ld.get("/api/skills/moves").json() if m["employee_external_id"] == person
    )
    assert (move["from_job_title"], move["to_job_title"]) == ("Warehouse Associate", "Recruiter")
    assert _settles(ld, skill, "need_12", need_12 + 1) == need_12 + 1
    # Moved to 20 months ahead: no longer within 12 months, still within 24.
    later = (date.today() + timedelta(days=600)).isoformat()
    page = ld.get("/skills/moves")
    changed = ld.post(f"/skills/moves/{move['id']}", data={"csrf_token": csrf_from(page.text),
                      "to_job_title": "Recruiter", "effective_on": later})  # fmt: skip
    assert changed.status_code == 303
    assert _settles(ld, skill, "need_12", need_12) == need_12
    assert _settles(ld, skill, "need_24", need_24 + 1) == need_24 + 1
    gone = ld.post(f"/skills/moves/{move['id']}/delete",
                   data={"csrf_token": csrf_from(ld.get("/skills/moves").text)})  # fmt: skip
    assert gone.status_code == 303
    assert person not in {m["employee_external_id"] for m in ld.get("/api/skills/moves").json()}
    assert _settles(ld, skill, "need_24", need_24) == need_24


def test_move_slips_get_sentences_and_change_nothing(client_as, web_database):
    ld = client_as("ld")
    person = _warehouse_associate(web_database)
    before = ld.get("/api/skills/moves").json()
    page = ld.get("/skills/moves")
    token = csrf_from(page.text)
    cases = [
        ({"employee_id": "NO-SUCH-ID", "to_job_title": "Recruiter", "effective_on": "2030-01-01"},
         "No employee has the id “NO-SUCH-ID”"),
        ({"employee_id": person, "to_job_title": "Recruiter", "effective_on": "next spring"},
         "is not a date. Give the day of the move as YYYY-MM-DD"),
        ({"employee_id": person, "to_job_title": "Recruiter", "effective_on": "2020-01-01"},
         "has passed"),
        ({"employee_id": person, "to_job_title": "Warehouse Associate",
          "effective_on": (date.today() + timedelta(days=30)).isoformat()},
         "already holds the job title"),
    ]  # fmt: skip
    for form, sentence in cases:
        refused = ld.post("/skills/moves", data={"csrf_token": token, **form})
        assert refused.status_code == 422 and sentence in refused.text, (form, refused.text[:300])
        assert 'id="form-error"' in refused.text
    api = ld.post("/api/skills/moves", json={"employee_id": person, "to_job_title": "Astronaut",
                                             "effective_on": "2030-01-01"})  # fmt: skip
    assert api.status_code == 422 and "no job title" in api.json()["detail"]
    assert ld.get("/api/skills/moves").json() == before


def test_a_priority_weight_set_on_the_page_counts_and_can_be_removed(client_as):
    ld = client_as("ld")
    page = ld.get("/skills/priorities")
    assert page.status_code == 200 and 'data-testid="weight-form"' in page.text
    ship = next(p for p in ld.get("/api/priorities").json() if p["title"].startswith("Ship"))
    need = _need(ld, "Python", "need_12")
    token = csrf_from(page.text)
    python = {"csrf_token": token, "priority_id": ship["id"], "skill_code": "BW-PYTHON"}
    bad = ld.post("/skills/priorities", data={**python, "weight": "lots"})
    assert bad.status_code == 422 and "The weight is a number from 0 to 1" in bad.text
    high = ld.post("/skills/priorities", data={**python, "weight": "1.5"})
    assert high.status_code == 422 and "between 0 and 1 (got 1.5)" in high.text
    saved = ld.post("/skills/priorities", data={
        "csrf_token": csrf_from(page.text), "priority_id": ship["id"], "skill_code": "BW-PYTHON",
        "weight": "0.5", "extra_people_12": "7", "extra_people_24": "9"})  # fmt: skip
    assert saved.status_code == 303
    line = next(p for p in ld.get("/api/skills/priorities").json()
                if p["priority_id"] == ship["id"] and p["skill_code"] == "BW-PYTHON")  # fmt: skip
    assert (line["weight"], line["extra_people_12"], line["extra_people_24"]) == (0.5, 7, 9)
    assert _settles(ld, "Python", "need_12", need + 7) == need + 7
    gone = ld.delete("/api/skills/priorities",
                     params={"priority_id": ship["id"], "skill_code": "BW-PYTHON"})  # fmt: skip
    assert gone.status_code == 204
    assert _settles(ld, "Python", "need_12", need) == need
    again = ld.delete("/api/skills/priorities",
                      params={"priority_id": ship["id"], "skill_code": "BW-PYTHON"})  # fmt: skip
    assert again.status_code == 404 and "nothing was removed" in again.json()["detail"]


def test_executives_read_the_inputs_and_only_l_and_d_change_them(client_as):
    executive = client_as("executive")
    moves = executive.get("/skills/moves")
    assert moves.status_code == 200 and 'data-testid="move-form"' not in moves.text
    weights = executive.get("/skills/priorities")
    assert weights.status_code == 200 and 'data-testid="weight-form"' not in weights.text
    assert executive.post("/api/skills/moves", json={
        "employee_id": "x", "to_job_title": "Recruiter", "effective_on": "2030-01-01"}
    ).status_code == 403  # fmt: skip
    assert client_as("employee").get("/skills/moves").status_code == 403
    assert client_as("manager").get("/api/skills/moves").status_code == 403


# Each form of the skills plan, with what a slip looks like in it (a 422 correction for L&D).
SLIPS = {
    "/skills/moves": {"employee_id": "x", "to_job_title": "Recruiter", "effective_on": "soon"},
    "/skills/moves/999999": {"to_job_title": "Recruiter", "effective_on": "soon"},
    "/skills/priorities": {"priority_id": "first", "skill_code": "BW-PYTHON", "weight": "lots"},
    "/skills/priorities/remove": {"priority_id": "first", "skill_code": "BW-PYTHON"},
    "/skills/headcount": {"job_title": "Recruiter", "horizon_months": "twelve", "change": "2"},
    "/skills/profiles": {"job_title": "Recruiter", "skill_code": "BW-PYTHON",
                         "target_level": "high", "importance": "3"},
}  # fmt: skip


@pytest.mark.parametrize("role", ["executive", "manager"])
def test_who_may_not_edit_is_refused_before_what_they_typed_is_read(client_as, role):
    """A 403 saying who may, not a 422 correction for a form they may not send."""
    who = client_as(role)
    token = csrf_from(who.get("/account").text)
    for path, slip in SLIPS.items():
        refused = who.post(path, data={"csrf_token": token, **slip})
        assert refused.status_code == 403, (path, refused.status_code)
        assert "change the skills catalogue. Ask one of them." in refused.text, path
    ld = client_as("ld")
    token = csrf_from(ld.get("/account").text)
    for path in ("/skills/moves", "/skills/priorities", "/skills/headcount", "/skills/profiles"):
        assert ld.post(path, data={"csrf_token": token, **SLIPS[path]}).status_code == 422, path
