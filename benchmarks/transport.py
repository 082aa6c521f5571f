"""HTTP/1.1 to events: sseparse.transport against httpx + httpx-sse.

Every implementation gets one whole HTTP/1.1 response as a list of network
reads (no socket is opened) and returns every event.  The response is what
sse-starlette behind uvicorn sends: ``200 OK``, ``text/event-stream``,
``transfer-encoding: chunked``, one HTTP chunk per SSE event; the events are
the chat stream of the SSE layer.  Gzip: the body compressed with a
``Z_SYNC_FLUSH`` after every event (as streaming gzip middleware does), one
chunk per flush.

* sseparse: ``EventStreamConnection(Request.get(url))``, ``request_bytes()``,
  ``feed(read)`` for every read, ``close()``;
* httpx + httpx-sse: ``with connect_sse(client, "GET", url) as s:
  list(s.iter_sse())`` over a real ``httpx.Client`` / ``HTTPTransport``, whose
  ``httpcore.ConnectionPool`` (a new one per run) has a network backend that
  returns the reads (``httpcore.MockBackend``, made O(1) per read: its own
  stream pops a list's head, quadratic in 1-byte reads); httpx does the gzip;
* http.client + SSEDecoder: the standard library's ``HTTPResponse`` over a
  fake socket (``makefile`` gives a ``BufferedReader`` over the reads, as
  ``socket.makefile`` does), ``read1(65536)`` until ``b""``, each piece through
  ``zlib`` when gzipped and into ``sseparse.SSEDecoder`` (the stdlib's parser
  with our decoder, not a client product; no version shown);
* floors: ``sseparse.SSEDecoder`` alone on the plain body (de-chunked,
  decompressed) cut in the same read size; h11 alone (``receive_data``,
  ``next_event()`` until ``NEED_DATA``, ``Data`` counted and dropped), and
  h11 + ``zlib`` on the gzipped response.

The check compares every event's ``(event, data, id)`` with the expected ones
(sseparse's items must also start with ``ResponseStarted(200)`` and end with
``StreamEnded(truncated=False)``); the h11 floors' body byte counts are checked.
Setting up each response (sseparse's connection and request bytes, httpx's
pool and request) is inside the timed call; httpx's ``Client`` is built once.
"""

from __future__ import annotations

import functools
import http.client
import io
import zlib
from dataclasses import dataclass
from typing import Any

from benchmarks._harness import KIB, Case, Goal, Impl, Layer, Run, Scaling, Work
from benchmarks.sse import chat_stream, decode_reads, split

URL = "http://127.0.0.1:8000/v1/chat/completions/stream"
GZIP_WBITS = 16 + zlib.MAX_WBITS

# What sse-starlette's EventSourceResponse behind uvicorn sends.
_HEAD = (
    "HTTP/1.1 200 OK\r\n"
    "date: Sat, 21 Nov 2026 12:00:00 GMT\r\n"
    "server: uvicorn\r\n"
    "cache-control: no-store\r\n"
    "connection: keep-alive\r\n"
    "x-accel-buffering: no\r\n"
    "content-type: text/event-stream; charset=utf-8\r\n"
    "{extra}"
    "transfer-encoding: chunked\r\n"
    "\r\n"
)


@dataclass(frozen=True)
class Response:
    """What every implementation gets: the reads, and the floor's body reads."""

    reads: list[bytes]
    body_reads: list[bytes]  # the plain body cut in the same read size


@dataclass(frozen=True)
class Expected:
    events: list[tuple[str, str, str]]
    sent: int  # body bytes as sent (gzipped or not), de-chunked
    plain: int  # body bytes once decompressed


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


class Items(list[Any]):
    """sseparse's items, marked so that the check demands their first and last."""


def _sseparse() -> Run:
    from sseparse.transport import EventStreamConnection, Request

    request = Request.get(URL)

    def run(response: Response) -> Items:
        conn: Any = EventStreamConnection(request)
        conn.request_bytes()
        feed = conn.feed
        items = Items()
        for read in response.reads:
            items.extend(feed(read))
        items.extend(conn.close())
        return items

    return run


