"""The one exception tree of sseparse.

``SseparseError`` is the root.  ``UsageError`` means the caller misused the API
(feeding after ``close()``, passing text where bytes are expected, feeding a machine
that already failed); ``ProtocolError`` means the peer sent something wrong, and its
subclasses carry the facts as attributes so callers never parse messages.

Messages say what was expected, what came, and where.  Echoed input is cut to about
40 characters by :func:`excerpt`.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "BadContentEncoding",
    "BadContentType",
    "BadResponse",
    "BadStatus",
    "ContentFilterFinishReasonError",
    "IncompleteJSON",
    "IncompleteStream",
    "InvalidChunk",
    "JSONStreamError",
    "LengthFinishReasonError",
    "LimitExceeded",
    "MalformedResponse",
    "ProtocolError",
    "SseparseError",
    "StreamError",
    "TruncatedBody",
    "UnexpectedEvent",
    "UnknownProtocol",
    "UnknownTool",
    "UsageError",
    "ValidationError",
    "WrongProtocol",
    "excerpt",
]

_EXCERPT_CHARS = 40


def excerpt(text: str | bytes, limit: int = _EXCERPT_CHARS) -> str:
    """Return ``repr`` of *text* cut to *limit* characters, with an ellipsis.

    Args:
        text: the input to echo in a message.
        limit: how many characters (or bytes) of it to keep.

    Returns:
        A printable, quoted excerpt such as ``'{"a": 1, ...'…``.
    """
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + "…"


class SseparseError(Exception):
    """The root of every exception sseparse raises on purpose.

    Every one pickles with all its attributes (for multiprocessing and
    logging handlers): the exception is rebuilt from its ``args`` and
    ``__dict__`` without calling ``__init__``, whose keyword-only arguments
    the default protocol could not pass.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[SseparseError], args: tuple[Any, ...], state: dict[str, Any]
) -> SseparseError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class UsageError(SseparseError, ValueError, TypeError):
    """The caller misused the API, e.g. fed a machine after ``close()``.

    It is also a ``ValueError`` and a ``TypeError`` (as NumPy's ``AxisError``
    is both a ``ValueError`` and an ``IndexError``): a wrong argument, of any
    kind, is caught by the ``except`` clause Python's own conventions suggest,
    and by the ones that caught it before it was a ``UsageError``
    (``Limits(max_line_bytes=-1)`` raised a plain ``ValueError``).
    """


class ProtocolError(SseparseError):
    """The peer sent something that breaks the protocol or a configured limit.

    Attributes:
        items: what the failing ``feed()`` / ``close()`` call completed before
            the error, in order (events decoded from the same chunk ahead of the
            bad bytes), so that nothing is lost; empty for most errors.
    """

    items: tuple[Any, ...] = ()


class LimitExceeded(ProtocolError):
    """Input grew past a bound of :class:`~sseparse.Limits`.

    Attributes:
        limit: the name of the ``Limits`` field, e.g. ``"max_line_bytes"``.
        maximum: the configured bound.
        observed: the size seen when the bound was passed (at least
            ``maximum + 1``; the rest of the input is never buffered to learn more).
    """

    def __init__(self, limit: str, *, maximum: int, observed: int, what: str) -> None:
        self.limit = limit
        self.maximum = maximum
        self.observed = observed
        self.what = what
        super().__init__(
            f"{what} exceeds Limits.{limit}={maximum}: {observed} seen so far"
        )


class JSONStreamError(ProtocolError, json.JSONDecodeError):
    """Text fed to a JSON parser is not valid JSON.

    Subclasses :class:`json.JSONDecodeError`, so ``msg``, ``doc``, ``pos``,
    ``lineno`` and ``colno`` are there as with :func:`json.loads`; ``pos`` is
    the absolute offset in the whole text fed, and ``doc`` is only an excerpt
    around it (the parser does not keep the text).
    """

    def __init__(
        self, msg: str, *, doc: str, pos: int, lineno: int, colno: int
    ) -> None:
        ValueError.__init__(self, f"{msg}: line {lineno} column {colno} (char {pos})")
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno


