"""Hypothesis strategies for incremental JSON parsers.

Theory of operation
-------------------
Three strategies serve the three inputs of an incremental parser's tests:

* :func:`json_values` are Python values that ``json`` can serialise and read back
  unchanged: the *expected* results of round-trip properties.
* :func:`json_texts` are documents as a peer could send them: a value dumped with
  random ``json.dumps`` options (indentation, separators, ``ensure_ascii``, key
  order), with some characters re-escaped as ``\\uXXXX`` or ``\\/`` (forms
  ``json.dumps`` never writes) and extra whitespace between tokens.
* :func:`json_deltas` and :func:`split_text` cut a text into the deltas a stream
  delivers.  :func:`json_deltas` prefers the cuts that incremental parsers get
  wrong: inside an escape (``\\`` | ``u00e9``, ``\\u00`` | ``e9``), between the
  two halves of an escaped surrogate pair, inside a number or a literal, right
  after a quote.

Everything shrinks towards small, plain ASCII documents in one piece.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse.testing._check import check_bool, check_int

__all__ = ["json_deltas", "json_texts", "json_values", "same_json", "split_text"]

# Characters that trip JSON readers and writers: the quote and backslash, the
# slash (``\\/`` is a legal escape), every kind of control character (raw ones
# must be escaped), DEL, characters json.dumps writes as escapes, whitespace JSON
# does not allow outside strings (NBSP, LS, PS, BOM), and one character of each
# UTF-8 length, including an astral one (a surrogate pair with ensure_ascii).
_TRICKY_CHARS = (
    '"\\/\b\f\n\r\t\x00\x01\x1f\x7f\x85\xa0\u2028\u2029\ufeff\ufffd'
    "\u00e9\u20ac\U0001f600\U0010ffff :,[]{}"
)
_SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00")
# A high surrogate directly followed by a low one: ensure_ascii writes the two as
# an escaped pair, which json.loads joins into one astral character.
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")

# Strictly below CPython's default sys.get_int_max_str_digits() (4300).
_MAX_INT_DIGITS = 3999

_INDENTS: tuple[int | str | None, ...] = (None, None, 0, 2, "\t", "   ")
_SEPARATORS: tuple[tuple[str, str] | None, ...] = (
    None,
    (",", ":"),
    (", ", ": "),
    (",", ": "),
    (" ,", " : "),
)
_WHITESPACE = " \t\n\r"
_SPACE = st.text(st.sampled_from(_WHITESPACE), max_size=4)


def _no_pairs(text: str) -> str:
    """Put an ``x`` between each adjacent high and low surrogate."""
    return _PAIR.sub(lambda match: match[0][0] + "x" + match[0][1], text)


def _strings(*, lone_surrogates: bool, max_size: int) -> st.SearchStrategy[str]:
    chars = st.one_of(
        st.sampled_from(_TRICKY_CHARS),
        st.characters(exclude_categories=["Cs"]),
    )
    if not lone_surrogates:
        return st.text(chars, max_size=max_size)
    chars = st.one_of(chars, st.sampled_from(_SURROGATES))
    return st.text(chars, max_size=max_size).map(_no_pairs)


def _huge_ints() -> st.SearchStrategy[int]:
    """Integers of 1 to 3999 decimal digits, either sign, boundaries first."""
    magnitude = st.integers(1, _MAX_INT_DIGITS).flatmap(
        lambda digits: st.one_of(
            st.just(10**digits - 1),
            st.just(10 ** (digits - 1)),
            st.integers(10 ** (digits - 1), 10**digits - 1),
        )
    )
    return st.builds(
        lambda n, negative: -n if negative else n, magnitude, st.booleans()
    )


def json_values(
    *,
    max_leaves: int = 40,
    allow_nan: bool = False,
    lone_surrogates: bool = False,
) -> st.SearchStrategy[Any]:
    """JSON-compatible Python values, nested.

    Leaves are ``None``, bools, ints (from small to 3999 decimal digits, under
    CPython's default int conversion limit), floats (``-0.0``, subnormals and
    huge ones included) and strings of any Unicode (quotes, backslashes, control
    characters, astral characters).  Containers are lists and dicts with ``str``
    keys.  ``json.loads(json.dumps(value, ensure_ascii=a, allow_nan=True))``
    equals the value for either ``a`` (with ``nan`` compared as equal to itself).

    Args:
        max_leaves: about the most leaves in one value.
        allow_nan: also draw ``nan``, ``inf`` and ``-inf`` (which ``json.dumps``
            writes as ``NaN``, ``Infinity`` and ``-Infinity``).
        lone_surrogates: strings may also hold unpaired surrogates (never a high
            one directly before a low one, which ``ensure_ascii`` would turn into
            a pair that reads back as one character).  Such strings cannot be
            encoded to UTF-8.

    Returns:
        A strategy of ``None | bool | int | float | str | list | dict`` values.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    return _values(
        *_value_options("json_values", max_leaves, allow_nan, lone_surrogates)
    )


