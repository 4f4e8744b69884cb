"""A Lodestar app over a demo organisation of its own, and clients signed in as its personas.

For test modules that write freely (the API fuzz, the input-limit regressions), on each backend.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import FIXTURE_EMPLOYEES, FIXTURE_SEED, csrf_from

from lodestar.config import Settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services.demo import seed_demo
from lodestar.web.app import create_app


def seeded_app(database_url: str) -> FastAPI:
    """Migrate and seed ``database_url``, and build the app on it (dispose
    ``app.state.engine`` when done)."""
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=FIXTURE_EMPLOYEES, seed=FIXTURE_SEED)
    settings = Settings(database_url=database_url, demo=True, secret_key="own-app-secret-012345")
    return create_app(settings, engine=engine)


def signed_in(app: FastAPI, role: str) -> TestClient:
    """A client signed in as the first persona with ``role``, sending its CSRF token; close it
    when done."""
    with Session(app.state.engine) as s:
        user = s.scalars(select(User).where(User.role == role).order_by(User.id)).first()
        assert user is not None, f"the demo has no {role}"
        user_id = user.id
    client = TestClient(app, follow_redirects=False)
    csrf = csrf_from(client.get("/login").text)
    resp = client.post(f"/login/persona/{user_id}", data={"csrf_token": csrf})
    assert resp.status_code == 303, resp.text
    # Signing in issues a new session, and the CSRF token is derived from it: read it again.
    client.headers["X-CSRF-Token"] = csrf_from(client.get("/account").text)
    return client
