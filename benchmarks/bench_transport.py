"""Benchmark sseparse.transport: raw HTTP/1.1 response bytes to events.

Run from the repository root::

    python benchmarks/bench_transport.py            # full run
    python benchmarks/bench_transport.py --quick    # small smoke run
    python benchmarks/bench_transport.py --json results.json

Every implementation gets the bytes of one whole HTTP/1.1 response (status line,
headers, chunked body), as a list of network reads, and returns every event.
No socket is opened: the reads are handed over in memory.

Workloads (built deterministically here, from ``bench_sse.build_chat_stream``):

(a) the 20,000-event chat stream of ``bench_sse.py`` (a) as a chunked response,
    one HTTP chunk per SSE event (as sse-starlette behind uvicorn sends it), read
    in 4 KiB pieces;
(b) the same body gzip-compressed with a ``Z_SYNC_FLUSH`` after every event
    (``Content-Encoding: gzip``), one HTTP chunk per flush, 4 KiB reads;
(c) a smaller response (2,000 events) read one byte at a time; plus a
    linear-growth check: 1-byte reads of N vs 16*N events.

Implementations:

* sseparse: ``EventStreamConnection(Request.get(url))``, ``feed(read)`` for every
  read, ``close()``;
* floors: ``sseparse.SSEDecoder`` alone, fed the de-chunked (and decompressed)
  body in the same read size; the same decoder fed exactly the pieces h11 hands
  to it inside sseparse ((a), (b)); h11 alone (``receive_data`` /
  ``next_event``, ``Data`` discarded), and h11 + zlib in (b);
* httpx + httpx-sse: ``httpx_sse.connect_sse(client, "GET", url)`` and
  ``list(event_source.iter_sse())`` over a real ``httpx.Client`` /
  ``HTTPTransport`` / ``httpcore.ConnectionPool``, whose network backend returns
  the reads (``httpcore.MockBackend`` with O(1) reads);
* http.client + SSEDecoder: the standard library's ``HTTPResponse`` over a fake
  socket (``makefile`` gives a ``BufferedReader`` over the reads), ``read1()``
  until the end, each piece to ``sseparse.SSEDecoder`` (via ``zlib`` in (b)).

Before any figure is reported, every implementation's events are checked,
as ``(event, data, id)``, against the expected events (the floors: against the
body length).  Times are the best of N runs, the runs going round-robin over
the implementations, with the garbage collector off during each run unless
``--gc`` is given.  Both the process CPU time (``time.process_time``) and the
wall-clock time (``time.perf_counter``) are reported; rates and ratios are from
the CPU time, the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import http.client
import importlib.metadata
import io
import json
import platform
import pstats
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

KIB = 1024
READ_SIZE = 4 * KIB
URL = "http://127.0.0.1:8000/v1/chat/completions/stream"


def _ensure_paths() -> None:
    """Let the sibling benchmarks and a checkout's sseparse be imported."""
    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    try:
        import sseparse  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(here.parent))


_ensure_paths()

# siblings: benchmarks/ is on sys.path (see _ensure_paths)
from bench_jsonstream import load_average, machine_info  # noqa: E402
from bench_sse import build_chat_stream, check, fmt_rate, split  # noqa: E402

# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #

# What sse-starlette (EventSourceResponse) behind uvicorn sends.
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

Expected = list[tuple[str, str, str]]


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n" % len(payload) + payload + b"\r\n"


def build_response(n_events: int, gzip: bool) -> tuple[bytes, bytes, bytes, Expected]:
    """A chunked response carrying the chat stream, one HTTP chunk per event.

    Returns the response bytes, the plain body, the body as sent (compressed
    when *gzip*) and the expected ``(event, data, id)`` of every event.
    """
    stream, datas, ends = build_chat_stream(n_events)
    starts = [0, *ends[:-1]]
    events = [stream[a:b] for a, b in zip(starts, ends, strict=True)]
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    sent: list[bytes] = []
    for event in events:
        if gzip:  # what GZipMiddleware-like streaming does: a sync flush per event
            piece = compressor.compress(event) + compressor.flush(zlib.Z_SYNC_FLUSH)
        else:
            piece = event
        sent.append(piece)
    if gzip:
        sent.append(compressor.flush(zlib.Z_FINISH))  # the gzip trailer
    head = _HEAD.format(
        extra="content-encoding: gzip\r\nvary: Accept-Encoding\r\n" if gzip else ""
    ).encode("latin-1")
    response = head + b"".join(_chunk(p) for p in sent) + b"0\r\n\r\n"
    expected = [("message", d, "") for d in datas]
    return response, stream, b"".join(sent), expected


