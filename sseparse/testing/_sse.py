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
  and model-based properties.  :func:`~sseparse.testing.hostile_streams` draws
  the large ones, sized to a consumer's limits.

Every option is keyword-only and checked when the strategy is called
(``hypothesis.errors.InvalidArgument``); the options narrow what is drawn
(sizes, which of the corners below to include), never widen it past what a
conforming decoder can produce.

Each strategy leans towards the inputs that real decoders got wrong: characters
that ``str.splitlines`` treats as line ends but SSE does not, a CRLF cut between
its CR and its LF, a multibyte character cut between two reads, a BOM split across
reads, non-ASCII digits that ``int()`` accepts.  Everything shrinks towards short,
plain ASCII streams in one chunk.
"""

from __future__ import annotations

import functools
import itertools
import string

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse.sse import Comment, ServerSentEvent
from sseparse.testing._check import check_bool, check_int

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


_PLAIN_CHARS = string.ascii_letters + string.digits + " :.,"


def _text(
    *,
    exclude: str = "",
    min_size: int = 0,
    max_size: int = 24,
    tricky: bool = True,
) -> st.SearchStrategy[str]:
    """Text without lone surrogates, biased towards ``_TRICKY_CHARS``; without
    *tricky*, printable ASCII letters, digits, spaces and ``:.,`` only."""
    if not tricky:
        plain = [c for c in _PLAIN_CHARS if c not in exclude]
        return st.text(st.sampled_from(plain), min_size=min_size, max_size=max_size)
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


def _retries(*, huge: bool) -> st.SearchStrategy[int | None]:
    if not huge:
        return st.one_of(st.none(), st.integers(0, 2**32))
    return st.one_of(
        st.none(),
        st.integers(0, 2**32),
        st.integers(0, 2**200),
        _huge_decimals(),
    )


def events(
    *,
    max_text_size: int = 24,
    multiline_data: bool = True,
    retries: bool = True,
    huge_retries: bool = True,
    tricky_text: bool = True,
) -> st.SearchStrategy[ServerSentEvent]:
    """Events that a conforming SSE decoder can produce.

    ``event`` is a non-empty type without CR or LF (often ``"message"``); ``data``
    is any text without CR (LF and the empty string included); ``id`` has no CR,
    LF or NUL (often ``""`` or a repeated value, so that encoders which skip
    unchanged ids are exercised); ``retry`` is ``None`` or a non-negative int of
    up to 4300 decimal digits.  No field holds a lone surrogate.

    Args:
        max_text_size: the most characters in ``event``, ``data`` and ``id``.
        multiline_data: ``data`` may hold LF (the encoder writes one ``data:``
            line per line); ``False``: one-line data only.
        retries: draw ``retry`` values; ``False``: ``retry`` is always ``None``.
        huge_retries: ``retry`` values may have up to 4300 digits (the default
            ``Limits.max_retry_digits``); ``False``: at most ``2**32``.
        tricky_text: text leans towards the characters decoders get wrong (NUL,
            the line separators ``str.splitlines`` honours and SSE does not, a
            BOM, U+FFFD, leading spaces, astral characters); ``False``: printable
            ASCII letters, digits, spaces and ``:.,`` only.

    Returns:
        A strategy of :class:`~sseparse.ServerSentEvent` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    size = check_int("events", "max_text_size", max_text_size, low=1)
    tricky = check_bool("events", "tricky_text", tricky_text)
    data_exclude = (
        "\r" if check_bool("events", "multiline_data", multiline_data) else "\r\n"
    )
    huge = check_bool("events", "huge_retries", huge_retries)
    retry: st.SearchStrategy[int | None] = (
        _retries(huge=huge) if check_bool("events", "retries", retries) else st.none()
    )
    return st.builds(
        ServerSentEvent,
        event=st.one_of(
            st.just("message"),
            _text(exclude="\r\n", min_size=1, max_size=size, tricky=tricky),
        ),
        data=_text(exclude=data_exclude, max_size=size, tricky=tricky),
        id=st.one_of(
            st.just(""),
            st.sampled_from(["1", "2"]),
            _text(exclude="\r\n\x00", max_size=size, tricky=tricky),
        ),
        retry=retry,
    )


