"""Plain blocking-socket driving of the sans-IO machines, for the tests.

The tests own the I/O here on purpose: ``EventStreamConnection`` and
``Reconnector`` are fed exactly what ``socket.recv`` returned, so what is tested
is the machine, not a helper of the package under test.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from typing import Any, Protocol

from sseparse.transport import Request, StreamEnded

__all__ = ["IO_TIMEOUT", "Machine", "get_json", "open_socket", "pump", "send_request"]

IO_TIMEOUT = 30.0
"""Seconds any one socket operation may block (generous: the machine may be busy)."""


class Machine(Protocol):
    """The feed/close shape of ``EventStreamConnection`` and ``Reconnector``."""

    def feed(self, data: bytes) -> list[Any]: ...

    def close(self) -> list[Any]: ...


def open_socket(request: Request) -> socket.socket:
    """A connected TCP socket to *request*'s host and port, with a timeout."""
    return socket.create_connection((request.host, request.port), timeout=IO_TIMEOUT)


def send_request(sock: socket.socket, data: bytes) -> None:
    """Send the whole request."""
    sock.sendall(data)


def pump(
    machine: Machine,
    sock: socket.socket,
    *,
    recv_size: int = 65536,
    items: list[Any] | None = None,
) -> list[Any]:
    """Feed *machine* what *sock* receives until ``StreamEnded`` or EOF.

    On EOF the machine's ``close()`` is called.  Items are appended to *items*
    (when given) as they come, so a test still sees them if a call raises.

    Returns:
        Every item produced, in order.
    """
    out = [] if items is None else items
    while True:
        data = sock.recv(recv_size)
        if not data:
            out.extend(machine.close())
            return out
        out.extend(machine.feed(data))
        if out and isinstance(out[-1], StreamEnded):
            return out


def get_json(url: str) -> Any:
    """GET *url* with the standard library (no proxies, no transport code)."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    assert parts.hostname is not None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=IO_TIMEOUT)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status == 204:
        return None
    assert response.status == 200, (response.status, body)
    return json.loads(body)
