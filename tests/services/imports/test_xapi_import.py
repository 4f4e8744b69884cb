"""xAPI statements on SQLite and PostgreSQL: validation, 2.0, duplicates, conflicts, voiding."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from tests.services.imports.conftest import EXAMPLES, count

from lodestar.db.models import Employee, LearningStatement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def statement(**over: object) -> dict:
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:someone@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.com/course/1"},
        "timestamp": "2025-03-01T10:00:00Z",
        "result": {"score": {"scaled": 0.5}, "completion": True},
    }
    base.update(over)
    return base


def jsonl(*items: object) -> bytes:
    return "\n".join(i if isinstance(i, str) else json.dumps(i) for i in items).encode()


def test_raw_json_is_kept_unchanged_beside_the_parsed_fields(db, load):
    line = json.dumps(statement(version="1.0.3"), indent=None, separators=(", ", ": "))
    report = load("xapi", line.encode(), "s.jsonl")
    assert report.added == 1
    row = db.scalars(select(LearningStatement).order_by(LearningStatement.id.desc())).first()
    assert row.raw == line
    assert (row.verb_id, row.score_scaled, row.completion, row.version) == (
        "http://adlnet.gov/expapi/verbs/completed", 0.5, True, "1.0.3"
    )  # fmt: skip
    assert row.actor_key == "mbox:someone@example.com"


def test_actors_are_matched_to_employees_by_email_and_account(db, load):
    person = db.scalars(select(Employee).where(Employee.email.is_not(None))).first()
    report = load(
        "xapi",
        jsonl(
            statement(actor={"mbox": f"mailto:{person.email.upper()}"}),
            statement(actor={"account": {"homePage": "https://hr", "name": person.external_id}}),
        ),
    )
    assert report.added == 2
    ids = db.scalars(select(LearningStatement.employee_id).order_by(LearningStatement.id.desc())
                     .limit(2)).all()  # fmt: skip
    assert ids == [person.id, person.id]


def test_malformed_statements_are_reported_with_line_and_path(db, load, rejected):
    before = count(db, LearningStatement)
    report = rejected(
        "xapi",
        jsonl(
            statement(),
            "{not json",
            statement(actor={"name": "No identifier"}),
            statement(verb={"id": "completed"}),
            statement(timestamp="yesterday"),
            statement(result={"score": {"scaled": 3}}),
            statement(id="not-a-uuid"),
            statement(version="0.95"),
        ),
    )
    got = {(p.line, p.column) for p in report.problems}
    assert got == {(2, "(line)"), (3, "actor"), (4, "verb.id"), (5, "timestamp"),
                   (6, "result.score.scaled"), (7, "id"), (8, "version")}  # fmt: skip
    assert all(p.reason.endswith(".") for p in report.problems)
    assert count(db, LearningStatement) == before


def test_xapi_2_0_is_accepted_and_must_carry_a_time_zone(load, rejected):
    assert load("xapi", jsonl(statement(version="2.0.0"))).added == 1
    (problem,) = rejected(
        "xapi", jsonl(statement(version="2.0.0", timestamp="2025-03-01T10:00:00"))
    ).problems
    assert problem.column == "timestamp" and "time zone" in problem.reason


def test_duplicates_same_content_is_a_noop_different_content_a_conflict(db, load, rejected):
    one = statement()
    report = load("xapi", jsonl(one, one))
    assert (report.added, report.unchanged) == (1, 1)
    again = load("xapi", jsonl(one))
    assert (again.added, again.unchanged) == (0, 1)
    changed = {**one, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    (problem,) = rejected("xapi", jsonl(changed)).problems
    assert problem.column == "id" and "different content" in problem.reason
    (inside,) = rejected("xapi", jsonl(statement(id=one["id"][:-1] + "0"), changed, one)).problems[
        :1
    ]
    assert inside.line in (2, 3)


def test_voiding_marks_the_target_in_the_file_stored_before_or_arriving_later(db, load):
    first, second = statement(), statement()
    load("xapi", jsonl(first))

    def voiding(target: dict) -> dict:
        return statement(verb={"id": VOIDED},
                         object={"objectType": "StatementRef", "id": target["id"]})  # fmt: skip

    later = statement()
    report = load("xapi", jsonl(voiding(first), second, voiding(second), voiding(later)))
    assert report.added == 4
    load("xapi", jsonl(later))
    voided = dict(
        db.execute(select(LearningStatement.statement_id, LearningStatement.voided)).all()
    )
    assert voided[first["id"]] and voided[second["id"]] and voided[later["id"]]


def test_the_example_statements_import(load):
    report = load("xapi", (EXAMPLES / "statements.jsonl").read_bytes(), "statements.jsonl")
    assert report.added == 4 and report.notes == ["1 statement was marked voided."]
