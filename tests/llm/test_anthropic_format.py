"""Anthropic with ``response_format=`` (its ``output_format``) and ``tools=``.

Hand-written streams (two of them recorded-style, under
``tests/data/anthropic_messages/``: ``output_format_json`` for the rule
output-format-json-text-parsed, ``output_format_max_tokens`` for
output-format-cut-by-max-tokens): a text block's ``content.delta`` /
``content.done`` carry the partial / final JSON; a ``max_tokens`` stop raises
``LengthFinishReasonError`` from ``close()`` when parsing was asked for; a
``refusal`` stop is a refusal, never parsed and never an error.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import (
    IncompleteJSON,
    JSONStreamError,
    LengthFinishReasonError,
    ServerSentEvent,
    SSEDecoder,
    UsageError,
    encode,
)
from sseparse.llm import AnthropicMessagesAccumulator
from sseparse.testing import chunkings, json_deltas, json_texts
from tests.helpers import split_chunks
from tests.llm.test_formats import (
    ANTHROPIC_LAX,
    ANTHROPIC_TOOL,
    AttrsCity,
    anthropic_call,
    anthropic_end,
    anthropic_start,
    anthropic_text,
    feed_all,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "anthropic_messages"
JSON_FORMAT = {"type": "json_schema", "schema": {"type": "object"}}


def golden(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.final.json").read_text())
    return loaded


def feed_bytes(acc: AnthropicMessagesAccumulator, data: bytes, size: int) -> list[Any]:
    """Feed *data* in reads of *size* bytes; read every JSON view at its event."""
    decoder = SSEDecoder()
    seen: list[Any] = []
    for piece in [*split_chunks(data, size), b""]:
        events = decoder.feed(piece) if piece else decoder.close()
        for event in events:
            for item in acc.feed(event):
                if item.type == "content.delta":
                    seen.append((item.type, item.delta, copy.deepcopy(item.parsed)))
                elif item.type == "content.done":
                    seen.append((item.type, item.content, copy.deepcopy(item.parsed)))
    return seen


CITY = {"city": "Zürich", "tags": ["lake", "old town"], "population": 443037}
PARTIALS = [
    {"city": "Z"},
    {"city": "Zürich", "tags": ["lake", "old "]},
    {"city": "Zürich", "tags": ["lake", "old town"]},
    CITY,
    {**CITY, "capital": False},
]


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 16])
def test_output_format_json_text_parsed(size: int) -> None:
    data = (DATA / "output_format_json.sse").read_bytes()
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    seen = feed_bytes(acc, data, size)
    final = acc.close()
    assert final == golden("output_format_json")
    text = final["content"][0]["text"]
    assert [parsed for kind, _, parsed in seen if kind == "content.delta"] == PARTIALS
    assert seen[-1] == ("content.done", text, json.loads(text))


def test_output_format_json_by_feed_chunk_and_data_only_the_same() -> None:
    data = (DATA / "output_format_json.sse").read_bytes()
    payloads = [json.loads(e.data) for e in SSEDecoder().feed(data)]
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    events = feed_all(acc, payloads, "feed_chunk")
    parsed = [copy.deepcopy(e.parsed) for e in events if e.type == "content.delta"]
    assert parsed == PARTIALS
    acc.close()
    data_only = b"\n".join(
        line for line in data.split(b"\n") if not line.startswith(b"event:")
    )
    again = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    seen = feed_bytes(again, data_only, 13)
    assert [p for kind, _, p in seen if kind == "content.delta"] == PARTIALS


def test_output_format_json_without_a_format_is_plain_text() -> None:
    data = (DATA / "output_format_json.sse").read_bytes()
    acc = AnthropicMessagesAccumulator()
    seen = feed_bytes(acc, data, 64)
    assert {parsed for _, _, parsed in seen} == {None}
    assert acc.close() == golden("output_format_json")


def test_output_format_cut_by_max_tokens() -> None:
    data = (DATA / "output_format_max_tokens.sse").read_bytes()
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    events = [item for e in SSEDecoder().feed(data) for item in acc.feed(e)]
    with pytest.raises(LengthFinishReasonError) as info:
        acc.close()
    expected = golden("output_format_max_tokens")
    assert info.value.snapshot == expected
    assert info.value.usage == expected["usage"]
    assert "stop_reason 'max_tokens'" in str(info.value)
    (done,) = [e for e in events if e.type == "content.done"]
    with pytest.raises(IncompleteJSON):
        _ = done.parsed  # a preview, not the object
    with pytest.raises(UsageError):  # the failure sticks
        acc.close()
    plain = AnthropicMessagesAccumulator()
    for event in SSEDecoder().feed(data):
        plain.feed(event)
    assert plain.close() == expected


# -- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("options", [{"response_format": JSON_FORMAT}, {}])
def test_a_refusal_is_reported_as_a_refusal_never_parsed(options: Any) -> None:
    acc = AnthropicMessagesAccumulator(**options)
    stream = anthropic_text(['{"steps": ["', "first"], "refusal")
    before = feed_all(acc, stream[:4])
    deltas = [e for e in before if e.type == "content.delta"]
    if options:
        assert copy.deepcopy(deltas[0].parsed) == {"steps": [""]}  # at its time
    after = feed_all(acc, stream[4:])
    (done,) = [e for e in after if e.type == "content.done"]
    (finish,) = [e for e in after if e.type == "finish"]
    assert (finish.finish_reason, finish.reason) == ("refusal", "refusal")
    # After the stop, no JSON view is a parse error: the text was a refusal.
    assert done.parsed is None
    assert [d.parsed for d in deltas] == [None, None]
    final = acc.close()
    assert final["stop_reason"] == "refusal"
    assert final["content"][0]["text"] == '{"steps": ["first'


def test_the_recorded_refusal_is_not_parsed_and_closes() -> None:
    data = (DATA / "refusal_stop.sse").read_bytes()
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    events = [item for e in SSEDecoder().feed(data) for item in acc.feed(e)]
    deltas = [e for e in events if e.type == "content.delta"]
    assert [d.parsed for d in deltas] == [None, None]
    (done,) = [e for e in events if e.type == "content.done"]
    assert done.parsed is None
    assert acc.close() == golden("refusal_stop")


def test_prose_read_as_json_before_the_refusal_is_known_raises_at_that_time() -> None:
    # The stop reason comes after the block: a JSON view read at the delta's
    # own time cannot know yet, and says the text is not JSON.
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    stream = anthropic_text(["I can't help with that."], "refusal")
    (delta,) = [e for e in feed_all(acc, stream[:3]) if e.type == "content.delta"]
    with pytest.raises(JSONStreamError):
        _ = delta.parsed
    feed_all(acc, stream[3:])
    assert acc.close()["stop_reason"] == "refusal"


# -- several blocks, tools ---------------------------------------------------------


def test_each_text_block_is_its_own_json_text() -> None:
    stream = [anthropic_start()]
    for index, text in enumerate(['{"a": 1}', "[true]"]):
        stream += [
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "text", "text": text[:2]},
            },
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": text[2:]},
            },
            {"type": "content_block_stop", "index": index},
        ]
    stream += anthropic_end("end_turn")
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    events = feed_all(acc, stream)
    done = [e.parsed for e in events if e.type == "content.done"]
    assert done == [{"a": 1}, [True]]
    first = next(e for e in events if e.type == "content.delta")
    assert first.delta == '{"'  # the text the start carried
    assert first.parsed == {}  # read late, still the value of its own prefix


@pytest.mark.parametrize(
    ("tools", "raises"),
    [
        ([ANTHROPIC_TOOL], True),
        ([AttrsCity, ANTHROPIC_LAX], True),
        ([ANTHROPIC_LAX], False),
        (None, False),
    ],
)
def test_max_tokens_raises_when_a_strict_tool_was_given(
    tools: Any, raises: bool
) -> None:
    acc = AnthropicMessagesAccumulator(tools=tools)
    feed_all(acc, anthropic_call("f", "max_tokens", '{"city": "Z'))
    assert acc.incomplete == (0,)
    if raises:
        with pytest.raises(LengthFinishReasonError) as info:
            acc.close()
        assert info.value.usage == {"input_tokens": 5, "output_tokens": 7}
    else:
        assert acc.close()["stop_reason"] == "max_tokens"


def test_a_json_format_does_not_parse_thinking() -> None:
    stream = [
        anthropic_start(),
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "not JSON"},
        },
        {"type": "content_block_stop", "index": 0},
        *anthropic_end("end_turn"),
    ]
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    feed_all(acc, stream)
    assert acc.close()["content"][0]["thinking"] == "not JSON"


@st.composite
def _json_stream_bytes(draw: st.DrawFn) -> tuple[str, list[bytes]]:
    text = draw(json_texts(max_leaves=10, lone_surrogates=False))
    pieces = [p for p in draw(json_deltas(text)) if p]
    data = b"".join(
        encode(ServerSentEvent(event=payload["type"], data=json.dumps(payload)))
        for payload in anthropic_text(pieces)
    )
    return text, draw(chunkings(data))


@given(case=_json_stream_bytes())
def test_the_final_parsed_is_json_loads_for_any_read_sizes(
    case: tuple[str, list[bytes]],
) -> None:
    text, reads = case
    acc = AnthropicMessagesAccumulator(response_format=JSON_FORMAT)
    decoder = SSEDecoder()
    events: list[Any] = []
    for read in reads:
        for event in decoder.feed(read):
            events += acc.feed(event)
    for event in decoder.close():
        events += acc.feed(event)
    for event in events:
        if event.type == "content.delta":
            event.parsed  # noqa: B018 - read at its time: never an error
    (done,) = [e for e in events if e.type == "content.done"]
    assert (done.content, done.parsed) == (text, json.loads(text))
    assert acc.close()["content"][0]["text"] == text
