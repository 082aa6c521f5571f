"""Fuzz target for the HTTP side of the transport: ``EventStreamConnection``.

The input's first byte picks the options (comments, decompression, small
limits); the rest is the server's response.  For any input:

* fed whole, in a chunking derived from the input (empty chunks and one-byte runs
  included) and byte by byte (responses up to 2048 bytes), the connection raises
  nothing but the documented ``ProtocolError`` subclasses: ``BadStatus``,
  ``BadContentType``, ``BadContentEncoding``, ``MalformedResponse``,
  ``TruncatedBody`` and ``LimitExceeded``;
* a connection that raised is in ``ERROR`` and stays there: ``feed`` and
  ``close`` raise ``UsageError``;
* a connection that did not raise handed out one ``ResponseStarted`` (2xx), then
  events (and comments only when asked for), then one ``StreamEnded``;
* every feeding gives the same items, or the same error with the same data.

Feeding stops once the connection is ``ENDED``: bytes after the end of the body
are not part of this response.

Run with atheris (``python fuzz/fuzz_http.py -atheris_runs=100000``) or under
pytest (``pytest fuzz/fuzz_http.py``, hypothesis tests); see ``fuzz/README.md``.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _support import run_atheris, seeded_chunks
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import (
    BadContentEncoding,
    BadContentType,
    BadResponse,
    BadStatus,
    Comment,
    LimitExceeded,
    Limits,
    MalformedResponse,
    ServerSentEvent,
    TruncatedBody,
    UsageError,
)
from sseparse.testing import sse_bytes
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    Request,
    ResponseStarted,
    StreamEnded,
)

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "http://example.com/events"

DOCUMENTED = (
    BadStatus,
    BadContentType,
    BadContentEncoding,
    MalformedResponse,
    TruncatedBody,
    LimitExceeded,
)

Facts = tuple[object, ...]


def options_from(first: int) -> dict[str, Any]:
    """Connection options from the input's first byte.

    Bit 0 asks for comments, bit 1 turns decompression off, bit 2 sets small
    limits whose sizes the upper five bits choose.
    """
    options: dict[str, Any] = {
        "comments": bool(first & 1),
        "decompress": not first & 2,
    }
    if first & 4:
        k = first >> 3
        options["limits"] = Limits(
            max_header_bytes=16 + 8 * k,
            max_error_body_bytes=1 + k,
            max_line_bytes=1 + 2 * k,
        )
    return options


def _refuses(call: Any) -> bool:
    try:
        call()
    except UsageError:
        return True
    return False


def _facts(error: BaseException) -> Facts:
    """The error's class and the data that must not depend on the chunking."""
    facts: Facts = (type(error).__name__,)
    if isinstance(error, TruncatedBody):
        facts += (error.received, error.expected)
    elif isinstance(error, LimitExceeded):
        facts += (error.limit, error.maximum)
    elif isinstance(error, BadResponse):
        facts += (error.status, error.content_type, error.body, error.body_truncated)
    return facts


def _check_items(
    connection: EventStreamConnection[Any], items: list[Any], comments: bool
) -> None:
    assert connection.state is ConnectionState.ENDED
    assert len(items) >= 2
    start, end = items[0], items[-1]
    assert isinstance(start, ResponseStarted)
    assert 200 <= start.status < 300
    assert connection.response == start
    assert isinstance(end, StreamEnded)
    assert end.last_event_id == connection.last_event_id
    assert end.retry == connection.retry
    allowed = (ServerSentEvent, Comment) if comments else (ServerSentEvent,)
    for item in items[1:-1]:
        assert isinstance(item, allowed), item
    if start.status == 204:
        assert len(items) == 2
    assert connection.close() == []  # ENDED: close() is idempotent
    assert connection.state is ConnectionState.ENDED
    assert _refuses(lambda: connection.feed(b"data: x\n\n"))  # feeds are refused


def _feed(chunks: list[bytes], options: dict[str, Any]) -> tuple[list[Any], Facts]:
    """Feed *chunks* and close; return the items, or the error's facts."""
    connection = EventStreamConnection(Request.get(URL), **options)
    items: list[Any] = []
    fed = 0
    closing = False
    try:
        for chunk in chunks:
            if connection.state is ConnectionState.ENDED:
                break
            items += connection.feed(chunk)
            fed += len(chunk)
        closing = True
        items += connection.close()
    except DOCUMENTED as exc:  # anything else escapes: that is a finding
        error: BaseException = exc
    else:
        _check_items(connection, items, options["comments"])
        assert connection.bytes_received == fed
        return items, ()
    assert connection.state is ConnectionState.ERROR
    if isinstance(error, MalformedResponse) and not closing:
        assert error.offset == fed, (error.offset, fed)
    assert _refuses(lambda: connection.feed(b"data: x\n\n"))
    assert _refuses(connection.close)
    assert connection.state is ConnectionState.ERROR
    return [], _facts(error)


def fuzz_one_input(data: bytes) -> None:
    """Check the connection's invariants on one input; raise on any violation.

    Args:
        data: the first byte picks the options, the first eight seed the
            chunking; the rest is the response.
    """
    if not data:
        return
    options = options_from(data[0])
    response = data[1:]
    whole = _feed([response], options)
    chunked = _feed(seeded_chunks(response, data[:8]), options)
    assert chunked == whole, (chunked[1], whole[1])
    if len(response) <= 2048:
        bytewise = [response[i : i + 1] for i in range(len(response))]
        assert _feed(bytewise, options) == whole


