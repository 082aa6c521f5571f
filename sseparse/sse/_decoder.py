"""An incremental, sans-IO decoder of ``text/event-stream`` bytes.

Theory of operation
-------------------
The decoder follows the WHATWG HTML "event stream interpretation" algorithm.  It
consumes bytes in chunks of any size and returns the events that each chunk
completes.

Framing is done on bytes, decoding on whole lines:

* ``START``: until three bytes have been seen (or fewer that already differ from
  ``EF BB BF``), the first bytes are held so that one UTF-8 BOM is dropped even
  when it arrives split across feeds.  At most two bytes are held.
* ``OPEN``: each chunk has its CR/CRLF line ends turned into LF (``_cr`` remembers
  a CR that ended the previous chunk, so that an LF starting this one is not a
  second line end), then everything up to its last LF is joined with the held
  partial line, decoded as UTF-8 with U+FFFD for invalid input (line terminators
  are ASCII, so decoding several lines at once equals decoding them one by one) and
  split into lines.  The bytes after the last LF become the new partial line.
  Three shortcuts keep the common shapes cheap: a chunk with no line end is
  appended to the partial line at once; the text is split on ``"\n\ndata: "``
  so that a run of one-line ``data`` events needs one step per event, not per
  line (``_process``); and a partial line longer than 64 KiB is decoded on its
  own when it ends, straight into its value (``_end_long_line``).
* ``CLOSED`` / ``ERROR``: terminal.  A limit error leaves the decoder in
  ``ERROR``; every later call raises ``UsageError``.

Invariants: ``_partial`` never holds an LF or CR and never exceeds
``Limits.max_line_bytes``; ``_data`` holds the ``data`` lines of the block being
read and their total size is at most ``Limits.max_event_chars``.

Cost: every input byte is scanned a constant number of times by C code
(``in``, ``replace`` only when the chunk has a CR, ``rfind``, ``decode``,
``split``); the Python-level loop runs at most once per line, never per byte,
and a partial line is copied once more only when its line completes.  One-byte feeds
cost O(1) each.  Total work is linear in the input.
"""

from __future__ import annotations

import enum
from typing import Generic, Literal, NoReturn, TypeVar, overload

from sseparse.errors import LimitExceeded, UsageError
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.sse._event import Comment, ServerSentEvent, make_event

__all__ = ["DecoderState", "SSEDecoder"]

_T = TypeVar("_T", ServerSentEvent, ServerSentEvent | Comment)

_BOM = b"\xef\xbb\xbf"
_CR = 13
_LF = 10
# A partial line this long is decoded on its own when it ends (see _end_long_line).
_LONG_LINE = 64 * 1024
# What joins two one-line data events: end of line, blank line, next data line.
_JOIN = "\n\ndata: "


class DecoderState(enum.Enum):
    """Where an :class:`SSEDecoder` stands."""

    #: No byte decided yet whether the stream opens with a byte order mark.
    START = "start"
    #: Reading lines.
    OPEN = "open"
    #: ``close()`` was called: the end of input was seen.
    CLOSED = "closed"
    #: A limit was exceeded; the decoder refuses further input.
    ERROR = "error"


