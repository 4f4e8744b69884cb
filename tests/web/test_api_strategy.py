"""The JSON API for strategy alignment: shapes, status codes, roles and problem+json errors."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services import accounts

PROBLEM = "application/problem+json"


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _me(api) -> int:
    return int(api.get("/api/me").json()["id"])


def _priority(api, **over):
    body = {
        "title": f"Win back lapsed customers {_uid()}", "owner_id": _me(api), "start_year": 2026,
        "end_year": 2027,
    }  # fmt: skip
    body.update(over)
    return api.post("/api/priorities", json=body)


def _kpi(api, **over):
    code = f"kpi_{_uid()}"
    body = {"code": code, "name": f"Win-back rate {code}", "unit": "%"}
    body.update(over)
    return api.post("/api/kpis", json=body)


def test_priority_crud_and_archive(client_as):
    ld = client_as("ld")
    resp = _priority(ld, description="Lapsed accounts are cheaper to win back than new ones.")
    assert resp.status_code == 201, resp.text
    prio = resp.json()
    assert set(prio) == {
        "id", "title", "description", "owner_id", "start_year", "end_year", "archived_at",
        "created_at",
    }  # fmt: skip
    assert prio["archived_at"] is None

    assert ld.get(f"/api/priorities/{prio['id']}").json() == prio
    assert prio["created_at"].endswith("Z")  # UTC on every backend
    put = ld.put(
        f"/api/priorities/{prio['id']}",
        json={
            "title": "Win back lapsed customers",
            "owner_id": prio["owner_id"],
            "start_year": 2026,
            "end_year": 2028,
        },  # fmt: skip
    )
    assert put.status_code == 200 and put.json()["end_year"] == 2028

    listed = {p["id"]: p for p in ld.get("/api/priorities").json()}
    item = listed[prio["id"]]
    assert item["kpi_count"] == 0 and item["unaligned"] is False
    assert {"owner_name", "request_count", "program_count", "requests_without_metric"} <= set(item)

    archived = ld.post(f"/api/priorities/{prio['id']}/archive")
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    assert prio["id"] not in {p["id"] for p in ld.get("/api/priorities").json()}
    every = ld.get("/api/priorities?include_archived=true").json()
    assert prio["id"] in {p["id"] for p in every}
    restored = ld.post(f"/api/priorities/{prio['id']}/restore")
    assert restored.json()["archived_at"] is None


def test_priority_errors_are_problem_json(client_as):
    ld = client_as("ld")
    long = _priority(ld, start_year=2026, end_year=2030)
    assert long.status_code == 422
    assert long.headers["content-type"].startswith(PROBLEM)
    body = long.json()
    assert body["code"] == "invalid-input"
    assert "too long for a must-win" in body["detail"]
    assert body["fields"] == {"end_year": body["detail"]}

    unreadable = ld.post("/api/priorities", json={"title": "x", "start_year": "soon"})
    assert unreadable.status_code == 422
    assert unreadable.headers["content-type"].startswith(PROBLEM)

    missing = ld.get("/api/priorities/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not-found"
    bad_owner = _priority(ld, owner_id=999999)
    assert bad_owner.status_code == 404 and "owner_id" in bad_owner.json()["fields"]


def test_only_ld_and_admins_write(client_as):
    ld = client_as("ld")
    pid = _priority(ld).json()["id"]
    kid = _kpi(ld).json()["id"]
    nope = {"title": "Nope", "owner_id": _me(ld), "start_year": 2026, "end_year": 2027}
    for role in ("executive", "manager", "employee"):
        api = client_as(role)
        assert api.get(f"/api/priorities/{pid}").status_code == 200
        assert api.get(f"/api/priorities/{pid}/page").status_code == 200
        assert api.get(f"/api/kpis/{kid}/trend").status_code == 200
        for method, url, body in (
            ("post", "/api/priorities", nope),
            ("put", f"/api/priorities/{pid}", nope),
            ("post", f"/api/priorities/{pid}/archive", None),
            ("post", f"/api/priorities/{pid}/objectives", {"title": "Nope nope"}),
            ("post", "/api/kpis", {"code": "nope", "name": "Nope", "unit": "%"}),
            ("put", f"/api/kpis/{kid}", {"code": "nope", "name": "Nope", "unit": "%"}),
        ):
            resp = api.request(method.upper(), url, json=body)
            assert resp.status_code == 403, (role, url, resp.text)
            assert resp.headers["content-type"].startswith(PROBLEM)
            assert resp.json()["code"] == "permission-denied"
    assert client_as("admin").post(f"/api/priorities/{pid}/archive").status_code == 200


def test_anonymous_and_csrf(client_as, web_database):
    anon = client_as(None)
    resp = anon.get("/api/priorities")
    assert resp.status_code == 401 and resp.json()["code"] == "not-signed-in"
    ld = client_as("ld")
    no_token = ld.post(
        "/api/priorities",
        json={"title": "No token", "start_year": 2026, "end_year": 2027},
        headers={"X-CSRF-Token": "wrong"},
    )
    assert no_token.status_code == 403
    # A bearer token needs no CSRF token.
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        user = s.scalars(select(User).where(User.role == "ld").order_by(User.id)).first()
        token = accounts.issue_api_token(s, user)
        owner_id = user.id
    engine.dispose()
    resp = anon.post(
        "/api/priorities",
        json={"title": "By token", "owner_id": owner_id, "start_year": 2026, "end_year": 2027},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 201, resp.text


def test_kpi_crud_and_validation(client_as):
    ld = client_as("ld")
    pid = _priority(ld).json()["id"]
    resp = _kpi(
        ld,
        direction="down",
        grain="team",
        cadence="monthly",
        lead_lag="lead",
        baseline=9.5,
        target=7.5,
        horizon_date="2027-03-31",
        value_per_unit=1200,
        currency="EUR",
        priority_id=pid,
    )
    assert resp.status_code == 201, resp.text
    kpi = resp.json()
    assert kpi["direction"] == "down" and kpi["horizon_date"] == "2027-03-31"
    assert kpi["archived_at"] is None
    assert kpi["id"] in {k["id"] for k in ld.get("/api/kpis").json()}
    assert ld.get(f"/api/kpis/{kpi['id']}").json() == kpi

    dup = _kpi(ld, code=kpi["code"])
    assert dup.status_code == 409 and dup.json()["code"] == "conflict"
    assert dup.json()["fields"] == {"code": dup.json()["detail"]}
    worse = _kpi(ld, direction="down", baseline=9.5, target=10)
    assert worse.status_code == 422 and "target" in worse.json()["fields"]
    bad_option = _kpi(ld, grain="department")
    assert bad_option.status_code == 422
    assert bad_option.json()["allowed"] == ["employee", "team", "org"]
    bad_code = _kpi(ld, code="Not A Code")
    assert bad_code.status_code == 422 and bad_code.headers["content-type"].startswith(PROBLEM)

    body = {k: v for k, v in kpi.items() if k not in ("id", "archived_at")}
    put = ld.put(f"/api/kpis/{kpi['id']}", json=dict(body, target=7.0))
    assert put.status_code == 200 and put.json()["target"] == 7.0
    archived = ld.post(f"/api/kpis/{kpi['id']}/archive").json()
    assert archived["archived_at"] is not None
    assert kpi["id"] not in {k["id"] for k in ld.get("/api/kpis").json()}
    assert kpi["id"] in {k["id"] for k in ld.get("/api/kpis?include_archived=true").json()}


def test_trend_is_the_mean_per_period_oldest_first(client_as, web_database):
    ld = client_as("ld")
    kpi = _kpi(ld, baseline=10.0, target=20.0).json()
    empty = ld.get(f"/api/kpis/{kpi['id']}/trend").json()
    assert empty["points"] == [] and empty["latest"] is None and empty["movement"] is None
    engine = make_engine(web_database)
    start = date(2025, 3, 3)
    with Session(engine) as s, s.begin():
        rows = [
            {"kpi_id": kpi["id"], "subject": 5 * i + k + 1, "period": start + timedelta(weeks=w),
             "value": v, "weight": 1}  # one value per person and week; five people per value
            for w in range(6)
            for i, v in enumerate((10.0 + w, 12.0 + w))
            for k in range(5)
        ]  # fmt: skip
        kpi_store.write_observations(s, pd.DataFrame(rows))
    engine.dispose()
    trend = ld.get(f"/api/kpis/{kpi['id']}/trend").json()
    assert [p["value"] for p in trend["points"]] == [11.0, 12.0, 13.0, 14.0, 15.0, 16.0]
    assert trend["points"][0]["period"] == "2025-03-03"
    assert trend["latest"] == 16.0 and trend["movement"] == "better"
    assert abs(trend["progress"] - 0.6) < 1e-9
    capped = ld.get(f"/api/kpis/{kpi['id']}/trend?points=2").json()["points"]
    assert [p["period"] for p in capped] == ["2025-03-31", "2025-04-07"]
    assert ld.get(f"/api/kpis/{kpi['id']}/trend?points=0").status_code == 422


def test_priority_page_shape_with_objectives_key_results_and_kpis(client_as):
    ld = client_as("ld")
    pid = _priority(ld).json()["id"]
    kid = _kpi(ld, priority_id=pid, baseline=5.0, target=8.0).json()["id"]
    obj = ld.post(f"/api/priorities/{pid}/objectives", json={"title": "Call every lapsed account"})
    assert obj.status_code == 201, obj.text
    oid = obj.json()["id"]
    assert obj.json() == {"id": oid, "priority_id": pid, "title": "Call every lapsed account"}
    kr = ld.post(
        f"/api/objectives/{oid}/key-results",
        json={
            "description": "Win-back rate reaches 8%",
            "kpi_id": kid,
            "target": 8,
            "due_date": "2027-01-31",
        },
    )
    assert kr.status_code == 201, kr.text
    assert kr.json()["objective_id"] == oid and kr.json()["due_date"] == "2027-01-31"
    unknown_kpi = ld.post(
        f"/api/objectives/{oid}/key-results", json={"description": "Anything", "kpi_id": 999999}
    )
    assert unknown_kpi.status_code == 404 and unknown_kpi.json()["fields"].keys() == {"kpi_id"}
    assert (
        ld.post("/api/objectives/999999/key-results", json={"description": "x y z"}).status_code
        == 404
    )

    page = client_as("executive").get(f"/api/priorities/{pid}/page").json()
    assert set(page) == {
        "priority", "owner_name", "objectives", "kpis", "requests", "programs", "lacking_metric",
    }  # fmt: skip
    assert page["priority"]["id"] == pid
    assert page["objectives"][0]["key_results"][0]["description"] == "Win-back rate reaches 8%"
    card = page["kpis"][0]
    assert card["kpi"]["id"] == kid
    assert set(card["trend"]) == {
        "kpi_id", "unit", "direction", "baseline", "target", "latest", "movement", "progress",
        "points", "hidden_periods", "suppression_note", "source_note",
    }  # fmt: skip
    assert page["requests"] == [] and page["programs"] == [] and page["lacking_metric"] == 0


def test_openapi_lists_the_strategy_routes(client_as):
    spec = client_as(None).get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/priorities",
        "/api/priorities/{priority_id}",
        "/api/priorities/{priority_id}/archive",
        "/api/priorities/{priority_id}/page",
        "/api/priorities/{priority_id}/objectives",
        "/api/objectives/{objective_id}/key-results",
        "/api/kpis",
        "/api/kpis/{kpi_id}",
        "/api/kpis/{kpi_id}/trend",
    ):
        assert path in paths, path
    assert paths["/api/kpis"]["post"]["tags"] == ["strategy"]
    assert "PriorityRead" in spec["components"]["schemas"]
