"""A sans-IO HTTP/1.1 client connection that reads one event stream, on h11.

Theory of operation
-------------------
:class:`EventStreamConnection` builds the request bytes once, at construction,
with h11 (so h11's client state machine knows the request was sent), and then
consumes response bytes in chunks of any size.  h11 does the HTTP framing:
status line and headers, then a body delimited by chunked encoding,
``Content-Length`` or the closing of the connection.  The connection turns
h11's events into its own items:

* ``AWAITING_RESPONSE``: h11 ``InformationalResponse`` (1xx) is skipped; the
  ``Response`` is checked (2xx status, ``text/event-stream``, a known
  ``Content-Encoding``) and emitted as :class:`ResponseStarted`.  A good one moves
  to ``STREAMING``; a bad one to ``REJECTING``; a 204 No Content (which has no
  body, whatever its headers say) straight to ``ENDED``, with its
  :class:`StreamEnded` right after the :class:`ResponseStarted`.
* ``STREAMING``: body bytes go through the :class:`Inflater` (when the body is
  compressed) into an :class:`~sseparse.SSEDecoder`, whose events are emitted in
  order.  The end of the body closes the decoder and emits :class:`StreamEnded`.
* ``REJECTING``: the start of the body (at most ``Limits.max_error_body_bytes``)
  is kept; when it is complete, or the bound is reached, or the peer closes, the
  matching :class:`~sseparse.errors.BadResponse` is raised with it.
* ``ENDED``: terminal, the body is complete (or ``close()`` ended a body
  delimited by the close).  ``feed()`` raises ``UsageError``; ``close()`` returns
  ``[]``, however often it is called, so a loop may call it in ``finally``.
* ``ERROR``: terminal.  A :class:`~sseparse.errors.ProtocolError` (the peer's
  bytes, a compressed body or a bound) leaves ``ERROR``; later calls raise
  ``UsageError``.

The states are the whole truth: there is no flag beside them.

h11's errors become :class:`~sseparse.errors.MalformedResponse` (its error is
the ``__cause__``), a too-long head becomes ``LimitExceeded("max_header_bytes")``,
and an end of input before the framing is complete becomes
:class:`~sseparse.errors.TruncatedBody`.  A translated error keeps what it was
translated from as its ``__cause__`` (h11's error, or the decompressor's); an
error raised as it is keeps its own.

Anything that is not a ``ProtocolError`` is not the peer's fault and does not
change the state: ``KeyboardInterrupt``, ``SystemExit``, ``MemoryError`` or a
bug propagate as they are.  Such an interruption can stop a call part way
through: the bytes of that call may have been taken in part, and the items they
completed are then lost with the call (``last_event_id`` may already count
them).  Do not feed an interrupted connection again: open a new one.

Cost: h11's receive buffer keeps a scan cursor and trims consumed bytes, so
every byte is looked at a constant number of times; body bytes are handed on
without copying more than h11 does.  Memory is bounded by ``max_header_bytes``
(the head, a chunk-size line), ``max_error_body_bytes`` and the decoder's limits.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar, overload

import attrs
import h11

import sseparse
from sseparse.errors import (
    BadContentEncoding,
    BadContentType,
    BadResponse,
    BadStatus,
    LimitExceeded,
    MalformedResponse,
    ProtocolError,
    TruncatedBody,
    UsageError,
    excerpt,
)
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.sse import Comment, ServerSentEvent, SSEDecoder
from sseparse.transport._inflate import SUPPORTED, InflateError, Inflater

if TYPE_CHECKING:
    from typing import Literal

    from sseparse.transport._request import Request

__all__ = [
    "ConnectionItem",
    "ConnectionState",
    "EventStreamConnection",
    "ResponseStarted",
    "StreamEnded",
]

_T = TypeVar("_T", ServerSentEvent, ServerSentEvent | Comment)
# At most this many stacked content codings (``gzip, gzip, ...``) are undone.
_MAX_CODINGS = 4
_USER_AGENT = f"sseparse/{sseparse.__version__}"
# Inflated bytes always allowed before Limits.max_inflate_ratio applies.
_INFLATE_ALLOWANCE = 1024 * 1024


@attrs.frozen(kw_only=True)
class ResponseStarted:
    """The response head of an event stream: status and headers.

    Attributes:
        status: the HTTP status code.
        reason: the reason phrase as sent.
        headers: the headers, names lowercased, in order, repeats kept.
        http_version: ``"1.1"`` or ``"1.0"``.
    """

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    http_version: str

    def header(self, name: str) -> str | None:
        """The last value of header *name* (any case), or ``None``."""
        name = name.lower()
        found = None
        for key, value in self.headers:
            if key == name:
                found = value
        return found


@attrs.frozen(kw_only=True)
class StreamEnded:
    """The response body ended; no more events come on this connection.

    Attributes:
        truncated: the stream stopped inside an event, which was discarded as
            the specification requires (see ``SSEDecoder.truncated``).
        last_event_id: the last event ID to send when reconnecting.
        retry: the last valid ``retry`` the server sent (ms), or ``None``.
    """

    truncated: bool
    last_event_id: str
    retry: int | None


ConnectionItem: TypeAlias = ResponseStarted | _T | StreamEnded
"""What :meth:`EventStreamConnection.feed` and ``close()`` return items of.

