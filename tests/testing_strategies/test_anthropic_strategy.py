"""Self-tests of ``sseparse.testing.anthropic_message_streams``.

The strategy is an oracle for the Anthropic accumulator, so it is checked on
its own, against the wire it draws and not against any accumulator:

1. The wire is well formed: the SSE body decodes to one event per payload,
   named after the payload's ``type`` or data-only; ``message_start`` first,
   ``message_stop`` last, each block started, given its deltas and stopped in
   index order, exactly one stop reason, in the last ``message_delta``.
2. ``expected`` agrees with the wire field by field: each block's text is its
   start text plus its deltas, each tool input is the JSON of its fragments (or
   the start block's input), each signature the last one sent, the citations
   those sent; the stop fields are the stopping delta's; the usage is the
   latest non-null merge of every usage sent, and ``usages`` lists each step.
3. ``anthropic``'s own models accept ``expected`` (``Message`` for the kinds
   it knows, ``BetaMessage`` with the MCP blocks too).
4. The options do what they say, and every feature can be drawn.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic.types import Message
from anthropic.types.beta import BetaMessage
from hypothesis import given
from hypothesis.errors import InvalidArgument

from sseparse import SSEDecoder
from sseparse.testing import (
    ANTHROPIC_BLOCK_TYPES,
    ANTHROPIC_STOP_REASONS,
    AnthropicStream,
    anthropic_message_streams,
    same_json,
)
from tests.helpers import unseen_features

# The block kinds anthropic.types.Message knows (no MCP blocks, no unknown ones).
SDK_BLOCK_TYPES = (
    "text",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "server_tool_use",
    "web_search_tool_result",
    "code_execution_tool_result",
    "container_upload",
)
_KNOWN_TYPES = {
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
}
_TOOL_USE = ("tool_use", "server_tool_use", "mcp_tool_use")


def core(stream: AnthropicStream) -> list[dict[str, Any]]:
    """The payloads less pings and unknown events."""
    return [p for p in stream.payloads if p["type"] in _KNOWN_TYPES - {"ping"}]


def merge_usage(usages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each step of merging *usages*: latest non-null per field."""
    merged: dict[str, Any] = {}
    steps = []
    for usage in usages:
        merged = dict(merged)
        for key, value in usage.items():
            if value is not None or key not in merged:
                merged[key] = value
        steps.append(merged)
    return steps


# -- 1. and 2. -----------------------------------------------------------------


@given(anthropic_message_streams())
def test_the_wire_is_well_formed_and_adds_up_to_expected(
    stream: AnthropicStream,
) -> None:
    check_sse(stream)
    check_grammar(stream)
    check_blocks(stream)
    check_message(stream)


def check_sse(stream: AnthropicStream) -> None:
    for named in (True, False):
        decoder = SSEDecoder()
        items = decoder.feed(stream.to_sse(named=named)) + decoder.close()
        assert items == stream.to_events(named=named)
        assert [item.json() for item in items] == stream.payloads
        names = [item.event for item in items]
        if named:
            assert names == [p["type"] for p in stream.payloads]
        else:
            assert set(names) == {"message"}
    assert stream.to_events() == stream.to_events(named=stream.named)


def check_grammar(stream: AnthropicStream) -> None:
    payloads = core(stream)
    assert payloads[0]["type"] == "message_start"
    assert payloads[-1] == {"type": "message_stop"}
    assert stream.payloads[-1] == {"type": "message_stop"}
    assert payloads[0]["message"]["content"] == []
    position = 1
    for index, block in enumerate(stream.blocks):
        assert block.index == index
        start = payloads[position]
        assert start == {
            "type": "content_block_start",
            "index": index,
            "content_block": block.start,
        }
        position += 1
        while payloads[position]["type"] == "content_block_delta":
            assert payloads[position]["index"] == index
            position += 1
        assert payloads[position] == {"type": "content_block_stop", "index": index}
        position += 1
    deltas = payloads[position:-1]
    assert deltas
    assert all(p["type"] == "message_delta" for p in deltas)
    reasons = [p["delta"]["stop_reason"] for p in deltas]
    assert reasons[-1] is not None
    assert all(reason is None for reason in reasons[:-1])
    # Unknown events only between message_start and message_stop.
    types = [p["type"] for p in stream.payloads]
    first = types.index("message_start")
    for at, kind in enumerate(types):
        if kind not in _KNOWN_TYPES:
            assert first < at < len(types) - 1


