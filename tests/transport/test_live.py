"""``sseparse.transport`` against a real SSE server (sse-starlette under uvicorn).

The sans-IO machines are driven over plain blocking sockets by the test itself
(``servers/client.py``); ``fetch_events`` and ``afetch_events`` use their own I/O.
Every stream is compared, event for event, with what ``servers/streams.py`` says
the server sent.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import ServerSentEvent, UsageError
from sseparse.errors import BadContentEncoding, BadContentType, BadStatus
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    GiveUp,
    Reconnect,
    Reconnector,
    ReconnectorState,
    Request,
    ResponseStarted,
    StreamEnded,
    afetch_events,
    fetch_events,
)
from tests.transport.servers.client import get_json, open_socket, pump
from tests.transport.servers.streams import (
    DROP_FIRST,
    DROP_RETRY_MS,
    DROP_TOTAL,
    ECHO_EVENT,
    LLM_CHUNKS,
    MISSING_BODY,
    PLAIN_BODY,
    compact,
    drop_all_events,
    llm_events,
    llm_items,
    slow_events,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DROP_DELAY = DROP_RETRY_MS / 1000


def _exchange(
    request: Request, *, recv_size: int = 65536, **options: Any
) -> tuple[EventStreamConnection[Any], list[Any]]:
    """Run one request over a new socket; return the connection and its items."""
    conn: EventStreamConnection[Any] = EventStreamConnection(request, **options)
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        items = pump(conn, sock, recv_size=recv_size)
    return conn, items


def _events(items: list[Any]) -> list[ServerSentEvent]:
    return [item for item in items if isinstance(item, ServerSentEvent)]


def _last_event_ids(base: str, key: str) -> list[str | None]:
    """The ``Last-Event-ID`` header of each request the server saw for *key*."""
    seen = get_json(f"{base}/requests-seen?key={key}")["requests"]
    return [
        next((value for name, value in r["headers"] if name == "last-event-id"), None)
        for r in seen
    ]


def _state(reconnector: Reconnector[Any]) -> ReconnectorState:
    """The state, read through a call so type checkers do not pin it."""
    return reconnector.state


def _check_jittered(delays: list[float], bases: list[float]) -> None:
    """Each delay is its base stretched by the Reconnector's default jitter (up
    to 10 %): the helpers take no ``random`` to make it exact."""
    assert len(delays) == len(bases)
    for delay, base in zip(delays, bases, strict=True):
        assert base <= delay <= base * 1.1 + 1e-9


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


# -- one connection, driven by the test ----------------------------------------


def test_llm_stream_over_a_blocking_socket(sse_server: str) -> None:
    """A whole LLM stream decodes to exactly the server's events, framed by one
    ResponseStarted and one clean StreamEnded, and the connection ends."""
    conn, items = _exchange(Request.get(f"{sse_server}/llm"))
    started, *events, ended = items
    assert isinstance(started, ResponseStarted)
    assert (started.status, started.reason, started.http_version) == (200, "OK", "1.1")
    assert started.header("Content-Type") == "text/event-stream; charset=utf-8"
    assert started.header("content-type") == started.header("CONTENT-TYPE")
    assert events == llm_events()
    assert ended == StreamEnded(
        truncated=False, last_event_id=str(LLM_CHUNKS), retry=None
    )
    assert conn.state is ConnectionState.ENDED
    assert conn.response == started
    assert conn.last_event_id == str(LLM_CHUNKS)
    assert conn.bytes_received > len("".join(e.data for e in events))
    assert conn.close() == []
    with pytest.raises(UsageError):
        conn.feed(b"data: late\n\n")


@pytest.mark.parametrize("recv_size", [1, 7])
def test_llm_stream_in_tiny_reads(sse_server: str, recv_size: int) -> None:
    """Reading the socket a few bytes at a time changes nothing."""
    _, items = _exchange(Request.get(f"{sse_server}/llm"), recv_size=recv_size)
    assert _events(items) == llm_events()
    assert isinstance(items[-1], StreamEnded)


def test_comments_are_reported_when_asked(sse_server: str) -> None:
    """comments=True yields the server's comment, in place, before the events."""
    _, items = _exchange(Request.get(f"{sse_server}/llm"), comments=True)
    assert items[1:-1] == llm_items()


