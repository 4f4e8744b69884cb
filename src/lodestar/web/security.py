"""CSRF tokens, derived from the browser's session token.

The CSRF token is an HMAC of the session token under the app's secret: nothing to store, and
it changes whenever the session token does (at sign-in and sign-out). Forms carry it in a
hidden field, htmx in the X-CSRF-Token header (see ``base.html``).
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from lodestar.errors import PermissionDenied
from lodestar.web.sessions import browser_session

FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def _derive(request: Request) -> str:
    secret: str = request.app.state.secret
    token = browser_session(request).token
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser (its session cookie is sent with the page)."""
    browser_session(request).keep()
    return _derive(request)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose token (header or form field) does not match the session's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    session = browser_session(request)
    if not session.from_cookie or not sent or not hmac.compare_digest(_derive(request), sent):
        raise PermissionDenied(
            "This form has expired or did not come from Lodestar. Reload the page and try again."
        )
