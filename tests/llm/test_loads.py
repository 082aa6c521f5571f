"""The LLM layer's JSON loader is exactly ``json.loads``, with or without msgspec.

A differential property over hostile JSON texts (NaN, Infinity, big and
huge integers, ``1e400``, ``-0.0``, lone surrogates escaped and raw, duplicate
keys, nesting around the recursion limit, U+2028/2029, BOMs, every kind of
whitespace, a lowered ``sys.get_int_max_str_digits()``, garbled texts and
inputs that are not ``str``): the same value, of the same types all the way
down (``-0.0`` is not ``0.0``; floats compared by ``repr``), or the same
exception.  Both loaders are tested under CI; the fast one never skips there.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from sseparse.limits import DEFAULT_LIMITS
from sseparse.llm import OpenAIChatAccumulator, _loads
from sseparse.llm import _openai_chat as chat_module
from sseparse.llm._eventclass import tuple_maker
from sseparse.llm._text import TextSlot
from sseparse.llm.events import ChunkReceived, ContentDelta
from sseparse.testing import ChatStream, openai_chat_streams
from tests.helpers import int_digit_limit

if TYPE_CHECKING:
    from collections.abc import Callable


def _fast_loader() -> Callable[[str], Any]:
    loader = _loads.use_fast(True)
    if loader is json.loads:
        if os.environ.get("CI"):
            pytest.fail("msgspec is missing: the `test` extra installs it")
        pytest.skip("msgspec is not installed (pip install sseparse[fast])")
    return loader


MODES = ["fast", "json"]


def loader_for(mode: str) -> Callable[[Any], Any]:
    """The loader with the fast parser on, or forced off."""
    if mode == "fast":
        return _fast_loader()
    try:
        return _loads.use_fast(False)
    finally:
        _loads.use_fast(True)


# -- exact equality ----------------------------------------------------------------


def identical(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down; floats by repr.

    Iterative: the values nest as deep as the recursion limit allows.
    """
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if type(x) is not type(y):
            return False
        if type(x) is float:
            if repr(x) != repr(y) and not (math.isnan(x) and math.isnan(y)):
                return False
        elif type(x) is list:
            if len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif type(x) is dict:
            if list(x) != list(y):
                return False
            pending.extend((x[k], y[k]) for k in x)
        elif x != y:
            return False
    return True


def outcome(load: Callable[[Any], Any], text: Any) -> tuple[str, Any]:
    try:
        return ("value", load(text))
    except RecursionError:
        return ("raises", "RecursionError")
    except Exception as exc:  # the exception is part of what must agree
        return ("raises", (type(exc), str(exc)))


def check_same(load: Callable[[Any], Any], text: Any) -> None:
    with contextlib.suppress(Exception):  # outside a hypothesis test: no note
        note(f"text: {text[:2000]!r}" if isinstance(text, str) else f"input: {text!r}")
    want = outcome(json.loads, text)
    got = outcome(load, text)
    if want[0] == "value" and got[0] == "value":
        assert identical(got[1], want[1]), (got[1], want[1])
    else:
        assert got == want


# -- hostile texts -----------------------------------------------------------------

_FLOATS = st.floats(allow_nan=True, allow_infinity=True)
_INTS = st.one_of(
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1]),
)
_TEXT = st.text(
    st.one_of(
        st.characters(),  # raw lone surrogates included
        st.sampled_from(["\u2028", "\u2029", "\ufeff", "\x00", "\x1f", '"', "\\"]),
    ),
    max_size=12,
)
_LEAVES = st.one_of(st.none(), st.booleans(), _INTS, _FLOATS, _TEXT)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_TEXT, inner, max_size=4),
    ),
    max_leaves=12,
)

# Fragments no serializer writes: tokens json.loads reads its own way.
_TOKENS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1E+309",
    "4.9e-325",
    "-0.0",
    "-0",
    "0e0",
    "1.7976931348623157e308",
    "2.2250738585072014e-308",
    "123456789012345678901234567890",
    "-123456789012345678901234567890",
    "18446744073709551616",
    "9223372036854775808",
    "1" * 5000,
    "1" * 4300,
    "0." + "1" * 5000,
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\ud83d\\ude00"',
    '"\\u2028\u2029"',
    '"\\u0000"',
    '{"a": 1, "a": 2}',
    '{"a": {"b": 1}, "a": [2]}',
    "\ufeff{}",
    "{}\ufeff",
    " \t\n\r[] \t\n\r",
    "\x0c[]",
    "\xa0[]",
    "[]\u3000",
    "[1,]",
    "01",
    "1.",
    ".5",
    "+1",
    "tru",
    '"\x01"',
    "[" * 990 + "]" * 990,
    "[" * 1010 + "]" * 1010,
    '{"a":' * 995 + "1" + "}" * 995,
    "[" * 5000,
    "",
    " ",
]