# -- seeds ------------------------------------------------------------------------

_SSE_BODY = b"retry: 1000\nid: 1\nevent: a\ndata: x\n\n: ping\n\ndata: y\ndata: z\n\n"


def _chunked(body: bytes, size: int = 7) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x;e=1\r\n%s\r\n" % (len(p), p) for p in pieces) + (
        b"0\r\nX-Trailer: 1\r\n\r\n"
    )


def _head(status: bytes, *headers: bytes) -> bytes:
    lines = [b"HTTP/1.1 " + status, *headers]
    return b"".join(line + b"\r\n" for line in lines) + b"\r\n"


_SSE = b"Content-Type: text/event-stream; charset=utf-8"
_GZIP_BODY = gzip.compress(_SSE_BODY, mtime=0)

# (options byte, response): valid responses the fuzzer can start from.
SEEDS: tuple[tuple[int, bytes], ...] = (
    (1, _head(b"200 OK", _SSE, b"Content-Length: %d" % len(_SSE_BODY)) + _SSE_BODY),
    (0, _head(b"200 OK", _SSE, b"Transfer-Encoding: chunked") + _chunked(_SSE_BODY)),
    (1, _head(b"200 OK", _SSE) + _SSE_BODY),
    (
        0,
        b"HTTP/1.1 100 Continue\r\n\r\n"
        + _head(
            b"200 OK",
            _SSE,
            b"Content-Encoding: gzip",
            b"Transfer-Encoding: chunked",
        )
        + _chunked(_GZIP_BODY, 16),
    ),
    (
        1,
        _head(b"200 OK", _SSE, b"Content-Encoding: deflate") + zlib.compress(_SSE_BODY),
    ),
    (0, _head(b"204 No Content")),
)


def make_corpus(directory: str) -> None:
    """Write the seeds (options byte, then the response) to *directory*."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for i, (first, response) in enumerate(SEEDS):
        (out / f"seed-{i:04d}").write_bytes(bytes([first]) + response)


# -- hypothesis -------------------------------------------------------------------

_STATUS_LINES = (
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 201 Created",
    b"HTTP/1.1 204 No Content",
    b"HTTP/1.1 404 Not Found",
    b"HTTP/1.1 301 Moved",
    b"HTTP/1.0 200 OK",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK",
)
_CONTENT_TYPES = (
    b"text/event-stream",
    b"TEXT/Event-Stream; charset=utf-8",
    b"text/html",
)


def _raw_deflate(body: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(body) + packer.flush()


_CODINGS: dict[bytes, Callable[[bytes], bytes]] = {
    b"": lambda body: body,
    b"identity": lambda body: body,
    b"gzip": lambda body: gzip.compress(body, mtime=0),
    b"x-gzip": lambda body: gzip.compress(body, mtime=0),
    b"deflate": zlib.compress,
    b"br": lambda body: body,
}


@st.composite
def responses(draw: st.DrawFn) -> bytes:
    """An options byte and a plausible response, sometimes damaged or cut."""
    first = draw(st.integers(0, 255))
    status = draw(st.sampled_from(_STATUS_LINES))
    headers = [status]
    content_type = draw(st.one_of(st.none(), st.sampled_from(_CONTENT_TYPES)))
    if content_type is not None:
        headers.append(b"Content-Type: " + content_type)
    coding = draw(st.sampled_from(sorted(_CODINGS)))
    body = draw(sse_bytes(max_blocks=4))
    packed = _CODINGS[coding](body)
    if coding == b"deflate" and draw(st.booleans()):
        packed = _raw_deflate(body)
    if coding:
        headers.append(b"Content-Encoding: " + coding)
    framing = draw(st.sampled_from(["length", "chunked", "close"]))
    if framing == "length":
        headers.append(b"Content-Length: %d" % len(packed))
    elif framing == "chunked":
        headers.append(b"Transfer-Encoding: chunked")
        packed = _chunked(packed, draw(st.integers(1, 64)))
    data = bytearray(b"\r\n".join(headers) + b"\r\n\r\n" + packed)
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes([first]) + bytes(data)


# No deadline: these run under the default profile when fuzz/ runs alone.
@settings(deadline=None)
@given(st.binary())
def test_fuzz_http(data: bytes) -> None:
    fuzz_one_input(data)


@settings(deadline=None)
@given(responses())
def test_fuzz_http_responses(data: bytes) -> None:
    """The same target on response-shaped input, which random bytes rarely are."""
    fuzz_one_input(data)


def test_fuzz_http_seeds() -> None:
    """Every seed is a valid event stream and passes the target."""
    for first, response in SEEDS:
        items, error = _feed([response], options_from(first))
        assert error == ()
        assert isinstance(items[-1], StreamEnded)
        fuzz_one_input(bytes([first]) + response)


def main() -> None:
    """Run the target under atheris, with sseparse instrumented for coverage.

    ``--make-corpus DIR`` writes the seed inputs to DIR and exits.
    """
    if len(sys.argv) == 3 and sys.argv[1] == "--make-corpus":
        make_corpus(sys.argv[2])
        return
    run_atheris(fuzz_one_input)


if __name__ == "__main__":
    main()
