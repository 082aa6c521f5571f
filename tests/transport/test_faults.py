"""``sseparse.transport`` against broken responses from ``servers/faults.py``.

Each fault is a scripted byte sequence no framework would send: cut framing, a TCP
reset mid-event, garbage where HTTP should be, corrupt or cut compression.  The
connection must raise the contract's error (``TruncatedBody``,
``MalformedResponse``, the socket's ``OSError``), keep the events that came
whole before it, and a ``Reconnector`` must decide to reconnect.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import attrs
import h11
import pytest

from sseparse import ServerSentEvent
from sseparse.errors import MalformedResponse, TruncatedBody
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    Reconnect,
    Reconnector,
    ReconnectorState,
    Request,
    ResponseStarted,
    StreamEnded,
    afetch_events,
    fetch_events,
)
from tests.transport.servers.client import open_socket, pump
from tests.transport.servers.faults import (
    CLOSE_DELIMITED_EVENTS,
    FAULT_EVENT,
    SHORT_BODY_LENGTH,
)
from tests.transport.servers.streams import encoded_events

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from tests.transport.servers import FaultServer


@attrs.frozen
class Outcome:
    """What one request to the fault server came to."""

    conn: EventStreamConnection[Any]
    items: list[Any]
    error: BaseException | None
    peer_closed: bool  # the error (if any) came from close(), not feed()

    @property
    def events(self) -> list[ServerSentEvent]:
        return [item for item in self.items if isinstance(item, ServerSentEvent)]


def _drive(server: FaultServer, path: str) -> Outcome:
    """Request *path* and feed the connection until it ends or raises."""
    request = Request.get(server.url(path))
    conn = EventStreamConnection(request)
    items: list[Any] = []
    peer_closed = False
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        try:
            while not (items and isinstance(items[-1], StreamEnded)):
                data = sock.recv(65536)
                if not data:
                    peer_closed = True
                    items.extend(conn.close())
                    break
                items.extend(conn.feed(data))
        except Exception as exc:
            return Outcome(conn, items, exc, peer_closed)
    return Outcome(conn, items, None, peer_closed)


async def _collect(items: AsyncIterator[Any], out: list[Any]) -> None:
    """Append each item to *out* as it comes, so an error keeps the ones before."""
    async for item in items:
        out.append(item)  # noqa: PERF401 - not a comprehension: see above


def _collect_sync(items: Iterator[Any], out: list[Any]) -> None:
    """``_collect``'s blocking twin."""
    for item in items:
        out.append(item)  # noqa: PERF402 - not list(): see _collect


def _started(item: Any, status: int = 200) -> bool:
    return isinstance(item, ResponseStarted) and item.status == status


# Each fault: the path, the error, the events that must come before it (None: a
# prefix of [FAULT_EVENT], for the reset, whose timing the kernel decides).
FAULTS: list[tuple[str, type[BaseException], list[ServerSentEvent] | None]] = [
    ("/cut-chunk-size", TruncatedBody, [FAULT_EVENT]),
    ("/reset", ConnectionResetError, None),
    ("/garbage-chunk", MalformedResponse, []),
    ("/garbage-status", MalformedResponse, []),
    ("/partial-head", TruncatedBody, []),
    ("/headers-only", TruncatedBody, []),
    ("/headers-only-chunked", TruncatedBody, []),
    ("/short-body", TruncatedBody, [FAULT_EVENT]),
    ("/bad-gzip", MalformedResponse, []),
    ("/cut-gzip", TruncatedBody, [FAULT_EVENT]),
]


def _check_events(
    got: list[ServerSentEvent], want: list[ServerSentEvent] | None
) -> None:
    if want is None:
        assert got in ([], [FAULT_EVENT])
    else:
        assert got == want


def test_request_bytes_arrive_exactly(fault_server: FaultServer) -> None:
    """The bytes the server receives are exactly request_bytes()."""
    outcome = _drive(fault_server, "/close-delimited")
    assert fault_server.requests == [outcome.conn.request_bytes()]
    head = fault_server.requests[0]
    assert head.startswith(b"GET /close-delimited HTTP/1.1\r\n")
    assert f"host: 127.0.0.1:{fault_server.port}\r\n".encode() in head.lower()