class SSEDecoder(Generic[_T]):
    """Turn the bytes of an event stream into :class:`ServerSentEvent` values.

    Feed it chunks of any size, in any split; the events come out the same.  Call
    :meth:`close` at the end of input.

    Args:
        limits: bounds on the line and event buffers (defaults: :class:`Limits`).
        comments: also return :class:`Comment` items, in stream order.
        last_event_id: the last event ID to start from.  A reconnecting client
            passes the one it sent as ``Last-Event-ID``, so events without an
            ``id`` field keep it, as browsers do (they seed the new stream's
            parser with the event source's last event ID string).

    Example:
        >>> decoder = SSEDecoder()
        >>> decoder.feed(b"data: hel")
        []
        >>> decoder.feed(b"lo\\n\\n")
        [ServerSentEvent(event='message', data='hello', id='', retry=None)]
    """

    @overload
    def __init__(
        self: SSEDecoder[ServerSentEvent],
        *,
        limits: Limits | None = None,
        comments: Literal[False] = False,
        last_event_id: str = "",
    ) -> None: ...

    @overload
    def __init__(
        self: SSEDecoder[ServerSentEvent | Comment],
        *,
        limits: Limits | None = None,
        comments: Literal[True],
        last_event_id: str = "",
    ) -> None: ...

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        comments: bool = False,
        last_event_id: str = "",
    ) -> None:
        if "\0" in last_event_id:
            raise UsageError("a last event ID cannot contain U+0000")
        self._limits = DEFAULT_LIMITS if limits is None else limits
        self._max_line = self._limits.max_line_bytes
        self._max_event = self._limits.max_event_chars
        self._comments = comments
        self._state = DecoderState.START
        self._error: BaseException | None = None
        # framing
        self._head = b""  # START only: bytes that may still be a BOM (< 3)
        self._partial = bytearray()  # the unterminated line, without terminator
        self._cr = False  # the last byte fed was a CR
        # the block being read (WHATWG: data buffer, event type buffer, ...)
        self._data: list[str] = []
        self._data_chars = 0
        self._event_type = ""
        self._id_buffer = last_event_id
        self._block_retry: int | None = None
        self._block_open = False  # a field line was read since the last blank line
        # the event source's state
        self._last_event_id = last_event_id
        self._retry: int | None = None

    # -- public read-only state -------------------------------------------------

    @property
    def state(self) -> DecoderState:
        """The decoder's :class:`DecoderState`."""
        return self._state

    @property
    def limits(self) -> Limits:
        """The :class:`Limits` in force."""
        return self._limits

    @property
    def last_event_id(self) -> str:
        """The stream's last event ID, as a reconnecting client would send it.

        Updated at every blank line, whether or not an event was dispatched; an
        ``id`` containing U+0000 is ignored; an empty ``id`` resets it.
        """
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The last valid reconnection time in milliseconds, or ``None``."""
        return self._retry

    @property
    def truncated(self) -> bool:
        """Whether the input so far ends inside an event block or mid-line.

        After :meth:`close`, ``True`` means the stream was cut: a final line had
        no terminator, or field lines were not followed by a blank line, and
        close() discarded them as the specification requires.
        """
        return bool(self._head or self._partial or self._block_open)

    # -- feeding ----------------------------------------------------------------

    def feed(self, data: bytes | bytearray | memoryview) -> list[_T]:
        """Consume a chunk of the stream.

        Args:
            data: the next bytes, in any split (an empty chunk is allowed).

        Returns:
            The events (and comments, if asked for) that this chunk completed.

        Raises:
            LimitExceeded: a line or an event outgrew its bound in ``limits``.
            UsageError: *data* is not bytes, or the decoder is closed or failed.
        """
        state = self._state
        if (
            state is DecoderState.OPEN
            and type(data) is bytes
            and _LF not in data
            and _CR not in data
            and not self._cr
        ):
            # The hot path of long lines: a chunk that ends no line.
            partial = self._partial
            partial += data
            if len(partial) > self._max_line:
                self._fail(self._line_too_long(len(partial)))
            return []
        if type(data) is not bytes:
            data = self._as_bytes(data)
        if state is not DecoderState.OPEN:
            if state is DecoderState.START:
                data = self._strip_bom(data)
                if self._state is DecoderState.START:
                    return []
            else:
                raise self._refusal("feed")
        try:
            return self._feed_open(data)
        except LimitExceeded as exc:
            self._fail(exc)

    def _fail(self, exc: LimitExceeded) -> NoReturn:
        self._state = DecoderState.ERROR
        self._error = exc
        raise exc

    def close(self) -> list[_T]:
        """Signal the end of input.

        An unterminated final line or block is discarded, as the specification
        requires; :attr:`truncated` tells whether that happened.

        Returns:
            Always an empty list: no event can complete at the end of input.  The
            list is returned for symmetry with :meth:`feed`.

        Raises:
            UsageError: the decoder is already closed or failed.
        """
        if self._state is DecoderState.CLOSED or self._state is DecoderState.ERROR:
            raise self._refusal("close")
        self._state = DecoderState.CLOSED
        return []

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _as_bytes(data: object) -> bytes:
        if isinstance(data, (bytearray, memoryview)):
            return bytes(data)
        if isinstance(data, bytes):  # a bytes subclass
            return bytes(data)
        raise UsageError(
            f"SSEDecoder.feed() expects bytes, got {type(data).__name__}"
            + ("; encode text to UTF-8 first" if isinstance(data, str) else "")
        )

    def _refusal(self, what: str) -> UsageError:
        if self._state is DecoderState.ERROR:
            err = UsageError(
                f"cannot {what}(): the decoder failed earlier with {self._error!r}"
            )
            err.__cause__ = self._error
            return err
        return UsageError(f"cannot {what}(): the decoder is closed")

    def _strip_bom(self, data: bytes) -> bytes:
        """START state: hold up to two bytes until the BOM question is decided."""
        head = self._head + data if self._head else data
        if len(head) < 3 and _BOM.startswith(head):
            self._head = head
            return b""
        self._head = b""
        self._state = DecoderState.OPEN
        return head[3:] if head[:3] == _BOM else head

    def _feed_open(self, data: bytes) -> list[_T]:
        if not data:
            return []
        if self._cr:
            self._cr = False
            if data[0] == _LF:
                data = data[1:]
                if not data:
                    return []
        if _CR in data:
            self._cr = data[-1] == _CR
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return self._frame(data)

    def _frame(self, data: bytes) -> list[_T]:
        """Split *data* (CR-free) into lines; the bytes after the last LF wait."""
        end = data.rfind(b"\n") + 1  # through the last LF
        partial = self._partial
        if len(partial) >= _LONG_LINE and end:
            return self._end_long_line(data)
        if not end:
            partial += data
            if len(partial) > self._max_line:
                raise self._line_too_long(len(partial))
            return []
        if partial:
            partial += memoryview(data)[:end]
            text = partial.decode("utf-8", "replace")
            if len(partial) > self._max_line:
                self._check_line_sizes(partial)
            partial.clear()
        else:
            text = data[:end].decode("utf-8", "replace")
            if end > self._max_line:
                self._check_line_sizes(memoryview(data)[:end])
        out = self._process(text)
        if end < len(data):
            partial += memoryview(data)[end:]
            if len(partial) > self._max_line:
                exc = self._line_too_long(len(partial))
                exc.items = tuple(out)
                raise exc
        return out

    def _end_long_line(self, data: bytes) -> list[_T]:
        """A long partial line ends in *data*: decode it from the buffer alone.

        A multi-megabyte ``data`` line is then decoded once, straight into its
        value, instead of being joined, split and sliced with the lines after it.
        """
        first = data.index(b"\n")
        partial = self._partial
        partial += memoryview(data)[:first]
        if len(partial) > self._max_line:
            raise self._line_too_long(len(partial))
        out: list[_T] = []
        if partial[:6] == b"data: ":
            self._data_line(str(memoryview(partial)[6:], "utf-8", "replace"))
        else:
            self._lines([partial.decode("utf-8", "replace")], out)
        partial.clear()
        rest = data[first + 1 :]
        if rest:
            try:
                out += self._frame(rest)
            except LimitExceeded as exc:
                exc.items = tuple(out) + exc.items
                raise
        return out

    def _check_line_sizes(self, block: bytearray | memoryview) -> None:
        """Slow path: complete lines that together are longer than one may be.

        The lines before a too-long one are processed first, so that the events
        they complete travel on the error (``items``) instead of being lost.
        """
        raw = bytes(block)
        start = 0
        for line in raw.split(b"\n"):
            if len(line) > self._max_line:
                exc = self._line_too_long(len(line))
                if start:
                    exc.items = tuple(
                        self._process(raw[:start].decode("utf-8", "replace"))
                    )
                raise exc
            start += len(line) + 1

    def _line_too_long(self, observed: int) -> LimitExceeded:
        return LimitExceeded(
            "max_line_bytes",
            maximum=self._max_line,
            observed=observed,
            what="an event-stream line",
        )

    def _event_too_big(self, observed: int) -> LimitExceeded:
        return LimitExceeded(
            "max_event_chars",
            maximum=self._max_event,
            observed=observed,
            what="the data of one event",
        )

    def _process(self, text: str) -> list[_T]:
        """Process complete lines (*text* ends with LF); the hot path.

        Most streams are runs of one-line ``data`` events, so the text is split
        on the ``"\n\ndata: "`` that joins two of them: each piece between two
        separators that holds no LF is then a whole event, built without a
        per-line loop and with one copy of its data.  Every other piece goes
        line by line through :meth:`_lines`, which is the specification's
        algorithm as written.  Invariant: after a blank line the block is clean
        (no data, event type or block retry, ``_last_event_id == _id_buffer``),
        so a fast event after a dispatch needs none of them.
        """
        out: list[_T] = []
        try:
            self._process_into(text, out)
        except LimitExceeded as exc:
            exc.items = tuple(out) + exc.items
            raise
        return out

    def _process_into(self, text: str, out: list[_T]) -> None:
        pieces = text.split(_JOIN)
        first = pieces[0]
        if len(pieces) == 1:  # the whole text, ending with LF
            if (
                not self._block_open
                and first[:6] == "data: "
                and first.find("\n") == len(first) - 2
            ):
                self._event(first[6:-2], out)
            else:
                self._lines(first[:-1].split("\n"), out)
            return
        # the first piece is followed by the end of its line and a blank line
        if not self._block_open and first[:6] == "data: " and "\n" not in first:
            self._event(first[6:], out)
        else:
            self._lines(first.split("\n"), out)
            self._dispatch(out)
        append = out.append
        max_event = self._max_event
        ident = self._id_buffer
        for piece in pieces[1:-1]:  # each one starts and ends a block
            if "\n" in piece or len(piece) >= max_event:
                self._lines(("data: " + piece).split("\n"), out)
                self._dispatch(out)
                ident = self._id_buffer
            else:
                append(make_event(("message", piece, ident, None)))
        last = pieces[-1]  # starts a block and ends with LF
        if last.find("\n") == len(last) - 2:  # "<data>\n\n": a whole event
            self._event(last[:-2], out)
        else:
            self._lines(("data: " + last[:-1]).split("\n"), out)

    def _event(self, value: str, out: list[_T]) -> None:
        """Dispatch a one-line ``data`` block read on a clean state."""
        if len(value) >= self._max_event:
            self._data_line(value)  # raises LimitExceeded
        out.append(make_event(("message", value, self._id_buffer, None)))

    def _lines(self, lines: list[str], out: list[_T]) -> None:
        """Process lines one by one, as the specification words it."""
        for line in lines:
            if line[:6] == "data: ":
                self._data_line(line[6:])
            elif not line:
                self._dispatch(out)
            elif line[0] == ":":
                if self._comments:
                    text = line[2:] if line[1:2] == " " else line[1:]
                    out.append(Comment(text=text))  # type: ignore[arg-type]
            else:
                name, _, value = line.partition(":")
                if value[:1] == " ":
                    value = value[1:]
                self._field(name, value)

    def _data_line(self, value: str) -> None:
        self._block_open = True
        self._data.append(value)
        self._data_chars += len(value) + 1
        if self._data_chars > self._max_event:
            raise self._event_too_big(self._data_chars)

    def _field(self, name: str, value: str) -> None:
        self._block_open = True
        if name == "data":
            self._data_line(value)
        elif name == "event":
            self._event_type = value
        elif name == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif name == "retry":
            self._set_retry(value)
        # any other field is ignored, as the specification says

    def _dispatch(self, out: list[_T]) -> None:
        self._block_open = False
        self._last_event_id = self._id_buffer
        data = self._data
        if data:
            out.append(
                make_event(
                    (
                        self._event_type or "message",
                        data[0] if len(data) == 1 else "\n".join(data),
                        self._id_buffer,
                        self._block_retry,
                    )
                )
            )
            data.clear()
            self._data_chars = 0
        self._event_type = ""
        self._block_retry = None

    def _set_retry(self, value: str) -> None:
        # str.isdigit() accepts non-ASCII digits; the spec wants ASCII only.
        if value and value.isascii() and value.isdigit():
            digits = value.lstrip("0") or "0"
            if len(digits) > self._limits.max_retry_digits:
                raise LimitExceeded(
                    "max_retry_digits",
                    maximum=self._limits.max_retry_digits,
                    observed=len(digits),
                    what="a retry value",
                )
            self._retry = self._block_retry = _decimal(digits)


def _decimal(digits: str) -> int:
    """``int(digits)``, also past ``sys.get_int_max_str_digits()``."""
    try:
        value: int = int(digits)
    except ValueError:  # longer than the interpreter converts in one call
        half = len(digits) // 2
        value = _decimal(digits[:-half]) * 10**half + _decimal(digits[-half:])
    return value
