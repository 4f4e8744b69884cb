"""The application factory: one app serves the pages and the JSON API (OpenAPI at /api/docs)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from lodestar.config import Settings, get_settings
from lodestar.db.session import check_ready, make_engine, session_factory
from lodestar.web import errors
from lodestar.web.audit_origin import AuditOrigin
from lodestar.web.headers import SecurityHeaders
from lodestar.web.routes import ROUTERS
from lodestar.web.templating import STATIC_DIR


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    secret = settings.checked_secret()
    engine = engine or make_engine(settings.database_url)
    check_ready(engine)
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
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="lodestar_session",
        max_age=settings.security.session_max_age_seconds,
        same_site="lax",
        https_only=settings.security.cookie_secure,
    )
    app.add_middleware(SecurityHeaders, hsts=True)
    app.add_middleware(AuditOrigin)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    return app
