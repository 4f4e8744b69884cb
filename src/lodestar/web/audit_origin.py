"""Tell the audit trail where each request came from (path and client address)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from lodestar.services.audit import request_origin


class AuditOrigin:
    """ASGI middleware: audit events recorded while serving a request carry its method and
    path and the client's address."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        path = f"{scope.get('method', '')} {scope.get('path', '')}"
        with request_origin(path, client[0] if client else ""):
            await self.app(scope, receive, send)
