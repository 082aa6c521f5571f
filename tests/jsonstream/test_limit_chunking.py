"""Limits and chunking: every cut of a text gives the same result or error.

The first problem in text order wins, exactly as when the text comes a
character at a time: a limit is exceeded at the character that passes the
bound, a syntax error is at its character, and whichever comes first is
raised.  A ``JSONStreamError`` is compared by class and ``pos``; a
``LimitExceeded`` by the limit's name and ``observed``, which is always
``maximum + 1`` (the count at the character that passes the bound).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from sseparse import JSONStreamError, LimitExceeded, Limits
from sseparse.jsonstream import JSONStreamParser
from sseparse.testing import json_deltas, json_texts

Outcome = tuple[Any, ...]


def outcome(pieces: list[str], limits: Limits) -> Outcome:
    """What feeding *pieces* then closing gives: the value's repr, or the error."""
    parser = JSONStreamParser(limits=limits)
    try:
        for piece in pieces:
            parser.feed(piece)
        # repr: tells -0.0 from 0 and 1 from 1.0, and NaN equals NaN
        return ("value", repr(parser.close()))
    except LimitExceeded as exc:
        return ("LimitExceeded", exc.limit, exc.maximum, exc.observed)
    except JSONStreamError as exc:
        return (type(exc).__name__, exc.pos)


def feedings(text: str) -> list[tuple[str, list[str]]]:
    """Whole, character by character, and cut in two at every offset."""
    ways: list[tuple[str, list[str]]] = [("whole", [text]), ("chars", list(text))]
    ways.extend((f"cut{i}", [text[:i], text[i:]]) for i in range(1, len(text)))
    return ways


NUM = "max_json_number_chars"
STR = "max_json_string_chars"
DEPTH = "max_json_depth"
TOTAL = "max_json_chars"


def limit(name: str, maximum: int) -> Outcome:
    return ("LimitExceeded", name, maximum, maximum + 1)


def error(pos: int) -> Outcome:
    return ("JSONStreamError", pos)


CASES: list[tuple[str, dict[str, int], Outcome]] = [
    # 1. a literal counts against max_json_number_chars, whole or cut
    ("[false]", {NUM: 3}, limit(NUM, 3)),
    ("[true]", {NUM: 3}, limit(NUM, 3)),
    ('{"a": null}', {NUM: 3}, limit(NUM, 3)),
    ("[NaN]", {NUM: 2}, limit(NUM, 2)),
    ("[Infinity]", {NUM: 7}, limit(NUM, 7)),
    ("[-Infinity]", {NUM: 8}, limit(NUM, 8)),
    ("-Infinity", {NUM: 8}, limit(NUM, 8)),
    ("[false]", {NUM: 5}, ("value", "[False]")),
    ("[-Infinity, NaN]", {NUM: 9}, ("value", "[-inf, nan]")),
    # 2. a number or literal: limit or syntax error, whichever comes first
    ("8true", {NUM: 3}, error(1)),
    ("[8true]", {NUM: 3}, error(2)),
    ("[1x23]", {NUM: 2}, error(2)),
    ("[123x]", {NUM: 2}, limit(NUM, 2)),
    ("[tr3]", {NUM: 3}, error(3)),
    ("[tru3]", {NUM: 3}, limit(NUM, 3)),
    ("[-1.e5]", {NUM: 4}, error(4)),
    # the same character passes the bound and is bad: the bound is checked first
    ("[-1.e5]", {NUM: 3}, limit(NUM, 3)),
    ("[-1.5e]", {NUM: 3}, limit(NUM, 3)),
    ("[12]", {NUM: 2}, ("value", "[12]")),
    # 2. a string: the valid text before a syntax error counts first
    ('"\\udc00\\nu0001\\u00}01"', {STR: 5}, limit(STR, 5)),
    ('"\\udc00\\\\nu0001\\u00}01"', {STR: 5}, limit(STR, 5)),
    ('"\\udc00\\nu\\u00}01"', {STR: 5}, error(14)),
    ('"ab\x01cdefgh"', {STR: 5}, error(3)),
    ('"abcde\x01"', {STR: 5}, error(6)),
    ('"abcdef\x01"', {STR: 5}, limit(STR, 5)),
    ('"abcde\\q"', {STR: 5}, error(7)),
    ('"abcdef\\q"', {STR: 5}, limit(STR, 5)),
    ('"a\\nbcdef\\q"', {STR: 5}, limit(STR, 5)),
    # a final high surrogate escape waits for its low half: not counted yet
    ('"abcd\\ud800\\u12}"', {STR: 4}, error(15)),
    ('"abcd\\ud800\\udc0}"', {STR: 4}, error(16)),
    ('"abc\\ud800x\\q"', {STR: 4}, limit(STR, 4)),
    ('"abc\\ud800\\udc00\\q"', {STR: 4}, error(17)),
    ('["abcd", "\\ud800\\udc00"]', {STR: 4}, ("value", repr(["abcd", "\U00010000"]))),
    ('{"abcdef\x01": 1}', {STR: 5}, limit(STR, 5)),
    ('{"ab\x01cdef": 1}', {STR: 5}, error(4)),
    ('{"abcde\\x": 1}', {STR: 5}, error(8)),
    # depth: at its bracket, in text order with the rest
    ("[[[x", {DEPTH: 2}, limit(DEPTH, 2)),
    ("[x[[", {DEPTH: 2}, error(1)),
    ('{"a": [{"b": x', {DEPTH: 2}, limit(DEPTH, 2)),
    # the whole document: the character past the bound
    ("[1, x, 3]", {TOTAL: 5}, error(4)),
    ("[1, 2, x]", {TOTAL: 5}, limit(TOTAL, 5)),
    ('"abc\x01', {TOTAL: 4}, limit(TOTAL, 4)),
    ('"ab\x01', {TOTAL: 4}, error(3)),
    ("[12345", {TOTAL: 4, NUM: 2}, limit(NUM, 2)),
    ("[12345", {TOTAL: 3, NUM: 2}, limit(TOTAL, 3)),
    ('["abcdef"]', {TOTAL: 6, STR: 3}, limit(STR, 3)),
    ("[1] x", {TOTAL: 4}, limit(TOTAL, 4)),
    ("[1]  ", {TOTAL: 4}, limit(TOTAL, 4)),
    ("[1] ", {TOTAL: 4}, ("value", "[1]")),
]