def test_request_headers_reach_the_server(sse_server: str, key: str) -> None:
    """The server sees our Accept, Cache-Control, Accept-Encoding and
    Last-Event-ID headers, and a caller's header replaces ours of the same name."""
    request = Request.get(
        f"{sse_server}/llm?key={key}",
        headers={"accept": "text/event-stream, */*;q=0.1", "X-Trace": "abc"},
    )
    _exchange(request, last_event_id="7")
    (seen,) = get_json(f"{sse_server}/requests-seen?key={key}")["requests"]
    headers: list[list[str]] = seen["headers"]

    def values(name: str) -> list[str]:
        return [value for field, value in headers if field == name]

    assert values("host") == [sse_server.removeprefix("http://")]
    assert values("accept") == ["text/event-stream, */*;q=0.1"]
    assert values("cache-control") == ["no-store"]
    assert values("accept-encoding") == ["gzip, deflate"]
    assert values("last-event-id") == ["7"]
    assert values("x-trace") == ["abc"]


def test_post_json_sends_the_body(sse_server: str) -> None:
    """Request.post_json's body arrives intact; the echo stream carries it back."""
    payload = {"model": "gpt-test", "messages": [{"role": "user", "content": "né?"}]}
    _, items = _exchange(Request.post_json(f"{sse_server}/echo", payload))
    assert _events(items) == [ServerSentEvent(event=ECHO_EVENT, data=compact(payload))]


def test_slow_bytewise_stream(sse_server: str) -> None:
    """A body sent one byte per chunk (UTF-8 and CRLF split) decodes intact."""
    _, items = _exchange(Request.get(f"{sse_server}/slow"))
    assert _events(items) == slow_events()
    assert items[-1] == StreamEnded(truncated=False, last_event_id="a3", retry=None)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_stream_decodes_per_event(
    sse_server: str, key: str, encoding: str
) -> None:
    """A compressed stream's first event comes out before the server sends the
    rest (the server waits for /release), and the whole stream decodes intact."""
    request = Request.get(f"{sse_server}/{encoding}?key={key}&gate=1")
    conn = EventStreamConnection(request)
    items: list[Any] = []
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        while not _events(items):
            data = sock.recv(65536)
            assert data, "the server closed before the first event"
            items.extend(conn.feed(data))
        assert _events(items) == slow_events()[:1]
        get_json(f"{sse_server}/release?key={key}")
        pump(conn, sock, items=items)
    assert items[0].header("Content-Encoding") == encoding
    assert _events(items) == slow_events()
    assert items[-1] == StreamEnded(truncated=False, last_event_id="a3", retry=None)


def test_compressed_stream_refused_without_decompress(sse_server: str) -> None:
    """With decompress=False a gzip body is a BadContentEncoding, not garbage."""
    with pytest.raises(BadContentEncoding) as info:
        _exchange(Request.get(f"{sse_server}/gzip"), decompress=False)
    assert info.value.status == 200
    assert info.value.content_type == "text/event-stream; charset=utf-8"


# -- responses that are not event streams --------------------------------------


def test_404_is_bad_status_with_the_json_body(sse_server: str) -> None:
    """A 404 raises BadStatus carrying the status and the parsed JSON error body;
    the connection stays failed."""
    request = Request.get(f"{sse_server}/missing")
    conn = EventStreamConnection(request)
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        with pytest.raises(BadStatus) as info:
            pump(conn, sock)
    error = info.value
    assert (error.status, error.reason) == (404, "Not Found")
    assert error.content_type == "application/json"
    assert error.json() == MISSING_BODY
    assert error.body_truncated is False
    assert "404" in str(error)
    assert conn.state is ConnectionState.ERROR
    with pytest.raises(UsageError):
        conn.feed(b"more")


def test_plain_text_is_bad_content_type(sse_server: str) -> None:
    """A 200 text/plain response raises BadContentType with its body."""
    with pytest.raises(BadContentType) as info:
        _exchange(Request.get(f"{sse_server}/plain"))
    assert info.value.status == 200
    assert info.value.content_type == "text/plain; charset=utf-8"
    assert info.value.body == PLAIN_BODY.encode()


