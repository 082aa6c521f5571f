"""Property-based tests of ``EventStreamConnection``.

1. Round trip: events and comments encoded with ``SSEEncoder``, sent in any
   framing (Content-Length, chunked with random chunk sizes, close-delimited) and
   encoding (identity, gzip, zlib and raw deflate), come out equal, whether the
   response is fed whole, byte by byte or in any chunking.
2. Errors do not depend on chunking: a response cut short, or with one byte
   changed, fails (or not) the same way in every feeding.
3. Robustness: for arbitrary and mutated bytes only the documented
   ``ProtocolError`` subclasses escape, and a failed machine stays failed.
4. Error bodies: ``BadStatus.body`` is the start of the decoded body, cut at
   ``max_error_body_bytes``.
5. ``Last-Event-ID``: any id the SSE decoder can produce is sent, or refused
   with ``UsageError``, never with another exception.
6. Linear cost: 16 times the events cost about 16 times the work, never 256.
"""

from __future__ import annotations

import functools
import gzip
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import h11
import pytest
from hypothesis import given, note
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
    ProtocolError,
    ServerSentEvent,
    SSEEncoder,
    TruncatedBody,
    UsageError,
)
from sseparse.testing import chunkings, event_streams, events
from sseparse.transport import (
    ConnectionState,
    EventStreamConnection,
    Request,
    ResponseStarted,
    StreamEnded,
)
from tests._work import assert_linear
from tests.helpers import split_chunks

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

URL = "http://example.com/events"
Item = ServerSentEvent | Comment

# Every exception a connection may raise from feed() or close() on peer data.
DOCUMENTED = (
    BadStatus,
    BadContentType,
    BadContentEncoding,
    MalformedResponse,
    TruncatedBody,
    LimitExceeded,
)


# -- building responses ----------------------------------------------------------


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


PACKERS: dict[str, tuple[bytes, Callable[[bytes], bytes]]] = {
    "identity": (b"", lambda data: data),
    "gzip": (b"gzip", lambda data: gzip.compress(data, mtime=0)),
    "x-gzip": (b"x-gzip", lambda data: gzip.compress(data, mtime=0)),
    "deflate": (b"deflate", zlib.compress),
    "raw-deflate": (b"deflate", _raw_deflate),
}
FRAMINGS = ("length", "chunked", "close")


@dataclass(frozen=True)
class Wire:
    """A response on the wire and how it was made."""

    data: bytes
    framing: str
    encoding: str
    body: bytes  # before content coding


def make_response(
    body: bytes,
    *,
    framing: str,
    encoding: str,
    chunk_sizes: Sequence[int] = (),
    status: bytes = b"200 OK",
    content_type: bytes = b"text/event-stream",
) -> bytes:
    token, pack = PACKERS[encoding]
    packed = pack(body)
    headers = [b"HTTP/1.1 " + status, b"Content-Type: " + content_type]
    if token:
        headers.append(b"Content-Encoding: " + token)
    if framing == "length":
        headers.append(b"Content-Length: %d" % len(packed))
        payload = packed
    elif framing == "chunked":
        headers.append(b"Transfer-Encoding: chunked")
        sizes = list(chunk_sizes) or [len(packed) or 1]
        pieces: list[bytes] = []
        position = 0
        while position < len(packed):
            piece = packed[position : position + sizes[len(pieces) % len(sizes)]]
            pieces.append(b"%x\r\n%s\r\n" % (len(piece), piece))
            position += len(piece)
        payload = b"".join(pieces) + b"0\r\n\r\n"
    else:
        payload = packed
    return b"".join(h + b"\r\n" for h in headers) + b"\r\n" + payload


def encode_stream(stream: Sequence[Item]) -> bytes:
    encoder = SSEEncoder()
    return b"".join(encoder.encode(item) for item in stream)


@st.composite
def wires(
    draw: st.DrawFn,
    bodies: st.SearchStrategy[bytes] | None = None,
    *,
    framings: Sequence[str] = FRAMINGS,
    encodings: Sequence[str] = tuple(PACKERS),
) -> Wire:
    body = draw(bodies if bodies is not None else st.just(b""))
    framing = draw(st.sampled_from(framings))
    encoding = draw(st.sampled_from(encodings))
    sizes = draw(st.lists(st.integers(1, 40), min_size=1, max_size=6))
    data = make_response(body, framing=framing, encoding=encoding, chunk_sizes=sizes)
    return Wire(data, framing, encoding, body)