@pytest.mark.parametrize(("text", "bounds", "expected"), CASES)
def test_first_problem_in_text_order_wins(
    text: str, bounds: dict[str, int], expected: Outcome
) -> None:
    limits = Limits(**bounds)
    for name, pieces in feedings(text):
        assert outcome(pieces, limits) == expected, name


# Single characters, and pieces of escapes: a bad one, a cut one, a high
# surrogate whose low half may or may not follow.
_GARBLE = [
    *'"\\\x01{}[],: ntfuelrsaNI0159-+.eEx',
    "\\q",
    "\\u12",
    "\\ud800",
    "\\ud800\\udc00",
]


@st.composite
def garbled_texts(draw: st.DrawFn) -> str:
    """A valid JSON text, sometimes with characters inserted, replaced or cut."""
    text = draw(json_texts(max_leaves=12, allow_nan=True))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(_GARBLE))
        if draw(st.booleans()):
            text = text[:at] + char + text[at:]  # insert
        else:
            text = text[:at] + char + text[at + 1 :]  # replace
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


# Pieces of JSON text, valid and not, to string together: long valid runs
# (string text, escapes, numbers, literals) next to what breaks them.
_SOUP = [
    *'[]{},:"',
    '{"',
    '"abcdef',
    "abc",
    "\\n",
    "\\q",
    "\\u0041",
    "\\u12",
    "\\ud800",
    "\\udc00",
    "\x01",
    "12",
    "-1.5e",
    "true",
    "false",
    "null",
    "NaN",
    "-Infinity",
    "x",
    " ",
]


def soup_texts() -> st.SearchStrategy[str]:
    """Text strung from :data:`_SOUP`, in an array: often invalid inside a token."""
    pieces = st.lists(st.sampled_from(_SOUP), max_size=8)
    return pieces.map(lambda parts: "[" + "".join(parts) + "]")


@st.composite
def tiny_limits(draw: st.DrawFn) -> Limits:
    """Each bound tiny or the default: so one can be reached past the others."""
    bounds = {
        "max_json_number_chars": st.integers(1, 10),
        "max_json_string_chars": st.integers(1, 8),
        "max_json_depth": st.integers(1, 4),
        "max_json_chars": st.integers(1, 200),
    }
    return Limits(
        **{
            name: value
            for name, strategy in bounds.items()
            if (value := draw(st.none() | strategy)) is not None
        }
    )


@given(st.data(), garbled_texts() | soup_texts(), tiny_limits())
def test_whole_bytewise_and_any_cut_agree(
    data: st.DataObject, text: str, limits: Limits
) -> None:
    note(f"limits={limits!r}")
    expected = outcome([text], limits)
    if expected[0] == "LimitExceeded":  # the count at the character passing it
        assert expected[3] == expected[2] + 1
    assert outcome(list(text), limits) == expected
    pieces = data.draw(json_deltas(text))
    assert outcome(pieces, limits) == expected


_TOKENS = st.sampled_from(["true", "false", "null", "NaN", "Infinity", "-Infinity"]) | (
    st.from_regex(
        r"-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?", fullmatch=True
    )
)


@given(st.data(), _TOKENS, st.integers(1, 10))
def test_a_number_or_literal_counts_the_same_whole_or_cut(
    data: st.DataObject, token: str, bound: int
) -> None:
    limits = Limits(max_json_number_chars=bound)
    text = f"[{token}]"
    expected = limit(NUM, bound) if len(token) > bound else ("value", None)
    for pieces in ([text], list(text), data.draw(json_deltas(text))):
        got = outcome(pieces, limits)
        assert (got if got[0] != "value" else ("value", None)) == expected
