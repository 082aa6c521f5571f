"""Hypothesis strategies for Server-Sent Events.

Theory of operation
-------------------
Two families of strategies serve the two sides of an SSE consumer's tests:

* *Values* (:func:`events`, :func:`comments`, :func:`event_streams`) are what a
  conforming decoder can hand out.  They are the inputs of round-trip properties:
  encode them, cut the bytes with :func:`chunkings`, decode, compare.
* *Bytes* (:func:`sse_bytes`) are what a hostile or broken server can send: valid
  field lines mixed with comments, every line terminator, byte order marks in and
  out of place, invalid UTF-8, NUL, decimal ``retry`` values of thousands of digits
  and streams cut mid-line.  They are the inputs of "same result for any chunking"
  and model-based properties.

Each strategy leans towards the inputs that real decoders got wrong: characters
that ``str.splitlines`` treats as line ends but SSE does not, a CRLF cut between
its CR and its LF, a multibyte character cut between two reads, a BOM split across
reads, non-ASCII digits that ``int()`` accepts.  Everything shrinks towards short,
plain ASCII streams in one chunk.
"""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from sseparse.sse import Comment, ServerSentEvent

__all__ = ["chunkings", "comments", "event_streams", "events", "sse_bytes"]

_BOM = b"\xef\xbb\xbf"

# Characters that trip decoders: NUL; the line separators that str.splitlines()
# honours and SSE does not (VT, FF, FS, GS, RS, NEL, LS, PS); a BOM inside text;
# the replacement character; a colon and spaces (field syntax); and one character
# of each UTF-8 length.  LF and CR are filtered out per use.
_TRICKY_CHARS = (
    "\n\r\x00\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff\ufffd :\u00e9\u20ac\U0001f600"
)

# The most digits a retry value gets in events(): the default
# Limits.max_retry_digits, which is also CPython's default limit for converting
# decimal text to int.
_MAX_RETRY_DIGITS = 4300

# Raw byte snippets a hostile stream may contain: a BOM and pieces of one,
# invalid UTF-8 (lone continuation, truncated sequences, an encoded surrogate,
# a code point past U+10FFFF, an overlong form), NUL, and line ends alone.
_RAW_SNIPPETS: tuple[bytes, ...] = (
    _BOM,
    b"\xef\xbb",
    b"\xef",
    b"\x80",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\x00",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\r",
    b"\r\r\n",
)

_EOLS: tuple[bytes, ...] = (b"\n", b"\r", b"\r\n")

_FIELD_NAMES: tuple[bytes, ...] = (b"data", b"data", b"event", b"id", b"retry")

# Names a decoder must treat as unknown fields (or, for b"", as a field "").
_ODD_FIELD_NAMES: tuple[bytes, ...] = (
    b"",
    b"Data",
    b"DATA",
    b"data ",
    b" data",
    b"dat",
    b"datas",
    b"id\x00",
    b"retry\xff",
    b"\xef\xbb\xbfdata",
    b"\xc2\x85data",
    b"foo",
)

_SEPARATORS: tuple[bytes, ...] = (b": ", b": ", b":", b":", b":  ", b"", b"::", b":\t")

# retry values that are not all ASCII digits but that int() or float() accepts.
_BAD_RETRY_VALUES: tuple[bytes, ...] = (
    b"",
    b" 5",
    b"5 ",
    b"+5",
    b"-5",
    b"5.0",
    b"1e3",
    b"1_000",
    b"0x10",
    "\u0663".encode(),
    "\uff15".encode(),
    b"5\x00",
    b"nan",
)


def _text(
    *, exclude: str = "", min_size: int = 0, max_size: int = 24
) -> st.SearchStrategy[str]:
    """Text without lone surrogates, biased towards ``_TRICKY_CHARS``."""
    alphabet = st.one_of(
        st.sampled_from([c for c in _TRICKY_CHARS if c not in exclude]),
        st.characters(exclude_categories=["Cs"], exclude_characters=exclude),
    )
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def _huge_decimals() -> st.SearchStrategy[int]:
    """Integers of up to ``_MAX_RETRY_DIGITS`` decimal digits, boundaries first."""
    return st.one_of(
        st.integers(1, _MAX_RETRY_DIGITS).map(lambda k: 10**k - 1),
        st.integers(0, _MAX_RETRY_DIGITS - 1).map(lambda k: 10**k),
    )


