"""The integer digit limit (``sys.get_int_max_str_digits()``) and chunking.

``json.loads`` refuses an integer with more digits than the interpreter's limit
(a plain ``ValueError``), and reads the limit when it converts the number.  The
parser must do the same for every chunking of the text: the same value, or the
same ``JSONStreamError`` (a ``json.JSONDecodeError``) at the same position with
the same message, the parser left in ``ERROR`` and refusing any further use.
Floats (a fraction or an exponent) have no such limit.

Every test that lowers the limit restores it, even when it fails.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from sseparse import JSONStreamError, UsageError
from sseparse.jsonstream import IncompleteJSON, JSONStreamParser, ParserState
from sseparse.testing import same_json as same
from tests.helpers import int_digit_limit

DEFAULT_LIMIT = 4300  # CPython's default sys.get_int_max_str_digits()


def feedings(text: str) -> list[tuple[str, list[str]]]:
    """Whole, character by character, in fixed sizes, and cut in two at every offset."""
    ways: list[tuple[str, list[str]]] = [("whole", [text]), ("chars", list(text))]
    ways.extend(
        (f"size{size}", [text[i : i + size] for i in range(0, len(text), size)])
        for size in (2, 7, 640)
    )
    ways.extend((f"cut{i}", ["", text[:i], text[i:]]) for i in range(len(text) + 1))
    return ways


Outcome = tuple[Any, ...]


def outcome(pieces: list[str]) -> Outcome:
    """Feed *pieces* and close: ``("ok", value)`` or the error, fully described.

    After an error the parser must be in ``ERROR`` and refuse ``feed()`` and
    ``close()`` with ``UsageError``; the error must be a positioned
    ``JSONStreamError`` that says what was expected and what came.
    """
    parser = JSONStreamParser()
    error: JSONStreamError | None = None
    try:
        for piece in pieces:
            parser.feed(piece)
        value = parser.close()
    except JSONStreamError as exc:
        error = exc
    if error is None:
        return ("ok", value)
    assert isinstance(error, json.JSONDecodeError)
    assert parser.state is ParserState.ERROR
    with pytest.raises(UsageError):
        parser.feed("")
    with pytest.raises(UsageError):
        parser.feed("]")
    with pytest.raises(UsageError):
        parser.close()
    assert parser.state is ParserState.ERROR
    return ("error", type(error), error.pos, error.lineno, error.colno, error.msg)


def loads_outcome(text: str) -> tuple[str, Any]:
    """``("ok", value)`` or ``("error", None)``: what ``json.loads`` does."""
    try:
        return ("ok", json.loads(text))
    except ValueError:
        return ("error", None)


def check_all_feedings(text: str, ways: list[tuple[str, list[str]]]) -> Outcome:
    """Every feeding gives the same outcome, and it agrees with ``json.loads``."""
    want = loads_outcome(text)
    first = outcome([text])
    assert first[0] == want[0], (first, want)
    if want[0] == "ok":
        assert same(first[1], want[1])
    for name, pieces in ways:
        got = outcome(pieces)
        if want[0] == "ok":
            assert got[0] == "ok", (name, got)
            assert same(got[1], want[1]), name
        else:
            assert got == first, name
    return first


# (text, limit, offset of the error or None when json.loads gives a value)
ROWS: list[tuple[str, int, int | None]] = [
    # the case: the fast path once raised a bare ValueError here
    ("[" + "1" * 1000 + "]", 640, 1001),
    ("1" * 1000, 640, 1000),  # top level: only close() ends it
    ("1" * 640, 640, None),
    ("-" + "1" * 640, 640, None),  # the sign is not a digit
    ("-" + "1" * 641, 640, 642),
    ("[" + "1" * 641 + " ]", 640, 642),
    ('{"a": ' + "9" * 700 + "}", 640, 706),
    ('{"a": 1, "b": [' + "9" * 640 + ", -" + "8" * 641 + "]}", 640, 1299),
    ("[\n" + "1" * 700 + "\n]", 640, 702),
    # floats have no digit limit
    ("[" + "1" * 1000 + ".5]", 640, None),
    ("1" * 1000 + "e5", 640, None),
    ("-" + "1" * 1000 + "E-5", 640, None),
    ("[" + "1" * 700 + "e+0, " + "2" * 700 + ".0]", 640, None),
    ("0." + "1" * 1000, 640, None),
    # the default limit
    ("1" * DEFAULT_LIMIT, DEFAULT_LIMIT, None),
    ("[" + "1" * DEFAULT_LIMIT + "]", DEFAULT_LIMIT, None),
    ("[" + "1" * (DEFAULT_LIMIT + 1) + "]", DEFAULT_LIMIT, DEFAULT_LIMIT + 2),
    ("1" * (DEFAULT_LIMIT + 1), DEFAULT_LIMIT, DEFAULT_LIMIT + 1),
    # 0: no limit
    ("[" + "1" * 5000 + "]", 0, None),
    ("-" + "1" * 5000, 0, None),
]


@pytest.mark.parametrize(("text", "limit", "pos"), ROWS)
def test_every_feeding_agrees_with_json_loads(
    text: str, limit: int, pos: int | None
) -> None:
    with int_digit_limit(limit):
        assert loads_outcome(text)[0] == ("ok" if pos is None else "error")
        got = check_all_feedings(text, feedings(text))
    if pos is None:
        return
    _, cls, at, lineno, colno, msg = got
    assert cls is JSONStreamError  # a malformed document, not a cut one
    assert not issubclass(cls, IncompleteJSON)
    assert at == pos
    assert (lineno, colno) == (
        text.count("\n", 0, pos) + 1,
        pos - text.rfind("\n", 0, pos),
    )
    # what was expected, what came, and where the number starts
    number = re.search(r"-?([0-9]+)$", text[:pos])  # the integer that ends there
    assert number is not None
    assert f"at most {limit} digits" in msg
    assert f"got {len(number[1])} digits" in msg
    assert f"starts at offset {number.start()}" in msg


def test_the_limit_is_read_when_the_number_ends() -> None:
    text = "[" + "1" * 1000
    big = (10**1000 - 1) // 9  # the integer 11...1 (1000 digits)
    with int_digit_limit(640):
        parser = JSONStreamParser()
        parser.feed(text)  # not yet an integer: a "." could follow
        with int_digit_limit(0):
            parser.feed("]")
        assert parser.close() == [big]
    parser = JSONStreamParser()
    parser.feed(text)
    with int_digit_limit(640), pytest.raises(JSONStreamError):
        parser.feed("]")
    assert parser.state is ParserState.ERROR


def test_snapshot_keeps_what_came_before_the_error() -> None:
    with int_digit_limit(640):
        parser = JSONStreamParser()
        with pytest.raises(JSONStreamError):
            parser.feed('{"a": [1, "x", ' + "1" * 641 + "]}")
    assert parser.snapshot() == {"a": [1, "x"]}


# -- properties: random documents around the limit, random chunkings -----------------

LIMITS = (640, 641, 700, 1000)


@st.composite
def numbers(draw: st.DrawFn, limit: int) -> str:
    """A number whose integer part has about *limit* digits, or a short one."""
    width = draw(
        st.one_of(
            st.integers(min_value=limit - 2, max_value=limit + 2),
            st.integers(min_value=1, max_value=3),
        )
    )
    digits = draw(st.sampled_from("123456789")) + "7" * (width - 1)
    sign = draw(st.sampled_from(("", "-")))
    tail = draw(st.sampled_from(("", "", "", ".5", "e3", "E-2", ".25e+1")))
    return sign + digits + tail


@st.composite
def documents(draw: st.DrawFn) -> tuple[int, str]:
    """A limit and a JSON document (maybe cut short) with numbers around it."""
    limit = draw(st.sampled_from(LIMITS))
    items = draw(st.lists(numbers(limit), min_size=1, max_size=4))
    space = draw(st.sampled_from(("", " ", "\n", " \r\n\t")))
    shape = draw(st.sampled_from(("top", "array", "object")))
    if shape == "top":
        text = space + items[0] + space
    elif shape == "array":
        text = "[" + space + ("," + space).join(items) + space + "]"
    else:
        members = (f'"k{i}":{space}{item}' for i, item in enumerate(items))
        text = "{" + ("," + space).join(members) + "}"
    if draw(st.booleans()):
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return limit, text


@given(documents(), st.data())
def test_random_chunkings_agree_with_json_loads(
    doc: tuple[int, str], data: st.DataObject
) -> None:
    limit, text = doc
    cuts = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(text)), max_size=12).map(sorted)
    )
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    note(f"limit={limit} pieces={[len(p) for p in pieces]}")
    with int_digit_limit(limit):
        want = loads_outcome(text)
        whole = outcome([text])
        got = outcome(pieces)
        bytewise = outcome(list(text))
    assert whole[0] == want[0] == got[0] == bytewise[0], (whole, got, want)
    if want[0] == "ok":
        assert same(whole[1], want[1])
        assert same(got[1], want[1])
        assert same(bytewise[1], want[1])
    else:
        assert got == whole == bytewise
