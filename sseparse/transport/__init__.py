"""The transport edge: raw HTTP/1.1 bytes to events, reconnection, I/O loops.

``EventStreamConnection`` is a sans-IO HTTP/1.1 client for one event stream
(built on h11, the only place sseparse imports it); ``Reconnector`` is the
WHATWG EventSource reconnection model as a pure machine; ``fetch_events`` and
``afetch_events`` are thin blocking-socket and asyncio loops over both.
"""

from __future__ import annotations

from sseparse.transport._connection import (
    ConnectionItem,
    ConnectionState,
    EventStreamConnection,
    ResponseStarted,
    StreamEnded,
)
from sseparse.transport._loops import afetch_events, fetch_events
from sseparse.transport._reconnect import (
    GiveUp,
    Reconnect,
    Reconnector,
    ReconnectorState,
)
from sseparse.transport._request import HeadersLike, Request

__all__ = [
    "ConnectionItem",
    "ConnectionState",
    "EventStreamConnection",
    "GiveUp",
    "HeadersLike",
    "Reconnect",
    "Reconnector",
    "ReconnectorState",
    "Request",
    "ResponseStarted",
    "StreamEnded",
    "afetch_events",
    "fetch_events",
]