# -- running ---------------------------------------------------------------------


@dataclass
class Outcome:
    raw: list[object]
    items: list[object]  # normalised
    error: ProtocolError | None
    in_close: bool
    connection: EventStreamConnection[Any]


def norm(item: object) -> object:
    if isinstance(item, ResponseStarted):
        return ("started", item.status, item.reason, item.http_version)
    if isinstance(item, StreamEnded):
        return ("ended", item.truncated, item.last_event_id, item.retry)
    return item


def run(chunks: Sequence[bytes], **options: Any) -> Outcome:
    """Feed *chunks* (stopping once the body ended), then close."""
    options.setdefault("comments", True)
    connection = EventStreamConnection(Request.get(URL), **options)
    items: list[object] = []
    in_close = False
    try:
        for chunk in chunks:
            if connection.state is ConnectionState.ENDED:
                break
            items += connection.feed(chunk)
        in_close = True
        items += connection.close()
    except ProtocolError as exc:
        error: ProtocolError | None = exc
    else:
        error = None
    if error is not None:
        assert isinstance(error, DOCUMENTED), repr(error)
        assert connection.state is ConnectionState.ERROR
    return Outcome(items, [norm(i) for i in items], error, in_close, connection)


def error_facts(error: ProtocolError | None) -> tuple[object, ...]:
    """What must not depend on the chunking: the class and its data."""
    if error is None:
        return (None,)
    facts: tuple[object, ...] = (type(error).__name__,)
    if isinstance(error, TruncatedBody):
        facts += (error.received, error.expected)
    elif isinstance(error, LimitExceeded):
        facts += (error.limit, error.maximum)
    elif isinstance(error, BadResponse):
        facts += (error.status, error.content_type, error.body, error.body_truncated)
    return facts


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def only_events(stream: Sequence[Item]) -> list[ServerSentEvent]:
    return [item for item in stream if isinstance(item, ServerSentEvent)]


def expected_items(stream: Sequence[Item]) -> list[object]:
    sent = only_events(stream)
    retries = [event.retry for event in sent if event.retry is not None]
    end = (
        "ended",
        False,
        sent[-1].id if sent else "",
        retries[-1] if retries else None,
    )
    return [("started", 200, "OK", "1.1"), *stream, end]


STREAMS = event_streams(max_size=8)


# -- 1. round trip ---------------------------------------------------------------


@given(st.data(), STREAMS)
def test_every_framing_encoding_and_chunking_gives_the_events(
    data: st.DataObject, stream: list[Item]
) -> None:
    """Encoded events come out equal in any framing, encoding and feeding."""
    wire = data.draw(wires(st.just(encode_stream(stream))), label="wire")
    chunks = data.draw(chunkings(wire.data), label="chunks")
    expected = expected_items(stream)
    for name, pieces in [
        ("whole", [wire.data]),
        ("bytewise", bytewise(wire.data)),
        ("drawn", chunks),
    ]:
        out = run(pieces)
        assert out.error is None, (name, out.error)
        assert out.items == expected, name
        assert out.connection.bytes_received == len(wire.data)
    without_comments = run([wire.data], comments=False)
    assert without_comments.items == [
        expected[0],
        *only_events(stream),
        expected[-1],
    ]


@given(st.data(), st.lists(events(), min_size=1, max_size=4))
def test_split_compressed_data_anywhere(
    data: st.DataObject, sent: list[ServerSentEvent]
) -> None:
    """Compressed bodies cut at drawn offsets decode to the encoded events."""
    wire = data.draw(
        wires(
            st.just(encode_stream(sent)),
            encodings=("gzip", "deflate", "raw-deflate"),
        )
    )
    cuts = data.draw(st.lists(st.integers(0, len(wire.data)), max_size=8))
    out = run(split_chunks(wire.data, cuts))
    assert out.error is None
    assert out.items == expected_items(sent)


# -- 2. errors do not depend on chunking ----------------------------------------


def _same_everywhere(data: bytes, chunks: list[bytes]) -> Outcome:
    whole = run([data])
    facts = error_facts(whole.error)
    note(f"whole: {whole.error!r}")
    for pieces in (bytewise(data), chunks):
        other = run(pieces)
        assert error_facts(other.error) == facts, (whole.error, other.error)
        if whole.error is None or (whole.in_close and other.in_close):
            assert other.items == whole.items
    return whole


