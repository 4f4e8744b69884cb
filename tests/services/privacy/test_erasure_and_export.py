"""Subject access export and erasure by pseudonymisation, on SQLite and PostgreSQL.

After erasure, no text or JSON column of any table (the raw xAPI JSON included) holds the
person's name, email, HR number or the email's SHA-1; analyses still run."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from datetime import date

import pytest
from sqlalchemy import JSON, String, Table, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.base import Base
from lodestar.db.models import (
    AuditEvent,
    BehaviourObservation,
    Employee,
    ImportRun,
    LearningStatement,
    Program,
    ProgramEnrolment,
)
from lodestar.domain.intake import FIELD_NAMES
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import intake
from lodestar.services.impact.program_impact import estimate_program_impact
from lodestar.services.imports import import_file
from lodestar.services.privacy.erasure import erase_person
from lodestar.services.privacy.export import person_export

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}


def _statement(actor: dict, **over: object) -> dict:
    base = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {
            "id": "https://lms.example.com/course/1",
            "definition": {"name": {"en": "=1+1"}},
        },
        "timestamp": "2025-03-01T10:00:00Z",
        "result": {"score": {"scaled": 0.5}, "completion": True},
    }
    base.update(over)
    return base


def _participant(db: Session) -> Employee:
    """A participant of the first program with KPI values and an email."""
    program_id = db.scalar(select(Program.id).where(Program.code == "consultative_discovery"))
    return db.scalars(
        select(Employee)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program_id, Employee.email.is_not(None))
        .order_by(Employee.id)
    ).all()[0]  # the demo measures every program's participant on their KPI


def _platform_statements(db: Session, person: Employee) -> int:
    """The statements the demo's learning platform holds about the person already."""
    return int(db.scalar(select(func.count()).where(LearningStatement.employee_id == person.id)))


def _leave_traces(db: Session, actors, person: Employee) -> None:  # type: ignore[no-untyped-def]
    """Put the person's identifiers everywhere they can end up."""
    sha = hashlib.sha1(f"mailto:{person.email.lower()}".encode()).hexdigest()
    lines = [
        _statement({"mbox": f"mailto:{person.email}", "name": person.name}),
        _statement({"mbox_sha1sum": sha}),
        _statement(
            {"account": {"homePage": "https://hr", "name": person.external_id}},
            context={"instructor": {"mbox": "mailto:coach@example.com", "name": "Coach"}},
        ),
        # Somebody else's statement that names the person as the instructor.
        _statement(
            {"mbox": "mailto:someone.else@example.com"},
            context={"instructor": {"mbox": f"mailto:{person.email}", "name": person.name}},
        ),
    ]
    data = "\n".join(json.dumps(s, ensure_ascii=True) for s in lines).encode()
    assert import_file(db, actors["ld"], "xapi", data, "lms.jsonl").added == 4
    words = f"{person.name} ({person.email}, {person.external_id}) struggles with discovery."
    intake.submit_request(
        db,
        actors["manager"],
        intake.RequestInput(title="Coaching", **dict(FULL, context_of_work=words)),
    )
    db.add(
        ImportRun(
            kind="employees",
            filename="hris.csv",
            outcome="rejected",
            problems=json.dumps([[3, "email", person.email, f"{person.name} twice"]]),
            message=f"Line 3: {person.external_id} appears twice.",
        )
    )
    db.flush()


def _text_columns() -> list[tuple[Table, object]]:
    out = []
    for table in Base.metadata.sorted_tables:
        for col in table.columns:
            if isinstance(col.type, String | Text | JSON):
                out.append((table, col))
    return out


def _where_found(db: Session, needles: list[str]) -> list[str]:
    found = []
    for table, col in _text_columns():
        text = func.lower(cast(col, Text))
        hits = db.scalar(
            select(func.count())
            .select_from(table)
            .where(or_(*(text.contains(n.lower(), autoescape=True) for n in needles)))
        )
        if hits:
            found.append(f"{table.name}.{col.name}: {hits}")
    return found


def _needles(person: Employee) -> list[str]:
    sha = hashlib.sha1(f"mailto:{person.email.lower()}".encode()).hexdigest()
    return [person.name, json.dumps(person.name)[1:-1], person.email, person.external_id, sha]