def h11_pieces(reads: Sequence[bytes], gzip: bool) -> list[bytes]:
    """What sseparse's decoder is fed: h11's ``Data`` (inflated when *gzip*)."""
    import h11

    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
    conn.send(h11.EndOfMessage())
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
    pieces: list[bytes] = []
    for read in reads:
        conn.receive_data(read)
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                break
            if isinstance(event, h11.EndOfMessage):
                return pieces
            if isinstance(event, h11.Data):
                data = bytes(event.data)
                if inflate is not None:
                    data = inflate.decompress(data)
                if data:
                    pieces.append(data)
    raise AssertionError("h11 did not see the end of the body")


@dataclass
class Workload:
    key: str
    title: str
    n_events: int
    gzip: bool
    read_size: int
    repeat: int
    reads: list[bytes]  # the response, as network reads
    body_reads: list[bytes]  # the plain body, same read size
    pieces: list[bytes] | None  # what h11 (+ zlib) hands sseparse's decoder
    expected: Expected
    body_bytes: int  # plain body
    sent_body_bytes: int  # body as sent (compressed in (b)), de-chunked

    @property
    def nbytes(self) -> int:
        return sum(len(r) for r in self.reads)

    def source(self, name: str) -> list[bytes] | None:
        return {"reads": self.reads, "body": self.body_reads, "pieces": self.pieces}[
            name
        ]


def make_workload(
    key: str,
    title: str,
    n_events: int,
    *,
    gzip: bool,
    read_size: int,
    repeat: int,
    with_pieces: bool,
) -> Workload:
    response, body, sent, expected = build_response(n_events, gzip)
    reads = split(response, read_size)
    return Workload(
        key=key,
        title=title,
        n_events=n_events,
        gzip=gzip,
        read_size=read_size,
        repeat=repeat,
        reads=reads,
        body_reads=split(body, read_size),
        pieces=h11_pieces(reads, gzip) if with_pieces else None,
        expected=expected,
        body_bytes=len(body),
        sent_body_bytes=len(sent),
    )


@dataclass
class Config:
    n_events: int  # (a), (b)
    byte_events: int  # (c)
    repeat_ab: int
    repeat_c: int


FULL = Config(n_events=20_000, byte_events=2_000, repeat_ab=7, repeat_c=3)
QUICK = Config(n_events=2_000, byte_events=160, repeat_ab=1, repeat_c=1)


def build_workloads(cfg: Config, keys: str) -> tuple[list[Workload], Workload | None]:
    out: list[Workload] = []
    n = cfg.n_events
    if "a" in keys:
        out.append(
            make_workload(
                "a",
                f"chat stream, {n:,} events + [DONE], chunked (one chunk per event),"
                " 4 KiB reads",
                n,
                gzip=False,
                read_size=READ_SIZE,
                repeat=cfg.repeat_ab,
                with_pieces=True,
            )
        )
    if "b" in keys:
        out.append(
            make_workload(
                "b",
                "(a) gzip-compressed, Z_SYNC_FLUSH per event, chunked (one chunk per"
                " flush), 4 KiB reads",
                n,
                gzip=True,
                read_size=READ_SIZE,
                repeat=cfg.repeat_ab,
                with_pieces=True,
            )
        )
    small = None
    if "c" in keys:
        m = cfg.byte_events
        out.append(
            make_workload(
                "c",
                f"chat stream, {m:,} events + [DONE], chunked, 1-byte reads",
                m,
                gzip=False,
                read_size=1,
                repeat=cfg.repeat_c,
                with_pieces=False,
            )
        )
        small = make_workload(
            "c/16",
            f"chat stream, {m // 16:,} events + [DONE], chunked, 1-byte reads",
            m // 16,
            gzip=False,
            read_size=1,
            repeat=cfg.repeat_c,
            with_pieces=False,
        )
    return out, small


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #

RunFn = Callable[[Workload, list[bytes]], Any]


@dataclass(frozen=True)
class Impl:
    """One way from bytes to events (or, for a floor, to body bytes)."""

    name: str
    version: str
    source: str  # "reads" (the response), "body" or "pieces" (see Workload)
    kind: str  # "events": returns events; "bytes": returns the body size
    run: RunFn
    note: str
    floor: bool = False
    workloads: str = "abc"  # where it runs