def test_post_request_bytes_arrive_exactly(fault_server: FaultServer) -> None:
    """A POST's head and JSON body arrive as request_bytes() built them."""
    request = Request.post_json(fault_server.url("/close-delimited"), {"q": "é"})
    conn = EventStreamConnection(request)
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        while sock.recv(65536):
            pass
    (received,) = fault_server.requests
    assert received == conn.request_bytes()
    assert received.endswith(b'\r\n\r\n{"q": "\xc3\xa9"}')
    assert b"content-length: 11\r\n" in received.lower()


@pytest.mark.parametrize(("path", "error", "before"), FAULTS)
def test_fault_raises_the_contract_error(
    fault_server: FaultServer,
    path: str,
    error: type[BaseException],
    before: list[ServerSentEvent] | None,
) -> None:
    """Each fault raises its error after the whole events that preceded it, and
    a connection that raised stays in ERROR."""
    outcome = _drive(fault_server, path)
    assert isinstance(outcome.error, error), outcome.error
    _check_events(outcome.events, before)
    if error is not ConnectionResetError:  # the socket failed, not the machine
        assert outcome.conn.state is ConnectionState.ERROR


def test_cut_chunk_size_line(fault_server: FaultServer) -> None:
    """EOF inside a chunk-size line is TruncatedBody, raised by close()."""
    outcome = _drive(fault_server, "/cut-chunk-size")
    assert isinstance(outcome.error, TruncatedBody)
    assert outcome.peer_closed
    assert outcome.error.expected is None
    assert _started(outcome.items[0])


@pytest.mark.parametrize("path", ["/headers-only", "/short-body"])
def test_short_content_length(fault_server: FaultServer, path: str) -> None:
    """EOF short of Content-Length is TruncatedBody with received and expected."""
    outcome = _drive(fault_server, path)
    assert isinstance(outcome.error, TruncatedBody)
    assert outcome.peer_closed
    received = len(b"".join(encoded_events(outcome.events)))
    assert (outcome.error.received, outcome.error.expected) == (
        received,
        SHORT_BODY_LENGTH,
    )


def test_partial_head(fault_server: FaultServer) -> None:
    """EOF inside the response head is TruncatedBody, with no ResponseStarted."""
    outcome = _drive(fault_server, "/partial-head")
    assert isinstance(outcome.error, TruncatedBody)
    assert outcome.peer_closed
    assert outcome.items == []
    assert outcome.conn.response is None


@pytest.mark.parametrize("path", ["/garbage-chunk", "/garbage-status"])
def test_garbage_is_malformed_response(fault_server: FaultServer, path: str) -> None:
    """Non-HTTP bytes raise MalformedResponse from feed(), while the connection is
    still open, with h11's error as the cause."""
    outcome = _drive(fault_server, path)
    error = outcome.error
    assert isinstance(error, MalformedResponse)
    assert not outcome.peer_closed
    assert isinstance(error.__cause__, h11.RemoteProtocolError)
    assert error.detail
    assert error.offset >= 0
    # The head and the garbage come in one read, so the ResponseStarted that
    # feed() built is lost with its list; the connection still holds it.
    response = outcome.conn.response
    if path == "/garbage-chunk":
        assert _started(response)
    else:
        assert response is None


def test_corrupt_gzip_is_malformed_response(fault_server: FaultServer) -> None:
    """A gzip body that is not gzip raises MalformedResponse from feed()."""
    outcome = _drive(fault_server, "/bad-gzip")
    assert isinstance(outcome.error, MalformedResponse)
    assert not outcome.peer_closed
    assert outcome.error.detail