def comments(
    *, max_text_size: int = 24, tricky_text: bool = True
) -> st.SearchStrategy[Comment]:
    """Comments that a conforming SSE decoder can produce.

    Args:
        max_text_size: the most characters in a comment's text.
        tricky_text: as for :func:`events`.

    Returns:
        A strategy of :class:`~sseparse.Comment` values whose text has no CR, LF
        or lone surrogate (it may be empty or start with spaces).

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    size = check_int("comments", "max_text_size", max_text_size, low=0)
    tricky = check_bool("comments", "tricky_text", tricky_text)
    return st.builds(Comment, text=_text(exclude="\r\n", max_size=size, tricky=tricky))


def event_streams(
    *,
    min_size: int = 0,
    max_size: int = 20,
    with_comments: bool = True,
    max_text_size: int = 24,
    multiline_data: bool = True,
    retries: bool = True,
    huge_retries: bool = True,
    tricky_text: bool = True,
) -> st.SearchStrategy[list[ServerSentEvent | Comment]]:
    """Sequences of events and comments, as a decoder reports them in order.

    Encode one with :class:`~sseparse.SSEEncoder`, cut the bytes with
    :func:`chunkings`, and a conforming decoder (``comments=True``) returns the
    sequence again.

    Args:
        min_size: the fewest items in one sequence.
        max_size: the most items in one sequence.
        with_comments: mix :func:`comments` in; ``False``: events only (for a
            decoder that drops comments).
        max_text_size, multiline_data, retries, huge_retries, tricky_text: as
            for :func:`events` (the first and last for comments too).

    Returns:
        A strategy of lists mixing :func:`events` and :func:`comments`.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    where = "event_streams"
    low = check_int(where, "min_size", min_size, low=0)
    check_int(where, "max_size", max_size, low=low, low_from="min_size")
    check_int(where, "max_text_size", max_text_size, low=1)
    for option, value in (
        ("multiline_data", multiline_data),
        ("retries", retries),
        ("huge_retries", huge_retries),
        ("tricky_text", tricky_text),
    ):
        check_bool(where, option, value)
    item: st.SearchStrategy[ServerSentEvent | Comment] = events(
        max_text_size=max_text_size,
        multiline_data=multiline_data,
        retries=retries,
        huge_retries=huge_retries,
        tricky_text=tricky_text,
    )
    if check_bool(where, "with_comments", with_comments):
        item = st.one_of(
            item, comments(max_text_size=max_text_size, tricky_text=tricky_text)
        )
    return st.lists(item, min_size=min_size, max_size=max_size)


@st.composite
def _chunkings(
    draw: st.DrawFn, data: bytes, max_random_cuts: int, empty_chunks: bool
) -> list[bytes]:
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
    cuts = draw(st.lists(position, max_size=max_random_cuts))
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
    if not empty_chunks:
        cuts = [cut for cut in set(cuts) if 0 < cut < n]
    cuts.sort()
    return [data[a:b] for a, b in itertools.pairwise([0, *cuts, n])]


