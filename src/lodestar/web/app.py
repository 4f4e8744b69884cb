"""The application factory: one app serves the pages and the JSON API (OpenAPI at /api/docs)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from lodestar.config import Settings, get_settings
from lodestar.db.session import check_ready, make_engine, session_factory
from lodestar.reports.brief_pdf import STATIC_DIR as REPORT_STATIC_DIR
from lodestar.services.workspace import is_demo_database
from lodestar.web import errors
from lodestar.web.audit_origin import AuditOrigin
from lodestar.web.headers import SecurityHeaders
from lodestar.web.routes import ROUTERS
from lodestar.web.sessions import BrowserSessions
from lodestar.web.templating import STATIC_DIR


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    secret = None if settings.demo else settings.checked_secret()
    engine = engine or make_engine(settings.database_url)
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
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.session_factory.configure(info={"settings": settings})  # services.privacy.groups
    app.state.secret = secret
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
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    return app