def deltas_of(stream: AnthropicStream, index: int) -> list[dict[str, Any]]:
    return [
        p["delta"]
        for p in stream.payloads
        if p["type"] == "content_block_delta" and p["index"] == index
    ]


def check_blocks(stream: AnthropicStream) -> None:
    assert stream.expected["content"] == [block.final for block in stream.blocks]
    for block in stream.blocks:
        deltas = deltas_of(stream, block.index)
        kinds = {delta["type"] for delta in deltas}
        final = block.final
        assert final["type"] == block.start["type"] == block.type
        if block.type in ("text", "thinking"):
            field = "text" if block.type == "text" else "thinking"
            pieces = [d[field] for d in deltas if d["type"] == f"{field}_delta"]
            assert block.start[field] + "".join(pieces) == block.text
            assert final[field] == block.text
        else:
            assert block.text is None
        if block.type == "text":
            assert kinds <= {"text_delta", "citations_delta"}
            sent = [d["citation"] for d in deltas if d["type"] == "citations_delta"]
            assert list(block.citations) == sent
            if sent:
                assert final["citations"] == (block.start["citations"] or []) + sent
            else:
                assert final == {**block.start, "text": block.text}
        elif block.type == "thinking":
            assert kinds <= {"thinking_delta", "signature_delta"}
            sent = [d["signature"] for d in deltas if d["type"] == "signature_delta"]
            assert list(block.signatures) == sent
            # Signatures come last, just before the stop.
            tail = [d["type"] for d in deltas[len(deltas) - len(sent) :]]
            assert tail == ["signature_delta"] * len(sent)
            assert final["signature"] == (
                sent[-1] if sent else block.start["signature"]
            )
        elif block.type in _TOOL_USE:
            assert kinds <= {"input_json_delta"}
            fragments = [d["partial_json"] for d in deltas]
            assert list(block.fragments) == fragments
            text = "".join(fragments)
            assert block.arguments is not None
            if text:
                assert block.start["input"] == {}
                assert block.arguments == text
            else:
                assert block.arguments == json.dumps(block.start["input"])
            assert same_json(json.loads(block.arguments), final["input"])
            assert isinstance(final["input"], dict)
            assert {k: v for k, v in final.items() if k != "input"} == {
                k: v for k, v in block.start.items() if k != "input"
            }
        else:
            # Whole blocks: as started; only unknown ones have (unknown) deltas.
            assert final == block.start
            if block.type in ANTHROPIC_BLOCK_TYPES:
                assert not deltas
            else:
                assert block.type.startswith("x_")
                assert all(
                    d["type"].startswith("x_") and d["type"].endswith("_delta")
                    for d in deltas
                )


def check_message(stream: AnthropicStream) -> None:
    payloads = core(stream)
    start = payloads[0]["message"]
    deltas = [p for p in payloads if p["type"] == "message_delta"]
    expected = stream.expected
    # The start's fields, then the stopping delta's, then the merged usage.
    for key, value in start.items():
        if key not in ("content", "usage") and key not in deltas[-1]["delta"]:
            assert expected[key] == value, key
    for key, value in deltas[-1]["delta"].items():
        assert expected[key] == value, key
    assert set(expected) == set(start) | set(deltas[-1]["delta"]) | {"usage"}
    sent = ([start["usage"]] if "usage" in start else []) + [p["usage"] for p in deltas]
    steps = merge_usage(sent)
    assert list(stream.usages) == steps
    assert expected["usage"] == steps[-1]
    reason = expected["stop_reason"]
    assert reason in ANTHROPIC_STOP_REASONS
    assert (expected["stop_sequence"] is not None) == (reason == "stop_sequence")
    if reason == "refusal":
        assert expected["stop_details"]["type"] == "refusal"


