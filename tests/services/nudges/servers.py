"""Real local servers for the nudge tests: an SMTP server (aiosmtpd) and an HTTP receiver.

Nothing is mocked: ``send-due`` talks to them over sockets on 127.0.0.1, as it would talk to a
company's mail server or a chat webhook.
"""

from __future__ import annotations

import asyncio
import email
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every accepted message; it refuses the first
    ``refuse_first`` messages with a temporary error and waits ``delay`` seconds per message."""

    def __init__(self, *, refuse_first: int = 0, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self.refuse_first = refuse_first
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 Mailbox busy, try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """Run an SMTP server on 127.0.0.1 for ``inbox``; yields its port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class Receiver:
    """What an HTTP webhook receiver got: each request's JSON body; answers with ``statuses``
    in turn (the last one repeats)."""

    def __init__(self, statuses: tuple[int, ...] = (200,)) -> None:
        self.statuses = list(statuses)
        self.bodies: list[dict[str, Any]] = []
        self.answered: list[int] = []


@contextmanager
def http_receiver(receiver: Receiver) -> Iterator[str]:
    """Run an HTTP server on 127.0.0.1 that records POSTed JSON; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            receiver.bodies.append(json.loads(self.rfile.read(length)))
            status = (
                receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
            )
            receiver.answered.append(status)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"busy")

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
