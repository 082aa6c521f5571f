"""The ``Reconnector`` state machine, as the transport contract describes it.

1. Every (state, call) pair either transitions as the table says or raises
   ``UsageError`` (h2's ``test_state_machines.py`` idea).
2. Delays: the server's ``retry`` over the default, exponential backoff with a
   cap never below the server's ``retry``, jitter from an injected ``random``.
3. Attempts: counted per consecutive connection without an event, reset by an
   event, bounded by ``max_attempts``.
4. Every cause of ``GiveUp`` and of ``Reconnect`` that the contract lists.
5. The last event ID: remembered, sent as ``Last-Event-ID`` on the next
   connection, U+0000 ids ignored, an empty id resets it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import h11
import pytest

from sseparse import (
    BadContentEncoding,
    BadContentType,
    BadStatus,
    Comment,
    LimitExceeded,
    Limits,
    MalformedResponse,
    ProtocolError,
    ServerSentEvent,
    TruncatedBody,
    UsageError,
)
from sseparse.transport import (
    EventStreamConnection,
    GiveUp,
    Reconnect,
    Reconnector,
    ReconnectorState,
    Request,
    ResponseStarted,
    StreamEnded,
)

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "http://example.com/events"
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
S = ReconnectorState


def new(**options: Any) -> Reconnector[Any]:
    """A Reconnector whose delays are exact (no jitter drawn).

    Its item type is ``ServerSentEvent | Comment`` if *options* has
    ``comments=True``, else ``ServerSentEvent``.
    """
    options.setdefault("random", lambda: 0.0)
    return Reconnector(Request.get(URL), **options)


def length_response(body: bytes, status: bytes = b"200 OK", *headers: bytes) -> bytes:
    lines = [b"HTTP/1.1 " + status, *headers, b"Content-Length: %d" % len(body)]
    return b"".join(line + b"\r\n" for line in lines) + b"\r\n" + body


def session(
    reconnector: Reconnector[Any], body: bytes | None = b"", *, head: bytes = OK_HEAD
) -> Reconnect | GiveUp:
    """One connection: connect, receive *head* + *body*, the peer closes.

    ``body=None`` stands for a connection that failed before any byte (a refused
    connect).  A ProtocolError from feed/close is handed to connection_lost.
    """
    reconnector.connect()
    if body is None:
        return reconnector.connection_lost(ConnectionRefusedError())
    try:
        reconnector.feed(head + body)
        reconnector.close()
    except ProtocolError as exc:
        return reconnector.connection_lost(exc)
    return reconnector.connection_lost(None)


def failures(reconnector: Reconnector[Any], count: int) -> list[Reconnect | GiveUp]:
    return [session(reconnector, None) for _ in range(count)]


def delays(results: list[Reconnect | GiveUp]) -> list[float]:
    out = []
    for result in results:
        assert isinstance(result, Reconnect), result
        out.append(result.delay)
    return out


def sent_header(connection: EventStreamConnection[Any], name: bytes) -> list[str]:
    """The values of header *name* (lower case) in the connection's request."""
    server = h11.Connection(h11.SERVER)
    server.receive_data(connection.request_bytes())
    request = server.next_event()
    assert isinstance(request, h11.Request)
    return [v.decode() for k, v in request.headers if k == name]


def sent_last_event_id(connection: EventStreamConnection[Any]) -> list[str]:
    return sent_header(connection, b"last-event-id")


# --------------------------------------------------------------------------
# 1. The state table
# --------------------------------------------------------------------------


def _initial() -> Reconnector[ServerSentEvent]:
    return new()


def _connecting() -> Reconnector[ServerSentEvent]:
    r = new()
    r.connect()
    return r


def _open() -> Reconnector[ServerSentEvent]:
    r = _connecting()
    r.feed(OK_HEAD)
    return r


def _waiting() -> Reconnector[ServerSentEvent]:
    r = _connecting()
    r.connection_lost(ConnectionResetError())
    return r


def _cancelled() -> Reconnector[ServerSentEvent]:
    r = _open()
    r.cancel()
    return r


def _gave_up() -> Reconnector[ServerSentEvent]:
    r = _connecting()
    with pytest.raises(BadStatus) as info:
        r.feed(length_response(b"", b"404 Not Found"))
    assert isinstance(r.connection_lost(info.value), GiveUp)
    return r