@dataclass(frozen=True)
class Unavailable:
    name: str
    reason: str


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def make_sseparse() -> Impl:
    from sseparse.transport import EventStreamConnection, Request

    request = Request.get(URL)

    def run(work: Workload, reads: list[bytes]) -> list[Any]:
        conn: Any = EventStreamConnection(request)
        conn.request_bytes()
        feed = conn.feed
        items: list[Any] = []
        extend = items.extend
        for read in reads:
            extend(feed(read))
        extend(conn.close())
        return items

    return Impl(
        "sseparse",
        version_of("sseparse"),
        "reads",
        "events",
        run,
        "`conn = EventStreamConnection(Request.get(url))`; `conn.feed(read)` for"
        " every read; `conn.close()`",
    )


def _decoder_run(work: Workload, chunks: list[bytes]) -> list[Any]:
    from sseparse import SSEDecoder

    dec: Any = SSEDecoder()
    feed = dec.feed
    events: list[Any] = []
    extend = events.extend
    for chunk in chunks:
        out = feed(chunk)
        if out:
            extend(out)
    extend(dec.close())
    return events


def make_decoder_body() -> Impl:
    return Impl(
        "SSEDecoder, body",
        version_of("sseparse"),
        "body",
        "events",
        _decoder_run,
        "floor: `sseparse.SSEDecoder` fed the plain body (de-chunked, decompressed)"
        " cut in the same read size",
        floor=True,
    )


def make_decoder_pieces() -> Impl:
    return Impl(
        "SSEDecoder, h11 pieces",
        version_of("sseparse"),
        "pieces",
        "events",
        _decoder_run,
        "floor: the same decoder fed exactly the pieces h11 (and zlib) hand it inside"
        " sseparse: one per HTTP chunk, cut where a read ends",
        floor=True,
        workloads="ab",
    )


def _h11_run(inflate: bool) -> RunFn:
    import h11

    def run(work: Workload, reads: list[bytes]) -> int:
        conn = h11.Connection(h11.CLIENT)
        conn.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
        conn.send(h11.EndOfMessage())
        receive = conn.receive_data
        next_event = conn.next_event
        need_data = h11.NEED_DATA
        data_cls = h11.Data
        end_cls = h11.EndOfMessage
        decompress = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress
        size = 0
        ended = False
        for read in reads:
            receive(read)
            while True:
                event = next_event()
                if event is need_data:
                    break
                if type(event) is data_cls:
                    if inflate:
                        size += len(decompress(event.data))
                    else:
                        size += len(event.data)
                elif type(event) is end_cls:
                    ended = True
                    break
        check(ended, "h11 did not see the end of the body")
        return size

    return run


def make_h11() -> Impl:
    return Impl(
        "h11 alone",
        version_of("h11"),
        "reads",
        "bytes",
        _h11_run(inflate=False),
        "floor: `h11.Connection(CLIENT)`: `receive_data(read)`, `next_event()` until"
        " `NEED_DATA`; `Data` discarded (counted)",
        floor=True,
    )


def make_h11_zlib() -> Impl:
    return Impl(
        "h11 + zlib",
        version_of("h11"),
        "reads",
        "bytes",
        _h11_run(inflate=True),
        "floor, (b) only: h11 alone plus `zlib.decompressobj(31).decompress(data)`"
        " of every `Data`",
        floor=True,
        workloads="b",
    )


def make_httpx_sse() -> Impl:
    import httpcore
    import httpx
    from httpx_sse import connect_sse

    class ReadsStream(httpcore.NetworkStream):
        """httpcore's MockStream, but O(1) per read (it pops a list's head)."""

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

        def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return self

        def get_extra_info(self, info: str) -> Any:
            return None

    class ReadsBackend(httpcore.MockBackend):
        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return ReadsStream(self._buffer)

    transport = httpx.HTTPTransport()  # its SSL context is built once, here
    client = httpx.Client(transport=transport)

    def run(work: Workload, reads: list[bytes]) -> list[Any]:
        transport._pool = httpcore.ConnectionPool(network_backend=ReadsBackend(reads))
        with connect_sse(client, "GET", URL) as source:
            return list(source.iter_sse())

    versions = ", ".join(f"{d} {version_of(d)}" for d in ("httpx", "httpcore", "h11"))
    return Impl(
        "httpx + httpx-sse",
        version_of("httpx-sse"),
        "reads",
        "events",
        run,
        f"`with httpx_sse.connect_sse(client, 'GET', url) as s: list(s.iter_sse())`"
        f" ({versions}); the `HTTPTransport`'s `ConnectionPool` gets a network"
        " backend that returns the reads (a new pool per run)",
    )