def _retries() -> st.SearchStrategy[int | None]:
    return st.one_of(
        st.none(),
        st.integers(0, 2**32),
        st.integers(0, 2**200),
        _huge_decimals(),
    )


def events() -> st.SearchStrategy[ServerSentEvent]:
    """Events that a conforming SSE decoder can produce.

    ``event`` is a non-empty type without CR or LF (often ``"message"``); ``data``
    is any text without CR (LF and the empty string included); ``id`` has no CR,
    LF or NUL (often ``""`` or a repeated value, so that encoders which skip
    unchanged ids are exercised); ``retry`` is ``None`` or a non-negative int of
    up to 4300 decimal digits.  No field holds a lone surrogate.

    Returns:
        A strategy of :class:`~sseparse.ServerSentEvent` values.
    """
    return st.builds(
        ServerSentEvent,
        event=st.one_of(st.just("message"), _text(exclude="\r\n", min_size=1)),
        data=_text(exclude="\r"),
        id=st.one_of(
            st.just(""), st.sampled_from(["1", "2"]), _text(exclude="\r\n\x00")
        ),
        retry=_retries(),
    )


def comments() -> st.SearchStrategy[Comment]:
    """Comments that a conforming SSE decoder can produce.

    Returns:
        A strategy of :class:`~sseparse.Comment` values whose text has no CR, LF
        or lone surrogate (it may be empty or start with spaces).
    """
    return st.builds(Comment, text=_text(exclude="\r\n"))


def event_streams(
    *, max_size: int = 20
) -> st.SearchStrategy[list[ServerSentEvent | Comment]]:
    """Sequences of events and comments, as a decoder reports them in order.

    Args:
        max_size: the most items in one sequence.

    Returns:
        A strategy of lists mixing :func:`events` and :func:`comments`.
    """
    item: st.SearchStrategy[ServerSentEvent | Comment] = st.one_of(events(), comments())
    return st.lists(item, max_size=max_size)


@st.composite
def _chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    n = len(data)
    # Cuts that split a CRLF or a multibyte UTF-8 sequence (including a BOM):
    # before an LF that follows a CR, and before any continuation byte.
    tricky = [
        i
        for i in range(1, n)
        if (data[i - 1] == 0x0D and data[i] == 0x0A) or 0x80 <= data[i] <= 0xBF
    ]
    # Cuts after line ends: servers often flush one line or one event at a time.
    line_ends = [i for i in range(1, n + 1) if data[i - 1] in (0x0A, 0x0D)]
    position = st.integers(0, n)
    if tricky:
        position = st.one_of(position, st.sampled_from(tricky))
    if line_ends:
        position = st.one_of(position, st.sampled_from(line_ends))
    # Repeated positions, 0 and n make empty chunks.
    cuts = draw(st.lists(position, max_size=32))
    if n and draw(st.booleans()):
        # a run of one-byte chunks
        start = draw(st.integers(0, n - 1))
        stop = draw(st.integers(start + 1, min(n, start + 64)))
        cuts.extend(range(start, stop + 1))
    if draw(st.booleans()) and line_ends:
        # one read per line, as from a line-buffered proxy
        cuts.extend(line_ends)
    if n and draw(st.booleans()):
        # fixed-size reads, as from a socket
        step = draw(st.integers(1, n))
        cuts.extend(range(step, n, step))
    cuts.sort()
    return [data[a:b] for a, b in itertools.pairwise([0, *cuts, n])]


def chunkings(data: bytes) -> st.SearchStrategy[list[bytes]]:
    """Ways to cut *data* into the reads a transport could deliver.

    The chunks concatenate to exactly *data*.  They include empty chunks (also
    first and last), runs of one-byte chunks, fixed-size reads, one read per line,
    and cuts between the CR and LF of a CRLF and inside multibyte UTF-8 sequences
    and the BOM.
    The strategy shrinks towards ``[data]``.

    Args:
        data: the bytes to cut.

    Returns:
        A strategy of lists of ``bytes`` whose ``b"".join`` is *data*.
    """
    return _chunkings(bytes(data))