STATES: dict[
    str, tuple[Callable[[], Reconnector[ServerSentEvent]], ReconnectorState]
] = {
    "INITIAL": (_initial, S.INITIAL),
    "CONNECTING": (_connecting, S.CONNECTING),
    "OPEN": (_open, S.OPEN),
    "WAITING": (_waiting, S.WAITING),
    "CLOSED-cancelled": (_cancelled, S.CLOSED),
    "CLOSED-gave-up": (_gave_up, S.CLOSED),
}


def _feed(r: Reconnector[ServerSentEvent]) -> object:
    # The response head where one is awaited, else an event.
    return r.feed(OK_HEAD if r.state is S.CONNECTING else b"data: x\n\n")


CALLS: dict[str, Callable[[Reconnector[ServerSentEvent]], object]] = {
    "connect": lambda r: r.connect(),
    "feed": _feed,
    "close": lambda r: r.close(),
    "connection_lost": lambda r: r.connection_lost(None),
    "cancel": lambda r: r.cancel(),
}

Outcome = ReconnectorState | type[BaseException]
U = UsageError
# (state, call) -> the allowed outcomes: the state after the call, or the error
# it raises.  Two outcomes where the contract leaves the choice open (calls on a
# closed machine, which may be refused or ignored).
TABLE: dict[tuple[str, str], tuple[Outcome, ...]] = {
    ("INITIAL", "connect"): (S.CONNECTING,),
    ("INITIAL", "feed"): (U,),
    ("INITIAL", "close"): (U,),
    ("INITIAL", "connection_lost"): (U,),
    ("INITIAL", "cancel"): (S.CLOSED,),
    ("CONNECTING", "connect"): (U,),
    ("CONNECTING", "feed"): (S.OPEN,),
    ("CONNECTING", "close"): (TruncatedBody,),  # propagated from the connection
    ("CONNECTING", "connection_lost"): (S.WAITING,),
    ("CONNECTING", "cancel"): (S.CLOSED,),
    ("OPEN", "connect"): (U,),
    ("OPEN", "feed"): (S.OPEN,),
    ("OPEN", "close"): (S.OPEN,),
    ("OPEN", "connection_lost"): (S.WAITING,),
    ("OPEN", "cancel"): (S.CLOSED,),
    ("WAITING", "connect"): (S.CONNECTING,),
    ("WAITING", "feed"): (U,),
    ("WAITING", "close"): (U,),
    ("WAITING", "connection_lost"): (U,),
    ("WAITING", "cancel"): (S.CLOSED,),
    ("CLOSED-cancelled", "connect"): (U,),
    ("CLOSED-cancelled", "feed"): (U,),
    ("CLOSED-cancelled", "close"): (U,),
    ("CLOSED-cancelled", "connection_lost"): (S.CLOSED,),  # GiveUp: cancelled
    ("CLOSED-cancelled", "cancel"): (S.CLOSED, U),
    ("CLOSED-gave-up", "connect"): (U,),
    ("CLOSED-gave-up", "feed"): (U,),
    ("CLOSED-gave-up", "close"): (U,),
    ("CLOSED-gave-up", "connection_lost"): (S.CLOSED, U),
    ("CLOSED-gave-up", "cancel"): (S.CLOSED, U),
}

RESULT_TYPES: dict[str, Callable[[object, ReconnectorState], bool]] = {
    "connect": lambda result, _: isinstance(result, EventStreamConnection),
    "feed": lambda result, _: isinstance(result, list),
    "close": lambda result, _: isinstance(result, list),
    "connection_lost": lambda result, state: isinstance(
        result, Reconnect if state is S.WAITING else GiveUp
    ),
    "cancel": lambda result, _: True,  # the contract names no return value
}


def test_table_covers_every_pair() -> None:
    """The table names every (state, call) pair, and every state is reachable."""
    assert set(TABLE) == set(itertools.product(STATES, CALLS))
    for make, state in STATES.values():
        assert make().state is state


