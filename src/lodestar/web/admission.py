"""Admission: at most ``threads`` requests of one server process are worked on at once.

FastAPI runs synchronous dependencies and routes in a thread pool, one call at a time, so a
request can check out a database connection in one call (who is signed in) and then queue for
a thread for the next (the route) while holding it. With more requests in flight than threads,
the pool of connections (one per thread) runs dry although no thread is using most of them.
Letting in only as many requests as there are threads keeps connections, threads and work in
step; the rest wait here, on the event loop, holding nothing.

A request that waits longer than ``wait_seconds`` for its turn is answered 503 with
Retry-After and a sentence (problem+json under /api), so an overloaded server says so instead
of letting people wait without end. Static files and the health check are never held back,
and neither are the two forms that check a password (sign-in, password change): those take
their turn at the password gate (web/password_gate.py), which waits without a thread; holding
them here too would let a crowd of guessers fill every slot and stall everyone else's requests.
"""

from __future__ import annotations

import asyncio
import json
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

from lodestar.errors import DatabaseBusy

OVERLOADED = DatabaseBusy(
    "The server is busy with other people's requests and could not start yours in time, so "
    "nothing was done. Try again in a few seconds; if it keeps happening, tell your Lodestar "
    "administrator, who can run more server workers."
)
_ALWAYS_IN = ("/static/", "/healthz")
_PASSWORD_FORMS = frozenset({"/login", "/account/password"})


class Admission:
    """ASGI middleware: a semaphore of ``limit`` slots around each HTTP request."""

    def __init__(
        self, app: ASGIApp, *, limit: int, wait_seconds: float, retry_after_seconds: int
    ) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.retry_after = str(retry_after_seconds)
        # One semaphore per event loop (a server process has one; test clients make several).
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._slots = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"].startswith(_ALWAYS_IN)
            or (scope.get("method") == "POST" and scope["path"] in _PASSWORD_FORMS)
        ):
            await self.app(scope, receive, send)
            return
        slots = self._slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(self.limit))
        try:
            await asyncio.wait_for(slots.acquire(), self.wait_seconds)
        except TimeoutError:
            await self._refuse(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["path"].startswith("/api"):
            body = json.dumps(OVERLOADED.as_problem(instance=scope["path"])).encode()
            kind = b"application/problem+json"
        else:
            body = f"<!doctype html><title>Busy</title><p>{OVERLOADED.message}</p>".encode()
            kind = b"text/html; charset=utf-8"
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", self.retry_after.encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})
