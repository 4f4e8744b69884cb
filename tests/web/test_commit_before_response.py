"""A write is reported as done only once it is stored: the request's transaction commits before
the response goes out, and a commit the database refuses is an error the client sees.

Through a real server (uvicorn on 127.0.0.1, an HTTP client), because the in-process test
client finishes the request's clean-up before it returns and so cannot see the difference.
The database itself refuses the commit: a deferred constraint on each backend fails at COMMIT
for any new priority, whatever the application did before.
"""

from __future__ import annotations

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from tests.live_server import serving

from lodestar.config import Settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import StrategicPriority
from lodestar.db.session import make_engine
from lodestar.services import accounts
from lodestar.web.app import create_app

SECRET = "commit-test-secret-0123456789"


def _refuse_new_priorities_at_commit(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON "
                    "strategic_priorities DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    "EXECUTE FUNCTION refuse_at_commit()"
                )
            )
        else:
            conn.execute(text("CREATE TABLE nowhere (id INTEGER PRIMARY KEY)"))
            conn.execute(
                text(
                    "CREATE TABLE commit_guard (ref INTEGER REFERENCES nowhere(id) "
                    "DEFERRABLE INITIALLY DEFERRED)"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_at_commit AFTER INSERT ON strategic_priorities "
                    "BEGIN INSERT INTO commit_guard VALUES (-1); END"
                )
            )


@pytest.fixture
def workspace(empty_database_url: str):  # type: ignore[no-untyped-def]
    """A migrated database with one L&D account and its API token."""
    engine = make_engine(empty_database_url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        lead = accounts.create_user(
            s, email="lead@example.org", name="Lead", role="ld", password="x", fast_hash=True
        )
        token = accounts.issue_api_token(s, lead)
        lead_id = lead.id
    yield engine, token, lead_id
    engine.dispose()


def _priorities(engine: Engine, title: str) -> int:
    with Session(engine) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(StrategicPriority)
                .where(StrategicPriority.title == title)
            )
            or 0
        )


def _app(engine: Engine):  # type: ignore[no-untyped-def]
    url = engine.url.render_as_string(hide_password=False)
    return create_app(Settings(database_url=url, secret_key=SECRET))


def _new_priority(client: httpx.Client, ws: tuple, title: str, *, page: bool = False):  # type: ignore[no-untyped-def]
    """POST a priority owned by the lead through the API (JSON) or the page's form."""
    _, token, lead_id = ws
    fields = {"title": title, "owner_id": lead_id, "start_year": 2026, "end_year": 2027}
    auth = {"Authorization": f"Bearer {token}"}
    if page:
        form = {k: str(v) for k, v in fields.items()}
        return client.post("/priorities/new", data=form, headers=auth)
    return client.post("/api/priorities", json=fields, headers=auth)


def test_a_stored_write_is_reported_and_kept(workspace):
    engine = workspace[0]
    with serving(_app(engine)) as base, httpx.Client(base_url=base, timeout=60) as client:
        resp = _new_priority(client, workspace, "Kept")
    assert resp.status_code == 201, resp.text
    assert _priorities(engine, "Kept") == 1


def test_a_refused_commit_is_an_error_the_api_client_sees(workspace):
    engine = workspace[0]
    token = workspace[1]
    _refuse_new_priorities_at_commit(engine)
    with serving(_app(engine)) as base, httpx.Client(base_url=base, timeout=60) as client:
        resp = _new_priority(client, workspace, "Lost")
        assert resp.status_code >= 400, f"answered {resp.status_code} for a write never stored"
        assert resp.headers["content-type"].startswith("application/problem+json")
        problem = resp.json()
        assert problem["code"] == "not-saved"
        assert "not saved" in problem["detail"] or "could not be saved" in problem["detail"]
        # The server keeps answering after the failure.
        assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).is_success
    assert _priorities(engine, "Lost") == 0


def test_a_refused_commit_on_a_form_shows_an_error_page_not_a_redirect(workspace):
    engine = workspace[0]
    _refuse_new_priorities_at_commit(engine)
    with serving(_app(engine)) as base, httpx.Client(base_url=base, timeout=60) as client:
        resp = _new_priority(client, workspace, "Lost page", page=True)
    assert resp.status_code >= 400, f"answered {resp.status_code} for a write never stored"
    assert resp.headers["content-type"].startswith("text/html")
    assert "could not be saved" in resp.text
    assert _priorities(engine, "Lost page") == 0