@pytest.mark.parametrize(("state", "call"), list(TABLE))
def test_state_table(state: str, call: str) -> None:
    """Each (state, call) pair transitions as the table says or raises."""
    reconnector = STATES[state][0]()
    before = reconnector.state
    allowed = TABLE[state, call]
    raised: BaseException | None = None
    try:
        result = CALLS[call](reconnector)
    except (UsageError, ProtocolError) as exc:
        raised = exc
    if raised is not None:
        assert type(raised) in allowed, (raised, allowed)
        if isinstance(raised, UsageError):
            assert reconnector.state is before  # refusals change nothing
        return
    assert reconnector.state in allowed, (reconnector.state, allowed)
    assert RESULT_TYPES[call](result, reconnector.state), result
    if call == "connect":
        assert reconnector.connection is result


def test_connect_uses_the_request_and_options() -> None:
    """connect() builds the connection from the request, limits and comments."""
    reconnector = Reconnector(
        Request.get(URL, headers={"X-A": "1"}),
        comments=True,
        limits=Limits(max_line_bytes=64),
    )
    connection = reconnector.connect()
    assert sent_header(connection, b"x-a") == ["1"]
    items = reconnector.feed(OK_HEAD + b": ping\n\ndata: x\n\n")
    assert items[1:] == [Comment(text="ping"), ServerSentEvent(data="x")]
    assert isinstance(items[0], ResponseStarted)
    with pytest.raises(LimitExceeded):
        reconnector.feed(b"data: " + b"x" * 100 + b"\n")


# --------------------------------------------------------------------------
# 2. Delays
# --------------------------------------------------------------------------


def test_default_delay_is_three_seconds() -> None:
    """The first reconnection waits the default 3 s, attempt 1."""
    result = session(new(), None)
    assert isinstance(result, Reconnect)
    assert (result.delay, result.attempt, result.last_event_id) == (3.0, 1, "")


def test_exponential_backoff_with_cap() -> None:
    """Consecutive failures wait delay * backoff**(n-1), capped at max_delay."""
    reconnector = new(delay=1.0, backoff=2.0, max_delay=10.0)
    results = failures(reconnector, 6)
    assert delays(results) == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert [r.attempt for r in results if isinstance(r, Reconnect)] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert reconnector.attempt == 6


def test_backoff_of_one_keeps_the_delay() -> None:
    """backoff=1 reconnects at the same delay every time."""
    assert delays(failures(new(delay=0.25, backoff=1.0), 4)) == [0.25] * 4


def test_server_retry_overrides_default_delay() -> None:
    """A retry field sets the base delay, in milliseconds, for later attempts."""
    reconnector = new(delay=3.0, backoff=2.0, max_delay=60.0)
    first = session(reconnector, b"retry: 500\n\n")
    assert reconnector.retry == 500
    assert isinstance(first, Reconnect)
    assert first.delay == 0.5
    assert delays(failures(reconnector, 3)) == [1.0, 2.0, 4.0]


def test_server_retry_in_an_event_block() -> None:
    """A retry field inside an event's block sets the base delay too."""
    reconnector = new(delay=3.0)
    result = session(reconnector, b"retry: 1200\ndata: x\n\n")
    assert isinstance(result, Reconnect)
    assert (result.delay, result.attempt) == (1.2, 1)


def test_server_retry_persists_across_connections() -> None:
    """A later connection that sends no retry keeps the server's earlier one."""
    reconnector = new(delay=3.0)
    session(reconnector, b"retry: 700\ndata: x\n\n")
    result = session(reconnector, b"data: y\n\n")
    assert isinstance(result, Reconnect)
    assert result.delay == 0.7
    assert reconnector.retry == 700


def test_server_retry_zero_means_at_once() -> None:
    """retry: 0 makes every delay zero, whatever the backoff."""
    reconnector = new(delay=3.0)
    session(reconnector, b"retry: 0\n\n")
    assert delays(failures(reconnector, 3)) == [0.0, 0.0, 0.0]


def test_cap_never_below_server_retry() -> None:
    """With max_delay below the server's retry, the delay is the server's."""
    reconnector = new(delay=0.1, max_delay=1.0, backoff=2.0)
    assert delays([session(reconnector, b"retry: 5000\n\n")]) == [5.0]
    assert delays(failures(reconnector, 3)) == [5.0, 5.0, 5.0]


