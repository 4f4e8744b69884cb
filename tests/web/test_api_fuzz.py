"""schemathesis over every operation of the JSON API, signed in as L&D and as an employee.

Each operation is called with generated inputs (schema examples, the coverage phase's boundary
and wrong-type values, then a bounded number of fuzzed ones) and every answer must:

- not be a server error (5xx);
- use a status code and a content type the OpenAPI document declares for that operation;
- match the declared response schema (problem+json errors included);
- answer 405 with an ``Allow`` header for a method the path does not support.

The run is deterministic (fixed seed, derandomised) so CI sees the same cases every time;
``max-examples`` bounds the fuzzing phase so the whole file stays well under a minute and a half
on two cores. On PostgreSQL the same run catches what SQLite lets through (integer overflow,
NUL bytes in text).
"""

from __future__ import annotations

from collections.abc import Iterator
from math import inf
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.web.seeded_app import seeded_app, signed_in

from lodestar.db.models import Program, User
from lodestar.domain.limits import MAX_MAGNITUDE, MAX_RECORD_ID
from lodestar.services.accounts import actor_of
from lodestar.services.impact.program_impact import estimate_program_impact
from lodestar.services.impact.stored import latest_result_id
from lodestar.web.errors import document_problems
from lodestar.web.routes import ROUTERS

FUZZ_CONFIG = {
    "seed": 20261205,
    "generation": {"max-examples": 12, "deterministic": True, "no-shrink": True},
    "operations": [
        # Each successful call runs a full impact analysis: a few are enough.
        {
            "include-path": "/api/programs/{program_id}/impact",
            "include-method": "POST",
            "generation": {"max-examples": 2},
            "phases": {"coverage": {"enabled": False}},
        }
    ],
}
# An impact analysis can take a while on a busy machine; a slow answer is not a failure here.
REQUEST_TIMEOUT = 120
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.unsupported_method,
]


@pytest.fixture(scope="module")
def fuzz_app(module_database_url: str) -> Iterator[FastAPI]:
    """The app over a demo organisation of its own, on each backend: the fuzz writes freely."""
    app = seeded_app(module_database_url)
    yield app
    app.state.engine.dispose()


def _session_of(app: FastAPI, role: str) -> Iterator[dict[str, Any]]:
    """What the fuzz sends to be signed in as ``role``: session cookie and CSRF header."""
    with signed_in(app, role) as client:
        yield {
            "headers": {"X-CSRF-Token": client.headers["X-CSRF-Token"]},
            "cookies": {"lodestar_session": client.cookies["lodestar_session"]},
            "app": app,
        }


@pytest.fixture(scope="module")
def as_ld(fuzz_app: FastAPI) -> Iterator[dict[str, Any]]:
    yield from _session_of(fuzz_app, "ld")


@pytest.fixture(scope="module")
def as_employee(fuzz_app: FastAPI) -> Iterator[dict[str, Any]]:
    yield from _session_of(fuzz_app, "employee")


def _api_document() -> dict[str, Any]:
    """The OpenAPI document of the mounted routers, built without a database so it can be read
    when tests are collected (``test_the_fuzzed_document_is_the_served_one`` keeps it honest)."""
    bare = FastAPI(title="Lodestar", openapi_url="/api/openapi.json")
    for router in ROUTERS:
        bare.include_router(router)
    document_problems(bare)
    return bare.openapi()


# The routers' tags: every API operation is fuzzed (the test below fails on an operation
# whose tag is not here, so a new router cannot be left out).
FUZZED_TAGS = [
    "account", "requests", "strategy", "programs", "privacy", "program design", "pilots",
    "briefs", "portfolio", "stakeholders", "learning", "skills", "nudges", "work patterns",
]  # fmt: skip

schema = schemathesis.openapi.from_dict(
    _api_document(), config=schemathesis.Config.from_dict(FUZZ_CONFIG)
).include(tag=FUZZED_TAGS)


