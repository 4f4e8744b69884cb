"""Security headers on every response: what the browser may load, run and frame, and what it
may keep.

The content security policy allows scripts, styles, images and fonts from Lodestar itself
only: no inline scripts, inline styles or event-handler attributes anywhere in the templates
(behaviour lives in ``static/app.js``; htmx runs with eval and its injected indicator style
turned off, see ``base.html``). The one exception is the interactive API reference at
``/api/docs``, whose page is FastAPI's own and starts Swagger UI with an inline script.

Pages and API answers are ``Cache-Control: no-store``: what a signed-in person saw must not be
kept in a shared or back-button cache. Static files keep the server's default caching.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# FastAPI's Swagger UI page: an inline start-up script and the Swagger files from their CDN.
API_DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' https://cdn.jsdelivr.net",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
API_DOCS_PATHS = ("/api/docs",)

ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                policy = (
                    API_DOCS_POLICY if path.startswith(API_DOCS_PATHS) else CONTENT_SECURITY_POLICY
                )
                headers.setdefault("Content-Security-Policy", policy)
                if not path.startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
                if self.hsts and scope.get("scheme") == "https":
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