class IncompleteJSON(JSONStreamError):
    """``close()`` came before the JSON document was complete.

    ``json.loads`` of the same text raises too; this subclass tells a cut
    document from a malformed one.
    """


class UnexpectedEvent(ProtocolError):
    """An event arrived that the protocol does not allow in the current state."""


class WrongProtocol(UnexpectedEvent):
    """An accumulator's first payload belongs to another protocol's stream.

    Raised at that payload, so that a stream fed to the wrong accumulator is
    named at once ("this looks like an Anthropic Messages stream") instead of
    failing at ``close()``.

    Attributes:
        expected: the accumulator's protocol (``"chat"``, ``"anthropic"``,
            ``"responses"``).
        detected: the protocol the payload belongs to.
    """

    def __init__(self, message: str, *, expected: str, detected: str) -> None:
        self.expected = expected
        self.detected = detected
        super().__init__(message)


class UnknownProtocol(ProtocolError):
    """``stream(..., protocol="auto")`` could not tell which protocol it reads.

    Attributes:
        seen: what came before it gave up, each a short description
            (``"payload type 'x_hello'"``, ``"non-JSON data 'hi'"``).
    """

    def __init__(self, message: str, *, seen: tuple[str, ...] = ()) -> None:
        self.seen = seen
        super().__init__(message)


class InvalidChunk(ProtocolError):
    """An LLM stream chunk is not JSON, or a field of it has the wrong type.

    Attributes:
        chunk_index: 0-based number of the chunk in the stream.
        field: the path of the offending field (``"choices[0].delta.content"``),
            or ``None`` when the chunk as a whole is wrong.
        data: the offending text (the whole event data, or the field's JSON).
    """

    def __init__(
        self, message: str, *, chunk_index: int, field: str | None, data: str
    ) -> None:
        self.chunk_index = chunk_index
        self.field = field
        self.data = data
        super().__init__(message)


class IncompleteStream(ProtocolError):
    """The stream ended without its terminal signal.

    Attributes:
        snapshot: the object accumulated so far, in its wire shape.
    """

    def __init__(self, message: str, *, snapshot: Any = None) -> None:
        self.snapshot = snapshot
        super().__init__(message)


class StreamError(ProtocolError):
    """The provider reported an error inside the stream.

    Attributes:
        body: the provider's error body, as sent.
        snapshot: the object accumulated before the error.
    """

    def __init__(self, message: str, *, body: Any = None, snapshot: Any = None) -> None:
        self.body = body
        self.snapshot = snapshot
        super().__init__(message)


class LengthFinishReasonError(ProtocolError):
    """Parsing was asked for, but the output was cut by a length limit.

    Attributes:
        snapshot: the object accumulated, in its wire shape.
        usage: its ``usage`` (the tokens the cut output cost), or ``None``
            when the provider sent none.
    """

    def __init__(
        self, message: str, *, snapshot: Any = None, usage: Any = None
    ) -> None:
        self.snapshot = snapshot
        self.usage = usage
        super().__init__(message)


class ContentFilterFinishReasonError(ProtocolError):
    """Parsing was asked for, but a content filter stopped the output.

    Attributes:
        snapshot: the object accumulated, in its wire shape.
        usage: its ``usage``, or ``None`` when the provider sent none.
    """

    def __init__(
        self, message: str, *, snapshot: Any = None, usage: Any = None
    ) -> None:
        self.snapshot = snapshot
        self.usage = usage
        super().__init__(message)


