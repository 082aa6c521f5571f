"""Thin I/O loops over the sans-IO machines: a blocking socket, asyncio streams.

These are the only places sseparse opens a connection or sleeps.  Each loop
asks a :class:`Reconnector` for a connection, sends its request, feeds every
read to it, and on the end of the connection follows the reconnector's
decision: with ``reconnect=False`` the first end is final (and an error is
raised as it came); with ``reconnect=True`` the loop sleeps ``delay`` and goes
on, until the reconnector gives up (raising the error that decided it, if any).

HTTP/1.1 only, one request per connection (``Connection: close`` is not sent;
the loop closes the socket when the stream ends).  For proxies, HTTP/2 or
connection pools, use a client library and feed its bytes to ``SSEDecoder``
(see ``examples/``).
"""

from __future__ import annotations

import asyncio
import random as _random
import socket
import ssl
import time
from typing import TYPE_CHECKING, Any, Literal, overload

from sseparse.errors import ProtocolError
from sseparse.sse import Comment, ServerSentEvent
from sseparse.transport._connection import ConnectionState
from sseparse.transport._reconnect import GiveUp, Reconnector
from sseparse.transport._request import Request

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Collection, Iterator

    from sseparse.limits import Limits

__all__ = ["afetch_events", "fetch_events"]

_READ = 65536


def _reconnector(
    request: Request | str,
    reconnect: bool,
    options: dict[str, Any],
) -> Reconnector[Any]:
    req = Request.get(request) if isinstance(request, str) else request
    if not reconnect:
        options = {**options, "max_attempts": None}  # the first end is final
    machine: Reconnector[Any] = Reconnector(req, **options)
    return machine


def _events(items: list[Any]) -> list[ServerSentEvent | Comment]:
    return [i for i in items if isinstance(i, (ServerSentEvent, Comment))]


def _tls(request: Request, context: ssl.SSLContext | None) -> ssl.SSLContext | None:
    if request.scheme != "https":
        return None
    return context if context is not None else ssl.create_default_context()


@overload
def fetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: Literal[False] = False,
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> Iterator[ServerSentEvent]: ...


@overload
def fetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: Literal[True],
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> Iterator[ServerSentEvent | Comment]: ...


def fetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: bool = False,
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> Iterator[ServerSentEvent | Comment]:
    """Open an event stream over a blocking socket and yield its events.

    Args:
        request: a :class:`Request`, or a URL to ``GET``.
        reconnect: reconnect per the EventSource model (sleeping with
            ``time.sleep``) until the server ends the stream for good.
        timeout: seconds a connect or a read may take (``None``: forever); a
            timed-out read counts as a lost connection.
        ssl_context: for ``https`` URLs (default: ``ssl.create_default_context()``).
        last_event_id: resume from this ID.
        limits: bounds for the connection and decoder.
        comments: also yield :class:`~sseparse.Comment` items.
        delay, max_delay, backoff, jitter, random, max_attempts,
            reconnect_statuses: the :class:`Reconnector` policy.
        read_size: bytes asked for per ``recv``.

    Raises:
        BadStatus, BadContentType, BadContentEncoding: the server did not send
            an event stream.
        TruncatedBody, MalformedResponse, OSError: the connection broke (only
            without ``reconnect``, or when ``max_attempts`` ran out).
        LimitExceeded: the stream passed a bound.
    """
    machine = _reconnector(
        request,
        reconnect,
        {
            "last_event_id": last_event_id,
            "limits": limits,
            "comments": comments,
            "delay": delay,
            "max_delay": max_delay,
            "backoff": backoff,
            "jitter": jitter,
            "random": random,
            "max_attempts": max_attempts,
            "reconnect_statuses": reconnect_statuses,
        },
    )
    return _fetch(machine, reconnect, timeout, ssl_context, read_size)


