"""TCP_NODELAY on every connection the server accepts.

With more than one worker process, uvicorn makes the listening socket without naming TCP as
its protocol (``proto`` 0), and asyncio sets TCP_NODELAY only on sockets whose ``proto`` is
IPPROTO_TCP. Without it, a keep-alive response — headers and body written apart — waits for
the client's delayed ACK (about 40 ms on Linux) before its body leaves: every request after
a connection's first took 44 ms instead of 1 ms (measured with ``benchmarks/xapi_lrs.py``).
``accept_without_delay`` widens asyncio's check to any TCP stream socket.
"""

from __future__ import annotations

import socket
from asyncio import base_events


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def accept_without_delay() -> None:
    """Make asyncio set TCP_NODELAY on accepted TCP sockets whatever their ``proto`` says."""
    base_events._set_nodelay = _set_nodelay  # type: ignore[attr-defined]