def test_retry_seen_before_a_truncation_is_used() -> None:
    """The retry of a stream that then breaks sets the delay of the reconnect."""
    reconnector = new(delay=3.0)
    head = OK_HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 100\r\n\r\n")
    result = session(reconnector, b"retry: 1500\n\ndata: x", head=head)
    assert isinstance(result, Reconnect)
    assert result.delay == 1.5


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.5, 0.999])
def test_jitter_scales_up_by_the_random_draw(draw: float) -> None:
    """Jitter multiplies the delay by 1 + jitter * random()."""
    reconnector = Reconnector(
        Request.get(URL),
        delay=2.0,
        backoff=2.0,
        max_delay=5.0,
        jitter=0.2,
        random=lambda: draw,
    )
    got = delays(failures(reconnector, 3))
    factor = 1 + 0.2 * draw
    assert got == pytest.approx([2.0 * factor, 4.0 * factor, 5.0 * factor])


@pytest.mark.parametrize("draw", [0.0, 0.5, 0.999])
def test_jitter_never_earlier_than_the_server_asked(draw: float) -> None:
    """With jitter, no delay is below the server's retry."""
    reconnector = Reconnector(
        Request.get(URL), max_delay=0.5, jitter=0.5, random=lambda: draw
    )
    first = session(reconnector, b"retry: 2000\n\n")
    for result in [first, *failures(reconnector, 4)]:
        assert isinstance(result, Reconnect)
        assert 2.0 <= result.delay <= 2.0 * 1.5


def test_jitter_draws_from_the_injected_random() -> None:
    """The delay uses the injected random source, one draw per reconnect."""
    draws = iter([0.1, 0.9, 0.5])
    reconnector = Reconnector(
        Request.get(URL), delay=1.0, backoff=1.0, jitter=1.0, random=lambda: next(draws)
    )
    assert delays(failures(reconnector, 3)) == pytest.approx([1.1, 1.9, 1.5])


# --------------------------------------------------------------------------
# 3. Attempts
# --------------------------------------------------------------------------


def test_an_event_resets_the_attempt_count() -> None:
    """Attempts count connections without an event; an event starts over."""
    reconnector = new(delay=1.0, backoff=2.0)
    assert delays(failures(reconnector, 3)) == [1.0, 2.0, 4.0]
    result = session(reconnector, b"data: x\n\n")
    assert isinstance(result, Reconnect)
    assert (result.delay, result.attempt) == (1.0, 1)
    assert reconnector.attempt == 1
    assert delays(failures(reconnector, 1)) == [2.0]


def test_event_resets_even_when_the_stream_then_breaks() -> None:
    """An event before a truncated body still resets the count."""
    reconnector = new(delay=1.0)
    failures(reconnector, 2)
    head = OK_HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 100\r\n\r\n")
    result = session(reconnector, b"data: x\n\n", head=head)
    assert isinstance(result, Reconnect)
    assert result.attempt == 1


@pytest.mark.parametrize(
    ("body", "options"),
    [
        (b"", {}),
        (b": ping\n\n", {"comments": True}),
        (b"retry: 1000\n\n", {}),
        (b"id: 5\n\n", {}),
        (b"data: unterminated", {}),
    ],
    ids=["empty-body", "comment", "retry-only", "id-only", "discarded-event"],
)
def test_a_stream_without_events_counts_as_failed(
    body: bytes, options: dict[str, Any]
) -> None:
    """A 200 stream that ends without dispatching an event is another attempt."""
    reconnector = new(delay=1.0, **options)
    failures(reconnector, 2)
    result = session(reconnector, body)
    assert isinstance(result, Reconnect)
    assert result.attempt == 3


def test_max_attempts_gives_up() -> None:
    """After max_attempts reconnections in a row fail, the next loss gives up."""
    reconnector = new(max_attempts=3)
    results = failures(reconnector, 3)
    assert [r.attempt for r in results if isinstance(r, Reconnect)] == [1, 2, 3]
    reconnector.connect()
    error = ConnectionRefusedError()
    final = reconnector.connection_lost(error)
    assert isinstance(final, GiveUp)
    assert final.error is error
    assert final.reason
    assert reconnector.state is S.CLOSED
    with pytest.raises(UsageError):
        reconnector.connect()