# -- 3. the SDK's models -------------------------------------------------------


@given(anthropic_message_streams(block_types=SDK_BLOCK_TYPES))
def test_anthropic_message_accepts_expected(stream: AnthropicStream) -> None:
    message = Message.model_validate(stream.expected)
    assert len(message.content) == len(stream.blocks)
    assert message.stop_reason == stream.expected["stop_reason"]


@given(
    anthropic_message_streams(
        block_types=(*SDK_BLOCK_TYPES, "mcp_tool_use", "mcp_tool_result")
    )
)
def test_anthropic_beta_message_accepts_expected_with_mcp(
    stream: AnthropicStream,
) -> None:
    BetaMessage.model_validate(stream.expected)


# -- 4. options and reach ------------------------------------------------------


@given(
    anthropic_message_streams(
        block_types=("thinking", "tool_use"),
        stop_reasons=("refusal",),
        pings=False,
        unknown_events=False,
    )
)
def test_options_restrict_the_draw(stream: AnthropicStream) -> None:
    assert {block.type for block in stream.blocks} <= {"thinking", "tool_use"}
    assert stream.expected["stop_reason"] == "refusal"
    assert {p["type"] for p in stream.payloads} <= _KNOWN_TYPES - {"ping"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"block_types": ()},
        {"block_types": ("text", "image")},
        {"stop_reasons": ()},
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument, match="expects a non-empty"):
        anthropic_message_streams(**kwargs)


def _has_block(stream: AnthropicStream, kind: str) -> bool:
    return any(
        block.type == kind or (kind == "unknown" and block.type.startswith("x_"))
        for block in stream.blocks
    )


_FEATURES: dict[str, Any] = {
    **{
        f"block:{kind}": (lambda s, kind=kind: _has_block(s, kind))
        for kind in ANTHROPIC_BLOCK_TYPES
    },
    **{
        f"stop:{reason}": (lambda s, r=reason: s.expected["stop_reason"] == r)
        for reason in ANTHROPIC_STOP_REASONS
    },
    "ping": lambda s: {"type": "ping"} in s.payloads,
    "ping first": lambda s: s.payloads[0] == {"type": "ping"},
    "unknown event": lambda s: any(p["type"] not in _KNOWN_TYPES for p in s.payloads),
    "data-only": lambda s: not s.named,
    "no usage in message_start": lambda s: "usage" not in core(s)[0]["message"],
    "two message_deltas": lambda s: (
        sum(p["type"] == "message_delta" for p in s.payloads) == 2
    ),
    "null usage count": lambda s: any(
        p["type"] == "message_delta" and None in p["usage"].values() for p in s.payloads
    ),
    "empty first fragment": lambda s: any(
        b.fragments[:1] == ("",) and len(b.fragments) > 1 for b in s.blocks
    ),
    "input whole in start": lambda s: any(
        b.type in _TOOL_USE and b.start["input"] for b in s.blocks
    ),
    "text in start": lambda s: any(b.start.get("text") for b in s.blocks),
    "two signatures": lambda s: any(len(b.signatures) == 2 for b in s.blocks),
    "citations": lambda s: any(b.citations for b in s.blocks),
    "unknown delta": lambda s: any(
        p["type"] == "content_block_delta" and p["delta"]["type"].startswith("x_")
        for p in s.payloads
    ),
    "no blocks": lambda s: not s.blocks,
}


def test_every_feature_is_drawn() -> None:
    """Within a few hundred draws, or a search of a few thousand for a rare one."""
    assert unseen_features(anthropic_message_streams(), _FEATURES) == []