def chunkings(
    data: bytes, *, max_random_cuts: int = 32, empty_chunks: bool = True
) -> st.SearchStrategy[list[bytes]]:
    """Ways to cut *data* into the reads a transport could deliver.

    The chunks concatenate to exactly *data*.  They include empty chunks (also
    first and last), runs of one-byte chunks, fixed-size reads, one read per line,
    and cuts between the CR and LF of a CRLF and inside multibyte UTF-8 sequences
    and the BOM.
    The strategy shrinks towards ``[data]``.

    Args:
        data: the bytes to cut (``bytes``, ``bytearray`` or ``memoryview``).
        max_random_cuts: the most cuts at drawn places, on top of the runs of
            one-byte chunks, the per-line reads and the fixed-size reads.
        empty_chunks: allow empty chunks (a read of ``b""`` that a transport
            may hand out); ``False``: every chunk has at least one byte (and
            empty *data* gives ``[b""]``).

    Returns:
        A strategy of lists of ``bytes`` whose ``b"".join`` is *data*.

    Raises:
        hypothesis.errors.InvalidArgument: *data* is not bytes-like, or an
            option of the wrong type or range.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidArgument(
            f"chunkings(data) expects bytes, bytearray or memoryview, got "
            f"{type(data).__name__}"
        )
    cuts = check_int("chunkings", "max_random_cuts", max_random_cuts, low=0)
    empty = check_bool("chunkings", "empty_chunks", empty_chunks)
    return _chunkings(bytes(data), cuts, empty)


def _join(parts: tuple[bytes, ...]) -> bytes:
    return b"".join(parts)


def _utf8(snippet: bytes) -> bool:
    try:
        snippet.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@functools.cache
def _blocks(
    boms: bool, invalid_utf8: bool, huge_retries: bool
) -> tuple[st.SearchStrategy[bytes], st.SearchStrategy[bytes]]:
    """The start and the block strategies of sse_bytes() for one set of options.

    Cached: composing these strategies per draw (or per call) is slow.
    """

    def keep(snippet: bytes) -> bool:
        return (boms or b"\xef" not in snippet) and (invalid_utf8 or _utf8(snippet))

    raw = st.sampled_from([s for s in _RAW_SNIPPETS if keep(s)])
    field_value = st.one_of(
        _text(exclude="\r\n", max_size=8).map(str.encode),
        _text(exclude="\r\n", max_size=16).map(str.encode),
        _text(max_size=8).map(str.encode),
        st.binary(max_size=8) if invalid_utf8 else _text(max_size=8).map(str.encode),
        raw,
    )
    if not boms:
        field_value = field_value.map(lambda value: value.replace(_BOM, b""))
    retry_value: st.SearchStrategy[bytes] = st.one_of(
        st.integers(0, 2**70).map(lambda i: str(i).encode()),
        st.sampled_from([v for v in _BAD_RETRY_VALUES if keep(v)]),
    )
    if huge_retries:
        # past the default Limits.max_retry_digits too, and with leading zeros
        retry_value |= st.builds(
            lambda count, digit, zeros: b"0" * zeros + digit * count,
            st.integers(1, _MAX_RETRY_DIGITS + 100),
            st.sampled_from([b"1", b"9"]),
            st.sampled_from([0, 0, 1, 5000]),
        )
    eol = st.sampled_from(_EOLS)
    field_line = st.tuples(
        st.sampled_from(_FIELD_NAMES), st.sampled_from(_SEPARATORS), field_value, eol
    ).map(_join)
    # One line and its line end, mostly a well-formed field.
    line: st.SearchStrategy[bytes] = st.one_of(
        field_line,
        field_line,
        field_line,
        field_line,
        field_line,
        st.tuples(
            st.sampled_from([n for n in _ODD_FIELD_NAMES if keep(n)]),
            st.sampled_from(_SEPARATORS),
            field_value,
            eol,
        ).map(_join),
        st.tuples(
            st.just(b"retry"), st.sampled_from([b":", b": ", b":  "]), retry_value, eol
        ).map(_join),
        st.tuples(st.just(b":"), field_value, eol).map(_join),
        raw,
    )
    # A few lines, usually closed by the blank line that dispatches them.
    block: st.SearchStrategy[bytes] = st.tuples(
        st.lists(line, max_size=4).map(b"".join),
        st.sampled_from([*_EOLS, *_EOLS, b""]),
    ).map(_join)
    heads = [b"", b"", _BOM, _BOM + _BOM, b"\xef\xbb", b"\xef"]
    head = st.sampled_from([h for h in heads if keep(h)])
    return head, block


@st.composite
def _sse_bytes(
    draw: st.DrawFn,
    max_blocks: int,
    head: st.SearchStrategy[bytes],
    block: st.SearchStrategy[bytes],
    cut_ends: bool,
) -> bytes:
    start = draw(head)
    body = b"".join(draw(st.lists(block, max_size=max_blocks)))
    if cut_ends and draw(st.booleans()):
        body = body.rstrip(b"\r\n")  # no trailing line end
    return start + body


def sse_bytes(
    *,
    max_blocks: int = 8,
    boms: bool = True,
    invalid_utf8: bool = True,
    huge_retries: bool = True,
    cut_ends: bool = True,
) -> st.SearchStrategy[bytes]:
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
    raises ``LimitExceeded`` on those streams, so properties should allow it
    (or pass ``huge_retries=False``).  For streams sized to reach other limits,
    see :func:`~sseparse.testing.hostile_streams`.

    Args:
        max_blocks: the most blocks in one stream.
        boms: byte order marks (whole or cut) at the start and inside lines;
            ``False``: no ``EF`` byte at all.
        invalid_utf8: invalid UTF-8 (lone continuation bytes, truncated and
            overlong sequences, encoded surrogates, random bytes); ``False``:
            every stream is valid UTF-8.
        huge_retries: ``retry`` values of up to 4400 digits (some with 5000
            leading zeros); ``False``: at most 22 digits.
        cut_ends: half the streams lose their trailing line ends (the last
            event is never dispatched); ``False``: streams end as drawn.

    Returns:
        A strategy of ``bytes``.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    blocks = check_int("sse_bytes", "max_blocks", max_blocks, low=0)
    head, block = _blocks(
        check_bool("sse_bytes", "boms", boms),
        check_bool("sse_bytes", "invalid_utf8", invalid_utf8),
        check_bool("sse_bytes", "huge_retries", huge_retries),
    )
    return _sse_bytes(
        blocks, head, block, check_bool("sse_bytes", "cut_ends", cut_ends)
    )
