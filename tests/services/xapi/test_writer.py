"""The one statement writer on SQLite and PostgreSQL: raw JSON kept, idempotent by id, a
conflicting batch leaves nothing, voiding in either order, related agents and activities."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from lodestar.db.models import LearningStatement, XapiStatementRef
from lodestar.services.xapi.values import StatementInvalid
from lodestar.services.xapi.writer import (
    StatementConflict,
    checked_statement,
    write_statements,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
AUTHORITY = {"objectType": "Agent", "name": "lms", "account": {"homePage": "urn:lodestar:xapi",
                                                               "name": "k1"}}  # fmt: skip


def statement(**over: object) -> dict:
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:writer@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.com/course/w"},
    }
    base.update(over)
    return base


def valid(*items: dict):
    return [checked_statement(i) for i in items]


def stored(db, sid: str) -> LearningStatement | None:
    return db.scalar(select(LearningStatement).where(LearningStatement.statement_id == sid))


def test_raw_json_authority_and_stored_time_are_kept(db):
    text = (
        '{"actor": {"mbox": "mailto:a@example.com"},  "verb": {"id": "http://x.org/v"}, '
        '"object": {"id": "http://x.org/a"}, "id": "0f6a3e2c-3b1e-4c8e-9f00-000000000001"}'
    )
    out = write_statements(db, [checked_statement(json.loads(text), raw=text)],
                           authority=AUTHORITY)  # fmt: skip
    assert (out.added, out.ids) == (1, ["0f6a3e2c-3b1e-4c8e-9f00-000000000001"])
    row = stored(db, out.ids[0])
    assert row.raw == text
    assert json.loads(row.authority) == AUTHORITY
    assert row.stored is not None and row.timestamp == row.stored  # no timestamp: stored
    assert (row.version, row.object_type, row.actor_key) == ("1.0.0", "Activity",
                                                             "mbox:a@example.com")  # fmt: skip


def test_a_statement_without_id_gets_one():
    s = statement()
    del s["id"]
    got = checked_statement(s)
    assert uuid.UUID(got.data["id"]) and json.loads(got.raw)["id"] == got.data["id"]


def test_same_content_is_a_noop_and_other_content_a_conflict_leaving_nothing(db):
    one = statement()
    assert write_statements(db, valid(one)).added == 1
    again = write_statements(db, valid(one, one))
    assert (again.added, again.unchanged) == (0, 2)
    fresh, changed = statement(), {**one, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    before = db.scalar(select(func.count()).select_from(LearningStatement))
    with pytest.raises(StatementConflict) as caught:
        write_statements(db, valid(fresh, changed))
    assert caught.value.status == 409 and "different content" in caught.value.message
    assert db.scalar(select(func.count()).select_from(LearningStatement)) == before
    assert stored(db, fresh["id"]) is None


def test_two_different_statements_with_one_id_in_a_batch_conflict(db):
    one = statement()
    other = {**one, "object": {"id": "https://lms.example.com/course/other"}}
    with pytest.raises(StatementConflict):
        write_statements(db, valid(one, other))
    assert stored(db, one["id"]) is None


def test_voiding_applies_before_and_after_the_target_arrives(db):
    early, late = statement(), statement()
    write_statements(db, valid(early))

    def voiding(target: dict) -> dict:
        return statement(verb={"id": VOIDED},
                         object={"objectType": "StatementRef", "id": target["id"]})  # fmt: skip

    out = write_statements(db, valid(voiding(early), voiding(late)))
    assert out.voided == 1
    write_statements(db, valid(late))
    assert stored(db, early["id"]).voided and stored(db, late["id"]).voided
    voider = voiding(statement())
    write_statements(db, valid(voider, voiding(voider)))
    assert not stored(db, voider["id"]).voided  # a voiding statement is never voided


def test_everything_a_statement_mentions_is_filed_for_related_queries(db):
    s = statement(
        context={
            "instructor": {"mbox": "mailto:coach@example.com"},
            "contextActivities": {"parent": [{"id": "https://lms.example.com/program/p"}]},
        }
    )
    (sid,) = write_statements(db, valid(s), authority=AUTHORITY).ids
    refs = set(
        db.execute(
            select(XapiStatementRef.kind, XapiStatementRef.key)
            .join(LearningStatement, LearningStatement.id == XapiStatementRef.statement_pk)
            .where(LearningStatement.statement_id == sid)
        ).all()
    )
    assert refs == {
        ("agent", "mbox:coach@example.com"),
        ("agent", "account:urn:lodestar:xapi|k1"),
        ("activity", "https://lms.example.com/program/p"),
    }


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"verb": {"id": "http://x.org/v", "display": {"not a tag!": "x"}}}, "verb.display"),
        ({"actor": {"mbox": "mailto:a@x.org", "openid": "http://x.org/me"}}, "actor"),
        ({"object": {"objectType": "StatementRef", "id": "nope"}}, "object.id"),
        ({"result": {"duration": "an hour"}}, "result.duration"),
        ({"context": {"platform": "x"}, "object": {"objectType": "Agent",
                                                     "mbox": "mailto:b@x.org"}},
         "context.platform"),
        ({"colour": "red"}, "colour"),
        ({"verb": {"id": VOIDED}}, "object"),
    ],
)  # fmt: skip
def test_statements_breaking_the_data_model_are_refused_with_their_path(change, path):
    with pytest.raises(StatementInvalid) as caught:
        checked_statement(statement(**change))
    assert caught.value.path.startswith(path) and caught.value.reason.endswith(".")


def test_a_statement_whose_raw_json_retention_removed_is_rebuilt_from_its_columns(db):
    from lodestar.services.xapi.reading import one_statement

    s = statement(result={"score": {"scaled": 0.8}, "success": True})
    write_statements(db, valid(s))
    stored(db, s["id"]).raw = ""  # what LODESTAR_PRIVACY__RAW_STATEMENT_RETENTION_DAYS does
    db.flush()
    back = one_statement(db, s["id"], voided=False).data
    assert back["actor"] == {"mbox": "mailto:writer@example.com"}
    assert back["verb"] == s["verb"] and back["object"]["id"] == s["object"]["id"]
    assert back["result"] == {"success": True, "score": {"scaled": 0.8}}
    assert write_statements(db, valid(s)).unchanged == 1  # the id stays taken
