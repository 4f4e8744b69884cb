"""Accepted connections get TCP_NODELAY even on a listening socket made without naming TCP
(as uvicorn's worker processes share it), so keep-alive answers do not wait for delayed ACKs."""

from __future__ import annotations

import socket
from asyncio import base_events

from lodestar.web.tcp import accept_without_delay


def test_a_socket_without_its_protocol_named_gets_no_delay():
    accept_without_delay()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as uvicorn's
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.proto == 0
        base_events._set_nodelay(accepted)  # what asyncio calls for each accepted connection
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for s in (client, accepted, listener):
            s.close()
