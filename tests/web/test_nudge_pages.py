"""The nudge pages: a program's nudges (L&D writes one from the Prompt; managers read; employees
are refused), and the public page a signed link opens, which asks first and records on the
button (CSRF-checked), without signing in."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    LearningStatement,
    Nudge,
    NudgeDelivery,
    Program,
    ProgramEnrolment,
)
from lodestar.db.session import make_engine
from lodestar.services.nudges.links import answer_token

SECRET = "test-secret-key-123456789"  # tests.conftest.make_app_client's
FCR = "fcr_pilot"


def _program_id(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as s:
        found = s.scalar(select(Program.id).where(Program.code == FCR))
    engine.dispose()
    assert found is not None
    return int(found)


def test_ld_writes_a_nudge_from_the_programs_prompt(client_as, web_database):
    pid = _program_id(web_database)
    ld = client_as("ld")
    page = ld.get(f"/programs/{pid}/nudges")
    assert page.status_code == 200
    assert "A two-question checklist appears" in page.text  # the demo canvas Prompt
    assert "{prompt}" in page.text  # the new-nudge form starts from it
    # The demo's nudge, previewed for a made-up person: its template filled, the Prompt in it.
    assert "<p>Good morning Alex,</p>" in page.text
    assert "First-Contact Resolution pilot: checklist day 1 of 10" in page.text
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "Closing checklist",
        "channel": "slack",
        "audience": "participants",
        "subject": "{program}: day {day}",
        "body": "Hi {first_name}. {prompt}",
        "send_at": "09:15",
        "first_day": "2",
        "occurrences": "5",
        "every": "1",
        "quiet_start": "19:00",
        "quiet_end": "07:30",
        "behaviour": "Runs the resolution checklist before closing a contact",
    }
    saved = ld.post(f"/programs/{pid}/nudges/new", data=form)
    assert saved.status_code == 303 and saved.headers["location"] == f"/programs/{pid}/nudges"
    after = ld.get(f"/programs/{pid}/nudges").text
    assert "Closing checklist" in after
    assert "09:15 on each of working days 2–6 after each participant&#39;s start" in after
    bad = ld.post(
        f"/programs/{pid}/nudges/new", data={**form, "body": "Your {salary}", "send_at": "20:00"}
    )
    assert bad.status_code == 422
    assert "{salary}" in bad.text and 'id="body-error"' in bad.text
    assert 'id="send_at-error"' in bad.text and "quiet hours" in bad.text
    assert 'value="Closing checklist"' in bad.text  # what was typed stays


def test_pause_and_resume(client_as, web_database):
    pid = _program_id(web_database)
    ld = client_as("ld")
    token = csrf_from(ld.get(f"/programs/{pid}/nudges").text)
    form = {
        "csrf_token": token,
        "name": "Pausable",
        "channel": "email",
        "audience": "managers",
        "subject": "About {participant}",
        "body": "Ask {participant_first_name} about it.",
        "send_at": "10:00",
        "first_day": "1",
        "occurrences": "1",
        "every": "1",
    }
    assert ld.post(f"/programs/{pid}/nudges/new", data=form).status_code == 303
    engine = make_engine(web_database)
    with Session(engine) as s:
        nid = s.scalar(select(Nudge.id).where(Nudge.name == "Pausable"))
    assert (
        ld.post(f"/programs/{pid}/nudges/{nid}/pause", data={"csrf_token": token}).status_code
        == 303
    )
    with Session(engine) as s:
        assert s.get(Nudge, nid).active is False  # type: ignore[union-attr]
    assert (
        ld.post(f"/programs/{pid}/nudges/{nid}/resume", data={"csrf_token": token}).status_code
        == 303
    )
    with Session(engine) as s:
        assert s.get(Nudge, nid).active is True  # type: ignore[union-attr]
    engine.dispose()
    # A reload of the URL the form posted to leads back to the page.
    assert (
        ld.get(f"/programs/{pid}/nudges/{nid}/pause").headers["location"]
        == f"/programs/{pid}/nudges"
    )


def test_managers_read_the_counts_without_the_form_and_employees_are_refused(
    client_as, web_database
):
    pid = _program_id(web_database)
    page = client_as("manager").get(f"/programs/{pid}/nudges")
    assert page.status_code == 200 and 'id="new"' not in page.text
    assert client_as("employee").get(f"/programs/{pid}/nudges").status_code == 403


def _sent_delivery(url: str) -> tuple[int, int, int]:
    """A sent delivery of a participants' nudge naming the FCR behaviour:
    (delivery id, participant id, nudge id)."""
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        pid = s.scalar(select(Program.id).where(Program.code == FCR))
        person = s.scalar(
            select(ProgramEnrolment.employee_id)
            .where(
                ProgramEnrolment.program_id == pid,
                ProgramEnrolment.group == "participant",
                ProgramEnrolment.start_date.is_not(None),
            )
            .order_by(ProgramEnrolment.employee_id)
        )
        from datetime import time

        nudge = Nudge(
            program_id=pid,
            name="Answered in the test",
            channel="email",
            audience="participants",
            subject="s",
            body="b",
            send_at=time(8, 30),
            behaviour="Runs the resolution checklist before closing a contact",
        )
        s.add(nudge)
        s.flush()
        row = NudgeDelivery(
            nudge_id=nudge.id,
            employee_id=person,
            recipient_id=person,
            occurrence=1,
            due_at=datetime(2026, 1, 6, 8, 30, tzinfo=UTC),
            status="sent",
            attempts=1,
            sent_at=datetime(2026, 1, 6, 8, 30, tzinfo=UTC),
        )
        s.add(row)
        s.flush()
        ids = (row.id, int(person), nudge.id)  # type: ignore[arg-type]
    engine.dispose()
    return ids


def test_an_answer_link_asks_then_records_a_statement_without_sign_in(client_as, web_database):
    delivery, person, nudge_id = _sent_delivery(web_database)
    anonymous = client_as(None)
    url = f"/nudges/answer/{answer_token(SECRET, delivery, 'done')}"
    page = anonymous.get(url)
    assert page.status_code == 200 and "Done it?" in page.text
    assert "Nothing is recorded until you press the button" in page.text
    engine = make_engine(web_database)
    with Session(engine) as s:
        assert s.get(NudgeDelivery, delivery).answer is None  # type: ignore[union-attr]
    # A cross-site POST without the page's token records nothing.
    assert anonymous.post(url).status_code == 403
    done = anonymous.post(url, data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and "noted as done" in done.text
    with Session(engine) as s:
        row = s.get(NudgeDelivery, delivery)
        assert row is not None and row.answer == "done"
        statement = s.scalar(
            select(LearningStatement).where(
                LearningStatement.verb_id == "http://adlnet.gov/expapi/verbs/completed",
                LearningStatement.employee_id == person,
                LearningStatement.object_id.endswith(f"/nudges/{nudge_id}"),
            )
        )
        assert statement is not None and statement.completion is True
        raw = json.loads(statement.raw)
        email = s.scalar(select(Employee.email).where(Employee.id == person))
        assert raw["actor"]["mbox"] == f"mailto:{email}"
        assert raw["object"]["id"].endswith(f"/programs/{FCR}/nudges/{row.nudge_id}")
        report = s.scalar(
            select(BehaviourObservation).where(
                BehaviourObservation.employee_id == person, BehaviourObservation.source == "self"
            )
        )
        assert report is not None and report.observed is True
        assert str(report.observed_on) == "2026-01-06"
    engine.dispose()
    again = anonymous.post(
        f"/nudges/answer/{answer_token(SECRET, delivery, 'not_today')}",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert "already answered “Done it”" in again.text


def test_a_changed_link_is_refused(client_as):
    anonymous = client_as(None)
    token = answer_token(SECRET, 1, "done")
    forged = re.sub(r"^\d+", "2", token)
    page = anonymous.get(f"/nudges/answer/{forged}")
    assert page.status_code == 404 and "not valid" in page.text
    assert anonymous.get("/nudges/answer/nonsense").status_code == 404


def test_ld_changes_a_nudge_and_a_refused_change_reopens_its_form(client_as, web_database):
    pid = _program_id(web_database)
    ld = client_as("ld")
    engine = make_engine(web_database)
    with Session(engine) as s:
        nid = s.scalar(select(Nudge.id).where(Nudge.program_id == pid).order_by(Nudge.id))
    page = ld.get(f"/programs/{pid}/nudges")
    assert f'id="edit-{nid}"' in page.text and f'id="n{nid}-body"' in page.text
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "Closing checklist mornings",
        "channel": "teams",
        "audience": "participants",
        "subject": "Day {day}",
        "body": "{prompt}",
        "send_at": "08:00",
        "first_day": "1",
        "occurrences": "10",
        "every": "1",
        "quiet_start": "19:00",
        "quiet_end": "07:30",
    }
    refused = ld.post(f"/programs/{pid}/nudges/{nid}/edit", data={**form, "occurrences": "x"})
    assert refused.status_code == 422
    assert f'id="n{nid}-occurrences-error"' in refused.text
    assert f'<details class="nudge-edit" id="edit-{nid}" open>' in refused.text
    saved = ld.post(f"/programs/{pid}/nudges/{nid}/edit", data=form)
    assert saved.status_code == 303
    with Session(engine) as s:
        row = s.get(Nudge, nid)
        assert row is not None and (row.channel, row.subject) == ("teams", "Day {day}")
    engine.dispose()


def test_the_counts_are_whole_numbers_and_match_the_api(client_as, web_database):
    pid = _program_id(web_database)
    ld = client_as("ld")
    page = ld.get(f"/programs/{pid}/nudges").text
    shown = re.findall(r'data-count="([a-z_-]+)">([^<]*)<', page)
    assert shown, "the page shows its counts"
    for name, text in shown:
        if name != "rate":
            assert re.fullmatch(r"\d{1,3}(,\d{3})*", text), f"{name}: {text!r}"
    sent = {int(text.replace(",", "")) for name, text in shown if name == "sent"}
    demo = [n for n in ld.get(f"/api/programs/{pid}/nudges").json() if n["counts"]["sent"]]
    assert demo and {n["counts"]["sent"] for n in demo} <= sent
    assert ".0 people" not in page and ".0 person" not in page