def test_max_attempts_count_restarts_after_an_event() -> None:
    """An event gives back the whole max_attempts budget."""
    reconnector = new(max_attempts=2)
    failures(reconnector, 2)
    assert isinstance(session(reconnector, b"data: x\n\n"), Reconnect)
    assert all(isinstance(r, Reconnect) for r in failures(reconnector, 1))


def test_no_max_attempts_never_gives_up() -> None:
    """Without max_attempts, failures keep reconnecting at the capped delay."""
    results = failures(new(delay=1.0, max_delay=4.0), 50)
    assert delays(results)[-1] == 4.0
    assert isinstance(results[-1], Reconnect)
    assert results[-1].attempt == 50


# --------------------------------------------------------------------------
# 4. Causes
# --------------------------------------------------------------------------

SSE = b"Content-Type: text/event-stream"


def _lost_after(response: bytes, **options: Any) -> tuple[Reconnect | GiveUp, Any]:
    """Feed *response* then close; hand what was raised to connection_lost."""
    reconnector = new(**options)
    reconnector.connect()
    error: BaseException | None = None
    try:
        reconnector.feed(response)
        reconnector.close()
    except ProtocolError as exc:
        error = exc
    return reconnector.connection_lost(error), error


GIVE_UP_RESPONSES = [
    pytest.param(length_response(b"nope", b"404 Not Found"), {}, BadStatus, id="404"),
    pytest.param(
        length_response(b"", b"500 Oops"),
        {"reconnect_statuses": (502, 503)},
        BadStatus,
        id="500-not-in-reconnect-statuses",
    ),
    pytest.param(
        length_response(b"", b"302 Found", b"Location: /x"),
        {},
        BadStatus,
        id="302",
    ),
    pytest.param(
        length_response(b"<html>", b"200 OK", b"Content-Type: text/html"),
        {},
        BadContentType,
        id="bad-content-type",
    ),
    pytest.param(
        length_response(b"", b"200 OK", SSE, b"Content-Encoding: br"),
        {},
        BadContentEncoding,
        id="bad-content-encoding",
    ),
    pytest.param(
        length_response(b"data: " + b"x" * 100 + b"\n\n", b"200 OK", SSE),
        {"limits": Limits(max_line_bytes=16)},
        LimitExceeded,
        id="sse-limit-exceeded",
    ),
    pytest.param(
        length_response(b"", b"200 OK", SSE, b"X-Big: " + b"a" * 500),
        {"limits": Limits(max_header_bytes=256)},
        LimitExceeded,
        id="header-limit-exceeded",
    ),
    pytest.param(b"HTTP/1.1 204 No Content\r\n\r\n", {}, None, id="204-no-content"),
]


@pytest.mark.parametrize(("response", "options", "raised"), GIVE_UP_RESPONSES)
def test_give_up_causes(
    response: bytes, options: dict[str, Any], raised: type[ProtocolError] | None
) -> None:
    """These responses end in GiveUp carrying the error, and CLOSED."""
    result, error = _lost_after(response, **options)
    if raised is None:
        assert error is None
    else:
        assert type(error) is raised
    assert isinstance(result, GiveUp)
    assert result.error is error
    assert isinstance(result.reason, str)
    assert result.reason


RECONNECT_RESPONSES = [
    pytest.param(OK_HEAD + b"data: x\n\n", {}, None, id="clean-end-close-delimited"),
    pytest.param(
        length_response(b"data: x\n\n", b"200 OK", SSE), {}, None, id="clean-end-length"
    ),
    pytest.param(
        length_response(b"", b"503 Busy"),
        {"reconnect_statuses": (502, 503)},
        BadStatus,
        id="503-in-reconnect-statuses",
    ),
    pytest.param(
        OK_HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 50\r\n\r\n") + b"data",
        {},
        TruncatedBody,
        id="truncated-body",
    ),
    pytest.param(b"HTTP/1.1 200 OK\r\n", {}, TruncatedBody, id="truncated-head"),
    pytest.param(b"garbage\r\n\r\n", {}, MalformedResponse, id="malformed-head"),
    pytest.param(
        length_response(b"not gzip", b"200 OK", SSE, b"Content-Encoding: gzip"),
        {},
        MalformedResponse,
        id="corrupt-gzip",
    ),
]


