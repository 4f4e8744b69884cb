"""The programs JSON API: shapes (three tiers, business null before the first run), strict
JSON (no NaN), roles and problem+json errors. Effect sizes are not asserted (small org)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program
from lodestar.db.session import make_engine

# Tests in this module build on the analyses earlier ones ran: keep them on one worker.
pytestmark = pytest.mark.xdist_group("test_api_programs")

PROBLEM = "application/problem+json"
LIST_KEYS = {"id", "code", "name", "status", "rollout", "kpi_name", "latest_summary",
             "latest_evidence"}  # fmt: skip
EFFECT_KEYS = {
    "summary", "evidence", "causal", "estimate", "se", "ci_low", "ci_high", "confidence",
    "percent_of_baseline", "baseline", "unit", "outcome", "estimand", "estimand_label", "method",
    "method_label", "citation", "design", "design_reason", "n_treated", "n_comparison",
    "n_clusters", "p_value", "warnings", "diagnostics", "details",
}  # fmt: skip


@pytest.fixture(scope="module")
def program_ids(web_database: str) -> dict[str, int]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        ids = {code: pid for pid, code in s.execute(select(Program.id, Program.code))}
    engine.dispose()
    return ids


def strict_json(text: str):  # type: ignore[no-untyped-def]
    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def test_list(client_as):
    resp = client_as("executive").get("/api/programs")
    assert resp.status_code == 200
    rows = resp.json()
    assert len(rows) >= 4
    assert all(set(r) == LIST_KEYS for r in rows)


def test_latest_before_any_run_has_tiers_and_no_business(client_as, program_ids):
    resp = client_as("manager").get(f"/api/programs/{program_ids['fcr_pilot']}/impact")
    assert resp.status_code == 200
    body = strict_json(resp.text)
    assert body["result_id"] is None and body["tiers"]["business"] is None
    assert body["naive"] is None and body["money"] is None
    assert set(body["tiers"]) == {"activity", "behaviour", "skills", "business"}
    assert set(body["tiers"]["activity"]) == {
        "enrolled", "completed", "completion_rate", "satisfaction_mean", "satisfaction_responses",
        "hidden_note",
    }  # fmt: skip
    assert body["tiers"]["activity"]["enrolled"] > 0
    assert isinstance(body["tiers"]["behaviour"], list)
    assert body["program"]["code"] == "fcr_pilot" and body["kpi"]["unit"]


def test_run_and_read_back(client_as, program_ids):
    ld = client_as("ld")
    pid = program_ids["negotiation_masterclass"]
    resp = ld.post(f"/api/programs/{pid}/impact", json={"design": None})
    assert resp.status_code == 201, resp.text
    run = strict_json(resp.text)
    business = run["tiers"]["business"]
    assert set(business) == EFFECT_KEYS
    assert business["causal"] is True and business["design"] == "selection_on_observables"
    assert business["ci_low"] <= business["estimate"] <= business["ci_high"]
    assert business["evidence"] in ("strong", "moderate", "weak", "none")
    assert business["estimand_label"] == "effect on participants (ATT)"
    assert all(
        {"name", "label", "passed", "detail", "data"} <= set(d) for d in business["diagnostics"]
    )
    naive = run["naive"]
    assert naive["causal"] is False and naive["evidence"] == "none"
    assert naive["summary"].startswith("Not a causal estimate:")
    assert run["snapshot"]["fingerprint"] and run["snapshot"]["rows"] > 0
    assert run["created_by"] and run["created_at"]
    assert run["money"] is not None or run["money_note"]

    latest = ld.get(f"/api/programs/{pid}/impact")
    assert latest.status_code == 200
    assert latest.json()["result_id"] == run["result_id"]
    listed = {r["id"]: r for r in ld.get("/api/programs").json()}
    assert listed[pid]["latest_summary"] == business["summary"]
    assert listed[pid]["latest_evidence"] == business["evidence"]


def test_design_override_and_no_body(client_as, program_ids):
    ld = client_as("ld")
    pid = program_ids["mindful_webinars"]
    resp = ld.post(f"/api/programs/{pid}/impact")
    assert resp.status_code == 201
    assert resp.json()["design"] == "selection_on_observables"
    resp = ld.post(f"/api/programs/{program_ids['fcr_pilot']}/impact", json={"design": "auto"})
    assert resp.status_code == 201
    assert resp.json()["design"] == "randomised"
    assert resp.json()["naive"] is None


def test_invalid_design_is_a_problem(client_as, program_ids):
    resp = client_as("ld").post(
        f"/api/programs/{program_ids['fcr_pilot']}/impact", json={"design": "astrology"}
    )
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("role", ["manager", "executive"])
def test_readers_cannot_run(client_as, program_ids, role):
    resp = client_as(role).post(f"/api/programs/{program_ids['fcr_pilot']}/impact", json={})
    assert resp.status_code == 403
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert "Only the L&D team runs impact analyses." in resp.json()["detail"]


def test_employees_get_403_everywhere(client_as, program_ids):
    client = client_as("employee")
    pid = program_ids["fcr_pilot"]
    for method, path in (
        ("GET", "/api/programs"),
        ("GET", f"/api/programs/{pid}/impact"),
        ("POST", f"/api/programs/{pid}/impact"),
    ):
        resp = client.request(method, path)
        assert resp.status_code == 403, path
        assert resp.headers["content-type"].startswith(PROBLEM)


def test_unknown_program_is_404(client_as):
    resp = client_as("ld").get("/api/programs/999999/impact")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith(PROBLEM)
