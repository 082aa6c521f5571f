"""AnthropicMessagesAccumulator: work grows linearly with the stream (N vs 16 N).

Counted work, not time (see tests/_work.py): linear work gives about 16 per
counter, quadratic about 256; the bound of 40 sits between the two.  Each
stream is fed one payload per step, with the lazy views a UI reads (the text so
far, the partial tool input, the snapshot) read on every delta where the
accumulator promises that this stays linear.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

import pytest

from sseparse.llm._anthropic import AnthropicMessagesAccumulator
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

START: dict[str, Any] = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "claude-test",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    },
}
END: list[dict[str, Any]] = [
    {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": 7},
    },
    {"type": "message_stop"},
]


def _block(index: int, **content_block: Any) -> dict[str, Any]:
    return {
        "type": "content_block_start",
        "index": index,
        "content_block": content_block,
    }


def _delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


def _stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def _text(n: int) -> list[dict[str, Any]]:
    """One text block of n 10-character deltas."""
    deltas = [_delta(0, type="text_delta", text=f"{i:09d} ") for i in range(n)]
    return [START, _block(0, type="text", text=""), *deltas, _stop(0), *END]


def _thinking(n: int) -> list[dict[str, Any]]:
    """One thinking block of n deltas, a new signature every tenth."""
    deltas = []
    for i in range(n):
        deltas.append(_delta(0, type="thinking_delta", thinking=f"{i:09d} "))
        if i % 10 == 9:
            deltas.append(_delta(0, type="signature_delta", signature=f"sig{i}"))
    return [
        START,
        _block(0, type="thinking", thinking="", signature=""),
        *deltas,
        _stop(0),
        *END,
    ]


def _tool_input(n: int) -> list[dict[str, Any]]:
    """One tool block whose input JSON comes in about 10-character fragments."""
    doc = json.dumps({"items": [{"k": i, "v": "abcdef"} for i in range(n)]})
    parts = [doc[i : i + 10] for i in range(0, len(doc), 10)]
    deltas = [_delta(1, type="input_json_delta", partial_json=p) for p in ["", *parts]]
    return [
        START,
        _block(1, type="tool_use", id="toolu_1", name="f", input={}),
        *deltas,
        _stop(1),
        *END,
    ]


def _blocks_in_reverse(n: int) -> list[dict[str, Any]]:
    """n text blocks started in reverse index order, each with a delta."""
    out: list[dict[str, Any]] = [START]
    for i in range(n, 0, -1):
        out += [
            _block(i, type="text", text=""),
            _delta(i, type="text_delta", text="x"),
            _stop(i),
        ]
    return out + END


def _open_tool_blocks(n: int) -> list[dict[str, Any]]:
    """n tool blocks, each with input, all still open when the message ends."""
    out: list[dict[str, Any]] = [START]
    for i in range(n):
        out += [
            _block(i, type="tool_use", id=f"t{i}", name="f", input={}),
            _delta(i, type="input_json_delta", partial_json='{"a": '),
        ]
    return out + END


def _citations(n: int) -> list[dict[str, Any]]:
    citation = {"type": "char_location", "cited_text": "x", "document_index": 0}
    deltas = [_delta(0, type="citations_delta", citation=citation) for _ in range(n)]
    return [START, _block(0, type="text", text=""), *deltas, _stop(0), *END]


def _read(events: list[Any]) -> None:
    """What a UI reads on each delta: the text so far and the partial input."""
    for event in events:
        if event.type in ("content.delta", "reasoning.delta"):
            event.snapshot  # noqa: B018 - the lazy view is the point
        elif event.type == "tool_calls.function.arguments.delta":
            event.parsed_arguments  # noqa: B018


def _feed(
    acc: AnthropicMessagesAccumulator, payload: dict[str, Any], reads: str
) -> None:
    events = acc.feed_chunk(payload)
    if reads in ("events", "both"):
        _read(events)
    if reads in ("snapshot", "both"):
        acc.snapshot()


def _accumulate(
    payloads: list[dict[str, Any]], *, reads: str
) -> Iterator[Callable[[], object]]:
    """Steps: each payload fed to a fresh accumulator, the views read."""
    acc = AnthropicMessagesAccumulator()
    for payload in copy.deepcopy(payloads):
        yield functools.partial(_feed, acc, payload, reads)
    yield acc.close


@pytest.mark.parametrize("reads", ["events", "snapshot", "both"])
@pytest.mark.parametrize("make", [_text, _thinking])
def test_text_deltas_are_linear(
    make: Callable[[int], list[dict[str, Any]]], reads: str
) -> None:
    run = functools.partial(_accumulate, reads=reads)
    assert_linear(run, make(200), make(16 * 200))


@pytest.mark.parametrize("make", [_tool_input, _citations])
def test_input_and_citations_with_every_view_read_are_linear(
    make: Callable[[int], list[dict[str, Any]]],
) -> None:
    run = functools.partial(_accumulate, reads="both")
    assert_linear(run, make(200), make(16 * 200))


@pytest.mark.parametrize("make", [_blocks_in_reverse, _open_tool_blocks])
def test_many_blocks_are_linear(make: Callable[[int], list[dict[str, Any]]]) -> None:
    # The snapshot is read at the end only: a snapshot puts the blocks in
    # index order, O(blocks) when they came out of order since the last one.
    run = functools.partial(_accumulate, reads="events")
    assert_linear(run, make(100), make(16 * 100))
