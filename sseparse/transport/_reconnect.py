"""Reconnection per the WHATWG EventSource processing model, as a pure machine.

Theory of operation
-------------------
A :class:`Reconnector` owns the state that outlives one connection: the last
event ID, the reconnection time the server set with ``retry``, and how many
attempts in a row have failed.  It never sleeps or opens anything: the caller
asks it for a connection (:meth:`~Reconnector.connect`), feeds that
connection's bytes through it, and when the connection is gone for any reason
asks what to do (:meth:`~Reconnector.connection_lost`).  The answer is a value:
:class:`Reconnect` (wait ``delay`` seconds, then ``connect()`` again) or
:class:`GiveUp` (the stream is over for good).

States and the calls each allows (anything else raises ``UsageError``)::

    INITIAL ---connect()-----> CONNECTING --2xx stream--> OPEN
    WAITING ---connect()-----> CONNECTING
    CONNECTING, OPEN --feed()/close()--> (same)
    CONNECTING, OPEN --connection_lost()--> WAITING | CLOSED
    any ------cancel()-------> CLOSED (then connection_lost() says GiveUp)

What ends the stream (the specification's "fail the connection", plus our
guards): a status that is not 2xx (unless the caller lists it in
``reconnect_statuses``), 204 No Content, a content type that is not
``text/event-stream``, a content coding that cannot be undone, a limit passed,
the caller's :meth:`~Reconnector.cancel`, or ``max_attempts`` failed attempts in
a row.  Everything else (a clean end, a cut or malformed body, a network error)
reconnects, as browsers do.

The delay is the server's ``retry`` (else ``delay``), doubled (``backoff``) for
each attempt in a row that brought no event, capped at ``max_delay`` (never
below the server's ``retry``), then stretched by up to ``jitter`` of itself so
that clients do not reconnect in lockstep: never earlier than the server asked.
``random`` is injectable, so tests are exact.  Every call is O(1) apart from
the bytes handed to the connection.
"""

from __future__ import annotations

import enum
import random as _random
from typing import TYPE_CHECKING, Generic, TypeVar, overload

import attrs

