"""The document resources (State, Activity Profile, Agent Profile), Agents, Activities, and
statements with attachments and signatures, against the xAPI specification, on SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest
from tests.web.xapi_client import statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def state_params(**more: str) -> dict[str, str]:
    agent = json.dumps({"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.com"})
    return {
        "activityId": f"https://lms.example.com/a/{uuid.uuid4().hex[:6]}",
        "agent": agent,
        "stateId": "bookmark",
        **more,
    }


def test_state_put_get_merge_list_and_delete(xapi_source):
    p = state_params()
    assert (
        xapi_source.request("PUT", "/activities/state", params=p, json={"page": 3}).status_code
        == 204
    )
    got = xapi_source.request("GET", "/activities/state", params=p)
    assert got.json() == {"page": 3} and got.headers["ETag"].startswith('"')
    assert (
        xapi_source.request("POST", "/activities/state", params=p, json={"done": True}).status_code
        == 204
    )
    assert xapi_source.request("GET", "/activities/state", params=p).json() == {
        "page": 3,
        "done": True,
    }
    listing = {k: v for k, v in p.items() if k != "stateId"}
    assert xapi_source.request("GET", "/activities/state", params=listing).json() == ["bookmark"]
    assert xapi_source.request("DELETE", "/activities/state", params=listing).status_code == 204
    assert xapi_source.request("GET", "/activities/state", params=p).status_code == 404


def test_a_registration_keeps_its_own_state(xapi_source):
    p = state_params()
    reg = state_params(registration=str(uuid.uuid4()))
    reg.update(activityId=p["activityId"], agent=p["agent"])
    xapi_source.request("PUT", "/activities/state", params=p, json={"who": "no registration"})
    xapi_source.request("PUT", "/activities/state", params=reg, json={"who": "registration"})
    assert xapi_source.request("GET", "/activities/state", params=p).json() == {
        "who": "no registration"
    }


def test_profiles_need_the_etag_to_change_and_refuse_a_stale_one(xapi_source):
    p = {"activityId": f"https://lms.example.com/a/{uuid.uuid4().hex[:6]}", "profileId": "settings"}
    new = {"If-None-Match": "*"}
    assert (
        xapi_source.request("PUT", "/activities/profile", params=p, json={"v": 1}).status_code
        == 400
    )
    assert (
        xapi_source.request(
            "PUT", "/activities/profile", params=p, json={"v": 1}, headers=new
        ).status_code
        == 204
    )
    assert (
        xapi_source.request(
            "PUT", "/activities/profile", params=p, json={"v": 2}, headers=new
        ).status_code
        == 412
    )
    current = xapi_source.request("GET", "/activities/profile", params=p)
    etag = current.headers["ETag"]
    assert etag == f'"{hashlib.sha1(current.content).hexdigest()}"'
    assert (
        xapi_source.request("PUT", "/activities/profile", params=p, json={"v": 2}).status_code
        == 409
    )
    stale = {"If-Match": '"0000"'}
    assert (
        xapi_source.request(
            "PUT", "/activities/profile", params=p, json={"v": 2}, headers=stale
        ).status_code
        == 412
    )
    fresh = {"If-Match": etag}
    assert (
        xapi_source.request(
            "PUT", "/activities/profile", params=p, json={"v": 2}, headers=fresh
        ).status_code
        == 204
    )
    assert xapi_source.request("GET", "/activities/profile", params=p).json() == {"v": 2}


def test_post_merges_only_json_objects(xapi_source):
    agent = json.dumps({"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.com"})
    p = {"agent": agent, "profileId": "notes"}
    xapi_source.request(
        "PUT",
        "/agents/profile",
        params=p,
        content=b"plain text",
        headers={"Content-Type": "text/plain", "If-None-Match": "*"},
    )
    assert (
        xapi_source.request("POST", "/agents/profile", params=p, json={"a": 1}).status_code == 400
    )
    text = xapi_source.request("GET", "/agents/profile", params=p)
    assert text.content == b"plain text" and text.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/activities/state", {"agent": '{"mbox": "mailto:a@b.c"}', "stateId": "x"}),
        ("/activities/state", {"activityId": "http://x.org/a", "stateId": "x"}),
        ("/activities/profile", {"activityId": "not an iri", "profileId": "x"}),
        ("/agents/profile", {"agent": "{}", "profileId": "x"}),
        ("/agents", {}),
        ("/activities", {"activityId": "nope"}),
    ],
)
def test_missing_or_malformed_scope_parameters_are_a_400(xapi_source, path, params):
    assert xapi_source.request("GET", path, params=params).status_code == 400


def test_agents_and_activities_resources(xapi_source):
    person = xapi_source.request(
        "GET", "/agents", params={"agent": '{"name": "Ann", "mbox": "mailto:ann@example.com"}'}
    )
    assert person.json() == {
        "objectType": "Person",
        "name": ["Ann"],
        "mbox": ["mailto:ann@example.com"],
    }
    iri = f"https://lms.example.com/course/{uuid.uuid4().hex[:6]}"
    xapi_source.post(statement(object={"id": iri, "definition": {"name": {"en-US": "Course"}}}))
    xapi_source.post(statement(object={"id": iri, "definition": {"name": {"fr": "Cours"}}}))
    activity = xapi_source.request("GET", "/activities", params={"activityId": iri}).json()
    assert activity["definition"]["name"] == {"en-US": "Course", "fr": "Cours"}
    unknown = xapi_source.request(
        "GET", "/activities", params={"activityId": "https://x.org/never"}
    ).json()
    assert unknown == {"objectType": "Activity", "id": "https://x.org/never"}


def multipart(parts: list[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for headers, content in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        body += f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/mixed; boundary={boundary}"


def with_attachment(
    content: bytes, usage: str = "http://example.com/usage/notes", ctype: str = "text/plain"
) -> dict:
    return statement(
        attachments=[
            {
                "usageType": usage,
                "display": {"en-US": "notes"},
                "contentType": ctype,
                "length": len(content),
                "sha2": hashlib.sha256(content).hexdigest(),
            }
        ]
    )


def test_attachments_travel_as_multipart_both_ways(xapi_source):
    content = "notes from the session ✓".encode()
    s = with_attachment(content)
    sha = s["attachments"][0]["sha2"]
    body, ctype = multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps(s).encode()),
            (
                {
                    "Content-Type": "text/plain",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": sha,
                },
                content,
            ),
        ]
    )
    assert (
        xapi_source.request(
            "POST", "/statements", content=body, headers={"Content-Type": ctype}
        ).status_code
        == 200
    )
    back = xapi_source.get(statementId=s["id"], attachments="true")
    assert back.headers["Content-Type"].startswith("multipart/mixed")
    assert content in back.content and json.dumps(s["id"]).encode() in back.content
    missing = with_attachment(b"never sent")
    assert xapi_source.post(missing).status_code == 400  # listed, no fileUrl, no part


def _jws(payload: dict, alg: str) -> bytes:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    return ".".join(
        [
            b64(json.dumps({"alg": alg}).encode()),
            b64(json.dumps(payload).encode()),
            b64(b"signature-bytes"),
        ]
    ).encode()


@pytest.mark.parametrize(
    ("alg", "tamper", "status"),
    [("RS256", False, 200), ("HS256", False, 400), ("RS384", True, 400)],
)
def test_signed_statements_need_an_rs_algorithm_and_the_statement_as_payload(
    xapi_source, alg, tamper, status
):
    s = statement()
    payload = {**s, "verb": {"id": "http://x.org/other"}} if tamper else dict(s)
    jws = _jws(payload, alg)
    signed = {
        **s,
        "attachments": [
            {
                "usageType": SIGNATURE,
                "display": {"en-US": "signature"},
                "contentType": "application/octet-stream",
                "length": len(jws),
                "sha2": hashlib.sha256(jws).hexdigest(),
            }
        ],
    }
    body, ctype = multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps(signed).encode()),
            (
                {
                    "Content-Type": "application/octet-stream",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": signed["attachments"][0]["sha2"],
                },
                jws,
            ),
        ]
    )
    r = xapi_source.request("POST", "/statements", content=body, headers={"Content-Type": ctype})
    assert r.status_code == status, r.text