@pytest.mark.parametrize(("response", "options", "raised"), RECONNECT_RESPONSES)
def test_reconnect_causes(
    response: bytes, options: dict[str, Any], raised: type[ProtocolError] | None
) -> None:
    """These responses end in Reconnect, and WAITING."""
    result, error = _lost_after(response, **options)
    if raised is None:
        assert error is None
    else:
        assert type(error) is raised
    assert isinstance(result, Reconnect)
    assert result.attempt == 1


@pytest.mark.parametrize(
    "error",
    [
        ConnectionResetError(104, "reset"),
        ConnectionRefusedError(),
        TimeoutError("read timed out"),
        OSError(113, "no route to host"),
    ],
    ids=["reset", "refused", "timeout", "os-error"],
)
def test_socket_errors_reconnect(error: BaseException) -> None:
    """OSError and TimeoutError from the socket lead to Reconnect."""
    for feed_first in (False, True):
        reconnector = new()
        reconnector.connect()
        if feed_first:
            reconnector.feed(OK_HEAD + b"data: x\n\n")
        result = reconnector.connection_lost(error)
        assert isinstance(result, Reconnect)
        assert reconnector.state is S.WAITING


@pytest.mark.parametrize(
    "error",
    [
        UsageError("fed after close"),
        LimitExceeded("max_line_bytes", maximum=1, observed=2, what="a line"),
    ],
    ids=["usage-error", "limit-exceeded"],
)
def test_errors_passed_directly_give_up(error: BaseException) -> None:
    """UsageError and LimitExceeded handed to connection_lost give up."""
    reconnector = new()
    reconnector.connect()
    result = reconnector.connection_lost(error)
    assert isinstance(result, GiveUp)
    assert result.error is error
    assert reconnector.state is S.CLOSED


def test_recorded_error_is_used_without_an_argument() -> None:
    """An error raised by feed() is recorded: connection_lost() then gives up."""
    reconnector = new()
    reconnector.connect()
    with pytest.raises(BadStatus) as info:
        reconnector.feed(length_response(b"", b"401 Unauthorized"))
    result = reconnector.connection_lost()
    assert isinstance(result, GiveUp)
    assert result.error is info.value


def test_feed_returns_the_connection_items() -> None:
    """feed() and close() hand back the connection's items unchanged."""
    reconnector = new()
    reconnector.connect()
    items = reconnector.feed(OK_HEAD + b"id: 1\ndata: x\n\n")
    assert isinstance(items[0], ResponseStarted)
    assert items[1:] == [ServerSentEvent(data="x", id="1")]
    assert reconnector.state is S.OPEN
    end = reconnector.close()
    assert len(end) == 1
    assert isinstance(end[0], StreamEnded)


def test_non_2xx_head_does_not_open() -> None:
    """A rejected response head leaves the machine CONNECTING, not OPEN."""
    reconnector = new()
    reconnector.connect()
    reconnector.feed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\n")
    assert reconnector.state is S.CONNECTING


# --------------------------------------------------------------------------
# 5. The last event ID
# --------------------------------------------------------------------------


def test_last_event_id_carried_into_the_next_request() -> None:
    """The id of the last event is sent as Last-Event-ID on reconnecting."""
    reconnector = new()
    first = reconnector.connect()
    assert sent_last_event_id(first) == []
    reconnector.feed(OK_HEAD + b"id: 7\ndata: a\n\n")
    result = reconnector.connection_lost(ConnectionResetError())
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "7"
    assert reconnector.last_event_id == "7"
    second = reconnector.connect()
    assert sent_last_event_id(second) == ["7"]
    assert second.last_event_id == "7"


def test_id_with_nul_is_ignored() -> None:
    """An id containing U+0000 leaves the last event ID as it was."""
    reconnector = new()
    session(reconnector, b"id: 7\ndata: a\n\n")
    result = session(reconnector, b"id: a\x00b\ndata: b\n\n")
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "7"
    assert sent_last_event_id(reconnector.connect()) == ["7"]


