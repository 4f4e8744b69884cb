"""A saturated database is a 503 with Retry-After and a sentence, never a 30 s hang or a 500;
and on SQLite, writers that run at once wait their turn instead of meeting "database is locked".

SQLite only: the lock behaviour is SQLite's (PostgreSQL has row locks and no single writer),
and the pool behaviour is SQLAlchemy's, the same on both backends.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from tests.conftest import csrf_from
from tests.fresh_loop import run_alone

from lodestar.config import ServerSettings, Settings
from lodestar.db.models import AuditEvent, Program, TrainingRequest, User
from lodestar.db.session import make_engine, session_factory
from lodestar.services.accounts import actor_of
from lodestar.services.impact.program_impact import latest_program_impact
from lodestar.services.impact.tiers import PROGRAM_VIEWS
from lodestar.web.app import create_app

DRAFT = {"title": "Saturation draft", "business_objective": "See the server wait its turn."}


def _settings(url: str, **server: float) -> Settings:
    return Settings(
        database_url=url,
        demo=True,
        secret_key="test-secret-key-123456789",
        server=ServerSettings(**server),  # type: ignore[arg-type]
    )


def _signed_in(client: TestClient, url: str, role: str) -> TestClient:
    engine = make_engine(url)
    with Session(engine) as s:
        user = s.scalars(select(User).where(User.role == role).order_by(User.id)).first()
    engine.dispose()
    assert user is not None
    csrf = csrf_from(client.get("/login").text)
    assert client.post(f"/login/persona/{user.id}", data={"csrf_token": csrf}).status_code == 303
    client.headers["X-CSRF-Token"] = csrf_from(client.get("/account").text)
    return client


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    assert path
    return path


def _requests(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as s:
        count = s.scalar(select(func.count()).select_from(TrainingRequest)) or 0
    engine.dispose()
    return int(count)


def test_the_pool_is_as_large_as_the_thread_pool(web_database: str) -> None:
    app = create_app(_settings(web_database, threads=7))
    assert app.state.engine.pool.size() == 7 + 2  # a connection per thread, two for imports
    with TestClient(app) as client:
        from anyio import to_thread

        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    assert tokens == 7
    app.state.engine.dispose()


def test_no_connection_to_be_had_is_a_503_with_retry_after(web_database: str) -> None:
    engine = make_engine(web_database, pool_size=1, wait_seconds=0.3)
    app = create_app(_settings(web_database, retry_after_seconds=3), engine=engine)
    client = _signed_in(TestClient(app, follow_redirects=False), web_database, "ld")
    with engine.connect():  # the only connection, held by "another request"
        started = time.monotonic()
        api = client.get("/api/requests")
        page = client.get("/requests")
        waited = time.monotonic() - started
    assert api.status_code == 503 and page.status_code == 503
    assert api.headers["Retry-After"] == "3" and page.headers["Retry-After"] == "3"
    assert api.headers["content-type"].startswith("application/problem+json")
    problem = api.json()
    assert problem["code"] == "database-busy"
    assert "waited too long for a database connection" in problem["detail"]
    assert "Try again in a few seconds" in problem["detail"]
    assert "Try again in a few seconds" in page.text
    assert waited < 5  # two short waits, not two 30 s ones
    assert client.get("/api/requests").status_code == 200  # and served once it is free
    client.close()
    engine.dispose()


def test_a_write_that_cannot_get_the_lock_is_a_503_and_stores_nothing(web_database: str) -> None:
    app = create_app(_settings(web_database, db_wait_seconds=0.3))
    client = _signed_in(TestClient(app, follow_redirects=False), web_database, "manager")
    before = _requests(web_database)
    holder = sqlite3.connect(_sqlite_path(web_database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (an import, say) holds the lock
    try:
        resp = client.post("/api/requests", params={"draft": "true"}, json=DRAFT)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert resp.status_code == 503, resp.text
    assert resp.headers["Retry-After"] == "2"
    assert resp.json()["code"] == "database-busy"
    assert "finish other people's changes" in resp.json()["detail"]
    assert _requests(web_database) == before
    assert client.post("/api/requests", params={"draft": "true"}, json=DRAFT).status_code == 201
    client.close()
    app.state.engine.dispose()


def test_viewing_a_program_takes_no_write_lock_until_the_commit(web_database: str) -> None:
    """The view is audited, but the page is built without holding SQLite's one writer slot."""
    engine = make_engine(web_database)
    factory = session_factory(engine)
    with factory() as session:
        lead = session.scalars(select(User).where(User.role == "ld")).first()
        program_id = session.scalars(select(Program.id).order_by(Program.id)).first()
        assert lead is not None and program_id is not None
        views = select(func.count()).where(AuditEvent.action == "program.view")
        before = session.scalar(views)
        latest_program_impact(session, actor_of(lead), program_id)
        session.scalar(select(func.count()).select_from(Program))  # more reading after it
        # Views the page computed are stored by a writer thread in short transactions of their
        # own (other writers wait for them through the busy timeout); this test's connection
        # does not wait, so let them land first: what is checked is the page's own session.
        PROGRAM_VIEWS.wait_stored()
        other = sqlite3.connect(_sqlite_path(web_database), isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked" before
        other.execute("ROLLBACK")
        other.close()
        session.commit()
        assert session.scalar(views) == (before or 0) + 1
    engine.dispose()


def test_writers_at_once_all_land(web_database: str) -> None:
    """Managers saving drafts while L&D opens program pages (which audit the view), all at
    once on SQLite: every answer is a success, none a "database is locked"."""
    app = create_app(_settings(web_database))
    manager = _signed_in(TestClient(app, follow_redirects=False), web_database, "manager")
    lead = _signed_in(TestClient(app, follow_redirects=False), web_database, "ld")
    program_id = lead.get("/api/programs").json()[0]["id"]
    before = _requests(web_database)
    start = threading.Barrier(8)

    def work(i: int) -> list[int]:
        start.wait()
        codes = []
        for _ in range(4):
            if i % 2:
                resp = manager.post("/api/requests", params={"draft": "true"}, json=DRAFT)
            else:
                resp = lead.get(f"/programs/{program_id}")
            codes.append(resp.status_code)
        return codes

    with ThreadPoolExecutor(8) as pool:
        codes = [c for result in pool.map(work, range(8)) for c in result]
    assert sorted(set(codes)) == [200, 201], codes
    assert _requests(web_database) == before + 16
    manager.close()
    lead.close()
    app.state.engine.dispose()


@pytest.mark.parametrize("cpus, workers", [(None, 1), (1, 1), (2, 2), (3, 3), (64, 4)])
def test_default_workers_follow_the_cpu_count(cpus: int | None, workers: int) -> None:
    assert ServerSettings().worker_count(cpus) == workers
    assert ServerSettings(workers=3).worker_count(cpus) == 3


def test_requests_past_the_thread_count_wait_their_turn_then_get_a_503() -> None:
    """Admission lets ``limit`` requests in; one more waits, and past the wait is refused."""
    import asyncio

    from lodestar.web.admission import Admission

    release = asyncio.Event()
    entered: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        entered.append(scope["path"])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = Admission(app, limit=1, wait_seconds=0.2, retry_after_seconds=4)

    async def call(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
        sent: list[dict] = []  # type: ignore[type-arg]

        async def send(message):  # type: ignore[no-untyped-def]
            sent.append(message)

        scope = {"type": "http", "path": path, "method": "GET", "headers": []}
        await gate(scope, lambda: None, send)  # type: ignore[arg-type]
        return sent[0]["status"], dict(sent[0]["headers"]), sent[1]["body"]

    async def scenario() -> None:
        first = asyncio.create_task(call("/requests"))
        await asyncio.sleep(0.05)
        status, headers, body = await call("/api/requests")  # waits 0.2 s, then refused
        assert status == 503 and headers[b"retry-after"] == b"4"
        assert headers[b"content-type"] == b"application/problem+json"
        assert b"database-busy" in body and b"Try again in a few seconds" in body
        static = asyncio.create_task(call("/static/app.css"))  # never held back
        queued = asyncio.create_task(call("/programs"))
        await asyncio.sleep(0.05)
        assert entered == ["/requests", "/static/app.css"]  # /programs waits for the slot
        release.set()  # the first finishes, the queued one gets its turn
        assert [(await t)[0] for t in (first, static, queued)] == [200, 200, 200]

    run_alone(scenario)
    assert entered == ["/requests", "/static/app.css", "/programs"]


def test_warm_up_draws_a_chart_and_loads_the_estimators() -> None:
    import sys

    from lodestar.reports.charts import kpi_trend_svg, render_cache_info
    from lodestar.services.impact.threads import _controller
    from lodestar.web.warmup import ESTIMATOR_MODULES, WARM_UP_POINTS, start_warm_up

    start_warm_up().join(timeout=120)
    assert all(name in sys.modules for name in ESTIMATOR_MODULES)
    assert _controller.cache_info().currsize == 1  # the first analysis does not make it
    hits = render_cache_info().hits
    assert "<svg" in kpi_trend_svg(WARM_UP_POINTS, unit="", direction="up")
    assert render_cache_info().hits == hits + 1  # drawn by the warm-up already
