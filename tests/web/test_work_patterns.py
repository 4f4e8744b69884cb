"""Work patterns (the days and clock a person's nudges follow) in the web app and the JSON API:
everyone sets their own on the account page, a manager their direct reports', the L&D team
anyone's from a program's nudges page; others are refused without learning who exists."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import Employee, Program, ProgramEnrolment, User, WorkPattern
from lodestar.db.session import make_engine

pytestmark = pytest.mark.xdist_group("test_work_patterns")

PROBLEM = "application/problem+json"


def _one(url: str, query):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with Session(engine) as s:
        found = s.execute(query).first()
    engine.dispose()
    return found


def _pattern(url: str, employee_id: int) -> tuple[str, str] | None:
    row = _one(
        url,
        select(WorkPattern.time_zone, WorkPattern.working_days).where(
            WorkPattern.employee_id == employee_id
        ),
    )
    return None if row is None else (row[0], row[1])


def _persona(url: str, role: str) -> tuple[int, str]:
    """The employee id and HR number of the first demo persona with ``role``."""
    row = _one(
        url,
        select(Employee.id, Employee.external_id)
        .join(User, User.employee_id == Employee.id)
        .where(User.role == role)
        .order_by(User.id),
    )
    assert row is not None
    return int(row[0]), str(row[1])


def test_an_employee_sets_their_own_calendar_on_the_account_page(client_as, web_database):
    emp_id, _ = _persona(web_database, "employee")
    me = client_as("employee")
    page = me.get("/account")
    assert page.status_code == 200
    assert "Your working calendar" in page.text and "company's defaults" in page.text
    form = {
        "csrf_token": csrf_from(page.text),
        "time_zone": "Asia/Singapore",
        "working_days": ["sun", "mon", "tue", "wed", "thu"],
    }
    saved = me.post("/account/work-pattern", data=form)
    assert saved.status_code == 303, saved.text
    assert _pattern(web_database, emp_id) == ("Asia/Singapore", "mon,tue,wed,thu,sun")
    assert "Your nudges now follow Asia/Singapore" in me.get("/account").text

    bad = me.post("/account/work-pattern", data={**form, "time_zone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "is not a time zone Lodestar knows" in bad.text
    assert 'value="Mars/Olympus"' in bad.text  # what was typed stays
    none = me.post("/account/work-pattern", data={**form, "working_days": []})
    assert none.status_code == 422 and "at least one working day" in none.text
    assert _pattern(web_database, emp_id) == ("Asia/Singapore", "mon,tue,wed,thu,sun")

    api = me.get("/api/me/work-pattern").json()
    assert api["own"] is True and api["time_zone"] == "Asia/Singapore"
    cleared = me.post("/account/work-pattern/clear", data={"csrf_token": form["csrf_token"]})
    assert cleared.status_code == 303
    assert _pattern(web_database, emp_id) is None
    assert me.get("/api/me/work-pattern").json()["own"] is False


def test_a_manager_sets_a_direct_report_s_calendar_and_no_one_else_s(client_as, web_database):
    mgr_id, _ = _persona(web_database, "manager")
    report = _one(
        web_database,
        select(Employee.id, Employee.external_id)
        .where(Employee.manager_id == mgr_id, Employee.exit_date.is_(None))
        .order_by(Employee.name, Employee.id),
    )
    stranger = _one(
        web_database,
        select(Employee.external_id).where(
            Employee.manager_id != mgr_id, Employee.id != mgr_id, Employee.manager_id.is_not(None)
        ),
    )
    assert report is not None and stranger is not None
    manager = client_as("manager")
    page = manager.get("/account")
    assert "Your team's working calendars" in page.text and report[1] in page.text
    token = csrf_from(page.text)
    saved = manager.post(
        "/account/team-work-pattern",
        data={
            "csrf_token": token,
            "employee": report[1],
            "time_zone": "America/New_York",
            "working_days": ["tue", "wed", "thu", "fri", "sat"],
        },
    )
    assert saved.status_code == 303, saved.text
    assert _pattern(web_database, report[0]) == ("America/New_York", "tue,wed,thu,fri,sat")

    refused = manager.put(f"/api/employees/{stranger[0]}/work-pattern", json={"time_zone": "UTC"})
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    via_api = manager.get(f"/api/employees/{report[1]}/work-pattern").json()
    assert via_api["own"] and via_api["working_days"] == "tue,wed,thu,fri,sat"


def test_an_employee_cannot_probe_or_change_others(client_as, web_database):
    _, manager_ref = _persona(web_database, "manager")
    me = client_as("employee")
    for ref in (manager_ref, "NO-SUCH-PERSON"):
        for resp in (
            me.get(f"/api/employees/{ref}/work-pattern"),
            me.put(f"/api/employees/{ref}/work-pattern", json={"time_zone": "UTC"}),
            me.delete(f"/api/employees/{ref}/work-pattern"),
        ):
            assert resp.status_code == 403, (ref, resp.text)
            assert "your own working calendar" in resp.json()["detail"]
    assert me.get("/api/programs/1/work-patterns").status_code == 403


def test_ld_sets_recipients_calendars_from_the_nudges_page(client_as, web_database):
    pid = _one(web_database, select(Program.id).where(Program.code == "fcr_pilot"))[0]
    person = _one(
        web_database,
        select(Employee.id, Employee.external_id, Employee.name)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == pid, ProgramEnrolment.group == "participant")
        .order_by(Employee.id),
    )
    ld = client_as("ld")
    page = ld.get(f"/programs/{pid}/nudges")
    assert "Recipients' working calendars" in page.text
    assert 'id="default-calendar">UTC, mon, tue, wed, thu, fri' in page.text
    token = csrf_from(page.text)
    form = {
        "csrf_token": token,
        "employee": person[1],
        "time_zone": "Europe/Lisbon",
        "working_days": ["mon", "tue", "wed", "thu"],
    }
    bad = ld.post(f"/programs/{pid}/nudges/work-patterns", data={**form, "employee": "E-NOPE"})
    assert bad.status_code == 422 and "There is no employee &#39;E-NOPE&#39;" in bad.text
    assert 'value="E-NOPE"' in bad.text
    saved = ld.post(f"/programs/{pid}/nudges/work-patterns", data=form)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#calendars")
    assert _pattern(web_database, person[0]) == ("Europe/Lisbon", "mon,tue,wed,thu")
    after = ld.get(f"/programs/{pid}/nudges").text
    assert f"{person[2]}&#39;s nudges now follow Europe/Lisbon" in after
    assert person[1] in after and "Use the defaults" in after

    counts = ld.get(f"/api/programs/{pid}/work-patterns").json()
    assert counts["with_own_pattern"] >= 1 and counts["people"] >= counts["with_own_pattern"]
    assert person[1] in [p["employee"] for p in counts["own"]]
    # Managers read how many follow the defaults, not whose calendar is whose.
    manager_view = client_as("manager").get(f"/api/programs/{pid}/work-patterns").json()
    assert manager_view["with_own_pattern"] == counts["with_own_pattern"]
    assert manager_view["own"] == []
    manager_page = client_as("manager").get(f"/programs/{pid}/nudges").text
    assert "Recipients' working calendars" in manager_page
    assert 'data-testid="set-pattern-form"' not in manager_page and person[1] not in manager_page

    cleared = ld.post(
        f"/programs/{pid}/nudges/work-patterns/clear",
        data={"csrf_token": token, "employee": person[1]},
    )
    assert cleared.status_code == 303
    assert _pattern(web_database, person[0]) is None


def test_ld_uses_the_api_for_anyone(client_as, web_database):
    ref = _one(web_database, select(Employee.external_id).order_by(Employee.id.desc()))[0]
    ld = client_as("ld")
    put = ld.put(
        f"/api/employees/{ref}/work-pattern",
        json={"time_zone": "Australia/Sydney", "working_days": "mon-thu"},
    )
    assert put.status_code == 200, put.text
    body = put.json()
    assert body == {**body, "employee": ref, "working_days": "mon,tue,wed,thu", "own": True}
    bad = ld.put(f"/api/employees/{ref}/work-pattern", json={"time_zone": "Nowhere/Town"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    assert ld.get(f"/api/employees/{ref}/work-pattern").json()["time_zone"] == "Australia/Sydney"
    assert ld.get("/api/employees/E-NOPE/work-pattern").status_code == 404
    back = ld.delete(f"/api/employees/{ref}/work-pattern")
    assert back.status_code == 200 and back.json()["own"] is False
    assert back.json()["time_zone"] == "UTC"