def make_http_client() -> Impl:
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

        def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader:
            return io.BufferedReader(RawReads(self._reads))  # as socket.makefile

    def run(work: Workload, reads: list[bytes]) -> list[Any]:
        response = http.client.HTTPResponse(FakeSocket(reads), method="GET")  # type: ignore[arg-type]
        response.begin()
        check(response.status == 200, f"http.client: status {response.status}")
        gzip = response.getheader("content-encoding") == "gzip"
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress
        dec: Any = SSEDecoder()
        feed = dec.feed
        read1 = response.read1
        events: list[Any] = []
        extend = events.extend
        while True:
            data = read1(65536)
            if not data:
                break
            if gzip:
                data = inflate(data)
            extend(feed(data))
        extend(dec.close())
        return events

    return Impl(
        "http.client + SSEDecoder",
        f"Python {platform.python_version()}",
        "reads",
        "events",
        run,
        "the standard library's HTTP/1.1 parser with sseparse's decoder (not a"
        " client product): `HTTPResponse(fake_socket)`, `begin()`, `read1(65536)`"
        " until `b''` (a `BufferedReader` over the reads, as `socket.makefile`),"
        " each piece through `zlib` in (b) and into `sseparse.SSEDecoder`",
    )


# the --only key, the factory
FACTORIES: tuple[tuple[str, Callable[[], Impl]], ...] = (
    ("sseparse", make_sseparse),
    ("decoder", make_decoder_body),
    ("decoder-pieces", make_decoder_pieces),
    ("h11", make_h11),
    ("h11-zlib", make_h11_zlib),
    ("httpx-sse", make_httpx_sse),
    ("http.client", make_http_client),
)


def load_all(only: list[str] | None) -> tuple[list[Impl], list[Unavailable]]:
    names = [name for name, _ in FACTORIES]
    if only:
        unknown = set(only) - set(names)
        if unknown:
            raise SystemExit(f"unknown implementation(s): {', '.join(sorted(unknown))}")
    impls: list[Impl] = []
    missing: list[Unavailable] = []
    for name, factory in FACTORIES:
        if only and name not in only:
            continue
        try:
            impls.append(factory())
        except (ImportError, AttributeError) as exc:  # skip, with a note
            missing.append(Unavailable(name, f"{type(exc).__name__}: {exc}"))
    return impls, missing


# --------------------------------------------------------------------------- #
# measurement
# --------------------------------------------------------------------------- #


@dataclass
class Result:
    workload: str
    implementation: str
    version: str
    floor: bool
    events: int
    nbytes: int  # response bytes on the wire (the same for every row)
    best_s: float  # best wall-clock time (time.perf_counter)
    best_cpu_s: float  # best CPU time of this process (time.process_time)
    runs_cpu_s: list[float] = field(default_factory=list)
    ratio: float | None = None  # this CPU time / sseparse's (>1: sseparse faster)

    @property
    def events_per_s(self) -> float:
        return self.events / self.best_cpu_s

    @property
    def mb_per_s(self) -> float:
        return self.nbytes / self.best_cpu_s / 1e6


def run_once(impl: Impl, work: Workload, use_gc: bool) -> tuple[float, float, Any]:
    """Time one full run; returns (wall seconds, CPU seconds, output)."""
    chunks = work.source(impl.source)
    assert chunks is not None
    gc.collect()
    gc_was_enabled = gc.isenabled()
    if not use_gc:
        gc.disable()
    try:
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = impl.run(work, chunks)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed, cpu, out