def test_reset_mid_event(fault_server: FaultServer) -> None:
    """A TCP reset mid-event surfaces as ConnectionResetError from the socket; the
    half event is never dispatched."""
    outcome = _drive(fault_server, "/reset")
    assert isinstance(outcome.error, ConnectionResetError)
    assert outcome.events in ([], [FAULT_EVENT])
    assert all(item.data != "never finished" for item in outcome.events)


def test_close_delimited_body_ends_cleanly(fault_server: FaultServer) -> None:
    """A body without framing ends at EOF: events, then a clean StreamEnded."""
    outcome = _drive(fault_server, "/close-delimited")
    assert outcome.error is None
    started, *events, ended = outcome.items
    assert _started(started)
    assert events == CLOSE_DELIMITED_EVENTS
    assert ended == StreamEnded(truncated=False, last_event_id="2", retry=None)
    assert outcome.conn.state is ConnectionState.ENDED


def test_close_delimited_cut_event_is_truncated(fault_server: FaultServer) -> None:
    """EOF inside an event of a close-delimited body: the event is discarded and
    StreamEnded says truncated, keeping the last complete event's id."""
    outcome = _drive(fault_server, "/close-delimited-cut")
    assert outcome.error is None
    assert outcome.items[1:] == [
        FAULT_EVENT,
        StreamEnded(truncated=True, last_event_id="1", retry=None),
    ]


# -- what a reconnecting client makes of it --------------------------------------


@pytest.mark.parametrize(("path", "error", "before"), FAULTS)
def test_reconnector_reconnects_after_fault(
    fault_server: FaultServer,
    path: str,
    error: type[BaseException],
    before: list[ServerSentEvent] | None,
) -> None:
    """Truncation, malformed bytes and a reset are transient: the reconnector
    re-raises the error, then decides to reconnect from the last event it saw."""
    request = Request.get(fault_server.url(path))
    reconnector = Reconnector(request, delay=0.5, random=lambda: 0.0)
    conn = reconnector.connect()
    items: list[Any] = []
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        with pytest.raises(error) as info:
            pump(reconnector, sock, items=items)
    events = [item for item in items if isinstance(item, ServerSentEvent)]
    _check_events(events, before)
    decision = reconnector.connection_lost(info.value)
    assert isinstance(decision, Reconnect)
    assert decision.attempt == 1
    assert decision.delay == pytest.approx(0.5)
    assert decision.last_event_id == (events[-1].id if events else "")
    assert reconnector.state is ReconnectorState.WAITING
    # The next connection asks to resume after that event.
    follow_up = reconnector.connect().request_bytes().lower()
    if events:
        assert b"\r\nlast-event-id: 1\r\n" in follow_up
    else:
        assert b"last-event-id" not in follow_up


def test_backoff_grows_without_events(fault_server: FaultServer) -> None:
    """Attempts that bring no event double the delay each time."""
    request = Request.get(fault_server.url("/garbage-status"))
    reconnector = Reconnector(request, delay=0.5, backoff=2.0, random=lambda: 0.0)
    delays = []
    for attempt in (1, 2, 3):
        conn = reconnector.connect()
        with open_socket(request) as sock:
            sock.sendall(conn.request_bytes())
            with pytest.raises(MalformedResponse) as info:
                pump(reconnector, sock)
        decision = reconnector.connection_lost(info.value)
        assert isinstance(decision, Reconnect)
        assert decision.attempt == attempt
        delays.append(decision.delay)
    assert delays == pytest.approx([0.5, 1.0, 2.0])


@pytest.mark.parametrize(("path", "error", "before"), FAULTS)
def test_helpers_raise_after_whole_events(
    fault_server: FaultServer,
    path: str,
    error: type[BaseException],
    before: list[ServerSentEvent] | None,
) -> None:
    """fetch_events and afetch_events yield the whole events, then raise."""
    request = Request.get(fault_server.url(path))
    got: list[Any] = []
    with pytest.raises(error):
        _collect_sync(fetch_events(request), got)
    _check_events(got, before)
    agot: list[Any] = []
    with pytest.raises(error):
        asyncio.run(_collect(afetch_events(request), agot))
    _check_events(agot, before)
