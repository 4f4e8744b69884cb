"""Fixtures on real databases: SQLite files and, where reachable, a real PostgreSQL server.

The demo builder that seeds the demo organisation seeds the fixtures too.
When CI=true an unreachable PostgreSQL fails the run; elsewhere those tests skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from lodestar.config import Settings, get_settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.domain.roles import Actor
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo

POSTGRES_URL = os.environ.get(
    "LODESTAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FIXTURE_EMPLOYEES = 150
FIXTURE_SEED = 7


def _postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test process; dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not available"
        admin.dispose()
        message = (
            f"PostgreSQL is not reachable at {make_url(POSTGRES_URL).render_as_string()} ({exc}). "
            "Start it, or set LODESTAR_TEST_POSTGRES_URL; PostgreSQL tests are skipped."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but " + message, pytrace=False)
        pytest.skip(message)
    name = f"lodestar_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _empty_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'lodestar.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """``get_settings()`` is cached per process; clear it around every test, so a command a
    test runs reads the environment that test set (monkeypatch), whatever ran before it."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database URL on each backend."""
    yield from _empty_database(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database that one test module may change as it likes, on each backend."""
    yield from _empty_database(request.param, tmp_path_factory)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """An empty database of its own for one test, on each backend (for tests that change the
    schema or need to know exactly what is stored)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/own.db"
    else:
        yield from _postgres_database()


@pytest.fixture(scope="session")
def seeded_engine(database_url: str) -> Iterator[Engine]:
    """A migrated database holding the small demo organisation (read-mostly; see ``db``)."""
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=FIXTURE_EMPLOYEES, seed=FIXTURE_SEED)
    yield engine
    engine.dispose()


@pytest.fixture
def db(seeded_engine: Engine) -> Iterator[Session]:
    """A session whose every change, commits included, is rolled back after the test."""
    from lodestar.services.impact.tiers import PROGRAM_VIEWS

    PROGRAM_VIEWS.wait_stored()  # program views other tests computed, stored before this one
    with seeded_engine.connect() as conn:
        outer = conn.begin()
        if conn.dialect.name == "sqlite":
            # The test's transaction holds the write lock from its start. SQLite refuses a
            # write at once ("database is locked") from a transaction that read before another
            # connection committed (a view stored by the writer thread of services.derived),
            # which made tests fail now and then; now the others wait for the test instead.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        session = Session(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest.fixture
def actors(db: Session) -> dict[str, Actor]:
    """One actor per role, from the demo personas: admin, ld, manager, executive, employee, ..."""
    out: dict[str, Actor] = {}
    for user in db.scalars(select(User).order_by(User.id)):
        out.setdefault(user.role, actor_of(user))
        out[user.email.split("@")[0]] = actor_of(user)
    return out


def make_app_client(database_url: str) -> TestClient:
    from lodestar.web.app import create_app

    settings = Settings(
        database_url=database_url, demo=True, secret_key="test-secret-key-123456789"
    )
    return TestClient(create_app(settings), follow_redirects=False)


@pytest.fixture(scope="module")
def web_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite database for one test module's web tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=FIXTURE_EMPLOYEES, seed=FIXTURE_SEED)
    engine.dispose()
    return url


@pytest.fixture
def client_as(web_database: str):  # type: ignore[no-untyped-def]
    """``client_as("ld")`` → a TestClient signed in as the first demo persona with that role
    (or with that email local part, e.g. ``client_as("priya")``)."""
    clients: list[TestClient] = []

    def sign_in(who: str | None) -> TestClient:
        client = make_app_client(web_database)
        clients.append(client)
        if who is None:
            return client
        engine = make_engine(web_database)
        with Session(engine) as s:
            users = list(s.scalars(select(User).order_by(User.id)))
        engine.dispose()
        user = next(u for u in users if u.role == who or u.email.split("@")[0] == who)
        client.get("/login")
        token = client.cookies.get("lodestar_session")
        assert token
        page = client.get("/login")
        csrf = csrf_from(page.text)
        resp = client.post(f"/login/persona/{user.id}", data={"csrf_token": csrf})
        assert resp.status_code == 303, resp.text
        # Signing in gives the browser a new session token, and with it a new CSRF token.
        client.headers["X-CSRF-Token"] = csrf_from(client.get("/account").text)
        return client

    yield sign_in
    for c in clients:
        c.close()


def csrf_from(html: str) -> str:
    import re

    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """A failure on "database is locked" carries what held the database (tests/lock_report)."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and call.excinfo is not None:
        from tests import lock_report

        if lock_report.locked(str(call.excinfo.value)):
            rep.sections.append(("what held the database", lock_report.report()))