@given(st.data(), STREAMS)
def test_cut_short_fails_the_same_in_every_feeding(
    data: st.DataObject, stream: list[Item]
) -> None:
    """A response cut anywhere gives the same outcome in every feeding."""
    wire = data.draw(wires(st.just(encode_stream(stream))), label="wire")
    cut = data.draw(st.integers(0, len(wire.data) - 1), label="cut")
    short = wire.data[:cut]
    whole = _same_everywhere(short, data.draw(chunkings(short), label="chunks"))
    head_size = wire.data.index(b"\r\n\r\n") + 4
    if wire.framing == "close" and wire.encoding == "identity" and cut >= head_size:
        # Only an uncompressed close-delimited body may end at any byte; what
        # came is a prefix of what was sent.
        assert whole.error is None, whole.error
        middle = whole.items[1:-1]
        assert middle == stream[: len(middle)]
    elif wire.framing == "close" and cut == head_size:
        # No body byte at all: an empty body, whatever its Content-Encoding
        # (servers label empty bodies gzip too); a clean, empty stream.
        assert whole.error is None, whole.error
        assert whole.items[1:-1] == []
    else:
        assert isinstance(whole.error, TruncatedBody), whole.error


@given(st.data(), STREAMS)
def test_changed_byte_fails_the_same_in_every_feeding(
    data: st.DataObject, stream: list[Item]
) -> None:
    """A response with one byte changed gives the same error in every feeding."""
    wire = data.draw(wires(st.just(encode_stream(stream))), label="wire")
    position = data.draw(st.integers(0, len(wire.data) - 1), label="position")
    value = data.draw(st.integers(0, 255).filter(lambda v: v != wire.data[position]))
    changed = bytearray(wire.data)
    changed[position] = value
    changed_bytes = bytes(changed)
    _same_everywhere(changed_bytes, data.draw(chunkings(changed_bytes)))


# -- 3. robustness ---------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid response with a few bytes replaced, inserted or deleted."""
    stream = draw(event_streams(max_size=4))
    wire = draw(wires(st.just(encode_stream(stream))))
    data = bytearray(wire.data)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        snippet = draw(
            st.one_of(
                st.binary(min_size=1, max_size=4),
                st.sampled_from([b"\r\n", b"\r\n\r\n", b"0\r\n", b":", b" ", b"\x00"]),
            )
        )
        if action == "insert" or position == len(data):
            data[position:position] = snippet
        elif action == "replace":
            data[position : position + len(snippet)] = snippet
        else:
            del data[position : position + draw(st.integers(1, 8))]
    return bytes(data)


def _check_only_documented(data: bytes, chunks: list[bytes], **options: Any) -> None:
    out = run(chunks, **options)  # run() asserts the class and the ERROR state
    if out.error is None:
        # one ResponseStarted, events and comments, one StreamEnded
        assert out.connection.state is ConnectionState.ENDED
        assert isinstance(out.raw[0], ResponseStarted)
        assert isinstance(out.raw[-1], StreamEnded)
        for item in out.raw[1:-1]:
            assert isinstance(item, ServerSentEvent | Comment), item
        assert out.connection.bytes_received <= len(data)
        return
    connection = out.connection
    with pytest.raises(UsageError):
        connection.feed(b"data: x\n\n")
    with pytest.raises(UsageError):
        connection.close()
    assert connection.state is ConnectionState.ERROR


@given(st.data(), st.binary(max_size=512))
def test_arbitrary_bytes_raise_only_documented_errors(
    data: st.DataObject, raw: bytes
) -> None:
    """Random bytes raise nothing but the documented ProtocolErrors."""
    _check_only_documented(raw, data.draw(chunkings(raw)))


@given(st.data(), mutated())
def test_mutated_responses_raise_only_documented_errors(
    data: st.DataObject, raw: bytes
) -> None:
    """Damaged responses raise nothing but the documented ProtocolErrors."""
    limits = data.draw(
        st.sampled_from(
            [
                None,
                Limits(max_header_bytes=64, max_error_body_bytes=4, max_line_bytes=16),
            ]
        )
    )
    decompress = data.draw(st.booleans())
    _check_only_documented(
        raw, data.draw(chunkings(raw)), limits=limits, decompress=decompress
    )


# -- 4. error bodies ------------------------------------------------------------