def _decoder_body() -> Run:
    return lambda response: decode_reads(response.body_reads)


def _h11(inflate: bool) -> Run:
    import h11

    def run(response: Response) -> tuple[int, bool]:
        conn = h11.Connection(h11.CLIENT)
        conn.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
        conn.send(h11.EndOfMessage())
        receive, next_event = conn.receive_data, conn.next_event
        decompress = zlib.decompressobj(GZIP_WBITS).decompress
        size = 0
        for read in response.reads:
            receive(read)
            while (event := next_event()) is not h11.NEED_DATA:
                if type(event) is h11.Data:
                    size += len(decompress(event.data) if inflate else event.data)
                elif type(event) is h11.EndOfMessage:
                    return size, inflate
        raise AssertionError("h11 did not see the end of the body")

    return run


def _httpx_sse() -> Run:
    import httpcore
    import httpx
    from httpx_sse import connect_sse

    class ReadsStream(httpcore.NetworkStream):
        def __init__(self, reads: list[bytes]) -> None:
            self._next = iter(reads).__next__

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            try:
                return self._next()
            except StopIteration:
                return b""

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            pass

        def close(self) -> None:
            pass

        def get_extra_info(self, info: str) -> Any:
            return None

    class ReadsBackend(httpcore.MockBackend):
        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return ReadsStream(self._buffer)

    transport: Any = httpx.HTTPTransport()  # its SSL context is built once, here
    client = httpx.Client(transport=transport)

    def run(response: Response) -> list[Any]:
        backend = ReadsBackend(response.reads)
        transport._pool = httpcore.ConnectionPool(network_backend=backend)
        with connect_sse(client, "GET", URL) as source:
            return list(source.iter_sse())

    return run


def _http_client() -> Run:
    from sseparse import SSEDecoder

    class RawReads(io.RawIOBase):
        def __init__(self, reads: list[bytes]) -> None:
            self._next = iter(reads).__next__
            self._pending = b""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            data = self._pending
            if not data:
                try:
                    data = self._next()
                except StopIteration:
                    return 0
            n = min(len(buffer), len(data))
            buffer[:n] = data[:n]
            self._pending = data[n:]
            return n

    class FakeSocket:
        def __init__(self, reads: list[bytes]) -> None:
            self._reads = reads

        def makefile(self, *args: Any, **kwargs: Any) -> io.BufferedReader:
            return io.BufferedReader(RawReads(self._reads))  # as socket.makefile

    def run(response: Response) -> list[Any]:
        http_response: Any = http.client.HTTPResponse(FakeSocket(response.reads))  # type: ignore[arg-type]
        http_response.begin()
        gzip = http_response.getheader("content-encoding") == "gzip"
        inflate = zlib.decompressobj(GZIP_WBITS).decompress
        decoder = SSEDecoder()
        read1, feed = http_response.read1, decoder.feed
        events: list[Any] = []
        while data := read1(65536):
            events.extend(feed(inflate(data) if gzip else data))
        events.extend(decoder.close())
        return events

    return run


SSEPARSE = Impl("sseparse", _sseparse, role="sseparse")
DECODER = Impl("SSEDecoder, body", _decoder_body, role="floor")
H11 = Impl("h11 alone", lambda: _h11(False), "h11", role="floor")
H11_ZLIB = Impl("h11 + zlib", lambda: _h11(True), "h11", role="floor")
HTTPX = Impl("httpx + httpx-sse", _httpx_sse, "httpx-sse")
HTTP_CLIENT = Impl("http.client + SSEDecoder", _http_client)
IMPLS = (SSEPARSE, DECODER, H11, HTTPX, HTTP_CLIENT)

# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n" % len(payload) + payload + b"\r\n"


