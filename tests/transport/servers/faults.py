"""A raw asyncio server that sends the broken responses no framework will.

``FaultServer`` listens on 127.0.0.1 (an OS-chosen port) with its own event loop in
a background thread.  It reads each request head (and a ``Content-Length`` body),
records the exact request bytes, and answers by path with a scripted fault:

    /cut-chunk-size     a chunked event, then half a chunk-size line, then close.
    /reset              an event and half of the next, then RST (SO_LINGER 0).
    /garbage-chunk      a valid head, then ``zz`` as a chunk-size line.
    /garbage-status     a head whose status line is not HTTP.
    /partial-head       half a response head, then close.
    /headers-only       a head promising 1000 bytes, then close.
    /headers-only-chunked  a chunked head, then close.
    /short-body         a head promising 1000 bytes, one event, then close.
    /close-delimited    no framing: events until the server closes.
    /close-delimited-cut  the same, its last event without its blank line.
    /bad-gzip           ``Content-Encoding: gzip`` over bytes that are not gzip.
    /cut-gzip           a close-delimited gzip stream cut before its end.

Responses that a client must reject while the connection is open wait for the
client to close first (so the client detects them in ``feed``, not ``close``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sseparse import ServerSentEvent
from tests.transport.servers.streams import encoded_events

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "CLOSE_DELIMITED_EVENTS",
    "CUT_EVENT",
    "FAULT_EVENT",
    "SHORT_BODY_LENGTH",
    "FaultServer",
]

FAULT_EVENT = ServerSentEvent(event="first", data="whole", id="1")
"""The complete event the faulty streams send before they break."""

CUT_EVENT = ServerSentEvent(data="never finished", id="2")
"""The event they break inside of."""

CLOSE_DELIMITED_EVENTS = [FAULT_EVENT, ServerSentEvent(data="second", id="2")]
"""What ``/close-delimited`` sends before closing."""

SHORT_BODY_LENGTH = 1000
"""The ``Content-Length`` that ``/headers-only`` and ``/short-body`` promise."""

WAIT_FOR_CLIENT = 30.0
"""Seconds a script waits for the client to close before closing itself."""

_SSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
_CHUNKED = b"Transfer-Encoding: chunked\r\n"

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _first() -> bytes:
    return encoded_events([FAULT_EVENT])[0]


def _half_of_cut() -> bytes:
    block = encoded_events([CUT_EVENT])[0]
    return block[: len(block) // 2]


async def _wait_for_close(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
        await asyncio.wait_for(reader.read(), WAIT_FOR_CLIENT)


async def _send(writer: asyncio.StreamWriter, *parts: bytes) -> None:
    writer.write(b"".join(parts))
    await writer.drain()


async def cut_chunk_size(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """One whole chunk, then ``1`` of a ``1a`` chunk-size line, then close."""
    await _send(w, _SSE_HEAD, _CHUNKED, b"\r\n", _chunk(_first()), b"1")


async def reset(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """One event and half of the next, then a TCP reset instead of a close."""
    await _send(w, _SSE_HEAD, _CHUNKED, b"\r\n", _chunk(_first() + _half_of_cut()))
    # Give the client a moment to read what was sent; the tests do not rely on it.
    await asyncio.sleep(0.05)
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()


async def garbage_chunk(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """A good head, then a chunk-size line ``zz``: not HTTP framing."""
    await _send(w, _SSE_HEAD, _CHUNKED, b"\r\n", b"zz\r\n", _first(), b"\r\n")
    await _wait_for_close(reader)


async def garbage_status(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """A complete head whose status line is not an HTTP one."""
    await _send(w, b"SSH-2.0-OpenSSH_9.6\r\nContent-Type: text/event-stream\r\n\r\n")
    await _wait_for_close(reader)


async def partial_head(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """Half a response head, then close."""
    await _send(w, _SSE_HEAD[:20])


async def headers_only(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """A head promising ``SHORT_BODY_LENGTH`` bytes, then close."""
    await _send(w, _SSE_HEAD, b"Content-Length: %d\r\n\r\n" % SHORT_BODY_LENGTH)


async def headers_only_chunked(
    reader: asyncio.StreamReader, w: asyncio.StreamWriter
) -> None:
    """A chunked head and no chunk at all, then close."""
    await _send(w, _SSE_HEAD, _CHUNKED, b"\r\n")


async def short_body(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """A head promising ``SHORT_BODY_LENGTH`` bytes, one event, then close."""
    await _send(
        w, _SSE_HEAD, b"Content-Length: %d\r\n\r\n" % SHORT_BODY_LENGTH, _first()
    )


async def close_delimited(
    reader: asyncio.StreamReader, w: asyncio.StreamWriter
) -> None:
    """No Content-Length, not chunked: the body is whatever comes before close."""
    await _send(
        w,
        _SSE_HEAD,
        b"Connection: close\r\n\r\n",
        *encoded_events(CLOSE_DELIMITED_EVENTS),
    )


async def close_delimited_cut(
    reader: asyncio.StreamReader, w: asyncio.StreamWriter
) -> None:
    """A close-delimited body whose last event lacks its blank line."""
    last = encoded_events([CUT_EVENT])[0].rstrip(b"\n")
    await _send(w, _SSE_HEAD, b"Connection: close\r\n\r\n", _first(), last)


async def bad_gzip(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """``Content-Encoding: gzip`` over plain, uncompressed event bytes."""
    body = _first() * 4
    await _send(
        w,
        _SSE_HEAD,
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body),
        body,
    )
    await _wait_for_close(reader)


async def cut_gzip(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    """A close-delimited gzip body: one flushed event, then close mid-stream."""
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    body = compressor.compress(_first()) + compressor.flush(zlib.Z_SYNC_FLUSH)
    await _send(
        w,
        _SSE_HEAD,
        b"Content-Encoding: gzip\r\nConnection: close\r\n\r\n",
        body,
    )


SCRIPTS: dict[str, Script] = {
    "/cut-chunk-size": cut_chunk_size,
    "/reset": reset,
    "/garbage-chunk": garbage_chunk,
    "/garbage-status": garbage_status,
    "/partial-head": partial_head,
    "/headers-only": headers_only,
    "/headers-only-chunked": headers_only_chunked,
    "/short-body": short_body,
    "/close-delimited": close_delimited,
    "/close-delimited-cut": close_delimited_cut,
    "/bad-gzip": bad_gzip,
    "/cut-gzip": cut_gzip,
}


class FaultServer:
    """The scripted-fault server; use it as a context manager.

    Attributes:
        requests: the exact bytes of every request received (head and body), in
            order of arrival.
    """

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.port = 0
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-server")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._failure: BaseException | None = None

    def url(self, path: str) -> str:
        """The ``http://`` URL of *path* on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        """Start listening; return once the port is known."""
        self._thread.start()
        if not self._ready.wait(30.0) or self._failure is not None:
            raise RuntimeError(f"fault server did not start: {self._failure!r}")

    def stop(self) -> None:
        """Close the listener and every open connection, and join the thread."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30.0)
        if self._thread.is_alive():
            raise RuntimeError("fault server thread did not stop within 30 s")

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by start(), not lost in the thread
            self._failure = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        handlers: set[asyncio.Task[None]] = set()

        async def handle(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            handlers.add(task)
            try:
                await self._serve(reader, w)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                handlers.discard(task)
                w.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            server.close()
            for task in list(handlers):
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
            await server.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, w: asyncio.StreamWriter
    ) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT_FOR_CLIENT)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await reader.readexactly(length) if length else b""
        with self._lock:
            self.requests.append(head + body)
        path = head.split(b" ", 2)[1].decode("ascii").split("?")[0]
        script = SCRIPTS.get(path)
        if script is None:
            await _send(w, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        await script(reader, w)