from sseparse.errors import (
    BadResponse,
    BadStatus,
    LimitExceeded,
    UsageError,
)
from sseparse.sse import Comment, ServerSentEvent
from sseparse.transport._connection import (
    ConnectionState,
    EventStreamConnection,
    ResponseStarted,
    StreamEnded,
    unsendable_event_id,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from typing import Literal

    from sseparse.limits import Limits
    from sseparse.transport._request import Request

__all__ = ["GiveUp", "Reconnect", "Reconnector", "ReconnectorState"]

_T = TypeVar("_T", ServerSentEvent, ServerSentEvent | Comment)


class ReconnectorState(enum.Enum):
    """Where a :class:`Reconnector` is between connections."""

    INITIAL = "not connected yet"
    CONNECTING = "waiting for the response head"
    OPEN = "reading the event stream"
    WAITING = "waiting to reconnect"
    CLOSED = "closed for good"


@attrs.frozen(kw_only=True)
class Reconnect:
    """Reconnect after *delay* seconds.

    Attributes:
        delay: seconds to wait before calling ``connect()``.
        attempt: 1 for the first attempt after a connection that brought
            events, 2, 3, ... for attempts in a row without one.
        last_event_id: what the next request sends as ``Last-Event-ID``.
        error: why the connection ended (``None`` for a clean end).
    """

    delay: float
    attempt: int
    last_event_id: str
    error: BaseException | None


@attrs.frozen(kw_only=True)
class GiveUp:
    """Do not reconnect: the stream is over.

    Attributes:
        reason: why, in words.
        error: the error that decided it, if any.
    """

    reason: str
    error: BaseException | None


class Reconnector(Generic[_T]):
    """Decide when and how to reconnect an event stream; never sleeps.

    Example::

        r = Reconnector(Request.get(url))
        while True:
            conn = r.connect()
            error = None
            try:
                ...  # send conn.request_bytes(); r.feed() every read; r.close()
            except (OSError, ProtocolError) as exc:
                error = exc
            decision = r.connection_lost(error)
            if isinstance(decision, GiveUp):
                break
            time.sleep(decision.delay)
    """

    @overload
    def __init__(
        self: Reconnector[ServerSentEvent],
        request: Request,
        *,
        delay: float = 3.0,
        max_delay: float = 60.0,
        backoff: float = 2.0,
        jitter: float = 0.1,
        max_attempts: int | None = None,
        reconnect_statuses: Collection[int] = (),
        random: Callable[[], float] = _random.random,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: Literal[False] = False,
        decompress: bool = True,
    ) -> None: ...

    @overload
    def __init__(
        self: Reconnector[ServerSentEvent | Comment],
        request: Request,
        *,
        delay: float = 3.0,
        max_delay: float = 60.0,
        backoff: float = 2.0,
        jitter: float = 0.1,
        max_attempts: int | None = None,
        reconnect_statuses: Collection[int] = (),
        random: Callable[[], float] = _random.random,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: Literal[True],
        decompress: bool = True,
    ) -> None: ...

    def __init__(
        self,
        request: Request,
        *,
        delay: float = 3.0,
        max_delay: float = 60.0,
        backoff: float = 2.0,
        jitter: float = 0.1,
        max_attempts: int | None = None,
        reconnect_statuses: Collection[int] = (),
        random: Callable[[], float] = _random.random,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: bool = False,
        decompress: bool = True,
    ) -> None:
        """Set the policy.

        Args:
            request: the request to send on every connection.
            delay: seconds before reconnecting until the server sends ``retry``.
            max_delay: cap on the backed-off delay (the server's ``retry`` wins
                when larger).
            backoff: factor applied per attempt in a row without an event.
            jitter: the delay is stretched by ``jitter * random()`` of itself.
            max_attempts: give up after this many attempts in a row without an
                event (``None``: never).
            reconnect_statuses: statuses to retry instead of failing (e.g.
                ``{502, 503, 504}``); a ``Retry-After`` in seconds is honoured.
            random: returns a float in ``[0, 1)``; inject one to make delays
                exact.
            last_event_id: resume from this ID (sent on the first connection).
            limits: bounds for every connection.
            comments: connections also emit :class:`~sseparse.Comment` items.
            decompress: connections advertise and undo gzip/deflate.

        Raises:
            UsageError: a negative delay, a backoff below 1, a jitter outside
                ``[0, 1]`` or a ``max_attempts`` below 1.
        """
        if delay < 0 or max_delay < 0:
            raise UsageError("delays cannot be negative")
        if backoff < 1:
            raise UsageError(f"backoff must be at least 1, got {backoff}")
        if not 0 <= jitter <= 1:
            raise UsageError(f"jitter must be within [0, 1], got {jitter}")
        if max_attempts is not None and max_attempts < 1:
            raise UsageError(f"max_attempts must be at least 1, got {max_attempts}")
        self._request = request
        self._delay = float(delay)
        self._max_delay = float(max_delay)
        self._backoff = float(backoff)
        self._jitter = float(jitter)
        self._max_attempts = max_attempts
        self._reconnect_statuses = frozenset(reconnect_statuses)
        self._random = random
        self._limits = limits
        self._comments = comments
        self._decompress = decompress
        self._state = ReconnectorState.INITIAL
        self._last_event_id = last_event_id
        self._retry: int | None = None
        self._attempt = 0
        self._connection: EventStreamConnection[_T] | None = None
        self._events = 0  # events received on the current connection
        self._error: BaseException | None = None
        self._cancelled = False

    # -- public read-only state -------------------------------------------------

    @property
    def request(self) -> Request:
        """The request every connection sends."""
        return self._request

    @property
    def state(self) -> ReconnectorState:
        """The :class:`ReconnectorState`."""
        return self._state

    @property
    def last_event_id(self) -> str:
        """The last event ID: what the next connection sends."""
        if self._connection is not None:
            return self._connection.last_event_id
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The server's reconnection time in milliseconds, or ``None``."""
        if self._connection is not None and self._connection.retry is not None:
            return self._connection.retry
        return self._retry

    @property
    def attempt(self) -> int:
        """Attempts in a row so far (0 before the first reconnect)."""
        return self._attempt

    @property
    def connection(self) -> EventStreamConnection[_T] | None:
        """The current connection, between ``connect()`` and ``connection_lost()``."""
        return self._connection

    # -- calls --------------------------------------------------------------------

    def connect(self) -> EventStreamConnection[_T]:
        """Start a connection; send its ``request_bytes()`` on a new socket.

        Raises:
            UsageError: not in ``INITIAL`` or ``WAITING``.
        """
        if self._state not in (ReconnectorState.INITIAL, ReconnectorState.WAITING):
            raise self._refusal("connect()")
        conn: EventStreamConnection[_T] = EventStreamConnection(  # type: ignore[call-overload]
            self._request,
            last_event_id=self._last_event_id,
            limits=self._limits,
            comments=self._comments,
            decompress=self._decompress,
        )
        self._connection = conn
        self._events = 0
        self._error = None
        self._state = ReconnectorState.CONNECTING
        return conn

    def feed(
        self, data: bytes | bytearray | memoryview
    ) -> list[ResponseStarted | _T | StreamEnded]:
        """Feed the current connection; see :meth:`EventStreamConnection.feed`.

        An error from the connection is remembered for
        :meth:`connection_lost` and raised; an interruption
        (``KeyboardInterrupt``, ``SystemExit``) is raised and not remembered.
        """
        conn = self._live("feed()")
        try:
            items = conn.feed(data)
        except Exception as exc:  # an interruption is no connection error
            self._error = exc
            raise
        self._observe(items)
        return items

    def close(self) -> list[ResponseStarted | _T | StreamEnded]:
        """The peer closed; see :meth:`EventStreamConnection.close`."""
        conn = self._live("close()")
        try:
            items = conn.close()
        except Exception as exc:  # an interruption is no connection error
            self._error = exc
            raise
        self._observe(items)
        return items

    def connection_lost(self, error: BaseException | None = None) -> Reconnect | GiveUp:
        """The connection is gone: decide whether and when to reconnect.

        Args:
            error: what ended it, if the caller caught something (an
                ``OSError`` from the socket, a timeout); errors raised by
                :meth:`feed` / :meth:`close` are already known.

        Raises:
            UsageError: no connection is in progress (and the reconnector was
                not cancelled).
        """
        if self._cancelled:
            return GiveUp(reason="the caller cancelled the stream", error=error)
        conn = self._live("connection_lost()")
        error = error if error is not None else self._error
        self._last_event_id = conn.last_event_id
        if conn.retry is not None:
            self._retry = conn.retry
        self._connection = None
        reason = self._fatal(conn, error)
        if reason is None:
            reason = unsendable_event_id(self._last_event_id)
        if reason is not None:
            self._state = ReconnectorState.CLOSED
            return GiveUp(reason=reason, error=error)
        self._attempt = 1 if self._events else self._attempt + 1
        if self._max_attempts is not None and self._attempt > self._max_attempts:
            self._state = ReconnectorState.CLOSED
            return GiveUp(
                reason=f"gave up after {self._max_attempts} attempts in a row "
                "without an event",
                error=error,
            )
        self._state = ReconnectorState.WAITING
        return Reconnect(
            delay=self._next_delay(error),
            attempt=self._attempt,
            last_event_id=self._last_event_id,
            error=error,
        )

    def cancel(self) -> None:
        """The caller closes the stream: never reconnect.  Idempotent.

        A :meth:`connection_lost` call after it (a loop finishing the
        connection it was reading) answers :class:`GiveUp`.
        """
        if self._connection is not None:
            self._last_event_id = self._connection.last_event_id
            self._connection = None
        self._cancelled = True
        self._state = ReconnectorState.CLOSED

    # -- internals --------------------------------------------------------------

    def _refusal(self, what: str) -> UsageError:
        return UsageError(f"{what} when the reconnector is {self._state.value}")

    def _live(self, what: str) -> EventStreamConnection[_T]:
        if self._connection is None or self._state not in (
            ReconnectorState.CONNECTING,
            ReconnectorState.OPEN,
        ):
            raise self._refusal(what)
        return self._connection

    def _observe(self, items: list[ResponseStarted | _T | StreamEnded]) -> None:
        for item in items:
            if isinstance(item, ServerSentEvent):
                self._events += 1
            elif isinstance(item, ResponseStarted) and 200 <= item.status < 300:
                self._state = ReconnectorState.OPEN

    def _fatal(
        self, conn: EventStreamConnection[_T], error: BaseException | None
    ) -> str | None:
        if isinstance(error, BadStatus):
            if error.status in self._reconnect_statuses:
                return None
            return f"the server answered {error.status} {error.reason}".rstrip()
        if isinstance(error, BadResponse):
            return str(error)
        if isinstance(error, (LimitExceeded, UsageError)):
            return str(error)
        response = conn.response
        if (
            response is not None
            and response.status == 204
            and conn.state is ConnectionState.ENDED
        ):
            return "the server answered 204 No Content"
        return None

    def _next_delay(self, error: BaseException | None) -> float:
        base = self._delay if self._retry is None else self._retry / 1000
        try:
            grown = base * self._backoff ** (self._attempt - 1)
        except OverflowError:  # thousands of attempts: the cap applies anyway
            grown = self._max_delay
        delay = max(min(grown, self._max_delay), base)
        if isinstance(error, BadStatus):
            delay = max(delay, _retry_after(error))
        return delay * (1 + self._jitter * self._random())


def _retry_after(error: BadStatus) -> float:
    values = [value for name, value in error.headers if name == "retry-after"]
    if values and values[-1].strip().isdigit():
        return float(values[-1].strip())
    return 0.0
