"""The fast path of ``AnthropicMessagesAccumulator`` changes nothing but speed.

``feed()`` and ``feed_chunk()`` take the common ``content_block_delta`` (a
``text_delta`` or ``input_json_delta`` for an open block of its kind) in one
step, and leave everything else to the general path.  The reference here is
the same accumulator with the fast path switched off: fed the same payloads,
with faults put in anywhere (deltas for blocks never started, stopped or of
another kind, wrong field types, bad JSON data, a small ``max_text_chars``),
both must return equal events with equal lazy views, the same snapshot, the
same state, and raise the same error with the same message (which names the
event's number), step by step.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import Limits, ServerSentEvent, SseparseError
from sseparse.llm import AccumulatorState, AnthropicMessagesAccumulator
from sseparse.testing import anthropic_message_streams
from tests.llm.test_anthropic_growth import START


class _Reference(AnthropicMessagesAccumulator):
    """The accumulator with its fast path off: every payload goes the general way."""

    def _fast_delta(self, payload: dict[str, Any]) -> None:
        return None


def _delta(index: Any, **delta: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


# Payloads that the fast path must refuse, or take exactly as the general
# path would: put anywhere in a stream, with the indexes of its blocks.
_FAULTS = st.one_of(
    st.builds(
        _delta,
        st.one_of(st.integers(0, 5), st.just(True), st.just("0")),
        type=st.sampled_from(
            ["text_delta", "input_json_delta", "thinking_delta", "other_delta"]
        ),
        text=st.sampled_from(["", "x", "é€", 5, None]),
        partial_json=st.sampled_from(["", '{"a": ', "}", 5, None]),
    ),
    st.builds(
        lambda index: {"type": "content_block_delta", "index": index}, st.integers(0, 3)
    ),
    st.builds(
        lambda index: {"type": "content_block_delta", "index": index, "delta": "x"},
        st.integers(0, 3),
    ),
    st.sampled_from(
        [
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}},
            {"type": "future_event"},
            [1, 2],
            "not json",
        ]
    ),
)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[Any], Limits | None, bool, bool]:
    stream = draw(anthropic_message_streams())
    payloads: list[Any] = list(stream.payloads)
    # Mostly aimed at the stream's own blocks, so that they hit open, stopped
    # and wrong-kind blocks alike; at most one fault in most streams, so that
    # the deltas after it are fed too.
    indexes = [block["index"] for block in payloads if _is_start(block)] or [0]
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
        fault = draw(_FAULTS)
        if type(fault) is dict and type(fault.get("index")) is int:
            fault = {**fault, "index": draw(st.sampled_from(indexes))}
        payloads.insert(draw(st.integers(0, len(payloads))), fault)
    limit = draw(st.sampled_from([None, None, None, 1, 5, 20, 60, 120]))
    limits = None if limit is None else Limits(max_text_chars=limit)
    return payloads, limits, draw(st.booleans()), draw(st.booleans())


def _is_start(payload: Any) -> bool:
    return type(payload) is dict and payload.get("type") == "content_block_start"


def _view(event: Any, name: str) -> Any:
    try:
        return copy.deepcopy(getattr(event, name))
    except SseparseError as exc:
        return ("raises", type(exc).__name__, str(exc))


def _step(acc: AnthropicMessagesAccumulator, item: Any, sse: bool, views: bool) -> Any:
    """What one feed gives: the events (with their lazy views), or the error.

    Reading a text view joins the text, which the snapshot then shows: without
    the views, the snapshot shows what the accumulator marked to refresh.
    """
    try:
        events = acc.feed(item) if sse else acc.feed_chunk(copy.deepcopy(item))
    except SseparseError as exc:
        return ("raises", type(exc).__name__, str(exc))
    if not views:
        return events
    return [
        (
            event,
            {
                name: _view(event, name)
                for name in ("snapshot", "parsed_arguments", "parsed")
                if hasattr(type(event), name)
            },
        )
        for event in events
    ]


@given(case=_cases())
def test_fast_path_agrees_with_the_general_path(
    case: tuple[list[Any], Limits | None, bool, bool],
) -> None:
    _compare(*case)


def _compare(
    payloads: list[Any], limits: Limits | None, sse: bool, views: bool
) -> None:
    """Feed both accumulators; compare every step's outcome, snapshot and state."""
    fast = AnthropicMessagesAccumulator(limits=limits)
    reference = _Reference(limits=limits)
    for payload in payloads:
        if sse:
            data = payload if type(payload) is str else json.dumps(payload)
            item: Any = ServerSentEvent(data=data)
        else:
            item = payload
        assert _step(fast, item, sse, views) == _step(reference, item, sse, views)
        assert fast.state is reference.state
        if fast.state is AccumulatorState.ERROR:
            return
        assert fast.snapshot() == reference.snapshot()
        assert fast.incomplete == reference.incomplete
    assert _close(fast) == _close(reference)