Generic in the stream's items: ``ConnectionItem[ServerSentEvent]`` by default,
``ConnectionItem[ServerSentEvent | Comment]`` with ``comments=True``.  Narrow
with ``isinstance``.
"""


class ConnectionState(enum.Enum):
    """Where an :class:`EventStreamConnection` is in the response."""

    AWAITING_RESPONSE = "awaiting the response head"
    STREAMING = "reading the event stream"
    REJECTING = "reading the start of a rejected response's body"
    ENDED = "the stream ended"
    ERROR = "failed"


class EventStreamConnection(Generic[_T]):
    """One HTTP/1.1 request for an event stream, and its response, sans I/O.

    Send :meth:`request_bytes` on a fresh connection to the server, then pass
    every chunk read to :meth:`feed` and the end of input to :meth:`close`.

    Items come out in this order: one :class:`ResponseStarted`, the stream's
    :class:`~sseparse.ServerSentEvent` values (and :class:`~sseparse.Comment`
    values with ``comments=True``), one :class:`StreamEnded`.
    """

    @overload
    def __init__(
        self: EventStreamConnection[ServerSentEvent],
        request: Request,
        *,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: Literal[False] = False,
        decompress: bool = True,
    ) -> None: ...

    @overload
    def __init__(
        self: EventStreamConnection[ServerSentEvent | Comment],
        request: Request,
        *,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: Literal[True],
        decompress: bool = True,
    ) -> None: ...

    def __init__(
        self,
        request: Request,
        *,
        last_event_id: str = "",
        limits: Limits | None = None,
        comments: bool = False,
        decompress: bool = True,
    ) -> None:
        """Build the request for *request*.

        Args:
            request: what to ask for.
            last_event_id: sent as ``Last-Event-ID`` when not empty (after a
                reconnect); it also seeds the decoder's ``last_event_id``.
            limits: bounds for the head, an error body and the decoder.
            comments: also emit :class:`~sseparse.Comment` items.
            decompress: advertise and undo ``gzip`` / ``deflate``.

        Raises:
            UsageError: *last_event_id* holds a character a header cannot carry.
        """
        why = unsendable_event_id(last_event_id)
        if why is not None:
            raise UsageError(why)
        self._limits = limits or DEFAULT_LIMITS
        self._decompress = decompress
        self._state = ConnectionState.AWAITING_RESPONSE
        self._h11 = h11.Connection(
            h11.CLIENT, max_incomplete_event_size=self._limits.max_header_bytes
        )
        self._request = self._build_request(request, last_event_id)
        self._decoder: SSEDecoder[_T] = SSEDecoder(  # type: ignore[call-overload]
            limits=self._limits,
            comments=comments,
            last_event_id=last_event_id,
        )
        self._inflater: Inflater | None = None
        self._response: ResponseStarted | None = None
        self._rejection: type[BadResponse] | None = None
        self._why = ""
        self._body: list[bytes] = []
        self._body_size = 0
        self._received = 0
        self._body_received = 0
        self._inflated = 0
        self._heads_size = 0  # bytes of the response heads read so far
        self._first_byte = 0  # the response's first byte

    # -- public read-only state -------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        """The connection's :class:`ConnectionState`."""
        return self._state

    @property
    def response(self) -> ResponseStarted | None:
        """The response head, once it has arrived."""
        return self._response

    @property
    def decoder(self) -> SSEDecoder[_T]:
        """The SSE decoder of the body (read ``truncated`` and friends)."""
        return self._decoder

    @property
    def last_event_id(self) -> str:
        """The stream's last event ID so far (what a reconnect sends)."""
        return self._decoder.last_event_id

    @property
    def retry(self) -> int | None:
        """The last valid ``retry`` (ms) the stream sent, or ``None``."""
        return self._decoder.retry

    @property
    def bytes_received(self) -> int:
        """Response bytes fed so far."""
        return self._received

    def request_bytes(self) -> bytes:
        """The whole request to send: head and body."""
        return self._request

    # -- feeding ----------------------------------------------------------------

    def feed(
        self, data: bytes | bytearray | memoryview
    ) -> list[ResponseStarted | _T | StreamEnded]:
        """Consume response bytes; return the items they complete.

        Returns:
            In stream order: the :class:`ResponseStarted` once the head is in,
            the events (and comments) the bytes complete, and the
            :class:`StreamEnded` once the body is.

        Raises:
            BadStatus: the status is not 2xx (raised once the start of the body
                is read).
            BadContentType: a 2xx response that is not ``text/event-stream``.
            BadContentEncoding: a content coding that cannot be undone.
            MalformedResponse: the bytes are not valid HTTP/1.1, or the
                compressed body is corrupt.
            LimitExceeded: the head, or the event stream, passed a bound.
            UsageError: the connection has ended or failed.

        Anything else (``KeyboardInterrupt``, ...) propagates unchanged and
        leaves the state alone; see the module's notes on interruptions.
        """
        if self._state is ConnectionState.ENDED or self._state is ConnectionState.ERROR:
            raise self._refusal("feed()")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise UsageError(f"expected bytes, got {type(data).__name__}")
        if not data:
            return []
        offset = self._received
        if not offset:
            self._first_byte = data[0]
        self._received += len(data)
        out: list[ResponseStarted | _T | StreamEnded] = []
        try:
            self._h11.receive_data(bytes(data))
            self._pump(out)
        except _FAILURES as exc:
            self._state = ConnectionState.ERROR
            failure = self._failed(exc, offset, out)
            if failure is exc:
                raise
            raise failure from _origin(exc)
        return out

    def close(self) -> list[ResponseStarted | _T | StreamEnded]:
        """The peer closed the connection: finish the response.

        Returns:
            The last items: for a body delimited by the close, the end of the
            stream.  ``[]`` when the stream had already ended (every time:
            the state stays ``ENDED``).

        Raises:
            TruncatedBody: the head or the body's framing was not complete.
            BadResponse: a rejected response (with its body so far).
            UsageError: after the connection failed.
        """
        if self._state is ConnectionState.ERROR:
            raise self._refusal("close()")
        if self._state is ConnectionState.ENDED:
            return []
        offset = self._received
        out: list[ResponseStarted | _T | StreamEnded] = []
        try:
            self._h11.receive_data(b"")
            self._pump(out)
        except _FAILURES as exc:
            self._state = ConnectionState.ERROR
            failure = self._failed(exc, offset, out, at_eof=True)
            if failure is exc:
                raise
            raise failure from _origin(exc)
        # h11 ends every response at the end of input, or raises.
        assert self._state is ConnectionState.ENDED, self._state
        return out

    # -- internals --------------------------------------------------------------

    def _refusal(self, what: str) -> UsageError:
        if self._state is ConnectionState.ERROR:
            return UsageError(f"{what} on a connection that already failed")
        return UsageError(f"{what} after the stream ended")

    def _build_request(self, request: Request, last_event_id: str) -> bytes:
        ours = [
            ("Host", request.authority),
            ("User-Agent", _USER_AGENT),
            ("Accept", "text/event-stream"),
            ("Cache-Control", "no-store"),
        ]
        if self._decompress:
            ours.append(("Accept-Encoding", "gzip, deflate"))
        # WHATWG: the value is UTF-8; HTTP strips whitespace around any value.
        sent_id = last_event_id.strip(" \t")
        if sent_id:
            ours.append(("Last-Event-ID", sent_id))
        if request.body:
            ours.append(("Content-Length", str(len(request.body))))
        overridden = {name.lower() for name, _ in request.headers}
        pairs = [(n, v) for n, v in ours if n.lower() not in overridden]
        pairs.extend(request.headers)
        headers = [(n.encode("utf-8"), v.encode("utf-8")) for n, v in pairs]
        try:
            head = self._h11.send(
                h11.Request(
                    method=request.method, target=request.target, headers=headers
                )
            )
            body = self._h11.send(h11.Data(data=request.body)) if request.body else b""
            end = self._h11.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise UsageError(f"cannot build the request: {exc}") from None
        return (head or b"") + (body or b"") + (end or b"")

    def _failed(
        self,
        exc: Exception,
        offset: int,
        out: list[ResponseStarted | _T | StreamEnded],
        *,
        at_eof: bool = False,
    ) -> Exception:
        """The error to raise, carrying the items completed before it."""
        failure = self._translate(exc, offset, at_eof=at_eof)
        if isinstance(failure, ProtocolError):
            before: tuple[object, ...] = failure.items
            failure.items = (*out, *before)
        return failure

    def _pump(self, out: list[ResponseStarted | _T | StreamEnded]) -> None:
        """Turn h11's events for the bytes received so far into items.

        The body pieces h11 hands over (one per HTTP chunk) are joined and
        decoded once per call: one decoder feed per read, not per chunk.
        """
        conn = self._h11
        body: list[bytes] = []
        try:
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED:
                    break
                if type(event) is h11.Data:
                    self._body_received += len(event.data)
                    if self._state is ConnectionState.STREAMING:
                        body.append(event.data)
                    elif self._state is ConnectionState.REJECTING:
                        self._collect(event.data)
                elif isinstance(event, h11.Response):
                    self._check_head_size()
                    self._head(event, out)
                elif isinstance(event, h11.InformationalResponse):
                    self._check_head_size()
                elif isinstance(event, h11.EndOfMessage):
                    if self._state is not ConnectionState.ENDED:  # 204: ended
                        self._stream(body, out)
                        self._end(out)
                    return
                elif isinstance(event, h11.ConnectionClosed):
                    break
        except h11.RemoteProtocolError:
            self._stream(body, out)  # what came before the bad bytes goes first
            raise
        self._stream(body, out)

    def _check_head_size(self) -> None:
        """Bound a head that arrived whole (h11 bounds only incomplete ones).

        ``trailing_data`` copies what follows the head in the current feed, once
        per response head.
        """
        consumed = self._received - len(self._h11.trailing_data[0])
        size = consumed - self._heads_size
        self._heads_size = consumed
        if size > self._limits.max_header_bytes:
            raise LimitExceeded(
                "max_header_bytes",
                maximum=self._limits.max_header_bytes,
                observed=size,
                what="the response head",
            )

    def _head(
        self, response: h11.Response, out: list[ResponseStarted | _T | StreamEnded]
    ) -> None:
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in response.headers
        )
        started = ResponseStarted(
            status=response.status_code,
            reason=response.reason.decode("latin-1"),
            headers=headers,
            http_version=response.http_version.decode("ascii"),
        )
        self._response = started
        out.append(started)
        status = started.status
        codings = _codings(started)
        undoable = self._decompress and (
            len(codings) <= _MAX_CODINGS and SUPPORTED.issuperset(codings)
        )
        if status == 204:
            # No body can follow (h11 ends the message next): end here, without
            # checking a type or coding that describes nothing.
            self._end(out)
            return
        # An error body is decompressed too when it can be, for its message.
        if codings and undoable:
            self._inflater = Inflater(codings)
        if not 200 <= status < 300:
            self._reject(BadStatus, f"expected a 2xx status, got {_status(started)}")
        elif not _is_event_stream(started.header("content-type")):
            self._reject(
                BadContentType,
                "expected Content-Type text/event-stream, got "
                f"{excerpt(started.header('content-type') or '(none)')} "
                f"with {_status(started)}",
            )
        elif codings and not undoable:
            self._reject(
                BadContentEncoding,
                "expected Content-Encoding gzip or deflate, got "
                f"{excerpt(', '.join(codings))}",
            )
        else:
            self._state = ConnectionState.STREAMING

    def _reject(self, kind: type[BadResponse], why: str) -> None:
        self._rejection = kind
        self._why = why
        self._state = ConnectionState.REJECTING

    def _stream(
        self, body: list[bytes], out: list[ResponseStarted | _T | StreamEnded]
    ) -> None:
        if not body:
            return
        data = body[0] if len(body) == 1 else b"".join(body)
        body.clear()
        if self._inflater is None:
            out.extend(self._decoder.feed(data))
            return
        try:
            for piece in self._inflater.feed(data):
                self._inflated += len(piece)
                if self._inflated > self._inflate_bound():
                    raise LimitExceeded(
                        "max_inflate_ratio",
                        maximum=self._limits.max_inflate_ratio,
                        observed=self._inflated // max(1, self._body_received),
                        what=f"a body inflated from {self._body_received} to "
                        f"{self._inflated} bytes, its ratio",
                    )
                out.extend(self._decoder.feed(piece))
        except InflateError as exc:
            raise _Corrupt(str(exc)) from exc

    def _inflate_bound(self) -> int:
        return _INFLATE_ALLOWANCE + self._limits.max_inflate_ratio * (
            self._body_received
        )

    def _collect(self, data: bytes) -> None:
        # Pieces are inflated lazily and the loop stops once the body is full:
        # a bomb is never expanded further than the bound.
        pieces = [data] if self._inflater is None else self._inflater.feed(data)
        limit = self._limits.max_error_body_bytes
        try:
            for piece in pieces:
                room = limit - self._body_size
                self._body.append(piece[:room])
                self._body_size += min(room, len(piece))
                if len(piece) > room:
                    raise self._rejected(truncated=True)
        except InflateError as exc:
            # Keep what was readable; the error says the body went on.
            self._inflater = None
            raise self._rejected(truncated=True) from exc

    def _end(self, out: list[ResponseStarted | _T | StreamEnded]) -> None:
        if self._state is ConnectionState.REJECTING:
            if self._inflater is not None:
                try:
                    self._inflater.finish()
                except InflateError as exc:
                    raise self._rejected(truncated=True) from exc
            raise self._rejected(truncated=False)
        if self._inflater is not None:
            try:
                self._inflater.finish()
            except InflateError as exc:
                raise _Cut(str(exc)) from exc
        out.extend(self._decoder.close())
        out.append(
            StreamEnded(
                truncated=self._decoder.truncated,
                last_event_id=self._decoder.last_event_id,
                retry=self._decoder.retry,
            )
        )
        self._state = ConnectionState.ENDED

    def _rejected(self, *, truncated: bool) -> BadResponse:
        started = self._response
        assert started is not None
        assert self._rejection is not None
        body = b"".join(self._body)
        more = ", body continues" if truncated else ""
        return self._rejection(
            f"{self._why}; body: {excerpt(body, 200) if body else '(empty)'}{more}",
            status=started.status,
            reason=started.reason,
            headers=started.headers,
            body=body,
            body_truncated=truncated,
        )

    def _translate(
        self, exc: Exception, offset: int, *, at_eof: bool = False
    ) -> Exception:
        if isinstance(exc, _Cut):
            return self._truncated(f"the compressed body was cut: {exc}")
        if isinstance(exc, _Corrupt):
            return MalformedResponse(
                f"corrupt compressed body after {offset} response bytes: {exc}",
                offset=offset,
                detail=str(exc),
            )
        if not isinstance(exc, h11.RemoteProtocolError):
            return exc
        if self._rejection is not None and at_eof:
            return self._rejected(truncated=True)
        if exc.error_status_hint == 431:
            return LimitExceeded(
                "max_header_bytes",
                maximum=self._limits.max_header_bytes,
                observed=self._limits.max_header_bytes + 1,
                what="the response head (or a chunk-size line)",
            )
        if at_eof:
            return self._truncated(str(exc))
        if self._response is None and self._first_byte >= 0x21:
            # h11 reads a head only once it is complete, and bounds it only
            # while incomplete: in byte-sized feeds a head whose last byte comes
            # after max_header_bytes are buffered fails the bound first.  Say the
            # same when the head arrived in one piece, whatever the feeding.
            # (A first byte below 0x21 h11 rejects on arrival, in any feeding.)
            size = self._received - len(self._h11.trailing_data[0]) - self._heads_size
            if size - 1 > self._limits.max_header_bytes:
                return LimitExceeded(
                    "max_header_bytes",
                    maximum=self._limits.max_header_bytes,
                    observed=size,
                    what="the response head",
                )
        return MalformedResponse(
            f"malformed HTTP response (in the bytes fed from offset {offset}): {exc}",
            offset=offset,
            detail=str(exc),
        )

    def _truncated(self, detail: str) -> TruncatedBody:
        expected = None
        if self._response is not None:
            length = self._response.header("content-length")
            if length is not None and length.strip().isdigit():
                expected = int(length)
            where = f"after {self._body_received} body bytes"
        else:
            where = f"inside the response head, after {self._received} bytes"
        return TruncatedBody(
            f"the connection closed {where}: {detail}",
            received=self._body_received,
            expected=expected,
            detail=detail,
        )


