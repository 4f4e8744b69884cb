"""The xAPI endpoint, mounted at ``/xapi``: a small ASGI app of its own, because xAPI is not a
browser API. Sources sign in with HTTP Basic credentials on every request (no session, no
CSRF token); each request is checked for its version header, unfolded from the 1.0.3
alternate syntax, routed to its resource, run in a worker thread with one database session,
and committed before the answer leaves. HEAD is a GET without the body. Errors answer with
the status the specification names and a JSON message.
"""

from __future__ import annotations

import re

from anyio import to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from lodestar.db.base import utcnow
from lodestar.db.session import busy_error
from lodestar.errors import LodestarError, NotSignedIn
from lodestar.services.xapi.credentials import Source, authenticate
from lodestar.services.xapi.errors import XapiBadRequest
from lodestar.services.xapi.reading import iso
from lodestar.web.xapi import handlers
from lodestar.web.xapi.protocol import (
    XapiRequest,
    basic_credentials,
    check_version,
    error_response,
    unfold_alternate,
    xapi_response,
)

ROUTES: dict[str, tuple[handlers.Handler, frozenset[str]]] = {
    "/statements": (handlers.statements, frozenset({"GET", "HEAD", "PUT", "POST"})),
    "/about": (handlers.about, frozenset({"GET", "HEAD"})),
    "/agents": (handlers.agents, frozenset({"GET", "HEAD"})),
    "/activities": (handlers.activities, frozenset({"GET", "HEAD"})),
    "/activities/state": (
        handlers.documents("state"),
        frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"}),
    ),
    "/activities/profile": (
        handlers.documents("activity_profile"),
        frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"}),
    ),
    "/agents/profile": (
        handlers.documents("agent_profile"),
        frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"}),
    ),
}
MORE = "/statements/more/"


class XapiApp:
    """ASGI app for ``/xapi``; ``sessions`` makes one database session per request."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        prefix: str = "/xapi",
        version_without_header: str = "2.0.0",
    ) -> None:
        self.sessions = sessions
        self.prefix = prefix
        self.version_without_header = version_without_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        path = re.sub("/+", "/", scope["path"])  # an endpoint given with a trailing slash
        if path.startswith(self.prefix):
            path = path[len(self.prefix) :]
        req = XapiRequest(
            method=request.method,
            path=path.rstrip("/") or "/",
            params=dict(request.query_params),
            body=body,
            prefix=self.prefix,
            headers={k.lower(): v for k, v in request.headers.items()},
            extra={"query": str(request.url.query)},
        )
        response = await to_thread.run_sync(self._answer, req)
        if req.path.startswith("/statements") and req.method in ("GET", "HEAD"):
            response.headers.setdefault(handlers.CONSISTENT, iso(utcnow()))
        if req.method == "HEAD":
            response.body = b""
        await response(scope, receive, send)

    def _answer(self, req: XapiRequest) -> Response:
        sent = req.headers.get("x-experience-api-version")
        if sent is None:
            version = self.version_without_header
        else:
            version = "2.0.0" if sent.startswith("2.") else "1.0.3"
        try:
            unfold_alternate(req)
            handler, methods = self._route(req)
            if req.path != "/about":
                check_version(req)
            version = req.version
            if req.method not in methods:
                return xapi_response(
                    405,
                    {
                        "error": "method-not-allowed",
                        "message": f"{req.path} answers {', '.join(sorted(methods))}.",
                    },
                    version=version,
                    headers={"Allow": ", ".join(sorted(methods))},
                )
            with self.sessions() as session:
                source = self._source(session, req)
                response = handler(session, source, req)
                session.commit()
            return response
        except LodestarError as exc:
            return error_response(exc, version)
        except SQLAlchemyError as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            response = error_response(busy, version)
            response.headers["Retry-After"] = "1"
            return response

    def _route(self, req: XapiRequest) -> tuple[handlers.Handler, frozenset[str]]:
        if req.path.startswith(MORE):
            return handlers.more_statements(req.path[len(MORE) :]), frozenset({"GET", "HEAD"})
        found = ROUTES.get(req.path)
        if found is None:
            raise XapiBadRequest(
                f"There is no xAPI resource at {req.path}; the resources are "
                f"{', '.join(sorted(ROUTES))}."
            )
        return found

    def _source(self, session: Session, req: XapiRequest) -> Source:
        if req.path == "/about":
            return Source(0, "anonymous", {})
        credentials = basic_credentials(req)
        source = authenticate(session, *credentials) if credentials else None
        if source is None:
            raise NotSignedIn(
                "Sign in with the HTTP Basic key and secret of an xAPI credential "
                "(`lodestar xapi credentials create NAME` makes one)."
            )
        return source
