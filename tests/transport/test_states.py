"""The connection's states, its failures and its interruptions.

Every transition ``EventStreamConnection`` makes is recorded (a subclass sees
each assignment of the state), so a detour through a state that no caller can
observe between two calls still shows.  Then: only a ``ProtocolError`` marks a
connection ``ERROR``; an interruption propagates untouched; a translated error
keeps what it was translated from as its ``__cause__``.
"""

from __future__ import annotations

import gzip
import zlib
from typing import TYPE_CHECKING, Any

import h11
import pytest

from sseparse import (
    BadStatus,
    LimitExceeded,
    MalformedResponse,
    ProtocolError,
    ServerSentEvent,
    TruncatedBody,
    UsageError,
)
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    Reconnect,
    Reconnector,
    Request,
    ResponseStarted,
    StreamEnded,
)
from sseparse.transport._inflate import InflateError
from tests.helpers import split_chunks

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "http://example.com/events"
S = ConnectionState
SSE = b"Content-Type: text/event-stream\r\n"


class Recording(EventStreamConnection[Any]):
    """A connection that records every state it is put in, in order."""

    transitions: list[ConnectionState]

    @property
    def _state(self) -> ConnectionState:
        return self.__dict__["_recorded_state"]  # type: ignore[no-any-return]

    @_state.setter
    def _state(self, value: ConnectionState) -> None:
        self.__dict__.setdefault("transitions", []).append(value)
        self.__dict__["_recorded_state"] = value


def _path(transitions: list[ConnectionState]) -> list[ConnectionState]:
    """Transitions with repeats of the same state folded."""
    path: list[ConnectionState] = []
    for state in transitions:
        if not path or path[-1] is not state:
            path.append(state)
    return path


# response bytes, request method, the states in order, the error (if any)
STATE_ROWS: dict[str, tuple[bytes, str, list[ConnectionState], type | None]] = {
    "content-length": (
        b"HTTP/1.1 200 OK\r\n" + SSE + b"Content-Length: 9\r\n\r\ndata: x\n\n",
        "GET",
        [S.AWAITING_RESPONSE, S.STREAMING, S.ENDED],
        None,
    ),
    "close-delimited": (
        b"HTTP/1.1 200 OK\r\n" + SSE + b"\r\ndata: x\n\n",
        "GET",
        [S.AWAITING_RESPONSE, S.STREAMING, S.ENDED],
        None,
    ),
    "informational-first": (
        b"HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n"
        + SSE
        + b"Content-Length: 0\r\n\r\n",
        "GET",
        [S.AWAITING_RESPONSE, S.STREAMING, S.ENDED],
        None,
    ),
    "204": (
        b"HTTP/1.1 204 No Content\r\n\r\n",
        "GET",
        [S.AWAITING_RESPONSE, S.ENDED],
        None,
    ),
    "204-with-type-and-coding": (
        b"HTTP/1.1 204 No Content\r\nContent-Type: text/html\r\n"
        b"Content-Encoding: gzip\r\n\r\n",
        "GET",
        [S.AWAITING_RESPONSE, S.ENDED],
        None,
    ),
    "head-request": (
        b"HTTP/1.1 200 OK\r\n" + SSE + b"Content-Length: 50\r\n\r\n",
        "HEAD",
        [S.AWAITING_RESPONSE, S.STREAMING, S.ENDED],
        None,
    ),
    "bad-status": (
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
        "GET",
        [S.AWAITING_RESPONSE, S.REJECTING, S.ERROR],
        BadStatus,
    ),
    "malformed": (b"garbage\r\n\r\n", "GET", [S.AWAITING_RESPONSE, S.ERROR], None),
    "truncated": (
        b"HTTP/1.1 200 OK\r\n" + SSE + b"Content-Length: 99\r\n\r\ndata: x\n\n",
        "GET",
        [S.AWAITING_RESPONSE, S.STREAMING, S.ERROR],
        TruncatedBody,
    ),
}
STATE_ROWS["malformed"] = (*STATE_ROWS["malformed"][:3], MalformedResponse)