def test_204_ends_at_once(sse_server: str) -> None:
    """A 204 is one ResponseStarted(204) and a clean StreamEnded, no error."""
    conn, items = _exchange(Request.get(f"{sse_server}/no-content"))
    started, ended = items
    assert isinstance(started, ResponseStarted)
    assert started.status == 204
    assert ended == StreamEnded(truncated=False, last_event_id="", retry=None)
    assert conn.state is ConnectionState.ENDED


# -- the helpers -----------------------------------------------------------------


def test_fetch_events(sse_server: str) -> None:
    """fetch_events yields the LLM stream's events, and comments when asked."""
    assert list(fetch_events(Request.get(f"{sse_server}/llm"))) == llm_events()
    items = list(fetch_events(Request.get(f"{sse_server}/llm"), comments=True))
    assert items == llm_items()


def test_afetch_events(sse_server: str) -> None:
    """afetch_events is fetch_events' asyncio twin."""
    request = Request.get(f"{sse_server}/llm")
    assert asyncio.run(_collect(afetch_events(request))) == llm_events()
    assert asyncio.run(_collect(afetch_events(request, comments=True))) == llm_items()


@pytest.mark.parametrize("path", ["/slow", "/gzip", "/deflate"])
def test_fetch_events_slow_and_compressed(sse_server: str, path: str) -> None:
    """Both helpers read the bytewise and the compressed streams intact."""
    request = Request.get(f"{sse_server}{path}")
    assert list(fetch_events(request)) == slow_events()
    assert asyncio.run(_collect(afetch_events(request))) == slow_events()


@pytest.mark.parametrize(
    ("path", "error"),
    [("/missing", BadStatus), ("/plain", BadContentType)],
)
def test_helpers_raise_bad_responses(
    sse_server: str, path: str, error: type[Exception]
) -> None:
    """Both helpers raise the connection's BadResponse errors."""
    request = Request.get(f"{sse_server}{path}")
    with pytest.raises(error):
        list(fetch_events(request))
    with pytest.raises(error):
        asyncio.run(_collect(afetch_events(request)))


# -- reconnection ----------------------------------------------------------------


def test_reconnector_resumes_after_a_dropped_stream(sse_server: str, key: str) -> None:
    """After the server ends the stream, the reconnector waits the server's retry
    time, reconnects with Last-Event-ID, gets the rest, and gives up on 204."""
    request = Request.get(f"{sse_server}/drop?key={key}")
    reconnector = Reconnector(request, random=lambda: 0.0)
    items: list[Any] = []

    def run_one() -> list[Any]:
        conn = reconnector.connect()
        assert reconnector.state is ReconnectorState.CONNECTING
        assert reconnector.connection is conn
        with open_socket(request) as sock:
            sock.sendall(conn.request_bytes())
            return pump(reconnector, sock, items=items)

    run_one()
    assert reconnector.retry == DROP_RETRY_MS
    first = reconnector.connection_lost()
    assert isinstance(first, Reconnect)
    assert (first.attempt, first.last_event_id) == (1, str(DROP_FIRST))
    assert first.delay == pytest.approx(DROP_DELAY)
    assert _state(reconnector) is ReconnectorState.WAITING

    run_one()
    second = reconnector.connection_lost()
    assert isinstance(second, Reconnect)
    # Events came on the second connection, so the failure count starts again.
    assert (second.attempt, second.last_event_id) == (1, str(DROP_TOTAL))
    assert second.delay == pytest.approx(DROP_DELAY)

    tail = run_one()[-2:]
    assert [type(item) for item in tail] == [ResponseStarted, StreamEnded]
    assert tail[0].status == 204
    assert isinstance(reconnector.connection_lost(), GiveUp)
    assert reconnector.state is ReconnectorState.CLOSED
    with pytest.raises(UsageError):
        reconnector.connect()

    assert _events(items) == drop_all_events()
    assert _last_event_ids(sse_server, key) == [None, str(DROP_FIRST), str(DROP_TOTAL)]


