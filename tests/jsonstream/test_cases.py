"""Table-driven tests of ``sseparse.jsonstream``.

Every row is fed whole, character by character, in fixed-size pieces, with empty
pieces around it and cut in two at many offsets; all feedings must agree.

1. Cuts: the snapshot and ``open_path`` after a prefix, and ``close()`` raising
   ``IncompleteJSON`` on it.
2. Parity with ``json.loads`` on complete documents, and an error table: the
   parser raises ``JSONStreamError`` from the ``feed()`` that brings the first bad
   character, with ``pos``, ``lineno`` and ``colno`` pointing at it.
3. The error API: the exception hierarchy, line and column on multi-line input,
   sticky failure, misuse, pickling.
4. Depth and size limits: no recursion at any depth, ``LimitExceeded`` with the
   right fields, exact boundaries.
"""

from __future__ import annotations

import copy
import json
import math
import pickle
from typing import Any

import pytest

import sseparse
from sseparse import JSONStreamError, LimitExceeded, Limits, ProtocolError, UsageError
from sseparse.jsonstream import (
    MISSING,
    ContainerStarted,
    IncompleteJSON,
    JSONStreamParser,
    ParserState,
    StringDelta,
    ValueDone,
    parse_partial,
)
from sseparse.testing import same_json as same

Path = tuple[str | int, ...]

# -- helpers (also used by test_properties) ----------------------------------------


