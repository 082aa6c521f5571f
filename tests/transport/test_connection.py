"""Conformance of ``EventStreamConnection`` with the transport contract.

Each table row is raw HTTP/1.1 response bytes -> the exact items the connection
must produce, or the exact error (class, attributes, message fragments) it must
raise.  Every row is fed whole, byte by byte (with and without empty feeds), in
fixed chunkings and split in two at every offset; all must agree.  Then come the
request bytes, the live properties and the state machine.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import h11
import pytest

import sseparse
from sseparse import (
    BadContentEncoding,
    BadContentType,
    BadResponse,
    BadStatus,
    Comment,
    LimitExceeded,
    Limits,
    MalformedResponse,
    ProtocolError,
    ServerSentEvent,
    SSEDecoder,
    TruncatedBody,
    UsageError,
)
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    Request,
    ResponseStarted,
    StreamEnded,
)
from tests.helpers import split_chunks

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

URL = "http://example.com/events?topic=a"
SSE = b"Content-Type: text/event-stream"


# --------------------------------------------------------------------------
# Building responses and expected items
# --------------------------------------------------------------------------


def head(status: bytes = b"200 OK", *headers: bytes, version: bytes = b"1.1") -> bytes:
    """A response head: status line, header lines, blank line."""
    lines = [b"HTTP/" + version + b" " + status, *headers]
    return b"".join(line + b"\r\n" for line in lines) + b"\r\n"


def with_length(body: bytes, *headers: bytes, status: bytes = b"200 OK") -> bytes:
    """A response whose body is framed by Content-Length."""
    return head(status, *headers, b"Content-Length: %d" % len(body)) + body


def chunked(
    chunks: Sequence[bytes],
    *headers: bytes,
    status: bytes = b"200 OK",
    trailer: bytes = b"",
) -> bytes:
    """A response whose body is sent in *chunks* (empty ones are skipped)."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks if c)
    return (
        head(status, *headers, b"Transfer-Encoding: chunked")
        + body
        + b"0\r\n"
        + (trailer + b"\r\n")
    )


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zlib_wrapped(data: bytes) -> bytes:
    return zlib.compress(data)


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