def test_fetch_events_reconnects(
    sse_server: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fetch_events(reconnect=True) sleeps the server's retry time (recorded, not
    slept), resumes with Last-Event-ID and stops cleanly on the final 204."""
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    request = Request.get(f"{sse_server}/drop?key={key}")
    events = list(fetch_events(request, reconnect=True))
    assert events == drop_all_events()
    _check_jittered(sleeps, [DROP_DELAY, DROP_DELAY])
    assert _last_event_ids(sse_server, key) == [None, str(DROP_FIRST), str(DROP_TOTAL)]


def test_afetch_events_reconnects(
    sse_server: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """afetch_events(reconnect=True) does the same with asyncio.sleep."""
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def record(delay: float, result: Any = None) -> Any:
        sleeps.append(delay)
        await real_sleep(0)
        return result

    monkeypatch.setattr(asyncio, "sleep", record)
    request = Request.get(f"{sse_server}/drop?key={key}")
    events = asyncio.run(_collect(afetch_events(request, reconnect=True)))
    assert events == drop_all_events()
    _check_jittered(sleeps, [DROP_DELAY, DROP_DELAY])
    assert _last_event_ids(sse_server, key) == [None, str(DROP_FIRST), str(DROP_TOTAL)]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/missing", BadStatus),
        ("/plain", BadContentType),
        ("/busy", BadStatus),
        ("/no-content", None),
    ],
)
def test_reconnector_gives_up_on_non_streams(
    sse_server: str, path: str, error: type[Exception] | None
) -> None:
    """Error statuses, a wrong content type and 204 are final: GiveUp, CLOSED."""
    request = Request.get(f"{sse_server}{path}")
    reconnector = Reconnector(request, random=lambda: 0.0)
    conn = reconnector.connect()
    raised: BaseException | None = None
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        try:
            pump(reconnector, sock)
        except Exception as exc:
            raised = exc
    if error is None:
        assert raised is None
    else:
        assert isinstance(raised, error)
    decision = reconnector.connection_lost(raised)
    assert isinstance(decision, GiveUp)
    assert decision.error is raised
    assert reconnector.state is ReconnectorState.CLOSED


def test_reconnect_statuses_retry_with_backoff(sse_server: str) -> None:
    """A status listed in reconnect_statuses is retried, each failed attempt
    doubling the delay."""
    request = Request.get(f"{sse_server}/busy")
    reconnector = Reconnector(
        request, delay=0.5, reconnect_statuses={503}, random=lambda: 0.0
    )
    delays = []
    for attempt in (1, 2, 3):
        conn = reconnector.connect()
        with open_socket(request) as sock:
            sock.sendall(conn.request_bytes())
            with pytest.raises(BadStatus) as info:
                pump(reconnector, sock)
        assert info.value.status == 503
        decision = reconnector.connection_lost(info.value)
        assert isinstance(decision, Reconnect)
        assert decision.attempt == attempt
        delays.append(decision.delay)
    assert delays == pytest.approx([0.5, 1.0, 2.0])


def test_fetch_events_does_not_reconnect_after_204(
    sse_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fetch_events(reconnect=True) on a 204 yields nothing and never sleeps."""
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    request = Request.get(f"{sse_server}/no-content")
    assert list(fetch_events(request, reconnect=True)) == []
    assert sleeps == []


def test_cancel_closes_the_reconnector(sse_server: str) -> None:
    """cancel() closes the reconnector for good: connect() then fails."""
    request = Request.get(f"{sse_server}/llm")
    reconnector = Reconnector(request)
    conn = reconnector.connect()
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        assert _events(pump(reconnector, sock)) == llm_events()
    assert reconnector.last_event_id == str(LLM_CHUNKS)
    reconnector.cancel()
    assert reconnector.state is ReconnectorState.CLOSED
    with pytest.raises(UsageError):
        reconnector.connect()


def test_connection_lost_after_cancel_gives_up(sse_server: str) -> None:
    """A caller that cancels mid-stream and then reports the lost connection, as an
    I/O loop's cleanup does, is told GiveUp."""
    request = Request.get(f"{sse_server}/llm")
    reconnector = Reconnector(request)
    conn = reconnector.connect()
    with open_socket(request) as sock:
        sock.sendall(conn.request_bytes())
        items: list[Any] = []
        while not _events(items):
            items.extend(reconnector.feed(sock.recv(1)))
        reconnector.cancel()
    decision = reconnector.connection_lost()
    assert isinstance(decision, GiveUp)
    assert reconnector.state is ReconnectorState.CLOSED
