"""CSRF tokens bound to the signed session cookie."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from lodestar.errors import PermissionDenied

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose token (header or form field) does not match the session's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise PermissionDenied(
            "This form has expired or did not come from Lodestar. Reload the page and try again."
        )