def ev(
    data: str, event: str = "message", id: str = "", retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


def started(
    status: int = 200, reason: str = "OK", version: str = "1.1"
) -> tuple[object, ...]:
    """What a ``ResponseStarted`` normalises to (headers are checked apart)."""
    return ("started", status, reason, version)


def ended(
    truncated: bool = False, last_event_id: str = "", retry: int | None = None
) -> tuple[object, ...]:
    return ("ended", truncated, last_event_id, retry)


def norm(item: object) -> object:
    """Items as comparable values; events and comments are already."""
    if isinstance(item, ResponseStarted):
        return ("started", item.status, item.reason, item.http_version)
    if isinstance(item, StreamEnded):
        return ("ended", item.truncated, item.last_event_id, item.retry)
    return item


# A body that exercises every SSE field, and what it decodes to.
BODY = (
    b"retry: 1500\nid: 7\nevent: greet\ndata: hello\n\n"
    b": keep-alive\n\n"
    b"data: a\ndata: b\n\n"
)
BODY_EVENTS = [ev("hello", "greet", "7", 1500), ev("a\nb", id="7")]
BODY_END = ended(False, "7", 1500)
OK = [started(), *BODY_EVENTS, BODY_END]
# A body of two events cut inside a line: different members of a gzip file.
PART_1 = b"data: one\n\nda"
PART_2 = b"ta: two\n\n"


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Response bytes and what the connection must report for them.

    Without ``error``, ``items`` is every item (normalised).  With it, ``items``
    (when not ``None``) is what came out before the error, for errors that only
    ``close()`` can raise; ``attrs`` and ``message`` check the exception.
    """

    data: bytes
    items: Sequence[object] | None = None
    error: type[ProtocolError] | None = None
    attrs: Mapping[str, object] = field(default_factory=dict)
    message: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


def row(row_id: str, data: bytes, items: Sequence[object] | None, **kw: Any) -> Any:
    return pytest.param(Case(data, items, **kw), id=row_id)


def err(
    row_id: str,
    data: bytes,
    error: type[ProtocolError],
    items: Sequence[object] | None = None,
    **kw: Any,
) -> Any:
    return pytest.param(Case(data, items, error=error, **kw), id=row_id)


FRAMING_ROWS = [
    row("length/every-field", with_length(BODY, SSE), OK),
    row(
        "length/comments-reported",
        with_length(BODY, SSE),
        [
            started(),
            BODY_EVENTS[0],
            Comment(text="keep-alive"),
            BODY_EVENTS[1],
            BODY_END,
        ],
        options={"comments": True},
    ),
    row("length/empty-body", with_length(b"", SSE), [started(), ended()]),
    row(
        "length/final-event-unterminated",
        with_length(b"data: x\n\ndata: y", SSE),
        [started(), ev("x"), ended(truncated=True)],
    ),
    row(
        "length/id-reset-by-empty-id",
        with_length(b"id: 1\ndata: x\n\nid\ndata: y\n\n", SSE),
        [started(), ev("x", id="1"), ev("y"), ended()],
    ),
    row(
        "length/id-with-nul-ignored",
        with_length(b"id: 1\ndata: x\n\nid: a\x00b\ndata: y\n\n", SSE),
        [started(), ev("x", id="1"), ev("y", id="1"), ended(last_event_id="1")],
    ),
    row(
        "length/crlf-body",
        with_length(b"data: x\r\n\r\n", SSE),
        [started(), ev("x"), ended()],
    ),
    row("chunked/every-field", chunked([BODY], SSE), OK),
    row(
        "chunked/event-across-chunks",
        chunked([b"data: he", b"llo\n", b"\n", b"data: \xc3", b"\xa9\n\n"], SSE),
        [started(), ev("hello"), ev("\u00e9"), ended()],
    ),
    row(
        "chunked/extensions-ignored",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
        + b"9;name=value\r\ndata: x\n\n\r\n"
        + b'9;a;b="q;r"\r\ndata: y\n\n\r\n'
        + b"0;last\r\n\r\n",
        [started(), ev("x"), ev("y"), ended()],
    ),
    row(
        "chunked/trailers-ignored",
        chunked([b"data: x\n\n"], SSE, trailer=b"X-Trailer: 1\r\nX-Other: 2\r\n"),
        [started(), ev("x"), ended()],
    ),
    row(
        "chunked/uppercase-hex-size",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
        + b"1A\r\n"
        + b"data: 0123456789abcdefgh\n\n"
        + b"\r\n0\r\n\r\n",
        [started(), ev("0123456789abcdefgh"), ended()],
    ),
    row(
        "chunked/no-chunks",
        chunked([], SSE),
        [started(), ended()],
    ),
    row("close/every-field", head(b"200 OK", SSE) + BODY, OK),
    row(
        "close/http-1.0",
        head(b"200 OK", SSE, version=b"1.0") + b"data: x\n\n",
        [started(version="1.0"), ev("x"), ended()],
    ),
    row(
        "close/final-event-unterminated",
        head(b"200 OK", SSE) + b"data: x\n\ndata: y\n",
        [started(), ev("x"), ended(truncated=True)],
    ),
    row("close/head-only", head(b"200 OK", SSE), [started(), ended()]),
]

STATUS_ROWS = [
    row(
        "1xx/100-continue-skipped",
        b"HTTP/1.1 100 Continue\r\n\r\n" + with_length(b"data: x\n\n", SSE),
        [started(), ev("x"), ended()],
    ),
    row(
        "1xx/103-early-hints-skipped",
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        + b"HTTP/1.1 102 Processing\r\n\r\n"
        + chunked([b"data: x\n\n"], SSE),
        [started(), ev("x"), ended()],
    ),
    row(
        "status/201-is-2xx",
        with_length(b"data: x\n\n", SSE, status=b"201 Created"),
        [started(201, "Created"), ev("x"), ended()],
    ),
    row(
        "status/odd-reason-kept",
        with_length(b"", SSE, status=b"200 All Good Here"),
        [started(200, "All Good Here"), ended()],
    ),
    row("status/204", head(b"204 No Content"), [started(204, "No Content"), ended()]),
    row(
        "status/204-content-type-not-checked",
        head(b"204 No Content", b"Content-Type: text/html"),
        [started(204, "No Content"), ended()],
    ),
    row(
        "status/204-encoding-not-checked",
        head(b"204 No Content", b"Content-Encoding: br"),
        [started(204, "No Content"), ended()],
    ),
]

CONTENT_TYPE_ROWS = [
    *(
        row(
            f"content-type/accepted-{name}",
            with_length(b"data: x\n\n", b"Content-Type: " + value),
            [started(), ev("x"), ended()],
        )
        for name, value in [
            ("charset", b"text/event-stream; charset=utf-8"),
            ("charset-no-space", b"text/event-stream;charset=UTF-8"),
            ("mixed-case", b"TEXT/Event-Stream"),
            ("two-params", b"text/event-stream; charset=utf-8; x=y"),
        ]
    ),
    row(
        "content-encoding/identity-accepted",
        with_length(b"data: x\n\n", SSE, b"Content-Encoding: identity"),
        [started(), ev("x"), ended()],
    ),
    row(
        "content-encoding/none-with-decompress-off",
        with_length(b"data: x\n\n", SSE),
        [started(), ev("x"), ended()],
        options={"decompress": False},
    ),
]

GZIP_BODY = gzipped(BODY)
COMPRESSION_ROWS = [
    row("gzip/length", with_length(GZIP_BODY, SSE, b"Content-Encoding: gzip"), OK),
    row(
        "gzip/chunked-split-mid-member",
        chunked(
            [GZIP_BODY[:3], GZIP_BODY[3:11], GZIP_BODY[11:40], GZIP_BODY[40:]],
            SSE,
            b"Content-Encoding: gzip",
        ),
        OK,
    ),
    row("gzip/close", head(b"200 OK", SSE, b"Content-Encoding: gzip") + GZIP_BODY, OK),
    row(
        "gzip/empty-content",
        with_length(gzipped(b""), SSE, b"Content-Encoding: gzip"),
        [started(), ended()],
    ),
    row(
        "gzip/multi-member",
        with_length(gzipped(PART_1) + gzipped(PART_2), SSE, b"Content-Encoding: gzip"),
        [started(), ev("one"), ev("two"), ended()],
    ),
    row(
        "gzip/unterminated-final-event",
        with_length(gzipped(b"data: x\n\ndata: y"), SSE, b"Content-Encoding: gzip"),
        [started(), ev("x"), ended(truncated=True)],
    ),
    row(
        "x-gzip/chunked",
        chunked([GZIP_BODY], SSE, b"Content-Encoding: x-gzip"),
        OK,
    ),
    row(
        "deflate/zlib-wrapped-length",
        with_length(zlib_wrapped(BODY), SSE, b"Content-Encoding: deflate"),
        OK,
    ),
    row(
        "deflate/zlib-wrapped-chunked",
        chunked(
            [zlib_wrapped(BODY)[:1], zlib_wrapped(BODY)[1:]],
            SSE,
            b"Content-Encoding: deflate",
        ),
        OK,
    ),
    row(
        "deflate/raw-length",
        with_length(raw_deflate(BODY), SSE, b"Content-Encoding: deflate"),
        OK,
    ),
    row(
        "deflate/raw-close",
        head(b"200 OK", SSE, b"Content-Encoding: deflate") + raw_deflate(BODY),
        OK,
    ),
]

NOT_FOUND_JSON = b'{"error": {"message": "no such model", "code": 404}}'
STATUS_ERROR_ROWS = [
    err(
        "bad-status/404-json-length",
        with_length(
            NOT_FOUND_JSON, b"Content-Type: application/json", status=b"404 Not Found"
        ),
        BadStatus,
        attrs={
            "status": 404,
            "reason": "Not Found",
            "content_type": "application/json",
            "body": NOT_FOUND_JSON,
            "body_truncated": False,
        },
        message=("2xx", "404 Not Found", '{"error"'),
    ),
    err(
        "bad-status/500-chunked",
        chunked(
            [b"upstream ", b"failed"],
            b"Content-Type: text/plain",
            status=b"500 Internal Server Error",
        ),
        BadStatus,
        attrs={"status": 500, "body": b"upstream failed", "body_truncated": False},
        message=("500", "upstream failed"),
    ),
    err(
        "bad-status/503-close-delimited",
        head(b"503 Service Unavailable", b"Retry-After: 5") + b"busy",
        BadStatus,
        items=[started(503, "Service Unavailable")],
        attrs={"status": 503, "content_type": None, "body": b"busy"},
    ),
    err(
        "bad-status/404-gzip-body-decompressed",
        with_length(
            gzipped(NOT_FOUND_JSON),
            b"Content-Type: application/json",
            b"Content-Encoding: gzip",
            status=b"404 Not Found",
        ),
        BadStatus,
        attrs={"status": 404, "body": NOT_FOUND_JSON, "body_truncated": False},
    ),
    err(
        "bad-status/404-even-with-event-stream-type",
        with_length(b"data: x\n\n", SSE, status=b"404 Not Found"),
        BadStatus,
        attrs={"status": 404, "content_type": "text/event-stream"},
    ),
    err(
        "bad-status/302-redirect",
        with_length(b"", b"Location: /elsewhere", status=b"302 Found"),
        BadStatus,
        attrs={"status": 302, "reason": "Found", "body": b""},
        message=("302",),
    ),
    # A switch of protocols nobody asked for is not HTTP h11 will read on.
    err(
        "malformed/101-switching-protocols-unasked",
        head(b"101 Switching Protocols", b"Upgrade: websocket", b"Connection: upgrade"),
        MalformedResponse,
        message=("_SWITCH_UPGRADE",),
    ),
    err(
        "bad-status/body-longer-than-limit",
        with_length(b"0123456789" * 10, b"Content-Type: text/plain", status=b"400 Bad"),
        BadStatus,
        attrs={"status": 400, "body": b"0123456789012345", "body_truncated": True},
        options={"limits": Limits(max_error_body_bytes=16)},
    ),
    err(
        "bad-status/body-exactly-the-limit",
        with_length(b"0123456789012345", status=b"400 Bad"),
        BadStatus,
        attrs={"body": b"0123456789012345", "body_truncated": False},
        options={"limits": Limits(max_error_body_bytes=16)},
    ),
    err(
        "bad-status/limit-applies-to-decompressed-body",
        with_length(gzipped(b"x" * 1000), b"Content-Encoding: gzip", status=b"400 Bad"),
        BadStatus,
        attrs={"body": b"x" * 16, "body_truncated": True},
        options={"limits": Limits(max_error_body_bytes=16)},
    ),
]

CONTENT_ERROR_ROWS = [
    err(
        "bad-content-type/missing",
        with_length(b"data: x\n\n"),
        BadContentType,
        attrs={"status": 200, "content_type": None, "body": b"data: x\n\n"},
        message=("text/event-stream",),
    ),
    err(
        "bad-content-type/html",
        with_length(b"<html></html>", b"Content-Type: text/html"),
        BadContentType,
        attrs={"status": 200, "content_type": "text/html", "body": b"<html></html>"},
        message=("text/event-stream", "text/html"),
    ),
    err(
        "bad-content-type/json-chunked",
        chunked([b'{"a": ', b"1}"], b"Content-Type: application/json"),
        BadContentType,
        attrs={"content_type": "application/json", "body": b'{"a": 1}'},
    ),
    err(
        "bad-content-type/longer-media-type",
        with_length(b"", b"Content-Type: text/event-streams"),
        BadContentType,
    ),
    err(
        "bad-content-type/in-a-parameter-only",
        with_length(b"", b"Content-Type: text/plain; x=text/event-stream"),
        BadContentType,
    ),
    err(
        "bad-content-type/close-delimited",
        head(b"200 OK", b"Content-Type: text/plain") + b"hello",
        BadContentType,
        items=[started()],
        attrs={"body": b"hello"},
    ),
    err(
        "bad-content-encoding/br",
        with_length(b"\x1b\x00", SSE, b"Content-Encoding: br"),
        BadContentEncoding,
        attrs={"status": 200, "content_type": "text/event-stream"},
        message=("br",),
    ),
    err(
        "bad-content-encoding/compress",
        with_length(b"", SSE, b"Content-Encoding: compress"),
        BadContentEncoding,
        message=("compress",),
    ),
    err(
        "bad-content-encoding/gzip-with-decompress-off",
        with_length(gzipped(b"data: x\n\n"), SSE, b"Content-Encoding: gzip"),
        BadContentEncoding,
        options={"decompress": False},
        message=("gzip",),
    ),
    err(
        "bad-content-encoding/deflate-with-decompress-off",
        chunked([zlib_wrapped(b"data: x\n\n")], SSE, b"Content-Encoding: deflate"),
        BadContentEncoding,
        options={"decompress": False},
    ),
]

MALFORMED_ROWS = [
    err("malformed/not-http", b"hello world\r\n\r\n", MalformedResponse),
    err("malformed/status-not-a-number", b"HTTP/1.1 abc OK\r\n\r\n", MalformedResponse),
    err(
        "malformed/header-without-colon",
        b"HTTP/1.1 200 OK\r\nContent-Type text/event-stream\r\n\r\n",
        MalformedResponse,
    ),
    err(
        "malformed/bad-content-length",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        b"Content-Length: twelve\r\n\r\n",
        MalformedResponse,
    ),
    err(
        "malformed/bad-chunk-size",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked") + b"zz\r\ndata\r\n",
        MalformedResponse,
    ),
    err(
        "malformed/chunk-without-crlf",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked") + b"3\r\nabcX\r\n0\r\n\r\n",
        MalformedResponse,
    ),
]

CORRUPT_GZIP = bytearray(gzipped(b"data: x\n\n" * 4))
CORRUPT_GZIP[-8] ^= 0xFF  # the CRC-32 of the trailer
DECODE_ERROR_ROWS = [
    err(
        "corrupt/not-gzip",
        with_length(b"data: x\n\n", SSE, b"Content-Encoding: gzip"),
        MalformedResponse,
    ),
    err(
        "corrupt/gzip-crc",
        with_length(bytes(CORRUPT_GZIP), SSE, b"Content-Encoding: gzip"),
        MalformedResponse,
    ),
    err(
        "corrupt/deflate-garbage",
        with_length(b"\xff" * 16, SSE, b"Content-Encoding: deflate"),
        MalformedResponse,
    ),
]

PARTIAL_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/ev"
TRUNCATED_ROWS = [
    err("truncated/nothing-received", b"", TruncatedBody, items=[]),
    err(
        "truncated/before-head-completes",
        PARTIAL_HEAD,
        TruncatedBody,
        items=[],
        attrs={"received": 0, "expected": None},  # body bytes: none yet
        message=(str(len(PARTIAL_HEAD)),),
    ),
    err(
        "truncated/short-of-content-length",
        head(b"200 OK", SSE, b"Content-Length: 20") + b"data: x\n\ndata",
        TruncatedBody,
        items=[started(), ev("x")],
        attrs={"received": 13, "expected": 20},
        message=("13", "20"),
    ),
    err(
        "truncated/mid-chunk",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
        + b"9\r\ndata: x\n\n\r\n10\r\ndata: y",
        TruncatedBody,
        items=[started(), ev("x")],
        attrs={"expected": None},
    ),
    err(
        "truncated/in-chunk-size-line",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked") + b"9\r\ndata: x\n\n\r\n1",
        TruncatedBody,
        items=[started(), ev("x")],
        attrs={"expected": None},
    ),
    err(
        "truncated/after-chunk-data-before-crlf",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked") + b"9\r\ndata: x\n\n",
        TruncatedBody,
        items=[started(), ev("x")],
    ),
    err(
        "truncated/in-trailers",
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
        + b"9\r\ndata: x\n\n\r\n0\r\nX-Trailer: 1\r\n",
        TruncatedBody,
        items=[started(), ev("x")],
    ),
    err(
        "truncated/inside-gzip-close-delimited",
        head(b"200 OK", SSE, b"Content-Encoding: gzip") + GZIP_BODY[:-6],
        TruncatedBody,
        items=[started(), *BODY_EVENTS],
    ),
    err(
        "truncated/inside-gzip-short-of-content-length",
        head(
            b"200 OK",
            SSE,
            b"Content-Encoding: gzip",
            b"Content-Length: %d" % len(GZIP_BODY),
        )
        + GZIP_BODY[:-6],
        TruncatedBody,
        items=[started(), *BODY_EVENTS],
        attrs={"received": len(GZIP_BODY) - 6, "expected": len(GZIP_BODY)},
    ),
]

LIMIT_ROWS = [
    err(
        "limit/huge-header",
        head(b"200 OK", SSE, b"X-Big: " + b"a" * 300),
        LimitExceeded,
        attrs={"limit": "max_header_bytes", "maximum": 256},
        message=("max_header_bytes",),
        options={"limits": Limits(max_header_bytes=256)},
    ),
    err(
        "limit/many-headers",
        head(b"200 OK", SSE, *[b"X-%d: v" % i for i in range(100)]),
        LimitExceeded,
        attrs={"limit": "max_header_bytes", "maximum": 256},
        options={"limits": Limits(max_header_bytes=256)},
    ),
    err(
        "limit/huge-header-default-limit",
        head(b"200 OK", SSE, b"X-Big: " + b"a" * (65 * 1024)),
        LimitExceeded,
        attrs={"limit": "max_header_bytes", "maximum": 64 * 1024},
    ),
    err(
        "limit/sse-line-passes-its-bound",
        with_length(b"data: " + b"x" * 64 + b"\n\n", SSE),
        LimitExceeded,
        attrs={"limit": "max_line_bytes", "maximum": 32},
        options={"limits": Limits(max_line_bytes=32)},
    ),
]

ALL_ROWS = [
    *FRAMING_ROWS,
    *STATUS_ROWS,
    *CONTENT_TYPE_ROWS,
    *COMPRESSION_ROWS,
    *STATUS_ERROR_ROWS,
    *CONTENT_ERROR_ROWS,
    *MALFORMED_ROWS,
    *DECODE_ERROR_ROWS,
    *TRUNCATED_ROWS,
    *LIMIT_ROWS,
]


# --------------------------------------------------------------------------
# Running a row
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What feeding some chunks and closing gave."""

    items: list[object]
    error: ProtocolError | None
    fed_before_error: int  # bytes fed before the call that raised
    connection: EventStreamConnection[Any]  # ServerSentEvent, or with Comment


def new_connection(**options: Any) -> EventStreamConnection[Any]:
    return EventStreamConnection(Request.get(URL), **options)


def run(chunks: Sequence[bytes], **options: Any) -> Outcome:
    """Feed *chunks*, then close; stop at the first ProtocolError.

    Feeding after the end of the body is misuse, so once the connection is
    ENDED only empty chunks may be left, and they are not fed.
    """
    connection = new_connection(**options)
    items: list[object] = []
    fed = 0
    try:
        for chunk in chunks:
            if connection.state is ConnectionState.ENDED:
                assert not chunk, "bytes after the end of the body"
                continue
            items += connection.feed(chunk)
            fed += len(chunk)
        items += connection.close()
    except ProtocolError as exc:
        return Outcome([norm(i) for i in items], exc, fed, connection)
    return Outcome([norm(i) for i in items], None, fed, connection)


def _bytewise_with_empty_feeds(data: bytes) -> list[bytes]:
    chunks = [b""]
    for i in range(len(data)):
        chunks += [data[i : i + 1], b""]
    return chunks


WAYS: dict[str, Callable[[bytes], list[bytes]]] = {
    "whole": lambda data: [data],
    "bytewise": lambda data: split_chunks(data, 1) if data else [],
    "bytewise-with-empty-feeds": _bytewise_with_empty_feeds,
    "chunks-2": lambda data: split_chunks(data, 2) if data else [],
    "chunks-7": lambda data: split_chunks(data, 7) if data else [],
    "chunks-1460": lambda data: split_chunks(data, 1460) if data else [],
    "cut-points": lambda data: split_chunks(data, [1, 3, 4, 9, 10, 11, 17, 40, 80]),
}


def assert_outcome(case: Case, out: Outcome) -> None:
    """*out* is what *case* says, and the machine's state agrees with it."""
    connection = out.connection
    if case.error is None:
        assert out.error is None, repr(out.error)
        assert out.items == case.items
        assert connection.state is ConnectionState.ENDED
        assert connection.bytes_received == len(case.data)
        assert connection.close() == []  # ENDED: close() is idempotent
        assert connection.state is ConnectionState.ENDED
        with pytest.raises(UsageError):
            connection.feed(b"data: x\n\n")  # feeds after the end are refused
        return
    assert type(out.error) is case.error, repr(out.error)
    error = out.error
    for name, value in case.attrs.items():
        assert getattr(error, name) == value, name
    for fragment in case.message:
        assert fragment in str(error)
    if case.items is not None:
        assert out.items == case.items
    if isinstance(error, MalformedResponse):
        assert error.offset == out.fed_before_error
        assert isinstance(error.detail, str)
        assert error.detail
    if isinstance(error, TruncatedBody):
        assert error.received <= len(case.data)
    assert connection.state is ConnectionState.ERROR
    with pytest.raises(UsageError):
        connection.feed(b"data: x\n\n")
    with pytest.raises(UsageError):
        connection.close()
    assert connection.state is ConnectionState.ERROR


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("case", ALL_ROWS)
def test_row(case: Case, way: str) -> None:
    """The row's response gives its items or error in this feeding."""
    assert_outcome(case, run(WAYS[way](case.data), **case.options))


@pytest.mark.parametrize("case", ALL_ROWS)
def test_row_split_in_two_everywhere(case: Case) -> None:
    """The row's response gives its items or error when cut in two anywhere."""
    step = max(1, len(case.data) // 300)
    for cut in range(0, len(case.data) + 1, step):
        chunks = [case.data[:cut], case.data[cut:]]
        assert_outcome(case, run(chunks, **case.options))


def test_table_row_ids_are_unique() -> None:
    """No two table rows share an id (a duplicate would hide one of them)."""
    ids = [p.id for p in ALL_ROWS]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------
# Compressed bodies cut anywhere
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzipped),
        ("x-gzip", gzipped),
        ("deflate", zlib_wrapped),
        ("deflate", raw_deflate),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
def test_compressed_body_split_into_three_anywhere(
    encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    """Compressed data cut at any two offsets decodes to the same events."""
    packed = pack(BODY)
    data = with_length(packed, SSE, b"Content-Encoding: " + encoding.encode())
    start = len(data) - len(packed)
    for first in range(start, len(data) + 1):
        for second in range(first, len(data) + 1, 5):
            chunks = [data[:first], data[first:second], data[second:]]
            out = run(chunks)
            assert out.error is None, (first, second, out.error)
            assert out.items == OK, (first, second)


# --------------------------------------------------------------------------
# Errors: the details the table does not show
# --------------------------------------------------------------------------


def _raise(data: bytes, **options: Any) -> ProtocolError:
    out = run([data], **options)
    assert out.error is not None
    return out.error


def test_bad_status_json_parses_the_body() -> None:
    """BadStatus.json() parses the collected body."""
    error = _raise(
        with_length(NOT_FOUND_JSON, b"Content-Type: application/json", status=b"404 X")
    )
    assert isinstance(error, BadStatus)
    assert error.json() == json.loads(NOT_FOUND_JSON)


def test_bad_response_json_raises_value_error_on_non_json() -> None:
    """BadResponse.json() raises ValueError when the body is not JSON."""
    error = _raise(with_length(b"<html>", b"Content-Type: text/html"))
    assert isinstance(error, BadContentType)
    with pytest.raises(ValueError):  # noqa: PT011 - the contract names only this
        error.json()


def test_bad_responses_share_the_bad_response_base() -> None:
    """Every not-an-event-stream error is a BadResponse and a ProtocolError."""
    cls: type[ProtocolError]
    for cls in (BadStatus, BadContentType, BadContentEncoding):
        assert issubclass(cls, BadResponse)
    assert issubclass(BadResponse, ProtocolError)
    for cls in (MalformedResponse, TruncatedBody):
        assert issubclass(cls, ProtocolError)
        assert not issubclass(cls, BadResponse)


def test_bad_status_keeps_the_response_headers() -> None:
    """BadStatus.headers holds the response's headers, names matched freely."""
    error = _raise(
        with_length(b"", b"Retry-After: 30", b"X-Request-Id: abc", status=b"429 Slow")
    )
    assert isinstance(error, BadStatus)
    headers = {name.lower(): value for name, value in error.headers}
    assert headers["retry-after"] == "30"
    assert headers["x-request-id"] == "abc"


def test_bad_status_message_truncates_a_long_body() -> None:
    """The message echoes only the start of a long error body."""
    body = b"e" * 5000
    error = _raise(with_length(body, status=b"500 Oops"))
    assert isinstance(error, BadStatus)
    assert error.body == body
    assert "eeee" in str(error)
    assert len(str(error)) < 400


def test_error_body_limit_raises_without_waiting_for_the_end() -> None:
    """A close-delimited error body raises once the limit is passed."""
    connection = new_connection(limits=Limits(max_error_body_bytes=16))
    connection.feed(head(b"500 Oops"))
    assert connection.state is ConnectionState.REJECTING
    connection.feed(b"x" * 16)
    with pytest.raises(BadStatus) as info:
        connection.feed(b"y" * 100)
    assert info.value.body == b"x" * 16
    assert info.value.body_truncated is True
    assert connection.state is ConnectionState.ERROR


def test_malformed_response_chains_h11_error() -> None:
    """MalformedResponse from bad HTTP has h11's RemoteProtocolError as cause."""
    error = _raise(b"HTTP/1.1 abc OK\r\n\r\n")
    assert isinstance(error, MalformedResponse)
    assert isinstance(error.__cause__, h11.RemoteProtocolError)
    assert error.offset == 0
    assert error.detail in str(error)


def test_malformed_response_offset_counts_earlier_feeds() -> None:
    """MalformedResponse.offset is the bytes received before the failing feed."""
    connection = new_connection()
    first = head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
    connection.feed(first)
    connection.feed(b"9\r\ndata: x\n\n\r\n")
    with pytest.raises(MalformedResponse) as info:
        connection.feed(b"zz\r\n")
    assert info.value.offset == len(first) + 14


def test_corrupt_gzip_is_malformed_without_h11_cause() -> None:
    """Corrupt gzip data is a MalformedResponse carrying zlib's detail."""
    error = _raise(with_length(b"not gzip at all", SSE, b"Content-Encoding: gzip"))
    assert isinstance(error, MalformedResponse)
    assert not isinstance(error.__cause__, h11.RemoteProtocolError)
    assert error.detail


def test_truncated_inside_gzip_reports_body_bytes() -> None:
    """TruncatedBody inside a close-delimited gzip body has no expected length."""
    data = head(b"200 OK", SSE, b"Content-Encoding: gzip") + GZIP_BODY[:-6]
    error = _raise(data)
    assert isinstance(error, TruncatedBody)
    assert error.expected is None
    assert 0 < error.received <= len(GZIP_BODY)


def test_limit_exceeded_reports_observed_past_maximum() -> None:
    """LimitExceeded for a long head reports a size past the bound."""
    error = _raise(
        head(b"200 OK", SSE, b"X-Big: " + b"a" * 300),
        limits=Limits(max_header_bytes=256),
    )
    assert isinstance(error, LimitExceeded)
    assert error.observed > error.maximum == 256


def test_head_within_the_limit_is_accepted() -> None:
    """A head a little under max_header_bytes is not refused."""
    data = head(b"200 OK", SSE, b"X-Pad: " + b"a" * 150) + b"data: x\n\n"
    assert len(data) < 256
    out = run(split_chunks(data, 1), limits=Limits(max_header_bytes=256))
    assert out.error is None
    assert out.items == [started(), ev("x"), ended()]


def test_limits_defaults() -> None:
    """The new Limits fields default to 64 KiB."""
    assert Limits().max_header_bytes == 64 * 1024
    assert Limits().max_error_body_bytes == 64 * 1024


# --------------------------------------------------------------------------
# Request bytes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SentRequest:
    method: str
    target: str
    headers: list[tuple[str, str]]  # names lower-cased, in order
    body: bytes


def parse_request(data: bytes) -> SentRequest:
    """Parse *data* as a server would; it must be exactly one request."""
    server = h11.Connection(h11.SERVER)
    server.receive_data(data)
    request = server.next_event()
    assert isinstance(request, h11.Request)
    body = b""
    while True:
        event = server.next_event()
        if isinstance(event, h11.Data):
            body += event.data
        else:
            assert isinstance(event, h11.EndOfMessage)
            break
    assert server.next_event() is h11.NEED_DATA  # nothing after the request
    return SentRequest(
        request.method.decode(),
        request.target.decode(),
        [(k.decode(), v.decode("utf-8")) for k, v in request.headers],
        body,
    )


def parse_without_ua(data: bytes) -> SentRequest:
    """parse_request without User-Agent, which the contract does not list.

    test_request_bytes_of_a_get checks the exact set; the other request tests
    check their own point whether or not a User-Agent is added.
    """
    sent = parse_request(data)
    headers = [(k, v) for k, v in sent.headers if k != "user-agent"]
    return SentRequest(sent.method, sent.target, headers, sent.body)


OUR_HEADERS = [
    ("accept", "text/event-stream"),
    ("cache-control", "no-store"),
    ("accept-encoding", "gzip, deflate"),
]


def test_request_bytes_of_a_get() -> None:
    """A GET sends exactly Host, User-Agent, Accept, Cache-Control, Accept-Encoding."""
    sent = parse_request(EventStreamConnection(Request.get(URL)).request_bytes())
    assert sent.method == "GET"
    assert sent.target == "/events?topic=a"
    agent = ("user-agent", f"sseparse/{sseparse.__version__}")
    assert sorted(sent.headers) == sorted(
        [("host", "example.com"), agent, *OUR_HEADERS]
    )
    assert sent.headers[0] == ("host", "example.com")
    assert sent.body == b""


def test_request_bytes_are_an_http_1_1_request_line() -> None:
    """The request starts with an HTTP/1.1 request line for the target."""
    data = EventStreamConnection(Request.get(URL)).request_bytes()
    assert data.startswith(b"GET /events?topic=a HTTP/1.1\r\n")
    assert data.endswith(b"\r\n\r\n")


def test_request_bytes_without_decompression() -> None:
    """decompress=False leaves Accept-Encoding out."""
    connection = EventStreamConnection(Request.get(URL), decompress=False)
    sent = parse_without_ua(connection.request_bytes())
    assert sorted(sent.headers) == sorted([("host", "example.com"), *OUR_HEADERS[:2]])


@pytest.mark.parametrize(
    ("last_event_id", "header"),
    [
        ("", None),
        ("42", "42"),
        ("evt 7", "evt 7"),
        ("caf\u00e9 \u65e5", "caf\u00e9 \u65e5"),  # sent as UTF-8 (WHATWG)
    ],
)
def test_last_event_id_header_only_when_not_empty(
    last_event_id: str, header: str | None
) -> None:
    """Last-Event-ID is sent, UTF-8 encoded, only when the id is not empty."""
    connection = EventStreamConnection(Request.get(URL), last_event_id=last_event_id)
    sent = parse_without_ua(connection.request_bytes())
    values = [v for k, v in sent.headers if k == "last-event-id"]
    assert values == ([] if header is None else [header])
    assert len(sent.headers) == 4 + (header is not None)


def test_post_json_request_bytes() -> None:
    """post_json sends the JSON body with Content-Type and Content-Length."""
    payload = {"model": "m", "stream": True, "messages": [{"text": "h\u00e9"}]}
    request = Request.post_json("https://api.example.com/v1/chat", payload)
    assert request.method == "POST"
    body = request.body
    assert json.loads(body) == payload
    sent = parse_without_ua(EventStreamConnection(request).request_bytes())
    assert sent.method == "POST"
    assert sent.target == "/v1/chat"
    assert sent.body == body
    assert sorted(sent.headers) == sorted(
        [
            ("host", "api.example.com"),
            *OUR_HEADERS,
            ("content-length", str(len(body))),
            ("content-type", "application/json"),
        ]
    )


def test_caller_headers_come_after_ours() -> None:
    """Caller headers are sent after the connection's own."""
    request = Request.get(URL, headers=[("Authorization", "Bearer t"), ("X-A", "1")])
    sent = parse_without_ua(EventStreamConnection(request).request_bytes())
    names = [name for name, _ in sent.headers]
    assert names[-2:] == ["authorization", "x-a"]
    assert sorted(sent.headers) == sorted(
        [
            ("host", "example.com"),
            *OUR_HEADERS,
            ("authorization", "Bearer t"),
            ("x-a", "1"),
        ]
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": "application/x-ndjson", "CACHE-CONTROL": "no-cache"},
        [("Accept", "application/x-ndjson"), ("Cache-control", "no-cache")],
    ],
    ids=["mapping", "pairs"],
)
def test_caller_header_overrides_ours_case_insensitively(headers: Any) -> None:
    """A caller header replaces the connection's header of the same name."""
    request = Request.get(URL, headers=headers)
    sent = parse_without_ua(EventStreamConnection(request).request_bytes())
    assert sorted(sent.headers) == sorted(
        [
            ("host", "example.com"),
            ("accept", "application/x-ndjson"),
            ("cache-control", "no-cache"),
            ("accept-encoding", "gzip, deflate"),
        ]
    )


def test_caller_overrides_host_and_last_event_id() -> None:
    """Host and Last-Event-ID are overridden like any other header."""
    request = Request.get(URL, headers={"host": "proxy.local", "last-event-id": "9"})
    connection = EventStreamConnection(request, last_event_id="1")
    sent = parse_without_ua(connection.request_bytes())
    assert [v for k, v in sent.headers if k == "host"] == ["proxy.local"]
    assert [v for k, v in sent.headers if k == "last-event-id"] == ["9"]


@pytest.mark.parametrize(
    ("url", "scheme", "host", "port", "target", "host_header"),
    [
        ("http://example.com/events", "http", "example.com", 80, "/events", None),
        ("https://example.com/a/b?c=d&e", "https", "example.com", 443, None, None),
        ("http://example.com", "http", "example.com", 80, "/", None),
        ("http://example.com?x=1", "http", "example.com", 80, "/?x=1", None),
        ("http://localhost:8080/s", "http", "localhost", 8080, "/s", "localhost:8080"),
        ("https://h.example:8443/", "https", "h.example", 8443, "/", "h.example:8443"),
    ],
)
def test_request_url_parts_and_host_header(
    url: str,
    scheme: str,
    host: str,
    port: int,
    target: str | None,
    host_header: str | None,
) -> None:
    """scheme/host/port/target come from the URL; Host names a non-default port."""
    request = Request.get(url)
    assert (request.scheme, request.host, request.port) == (scheme, host, port)
    expected_target = "/a/b?c=d&e" if target is None else target
    assert request.target == expected_target
    sent = parse_without_ua(EventStreamConnection(request).request_bytes())
    assert sent.target == expected_target
    assert [v for k, v in sent.headers if k == "host"] == [host_header or host]


def test_request_defaults_and_header_forms() -> None:
    """Request defaults to a GET without body; headers become a tuple of pairs."""
    request = Request(url=URL)
    assert (request.method, request.headers, request.body) == ("GET", (), b"")
    assert Request.get(URL, headers={"X-A": "1"}).headers == (("X-A", "1"),)
    assert Request.get(URL, headers=[("X-A", "1"), ("X-A", "2")]).headers == (
        ("X-A", "1"),
        ("X-A", "2"),
    )


# --------------------------------------------------------------------------
# ResponseStarted and the live properties
# --------------------------------------------------------------------------


def test_response_started_headers_and_lookup() -> None:
    """ResponseStarted carries the headers; header() matches names freely."""
    connection = new_connection()
    items = connection.feed(
        head(b"200 OK", b"Content-Type: text/event-stream", b"X-Request-Id: r1")
    )
    assert len(items) == 1
    response = items[0]
    assert isinstance(response, ResponseStarted)
    assert connection.response == response
    assert [(k.lower(), v) for k, v in response.headers] == [
        ("content-type", "text/event-stream"),
        ("x-request-id", "r1"),
    ]
    assert response.header("X-REQUEST-ID") == "r1"
    assert response.header("x-request-id") == "r1"
    assert response.header("content-type") == "text/event-stream"
    assert response.header("missing") is None


def test_response_header_with_obs_text_is_a_string() -> None:
    """A header value with a byte past ASCII (obs-text) does not break the head."""
    connection = new_connection()
    items = connection.feed(head(b"200 OK", SSE, b"X-Note: caf\xe9"))
    response = items[0]
    assert isinstance(response, ResponseStarted)
    note = response.header("x-note")
    assert isinstance(note, str)
    assert note.startswith("caf")


def test_live_properties_follow_the_stream() -> None:
    """response, last_event_id, retry, decoder and bytes_received track input."""
    connection = new_connection()
    assert connection.response is None
    assert connection.bytes_received == 0
    assert connection.last_event_id == ""
    assert connection.retry is None
    assert isinstance(connection.decoder, SSEDecoder)
    first = head(b"200 OK", SSE)
    connection.feed(first)
    assert connection.bytes_received == len(first)
    items = connection.feed(b"id: 5\nretry: 250\ndata: x\n\nid: 6\n")
    assert items == [ev("x", id="5", retry=250)]
    assert connection.last_event_id == "5"  # "id: 6" waits for its blank line
    assert connection.retry == 250
    assert connection.feed(b"\n") == []
    assert connection.last_event_id == "6"  # a blank line applies it, no event
    assert connection.decoder.last_event_id == "6"
    assert connection.bytes_received == len(first) + 33
    assert [norm(i) for i in connection.close()] == [ended(False, "6", 250)]


def test_last_event_id_seeds_the_stream() -> None:
    """Events without an id keep the id the connection sent (as browsers do)."""
    connection = new_connection(last_event_id="41")
    assert connection.last_event_id == "41"
    data = with_length(b"data: x\n\nid: 42\ndata: y\n\n", SSE)
    items = [norm(i) for i in connection.feed(data)]
    assert items == [started(), ev("x", id="41"), ev("y", id="42"), ended(False, "42")]


# --------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------


def test_states_of_a_successful_stream() -> None:
    """AWAITING_RESPONSE -> STREAMING -> ENDED, with items at each step."""
    connection = new_connection()
    assert connection.state is ConnectionState.AWAITING_RESPONSE
    assert connection.feed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") == []
    assert connection.state is ConnectionState.AWAITING_RESPONSE
    items = connection.feed(SSE + b"\r\nContent-Length: 9\r\n\r\n")
    assert [norm(i) for i in items] == [started()]
    assert connection.state is ConnectionState.STREAMING
    assert connection.feed(b"data: x\n") == []
    assert [norm(i) for i in connection.feed(b"\n")] == [ev("x"), ended()]
    assert connection.state is ConnectionState.ENDED
    assert connection.close() == []
    assert connection.state is ConnectionState.ENDED
    with pytest.raises(UsageError):
        connection.feed(b"data: y\n\n")
    assert connection.state is ConnectionState.ENDED


def test_close_ends_a_close_delimited_stream() -> None:
    """close() ends a close-delimited body; later feeds are refused."""
    connection = new_connection()
    connection.feed(head(b"200 OK", SSE) + b"data: x\n\n")
    assert connection.state is ConnectionState.STREAMING
    assert [norm(i) for i in connection.close()] == [ended()]
    assert connection.state is ConnectionState.ENDED
    with pytest.raises(UsageError):
        connection.feed(b"data: y\n\n")


@pytest.mark.parametrize(
    "first",
    [
        head(b"404 Not Found", b"Content-Length: 10"),
        head(b"200 OK", b"Content-Type: text/html", b"Content-Length: 10"),
        head(b"200 OK", SSE, b"Content-Encoding: br", b"Content-Length: 10"),
    ],
    ids=["bad-status", "bad-content-type", "bad-content-encoding"],
)
def test_rejecting_while_the_error_body_is_read(first: bytes) -> None:
    """A rejected response is REJECTING until its body start is in, then ERROR."""
    connection = new_connection()
    connection.feed(first)
    assert connection.state is ConnectionState.REJECTING
    connection.feed(b"01234")
    assert connection.state is ConnectionState.REJECTING
    with pytest.raises(BadResponse):
        connection.feed(b"56789")
    assert connection.state is ConnectionState.ERROR


def test_error_sticks() -> None:
    """After a raise, feed and close raise UsageError and the state stays ERROR."""
    connection = new_connection()
    with pytest.raises(MalformedResponse):
        connection.feed(b"garbage\r\n\r\n")
    assert connection.state is ConnectionState.ERROR
    for _ in range(2):
        with pytest.raises(UsageError):
            connection.feed(head(b"200 OK", SSE))
        with pytest.raises(UsageError):
            connection.close()
        assert connection.state is ConnectionState.ERROR


def test_truncated_body_error_sticks() -> None:
    """A close() that raises TruncatedBody leaves the machine in ERROR."""
    connection = new_connection()
    connection.feed(head(b"200 OK", SSE, b"Content-Length: 100"))
    with pytest.raises(TruncatedBody):
        connection.close()
    assert connection.state is ConnectionState.ERROR
    with pytest.raises(UsageError):
        connection.feed(b"x")


def test_usage_errors_are_not_protocol_errors() -> None:
    """Misuse is reported as UsageError, never as a ProtocolError."""
    assert not issubclass(UsageError, ProtocolError)


def test_stream_ended_reports_decoder_state() -> None:
    """StreamEnded carries truncated, last_event_id and retry of the decoder."""
    data = with_length(b"id: a\nretry: 9\ndata: x\n\nid: b\nretry: 10\ndata: y", SSE)
    out = run([data])
    # retry applies at once; the id waits for a blank line that never comes
    assert out.items[-1] == ended(True, "a", 10)
    assert out.connection.decoder.truncated is True


def test_an_incomplete_chunk_size_line_is_bounded() -> None:
    """A chunk-size line still incomplete past max_header_bytes raises.

    The bound is on buffering: a whole chunk-size line inside one read is parsed
    at once, buffers nothing, and is not measured (h11 exposes no raw line).
    """
    data = head(b"200 OK", SSE, b"Transfer-Encoding: chunked") + b"9;ext=" + b"e" * 400
    limits = Limits(max_header_bytes=256)
    connection = EventStreamConnection(Request.get(URL), limits=limits)
    with pytest.raises(LimitExceeded) as info:  # noqa: PT012 - feeds until it raises
        for i in range(len(data)):
            connection.feed(data[i : i + 1])
    assert info.value.limit == "max_header_bytes"
    whole = EventStreamConnection(Request.get(URL), limits=limits)
    rest = b"\r\ndata: x\n\n\r\n0\r\n\r\n"
    items = whole.feed(data + rest)
    assert [i.data for i in items if isinstance(i, ServerSentEvent)] == ["x"]


# -- nothing lost: an error carries what its call completed ------------------------


@pytest.mark.parametrize("size", [1, 3, 64, 100_000])
def test_events_before_a_malformed_chunk_travel_on_the_error(size: int) -> None:
    """Events decoded ahead of bad framing come out by feed() or on error.items."""
    data = (
        head(b"200 OK", SSE, b"Transfer-Encoding: chunked")
        + b"9\r\ndata: a\n\n\r\n9\r\ndata: b\n\n\r\nzz\r\n"
    )
    connection = EventStreamConnection(Request.get(URL))
    got: list[Any] = []
    with pytest.raises(MalformedResponse) as info:  # noqa: PT012 - feeds until it raises
        for i in range(0, len(data), size):
            got += connection.feed(data[i : i + size])
    got += info.value.items
    assert isinstance(got[0], ResponseStarted)
    assert [i.data for i in got if isinstance(i, ServerSentEvent)] == ["a", "b"]
    assert connection.state is ConnectionState.ERROR


def test_a_rejected_head_travels_on_the_error() -> None:
    """A response rejected in the feed that read its head still shows the head."""
    connection = EventStreamConnection(Request.get(URL))
    with pytest.raises(BadStatus) as info:
        connection.feed(with_length(b"{}", status=b"500 Oops"))
    assert [type(i) for i in info.value.items] == [ResponseStarted]
    assert connection.response == info.value.items[0]


# -- a decompression bomb -------------------------------------------------------------


@pytest.mark.parametrize("size", [4096, 1_000_000])
def test_inflate_ratio_is_bounded(size: int) -> None:
    """A body inflating past max_inflate_ratio raises at once, without the rest."""
    body = gzipped(b"data: x\n\n" * 2_000_000)  # 18 MB from about 35 KB
    data = head(b"200 OK", SSE, b"Content-Encoding: gzip") + body
    connection = EventStreamConnection(Request.get(URL))
    with pytest.raises(LimitExceeded) as info:  # noqa: PT012 - feeds until it raises
        for i in range(0, len(data), size):
            connection.feed(data[i : i + size])
    assert info.value.limit == "max_inflate_ratio"
    assert info.value.maximum == 100
    assert info.value.observed > 100


def test_an_ordinary_compressed_stream_is_far_from_the_ratio() -> None:
    """A realistic stream (JSON chunks, flushed per event) inflates well under it."""
    events = b"".join(
        b'id: %d\ndata: {"choices": [{"delta": {"content": "tok%d "}}]}\n\n' % (i, i)
        for i in range(20_000)
    )
    data = with_length(gzipped(events), SSE, b"Content-Encoding: gzip")
    connection = EventStreamConnection(Request.get(URL), limits=Limits())
    items = connection.feed(data) + connection.close()
    assert sum(isinstance(i, ServerSentEvent) for i in items) == 20_000
