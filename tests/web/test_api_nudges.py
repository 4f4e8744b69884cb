"""The nudges JSON API: a program's nudges with the counts the demo's story wrote, writing,
changing part of, pausing, and deleting one, each refused in a sentence for the roles that may
not, and problem+json for every error."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, WorkspaceMeta
from lodestar.db.session import make_engine

# The tests below write to the module's database one after another: keep them on one worker.
pytestmark = pytest.mark.xdist_group("test_api_nudges")

PROBLEM = "application/problem+json"
NEW = {
    "name": "Checklist follow-up",
    "channel": "teams",
    "audience": "managers",
    "subject": "About {participant}",
    "body": "Ask {participant_first_name} how the checklist went.",
    "send_at": "10:00",
    "first_day": 5,
    "occurrences": 2,
    "every": 5,
}


@pytest.fixture(scope="module")
def fcr(web_database: str) -> tuple[int, dict[str, int]]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        pid = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
        truth = s.get(WorkspaceMeta, "demo_nudge_truth").value  # type: ignore[union-attr]
    engine.dispose()
    assert pid is not None
    return int(pid), truth


def test_the_counts_are_the_demo_story_s(client_as, fcr):
    pid, truth = fcr
    resp = client_as("ld").get(f"/api/programs/{pid}/nudges")
    assert resp.status_code == 200, resp.text
    [nudge] = [n for n in resp.json() if n["name"] == "Closing checklist mornings"]
    counts = nudge["counts"]
    assert (counts["sent"], counts["failed"], counts["skipped"]) == (
        truth["sent"],
        truth["failed"],
        truth["skipped"],
    )
    assert counts["answered"] == truth["answered"] and counts["done"] == truth["done"]
    assert counts["response_rate"] == pytest.approx(truth["answered"] / truth["sent"])
    assert counts["scheduled"] == 0 and counts["recipients"] == truth["participants"]
    assert any("550 5.1.1" in e for e in counts["errors"])  # why they failed, for L&D
    assert nudge["send_at"] == "08:30" and nudge["occurrences"] == 10 and nudge["active"]
    one = client_as("executive").get(f"/api/programs/{pid}/nudges/{nudge['id']}")
    assert one.status_code == 200
    assert one.json()["counts"]["errors"] == []  # mail servers' answers name addresses


def test_ld_writes_changes_pauses_and_deletes_a_nudge(client_as, fcr):
    pid, _ = fcr
    ld = client_as("ld")
    made = ld.post(f"/api/programs/{pid}/nudges", json=NEW)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["channel"] == "teams" and body["audience"] == "managers"
    assert body["quiet_start"] == "19:00" and body["counts"]["sent"] == 0
    assert body["schedule"].startswith("10:00")
    nid = body["id"]

    changed = ld.patch(f"/api/programs/{pid}/nudges/{nid}", json={"send_at": "11:15"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["send_at"] == "11:15"
    assert changed.json()["body"] == NEW["body"]  # what was not given stays

    paused = ld.patch(f"/api/programs/{pid}/nudges/{nid}", json={"active": False})
    assert paused.status_code == 200 and paused.json()["active"] is False
    assert ld.get(f"/api/programs/{pid}/nudges/{nid}").json()["active"] is False

    assert ld.delete(f"/api/programs/{pid}/nudges/{nid}").status_code == 204
    gone = ld.get(f"/api/programs/{pid}/nudges/{nid}")
    assert gone.status_code == 404 and gone.headers["content-type"] == PROBLEM
    assert f"no nudge #{nid}" in gone.json()["detail"]


def test_wrong_fields_are_named_and_nothing_is_stored(client_as, fcr):
    pid, _ = fcr
    ld = client_as("ld")
    before = len(ld.get(f"/api/programs/{pid}/nudges").json())
    bad = ld.post(
        f"/api/programs/{pid}/nudges",
        json={**NEW, "body": "Your {salary}", "send_at": "20:00"},
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    fields = bad.json()["fields"]
    assert "{salary}" in fields["body"] and "quiet hours" in fields["send_at"]
    assert len(ld.get(f"/api/programs/{pid}/nudges").json()) == before
    wrong_type = ld.post(f"/api/programs/{pid}/nudges", json={**NEW, "channel": "fax"})
    assert wrong_type.status_code == 422 and wrong_type.headers["content-type"] == PROBLEM


def test_a_nudge_that_reached_people_is_paused_not_deleted(client_as, fcr):
    pid, truth = fcr
    ld = client_as("ld")
    [demo] = [n for n in ld.get(f"/api/programs/{pid}/nudges").json() if n["counts"]["sent"]]
    refused = ld.delete(f"/api/programs/{pid}/nudges/{demo['id']}")
    assert refused.status_code == 409 and refused.headers["content-type"] == PROBLEM
    assert "Pause it instead" in refused.json()["detail"]
    after = ld.get(f"/api/programs/{pid}/nudges/{demo['id']}").json()
    assert after["counts"]["sent"] == truth["sent"]


@pytest.mark.parametrize("role", ["manager", "executive"])
def test_managers_and_executives_read_but_do_not_write(client_as, fcr, role):
    pid, _ = fcr
    reader = client_as(role)
    listed = reader.get(f"/api/programs/{pid}/nudges")
    assert listed.status_code == 200 and listed.json()
    nid = listed.json()[0]["id"]
    for resp in (
        reader.post(f"/api/programs/{pid}/nudges", json=NEW),
        reader.patch(f"/api/programs/{pid}/nudges/{nid}", json={"active": False}),
        reader.patch(f"/api/programs/{pid}/nudges/{nid}", json={"name": "Mine now"}),
        reader.delete(f"/api/programs/{pid}/nudges/{nid}"),
    ):
        assert resp.status_code == 403 and resp.headers["content-type"] == PROBLEM
        assert "L&D team" in resp.json()["detail"]
    assert reader.get(f"/api/programs/{pid}/nudges/{nid}").json()["active"] is True


def test_employees_are_refused_and_strangers_must_sign_in(client_as, fcr):
    pid, _ = fcr
    employee = client_as("employee")
    resp = employee.get(f"/api/programs/{pid}/nudges")
    assert resp.status_code == 403 and resp.headers["content-type"] == PROBLEM
    assert employee.post(f"/api/programs/{pid}/nudges", json=NEW).status_code == 403
    assert client_as(None).get(f"/api/programs/{pid}/nudges").status_code == 401


def test_an_unknown_program_or_nudge_is_a_404_sentence(client_as, fcr):
    pid, _ = fcr
    ld = client_as("ld")
    assert ld.get("/api/programs/999999/nudges").status_code == 404
    missing = ld.patch(f"/api/programs/{pid}/nudges/999999", json={"name": "x"})
    assert missing.status_code == 404 and "no nudge #999999" in missing.json()["detail"]