class UnknownTool(ProtocolError):
    """A tool call named a tool that is not among the tools given.

    Raised only by an accumulator made with ``strict=True``; otherwise the
    call is listed in the accumulator's ``problems``.

    Attributes:
        name: the name the call used, or ``None`` when it sent none.
        choice_index: the call's choice.
        index: the call's index in the provider's numbering (``None`` for
            chat's legacy ``function_call``).
        known: the names of the tools given.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str | None,
        choice_index: int,
        index: int | None,
        known: tuple[str, ...],
    ) -> None:
        self.name = name
        self.choice_index = choice_index
        self.index = index
        self.known = known
        super().__init__(message)


class ValidationError(ProtocolError):
    """A JSON value does not fit the target type of ``sseparse.structured``.

    Raised by ``Target.validate``; partial views report the same errors without
    raising.  When several values are wrong, the raised error is the first one
    found (in document order) and :attr:`errors` lists them all.

    Attributes:
        path: where the value is, from the top-level value: object keys and
            array indices (``("items", 3, "price")``, shown as
            ``$.items[3].price``).
        expected: what the target accepts there, in words (``"number"``).
        value: the offending JSON value, or ``None`` when a required field is
            missing (the message says so).
    """

    def __init__(
        self,
        message: str,
        *,
        path: tuple[str | int, ...],
        expected: str,
        value: Any,
        errors: tuple[ValidationError, ...] = (),
    ) -> None:
        self.path = path
        self.expected = expected
        self.value = value
        self._errors = errors  # not (self,): a cycle would not pickle
        super().__init__(message)

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        """Every error found, this one first; ``(self,)`` for one."""
        return self._errors or (self,)


# -- HTTP (raised by sseparse.transport) ------------------------------------------


class BadResponse(ProtocolError):
    """The HTTP response is not an event stream, so there is nothing to decode.

    The connection reads the start of the body before raising, because LLM APIs
    put their error JSON there.

    Attributes:
        status: the HTTP status code.
        reason: the reason phrase as sent.
        headers: the response headers, names lowercased, in order.
        content_type: the ``Content-Type`` value, or ``None`` when absent.
        body: the start of the body (decompressed when the encoding is known), at
            most ``Limits.max_error_body_bytes``.
        body_truncated: whether the body went on past what ``body`` holds.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        reason: str,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
        body_truncated: bool,
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.body_truncated = body_truncated
        types = [value for name, value in headers if name == "content-type"]
        self.content_type = types[-1] if types else None
        super().__init__(message)

    def json(self) -> Any:
        """Parse :attr:`body` as JSON (e.g. an API's error object).

        Raises:
            ValueError: the body is not (complete) JSON.
        """
        return json.loads(self.body)


class BadStatus(BadResponse):
    """The response status is not 2xx (an API error, a redirect, an upgrade)."""


class BadContentType(BadResponse):
    """A 2xx response whose ``Content-Type`` is not ``text/event-stream``."""


class BadContentEncoding(BadResponse):
    """The body is compressed with an encoding the connection cannot undo."""


class MalformedResponse(ProtocolError):
    """The response bytes are not valid HTTP/1.1, or its compressed body is corrupt.

    When h11 rejected the bytes, its ``h11.RemoteProtocolError`` is the
    ``__cause__``.

    Attributes:
        offset: response bytes received before the feed that failed.
        detail: what h11 or zlib said.
    """

    def __init__(self, message: str, *, offset: int, detail: str) -> None:
        self.offset = offset
        self.detail = detail
        super().__init__(message)


class TruncatedBody(ProtocolError):
    """The peer closed the connection before the response was complete.

    Raised for a close inside the response head, inside a chunk or its size
    line, short of ``Content-Length``, or inside a compressed stream.

    Attributes:
        received: body bytes received (as sent, before decompression).
        expected: the ``Content-Length``, when the response had one.
        detail: where the response was cut.
    """

    def __init__(
        self, message: str, *, received: int, expected: int | None, detail: str
    ) -> None:
        self.received = received
        self.expected = expected
        self.detail = detail
        super().__init__(message)