@given(
    st.data(),
    st.binary(max_size=200),
    st.integers(1, 100),
    st.sampled_from([b"400 Bad Request", b"404 Not Found", b"500 Oops", b"503 Busy"]),
)
def test_error_body_is_the_decoded_start(
    data: st.DataObject, body: bytes, limit: int, status: bytes
) -> None:
    """BadStatus.body is the decoded body cut at max_error_body_bytes."""
    framing = data.draw(st.sampled_from(FRAMINGS))
    encoding = data.draw(st.sampled_from(tuple(PACKERS)))
    sizes = data.draw(st.lists(st.integers(1, 40), min_size=1, max_size=4))
    response = make_response(
        body,
        framing=framing,
        encoding=encoding,
        chunk_sizes=sizes,
        status=status,
        content_type=b"application/json",
    )
    chunks = data.draw(chunkings(response))
    out = run(chunks, limits=Limits(max_error_body_bytes=limit))
    error = out.error
    assert isinstance(error, BadStatus), error
    assert error.status == int(status[:3])
    assert error.body == body[:limit]
    assert error.body_truncated is (len(body) > limit)


# -- 5. Last-Event-ID --------------------------------------------------------------

_PLAIN_ID = st.text(
    st.characters(min_codepoint=0x21, exclude_categories=["Cs", "Cc"]),
    min_size=1,
    max_size=12,
)


@given(st.one_of(events().map(lambda event: event.id), _PLAIN_ID))
def test_last_event_id_is_sent_or_refused(last_event_id: str) -> None:
    """Every decodable id is sent as UTF-8, or refused with UsageError only."""
    try:
        connection = EventStreamConnection(
            Request.get(URL), last_event_id=last_event_id
        )
    except UsageError:
        assert any(c < " " or c == "\x7f" for c in last_event_id.replace("\t", ""))
        return
    data = connection.request_bytes()
    server = h11.Connection(h11.SERVER)
    server.receive_data(data)
    request = server.next_event()
    assert isinstance(request, h11.Request)
    sent = [v for k, v in request.headers if k == b"last-event-id"]
    if last_event_id == "":
        assert sent == []
    elif last_event_id == last_event_id.strip(" \t") and last_event_id.isprintable():
        assert sent == [last_event_id.encode()]


# -- 6. linear cost ------------------------------------------------------------


def _receive(chunks: list[bytes]) -> Iterator[Callable[[], object]]:
    """Steps: each read fed to a fresh connection, then ``close()``."""
    connection = EventStreamConnection(Request.get(URL))
    for chunk in chunks:
        yield functools.partial(connection.feed, chunk)
    yield connection.close


_TOKEN = b'data: {"choices":[{"delta":{"content":"tok"}}]}\n\n'


def _token_events(count: int) -> bytes:
    return b"".join(b"id: %d\n" % i + _TOKEN for i in range(count))


def _one_long_event(count: int) -> bytes:
    return b"data: " + b"x" * (count * 50) + b"\n\n"


def _reads(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("make", "count", "framing", "encoding", "read"),
    [
        pytest.param(_token_events, 24, "chunked", "identity", 1, id="chunked-1B"),
        pytest.param(_token_events, 48, "close", "gzip", 1, id="close-gzip-1B"),
        pytest.param(_token_events, 512, "length", "gzip", 1460, id="gzip-1460B"),
        pytest.param(_token_events, 512, "chunked", "deflate", 1460, id="chunk-1460B"),
        # long enough for the decoder to take its long-line path in both runs
        pytest.param(
            _one_long_event, 2048, "chunked", "identity", 1460, id="long-1460"
        ),
        pytest.param(_one_long_event, 24, "length", "identity", 1, id="long-1B"),
    ],
)
def test_cost_is_linear(
    make: Callable[[int], bytes], count: int, framing: str, encoding: str, read: int
) -> None:
    """16 times the events cost less than 40 times the work (not 256)."""

    def reads(n: int) -> list[bytes]:
        body = make(n)
        # chunks of 1 KiB, as a server flushing its buffer sends them
        data = make_response(
            body, framing=framing, encoding=encoding, chunk_sizes=[1024]
        )
        return _reads(data, read)

    # Counted work, not time: the counts are the same on a busy machine (see
    # tests/_work.py).  Linear work gives about 16 per counter, quadratic 256.
    assert_linear(_receive, reads(count), reads(16 * count))