def _fetch(
    machine: Reconnector[Any],
    reconnect: bool,
    timeout: float | None,
    context: ssl.SSLContext | None,
    read_size: int,
) -> Iterator[ServerSentEvent | Comment]:
    request = machine.request
    try:
        while True:
            conn = machine.connect()
            error: BaseException | None = None
            try:
                with _open_socket(request, timeout, context) as sock:
                    sock.sendall(conn.request_bytes())
                    while True:
                        data = sock.recv(read_size)
                        items = machine.feed(data) if data else machine.close()
                        yield from _events(items)
                        if not data or conn.state is ConnectionState.ENDED:
                            break
            except (OSError, ProtocolError) as exc:
                error = exc
            carried, wait = _lost(machine, error, reconnect)
            yield from carried
            if wait is None:
                _finish(error)
                return
            time.sleep(wait)
    finally:
        machine.cancel()


def _open_socket(
    request: Request, timeout: float | None, context: ssl.SSLContext | None
) -> socket.socket:
    sock = socket.create_connection((request.host, request.port), timeout=timeout)
    tls = _tls(request, context)
    if tls is None:
        return sock
    try:
        return tls.wrap_socket(sock, server_hostname=request.host)
    except BaseException:
        sock.close()
        raise


def _lost(
    machine: Reconnector[Any], error: BaseException | None, reconnect: bool
) -> tuple[list[ServerSentEvent | Comment], float | None]:
    """A connection ended: the events its error carries, and the seconds to wait
    before the next attempt (``None``: the loop ends)."""
    carried = _events(list(error.items)) if isinstance(error, ProtocolError) else []
    decision = machine.connection_lost(error)
    if isinstance(decision, GiveUp) or not reconnect:
        return carried, None
    return carried, decision.delay


def _finish(error: BaseException | None) -> None:
    """End the loop: raise the error that ended the stream, if there was one."""
    if error is not None:
        raise error


@overload
def afetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: Literal[False] = False,
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> AsyncIterator[ServerSentEvent]: ...


@overload
def afetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: Literal[True],
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> AsyncIterator[ServerSentEvent | Comment]: ...


async def afetch_events(
    request: Request | str,
    *,
    reconnect: bool = False,
    timeout: float | None = 30.0,
    ssl_context: ssl.SSLContext | None = None,
    last_event_id: str = "",
    limits: Limits | None = None,
    comments: bool = False,
    delay: float = 3.0,
    max_delay: float = 60.0,
    backoff: float = 2.0,
    jitter: float = 0.1,
    random: Callable[[], float] = _random.random,
    max_attempts: int | None = None,
    reconnect_statuses: Collection[int] = (),
    read_size: int = _READ,
) -> AsyncIterator[ServerSentEvent | Comment]:
    """Open an event stream over asyncio streams and yield its events.

    The asyncio twin of :func:`fetch_events` (same arguments and errors); it
    sleeps with ``asyncio.sleep`` between attempts.
    """
    machine = _reconnector(
        request,
        reconnect,
        {
            "last_event_id": last_event_id,
            "limits": limits,
            "comments": comments,
            "delay": delay,
            "max_delay": max_delay,
            "backoff": backoff,
            "jitter": jitter,
            "random": random,
            "max_attempts": max_attempts,
            "reconnect_statuses": reconnect_statuses,
        },
    )
    request = machine.request
    try:
        while True:
            conn = machine.connect()
            error: BaseException | None = None
            writer: asyncio.StreamWriter | None = None
            try:
                reader, opened = await asyncio.wait_for(
                    _aopen(request, ssl_context), timeout
                )
                writer = opened
                opened.write(conn.request_bytes())
                await opened.drain()
                while True:
                    data = await asyncio.wait_for(reader.read(read_size), timeout)
                    items = machine.feed(data) if data else machine.close()
                    for item in _events(items):
                        yield item
                    if not data or conn.state is ConnectionState.ENDED:
                        break
            except (OSError, ProtocolError, asyncio.TimeoutError) as exc:
                # asyncio.TimeoutError is not an OSError before Python 3.11.
                error = exc
            finally:
                if writer is not None:
                    writer.close()
            carried, wait = _lost(machine, error, reconnect)
            for item in carried:
                yield item
            if wait is None:
                _finish(error)
                return
            await asyncio.sleep(wait)
    finally:
        machine.cancel()


async def _aopen(
    request: Request, context: ssl.SSLContext | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    tls = _tls(request, context)
    return await asyncio.open_connection(
        request.host,
        request.port,
        ssl=tls,
        server_hostname=request.host if tls is not None else None,
    )
