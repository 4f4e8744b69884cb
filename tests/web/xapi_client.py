"""An xAPI client for the contract tests: the app in process, a credential made through the
service, and requests carrying the version header and HTTP Basic credentials."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.xapi.credentials import create_credential, revoke_credential


def make_credential(database_url: str, *, revoked: bool = False) -> tuple[str, str]:
    engine = make_engine(database_url)
    with Session(engine) as s, s.begin():
        admin = actor_of(s.scalars(select(User).where(User.role == "admin")).first())
        made = create_credential(s, admin, f"src-{uuid.uuid4().hex[:8]}")
        if revoked:
            revoke_credential(s, admin, made.info.name)
    engine.dispose()
    return made.info.key, made.secret


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Xapi:
    """Requests to /xapi as one source, speaking ``version``."""

    def __init__(self, client: TestClient, key: str, secret: str, version: str = "1.0.3"):
        self.client, self.version = client, version
        self.auth = basic(key, secret)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "Authorization": self.auth,
            "X-Experience-API-Version": self.version,
            **(extra or {}),
        }

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self.client.request(
            method,
            f"/xapi{path}",
            params=params,
            json=json,
            content=content,
            headers=self.headers(headers),
        )

    def post(self, statements: Any) -> Any:
        return self.request("POST", "/statements", json=statements)

    def get(self, **params: Any) -> Any:
        return self.request("GET", "/statements", params=params)


def app_client(database_url: str) -> TestClient:
    from lodestar.web.app import create_app

    settings = Settings(
        database_url=database_url, demo=True, secret_key="test-secret-key-123456789"
    )
    return TestClient(create_app(settings), follow_redirects=False)


def statement(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{uuid.uuid4().hex[:10]}@example.com"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {"id": f"https://lms.example.com/course/{uuid.uuid4().hex[:8]}"},
    }
    base.update(over)
    return base


@pytest.fixture(scope="module")
def xapi_client(database_url, seeded_engine):  # type: ignore[no-untyped-def]
    """The app on the seeded database of each backend, for one test module."""
    with app_client(database_url) as c:
        yield c


@pytest.fixture(scope="module")
def xapi_source(xapi_client, database_url) -> Xapi:  # type: ignore[no-untyped-def]
    """One source with its own credentials, speaking 1.0.3."""
    return Xapi(xapi_client, *make_credential(database_url))