def _value_options(
    where: str, max_leaves: object, allow_nan: object, lone_surrogates: object
) -> tuple[int, bool, bool]:
    return (
        check_int(where, "max_leaves", max_leaves, low=1),
        check_bool(where, "allow_nan", allow_nan),
        check_bool(where, "lone_surrogates", lone_surrogates),
    )


@functools.cache
def _values(
    max_leaves: int, allow_nan: bool, lone_surrogates: bool
) -> st.SearchStrategy[Any]:
    # Cached: building (and validating) a recursive strategy anew for every
    # draw of json_texts() would cost more than drawing from it.
    strings = _strings(lone_surrogates=lone_surrogates, max_size=20)
    keys = _strings(lone_surrogates=lone_surrogates, max_size=8)
    leaves: st.SearchStrategy[Any] = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        _huge_ints(),
        st.floats(allow_nan=allow_nan, allow_infinity=allow_nan),
        strings,
    )

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.lists(children, max_size=6),
            st.dictionaries(keys, children, max_size=6),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def _scan(text: str) -> list[tuple[str, bool]]:
    """Split JSON text from ``json.dumps`` into (piece, inside_a_string) pairs.

    Each piece is one character, or one whole escape inside a string; the quotes
    of a string count as outside it.
    """
    pieces: list[tuple[str, bool]] = []
    in_string = False
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if not in_string:
            in_string = char == '"'
            pieces.append((char, False))
            i += 1
        elif char == '"':
            in_string = False
            pieces.append((char, False))
            i += 1
        elif char == "\\":
            size = 6 if text[i + 1] == "u" else 2
            pieces.append((text[i : i + size], True))
            i += size
        else:
            pieces.append((char, True))
            i += 1
    return pieces


def _escape(char: str, upper: bool) -> str:
    """*char* (one code point) as the ``\\uXXXX`` escapes JSON allows."""
    code = ord(char)
    units: tuple[int, ...] = (code,)
    if code > 0xFFFF:
        code -= 0x10000
        units = (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))
    form = "\\u{:04X}" if upper else "\\u{:04x}"
    return "".join(form.format(unit) for unit in units)


@st.composite
def _respell(draw: st.DrawFn, text: str) -> str:
    """Rewrite *text* (from json.dumps) into an equivalent, less usual spelling."""
    pieces = _scan(text)
    if not pieces:
        return text
    indices = st.integers(0, len(pieces) - 1)
    escaped = set(draw(st.lists(indices, max_size=8)))
    spaced = set(draw(st.lists(indices, max_size=8)))
    upper = draw(st.booleans())
    out: list[str] = []
    for index, (piece, in_string) in enumerate(pieces):
        if in_string and index in escaped and not piece.startswith("\\"):
            out.append("\\/" if piece == "/" and upper else _escape(piece, upper))
        elif in_string and index in escaped and piece.startswith("\\u") and upper:
            out.append("\\u" + piece[2:].upper())
        else:
            out.append(piece)
        if not in_string and index in spaced and piece in "[]{},:":
            out.append(draw(_SPACE))
    return "".join(out)


@st.composite
def _json_texts(
    draw: st.DrawFn, max_leaves: int, allow_nan: bool, lone_surrogates: bool
) -> str:
    ensure_ascii = draw(st.booleans())
    value = draw(
        json_values(
            max_leaves=max_leaves,
            allow_nan=allow_nan,
            # escaped only: the text stays encodable as UTF-8
            lone_surrogates=lone_surrogates and ensure_ascii,
        )
    )
    text = json.dumps(
        value,
        indent=draw(st.sampled_from(_INDENTS)),
        separators=draw(st.sampled_from(_SEPARATORS)),
        ensure_ascii=ensure_ascii,
        sort_keys=draw(st.booleans()),
        allow_nan=True,
    )
    if draw(st.booleans()):
        text = draw(_respell(text))
    return draw(_SPACE) + text + draw(_SPACE)


