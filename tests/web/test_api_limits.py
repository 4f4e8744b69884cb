"""Inputs the database cannot hold are refused with a sentence, on both backends.

Each of these once ended in a 500 on PostgreSQL (SQLite took them silently): a KPI baseline of
1e308 (stored, then the averages overflowed), an id at or above 2^31 (PostgreSQL ``integer``),
and a NUL character in a JSON text field (PostgreSQL text cannot hold one).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.seeded_app import seeded_app, signed_in

from lodestar.domain.diagnosis import CELL_GUIDES
from lodestar.domain.intake import STAKEHOLDER_QUESTIONS
from lodestar.domain.limits import MAX_RECORD_ID

TOO_BIG_ID = MAX_RECORD_ID + 1  # 2^31


@pytest.fixture(scope="module")
def app(module_database_url: str) -> Iterator[FastAPI]:
    app = seeded_app(module_database_url)
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def ld(app: FastAPI) -> Iterator[TestClient]:
    with signed_in(app, "ld") as client:
        yield client


def refused(resp: Any, *words: str) -> str:
    """The problem's detail, after checking it is a 4xx problem+json sentence naming ``words``."""
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text)
    assert resp.headers["content-type"].startswith("application/problem+json")
    detail = resp.json()["detail"]
    assert detail[0].isupper() and detail.endswith("."), detail
    for word in words:
        assert word in detail, (word, detail)
    return str(detail)


def kpi(code: str, **changes: Any) -> dict[str, Any]:
    return {"code": code, "name": "Limits KPI", "unit": "EUR", "currency": "EUR", **changes}


@pytest.fixture(scope="module")
def request_id(ld: TestClient) -> int:
    """A request L&D can see that is still open to answers, findings and steps."""
    found = ld.get("/api/requests", params={"state": "submitted"}).json()
    return int(found[0]["id"])


@pytest.mark.parametrize("field", ["baseline", "target", "value_per_unit"])
def test_a_kpi_number_beyond_a_quadrillion_is_refused(ld: TestClient, field: str) -> None:
    resp = ld.post("/api/kpis", json=kpi(f"huge_{field}", **{field: 1e308}))
    refused(resp, field, "1000000000000000")
    assert ld.get("/api/kpis").status_code == 200


def test_non_finite_kpi_numbers_are_refused(ld: TestClient) -> None:
    # Python's JSON reader accepts these tokens, so they must be refused on purpose.
    body = '{"code": "nan_kpi", "name": "NaN KPI", "unit": "%", "baseline": NaN}'
    resp = ld.post("/api/kpis", content=body, headers={"content-type": "application/json"})
    refused(resp, "baseline", "finite")


def test_a_key_result_target_beyond_a_quadrillion_is_refused(ld: TestClient) -> None:
    objective = ld.get("/api/priorities/1/page").json()["objectives"][0]
    resp = ld.post(
        f"/api/objectives/{objective['id']}/key-results",
        json={"description": "Reach the moon", "target": -1e300},
    )
    refused(resp, "target")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/kpis/{TOO_BIG_ID}",
        f"/api/kpis/{TOO_BIG_ID}/trend",
        f"/api/priorities/{TOO_BIG_ID}",
        f"/api/priorities/{TOO_BIG_ID}/page",
        f"/api/requests/{TOO_BIG_ID}",
        f"/api/programs/{TOO_BIG_ID}/impact",
        f"/api/programs/{10**30}/setup",
        f"/api/requests?priority_id={TOO_BIG_ID}",
        f"/api/triage?department_id={TOO_BIG_ID}",
    ],
)
def test_an_id_at_or_above_2_to_the_31_is_refused(ld: TestClient, path: str) -> None:
    refused(ld.get(path), "2147483647")


def test_an_owner_or_kpi_id_at_or_above_2_to_the_31_is_refused(ld: TestClient) -> None:
    priority = {"title": "Huge owner", "owner_id": TOO_BIG_ID, "start_year": 2026, "end_year": 2027}
    refused(ld.post("/api/priorities", json=priority), "owner_id")
    refused(ld.post("/api/requests?draft=true", json={"kpi_id": TOO_BIG_ID}), "kpi_id")
    refused(ld.post("/api/kpis", json=kpi("huge_id", priority_id=TOO_BIG_ID)), "priority_id")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/kpis", kpi("nul_kpi", name="Conversion\x00")),
        ("post", "/api/priorities", {"title": "Win\x00", "start_year": 2026, "end_year": 2027}),
        ("post", "/api/requests?draft=true", {"business_objective": "Sell\x00 more"}),
        ("put", "/api/requests/{id}/answers", {"{key}": "Sales\x00 leads"}),
        ("post", "/api/requests/{id}/transitions", {"to": "declined", "reason": "No\x00"}),
        ("put", "/api/requests/{id}/diagnosis", {"findings": {"{cell}": {"evidence": "\x00"}}}),
        ("put", "/api/programs/1/setup", {"target_behaviours": ["Asks\x00 questions"]}),
    ],
)
def test_a_nul_character_in_json_text_is_refused(
    ld: TestClient, request_id: int, method: str, path: str, body: dict[str, Any]
) -> None:
    # Real keys, so that without the check the text would reach the database.
    key = STAKEHOLDER_QUESTIONS[0].key
    cell = CELL_GUIDES[0].cell
    body = json.loads(json.dumps(body).replace("{key}", key).replace("{cell}", cell))
    refused(getattr(ld, method)(path.format(id=request_id), json=body), "NUL")


def test_a_nul_character_in_a_search_is_refused(ld: TestClient) -> None:
    refused(ld.get("/api/requests", params={"q": "sales\x00"}), "q", "NUL")


def test_a_lone_surrogate_in_json_text_is_refused(ld: TestClient) -> None:
    body = '{"business_objective": "\\ud800"}'
    resp = ld.post(
        "/api/requests?draft=true", content=body, headers={"content-type": "application/json"}
    )
    refused(resp, "business_objective", "surrogate")
