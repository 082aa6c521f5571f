"""The inverse of the decoder: ``ServerSentEvent`` and ``Comment`` values to bytes.

Every value the encoder accepts decodes back to itself: ``SSEDecoder`` given the
output of :func:`encode` returns the very event, and given the concatenated output
of one :class:`SSEEncoder`, the very sequence.  What the wire cannot carry is
refused with ``UsageError`` rather than altered: CR in data (a line end on the
wire; ``normalize_newlines=True`` turns CR and CRLF into LF instead), line ends in
an event type, id or comment, U+0000 in an id (the decoder must ignore such an
id), an empty event type (it would decode as ``"message"``), a negative retry, and
lone surrogates (not encodable as UTF-8).
"""

from __future__ import annotations

from sseparse.errors import UsageError, excerpt
from sseparse.sse._event import Comment, ServerSentEvent

__all__ = ["SSEEncoder", "encode", "encode_retry"]


def encode(
    item: ServerSentEvent | Comment, *, normalize_newlines: bool = False
) -> bytes:
    """Encode one event or comment as a block of an event stream.

    The event's ``id`` is written only when it is not empty, so the output stands
    for the event on a fresh stream; use :class:`SSEEncoder` for a sequence whose
    ids change back to empty.

    Args:
        item: the event or comment.
        normalize_newlines: accept CR and CRLF in data and write them as LF.

    Returns:
        The UTF-8 bytes, ending with the blank line that dispatches the event (a
        comment is one line).

    Raises:
        UsageError: *item* holds something the decoder could not give back.
    """
    if isinstance(item, Comment):
        return _comment(item.text)
    if isinstance(item, ServerSentEvent):
        return _event(item, item.id != "", normalize_newlines)
    raise UsageError(
        f"encode() expects a ServerSentEvent or Comment, got {type(item).__name__}"
    )


def encode_retry(milliseconds: int) -> bytes:
    """Encode a block that sets only the reconnection time.

    Raises:
        UsageError: *milliseconds* is not a non-negative int.
    """
    return _retry_line(milliseconds) + b"\n"


class SSEEncoder:
    """Encode a sequence of events, writing an ``id`` line only when it changes.

    Decoding the concatenation of everything one encoder returned gives back the
    same sequence, ``id`` values included (an id that goes back to empty is written
    as a bare ``id`` line, which resets the decoder's last event ID).

    Args:
        normalize_newlines: accept CR and CRLF in data and write them as LF.
    """

    def __init__(self, *, normalize_newlines: bool = False) -> None:
        self._normalize = normalize_newlines
        self._last_id = ""

    @property
    def last_event_id(self) -> str:
        """The id the decoder of this output will hold."""
        return self._last_id

    def encode(self, item: ServerSentEvent | Comment) -> bytes:
        """Encode the next event or comment of the stream.

        Raises:
            UsageError: *item* holds something the decoder could not give back.
        """
        if isinstance(item, Comment):
            return _comment(item.text)
        if not isinstance(item, ServerSentEvent):
            raise UsageError(
                "SSEEncoder.encode() expects a ServerSentEvent or Comment, "
                f"got {type(item).__name__}"
            )
        out = _event(item, item.id != self._last_id, self._normalize)
        self._last_id = item.id
        return out

    def retry(self, milliseconds: int) -> bytes:
        """Encode a retry-only block (see :func:`encode_retry`)."""
        return encode_retry(milliseconds)


def _utf8(text: str, field: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"cannot encode {field} {excerpt(text)}: {exc.reason} at index "
            f"{exc.start} (lone surrogates have no UTF-8 form)"
        ) from None


def _single_line(text: str, field: str) -> None:
    for char, name in (("\r", "CR"), ("\n", "LF")):
        index = text.find(char)
        if index >= 0:
            raise UsageError(
                f"{field} must be one line, got {name} at index {index} "
                f"in {excerpt(text)}"
            )


def _comment(text: str) -> bytes:
    _single_line(text, "comment text")
    return b": " + _utf8(text, "comment text") + b"\n" if text else b":\n"


def _retry_line(milliseconds: int) -> bytes:
    if type(milliseconds) is not int or milliseconds < 0:
        raise UsageError(f"retry must be a non-negative int, got {milliseconds!r}")
    return b"retry: %d\n" % milliseconds


def _event(event: ServerSentEvent, write_id: bool, normalize: bool) -> bytes:
    kind, data, ident, retry = event
    parts: list[bytes] = []
    if write_id:
        _single_line(ident, "event id")
        if "\0" in ident:
            raise UsageError(
                f"event id must not contain U+0000 (the decoder ignores such an id), "
                f"got {excerpt(ident)}"
            )
        parts.append(b"id: " + _utf8(ident, "event id") + b"\n" if ident else b"id\n")
    if kind != "message":
        if not kind:
            raise UsageError(
                'event type must not be empty (it would decode as "message")'
            )
        _single_line(kind, "event type")
        parts.append(b"event: " + _utf8(kind, "event type") + b"\n")
    if retry is not None:
        parts.append(_retry_line(retry))
    if "\r" in data:
        if not normalize:
            raise UsageError(
                f"data holds a CR at index {data.index(chr(13))}, which the wire "
                "reads as a line end; pass normalize_newlines=True to send it as LF"
            )
        data = data.replace("\r\n", "\n").replace("\r", "\n")
    body = _utf8(data, "data")
    parts.append(b"data: " + body.replace(b"\n", b"\ndata: ") + b"\n\n")
    return b"".join(parts)
