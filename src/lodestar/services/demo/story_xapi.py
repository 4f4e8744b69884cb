"""The demo's xAPI activity: Brightwater's learning platform has sent statements about every
program's course. Each program names two activity IRIs (its course and the course's first
module); each participant with a start date launched the course that morning, and each who
completed it completed the module and passed the course with a score, on the day they
completed. So a program holds exactly participants-with-a-start + 2 × completers statements
(``expected_statement_count``), none voided, and they count in its tier 1."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lodestar.db.models import Employee, Program, ProgramActivity, ProgramEnrolment
from lodestar.services.xapi.writer import checked_statement, write_statements

LMS = "https://lms.brightwater.example"
HR = "https://hr.brightwater.example"
ADL = "http://adlnet.gov/expapi/verbs/"
AUTHORITY = {
    "objectType": "Agent",
    "name": "Brightwater LMS",
    "account": {"homePage": "urn:lodestar:xapi:credential", "name": "demo-lms"},
}
NAMESPACE = uuid.UUID("5b1c7e4e-2f0a-4c1e-9a57-6f2d1f0c9b11")
BATCH = 5000


def course_iris(code: str) -> tuple[str, str]:
    return f"{LMS}/course/{code}", f"{LMS}/course/{code}/module-1"


def _stamp(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _statement(
    key: str,
    who: str,
    verb: str,
    iri: str,
    name: str,
    day: date,
    hour: int,
    result: dict | None = None,
) -> dict:
    s = {
        "id": str(uuid.uuid5(NAMESPACE, key)),
        "actor": {"objectType": "Agent", "account": {"homePage": HR, "name": who}},
        "verb": {"id": ADL + verb, "display": {"en-GB": verb}},
        "object": {"objectType": "Activity", "id": iri, "definition": {"name": {"en-GB": name}}},
        "timestamp": _stamp(day, hour),
    }
    if result:
        s["result"] = result
    return s


def write_xapi_story(session: Session) -> int:
    """Write the statements and the programs' activity IRIs; returns how many statements."""
    written = 0
    pending: list[dict] = []
    for program_id, code, name in session.execute(
        select(Program.id, Program.code, Program.name).order_by(Program.id)
    ).all():
        course, module = course_iris(code)
        session.execute(
            insert(ProgramActivity),
            [
                {
                    "program_id": program_id,
                    "iri": iri,
                    "iri_hash": hashlib.sha256(iri.encode()).hexdigest(),
                }
                for iri in (course, module)
            ],
        )
        rows = session.execute(
            select(Employee.external_id, ProgramEnrolment.start_date, ProgramEnrolment.completed_on)
            .join(Employee, Employee.id == ProgramEnrolment.employee_id)
            .where(
                ProgramEnrolment.program_id == program_id,
                ProgramEnrolment.group == "participant",
                ProgramEnrolment.start_date.is_not(None),
            )
            .order_by(ProgramEnrolment.id)
        ).all()
        for who, start, done in rows:
            assert start is not None  # the query keeps participants with a start only
            key = f"{code}/{who}"
            pending.append(_statement(key + "/launched", who, "launched", course, name, start, 9))
            if done is not None:
                digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
                scaled = round(0.55 + (digest % 45) / 100, 2)
                pending.append(
                    _statement(
                        key + "/completed",
                        who,
                        "completed",
                        module,
                        f"{name}: module 1",
                        done,
                        14,
                        {"completion": True},
                    )
                )
                pending.append(
                    _statement(
                        key + "/passed",
                        who,
                        "passed",
                        course,
                        name,
                        done,
                        15,
                        {"success": True, "completion": True, "score": {"scaled": scaled}},
                    )
                )
            if len(pending) >= BATCH:
                written += _write(session, pending)
    return written + _write(session, pending)


def _write(session: Session, pending: list[dict]) -> int:
    if not pending:
        return 0
    added = write_statements(
        session, [checked_statement(s) for s in pending], authority=AUTHORITY
    ).added
    pending.clear()
    return added


def expected_statement_count(session: Session) -> int:
    """Participants with a start date, plus two statements per completer, over all programs."""
    started = ProgramEnrolment.start_date.is_not(None) & (ProgramEnrolment.group == "participant")
    rows = session.execute(select(ProgramEnrolment.completed_on).where(started)).all()
    return len(rows) + 2 * sum(1 for (done,) in rows if done is not None)