def test_after_erasure_nothing_holds_the_persons_identifiers_and_analyses_still_run(db, actors):
    person = _participant(db)
    platform = _platform_statements(db, person)
    _leave_traces(db, actors, person)
    needles = _needles(person)
    assert len(_where_found(db, needles)) >= 4  # the traces are there to be found
    pid, external_id = person.id, person.external_id
    values_before = len(kpi_store.observations(db, employee_id=pid))
    assert values_before > 0
    with pytest.raises(InvalidInput, match=f"type their HR number \\({external_id}\\)"):
        erase_person(db, actors["admin"], external_id, confirm="yes")
    with pytest.raises(PermissionDenied, match="administrators only"):
        erase_person(db, actors["ld"], external_id, confirm=external_id)
    outcome = erase_person(db, actors["admin"], external_id, confirm=external_id)
    db.flush()
    assert outcome.pseudonym.startswith("erased-") and outcome.changed["statements"] == 4 + platform
    assert _where_found(db, needles) == []
    erased = db.get(Employee, pid)
    assert erased.external_id == outcome.pseudonym and erased.email is None
    # The raw JSON is still JSON, with a pseudonymous actor.
    for raw in db.scalars(
        select(LearningStatement.raw).where(LearningStatement.employee_id == pid)
    ):
        assert json.loads(raw)["actor"]["account"]["name"] == outcome.pseudonym
    # KPI values are kept under the internal number, so analyses add up.
    assert len(kpi_store.observations(db, employee_id=pid)) == values_before
    program_id = db.scalar(select(Program.id).where(Program.code == "consultative_discovery"))
    result = estimate_program_impact(db, actors["ld"], program_id)
    assert result.business is not None and result.business.n_treated > 0
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "person.erase")).one()
    assert event.person_id == pid and event.actor_id == actors["admin"].user_id
    # Erasing again is a no-op that says so.
    again = erase_person(db, actors["admin"], outcome.pseudonym, confirm="")
    assert again.already and "already pseudonymised" in again.summary()


def test_a_namesake_keeps_their_name_and_a_longer_hr_number_is_not_touched(db, actors):
    person = _participant(db)
    other = db.scalars(select(Employee).where(Employee.id != person.id)).first()
    name, longer = person.name, person.external_id + "1"
    other.name, other.external_id = name, longer
    db.flush()
    erase_person(db, actors["admin"], person.external_id, confirm=person.external_id)
    db.flush()
    db.refresh(other)
    assert person.name != name  # the person is erased ...
    assert (other.name, other.external_id) == (name, longer)  # ... their namesake is not


def test_erasure_with_facts_deleted_removes_kpi_values_and_their_totals(db, actors):
    person = _participant(db)
    pid = person.id
    kpi_ids = sorted(set(kpi_store.observations(db, employee_id=pid)["kpi_id"].tolist()))
    assert kpi_ids
    before = {k: kpi_store.observation_count(db, k) for k in kpi_ids}
    erase_person(
        db, actors["admin"], person.external_id, confirm=person.external_id, delete_facts=True
    )
    db.flush()
    assert kpi_store.observations(db, employee_id=pid).empty
    for kpi_id in kpi_ids:
        columns = kpi_store.read_columns(db, kpi_id)
        assert pid not in set(columns.subject.tolist())
        assert len(columns) == kpi_store.observation_count(db, kpi_id) < before[kpi_id]
    assert db.scalar(select(func.count()).where(ProgramEnrolment.employee_id == pid)) == 0


def test_the_export_holds_everything_about_the_person_as_json_and_csv(db, actors):
    person = _participant(db)
    platform = _platform_statements(db, person)
    _leave_traces(db, actors, person)
    db.add(
        BehaviourObservation(
            employee_id=person.id,
            behaviour='=HYPERLINK("https://evil.example","x")',
            observed_on=date(2025, 1, 6),
            observed=True,
            source="manager",
        )
    )
    with pytest.raises(PermissionDenied):
        person_export(db, actors["ld"], person.external_id)
    export = person_export(db, actors["admin"], person.email)
    counts = export.counts()
    assert counts["person"] == 1 and counts["learning_statements"] == 3 + platform
    assert counts["kpi_observations"] > 0 and counts["enrolments"] >= 1
    data = json.loads(export.as_json())
    assert data["person"][0]["external_id"] == person.external_id
    statement = data["learning_statements"][0]
    assert statement["raw_json"]["actor"] and statement["verb_id"].endswith("completed")
    with zipfile.ZipFile(io.BytesIO(export.as_zip())) as zf:
        names = set(zf.namelist())
        assert {"export.json", "person.csv", "kpi_observations.csv"} <= names
        statements_csv = zf.read("learning_statements.csv").decode()
        behaviours_csv = zf.read("behaviour_observations.csv").decode()
    assert statements_csv.count("\n") == 4 + platform  # header, three statements, the LMS's
    # A cell a spreadsheet would run as a formula is written as text.
    cells = {row["behaviour"] for row in csv.DictReader(io.StringIO(behaviours_csv))}
    assert '\'=HYPERLINK("https://evil.example","x")' in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert (
        db.scalars(select(AuditEvent).where(AuditEvent.action == "person.export")).one().person_id
        == person.id
    )
