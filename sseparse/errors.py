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
    "ContentFilterFinishReasonError",
    "IncompleteStream",
    "InvalidChunk",
    "JSONStreamError",
    "LengthFinishReasonError",
    "LimitExceeded",
    "ProtocolError",
    "SseparseError",
    "StreamError",
    "UnexpectedEvent",
    "UsageError",
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
    """The root of every exception sseparse raises on purpose."""


class UsageError(SseparseError):
    """The caller misused the API, e.g. fed a machine after ``close()``."""


class ProtocolError(SseparseError):
    """The peer sent something that breaks the protocol or a configured limit."""


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_limit_error,
            (type(self), self.limit, self.maximum, self.observed, self.what),
        )


def _rebuild_limit_error(
    cls: type[LimitExceeded], limit: str, maximum: int, observed: int, what: str
) -> LimitExceeded:
    return cls(limit, maximum=maximum, observed=observed, what=what)


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_json_error,
            (type(self), self.msg, self.doc, self.pos, self.lineno, self.colno),
        )


def _rebuild_json_error(
    cls: type[JSONStreamError], msg: str, doc: str, pos: int, lineno: int, colno: int
) -> JSONStreamError:
    return cls(msg, doc=doc, pos=pos, lineno=lineno, colno=colno)


class UnexpectedEvent(ProtocolError):
    """An event arrived that the protocol does not allow in the current state."""


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_invalid_chunk,
            (type(self), self.args[0], self.chunk_index, self.field, self.data),
        )


def _rebuild_invalid_chunk(
    cls: type[InvalidChunk],
    message: str,
    chunk_index: int,
    field: str | None,
    data: str,
) -> InvalidChunk:
    return cls(message, chunk_index=chunk_index, field=field, data=data)


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
    """Parsing was asked for, but the output was cut by a length limit."""

    def __init__(self, message: str, *, snapshot: Any = None) -> None:
        self.snapshot = snapshot
        super().__init__(message)


class ContentFilterFinishReasonError(ProtocolError):
    """Parsing was asked for, but a content filter stopped the output."""

    def __init__(self, message: str, *, snapshot: Any = None) -> None:
        self.snapshot = snapshot
        super().__init__(message)