@st.composite
def hostile_texts(draw: st.DrawFn) -> str:
    """A JSON text from any value or token, serialized or garbled."""
    way = draw(st.integers(0, 4))
    if way == 0:
        return draw(st.sampled_from(_TOKENS))
    if way == 1:  # tokens put into a container
        parts = draw(st.lists(st.sampled_from(_TOKENS[:20]), min_size=1, max_size=4))
        return "[" + ", ".join(parts) + "]"
    value = draw(_VALUES)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if way == 2:
        return text
    # Garbled: a slice, or a character put in or taken out somewhere.
    at = draw(st.integers(0, len(text)))
    if way == 3:
        return text[:at]
    char = draw(st.sampled_from([",", "]", "}", '"', "\\", "e", "-", " ", "\ud800"]))
    return text[:at] + char + text[at:]


@pytest.mark.parametrize("mode", MODES)
@given(text=hostile_texts())
def test_loads_is_json_loads(mode: str, text: str) -> None:
    check_same(loader_for(mode), text)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("text", _TOKENS, ids=range(len(_TOKENS)))
def test_every_hostile_token(mode: str, text: str) -> None:
    check_same(loader_for(mode), text)


@pytest.mark.parametrize("mode", MODES)
@given(
    digits=st.integers(1, 1500),
    shape=st.sampled_from(["{}", "[{}]", '{{"n": {}}}', "{}.5", "-{}e2"]),
)
def test_a_lowered_int_digit_limit_holds(mode: str, digits: int, shape: str) -> None:
    load = loader_for(mode)
    with int_digit_limit(640):
        check_same(load, shape.format("7" * digits))


@pytest.mark.parametrize(
    "value", [b"[1]", bytearray(b"[1]"), b"\xef\xbb\xbf[1]", 1, None, ["[]"]]
)
@pytest.mark.parametrize("mode", MODES)
def test_input_that_is_not_str(mode: str, value: Any) -> None:
    check_same(loader_for(mode), value)


def test_the_fast_parser_is_used_when_installed() -> None:
    fast = _fast_loader()
    try:
        assert fast is not json.loads
        assert _loads.fast_parser() == "msgspec"
        assert OpenAIChatAccumulator()._loads is fast
        assert _loads.use_fast(False) is json.loads
        assert _loads.fast_parser() is None
        assert OpenAIChatAccumulator()._loads is json.loads
    finally:
        _loads.use_fast(True)


# -- the accumulator, with and without it ------------------------------------------


def run(stream: ChatStream) -> tuple[list[Any], dict[str, Any]]:
    acc = OpenAIChatAccumulator()
    events = [repr(e) for item in stream.to_events() for e in acc.feed(item)]
    return events, copy.deepcopy(acc.close())


@given(openai_chat_streams(max_argument_leaves=4))
def test_the_accumulator_agrees_with_and_without_it(stream: ChatStream) -> None:
    fast = _fast_loader()
    assert fast is not json.loads
    try:
        with_fast = run(stream)
        _loads.use_fast(False)
        without = run(stream)
    finally:
        _loads.use_fast(True)
    assert with_fast == without
    assert with_fast[1] == stream.expected


# -- the events the fast path builds -----------------------------------------------


def test_the_fast_event_builders_match_the_constructors() -> None:
    slot = TextSlot({}, "content", DEFAULT_LIMITS)
    slot.append("hi")
    built = chat_module._new_content_delta(3, "hi", slot, 2, False)
    public = ContentDelta(choice_index=3, delta="hi", slot=slot, end=2, json=False)
    assert type(built) is ContentDelta
    assert built == public
    assert repr(built) == repr(public)
    assert (built.snapshot, built.parsed) == (public.snapshot, public.parsed)
    chunk = {"id": "x"}
    assert chat_module._new_chunk_received(chunk) == ChunkReceived(chunk=chunk)
    assert chat_module._new_chunk_received(chunk).chunk is chunk


def test_a_changed_event_layout_fails_at_import() -> None:
    with pytest.raises(ImportError, match="ContentDelta fields are"):
        tuple_maker(ContentDelta, ("choice_index", "delta"))