def _drive(
    data: bytes, method: str, chunks: list[bytes]
) -> tuple[Recording, list[ConnectionState], ProtocolError | None]:
    """Feed *chunks* then close; the states seen after each call, and the error."""
    conn = Recording(Request(url=URL, method=method))
    seen = [conn.state]
    try:
        for chunk in chunks:
            if conn.state is S.ENDED:
                break
            conn.feed(chunk)
            seen.append(conn.state)
        conn.close()
        seen.append(conn.state)
    except ProtocolError as exc:
        seen.append(conn.state)
        return conn, seen, exc
    return conn, seen, None


@pytest.mark.parametrize("way", ["whole", "bytewise"])
@pytest.mark.parametrize("name", list(STATE_ROWS))
def test_state_sequence(name: str, way: str) -> None:
    """Each response walks exactly its states, in order, in any feeding."""
    data, method, expected, error = STATE_ROWS[name]
    chunks = [data] if way == "whole" else split_chunks(data, 1)
    conn, seen, raised = _drive(data, method, chunks)
    assert _path(conn.transitions) == expected
    # what a caller sees between calls is the same walk, some states skipped
    assert [s for s in expected if s in _path(seen)] == _path(seen)
    assert type(raised) is error if error else raised is None


def test_204_ends_at_its_head_without_streaming() -> None:
    """A 204's items are the head and the end, and it never reads a body."""
    conn = Recording(Request(url=URL))
    items = conn.feed(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert [type(i) for i in items] == [ResponseStarted, StreamEnded]
    assert S.STREAMING not in conn.transitions
    assert conn.close() == []


def test_close_is_idempotent_once_ended() -> None:
    """close() on an ENDED connection returns [] every time; feed() is refused."""
    conn = EventStreamConnection(Request(url=URL))
    conn.feed(b"HTTP/1.1 200 OK\r\n" + SSE + b"Content-Length: 0\r\n\r\n")
    assert conn.state is S.ENDED
    for _ in range(3):
        assert conn.close() == []
        assert conn.state is S.ENDED
    with pytest.raises(UsageError, match=r"feed\(\) after the stream ended"):
        conn.feed(b"data: x\n\n")


def test_the_state_is_the_whole_truth() -> None:
    """No loose flag lives beside the state enum."""
    conn = EventStreamConnection(Request(url=URL))
    flags = {k for k, v in vars(conn).items() if type(v) is bool}
    assert flags == {"_decompress"}  # an option, not a state


# --------------------------------------------------------------------------
# Interruptions are not failures
# --------------------------------------------------------------------------


class _Raising:
    """A stand-in decoder whose feed() and close() raise *error*."""

    last_event_id = ""
    retry = None

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def feed(self, data: bytes) -> list[object]:
        raise self.error

    def close(self) -> list[object]:
        raise self.error


def _streaming() -> EventStreamConnection[ServerSentEvent]:
    conn = EventStreamConnection(Request(url=URL))
    conn.feed(b"HTTP/1.1 200 OK\r\n" + SSE + b"\r\n")
    assert conn.state is S.STREAMING
    return conn


INTERRUPTIONS: list[Callable[[], BaseException]] = [
    KeyboardInterrupt,
    SystemExit,
    lambda: MemoryError("no room"),
    lambda: RuntimeError("a bug"),
]


@pytest.mark.parametrize("make", INTERRUPTIONS, ids=lambda m: type(m()).__name__)
@pytest.mark.parametrize("call", ["feed", "close"])
def test_an_interruption_propagates_and_keeps_the_state(
    make: Callable[[], BaseException], call: str
) -> None:
    """Not a ProtocolError: raised as it is, and the state is not ERROR."""
    conn = _streaming()
    error = make()
    conn._decoder = _Raising(error)  # type: ignore[assignment]
    with pytest.raises(type(error)) as info:
        conn.feed(b"data: x\n\n") if call == "feed" else conn.close()
    assert info.value is error
    assert error.__cause__ is None
    assert not error.__suppress_context__
    assert conn.state is S.STREAMING


def test_an_interruption_in_the_head_keeps_awaiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An interrupt inside h11 leaves AWAITING_RESPONSE, not ERROR."""
    conn = EventStreamConnection(Request(url=URL))

    def interrupted(data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(conn._h11, "receive_data", interrupted)
    with pytest.raises(KeyboardInterrupt):
        conn.feed(b"HTTP/1.1 200 OK\r\n")
    assert conn.state is S.AWAITING_RESPONSE


def test_the_reconnector_does_not_take_an_interruption_for_the_cause() -> None:
    """connection_lost() after an interrupt knows no error; after a failure, it."""
    reconnector: Reconnector[ServerSentEvent] = Reconnector(
        Request(url=URL), random=lambda: 0.0
    )
    conn = reconnector.connect()
    reconnector.feed(b"HTTP/1.1 200 OK\r\n" + SSE + b"\r\n")
    conn._decoder = _Raising(KeyboardInterrupt())  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        reconnector.feed(b"data: x\n\n")
    decision = reconnector.connection_lost()
    assert isinstance(decision, Reconnect)
    assert decision.error is None
    reconnector.connect()
    with pytest.raises(MalformedResponse) as info:
        reconnector.feed(b"garbage\r\n\r\n")
    decision = reconnector.connection_lost()
    assert isinstance(decision, Reconnect)
    assert decision.error is info.value


# --------------------------------------------------------------------------
# Causes
# --------------------------------------------------------------------------


def _failure(data: bytes) -> ProtocolError:
    """The error that feeding *data*, then closing, raises."""
    conn = EventStreamConnection(Request(url=URL))
    try:
        conn.feed(data)
        conn.close()
    except ProtocolError as exc:
        assert conn.state is S.ERROR
        return exc
    raise AssertionError("no ProtocolError")


GZ = b"Content-Encoding: gzip\r\n"


def test_corrupt_gzip_keeps_the_decompressor_error_as_cause() -> None:
    """MalformedResponse <- InflateError <- zlib.error."""
    error = _failure(
        b"HTTP/1.1 200 OK\r\n" + SSE + GZ + b"Content-Length: 8\r\n\r\nnot gzip"
    )
    assert isinstance(error, MalformedResponse)
    assert isinstance(error.__cause__, InflateError)
    assert isinstance(error.__cause__.__cause__, zlib.error)


def test_cut_gzip_keeps_the_decompressor_error_as_cause() -> None:
    """TruncatedBody of a compressed stream cut short <- InflateError."""
    body = gzip.compress(b"data: x\n\n" * 50)[:-6]
    error = _failure(b"HTTP/1.1 200 OK\r\n" + SSE + GZ + b"\r\n" + body)
    assert isinstance(error, TruncatedBody)
    assert isinstance(error.__cause__, InflateError)


def test_a_rejection_with_a_corrupt_body_keeps_its_cause() -> None:
    """BadStatus whose gzip body is corrupt <- InflateError."""
    error = _failure(b"HTTP/1.1 500 Oops\r\n" + GZ + b"\r\nnot gzip at all")
    assert isinstance(error, BadStatus)
    assert error.body_truncated is True
    assert isinstance(error.__cause__, InflateError)


def test_a_truncated_head_keeps_h11s_error_as_cause() -> None:
    """TruncatedBody translated from h11 <- h11.RemoteProtocolError."""
    error = _failure(b"HTTP/1.1 200 OK\r\n")
    assert isinstance(error, TruncatedBody)
    assert isinstance(error.__cause__, h11.RemoteProtocolError)


def test_an_error_raised_as_it_is_keeps_its_own_cause() -> None:
    """A ProtocolError from below is raised untouched, with its own cause."""
    conn = _streaming()
    origin = KeyError("deep")
    limit = LimitExceeded("max_line_bytes", maximum=1, observed=2, what="a line")
    limit.__cause__ = origin
    conn._decoder = _Raising(limit)  # type: ignore[assignment]
    with pytest.raises(LimitExceeded) as info:
        conn.feed(b"data: x\n\n")
    assert info.value is limit
    assert limit.__cause__ is origin
    assert conn.state is S.ERROR


def test_an_invalid_port_keeps_its_cause() -> None:
    """Request's UsageError for a bad port chains urllib's ValueError."""
    with pytest.raises(UsageError) as info:
        Request(url="http://example.com:99999/")
    assert isinstance(info.value.__cause__, ValueError)
