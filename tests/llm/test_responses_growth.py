"""OpenAIResponsesAccumulator: work grows linearly with the stream (N vs 16 N).

Counted work, not time (see tests/_work.py): linear work gives about 16 per
counter, quadratic about 256; the bound of 40 sits between the two.  Each
stream is fed one payload per step, with the lazy views a UI reads (the text so
far, the partial arguments, the snapshot) read on every delta where the
accumulator promises that this stays linear.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

import pytest

from sseparse.llm._responses import OpenAIResponsesAccumulator
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

RESPONSE: dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "in_progress",
    "model": "gpt-test",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "usage": None,
}
START = {"type": "response.created", "sequence_number": 0, "response": RESPONSE}


def _end(seq: int) -> dict[str, Any]:
    # output: null, as open servers send it: the final is built from the items.
    return {
        "type": "response.completed",
        "sequence_number": seq,
        "response": {**RESPONSE, "status": "completed", "output": None},
    }


def _numbered(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "sequence_number": i} for i, p in enumerate(payloads)]


def _item(index: int, item: dict[str, Any] | None, *, done: bool) -> dict[str, Any]:
    kind = "done" if done else "added"
    return {
        "type": f"response.output_item.{kind}",
        "output_index": index,
        "item": item,
    }


def _text(n: int) -> list[dict[str, Any]]:
    """One message of n 10-character output text deltas."""
    message = {"id": "m", "type": "message", "role": "assistant", "content": []}
    deltas = [
        {
            "type": "response.output_text.delta",
            "output_index": 0,
            "content_index": 0,
            "item_id": "m",
            "delta": f"{i:09d} ",
            "logprobs": [],
            "obfuscation": "abc",
        }
        for i in range(n)
    ]
    text = "".join(f"{i:09d} " for i in range(n))
    return _numbered(
        [
            START,
            _item(0, message, done=False),
            *deltas,
            {
                "type": "response.output_text.done",
                "output_index": 0,
                "content_index": 0,
                "item_id": "m",
                "text": text,
                "logprobs": [],
            },
            _item(0, None, done=True),  # item: null: the item as accumulated
            _end(0),
        ]
    )


def _reasoning(n: int) -> list[dict[str, Any]]:
    """A reasoning summary of n deltas, no part events."""
    deltas = [
        {
            "type": "response.reasoning_summary_text.delta",
            "output_index": 0,
            "summary_index": 0,
            "item_id": "r",
            "delta": f"{i:09d} ",
        }
        for i in range(n)
    ]
    item = {"id": "r", "type": "reasoning", "summary": []}
    return _numbered([START, _item(0, item, done=False), *deltas, _end(0)])


def _arguments(n: int) -> list[dict[str, Any]]:
    """One function call whose arguments come in about 10-character deltas."""
    doc = json.dumps({"items": [{"k": i, "v": "abcdef"} for i in range(n)]})
    parts = [doc[i : i + 10] for i in range(0, len(doc), 10)]
    call = {
        "id": "fc",
        "type": "function_call",
        "call_id": "c",
        "name": "f",
        "arguments": "",
    }
    deltas = [
        {
            "type": "response.function_call_arguments.delta",
            "output_index": 0,
            "item_id": "fc",
            "delta": p,
        }
        for p in parts
    ]
    done = {
        "type": "response.function_call_arguments.done",
        "output_index": 0,
        "item_id": "fc",
        "arguments": doc,
    }
    return _numbered(
        [
            START,
            _item(0, call, done=False),
            *deltas,
            done,
            _item(0, {**call, "arguments": doc}, done=True),
            _end(0),
        ]
    )


def _items_in_reverse(n: int) -> list[dict[str, Any]]:
    """n messages added in reverse output_index order, each with a delta."""
    out: list[dict[str, Any]] = [START]
    for i in range(n, 0, -1):
        message = {"id": f"m{i}", "type": "message", "role": "assistant"}
        out += [
            _item(i, {**message, "content": []}, done=False),
            {
                "type": "response.output_text.delta",
                "output_index": i,
                "content_index": 0,
                "item_id": f"m{i}",
                "delta": "x",
            },
            _item(i, None, done=True),
        ]
    return _numbered([*out, _end(0)])


def _read(events: list[Any]) -> None:
    """What a UI reads on each delta: the text so far and the partial input."""
    for event in events:
        if event.type in ("content.delta", "reasoning.delta"):
            event.snapshot  # noqa: B018 - the lazy view is the point
        elif event.type == "tool_calls.function.arguments.delta":
            event.parsed_arguments  # noqa: B018


def _feed(acc: OpenAIResponsesAccumulator, payload: dict[str, Any], reads: str) -> None:
    events = acc.feed_chunk(payload)
    if reads in ("events", "both"):
        _read(events)
    if reads in ("snapshot", "both"):
        acc.snapshot()


def _accumulate(
    payloads: list[dict[str, Any]], *, reads: str
) -> Iterator[Callable[[], object]]:
    """Steps: each payload fed to a fresh accumulator, the views read."""
    acc = OpenAIResponsesAccumulator()
    for payload in copy.deepcopy(payloads):
        yield functools.partial(_feed, acc, payload, reads)
    yield acc.close


@pytest.mark.parametrize("reads", ["events", "snapshot", "both"])
@pytest.mark.parametrize("make", [_text, _reasoning])
def test_text_deltas_are_linear(
    make: Callable[[int], list[dict[str, Any]]], reads: str
) -> None:
    run = functools.partial(_accumulate, reads=reads)
    assert_linear(run, make(200), make(16 * 200))


@pytest.mark.parametrize("reads", ["events", "both"])
def test_function_arguments_are_linear(reads: str) -> None:
    run = functools.partial(_accumulate, reads=reads)
    assert_linear(run, _arguments(200), _arguments(16 * 200))


def test_many_items_are_linear() -> None:
    # The snapshot is read at the end only: a snapshot puts the items in
    # index order, O(items) when they came out of order since the last one.
    run = functools.partial(_accumulate, reads="events")
    assert_linear(run, _items_in_reverse(100), _items_in_reverse(16 * 100))