def test_empty_id_resets() -> None:
    """An empty id field clears the last event ID: no Last-Event-ID is sent."""
    reconnector = new()
    session(reconnector, b"id: 7\ndata: a\n\n")
    result = session(reconnector, b"id\ndata: b\n\n")
    assert isinstance(result, Reconnect)
    assert result.last_event_id == ""
    assert reconnector.last_event_id == ""
    assert sent_last_event_id(reconnector.connect()) == []


def test_last_event_id_survives_a_stream_without_ids() -> None:
    """A connection whose events carry no id field keeps the id (WHATWG)."""
    reconnector = new()
    session(reconnector, b"id: 7\ndata: a\n\n")
    reconnector.connect()
    items = reconnector.feed(OK_HEAD + b"data: b\n\n")
    assert items[1:] == [ServerSentEvent(data="b", id="7")]
    reconnector.close()
    result = reconnector.connection_lost(None)
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "7"
    assert sent_last_event_id(reconnector.connect()) == ["7"]


def test_non_ascii_id_is_sent_as_utf8() -> None:
    """A non-ASCII id from the server goes back UTF-8 encoded (WHATWG)."""
    reconnector = new()
    session(reconnector, "id: caf\u00e9\ndata: a\n\n".encode())
    assert reconnector.last_event_id == "caf\u00e9"
    assert sent_last_event_id(reconnector.connect()) == ["caf\u00e9"]


def test_id_of_a_block_without_data_is_remembered() -> None:
    """An id closed by a blank line counts even though no event is dispatched."""
    reconnector = new()
    result = session(reconnector, b"id: 9\n\n")
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "9"
    assert sent_last_event_id(reconnector.connect()) == ["9"]


def test_id_of_a_discarded_block_is_not_remembered() -> None:
    """An id line whose block the peer never closed does not take effect."""
    reconnector = new()
    result = session(reconnector, b"id: 1\ndata: a\n\nid: 2\ndata: b")
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "1"


def test_last_event_id_kept_when_the_stream_breaks() -> None:
    """The id seen before a broken body is carried into the next request."""
    reconnector = new()
    head = OK_HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 100\r\n\r\n")
    result = session(reconnector, b"id: 3\ndata: a\n\n", head=head)
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "3"
    assert sent_last_event_id(reconnector.connect()) == ["3"]


# --------------------------------------------------------------------------
# cancel()
# --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["INITIAL", "CONNECTING", "OPEN", "WAITING"])
def test_cancel_closes_for_good(state: str) -> None:
    """cancel() moves to CLOSED; connect() is then refused."""
    reconnector = STATES[state][0]()
    reconnector.cancel()
    assert reconnector.state is S.CLOSED
    with pytest.raises(UsageError):
        reconnector.connect()
    assert reconnector.state is S.CLOSED


def _truncated_body() -> TruncatedBody:
    """A real TruncatedBody: a connection closed before any byte arrived."""
    connection = EventStreamConnection(Request.get(URL))
    with pytest.raises(TruncatedBody) as info:
        connection.close()
    return info.value


@pytest.mark.parametrize("cause", ["clean", "os-error", "truncated"])
def test_connection_lost_after_cancel_gives_up(cause: str) -> None:
    """The loss that follows a cancel() gives up, whatever its cause."""
    reconnector = _open()
    reconnector.cancel()
    errors = {
        "clean": None,
        "os-error": ConnectionResetError(),
        "truncated": _truncated_body(),
    }
    result = reconnector.connection_lost(errors[cause])
    assert isinstance(result, GiveUp)
    assert reconnector.state is S.CLOSED


def test_an_unsendable_last_event_id_gives_up() -> None:
    """An id with a control character cannot go in Last-Event-ID: give up, say why."""
    reconnector = new()
    result = session(reconnector, b"id: a\x01b\ndata: x\n\n")
    assert isinstance(result, GiveUp)
    assert "control character" in result.reason
    assert reconnector.state is ReconnectorState.CLOSED


def test_a_utf8_last_event_id_is_carried() -> None:
    """A non-ASCII id from the server goes into the next request as UTF-8."""
    reconnector = new()
    result = session(reconnector, "id: café\ndata: x\n\n".encode())
    assert isinstance(result, Reconnect)
    assert result.last_event_id == "café"
    assert sent_last_event_id(reconnector.connect()) == ["café"]