def json_texts(
    *,
    max_leaves: int = 40,
    allow_nan: bool = False,
    lone_surrogates: bool = True,
) -> st.SearchStrategy[str]:
    """Valid JSON documents, spelt in the many ways a peer may spell them.

    A :func:`json_values` value is dumped with random ``indent`` (none, 0, 2,
    a tab, spaces), ``separators``, ``ensure_ascii`` and ``sort_keys``; then,
    sometimes, characters in strings are re-escaped as ``\\uXXXX`` (lower or
    upper case hex, surrogate pairs for astral characters), ``/`` as ``\\/``,
    and whitespace of all four JSON kinds is added around structural
    characters.  Leading and trailing whitespace may surround the document.

    ``json.loads`` accepts every text.

    Args:
        max_leaves: about the most leaves in the value.
        allow_nan: the value may hold ``nan``, ``inf`` and ``-inf``, so the text
            may hold ``NaN``, ``Infinity`` and ``-Infinity``.
        lone_surrogates: with ``ensure_ascii`` output, strings may hold escaped
            unpaired surrogates (``"\\ud83dx"``).  The text itself never holds a
            surrogate, so it always encodes to UTF-8.

    Returns:
        A strategy of ``str``.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    return _json_texts(
        *_value_options("json_texts", max_leaves, allow_nan, lone_surrogates)
    )


_HIGH_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?=\\u)")
_TOKEN = re.compile(r"-?[0-9][-+.0-9eE]*|true|false|null|NaN|-?Infinity")


def _tricky_cuts(text: str) -> list[int]:
    """Cut offsets that incremental JSON parsers tend to get wrong."""
    cuts: set[int] = set()
    i = text.find("\\")
    while i >= 0:
        size = 6 if text[i + 1 : i + 2] == "u" else 2
        cuts.update(range(i + 1, min(i + size, len(text)) + 1))
        i = text.find("\\", i + size)
    cuts.update(match.end() for match in _HIGH_ESCAPE.finditer(text))
    for match in _TOKEN.finditer(text):
        cuts.update(range(match.start() + 1, match.end() + 1))
    cuts.update(match.end() for match in re.finditer('"', text))
    return sorted(cut for cut in cuts if 0 < cut < len(text))


@st.composite
def _split(
    draw: st.DrawFn, text: str, tricky: list[int], max_random_cuts: int, empty: bool
) -> list[str]:
    n = len(text)
    position = st.integers(0, n)
    if tricky:
        position = st.one_of(position, st.sampled_from(tricky))
    # Repeated positions, 0 and n make empty pieces.
    cuts = draw(st.lists(position, max_size=max_random_cuts))
    if n and draw(st.booleans()):
        # a run of one-character pieces
        start = draw(st.integers(0, n - 1))
        stop = draw(st.integers(start + 1, min(n, start + 64)))
        cuts.extend(range(start, stop + 1))
    if n and draw(st.booleans()):
        # fixed-size deltas, as from a token stream
        step = draw(st.integers(1, n))
        cuts.extend(range(step, n, step))
    if not empty:
        cuts = [cut for cut in set(cuts) if 0 < cut < n]
    cuts.sort()
    return [text[a:b] for a, b in itertools.pairwise([0, *cuts, n])]


def _split_options(
    where: str, text: object, max_random_cuts: object, empty_pieces: object
) -> tuple[str, int, bool]:
    if not isinstance(text, str):
        raise InvalidArgument(f"{where}(text) expects a str, got {type(text).__name__}")
    return (
        text,
        check_int(where, "max_random_cuts", max_random_cuts, low=0),
        check_bool(where, "empty_pieces", empty_pieces),
    )


def split_text(
    text: str, *, max_random_cuts: int = 32, empty_pieces: bool = True
) -> st.SearchStrategy[list[str]]:
    """Ways to cut *text* into deltas, at any character offsets.

    The pieces concatenate to exactly *text*.  They include empty pieces (also
    first and last), runs of one-character pieces and fixed-size pieces.  The
    strategy shrinks towards ``[text]``.

    Args:
        text: the text to cut.
        max_random_cuts: the most cuts at drawn places, on top of the runs of
            one-character pieces and the fixed-size pieces.
        empty_pieces: allow empty pieces; ``False``: each piece has at least
            one character (and ``""`` gives ``[""]``).

    Returns:
        A strategy of lists of ``str`` whose ``"".join`` is *text*.

    Raises:
        hypothesis.errors.InvalidArgument: *text* is not a str, or an option of
            the wrong type or range.
    """
    text, cuts, empty = _split_options(
        "split_text", text, max_random_cuts, empty_pieces
    )
    return _split(text, [], cuts, empty)


def json_deltas(
    text: str, *, max_random_cuts: int = 32, empty_pieces: bool = True
) -> st.SearchStrategy[list[str]]:
    """Ways to cut JSON *text* into deltas, preferring the tricky cuts.

    Like :func:`split_text`, and half the cuts are drawn from the places where
    incremental parsers break: inside each escape (after the backslash, after
    each hex digit of ``\\uXXXX``), between the two escapes of a surrogate
    pair, inside numbers and literals, and right after each quote.  *text*
    need not be valid JSON.

    Args:
        text: the JSON text to cut.
        max_random_cuts, empty_pieces: as for :func:`split_text`.

    Returns:
        A strategy of lists of ``str`` whose ``"".join`` is *text*.

    Raises:
        hypothesis.errors.InvalidArgument: *text* is not a str, or an option of
            the wrong type or range.
    """
    text, cuts, empty = _split_options(
        "json_deltas", text, max_random_cuts, empty_pieces
    )
    return _split(text, _tricky_cuts(text), cuts, empty)


def same_json(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same, as a parser must return them.

    Type-exact: ``nan`` equals ``nan``, ``-0.0`` differs from ``0.0``, ``1``
    from ``1.0`` and ``True``, and dicts must agree on key order too.
    Iterative, so that documents nested 100,000 deep compare too.
    """
    todo = [(a, b)]
    while todo:
        x, y = todo.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, float):
            if math.isnan(x) or math.isnan(y):
                if not (math.isnan(x) and math.isnan(y)):
                    return False
            elif x != y or math.copysign(1.0, x) != math.copysign(1.0, y):
                return False
        elif isinstance(x, dict):
            if list(x) != list(y):
                return False
            todo.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            todo.extend(zip(x, y, strict=True))
        elif x != y:
            return False
    return True
