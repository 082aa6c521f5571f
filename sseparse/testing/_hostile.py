"""Hypothesis strategies for adversarial event streams, sized to a consumer's limits.

Theory of operation
-------------------
:func:`sse_bytes` draws small hostile bodies; :func:`hostile_streams` draws the
large ones that only matter against bounds: a line one byte under, at and over
``max_line_bytes``; data lines that add up to ``max_event_chars`` and one past
it; ``retry`` values with ``max_retry_digits`` digits and one more; a JSON array
nested ``max_json_depth`` deep and past it, or 100,000 deep; storms of CRs that
make hundreds of thousands of blank lines; tens of thousands of tiny events; BOMs
anywhere, invalid UTF-8 and NULs.  A stream is one to three such *attacks*, each
between well-formed events, so that a consumer that fails late still has
something to lose.

The big pieces are built by repetition (``b"x" * n``), never drawn byte by byte,
so a draw costs about as much as allocating it; the sizes are drawn from the
boundaries (limit - 1, limit, limit + 1) and a few multiples, and shrink
towards the smallest.  Everything a stream holds is within ``max_total_bytes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st

from sseparse.testing._check import check_choices, check_int

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["HOSTILE_KINDS", "hostile_streams"]

#: The attacks :func:`hostile_streams` can draw.
HOSTILE_KINDS: tuple[str, ...] = (
    "huge_line",
    "huge_event",
    "boms",
    "invalid_utf8",
    "cr_storm",
    "nuls",
    "tiny_events",
    "retry_junk",
    "deep_json",
)

_BOM = b"\xef\xbb\xbf"
_EOLS = (b"\n", b"\r", b"\r\n")
_INVALID_UTF8 = (
    b"\x80",
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\xe0\x80\xaf",
)
_BAD_RETRIES = (b"", b"-1", b"+5", b"5.0", b"1e3", b"0x10", b"nan", b"\xd9\xa3")


class _Sizes:
    """The options of one :func:`hostile_streams` call."""

    def __init__(
        self,
        line: int,
        event: int,
        retry: int,
        depth: int,
        events: int,
        total: int,
    ) -> None:
        self.line = line
        self.event = event
        self.retry = retry
        self.depth = depth
        self.events = events
        self.total = total

    def around(self, limit: int) -> st.SearchStrategy[int]:
        """Sizes at a bound: under, at and past it, and far past it; at most
        the total budget."""
        near = [n for n in (limit + 1, limit, limit - 1, 2 * limit) if n > 0]
        return st.sampled_from([n for n in near if n <= self.total] or [self.total])


def _eol() -> st.SearchStrategy[bytes]:
    return st.sampled_from(_EOLS)


@st.composite
def _huge_line(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    """One line of about ``max_line_bytes`` (terminator excluded)."""
    size = draw(sizes.around(sizes.line))
    prefix = draw(
        st.sampled_from([b"data: ", b"data:", b":", b"event: ", b"id: ", b""])
    )
    filler = draw(st.sampled_from([b"x", b"\xc3\xa9", b" ", b"\xe2\x82\xac"]))
    body = (filler * (size // len(filler) + 1))[: max(0, size - len(prefix))]
    end = draw(st.sampled_from([*_EOLS, b"\n\n", b""]))  # b"": the stream ends in it
    return prefix + body + end


@st.composite
def _huge_event(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    """Short ``data`` lines that add up to about ``max_event_chars``.

    Each line counts its characters plus one (the line feed that joins it).
    """
    total = draw(sizes.around(sizes.event))
    width = draw(st.integers(0, max(0, min(sizes.line - 6, 255))))
    count = max(1, total // (width + 1) + draw(st.integers(0, 1)))
    count = min(count, sizes.total // (width + 7) or 1)
    eol = draw(_eol())
    return (b"data: " + b"y" * width + eol) * count + eol


@st.composite
def _boms(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    """Byte order marks where only the first one at the very start is special."""
    places = [
        _BOM + b"data: after a BOM\n\n",
        _BOM + _BOM + b"data: two\n\n",
        b"data:" + _BOM + b"x\n\n",
        _BOM + b"data: a BOM before the field name\n\n",
        b"da" + _BOM + b"ta: inside a name\n\n",
        b"\xef\xbbdata: a cut BOM\n\n",
        b": " + _BOM + b"\n",
        _BOM * draw(st.integers(1, max(1, min(sizes.line // 3, 10_000)))) + b"\n\n",
    ]
    return b"".join(draw(st.lists(st.sampled_from(places), min_size=1, max_size=4)))


@st.composite
def _invalid_utf8(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    bad = st.sampled_from(_INVALID_UTF8)
    value = b"".join(draw(st.lists(bad | st.binary(max_size=4), min_size=1)))
    name = draw(st.sampled_from([b"data", b"event", b"id", b"d\xffata", b"\x80"]))
    many = draw(st.sampled_from([1, 1, max(1, sizes.line // 8)]))
    return (name + b": " + value * many)[: sizes.line + 1] + draw(_eol()) + b"\n"


@st.composite
def _cr_storm(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    """Many line ends in a row: each ends a line, every second one a block."""
    count = draw(st.sampled_from([2, 1000, max(2, sizes.total // 4)]))
    unit = draw(st.sampled_from([b"\r", b"\r\n", b"\n\r", b"\r\r\n"]))
    count = min(count, sizes.total // len(unit))
    return b"data: before the storm\n" + unit * count + b"data: after\n\n"


@st.composite
def _nuls(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    places = [
        b"data: \x00\n\n",
        b"id: \x00\ndata: an id with NUL is ignored\n\n",
        b"id: 1\x002\ndata: x\n\n",
        b"\x00: x\n\n",
        b"event: \x00\ndata: x\n\n",
        b"data\x00: x\n\n",
        b":\x00\n",
        b"\x00" * draw(st.sampled_from([1, max(1, sizes.line)])) + b"\n\n",
    ]
    return b"".join(draw(st.lists(st.sampled_from(places), min_size=1, max_size=4)))


@st.composite
def _tiny_events(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    unit = draw(
        st.sampled_from(
            [b"data:\n\n", b"data:x\n\n", b"data\r\r", b":\n", b"id:\n\n", b"\n"]
        )
    )
    count = draw(st.sampled_from([sizes.events, max(1, sizes.events // 10)]))
    return unit * min(count, sizes.total // len(unit))


@st.composite
def _retry_junk(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    digits = draw(sizes.around(sizes.retry))
    value = draw(
        st.one_of(
            st.just(b"9" * digits),
            st.just(b"0" * draw(st.sampled_from([0, digits])) + b"1" * digits),
            st.sampled_from(_BAD_RETRIES),
            st.just(b"1" * digits + b"x"),
        )
    )
    value = value[: sizes.line - 7] if len(value) + 7 > sizes.line else value
    return b"retry: " + value + draw(_eol()) + b"data: x\n\n"


@st.composite
def _deep_json(draw: st.DrawFn, sizes: _Sizes) -> bytes:
    """``data`` nested ``max_json_depth`` deep and one deeper, within a line and
    an event (so that the JSON limit is what is reached), or 100,000 deep, which
    reaches whatever limit comes first."""
    opener = draw(st.sampled_from([b"[", b'{"a":']))
    closer = b"]" if opener == b"[" else b"}"
    closed = draw(st.booleans())
    depth = draw(st.sampled_from([sizes.depth, sizes.depth + 1, 100_000]))
    room = min(sizes.line - 8, sizes.event - 2) // (len(opener) + closed)
    if depth != 100_000:
        depth = max(1, min(depth, room))
    value = opener * depth + (closer * depth if closed else b"")
    return b"data: " + value[: sizes.total] + draw(_eol()) + b"\n"


_ATTACKS: dict[str, Callable[[_Sizes], st.SearchStrategy[bytes]]] = {
    "huge_line": _huge_line,
    "huge_event": _huge_event,
    "boms": _boms,
    "invalid_utf8": _invalid_utf8,
    "cr_storm": _cr_storm,
    "nuls": _nuls,
    "tiny_events": _tiny_events,
    "retry_junk": _retry_junk,
    "deep_json": _deep_json,
}

_GOOD = st.sampled_from(
    [b"", b"data: hello\n\n", b"event: x\ndata: {}\nid: 7\n\n", b": ping\n"]
)


@st.composite
def _streams(
    draw: st.DrawFn, attacks: list[st.SearchStrategy[bytes]], total: int
) -> bytes:
    attack = st.one_of(attacks)
    out = [draw(_GOOD)]
    for _ in range(draw(st.integers(1, 3))):
        out.append(draw(attack))
        out.append(draw(_GOOD))
    body = b"".join(out)
    return body[:total]


def hostile_streams(
    *,
    max_line_bytes: int = 8192,
    max_event_chars: int = 16384,
    max_retry_digits: int = 4300,
    max_json_depth: int = 1000,
    max_events: int = 10_000,
    max_total_bytes: int = 1 << 20,
    kinds: Sequence[str] = HOSTILE_KINDS,
) -> st.SearchStrategy[bytes]:
    """Adversarial ``text/event-stream`` bodies, sized so a consumer's limits
    are reached.

    Pass the bounds your consumer enforces (for sseparse, the fields of
    :class:`~sseparse.Limits` of the same names); each stream holds one to
    three attacks (*kinds*) between well-formed events:

    * ``huge_line``: one line of ``max_line_bytes - 1``, ``max_line_bytes``,
      ``+ 1`` or twice as many bytes (field, comment or bare; ASCII or
      multibyte filler), ended by any line end or by the end of the stream;
    * ``huge_event``: short ``data`` lines adding up to about
      ``max_event_chars`` (each counted with its joining line feed) and past it;
    * ``boms``: BOMs after the first byte, doubled, inside names and values,
      cut, and a run of thousands;
    * ``invalid_utf8``: truncated, overlong and surrogate sequences and random
      bytes in names and values, up to a line's worth;
    * ``cr_storm``: a run of up to ``max_total_bytes / 4`` ``\\r`` (or ``\\r\\n``,
      ``\\n\\r``, ``\\r\\r\\n``): that many empty lines and blocks;
    * ``nuls``: NUL in values, ids (an id with NUL is ignored), names, comments,
      and a line of them;
    * ``tiny_events``: ``max_events`` (or a tenth as many) tiny events, comments
      or blank lines;
    * ``retry_junk``: ``retry`` values of ``max_retry_digits`` - 1, itself,
      + 1 and twice as many digits (also after as many leading zeros), and
      values that are not ASCII digits;
    * ``deep_json``: ``data`` of ``[`` (or ``{"a":``) nested ``max_json_depth``
      or one deeper (within a line and an event), or 100,000 deep, closed or
      not.

    A conforming decoder with those limits (sseparse's
    ``SSEDecoder(limits=Limits(...))``) either decodes a stream or raises its
    limit error (``LimitExceeded``), and holds at most ``max_line_bytes`` of a
    partial line and ``max_event_chars`` of data at any time.

    Args:
        max_line_bytes: the consumer's bound on one line's bytes (at least
            16: the well-formed events between the attacks need room).
        max_event_chars: the consumer's bound on one event's data (at least
            16).
        max_retry_digits: the consumer's bound on a ``retry`` value's digits.
        max_json_depth: the consumer's bound on JSON nesting in ``data``.
        max_events: how many tiny events a ``tiny_events`` attack sends.
        max_total_bytes: the most bytes in one stream (the attacks are cut to
            fit; at least 1024).
        kinds: the attacks to draw, from :data:`HOSTILE_KINDS`.

    Returns:
        A strategy of ``bytes``.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    where = "hostile_streams"
    sizes = _Sizes(
        line=check_int(where, "max_line_bytes", max_line_bytes, low=16),
        event=check_int(where, "max_event_chars", max_event_chars, low=16),
        retry=check_int(where, "max_retry_digits", max_retry_digits, low=1),
        depth=check_int(where, "max_json_depth", max_json_depth, low=1),
        events=check_int(where, "max_events", max_events, low=1),
        total=check_int(where, "max_total_bytes", max_total_bytes, low=1024),
    )
    chosen = check_choices(where, "kinds", kinds, HOSTILE_KINDS)
    attacks = [_ATTACKS[kind](sizes) for kind in dict.fromkeys(chosen)]
    return _streams(attacks, sizes.total)