class _Cut(ProtocolError):
    """Internal: the compressed stream ended early (becomes TruncatedBody)."""


class _Corrupt(ProtocolError):
    """Internal: the compressed stream is corrupt (becomes MalformedResponse)."""


def unsendable_event_id(value: str) -> str | None:
    """Why *value* cannot be sent as ``Last-Event-ID``, or ``None`` if it can.

    An SSE ``id`` never holds CR, LF or NUL, but it may hold other control
    characters, which no HTTP header value can carry.
    """
    bad = [c for c in value if (c < " " and c != "\t") or c == "\x7f"]
    if bad:
        return (
            f"a Last-Event-ID cannot hold control character {bad[0]!r}: "
            f"{excerpt(value)}"
        )
    return None


# What marks a connection ERROR: the peer's fault or a bound, nothing else.
_FAILURES = (ProtocolError, h11.RemoteProtocolError)


def _origin(exc: Exception) -> BaseException | None:
    """The ``__cause__`` of the public error that *exc* is translated into.

    The internal wrappers of the decompressor's errors hand on their own cause
    (the decompressor's error); anything else is the cause itself.
    """
    if isinstance(exc, (_Cut, _Corrupt)):
        return exc.__cause__
    return exc


def _status(started: ResponseStarted) -> str:
    return f"{started.status} {started.reason}".rstrip()


def _is_event_stream(value: str | None) -> bool:
    if value is None:
        return False
    return value.split(";", 1)[0].strip().lower() == "text/event-stream"


def _codings(started: ResponseStarted) -> list[str]:
    codings: list[str] = []
    for name, value in started.headers:
        if name == "content-encoding":
            for token in value.split(","):
                token = token.strip().lower()
                if token and token != "identity":
                    codings.append(token)
    return codings