def splittings(text: str) -> list[tuple[str, list[str]]]:
    """Named ways to cut *text*: whole, per character, fixed sizes, in two."""
    n = len(text)
    ways: list[tuple[str, list[str]]] = [
        ("whole", [text]),
        ("chars", list(text)),
        ("padded", ["", text[: n // 2], "", text[n // 2 :], ""]),
    ]
    ways.extend(
        (f"size{size}", [text[i : i + size] for i in range(0, n, size)])
        for size in (2, 3, 7)
    )
    cuts = range(n + 1) if n <= 40 else sorted({1, 2, n // 3, n // 2, n - 2, n - 1})
    ways.extend((f"cut{i}", [text[:i], text[i:]]) for i in cuts)
    return ways


def feed_all(parser: JSONStreamParser, pieces: list[str]) -> None:
    for piece in pieces:
        parser.feed(piece)


def raises_on_feed(text: str) -> bool:
    try:
        JSONStreamParser().feed(text)
    except JSONStreamError:
        return True
    return False


# -- 1. cuts -----------------------------------------------------------------------

# (prefix, snapshot after it, open_path after it); close() must raise IncompleteJSON.
CUTS: list[tuple[str, Any, Path | None]] = [
    ("", MISSING, None),
    (" \t\n\r", MISSING, None),
    ('{"a": "hel', {"a": "hel"}, ("a",)),
    ('{"ke', {}, ()),
    ('{"key"', {}, ()),
    ('{"key":', {}, ()),
    ('{"key": ', {}, ()),
    ('{"a": 1', {}, ("a",)),
    ('{"a": 1 ', {"a": 1}, ()),
    ('{"a": 1,', {"a": 1}, ()),
    ('{"a": "x", "b', {"a": "x"}, ()),
    ("-", MISSING, ()),
    ("-0.", MISSING, ()),
    ("fals", MISSING, ()),
    ("-Infin", MISSING, ()),
    ("[12", [], (0,)),
    ("[1.", [], (0,)),
    ("[1.5", [], (0,)),
    ("[1e", [], (0,)),
    ("[1e-", [], (0,)),
    ("[-", [], (0,)),
    ("[tru", [], (0,)),
    ("[nul", [], (0,)),
    ("[NaN", [], (0,)),
    ("[-Inf", [], (0,)),
    ("[1, 22", [1], (1,)),
    ('"', "", ()),
    ('"abc', "abc", ()),
    ('"\\u00', "", ()),
    ('"\\u00e', "", ()),
    ('"ab\\', "ab", ()),
    ('"ab\\u', "ab", ()),
    ('"\\ud83d', "", ()),
    ('"\\ud83d\\', "", ()),
    ('"\\ud83d\\u', "", ()),
    ('"\\ud83d\\ude0', "", ()),
    ('"\\ud83d\\ude00', "\U0001f600", ()),
    ('"\\ud83dx', "\ud83dx", ()),
    ('"\\ud83d\\n', "\ud83d\n", ()),
    ('"\\ud83d\\ud83d', "\ud83d", ()),
    ('"\\\\ud83d', "\\ud83d", ()),
    ('"\\u00e9\\', "\u00e9", ()),
    ('{"a": "\\u00', {"a": ""}, ("a",)),
    ('["x", "y', ["x", "y"], (1,)),
    ("[", [], ()),
    ("{", {}, ()),
    ("[[]", [[]], ()),
    ('{"a": {}', {"a": {}}, ()),
    ('{"a": [{"b": [', {"a": [{"b": []}]}, ("a", 0, "b")),
    ('[1, [2, {"c": tr', [1, [2, {}]], (1, 1, "c")),
    ('[1, [2, {"c": "d"', [1, [2, {"c": "d"}]], (1, 1)),
    ("[1, ", [1], ()),
    ('{"a": "b" \n', {"a": "b"}, ()),
    ("[true\t", [True], ()),
    ("[null,", [None], ()),
]


@pytest.mark.parametrize(("text", "expected", "open_path"), CUTS)
def test_cut_snapshot_and_open_path(
    text: str, expected: Any, open_path: Path | None
) -> None:
    assert same(parse_partial(text), expected)
    for name, pieces in splittings(text):
        parser = JSONStreamParser()
        feed_all(parser, pieces)
        assert same(parser.snapshot(), expected), name
        assert parser.open_path == open_path, name
        assert not parser.is_complete(), name
        assert not parser.done, name
        with pytest.raises(IncompleteJSON) as info:
            parser.close()
        assert info.value.pos == len(text)
        assert parser.state is ParserState.ERROR
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_split_surrogate_pair_snapshots() -> None:
    parser = JSONStreamParser()
    parser.feed('"\\ud83d')
    assert parser.snapshot() == ""
    parser.feed('\\ude00"')
    assert parser.snapshot() == "\U0001f600"
    assert parser.close() == "\U0001f600"


def test_lone_high_surrogate_then_char() -> None:
    parser = JSONStreamParser()
    parser.feed('"\\ud83d')
    assert parser.snapshot() == ""
    parser.feed("x")
    assert parser.snapshot() == "\ud83dx"
    parser.feed('"')
    assert parser.close() == "\ud83dx"


# (text, snapshot before close(), open_path before close(), close()).
COMPLETE: list[tuple[str, Any, Path | None, Any]] = [
    ("12", MISSING, (), 12),
    ("12 ", 12, None, 12),
    ("-0", MISSING, (), 0),
    ("true", MISSING, (), True),
    ("-Infinity", MISSING, (), -math.inf),
    ("1.5e3", MISSING, (), 1500.0),
    ("null\n", None, None, None),
    ('"abc"', "abc", None, "abc"),
    ('  "abc" \r\n', "abc", None, "abc"),
    ("[1]", [1], None, [1]),
    ("[1] ", [1], None, [1]),
    ("{}", {}, None, {}),
    (
        '{"a": [1, {"b": null}]}\t',
        {"a": [1, {"b": None}]},
        None,
        {"a": [1, {"b": None}]},
    ),
]


@pytest.mark.parametrize(("text", "expected", "open_path", "final"), COMPLETE)
def test_complete_document(
    text: str, expected: Any, open_path: Path | None, final: Any
) -> None:
    for name, pieces in splittings(text):
        parser = JSONStreamParser()
        feed_all(parser, pieces)
        assert same(copy.deepcopy(parser.snapshot()), expected), name
        assert parser.open_path == open_path, name
        assert parser.done is (open_path is None), name
        assert parser.is_complete() is (open_path is None), name
        assert same(parser.close(), final), name
        assert parser.state is ParserState.CLOSED
        assert parser.done
        assert parser.open_path is None
        assert parser.is_complete()
        assert parser.offset == len(text)


def test_snapshot_is_live_and_only_grows() -> None:
    parser = JSONStreamParser()
    parser.feed('{"a": [1, "x')
    live = parser.snapshot()
    kept = copy.deepcopy(live)
    assert kept == {"a": [1, "x"]}
    parser.feed('y"], "b": 2}')
    assert kept == {"a": [1, "x"]}
    assert live is parser.close()
    assert live == {"a": [1, "xy"], "b": 2}


def test_is_complete_paths() -> None:
    parser = JSONStreamParser()
    parser.feed('{"a": [1, {"b": "c"}], "d": "e')
    assert parser.open_path == ("d",)
    assert parser.is_complete(("a",))
    assert parser.is_complete(["a", 1, "b"])
    assert not parser.is_complete(("d",))
    assert not parser.is_complete(())
    assert not parser.is_complete(("z",))
    assert not parser.is_complete(("a", 5))
    assert not parser.is_complete(("a", "b"))
    parser.feed('"')
    assert parser.is_complete(("d",))
    assert not parser.is_complete(())
    parser.feed("}")
    assert parser.is_complete(())
    assert parser.open_path is None


def test_events() -> None:
    parser = JSONStreamParser(events=True)
    events: list[Any] = []
    for char in '{"k": ["x\\u00e9y", 1, {"b": null}], "c": ""}':
        events += parser.feed(char)
    final = parser.close()
    deltas = [e.delta for e in events if isinstance(e, StringDelta)]
    assert "".join(deltas) == "x\u00e9y"
    assert all(e.path == ("k", 0) for e in events if isinstance(e, StringDelta))
    assert [e for e in events if not isinstance(e, StringDelta)] == [
        ContainerStarted(path=(), kind="object"),
        ContainerStarted(path=("k",), kind="array"),
        ValueDone(path=("k", 0), value="x\u00e9y"),
        ValueDone(path=("k", 1), value=1),
        ContainerStarted(path=("k", 2), kind="object"),
        ValueDone(path=("k", 2, "b"), value=None),
        ValueDone(path=("k", 2), value={"b": None}),
        ValueDone(path=("k",), value=["x\u00e9y", 1, {"b": None}]),
        ValueDone(path=("c",), value=""),
        ValueDone(path=(), value=final),
    ]
    assert JSONStreamParser().feed("[1, 2") == []


@pytest.mark.parametrize(
    "pieces",
    [["", '"', "", "a", "", '"'], ['["', "", '"]'], ['{"a": "b', "", "", 'c"}']],
)
def test_no_empty_string_delta(pieces: list[str]) -> None:
    parser = JSONStreamParser(events=True)
    events: list[Any] = []
    for piece in pieces:
        events += parser.feed(piece)
    parser.close()
    assert all(e.delta for e in events if isinstance(e, StringDelta)), events


@pytest.mark.parametrize("text", ["12", "-0.5", "true", "null", "NaN", "-Infinity"])
def test_events_top_level_scalar_ended_by_close(text: str) -> None:
    # Every scalar gets its ValueDone.  For a top-level number or literal that
    # only close() ends, no feed() can report it: take_events() hands it over.
    expected = json.loads(text)
    spaced = JSONStreamParser(events=True).feed(text + " ")
    assert len(spaced) == 1
    assert isinstance(spaced[0], ValueDone)
    assert spaced[0].path == ()
    assert same(spaced[0].value, expected)
    parser = JSONStreamParser(events=True)
    events = parser.feed(text)
    assert same(parser.close(), expected)
    events += parser.take_events()
    assert [e.path for e in events if isinstance(e, ValueDone)] == [()]
    assert parser.take_events() == []


# -- 2. parity with json.loads -------------------------------------------------------

PARITY: list[str] = [
    "0",
    "-1",
    "1" + "0" * 3000,
    "-" + "9" * 4000,
    "[" + "7" * 4299 + "]",
    "1e400",
    "-1e400",
    "[1e400, -1E+400, 1e-400, -1e-400]",
    "-0",
    "-0.0",
    "0.0",
    "[-0, -0.0, 0e0, -0E-0, 0.5e1]",
    "1.5e-3",
    "123.456e78",
    "1E5",
    "1e+5",
    "NaN",
    "Infinity",
    "-Infinity",
    "[NaN,Infinity,-Infinity]",
    '{"a":NaN,"b":-Infinity}',
    "[true,false,null]",
    '"\\ud800"',
    '"\\udc00"',
    '"\\ud83dx"',
    '"\\ude00\\ud83d"',
    '"\\ud83d\\ud83d\\ude00"',
    '"\\ud83d\\u0041"',
    '"\\ud83d\\\\"',
    '"\\ud83d\\n"',
    '"\\ud83d"',
    '["\\udbff", "\\udfff"]',
    '"\\ud83d\\ude00"',
    '"\\uD83D\\uDE00"',
    '"\\ud83d\ude00"',
    '"\ud800"',
    '"\ud83d\ude00"',
    '"\\\\ud83d\\\\ude00"',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '"\\u0000\\u001f\\u0041\\u00E9\\u20ac"',
    '"\x7f\u00e9\U0001f600\u2028\u2029\ufeff"',
    '{"a": 1, "b": 2, "a": 3}',
    '{"a": [1], "b": 0, "a": {"x": "y"}}',
    '{"a": "long string", "a": "s"}',
    '[{"k": 1, "k": [2, {"k": 3, "k": 4}]}]',
    ' \t\n\r[ \t\n\r1 \t\n\r, \t\n\r{ \t\n\r"a" \t\n\r: \t\n\r2 \t\n\r} \t\n\r] \t\n\r',
    "[]",
    "{}",
    '""',
    '{"": ""}',
    "[[], {}, [[]], [{}]]",
    "[" * 500 + "]" * 500,
    '{"a":' * 300 + "1" + "}" * 300,
    "[" * 200 + '{"k": "v"}' + "]" * 200,
]


@pytest.mark.parametrize("text", PARITY)
def test_parity_with_json_loads(text: str) -> None:
    expected = json.loads(text)
    for name, pieces in splittings(text):
        parser = JSONStreamParser()
        feed_all(parser, pieces)
        assert same(parser.close(), expected), name


def test_duplicate_key_keeps_first_position() -> None:
    parser = JSONStreamParser()
    parser.feed('{"a": 1, "b": 2, "a": "x')
    assert list(parser.snapshot().items()) == [("a", "x"), ("b", 2)]
    parser.feed('y"}')
    assert list(parser.close().items()) == [("a", "xy"), ("b", 2)]


def test_big_values() -> None:
    parser = JSONStreamParser()
    parser.feed("[-0, -0.0, 1e400, " + "9" * 4000 + "]")
    value = parser.close()
    assert type(value[0]) is int
    assert math.copysign(1.0, value[1]) == -1.0
    assert value[2] == math.inf
    assert value[3] == 10**4000 - 1


# (text, offset of the first character after which no continuation is valid).
ERRORS: list[tuple[str, int]] = [
    ("01", 1),
    ("00", 1),
    ("-01", 2),
    ("[01]", 2),
    ("0x10", 1),
    ("[1,]", 3),
    ("[,1]", 1),
    ("[]]", 2),
    ('{"a":1,}', 7),
    ('{"a":1}}', 7),
    ('{"a" 1}', 5),
    ('{"a":}', 5),
    ('{"a",1}', 4),
    ('{"a":1 "b":2}', 7),
    ("{1:2}", 1),
    ("{,}", 1),
    ("[1:2]", 2),
    ("[1 2]", 3),
    ("1 2", 2),
    ("[1}", 2),
    ('{"a":1]', 6),
    ('"abc"x', 5),
    ('"a\x01b"', 2),
    ('"a\nb"', 2),
    ('"\x00"', 1),
    ('["ok", "\x1f"]', 8),
    ('"\\x"', 2),
    ('"\\\'"', 2),
    ('"\\u"', 3),
    ('"\\u00G0"', 5),
    ('"\\ud83d\\u12x4"', 11),
    ('"\\x\\u0g"', 2),
    ('"a\x01\\u0g"', 2),
    ('"\\\\u\\x"', 5),
    ('"\\\\uq\\x"', 6),
    ('"\\\\a\\q"', 5),
    ("tru e", 3),
    ("truex", 4),
    ("True", 0),
    ("nan", 1),
    ("NaNa", 3),
    ("Infinityy", 8),
    ("-Infinityx", 9),
    ("-Inf ", 4),
    ("-NaN", 1),
    ("-a", 1),
    ("--1", 1),
    ("+1", 0),
    (".5", 0),
    ("1.e5", 2),
    ("[1.]", 3),
    ("[1e]", 3),
    ("1.5.", 3),
    ("1e5e", 3),
    ("1e5.", 3),
    ("[-]", 2),
    ("\ufeff1", 0),
    ("\ufeff", 0),
    ("'a'", 0),
    ("[1,\x0b2]", 3),
    ("[\xa0]", 1),
    ("[1,\n 2,\n x]", 9),
    ('{\n\t"a": [\r\n1,\n2 ,]}', 17),
]


def _error_of(pieces: list[str]) -> tuple[JSONStreamError, int, int]:
    """Feed *pieces*; return the error and the offsets of the delta that raised."""
    parser = JSONStreamParser()
    start = 0
    for piece in pieces:
        try:
            parser.feed(piece)
        except JSONStreamError as exc:
            assert parser.state is ParserState.ERROR
            with pytest.raises(UsageError):
                parser.feed("")
            return exc, start, start + len(piece)
        start += len(piece)
    raise AssertionError(f"no error from feed(); close() gives {parser.close()!r}")


@pytest.mark.parametrize(("text", "pos"), ERRORS)
def test_error_at_first_bad_character(text: str, pos: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json.loads raises plain ValueError too
        json.loads(text)
    # Everything before the bad character is a prefix of some document...
    assert not raises_on_feed(text[:pos])
    parser = JSONStreamParser()
    feed_all(parser, list(text[:pos]))
    # ...and the bad character is refused.
    assert raises_on_feed(text[: pos + 1])
    lineno = text.count("\n", 0, pos) + 1
    colno = pos - text.rfind("\n", 0, pos)
    for name, pieces in splittings(text):
        exc, start, stop = _error_of(pieces)
        assert not isinstance(exc, IncompleteJSON), name
        assert (exc.pos, exc.lineno, exc.colno) == (pos, lineno, colno), name
        assert start <= pos < stop, name


# What each state between values says it expected (one table in the parser).
MESSAGES: list[tuple[str, str]] = [
    ('{"a" 1}', "expected ':' after a property name, got '1'"),
    ("{,", "expected '\"' to start a property name, or '}', got ','"),
    ('{"a": 1,}', "expected '\"' to start a property name, got '}'"),
    ("[1 2]", "expected ',' or ']', got '2'"),
    ('{"a": 1 2}', "expected ',' or '}', got '2'"),
    ('{"a": 1]', "expected ',' or '}', got ']'"),
    ("[,", "expected a value or ']', got ','"),
    ("[1,]", "expected a value, got ']'"),
    ("[1, }", "expected a value, got '}'"),
    (":", "expected a value, got ':'"),
    ("[1] 2", "expected nothing after the top-level value, got '2'"),
]


@pytest.mark.parametrize(("text", "message"), MESSAGES)
def test_error_says_what_each_state_expected(text: str, message: str) -> None:
    for name, pieces in splittings(text):
        assert _error_of(pieces)[0].msg == message, name


def test_integer_past_int_max_str_digits() -> None:
    text = "1" * 5000
    with pytest.raises(ValueError):  # noqa: PT011 - the message differs per version
        json.loads(text)
    parser = JSONStreamParser()
    parser.feed(text)
    with pytest.raises(JSONStreamError) as info:
        parser.close()
    assert not isinstance(info.value, IncompleteJSON)
    with pytest.raises(JSONStreamError):
        JSONStreamParser().feed("[" + text + "]")


# -- 3. the error API ----------------------------------------------------------------


def test_error_hierarchy() -> None:
    with pytest.raises(JSONStreamError) as info:
        JSONStreamParser().feed("[1,]")
    exc = info.value
    assert isinstance(exc, json.JSONDecodeError)
    assert isinstance(exc, ValueError)
    assert isinstance(exc, ProtocolError)
    assert isinstance(exc, sseparse.SseparseError)
    assert exc.msg
    assert isinstance(exc.doc, str)
    assert issubclass(IncompleteJSON, JSONStreamError)
    assert issubclass(LimitExceeded, ProtocolError)


# Multi-line documents where json.loads reports the same offending character.
LINES: list[str] = [
    "[1,\n 2,\n x]",
    '{\n  "a": 1,\n  "b" 2\n}',
    "[\r\n  1,\r\n  }",
    '{"a": [\n\n\n"x\ny"]}',
    "[1,\n2\n,\n3\n4]",
    '[\n{"a":1},\n{"b":2}\n,]',
]


@pytest.mark.parametrize("text", LINES)
def test_line_and_column_match_json_loads(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    want = (expected.value.pos, expected.value.lineno, expected.value.colno)
    for name, pieces in splittings(text):
        exc = _error_of(pieces)[0]
        assert (exc.pos, exc.lineno, exc.colno) == want, name


@pytest.mark.parametrize(
    ("pieces", "where"),
    [
        (["[\n", "1,\n", "  2,\n", "  x"], (12, 4, 3)),
        (["[\n\n", "\n1,", "2,\n3", "\n]]"], (12, 6, 2)),
        (['{"a":\n"b\n'], (8, 2, 3)),
        (["[1\n", "\n", "", "  ,\n  ,"], (10, 4, 3)),
    ],
)
def test_line_and_column_in_pieces(
    pieces: list[str], where: tuple[int, int, int]
) -> None:
    exc = _error_of(pieces)[0]
    assert (exc.pos, exc.lineno, exc.colno) == where


def test_incomplete_position() -> None:
    parser = JSONStreamParser()
    parser.feed("[1,\n")
    parser.feed("  2,\n  ")
    with pytest.raises(IncompleteJSON) as info:
        parser.close()
    assert (info.value.pos, info.value.lineno, info.value.colno) == (11, 3, 3)
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads("[1,\n  2,\n  ")
    assert expected.value.pos == info.value.pos
    assert (expected.value.lineno, expected.value.colno) == (3, 3)


def test_error_is_sticky() -> None:
    parser = JSONStreamParser()
    parser.feed("[1, ")
    with pytest.raises(JSONStreamError):
        parser.feed("2 3]")
    assert parser.state is ParserState.ERROR
    with pytest.raises(UsageError):
        parser.feed("")
    with pytest.raises(UsageError):
        parser.feed("]")
    with pytest.raises(UsageError):
        parser.close()
    assert parser.state is ParserState.ERROR


def test_incomplete_is_sticky() -> None:
    parser = JSONStreamParser()
    parser.feed('{"a"')
    with pytest.raises(IncompleteJSON):
        parser.close()
    with pytest.raises(UsageError):
        parser.feed(": 1}")
    with pytest.raises(UsageError):
        parser.close()


def test_limit_error_is_sticky() -> None:
    parser = JSONStreamParser(limits=Limits(max_json_depth=2))
    with pytest.raises(LimitExceeded):
        parser.feed("[[[")
    assert parser.state is ParserState.ERROR
    with pytest.raises(UsageError):
        parser.feed("]]]")
    with pytest.raises(UsageError):
        parser.close()


def test_feed_after_close() -> None:
    parser = JSONStreamParser()
    parser.feed("[1]")
    assert parser.close() == [1]
    with pytest.raises(UsageError):
        parser.feed("")
    with pytest.raises(UsageError):
        parser.feed(" ")
    with pytest.raises(UsageError):
        parser.close()
    assert parser.state is ParserState.CLOSED


@pytest.mark.parametrize("bad", [b"[1]", bytearray(b"1"), None, 1, ["[1]"]])
def test_feed_non_str(bad: Any) -> None:
    parser = JSONStreamParser()
    with pytest.raises(UsageError):
        parser.feed(bad)


@pytest.mark.parametrize(
    ("text", "at_close"),
    [("[1,\n 2,\n x]", False), ('"\\x"', False), ('{"a": [1', True), ("", True)],
)
def test_error_pickles(text: str, at_close: bool) -> None:
    exc = _outcome(Limits(), [text])
    assert isinstance(exc, JSONStreamError)
    assert isinstance(exc, IncompleteJSON) is at_close
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is type(exc)
    assert (again.msg, again.doc, again.pos, again.lineno, again.colno) == (
        exc.msg,
        exc.doc,
        exc.pos,
        exc.lineno,
        exc.colno,
    )
    assert str(again) == str(exc)


# -- 4. limits -----------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize("opener", ["[", '{"a":', '[{"a":'])
def test_deep_input_raises_limit_not_recursion(opener: str) -> None:
    parser = JSONStreamParser()
    with pytest.raises(LimitExceeded) as info:
        parser.feed(opener * DEEP)
    assert info.value.limit == "max_json_depth"
    assert info.value.maximum == 1000
    assert info.value.observed > 1000
    with pytest.raises(UsageError):
        parser.feed("]")


def test_deep_input_in_pieces_raises_limit() -> None:
    parser = JSONStreamParser()
    with pytest.raises(LimitExceeded) as info:
        feed_all(parser, ["["] * DEEP)
    assert info.value.limit == "max_json_depth"
    assert info.value.observed == 1001


def test_depth_boundary() -> None:
    parser = JSONStreamParser()
    parser.feed("[" * 1000 + "]" * 1000)
    assert parser.done
    with pytest.raises(LimitExceeded):
        JSONStreamParser().feed("[" * 1001)
    small = Limits(max_json_depth=3)
    assert JSONStreamParser(limits=small).feed('[{"a": []}]') == []
    with pytest.raises(LimitExceeded) as info:
        JSONStreamParser(limits=small).feed('[{"a": [[')
    assert (info.value.maximum, info.value.observed) == (3, 4)


def _depth(value: Any) -> int:
    """The nesting of ``[[...]]`` or ``{"a": {"a": ...}}``, without recursion."""
    depth = 0
    while isinstance(value, list | dict):
        depth += 1
        if not value:
            break
        value = value[0] if isinstance(value, list) else value["a"]
    return depth


@pytest.mark.parametrize(
    ("opener", "middle", "closer"), [("[", "", "]"), ('{"a":', "1", "}")]
)
def test_very_deep_input_with_a_big_limit(
    opener: str, middle: str, closer: str
) -> None:
    limits = Limits(max_json_depth=200_000)
    parser = JSONStreamParser(limits=limits)
    parser.feed(opener * DEEP + middle)
    assert parser.open_path is not None
    assert len(parser.open_path) == DEEP - 1 + (1 if middle else 0)
    assert not parser.is_complete()
    assert _depth(parser.snapshot()) == DEEP
    parser.feed(closer * DEEP)
    assert parser.is_complete()
    first = parser.close()
    assert _depth(first) == DEEP
    pieces = JSONStreamParser(limits=limits)
    feed_all(pieces, [opener] * DEEP + [middle] + [closer] * DEEP)
    assert same(pieces.close(), first)


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_deep_events(opener: str, closer: str) -> None:
    # Events carry whole paths, so this stays at the default depth limit.
    parser = JSONStreamParser(events=True)
    events = parser.feed(opener * 1000)
    assert len(events) == 1000
    assert all(isinstance(e, ContainerStarted) for e in events)
    assert [len(e.path) for e in events] == list(range(1000))
    events = parser.feed("0" + closer * 1000)
    assert len(events) == 1001
    assert all(isinstance(e, ValueDone) for e in events)
    assert [len(e.path) for e in events] == list(range(1000, -1, -1))
    assert _depth(parser.close()) == 1000


_E5 = '"' + "\\u00e9" * 5 + '"'


@pytest.mark.parametrize(
    ("fits", "too_long"),
    [
        ('"abcde"', '"abcdef"'),
        ('{"abcde": 1}', '{"abcdef": 1}'),
        ('["", "abcde"]', '["", "abcdef"]'),
        (_E5, _E5.replace('"', '"\\n', 1)),
        ('"' + "\U0001f600" * 5 + '"', '"' + "\U0001f600" * 6 + '"'),
    ],
)
def test_string_limit_boundary(fits: str, too_long: str) -> None:
    limits = Limits(max_json_string_chars=5)
    for name, pieces in splittings(fits):
        parser = JSONStreamParser(limits=limits)
        feed_all(parser, pieces)
        assert same(parser.close(), json.loads(fits)), name
    for name, pieces in splittings(too_long):
        parser = JSONStreamParser(limits=limits)
        with pytest.raises(LimitExceeded) as info:
            feed_all(parser, pieces)
        assert info.value.limit == "max_json_string_chars", name
        assert info.value.maximum == 5
        assert info.value.observed > 5
        assert parser.state is ParserState.ERROR


@pytest.mark.parametrize(
    "pieces",
    [
        # a delta with an escape, ending in a cut escape, goes past the limit
        ['"\\n', "abcdefgh\\"],
        ['"\\n', "abcdefgh\\u00"],
        ['"', "ab\\u00e9cdefgh\\ud83d"],
        ['["\\t', "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\", "n"],
    ],
)
def test_string_limit_in_a_delta_with_escapes(pieces: list[str]) -> None:
    # The string fast path of feed() leaves a limit to the general path, which
    # must see the delta as it came (no escape held back from it yet).
    parser = JSONStreamParser(limits=Limits(max_json_string_chars=5))
    with pytest.raises(LimitExceeded) as info:
        feed_all(parser, pieces)
    assert info.value.limit == "max_json_string_chars"
    assert parser.state is ParserState.ERROR


def _outcome(limits: Limits, pieces: list[str]) -> Any:
    """close() after feeding *pieces*, or the exception raised on the way."""
    parser = JSONStreamParser(limits=limits)
    try:
        feed_all(parser, pieces)
        return parser.close()
    except (JSONStreamError, LimitExceeded) as exc:
        return exc


@pytest.mark.parametrize(
    ("fits", "too_long"),
    [
        ("[12345]", "[123456]"),
        ("[-1234]", "[-12345]"),
        ("[1.5e7]", "[1.5e70]"),
        ("12345", "123456"),
        ("[false]", "[-Infinity]"),
        ("[NaN, 0, -0.0, 1E+00]", "[NaN, 1E+000]"),
    ],
)
def test_number_limit(fits: str, too_long: str) -> None:
    limits = Limits(max_json_number_chars=5)
    for name, pieces in splittings(fits):
        assert same(_outcome(limits, pieces), json.loads(fits)), name
    for name, pieces in splittings(too_long):
        exc = _outcome(limits, pieces)
        assert isinstance(exc, LimitExceeded), name
        assert exc.limit == "max_json_number_chars"
        assert exc.maximum == 5
        assert exc.observed > 5


def test_number_limit_on_a_huge_number() -> None:
    parser = JSONStreamParser()
    with pytest.raises(LimitExceeded) as info:
        feed_all(parser, ["[", *["9" * 1000] * 1100])
    assert info.value.limit == "max_json_number_chars"
    assert info.value.maximum == 1024 * 1024


def test_total_size_limit() -> None:
    limits = Limits(max_json_chars=10)
    parser = JSONStreamParser(limits=limits)
    parser.feed("[1, 2, 3] ")
    assert parser.close() == [1, 2, 3]
    for name, pieces in splittings("[1, 2, 3]  "):
        parser = JSONStreamParser(limits=limits)
        with pytest.raises(LimitExceeded) as info:
            feed_all(parser, pieces)
        assert info.value.limit == "max_json_chars", name
        assert info.value.maximum == 10
        assert info.value.observed == 11
    parser = JSONStreamParser(limits=limits)
    parser.feed("[" * 5)
    with pytest.raises(LimitExceeded):
        parser.feed("]" * 6)