FUZZ_SETTINGS = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _call(case: schemathesis.Case, who: dict[str, Any]) -> None:
    case.call_and_validate(
        headers=who["headers"],
        cookies=who["cookies"],
        checks=CHECKS,
        app=who["app"],
        timeout=REQUEST_TIMEOUT,
    )


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_keeps_its_contract_for_ld(case: schemathesis.Case, as_ld: dict[str, Any]) -> None:
    _call(case, as_ld)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_keeps_its_contract_for_an_employee(
    case: schemathesis.Case, as_employee: dict[str, Any]
) -> None:
    _call(case, as_employee)


@pytest.mark.parametrize("fmt", ["json", "pdf", "html"])
def test_a_brief_on_a_stored_result_keeps_its_contract(
    fmt: str, fuzz_app: FastAPI, as_ld: dict[str, Any]
) -> None:
    """Generated ids rarely land on a program with a stored result, so the brief is also asked
    for outright on one, in each format, and held to the same checks."""
    with Session(fuzz_app.state.engine) as s, s.begin():
        ld = actor_of(s.scalars(select(User).where(User.role == "ld").order_by(User.id)).first())
        pid = s.scalars(select(Program.id).where(Program.code == "fcr_pilot")).one()
        if latest_result_id(s, pid) is None:
            estimate_program_impact(s, ld, pid)
    operation = schema["/api/programs/{program_id}/brief"]["GET"]
    case = operation.Case(path_parameters={"program_id": pid}, query={"format": fmt})
    response = case.call_and_validate(
        headers=as_ld["headers"], cookies=as_ld["cookies"], checks=CHECKS, app=as_ld["app"],
        timeout=REQUEST_TIMEOUT,
    )  # fmt: skip
    assert response.status_code == 200
    if fmt == "json":
        assert response.json()["result_url"].startswith(f"/programs/{pid}/results/")
    else:
        (content_type,) = response.headers["content-type"]
        assert content_type.startswith("application/pdf" if fmt == "pdf" else "text/html")


def test_the_fuzzed_document_is_the_served_one(fuzz_app: Any) -> None:
    with TestClient(fuzz_app) as client:
        served = client.get("/api/openapi.json").json()
    bare = _api_document()
    assert served["paths"] == bare["paths"]
    assert served["components"] == bare["components"]


def test_every_api_operation_is_fuzzed() -> None:
    doc = _api_document()
    left_out = [
        f"{method.upper()} {path}"
        for path, operations in doc["paths"].items()
        for method, op in operations.items()
        if not set(op.get("tags", [])) & set(FUZZED_TAGS)
    ]
    assert left_out == [], "add these operations' tags to FUZZED_TAGS"


def _numbers(schema: Any, doc: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every integer and number schema reachable from ``schema``, with where it was found."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            yield from _numbers(doc["components"]["schemas"][name], doc, f"{where}>{name}")
            return
        if schema.get("type") in ("integer", "number"):
            yield where, schema
        for key, value in schema.items():
            yield from _numbers(value, doc, f"{where}.{key}" if key == "properties" else where)
    elif isinstance(schema, list):
        for item in schema:
            yield from _numbers(item, doc, where)


def test_every_number_the_api_accepts_is_bounded() -> None:
    """Ids and amounts come with the bounds the database can hold, so a new input cannot
    forget them (PostgreSQL integer ids, finite amounts of at most 10^15)."""
    doc = _api_document()
    unbounded = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if not set(op.get("tags", [])) & set(FUZZED_TAGS):
                continue
            inputs = [p["schema"] for p in op.get("parameters", [])]
            inputs += [c["schema"] for c in op.get("requestBody", {}).get("content", {}).values()]
            for where, number in _numbers(inputs, doc, f"{method.upper()} {path}"):
                top = MAX_RECORD_ID if number["type"] == "integer" else MAX_MAGNITUDE
                low = number.get("minimum", number.get("exclusiveMinimum", -inf))
                high = number.get("maximum", number.get("exclusiveMaximum", inf))
                if not (-top <= low and high <= top):
                    unbounded.append(where)
    assert not unbounded, f"inputs without bounds: {sorted(set(unbounded))}"