def _close(acc: AnthropicMessagesAccumulator) -> Any:
    try:
        return acc.close()
    except SseparseError as exc:
        return ("raises", type(exc).__name__, str(exc))


def _start(index: int, **block: Any) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


# One block of each kind that takes text: 0 thinking, 1 text (``True ==
# 1``: an index that is not an int must not find it), 2 client tool, 3 server
# tool; block 4 (text) is stopped at once.
_BLOCKS = [
    START,
    _start(0, type="thinking", thinking="", signature=""),
    _start(1, type="text", text=""),
    _start(2, type="tool_use", id="toolu_1", name="f", input={}),
    _start(3, type="server_tool_use", id="srvtoolu_1", name="web_search", input={}),
    _start(4, type="text", text=""),
    {"type": "content_block_stop", "index": 4},
]
_STOP_TOOL = {"type": "content_block_stop", "index": 2}


def _text(index: Any, text: Any) -> dict[str, Any]:
    return _delta(index, type="text_delta", text=text)


def _input(index: Any, fragment: Any) -> dict[str, Any]:
    return _delta(index, type="input_json_delta", partial_json=fragment)


# (name, payloads fed after _BLOCKS, max_text_chars or None)
CASES: list[tuple[str, list[Any], int | None]] = [
    ("text", [_text(1, "ab"), _text(1, "c")], None),
    ("empty text", [_text(1, "")], None),
    ("text not a string", [_text(1, 5)], None),
    ("text for a thinking block", [_text(0, "x")], None),
    ("text for a tool block", [_text(2, "x")], None),
    ("text for a stopped block", [_text(4, "x")], None),
    ("text for a block never started", [_text(9, "x")], None),
    ("index true", [_text(True, "x")], None),
    ("index a float", [_text(1.0, "x")], None),
    ("index a string", [_text("1", "x")], None),
    (
        "delta not an object",
        [{"type": "content_block_delta", "index": 1, "delta": []}],
        None,
    ),
    ("no delta type", [_delta(1, text="x")], None),
    ("text past max_text_chars", [_text(1, "abc")], 2),
    ("text up to max_text_chars", [_text(1, "ab")], 2),
    ("text past max_text_chars in two deltas", [_text(1, "ab"), _text(1, "c")], 2),
    ("input", [_input(2, ""), _input(2, '{"a": '), _input(2, "1}"), _STOP_TOOL], None),
    ("server tool input", [_input(3, '{"q"')], None),
    ("input not a string", [_input(2, None)], None),
    ("input for a text block", [_input(1, "{")], None),
    ("input for a thinking block", [_input(0, "{")], None),
    ("input past max_text_chars", [_input(2, "{}")], 1),
    ("input and text past max_text_chars", [_input(2, "{}"), _text(1, "ab")], 3),
    ("bad input, then its stop", [_input(2, "}"), _STOP_TOOL], None),
    ("unknown delta type", [_delta(1, type="future_delta", x=1)], None),
    ("thinking", [_delta(0, type="thinking_delta", thinking="hm")], None),
    ("text, then an error naming the event", [_text(1, "x"), _text(9, "x")], None),
    (
        "empty input, then an error naming the event",
        [_input(2, ""), _text(9, "x")],
        None,
    ),
]


@pytest.mark.parametrize("views", [True, False], ids=["views", "no views"])
@pytest.mark.parametrize("sse", [True, False], ids=["feed", "feed_chunk"])
@pytest.mark.parametrize(
    ("payloads", "limit"),
    [(payloads, limit) for _, payloads, limit in CASES],
    ids=[name for name, _, _ in CASES],
)
def test_fast_path_cases(
    payloads: list[Any], limit: int | None, sse: bool, views: bool
) -> None:
    limits = None if limit is None else Limits(max_text_chars=limit)
    _compare([*_BLOCKS, *payloads], limits, sse, views)