def verify(impl: Impl, work: Workload, out: Any) -> int:
    """Check one output; returns the number of events it stands for."""
    where = f"{impl.name} on ({work.key})"
    if impl.kind == "bytes":
        want = work.body_bytes if impl.name == "h11 + zlib" else work.sent_body_bytes
        check(out == want, f"{where}: {out} body bytes, expected {want}")
        return len(work.expected)
    if impl.name == "sseparse":
        from sseparse.transport import ResponseStarted, StreamEnded

        check(
            isinstance(out[0], ResponseStarted) and out[0].status == 200,
            f"{where}: first item {out[0]!r}",
        )
        check(
            isinstance(out[-1], StreamEnded) and not out[-1].truncated,
            f"{where}: last item {out[-1]!r}",
        )
        out = out[1:-1]
    got = [(e.event, e.data, e.id) for e in out]
    check(
        len(got) == len(work.expected),
        f"{where}: {len(got)} events, expected {len(work.expected)}",
    )
    check(got == work.expected, f"{where}: (event, data, id) differ")
    return len(got)


def applies(impl: Impl, work: Workload) -> bool:
    return work.key[0] in impl.workloads and work.source(impl.source) is not None


def measure(impls: Sequence[Impl], work: Workload, use_gc: bool) -> list[Result]:
    """Best of ``work.repeat`` runs of every implementation, round-robin.

    The first round also checks every output.
    """
    todo = [impl for impl in impls if applies(impl, work)]
    walls: dict[str, list[float]] = {impl.name: [] for impl in todo}
    cpus: dict[str, list[float]] = {impl.name: [] for impl in todo}
    counts: dict[str, int] = {}
    for i in range(work.repeat):
        for impl in todo:
            wall, cpu, out = run_once(impl, work, use_gc)
            walls[impl.name].append(wall)
            cpus[impl.name].append(cpu)
            if i == 0:
                counts[impl.name] = verify(impl, work, out)
            del out
    results = [
        Result(
            workload=work.key,
            implementation=impl.name,
            version=impl.version,
            floor=impl.floor,
            events=counts[impl.name],
            nbytes=work.nbytes,
            best_s=min(walls[impl.name]),
            best_cpu_s=min(cpus[impl.name]),
            runs_cpu_s=cpus[impl.name],
        )
        for impl in todo
    ]
    base = next((r for r in results if r.implementation == "sseparse"), None)
    if base is not None:
        for r in results:
            r.ratio = r.best_cpu_s / base.best_cpu_s
    return results


def linear_check(
    impl: Impl, small: Workload, large: Workload, rounds: int, use_gc: bool
) -> dict[str, Any]:
    """1-byte reads of N vs 16*N events, interleaved so that noise hits both."""
    small_cpu: list[float] = []
    large_cpu: list[float] = []
    small_wall: list[float] = []
    large_wall: list[float] = []
    for i in range(rounds):
        wall, cpu, out = run_once(impl, small, use_gc)
        if i == 0:
            verify(impl, small, out)
        del out
        small_cpu.append(cpu)
        small_wall.append(wall)
        wall, cpu, out = run_once(impl, large, use_gc)
        del out
        large_cpu.append(cpu)
        large_wall.append(wall)
    return {
        "implementation": impl.name,
        "small_bytes": small.nbytes,
        "large_bytes": large.nbytes,
        "small_cpu_s": min(small_cpu),
        "large_cpu_s": min(large_cpu),
        "cpu_time_ratio": min(large_cpu) / min(small_cpu),
        "time_ratio": min(large_wall) / min(small_wall),
        "bytes_ratio": large.nbytes / small.nbytes,
    }


def http_layer(results: list[Result], work: Workload) -> dict[str, Any] | None:
    """What sseparse's HTTP layer adds over the bare decoder, per event."""
    rows = {r.implementation: r for r in results if r.workload == work.key}
    mine = rows.get("sseparse")
    body = rows.get("SSEDecoder, body")
    if mine is None or body is None:
        return None
    n = len(work.expected)
    extra = mine.best_cpu_s - body.best_cpu_s
    out: dict[str, Any] = {
        "workload": work.key,
        "sseparse_s": mine.best_cpu_s,
        "decoder_body_s": body.best_cpu_s,
        "http_layer_s": extra,
        "http_layer_share": extra / mine.best_cpu_s,
        "http_layer_us_per_event": extra / n * 1e6,
        "sseparse_us_per_event": mine.best_cpu_s / n * 1e6,
    }
    for name, key in (
        ("SSEDecoder, h11 pieces", "decoder_pieces_s"),
        ("h11 alone", "h11_s"),
        ("h11 + zlib", "h11_zlib_s"),
    ):
        if name in rows:
            out[key] = rows[name].best_cpu_s
    # The glue: sseparse minus (h11 [+ zlib]) minus the decoder on h11's pieces.
    floor_http = out.get("h11_zlib_s", out.get("h11_s"))
    if floor_http is not None and "decoder_pieces_s" in out:
        glue = mine.best_cpu_s - floor_http - out["decoder_pieces_s"]
        out["glue_s"] = glue
        out["glue_us_per_event"] = glue / n * 1e6
    return out


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def profile_sseparse(impl: Impl, work: Workload, top: int = 12) -> str:
    """cProfile of sseparse on *work*: the *top* functions by tottime."""
    chunks = work.source(impl.source)
    assert chunks is not None
    profiler = cProfile.Profile()
    profiler.enable()
    impl.run(work, chunks)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(
        top
    )
    return out.getvalue()