@functools.cache
def build_response(n_events: int, gzip: bool) -> tuple[bytes, bytes, Expected]:
    """The chunked response (one chunk per event), its plain body, expected."""
    body, datas = chat_stream(n_events)
    # JSON escapes newlines, so every event is exactly one data: line.
    events = [b"data: " + d.encode() + b"\n\n" for d in datas]
    sent = events
    if gzip:
        compressor = zlib.compressobj(6, zlib.DEFLATED, GZIP_WBITS)
        flush = functools.partial(compressor.flush, zlib.Z_SYNC_FLUSH)
        sent = [compressor.compress(e) + flush() for e in events]
        sent.append(compressor.flush(zlib.Z_FINISH))  # the gzip trailer
    extra = "content-encoding: gzip\r\nvary: Accept-Encoding\r\n" if gzip else ""
    head = _HEAD.format(extra=extra).encode("latin-1")
    response = head + b"".join(_chunk(p) for p in sent) + b"0\r\n\r\n"
    expected = [("message", d, "") for d in datas]
    return response, body, Expected(expected, sum(map(len, sent)), len(body))


def _work(n_events: int, gzip: bool, read_size: int) -> Work:
    response, body, expected = build_response(n_events, gzip)
    reads = Response(split(response, read_size), split(body, read_size))
    return Work(reads, expected, n_events + 1)


def _check(expected: Expected, result: Any) -> None:
    if isinstance(result, tuple):  # an h11 floor: (body bytes, inflated)
        size, inflated = result
        want = expected.plain if inflated else expected.sent
        if size != want:
            raise AssertionError(f"{size} body bytes, expected {want}")
        return
    from sseparse.transport import ResponseStarted, StreamEnded

    if isinstance(result, Items):
        first, last = result[0], result[-1]
        started = isinstance(first, ResponseStarted) and first.status == 200
        if not started or not isinstance(last, StreamEnded) or last.truncated:
            raise AssertionError(f"items from {first!r} to {last!r}")
        result = result[1:-1]
    got = [(e.event, e.data, e.id) for e in result]
    if got != expected.events:
        want = len(expected.events)
        raise AssertionError(f"{len(got)} events, expected {want}, or they differ")


def layer(quick: bool) -> Layer:
    n = 2_000 if quick else 20_000
    byte_n = 8 if quick else 32  # events in the smallest 1-byte-reads response
    return Layer(
        name="transport",
        title="HTTP/1.1 to events: sseparse.transport",
        intro=__doc__ or "",
        cases=[
            Case(
                "chunked",
                f"chat stream, {n:,} events + [DONE], one HTTP chunk per event,"
                " 4 KiB reads",
                lambda: _work(n, False, 4 * KIB),
                IMPLS,
                unit="events",
                check=_check,
            ),
            Case(
                "gzip",
                "the same, gzip-compressed with a Z_SYNC_FLUSH per event, 4 KiB reads",
                lambda: _work(n, True, 4 * KIB),
                (*IMPLS, H11_ZLIB),
                unit="events",
                check=_check,
            ),
        ],
        scalings=[
            Scaling(
                "bytewise",
                "chunked chat stream of N events, 1-byte reads",
                [byte_n * 2**k for k in range(5)],
                lambda size: _work(size, False, 1),
                IMPLS,
                size_unit="events",
                check=_check,
                check_sizes=(byte_n // 2, byte_n * 8),
                budget_s=5.0,
            ),
            Scaling(
                "chunked",
                "chunked chat stream of N events, 4 KiB reads",
                [n // 16 * 2**k for k in range(5)],
                lambda size: _work(size, False, 4 * KIB),
                IMPLS,
                size_unit="events",
                check=_check,
                check_sizes=(n // 16, n),
                budget_s=3.0,
            ),
        ],
        goals=[
            Goal(
                "1-byte reads stay linear: 16x the events, at most 20x the CPU time",
                "growth:bytewise:sseparse",
                "<=",
                20.0,
            ),
        ],
    )
