"""Privacy on the web: the audit trail records who viewed personal data from where, admins
read and export it (spreadsheet-safe), erase a person in two steps, and export a person."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import AuditEvent, Employee, Program
from lodestar.db.session import make_engine


def _db(url: str) -> Session:
    return Session(make_engine(url))


def test_viewing_a_program_is_recorded_with_path_and_address(client_as, web_database):
    with _db(web_database) as s:
        program_id = s.scalar(select(Program.id).order_by(Program.id))
    manager = client_as("manager")
    assert manager.get(f"/programs/{program_id}").status_code == 200
    assert manager.get(f"/api/programs/{program_id}/impact").status_code == 200
    admin = client_as("admin")
    page = admin.get("/api/privacy/audit", params={"action": "program.view"}).json()
    paths = {e["path"] for e in page["events"] if e["actor"] == "tomas@brightwater.example"}
    assert {f"GET /programs/{program_id}", f"GET /api/programs/{program_id}/impact"} <= paths
    assert all(e["address"] for e in page["events"])
    html = admin.get("/privacy/audit", params={"action": "program.view"}).text
    assert f"GET /programs/{program_id}" in html and "program.view" in html


def test_the_audit_csv_neutralises_formulas(client_as):
    ld = client_as("ld")
    title = '=HYPERLINK("https://evil.example","Click")'
    owner = ld.get("/api/me").json()["id"]
    made = ld.post(
        "/api/priorities",
        json={"title": title, "start_year": 2026, "end_year": 2027, "owner_id": owner},
    )
    assert made.status_code == 201
    admin = client_as("admin")
    for url in ("/privacy/audit.csv", "/api/privacy/audit.csv"):
        resp = admin.get(url, params={"action": "priority.create"})
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(resp.text)))
        details = [r["detail"] for r in rows]
        assert "'" + title in details
        for row in rows:
            assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_erasure_on_the_web_takes_two_steps_and_the_export_downloads(client_as, web_database):
    with _db(web_database) as s:
        person = s.scalars(
            select(Employee)
            .where(Employee.email.is_not(None), Employee.external_id.not_like("erased-%"))
            .order_by(Employee.id.desc())
        ).first()
        pid, external_id, name = person.id, person.external_id, person.name
    admin = client_as("admin")
    page = admin.get(f"/privacy/people/{pid}")
    assert page.status_code == 200 and external_id in page.text
    export = admin.get(f"/privacy/people/{pid}/export.json")
    assert json.loads(export.text)["person"][0]["name"] == name
    zipped = admin.get(f"/privacy/people/{pid}/export.zip")
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).testzip() is None
    found = admin.get("/privacy", params={"q": external_id}).text
    assert f"/privacy/people/{pid}" in found
    # Step one only asks.
    ask = admin.post(f"/privacy/people/{pid}/erase", data={})
    assert (
        ask.status_code == 200 and f"Type the HR number <strong>{external_id}</strong>" in ask.text
    )
    with _db(web_database) as s:
        assert s.get(Employee, pid).name == name
    # A wrong confirmation changes nothing and says what to type.
    wrong = admin.post(f"/privacy/people/{pid}/erase/confirm", data={"confirm": "yes"})
    assert wrong.status_code == 422 and f"({external_id}) to confirm" in wrong.text
    with _db(web_database) as s:
        assert s.get(Employee, pid).name == name
        assert not s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "person.erase", AuditEvent.person_id == pid
            )
        ).first()
    done = admin.post(f"/privacy/people/{pid}/erase/confirm", data={"confirm": external_id})
    assert done.status_code == 303
    after = admin.get(done.headers["location"]).text
    assert "pseudonymised" in after and name not in after
    with _db(web_database) as s:
        erased = s.get(Employee, pid)
        assert erased.external_id.startswith("erased-") and erased.email is None
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "person.erase", AuditEvent.person_id == pid
            )
        ).one()
        assert event.path == f"POST /privacy/people/{pid}/erase/confirm"


def test_the_api_erases_with_confirmation_and_reports_retention(client_as, web_database):
    with _db(web_database) as s:
        person = s.scalars(
            select(Employee)
            .where(Employee.external_id.not_like("erased-%"))
            .order_by(Employee.id.desc())
        ).first()
        external_id = person.external_id
    admin = client_as("admin")
    refused = admin.post(f"/api/privacy/people/{external_id}/erase", json={"confirm": "no"})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    done = admin.post(f"/api/privacy/people/{external_id}/erase", json={"confirm": external_id})
    assert done.status_code == 200 and done.json()["pseudonym"].startswith("erased-")
    retention = admin.get("/api/privacy/retention").json()
    assert retention["dry_run"] is True and len(retention["steps"]) == 3
    assert client_as("ld").get("/api/privacy/retention").status_code == 403
