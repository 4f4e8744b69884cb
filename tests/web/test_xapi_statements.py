"""The Statement resource against the xAPI specification (1.0.3 and 2.0.0), on SQLite and
PostgreSQL: storing (PUT, POST, batches, conflicts), reading (every filter, paging with
``more``, formats), voiding, the headers, and who may call it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from tests.web.xapi_client import Xapi, make_credential, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_about_needs_no_credentials_and_lists_both_versions(xapi_client):
    r = xapi_client.get("/xapi/about")
    assert r.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(r.json()["version"])


def test_requests_without_valid_credentials_are_refused_with_a_basic_challenge(
    xapi_client, database_url, client_as
):
    s = statement()
    anonymous = xapi_client.post(
        "/xapi/statements", json=s, headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    revoked = Xapi(xapi_client, *make_credential(database_url, revoked=True))
    assert revoked.post(s).status_code == 401
    wrong = Xapi(xapi_client, make_credential(database_url)[0], "not-the-secret")
    assert wrong.get().status_code == 401


def test_a_browser_session_is_not_an_xapi_credential(client_as):
    admin = client_as("admin")  # signed in, with a CSRF header: still not a xapi_source
    r = admin.get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert r.status_code == 401


@pytest.mark.parametrize("value", [None, "0.9", "1.1.0", "3.0.0"])
def test_a_missing_or_unknown_version_header_is_a_400(xapi_source, value):
    headers = xapi_source.headers()
    if value is None:
        del headers["X-Experience-API-Version"]
    else:
        headers["X-Experience-API-Version"] = value
    r = xapi_source.client.get("/xapi/statements", headers=headers)
    assert r.status_code == 400 and r.headers["X-Experience-API-Version"] in ("1.0.3", "2.0.0")


def test_put_stores_once_and_refuses_other_content_under_the_same_id(xapi_source):
    s = statement()
    sid = s["id"]
    assert (
        xapi_source.request("PUT", "/statements", params={"statementId": sid}, json=s).status_code
        == 204
    )
    assert (
        xapi_source.request("PUT", "/statements", params={"statementId": sid}, json=s).status_code
        == 204
    )
    other = {**s, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert (
        xapi_source.request(
            "PUT", "/statements", params={"statementId": sid}, json=other
        ).status_code
        == 409
    )
    mismatch = xapi_source.request(
        "PUT", "/statements", params={"statementId": str(uuid.uuid4())}, json=s
    )
    assert mismatch.status_code == 400
    assert xapi_source.request("PUT", "/statements", json=s).status_code == 400  # no statementId
    got = xapi_source.get(statementId=sid)
    assert got.status_code == 200
    body = got.json()
    assert body["verb"]["id"].endswith("/completed") and body["id"] == sid
    assert body["authority"]["objectType"] == "Agent" and "account" in body["authority"]
    stored = datetime.fromisoformat(body["stored"].replace("Z", "+00:00"))
    assert abs(stored - datetime.now(UTC)) < timedelta(minutes=5)
    assert got.headers["Last-Modified"] and got.headers["X-Experience-API-Consistent-Through"]


def test_post_returns_the_ids_and_a_bad_batch_stores_nothing(xapi_source):
    a, b = statement(), statement()
    del b["id"]
    r = xapi_source.post([a, b])
    assert r.status_code == 200
    ids = r.json()
    assert ids[0] == a["id"] and uuid.UUID(ids[1])
    good, bad = statement(), statement(verb={"id": "not an iri"})
    assert xapi_source.post([good, bad]).status_code == 400
    assert xapi_source.get(statementId=good["id"]).status_code == 404
    twice = statement()
    assert xapi_source.post([twice, twice]).status_code == 400  # one id twice in a batch


def test_the_authority_is_the_credential_whatever_the_statement_says(xapi_source):
    s = statement(authority={"objectType": "Agent", "mbox": "mailto:impostor@example.com"})
    xapi_source.post(s)
    authority = xapi_source.get(statementId=s["id"]).json()["authority"]
    assert "mbox" not in authority and authority["account"]["homePage"].startswith("urn:lodestar")


def test_voided_statements_leave_lists_and_are_found_only_by_voided_statement_id(xapi_source):
    target = statement()
    xapi_source.post(target)
    voiding = statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    assert xapi_source.post(voiding).status_code == 200
    assert xapi_source.get(statementId=target["id"]).status_code == 404
    assert xapi_source.get(voidedStatementId=target["id"]).json()["id"] == target["id"]
    assert xapi_source.get(voidedStatementId=voiding["id"]).status_code == 404
    listed = xapi_source.get(activity=target["object"]["id"]).json()["statements"]
    # The target is gone from lists; the voiding statement that points at it is returned.
    assert [s["id"] for s in listed] == [voiding["id"]]


def test_every_filter_finds_exactly_its_statements(xapi_source):
    learner = {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.com"}
    coach = {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.com"}
    course = f"https://lms.example.com/course/{uuid.uuid4().hex[:6]}"
    program = f"https://lms.example.com/program/{uuid.uuid4().hex[:6]}"
    registration = str(uuid.uuid4())
    verb = f"https://verbs.example.com/{uuid.uuid4().hex[:6]}"
    one = statement(
        actor=learner,
        object={"id": course},
        context={
            "registration": registration,
            "instructor": coach,
            "contextActivities": {"parent": {"id": program}},
        },
    )
    two = statement(actor=coach, verb={"id": verb}, object={"id": program})
    three = statement(
        actor={"mbox": "mailto:other@example.com"}, object={**learner, "objectType": "Agent"}
    )
    xapi_source.post([one, two, three])

    def ids(**params: str) -> set[str]:
        return {s["id"] for s in xapi_source.get(**params).json()["statements"]}

    agent = f'{{"mbox": "{learner["mbox"]}"}}'
    coach_json = f'{{"mbox": "{coach["mbox"]}"}}'
    assert ids(agent=agent) == {one["id"], three["id"]}  # actor or object
    assert ids(agent=coach_json) == {two["id"]}
    assert ids(agent=coach_json, related_agents="true") == {one["id"], two["id"]}
    assert ids(verb=verb) == {two["id"]}
    assert ids(activity=program) == {two["id"]}
    assert ids(activity=program, related_activities="true") == {one["id"], two["id"]}
    assert ids(registration=registration) == {one["id"]}
    assert ids(agent=agent, verb="http://adlnet.gov/expapi/verbs/completed") == {
        one["id"],
        three["id"],
    }


def test_since_until_ascending_and_more_pages_return_each_statement_once(xapi_source):
    before = xapi_source.get(limit=1).json()["statements"][0]["stored"]
    actor = {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.com"}
    batch = [statement(actor=actor) for _ in range(7)]
    xapi_source.post(batch)
    agent = f'{{"mbox": "{actor["mbox"]}"}}'
    seen, page = [], xapi_source.get(agent=agent, limit=3, ascending="true").json()
    pages = 1
    while True:
        seen += [s["id"] for s in page["statements"]]
        if not page["more"]:
            break
        page = xapi_source.client.get(page["more"], headers=xapi_source.headers()).json()
        pages += 1
    assert seen == [s["id"] for s in batch] and pages == 3
    since = {s["id"] for s in xapi_source.get(since=before, agent=agent).json()["statements"]}
    assert since == {s["id"] for s in batch}
    assert xapi_source.get(until=before, agent=agent).json()["statements"] == []
    newest_first = xapi_source.get(agent=agent).json()["statements"]
    assert [s["id"] for s in newest_first] == [s["id"] for s in reversed(batch)]


@pytest.mark.parametrize(
    "params",
    [
        {"statementId": "nope"},
        {"limit": "-1"},
        {"format": "short"},
        {"ascending": "yes"},
        {"colour": "red"},
        {"statementId": str(uuid.uuid4()), "verb": "http://x.org/v"},
        {"agent": '{"name": "no identifier"}'},
        {"since": "yesterday"},
    ],
)
def test_malformed_queries_are_a_400_with_a_sentence(xapi_source, params):
    r = xapi_source.get(**params)
    assert r.status_code == 400 and r.json()["message"].endswith(".")
    assert r.headers["X-Experience-API-Consistent-Through"]


def test_formats_ids_and_canonical(xapi_source):
    s = statement(
        verb={
            "id": "http://adlnet.gov/expapi/verbs/attempted",
            "display": {"en-US": "attempted", "en-GB": "attempted (GB)"},
        },
        object={
            "id": f"https://lms.example.com/q/{uuid.uuid4().hex[:6]}",
            "definition": {"name": {"en-US": "Quiz", "fr": "Quiz FR"}},
        },
    )
    xapi_source.post(s)
    ids = xapi_source.get(statementId=s["id"], format="ids").json()
    assert ids["object"] == {"id": s["object"]["id"]} and "display" not in ids["verb"]
    canonical = xapi_source.request(
        "GET",
        "/statements",
        params={"statementId": s["id"], "format": "canonical"},
        headers={"Accept-Language": "en-GB"},
    ).json()
    assert canonical["verb"]["display"] == {"en-GB": "attempted (GB)"}
    exact = xapi_source.get(statementId=s["id"]).json()
    assert exact["verb"]["display"] == s["verb"]["display"]


def test_head_answers_the_headers_without_a_body(xapi_source):
    r = xapi_source.request("HEAD", "/statements", params={"limit": "1"})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["X-Experience-API-Consistent-Through"]


def test_version_2_answers_2_and_requires_time_zones(xapi_client, database_url):
    two = Xapi(xapi_client, *make_credential(database_url), version="2.0.0")
    r = two.post(statement(timestamp="2026-03-01T10:00:00"))
    assert r.status_code == 400 and r.headers["X-Experience-API-Version"] == "2.0.0"
    s = statement(timestamp="2026-03-01T10:00:00Z")
    assert two.post(s).status_code == 200
    assert two.get(statementId=s["id"]).json()["version"] == "2.0.0"


def test_the_alternate_request_syntax_works_in_1_0_3_only(xapi_source, xapi_client, database_url):
    s = statement()
    form = {
        "content": __import__("json").dumps(s),
        "statementId": s["id"],
        "Authorization": xapi_source.auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    r = xapi_client.post("/xapi/statements", params={"method": "PUT"}, data=form)
    assert r.status_code == 204, r.text
    assert xapi_source.get(statementId=s["id"]).status_code == 200
    form["X-Experience-API-Version"] = "2.0.0"
    assert (
        xapi_client.post("/xapi/statements", params={"method": "PUT"}, data=form).status_code == 400
    )