# --------------------------------------------------------------------------- #
# reporting
# --------------------------------------------------------------------------- #


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def markdown_table(results: list[Result], workloads: list[Workload]) -> str:
    lines = [
        (
            "| workload | implementation | version | events | CPU (ms) | wall (ms) "
            "| events/s | MB/s | time / sseparse's |"
        ),
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}x"
        name = f"*{r.implementation}* (floor)" if r.floor else r.implementation
        lines.append(
            f"| ({r.workload}) | {name} | {r.version} | {r.events:,} "
            f"| {fmt_ms(r.best_cpu_s)} | {fmt_ms(r.best_s)} "
            f"| {fmt_rate(r.events_per_s)} | {r.mb_per_s:.2f} | {ratio} |"
        )
    lines.append("")
    lines.extend(
        f"- ({w.key}) {w.title}: {w.nbytes:,} B response in {len(w.reads):,}"
        f" reads; body {w.body_bytes:,} B"
        + (f" ({w.sent_body_bytes:,} B gzip)" if w.gzip else "")
        for w in workloads
    )
    return "\n".join(lines)


def layer_table(layers: list[dict[str, Any]]) -> str:
    lines = [
        (
            "| workload | sseparse µs/event | SSEDecoder alone µs/event "
            "| HTTP layer µs/event | HTTP layer share | h11 (+zlib) alone µs/event "
            "| SSEDecoder on h11 pieces µs/event | glue µs/event |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in layers:
        n = row["sseparse_s"] / row["sseparse_us_per_event"] * 1e6  # events

        def per(key: str, row: dict[str, Any] = row, n: float = n) -> str:
            value = row.get(key)
            return "—" if value is None else f"{value / n * 1e6:.2f}"

        h11_key = "h11_zlib_s" if "h11_zlib_s" in row else "h11_s"
        lines.append(
            f"| ({row['workload']}) | {row['sseparse_us_per_event']:.2f}"
            f" | {per('decoder_body_s')} | {row['http_layer_us_per_event']:.2f}"
            f" | {row['http_layer_share'] * 100:.0f} %"
            f" | {per(h11_key)} | {per('decoder_pieces_s')} | {per('glue_s')} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--repeat", type=int, help="best-of-N for (a) and (b) [7]")
    p.add_argument("--repeat-c", type=int, help="best-of-N for (c) [3]")
    p.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this implementation (repeatable): "
        + ", ".join(key for key, _ in FACTORIES),
    )
    p.add_argument(
        "--workloads", default="abc", help="which workloads to run, e.g. 'ab' [abc]"
    )
    p.add_argument(
        "--gc", action="store_true", help="keep the garbage collector enabled"
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of sseparse on every workload",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    cfg = QUICK if args.quick else FULL
    if args.repeat is not None:
        cfg = dataclasses.replace(cfg, repeat_ab=args.repeat)
    if args.repeat_c is not None:
        cfg = dataclasses.replace(cfg, repeat_c=args.repeat_c)
    if cfg.repeat_ab < 1 or cfg.repeat_c < 1:
        raise SystemExit("--repeat and --repeat-c must be at least 1")
    info = machine_info()
    impls, missing = load_all(args.only)
    for m in missing:
        progress(f"note: skipping {m.name} (cannot import: {m.reason})")
    if not impls:
        raise SystemExit("no implementation available")

    progress("building workloads ...")
    workloads, small = build_workloads(cfg, args.workloads)
    results: list[Result] = []
    for work in workloads:
        progress(
            f"({work.key}) {work.title}: {work.nbytes:,} B in {len(work.reads):,}"
            f" reads, best of {work.repeat}"
        )
        for result in measure(impls, work, args.gc):
            results.append(result)
            progress(
                f"    {result.implementation:<26} CPU {fmt_ms(result.best_cpu_s):>9} ms"
                f"  (wall {fmt_ms(result.best_s)} ms)"
            )

    linear: list[dict[str, Any]] = []
    large = next((w for w in workloads if w.key == "c"), None)
    if large is not None and small is not None:
        progress(
            f"linear-growth check: 1-byte reads of {small.nbytes:,} B vs"
            f" {large.nbytes:,} B ((c)), interleaved"
        )
        for impl in impls:
            if not applies(impl, large):
                continue
            row = linear_check(impl, small, large, max(cfg.repeat_c, 3), args.gc)
            linear.append(row)
            progress(
                f"    {impl.name:<26} {fmt_ms(row['small_cpu_s']):>9} ms"
                f" {fmt_ms(row['large_cpu_s']):>9} ms"
                f"  CPU ratio {row['cpu_time_ratio']:.2f}"
            )

    profiles: dict[str, str] = {}
    if args.profile:
        mine = next((i for i in impls if i.name == "sseparse"), None)
        if mine is not None:
            for work in workloads:
                profiles[work.key] = profile_sseparse(mine, work)

    layers = [x for w in workloads if (x := http_layer(results, w)) is not None]
    info["load_average_end"] = load_average()
    info["wall_seconds"] = round(time.perf_counter() - started, 1)

    print(
        f"## sseparse transport benchmark — {info['date']}, {info['python']}, "
        f"{info['platform']}, {info['nproc']} CPU(s), {info['cpu']}"
    )
    print()
    mode = "quick" if args.quick else "full"
    gc_note = "GC on" if args.gc else "GC off during runs"
    print(
        f"Mode: {mode}; best of {cfg.repeat_ab} for (a)/(b), {cfg.repeat_c} for (c);"
        f" {gc_note}; load average {info['load_average_start']} (start),"
        f" {info['load_average_end']} (end); run took {info['wall_seconds']} s."
        " Rates and ratios from the CPU time (process_time); MB/s = response bytes"
        " on the wire / CPU time; time / sseparse's > 1: sseparse faster."
    )
    print()
    print(markdown_table(results, workloads))
    for m in missing:
        print(f"- not measured: {m.name} ({m.reason})")
    print()
    print("Implementations:")
    print()
    for impl in impls:
        print(f"- {impl.name}: {impl.note}")
    if layers:
        print()
        print(
            "sseparse's HTTP layer (CPU time per event; HTTP layer = sseparse -"
            " SSEDecoder alone on the body; glue = sseparse - h11 (+zlib) alone -"
            " SSEDecoder on h11's pieces):"
        )
        print()
        print(layer_table(layers))
    if linear:
        print()
        print("Linear-growth check, 1-byte reads (time ratio should be ~ bytes ratio):")
        print()
        print(
            "| implementation | CPU t(N) ms | CPU t(16N) ms | bytes ratio "
            "| CPU-time ratio | wall-time ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for row in linear:
            print(
                f"| {row['implementation']} | {fmt_ms(row['small_cpu_s'])}"
                f" | {fmt_ms(row['large_cpu_s'])} | {row['bytes_ratio']:.2f}"
                f" | {row['cpu_time_ratio']:.2f} | {row['time_ratio']:.2f} |"
            )
    for key, text in profiles.items():
        print()
        print(f"cProfile of sseparse on ({key}):")
        print()
        print("```")
        print(text.strip())
        print("```")

    if args.json:
        payload = {
            "machine": info,
            "mode": mode,
            "gc_disabled": not args.gc,
            "config": asdict(cfg),
            "workloads": {
                w.key: {
                    "title": w.title,
                    "bytes": w.nbytes,
                    "reads": len(w.reads),
                    "body_bytes": w.body_bytes,
                    "sent_body_bytes": w.sent_body_bytes,
                    "events": len(w.expected),
                }
                for w in workloads
            },
            "implementations": {i.name: i.note for i in impls},
            "results": [
                {
                    **asdict(r),
                    "events_per_s": r.events_per_s,
                    "mb_per_s": r.mb_per_s,
                }
                for r in results
            ],
            "http_layer": layers,
            "linear": linear,
            "not_measured": [asdict(m) for m in missing],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