def _join(parts: tuple[bytes, ...]) -> bytes:
    return b"".join(parts)


# The pieces of sse_bytes(), built once: composing strategies per draw is slow.
_FIELD_VALUE: st.SearchStrategy[bytes] = st.one_of(
    _text(exclude="\r\n", max_size=8).map(str.encode),
    _text(exclude="\r\n", max_size=16).map(str.encode),
    _text(max_size=8).map(str.encode),
    st.binary(max_size=8),
    st.sampled_from(_RAW_SNIPPETS),
)

_RETRY_VALUE: st.SearchStrategy[bytes] = st.one_of(
    st.integers(0, 2**70).map(lambda i: str(i).encode()),
    st.sampled_from(_BAD_RETRY_VALUES),
    # past the default Limits.max_retry_digits too, and with leading zeros
    st.builds(
        lambda count, digit, zeros: b"0" * zeros + digit * count,
        st.integers(1, _MAX_RETRY_DIGITS + 100),
        st.sampled_from([b"1", b"9"]),
        st.sampled_from([0, 0, 1, 5000]),
    ),
)

_EOL = st.sampled_from(_EOLS)

_FIELD_LINE = st.tuples(
    st.sampled_from(_FIELD_NAMES), st.sampled_from(_SEPARATORS), _FIELD_VALUE, _EOL
).map(_join)

# One line and its line end, mostly a well-formed field.
_LINE: st.SearchStrategy[bytes] = st.one_of(
    _FIELD_LINE,
    _FIELD_LINE,
    _FIELD_LINE,
    _FIELD_LINE,
    _FIELD_LINE,
    st.tuples(
        st.sampled_from(_ODD_FIELD_NAMES),
        st.sampled_from(_SEPARATORS),
        _FIELD_VALUE,
        _EOL,
    ).map(_join),
    st.tuples(
        st.just(b"retry"), st.sampled_from([b":", b": ", b":  "]), _RETRY_VALUE, _EOL
    ).map(_join),
    st.tuples(st.just(b":"), _FIELD_VALUE, _EOL).map(_join),
    st.sampled_from(_RAW_SNIPPETS),
)

# A few lines, usually closed by the blank line that dispatches them.
_BLOCK: st.SearchStrategy[bytes] = st.tuples(
    st.lists(_LINE, max_size=4).map(b"".join),
    st.sampled_from([*_EOLS, *_EOLS, b""]),
).map(_join)

_HEAD = st.sampled_from([b"", b"", _BOM, _BOM + _BOM, b"\xef\xbb", b"\xef"])


@st.composite
def _sse_bytes(draw: st.DrawFn, max_blocks: int) -> bytes:
    head = draw(_HEAD)
    body = b"".join(draw(st.lists(_BLOCK, max_size=max_blocks)))
    if draw(st.booleans()):
        body = body.rstrip(b"\r\n")  # no trailing line end
    return head + body


def sse_bytes(*, max_blocks: int = 8) -> st.SearchStrategy[bytes]:
    """Raw, possibly hostile ``text/event-stream`` bodies.

    A stream is an optional start (nothing, a BOM, two BOMs, a cut BOM) followed
    by blocks of up to four lines, most closed by a blank line.  Lines are mostly
    ``data``, ``event``, ``id`` and ``retry`` fields, also unknown and misspelt
    names, odd separators and comments, each ended by LF, CR or CRLF; raw
    snippets (BOMs, invalid UTF-8, NUL, stray line ends) come between them.
    Values mix text with line separators other than CR/LF, random bytes, and
    ``retry`` values with thousands of digits, leading zeros or non-ASCII digits.
    Half the streams have their trailing line ends stripped.

    Some ``retry`` values have more significant digits than the default
    ``Limits.max_retry_digits`` (4300): a conforming decoder with default limits
    raises ``LimitExceeded`` on those streams, so properties should allow it.

    Args:
        max_blocks: the most blocks in one stream.

    Returns:
        A strategy of ``bytes``.
    """
    return _sse_bytes(max_blocks)
