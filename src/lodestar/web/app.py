"""The application factory: one app serves the pages and the JSON API (OpenAPI at /api/docs)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from lodestar.config import Settings, get_settings
from lodestar.db.session import check_ready, make_engine, session_factory
from lodestar.reports.brief_pdf import STATIC_DIR as REPORT_STATIC_DIR
from lodestar.services.workspace import is_demo_database
from lodestar.web import errors
from lodestar.web.admission import Admission
from lodestar.web.audit_origin import AuditOrigin
from lodestar.web.headers import SecurityHeaders
from lodestar.web.password_gate import PasswordGate
from lodestar.web.routes import ROUTERS
from lodestar.web.sessions import BrowserSessions
from lodestar.web.tcp import accept_without_delay
from lodestar.web.templating import STATIC_DIR
from lodestar.web.warmup import start_warm_up
from lodestar.web.xapi.app import XapiApp


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Synchronous routes run in anyio's thread pool: as many at once as the settings' threads,
    which is also the number of pooled database connections (``ServerSettings.pool_size``), so
    no request holds a thread while it queues for a connection."""
    to_thread.current_default_thread_limiter().total_tokens = app.state.settings.server.threads
    # `lodestar serve` asks numeric libraries for one thread each (OPENBLAS_NUM_THREADS...);
    # a library already loaded in this process is told so too.
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "")
    if blas.isdigit() and int(blas) > 0:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(blas))
    if app.state.settings.server.warm_up:
        start_warm_up(app.state.session_factory)
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    accept_without_delay()
    secret = None if settings.demo else settings.checked_secret()
    server = settings.server
    engine = engine or make_engine(
        settings.database_url, pool_size=server.pool_size, wait_seconds=server.db_wait_seconds
    )
    check_ready(engine)
    if secret is None:
        # The demo's public secret (and one-click sign-in) only on a database the demo made.
        secret = settings.checked_secret(demo_database=is_demo_database(engine))
    app = FastAPI(
        title="Lodestar",
        summary="Strategy-led Learning & Development: intake, diagnosis, impact.",
        version="0.1.0",
        docs_url=None,  # served by routes/api_docs.py from static/vendor: works offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.session_factory.configure(info={"settings": settings})  # services.privacy.groups
    app.state.secret = secret
    app.state.password_gate = PasswordGate(
        settings.security.password_checks_at_once, settings.security.password_check_wait_seconds
    )
    app.add_middleware(
        Admission,
        limit=server.threads,
        wait_seconds=server.queue_seconds,
        retry_after_seconds=server.retry_after_seconds,
    )
    app.add_middleware(SecurityHeaders, hsts=True)
    app.add_middleware(AuditOrigin)
    app.add_middleware(
        BrowserSessions,
        secret=secret,
        max_age_seconds=settings.security.session_max_age_seconds,
        always_secure=settings.security.cookie_secure,
    )
    if settings.security.trusted_proxies:
        # Outermost: the client's address and scheme are the proxy's word from here on.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.security.trusted_proxies)
    # The brief's stylesheet lives with its templates in reports/ (the PDF uses it too).
    app.mount("/static/reports", StaticFiles(directory=REPORT_STATIC_DIR), name="reports")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The xAPI endpoint: HTTP Basic per source, no browser session or CSRF (web/xapi/app.py).
    xapi = XapiApp(
        app.state.session_factory, version_without_header=settings.xapi.version_without_header
    )
    app.mount("/xapi", xapi, name="xapi")
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    return app
