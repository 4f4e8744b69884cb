"""The browser's session cookie: a signed random token, nothing else.

Who is signed in is looked up server-side from the token (``services.accounts.sessions``); the
CSRF token is derived from it (``web/security.py``). ``request.session`` is a small dict that
keeps only the flash message for the next page, carried in its own short-lived signed cookie.

Cookies are HttpOnly and SameSite=Lax, and Secure when ``LODESTAR_SECURITY__COOKIE_SECURE`` is
on or the request came over HTTPS (directly, or through a proxy listed in
``LODESTAR_SECURITY__TRUSTED_PROXIES`` that says so in X-Forwarded-Proto).
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, Signer, URLSafeSerializer
from sqlalchemy.orm import Session
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lodestar.services import accounts
from lodestar.services.accounts import new_session_token

SESSION_COOKIE = "lodestar_session"
FLASH_COOKIE = "lodestar_flash"
FLASH_MAX_AGE = 300


class BrowserSession(dict[str, Any]):
    """``request.session``: the browser's token (from its cookie, or new) and the flash."""

    def __init__(self, token: str, *, from_cookie: bool, flash: Any) -> None:
        super().__init__()
        if flash:
            self["flash"] = flash
        self.token = token
        self.from_cookie = from_cookie
        self.flash_in = flash
        self.send_cookie = False

    def replace_token(self, token: str) -> None:
        """Use ``token`` from now on (sign-in and sign-out change it, so an old cookie, or one
        planted before sign-in, is worth nothing afterwards)."""
        self.token = token
        self.send_cookie = True

    def keep(self) -> None:
        """Send the cookie if the browser does not have it yet (a CSRF token was given out)."""
        if not self.from_cookie:
            self.send_cookie = True


def browser_session(request: Request) -> BrowserSession:
    session = request.session
    assert isinstance(session, BrowserSession), "BrowserSessions middleware is not installed"
    return session


def sign_in_browser(request: Request, db: Session, account_id: int) -> None:
    """Sign this browser in as the account, with a new token (never the one it came with)."""
    token = accounts.start_session(db, account_id, rules=request.app.state.settings.security)
    browser_session(request).replace_token(token)


class BrowserSessions:
    """ASGI middleware: reads the signed cookies into ``scope['session']`` and writes them back
    on the response when they changed."""

    def __init__(
        self, app: ASGIApp, *, secret: str, max_age_seconds: int, always_secure: bool
    ) -> None:
        self.app = app
        self.signer = Signer(secret, salt="lodestar.session")
        self.flash = URLSafeSerializer(secret, salt="lodestar.flash")
        self.max_age = max_age_seconds
        self.always_secure = always_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cookies = HTTPConnection(scope).cookies
        token = self._unsign(cookies.get(SESSION_COOKIE))
        session = BrowserSession(
            token or new_session_token(),
            from_cookie=token is not None,
            flash=self._load_flash(cookies.get(FLASH_COOKIE)),
        )
        scope["session"] = session

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                secure = self.always_secure or scope.get("scheme") in ("https", "wss")
                if session.send_cookie:
                    value = self.signer.sign(session.token).decode()
                    headers.append(
                        "Set-Cookie", _cookie(SESSION_COOKIE, value, self.max_age, secure)
                    )
                flash = session.get("flash")
                if flash != session.flash_in:
                    if flash:
                        value = self.flash.dumps(flash)
                        headers.append(
                            "Set-Cookie", _cookie(FLASH_COOKIE, value, FLASH_MAX_AGE, secure)
                        )
                    else:
                        headers.append("Set-Cookie", _cookie(FLASH_COOKIE, "", 0, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _unsign(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return self.signer.unsign(value).decode()
        except BadSignature:
            return None

    def _load_flash(self, value: str | None) -> Any:
        if not value:
            return None
        try:
            return self.flash.loads(value)
        except BadSignature:
            return None


def _cookie(name: str, value: str, max_age: int, secure: bool) -> str:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
