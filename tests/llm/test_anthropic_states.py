"""AnthropicMessagesAccumulator: its transition tables, errors, terminal states.

The recorded streams in tests/data/anthropic_messages/ cover realistic streams;
this module checks the machine itself, one rule per test, on short synthetic
streams: every (phase, payload type) pair and every (block kind, delta type)
pair either transitions or raises, with the expectations written out here by
hand (not read from the module's tables).
"""

from __future__ import annotations

import copy
import inspect
import json
import random
from typing import Any

import anthropic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import (
    Comment,
    IncompleteStream,
    InvalidChunk,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    UnexpectedEvent,
    UsageError,
)
from sseparse.llm import AccumulatorState, _anthropic
from sseparse.llm._anthropic import (
    ANTHROPIC_MESSAGES,
    DELTAS,
    TRANSITIONS,
    AnthropicMessagesAccumulator,
    BlockKind,
    MessageState,
    block_kind,
)
from sseparse.llm._merge import render
from sseparse.llm.events import (
    ChoiceFinished,
    ChunkReceived,
    ContentDelta,
    ReasoningDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    UnknownEvent,
    UsageUpdated,
)
from tests.helpers import split_chunks

# -- stream builders ----------------------------------------------------------------

USAGE = {"input_tokens": 12, "output_tokens": 1}
MESSAGE: dict[str, Any] = {
    "id": "msg_01",
    "type": "message",
    "role": "assistant",
    "content": [],
    "model": "claude-test",
    "stop_reason": None,
    "stop_sequence": None,
    "usage": USAGE,
}


def start(**changes: Any) -> dict[str, Any]:
    message = {**copy.deepcopy(MESSAGE), **changes}
    return {"type": "message_start", "message": message}


def block(index: int, **content_block: Any) -> dict[str, Any]:
    return {
        "type": "content_block_start",
        "index": index,
        "content_block": content_block,
    }


def delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


def text(index: int, value: str) -> dict[str, Any]:
    return delta(index, type="text_delta", text=value)


def json_part(index: int, value: str) -> dict[str, Any]:
    return delta(index, type="input_json_delta", partial_json=value)


def stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(reason: str | None = "end_turn", **usage: Any) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": reason, "stop_sequence": None},
        "usage": usage or {"output_tokens": 9},
    }


PING = {"type": "ping"}
MESSAGE_STOP = {"type": "message_stop"}
ERROR = {
    "type": "error",
    "error": {"type": "overloaded_error", "message": "Overloaded"},
}

TEXT_STREAM = [
    start(),
    block(0, type="text", text=""),
    text(0, "Hel"),
    PING,
    text(0, "lo"),
    stop(0),
    message_delta(),
    MESSAGE_STOP,
]

TOOL_STREAM = [
    start(),
    block(0, type="text", text=""),
    text(0, "Let me look."),
    stop(0),
    block(1, type="tool_use", id="toolu_1", name="get_weather", input={}),
    json_part(1, ""),
    json_part(1, '{"city": "Par'),
    json_part(1, 'is", "days": [1, 2]}'),
    stop(1),
    message_delta("tool_use"),
    MESSAGE_STOP,
]


def sse(payload: Any, *, named: bool = True) -> ServerSentEvent:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    if named and isinstance(payload, dict) and isinstance(payload.get("type"), str):
        return ServerSentEvent(event=payload["type"], data=data)
    return ServerSentEvent(data=data)


def run(*payloads: Any, **options: Any) -> AnthropicMessagesAccumulator:
    acc = AnthropicMessagesAccumulator(**options)
    for payload in payloads:
        acc.feed(sse(payload))
    return acc


def events_of(*payloads: Any) -> list[Any]:
    acc = AnthropicMessagesAccumulator()
    out: list[Any] = []
    for payload in payloads:
        out.extend(acc.feed(sse(payload)))
    return out


def kinds(events: list[Any]) -> list[str]:
    """The event types, without the ChunkReceived that leads each payload."""
    return [e.type for e in events if e.type != "chunk"]


def wire(payloads: list[Any], *, named: bool = True) -> bytes:
    out = []
    for payload in payloads:
        name = f"event: {payload['type']}\n" if named else ""
        out.append(f"{name}data: {json.dumps(payload)}\n\n")
    return "".join(out).encode()


def decode(chunks: list[bytes]) -> tuple[list[Any], Any]:
    """Events and final (or the error's type) of byte chunks fed through SSE."""
    decoder = SSEDecoder()
    acc = AnthropicMessagesAccumulator()
    events: list[Any] = []
    try:
        for piece in chunks:
            for item in decoder.feed(piece):
                events.extend(acc.feed(item))
        for item in decoder.close():
            events.extend(acc.feed(item))
        return events, acc.close()
    except (IncompleteStream, StreamError) as exc:
        return events, (type(exc).__name__, exc.snapshot)


# -- the transition table, pair by pair ---------------------------------------------

# Payloads that bring the machine to each phase.
TO_PHASE: dict[MessageState, list[dict[str, Any]]] = {
    MessageState.AWAITING_START: [],
    MessageState.IN_MESSAGE: [start()],
    MessageState.FINISHING: [start(), message_delta()],
}

# One payload of each type, valid wherever its type is allowed.
PROBES: dict[str, dict[str, Any]] = {
    "ping": PING,
    "message_start": start(),
    "content_block_start": block(5, type="text", text=""),
    "content_block_delta": text(0, "x"),
    "content_block_stop": stop(0),
    "message_delta": message_delta(),
    "message_stop": MESSAGE_STOP,
    "future_event": {"type": "future_event", "x": 1},
}

# Written by hand from the wire format: what each pair does.  A string is the
# next phase's name with the events (past the ChunkReceived) it emits; None is
# UnexpectedEvent.  The delta and stop probes need a started block 0, which the
# setup below adds in IN_MESSAGE.
EXPECTED: dict[tuple[str, str], tuple[str, list[str]] | None] = {
    ("AWAITING_START", "ping"): ("AWAITING_START", []),
    ("AWAITING_START", "message_start"): ("IN_MESSAGE", ["message.started", "usage"]),
    ("AWAITING_START", "content_block_start"): None,
    ("AWAITING_START", "content_block_delta"): None,
    ("AWAITING_START", "content_block_stop"): None,
    ("AWAITING_START", "message_delta"): None,
    ("AWAITING_START", "message_stop"): None,
    ("AWAITING_START", "future_event"): ("AWAITING_START", ["unknown"]),
    ("IN_MESSAGE", "ping"): ("IN_MESSAGE", []),
    ("IN_MESSAGE", "message_start"): None,
    ("IN_MESSAGE", "content_block_start"): ("IN_MESSAGE", ["part.started"]),
    ("IN_MESSAGE", "content_block_delta"): ("IN_MESSAGE", ["content.delta"]),
    ("IN_MESSAGE", "content_block_stop"): (
        "IN_MESSAGE",
        ["content.done", "part.done"],
    ),
    ("IN_MESSAGE", "message_delta"): (
        "FINISHING",
        ["content.done", "part.done", "usage", "finish"],
    ),
    ("IN_MESSAGE", "message_stop"): ("STOPPED", ["content.done", "part.done", "done"]),
    ("IN_MESSAGE", "future_event"): ("IN_MESSAGE", ["unknown"]),
    ("FINISHING", "ping"): ("FINISHING", []),
    ("FINISHING", "message_start"): None,
    ("FINISHING", "content_block_start"): None,
    ("FINISHING", "content_block_delta"): None,
    ("FINISHING", "content_block_stop"): None,
    ("FINISHING", "message_delta"): ("FINISHING", ["usage", "finish"]),
    ("FINISHING", "message_stop"): ("STOPPED", ["done"]),
    ("FINISHING", "future_event"): ("FINISHING", ["unknown"]),
}


@pytest.mark.parametrize(("phase_name", "kind"), sorted(EXPECTED))
def test_every_phase_and_type_transitions_or_raises(phase_name: str, kind: str) -> None:
    phase = MessageState[phase_name]
    setup = list(TO_PHASE[phase])
    if phase is MessageState.IN_MESSAGE:
        setup.append(block(0, type="text", text=""))
    acc = run(*setup)
    expected = EXPECTED[(phase_name, kind)]
    if expected is None:
        with pytest.raises(UnexpectedEvent) as info:
            acc.feed(sse(PROBES[kind]))
        assert repr(kind) in str(info.value)
        assert acc.state is AccumulatorState.ERROR
        return
    events = acc.feed(sse(PROBES[kind]))
    assert isinstance(events[0], ChunkReceived)
    assert events[0].chunk == PROBES[kind]
    assert (acc._phase.name, kinds(events)) == expected


def test_the_transition_table_is_the_one_written_out_here() -> None:
    allowed = {
        (phase.name, kind): next_phase.name
        for (phase, kind), (_, next_phase) in TRANSITIONS.items()
    }
    expected = {
        pair: row[0]
        for pair, row in EXPECTED.items()
        if row is not None and pair[1] != "future_event"
    }
    assert allowed == expected


@pytest.mark.parametrize("phase", list(TO_PHASE))
def test_an_error_event_raises_in_every_phase_and_sticks(phase: MessageState) -> None:
    acc = run(*TO_PHASE[phase])
    before = copy.deepcopy(acc.snapshot())
    with pytest.raises(StreamError) as info:
        acc.feed(sse(ERROR))
    assert info.value.body == ERROR
    assert info.value.snapshot == before
    assert "overloaded_error" in str(info.value)
    assert acc.state is AccumulatorState.ERROR
    for call in (
        lambda: acc.feed(sse(PING)),
        lambda: acc.feed_chunk(PING),
        acc.close,
    ):
        with pytest.raises(UsageError, match="failed with StreamError") as again:
            call()
        assert again.value.__cause__ is info.value


def test_an_error_keeps_the_snapshot_of_the_text_so_far() -> None:
    acc = run(*TEXT_STREAM[:4])
    with pytest.raises(StreamError) as info:
        acc.feed(sse(ERROR))
    assert info.value.snapshot["content"] == [{"type": "text", "text": "Hel"}]


@pytest.mark.parametrize(
    ("payload", "event"),
    [
        ({"error": {"type": "api_error", "message": "x"}}, "message"),
        ("upstream exploded", "error"),
    ],
)
def test_other_error_shapes_raise_stream_error(payload: Any, event: str) -> None:
    acc = run(start())
    data = payload if isinstance(payload, str) else json.dumps(payload)
    with pytest.raises(StreamError) as info:
        acc.feed(ServerSentEvent(event=event, data=data))
    assert info.value.body == payload


def test_the_sse_event_name_is_never_read() -> None:
    # A ping's data under "event: error", an error's data under "event: ping".
    acc = run(start())
    assert (
        kinds(acc.feed(ServerSentEvent(event="error", data='{"type": "ping"}'))) == []
    )
    with pytest.raises(StreamError):
        acc.feed(ServerSentEvent(event="ping", data=json.dumps(ERROR)))


# -- the delta table, pair by pair --------------------------------------------------

START_BLOCKS: dict[str, dict[str, Any]] = {
    "text": {"type": "text", "text": ""},
    "thinking": {"type": "thinking", "thinking": "", "signature": ""},
    "redacted_thinking": {"type": "redacted_thinking", "data": "EmwKAhgB"},
    "tool_use": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
    "server_tool_use": {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {},
    },
    "mcp_tool_use": {
        "type": "mcp_tool_use",
        "id": "mcptoolu_1",
        "name": "echo",
        "server_name": "s",
        "input": {},
    },
    "web_search_tool_result": {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [],
    },
    "container_upload": {"type": "container_upload", "file_id": "file_1"},
    "compaction": {"type": "compaction", "content": None},
    "future_block": {"type": "future_block", "payload": [1]},
}

DELTA_PROBES: dict[str, dict[str, Any]] = {
    "text_delta": {"type": "text_delta", "text": "a"},
    "citations_delta": {
        "type": "citations_delta",
        "citation": {"type": "char_location", "cited_text": "a"},
    },
    "thinking_delta": {"type": "thinking_delta", "thinking": "a"},
    "signature_delta": {"type": "signature_delta", "signature": "sig"},
    "input_json_delta": {"type": "input_json_delta", "partial_json": "{"},
    "compaction_delta": {"type": "compaction_delta", "content": "summary"},
    "future_delta": {"type": "future_delta", "x": 1},
}

TOOLS = ("tool_use", "server_tool_use", "mcp_tool_use")
# What each block type makes of each delta type, by hand: the events past the
# ChunkReceived, or None for UnexpectedEvent.
DELTA_EXPECTED: dict[tuple[str, str], list[str] | None] = {}
for _block in START_BLOCKS:
    for _delta in DELTA_PROBES:
        DELTA_EXPECTED[(_block, _delta)] = (
            ["unknown"]
            if _delta == "future_delta" or _block == "future_block"
            else None
        )
DELTA_EXPECTED[("text", "text_delta")] = ["content.delta"]
DELTA_EXPECTED[("text", "citations_delta")] = ["citation.added"]
DELTA_EXPECTED[("thinking", "thinking_delta")] = ["reasoning.delta"]
DELTA_EXPECTED[("thinking", "signature_delta")] = ["reasoning.signature"]
for _tool in TOOLS:
    DELTA_EXPECTED[(_tool, "input_json_delta")] = [
        "tool_calls.function.arguments.delta"
    ]
DELTA_EXPECTED[("compaction", "compaction_delta")] = []


@pytest.mark.parametrize(("block_type", "delta_type"), sorted(DELTA_EXPECTED))
def test_every_block_kind_and_delta_type(block_type: str, delta_type: str) -> None:
    acc = run(start(), block(3, **START_BLOCKS[block_type]))
    payload = {
        "type": "content_block_delta",
        "index": 3,
        "delta": DELTA_PROBES[delta_type],
    }
    expected = DELTA_EXPECTED[(block_type, delta_type)]
    if expected is None:
        with pytest.raises(UnexpectedEvent) as info:
            acc.feed(sse(payload))
        message = str(info.value)
        assert "block 3" in message
        assert repr(block_type) in message
        assert repr(delta_type) in message
        return
    events = acc.feed(sse(payload))
    assert kinds(events) == expected
    if expected == ["unknown"]:
        assert isinstance(events[1], UnknownEvent)
        assert events[1].data == payload
        assert events[1].choice_index == 0
        # Kept as it came, in the event only: the block stays as it started.
        acc.feed(sse(stop(3)))
        assert acc.snapshot()["content"] == [START_BLOCKS[block_type]]


def test_the_delta_table_is_the_one_written_out_here() -> None:
    allowed = {(kind, delta_type) for (kind, delta_type) in DELTAS}
    expected = {
        (block_kind(b), d)
        for (b, d), row in DELTA_EXPECTED.items()
        if row is not None and row != ["unknown"]
    }
    assert allowed == expected


@pytest.mark.parametrize(
    ("block_type", "kind"),
    [
        ("text", BlockKind.TEXT),
        ("thinking", BlockKind.THINKING),
        ("redacted_thinking", BlockKind.REDACTED_THINKING),
        ("tool_use", BlockKind.TOOL_USE),
        ("server_tool_use", BlockKind.SERVER_TOOL_USE),
        ("mcp_tool_use", BlockKind.SERVER_TOOL_USE),
        ("computer_tool_use", BlockKind.SERVER_TOOL_USE),
        ("web_search_tool_result", BlockKind.TOOL_RESULT),
        ("mcp_tool_result", BlockKind.TOOL_RESULT),
        ("code_execution_tool_result", BlockKind.TOOL_RESULT),
        ("container_upload", BlockKind.CONTAINER_UPLOAD),
        ("compaction", BlockKind.COMPACTION),
        ("tool_result", BlockKind.UNKNOWN),  # a user-turn block, not ours
        ("image", BlockKind.UNKNOWN),
    ],
)
def test_block_kinds(block_type: str, kind: BlockKind) -> None:
    assert block_kind(block_type) is kind


# -- ordering errors name the index, the block type and the delta type --------------


@pytest.mark.parametrize(
    ("payloads", "words"),
    [
        ([text(4, "x")], ["content_block_delta", "text_delta", "block 4", "never"]),
        ([stop(4)], ["content_block_stop", "block 4", "never"]),
        (
            [block(0, type="text", text=""), stop(0), text(0, "x")],
            ["text_delta", "block 0", "'text'", "already stopped"],
        ),
        (
            [block(0, type="text", text=""), stop(0), stop(0)],
            ["content_block_stop", "block 0", "'text'", "already stopped"],
        ),
        (
            [block(0, type="text", text=""), block(0, type="thinking", thinking="")],
            ["index 0", "'thinking'", "'text'", "already started"],
        ),
        (
            [
                block(2, type="thinking", thinking=""),
                text(2, "x"),
            ],
            ["block 2", "'thinking'", "'text_delta'", "'signature_delta'"],
        ),
    ],
)
def test_out_of_order_blocks_raise_with_where(
    payloads: list[dict[str, Any]], words: list[str]
) -> None:
    acc = run(start())
    for payload in payloads[:-1]:
        acc.feed(sse(payload))
    with pytest.raises(UnexpectedEvent) as info:
        acc.feed(sse(payloads[-1]))
    for word in words:
        assert word in str(info.value)
    assert acc.state is AccumulatorState.ERROR
    with pytest.raises(UsageError):
        acc.feed(sse(PING))


def test_a_second_message_start_is_unexpected() -> None:
    with pytest.raises(UnexpectedEvent, match="message_start"):
        run(start(), start())


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("not json", None),
        ([1, 2], None),
        ({"no": "type"}, "type"),
        ({"type": 7}, "type"),
        ({"type": "message_start", "message": []}, "message"),
        ({"type": "message_start", "message": {"usage": 3}}, "message.usage"),
        ({"type": "message_start", "message": {"content": {}}}, "message.content"),
    ],
)
def test_malformed_payloads_before_the_start(payload: Any, field: str | None) -> None:
    acc = AnthropicMessagesAccumulator()
    with pytest.raises(InvalidChunk) as info:
        acc.feed(sse(payload, named=False))
    assert info.value.field == field
    assert info.value.chunk_index == 0
    assert acc.state is AccumulatorState.ERROR


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "content_block_start", "index": "0", "content_block": {}}, "index"),
        ({"type": "content_block_start", "index": True}, "index"),
        (
            {"type": "content_block_start", "index": 0, "content_block": 1},
            "content_block",
        ),
        (block(0, type=None), "content_block.type"),
        (block(0, type="text", text=5), "content_block.text"),
        (block(0, type="text", citations={}), "content_block.citations"),
        (block(0, type="thinking", thinking=[]), "content_block.thinking"),
        (block(0, type="redacted_thinking"), "content_block.data"),
        ({"type": "content_block_delta", "index": 0, "delta": "x"}, "delta"),
        ({"type": "content_block_delta", "index": 0, "delta": {}}, "delta.type"),
        ({"type": "content_block_stop"}, "index"),
        ({"type": "message_delta", "delta": 1}, "delta"),
        ({"type": "message_delta", "usage": []}, "usage"),
        ({"type": "message_delta", "delta": {"stop_reason": 1}}, "delta.stop_reason"),
    ],
)
def test_malformed_payloads_in_the_message(payload: Any, field: str) -> None:
    acc = run(start())
    with pytest.raises(InvalidChunk) as info:
        acc.feed(sse(payload))
    assert info.value.field == field
    assert info.value.chunk_index == 1
    assert f"at {field}" in str(info.value)


@pytest.mark.parametrize(
    ("block_type", "bad"),
    [
        ("text", {"type": "text_delta", "text": 1}),
        ("text", {"type": "citations_delta", "citation": "x"}),
        ("thinking", {"type": "thinking_delta", "thinking": None}),
        ("thinking", {"type": "signature_delta"}),
        ("tool_use", {"type": "input_json_delta", "partial_json": {}}),
    ],
)
def test_malformed_deltas(block_type: str, bad: dict[str, Any]) -> None:
    acc = run(start(), block(0, **START_BLOCKS[block_type]))
    with pytest.raises(InvalidChunk, match=r"delta\."):
        acc.feed(sse({"type": "content_block_delta", "index": 0, "delta": bad}))


# -- terminal states -----------------------------------------------------------------


def test_message_stop_is_the_clean_end() -> None:
    acc = run(*TEXT_STREAM)
    assert acc.state is AccumulatorState.DONE
    final = acc.close()
    assert acc.state is AccumulatorState.CLOSED
    assert final == {
        **MESSAGE,
        "content": [{"type": "text", "text": "Hello"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 12, "output_tokens": 9},
    }
    anthropic.types.Message.model_validate(final)


@pytest.mark.parametrize("cut", range(len(TEXT_STREAM)))
def test_a_stream_without_message_stop_is_incomplete(cut: int) -> None:
    acc = run(*TEXT_STREAM[:cut])
    snapshot = copy.deepcopy(acc.snapshot())
    with pytest.raises(IncompleteStream, match="without message_stop") as info:
        acc.close()
    assert info.value.snapshot == snapshot
    assert acc.state is AccumulatorState.ERROR
    if cut == 0:
        assert snapshot == {
            "type": "message",
            "role": "assistant",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
        }


@pytest.mark.parametrize(
    ("payloads", "why"),
    [
        ([], "before message_start"),
        ([PING], "before message_start"),
        ([start(), block(1, type="text", text="")], r"block\(s\) \[1\] still open"),
        ([start()], "before message_delta"),
        ([start(), message_delta()], "after message_delta"),
    ],
)
def test_incomplete_says_where_it_stopped(payloads: list[Any], why: str) -> None:
    with pytest.raises(IncompleteStream, match=why):
        run(*payloads).close()


def test_events_after_message_stop_pass_through() -> None:
    acc = run(*TEXT_STREAM)
    late = [sse(PING), sse(text(0, "x")), sse("[DONE]"), sse(ERROR), sse(start())]
    for item in late:
        data = json.loads(item.data) if item.data != "[DONE]" else "[DONE]"
        assert acc.feed(item) == [UnknownEvent(event=item, data=data, choice_index=0)]
        assert acc.state is AccumulatorState.DONE
    assert acc.feed_chunk(PING) == [UnknownEvent(event=None, data=PING, choice_index=0)]
    assert acc.feed(Comment(text="keep-alive")) == []
    assert acc.close()["content"] == [{"type": "text", "text": "Hello"}]
    for call in (lambda: acc.feed(sse(PING)), lambda: acc.feed_chunk(PING), acc.close):
        with pytest.raises(UsageError, match="closed"):
            call()


def test_misuse() -> None:
    acc = AnthropicMessagesAccumulator()
    with pytest.raises(UsageError, match="feed_chunk"):
        acc.feed(PING)  # type: ignore[arg-type]
    assert acc.state is AccumulatorState.STREAMING  # misuse changes nothing
    assert acc.feed(Comment(text="")) == []
    assert acc.take_events() == []


# -- message-level merges ------------------------------------------------------------


def test_message_start_without_usage() -> None:
    message = copy.deepcopy(MESSAGE)
    del message["usage"]
    events = events_of({"type": "message_start", "message": message})
    assert kinds(events) == ["message.started"]
    acc = run(
        {"type": "message_start", "message": message}, message_delta(), MESSAGE_STOP
    )
    assert acc.close()["usage"] == {"output_tokens": 9}


def test_message_start_fills_the_keys_of_the_final_shape() -> None:
    acc = run({"type": "message_start", "message": {"id": "m", "model": "x"}})
    assert acc.snapshot() == {
        "id": "m",
        "model": "x",
        "type": "message",
        "role": "assistant",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
    }


def test_message_started_carries_the_message_as_sent() -> None:
    payload = start(container={"id": "c1", "expires_at": "t"}, extra=[1])
    started = events_of(payload)[1]
    assert started.type == "message.started"
    assert started.message == payload["message"]
    assert started.choice_index == 0
    final = run(payload, message_delta(), MESSAGE_STOP).close()
    assert final["container"] == {"id": "c1", "expires_at": "t"}
    assert final["extra"] == [1]


def test_usage_is_cumulative_and_never_added() -> None:
    acc = run(
        start(
            usage={
                "input_tokens": 10,
                "output_tokens": 1,
                "cache_read_input_tokens": 4,
                "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
            }
        )
    )
    first = acc.feed(
        sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": None},
                "usage": {
                    "output_tokens": 5,
                    "cache_read_input_tokens": None,
                    "server_tool_use": {"web_search_requests": 2},
                },
            }
        )
    )
    second = acc.feed(sse(message_delta("end_turn", output_tokens=7)))
    expected = {
        "input_tokens": 10,
        "output_tokens": 7,
        "cache_read_input_tokens": 4,
        "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 0},
    }
    assert acc.snapshot()["usage"] == expected
    usage_events = [e for e in first + second if isinstance(e, UsageUpdated)]
    assert [e.usage["output_tokens"] for e in usage_events] == [5, 7]
    assert usage_events[0].usage["server_tool_use"]["web_search_requests"] == 2
    assert usage_events[1].usage == expected
    assert [e.choice_index for e in usage_events] == [0, 0]
    # A stop_reason null brings no finish; the second one does.
    assert [e.type for e in first].count("finish") == 0


def test_message_delta_fields_are_latest_non_null() -> None:
    acc = run(
        start(stop_details=None),
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": "refusal",
                "stop_sequence": None,
                "stop_details": {"type": "refusal", "category": "cyber"},
                "container": {"id": "c1", "expires_at": "2026"},
                "future_field": 3,
            },
            "usage": {"output_tokens": 2},
            "context_management": {"applied_edits": []},
        },
        {
            "type": "message_delta",
            "delta": {"container": None, "stop_details": None, "future_field": 4},
            "usage": {"output_tokens": 3},
        },
        MESSAGE_STOP,
    )
    final = acc.close()
    assert final["stop_reason"] == "refusal"
    assert final["stop_sequence"] is None
    assert final["stop_details"] == {"type": "refusal", "category": "cyber"}
    assert final["container"] == {"id": "c1", "expires_at": "2026"}
    assert final["future_field"] == 4
    assert final["context_management"] == {"applied_edits": []}
    assert final["type"] == "message"


def test_message_delta_never_replaces_the_content_type_or_usage() -> None:
    acc = run(
        start(),
        block(0, type="text", text="kept"),
        stop(0),
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": "end_turn",
                "content": "x",
                "type": "other",
                "usage": {"output_tokens": 4},
            },
            "content": 7,
            "usage": {"cache_read_input_tokens": 2},
        },
        MESSAGE_STOP,
    )
    final = acc.close()
    assert final["content"] == [{"type": "text", "text": "kept"}]
    assert final["type"] == "message"
    assert final["usage"] == {
        "input_tokens": 12,
        "output_tokens": 4,
        "cache_read_input_tokens": 2,
    }


def test_the_merge_table_comment_is_the_table() -> None:
    source = inspect.getsource(_anthropic)
    rendered = "".join(
        f"#     {line}\n" for line in render(ANTHROPIC_MESSAGES).splitlines()
    )
    assert rendered in source


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "refusal"),
        ("pause_turn", "pause"),
        ("something_new", "other"),
    ],
)
def test_stop_reasons_are_visible(raw: str, reason: str) -> None:
    events = events_of(start(), message_delta(raw))
    finished = [e for e in events if isinstance(e, ChoiceFinished)]
    assert finished == [
        ChoiceFinished(choice_index=0, finish_reason=raw, reason=reason)  # type: ignore[arg-type]
    ]


# -- blocks ---------------------------------------------------------------------------


def test_blocks_are_keyed_by_index_in_any_order_with_gaps() -> None:
    acc = run(
        start(),
        block(4, type="text", text=""),
        block(1, type="text", text=""),
        text(4, "four"),
        text(1, "one"),
        stop(1),
        block(7, type="text", text="seven"),
        stop(4),
        stop(7),
        message_delta(),
        MESSAGE_STOP,
    )
    assert [b["text"] for b in acc.close()["content"]] == ["one", "four", "seven"]


def test_text_in_the_start_is_a_delta_and_citations_are_appended() -> None:
    citation = {
        "type": "char_location",
        "cited_text": "The sky is blue.",
        "document_index": 0,
        "document_title": None,
        "start_char_index": 0,
        "end_char_index": 16,
    }
    events = events_of(
        start(),
        block(0, type="text", text="The "),
        delta(0, type="citations_delta", citation=citation),
        text(0, "sky is blue"),
        delta(0, type="citations_delta", citation=citation),
        stop(0),
    )
    assert kinds(events) == [
        "message.started",
        "usage",
        "part.started",
        "content.delta",
        "citation.added",
        "content.delta",
        "citation.added",
        "content.done",
        "part.done",
    ]
    deltas = [e for e in events if isinstance(e, ContentDelta)]
    assert [(d.delta, d.snapshot, d.index) for d in deltas] == [
        ("The ", "The ", 0),
        ("sky is blue", "The sky is blue", 0),
    ]
    done = events[-1]
    assert done.part == {
        "type": "text",
        "text": "The sky is blue",
        "citations": [citation, citation],
    }
    anthropic.types.TextBlock.model_validate(done.part)


def test_thinking_concatenates_and_the_signature_replaces() -> None:
    events = events_of(
        start(),
        block(0, type="thinking", thinking="", signature=""),
        delta(0, type="thinking_delta", thinking="Let me "),
        delta(0, type="thinking_delta", thinking="think."),
        delta(0, type="signature_delta", signature="EqQBCgIYAh"),
        delta(0, type="signature_delta", signature="EqQBCgIYAhIM"),
        stop(0),
    )
    done = [e for e in events if isinstance(e, ReasoningDone)]
    assert done == [
        ReasoningDone(
            choice_index=0,
            index=0,
            field="thinking",
            reasoning="Let me think.",
            signature="EqQBCgIYAhIM",
        )
    ]
    assert events[-1].part == {
        "type": "thinking",
        "thinking": "Let me think.",
        "signature": "EqQBCgIYAhIM",
    }
    signatures = [e.signature for e in events if e.type == "reasoning.signature"]
    assert signatures == ["EqQBCgIYAh", "EqQBCgIYAhIM"]


def test_whole_blocks() -> None:
    result = {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [{"type": "web_search_result", "url": "https://e.x", "title": "E"}],
    }
    payloads = [
        start(),
        block(0, type="redacted_thinking", data="EmwKAhgB"),
        stop(0),
        block(1, **result),
        stop(1),
        block(2, type="container_upload", file_id="file_1"),
        stop(2),
        block(3, type="future_block", x={"y": 1}),
        stop(3),
        message_delta(),
        MESSAGE_STOP,
    ]
    events = events_of(*payloads)
    assert kinds(events)[2:-3] == [
        "part.started",
        "reasoning.redacted",
        "part.done",
        "part.started",
        "server_tool.result",
        "part.done",
        "part.started",
        "part.done",
        "part.started",
        "part.done",
    ]
    found = next(e for e in events if e.type == "server_tool.result")
    assert (found.tool_use_id, found.result_type, found.block, found.index) == (
        "srvtoolu_1",
        "web_search_tool_result",
        result,
        1,
    )
    assert run(*payloads).close()["content"] == [
        p["content_block"] for p in payloads[1:9:2]
    ]


def test_compaction_delta_replaces() -> None:
    acc = run(
        start(),
        block(0, type="compaction", content=None),
        delta(0, type="compaction_delta", content="first"),
        delta(0, type="compaction_delta", content="second", encrypted_content="e"),
        stop(0),
    )
    assert acc.snapshot()["content"] == [
        {"type": "compaction", "content": "second", "encrypted_content": "e"}
    ]


def test_tool_input_is_parsed_once_and_incrementally() -> None:
    events = events_of(*TOOL_STREAM)
    deltas = [e for e in events if isinstance(e, ToolCallArgumentsDelta)]
    # The empty first fragment makes no event.
    assert [(d.delta, d.snapshot) for d in deltas] == [
        ('{"city": "Par', '{"city": "Par'),
        ('is", "days": [1, 2]}', '{"city": "Paris", "days": [1, 2]}'),
    ]
    assert {
        (d.id, d.name, d.index, d.call_type, d.provider_executed) for d in deltas
    } == {("toolu_1", "get_weather", 1, "tool_use", False)}
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert done.complete
    assert done.parsed_arguments == {"city": "Paris", "days": [1, 2]}
    final = run(*TOOL_STREAM).close()
    assert final["content"][1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "get_weather",
        "input": {"city": "Paris", "days": [1, 2]},
    }
    anthropic.types.Message.model_validate(final)


def test_the_snapshot_shows_the_partial_input() -> None:
    acc = run(*TOOL_STREAM[:7])
    assert acc.snapshot()["content"][1]["input"] == {"city": "Par"}
    acc.feed(sse(TOOL_STREAM[7]))
    assert acc.snapshot()["content"][1]["input"] == {"city": "Paris", "days": [1, 2]}


@pytest.mark.parametrize(
    ("sent", "fragments", "arguments", "value"),
    [
        ({"input": {"q": "x"}}, [], '{"q": "x"}', {"q": "x"}),
        ({"input": {"q": "x"}}, ["", ""], '{"q": "x"}', {"q": "x"}),
        ({}, [], "{}", {}),
        ({"input": {}}, [""], "{}", {}),
    ],
)
def test_tool_input_given_whole_in_the_start(
    sent: dict[str, Any], fragments: list[str], arguments: str, value: Any
) -> None:
    payloads = [
        start(),
        block(0, type="tool_use", id="t", name="f", **sent),
        *(json_part(0, f) for f in fragments),
        stop(0),
    ]
    events = events_of(*payloads)
    assert "tool_calls.function.arguments.delta" not in kinds(events)
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert (done.arguments, done.parsed_arguments, done.complete) == (
        arguments,
        value,
        True,
    )
    assert run(*payloads).snapshot()["content"][0]["input"] == value


@pytest.mark.parametrize("block_type", ["server_tool_use", "mcp_tool_use"])
def test_provider_executed_tools(block_type: str) -> None:
    sent = START_BLOCKS[block_type]
    events = events_of(
        start(), block(0, **sent), json_part(0, '{"query": "x"}'), stop(0)
    )
    started = events[5]
    assert started.type == "server_tool_call.started"
    assert (started.id, started.name, started.call_type, started.block) == (
        sent["id"],
        sent["name"],
        block_type,
        sent,
    )
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert (done.call_type, done.provider_executed) == (block_type, True)
    assert events[-1].part == {**sent, "input": {"query": "x"}}


# -- incomplete tool input -----------------------------------------------------------


def test_tool_input_cut_at_its_stop_is_incomplete() -> None:
    payloads = [
        start(),
        block(0, type="tool_use", id="t", name="f", input={}),
        json_part(0, '{"path": "a.txt", "content": "hel'),
        stop(0),
        message_delta("max_tokens"),
        MESSAGE_STOP,
    ]
    acc = AnthropicMessagesAccumulator()
    events = [e for p in payloads for e in acc.feed(sse(p))]
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert not done.complete
    assert acc.incomplete == (0,)
    final = acc.close()
    # The partial value, reported, never passed off as whole.
    assert final["content"][0]["input"] == {"path": "a.txt", "content": "hel"}
    assert final["stop_reason"] == "max_tokens"


@pytest.mark.parametrize("end", [message_delta("max_tokens"), MESSAGE_STOP])
def test_a_block_open_at_the_end_is_finished_as_cut(end: dict[str, Any]) -> None:
    acc = run(
        start(),
        block(0, type="text", text=""),
        text(0, "a"),
        block(1, type="tool_use", id="t", name="f", input={}),
        json_part(1, '{"whole": true}'),  # whole JSON, but the block never stopped
        block(2, type="tool_use", id="u", name="g", input={}),
    )
    events = acc.feed(sse(end))
    assert kinds(events)[:7] == [
        "content.done",
        "part.done",
        "tool_calls.function.arguments.done",
        "part.done",
        "tool_calls.function.arguments.done",
        "part.done",
        "usage" if end is not MESSAGE_STOP else "done",
    ]
    done = [e for e in events if isinstance(e, ToolCallArgumentsDone)]
    assert [(d.index, d.complete) for d in done] == [(1, False), (2, False)]
    assert acc.incomplete == (1, 2)
    content = acc.snapshot()["content"]
    assert [b.get("input") for b in content] == [None, {"whole": True}, {}]


def test_blocks_open_at_the_end_are_finished_in_index_order() -> None:
    events = events_of(
        start(),
        block(2, type="tool_use", id="b", name="f", input={}),
        block(1, type="tool_use", id="a", name="f", input={}),
        MESSAGE_STOP,
    )
    done = [
        e
        for e in events
        if e.type in ("part.done", "tool_calls.function.arguments.done")
    ]
    assert [(e.type, e.index) for e in done] == [
        ("tool_calls.function.arguments.done", 1),
        ("part.done", 1),
        ("tool_calls.function.arguments.done", 2),
        ("part.done", 2),
    ]


@pytest.mark.parametrize(
    ("fragments", "value"),
    [
        (['{"a": 1, "b": [tru'], {"a": 1, "b": []}),
        (['{"a": 1}}'], {"a": 1}),  # text after the value: the value stands
        (['{"a": 1, x'], {"a": 1}),  # invalid: what parsed before it
        (["nope"], {}),
        (['{"a": 12'], {}),  # a number is shown once it ends
    ],
)
def test_incomplete_input_keeps_what_was_parsed(
    fragments: list[str], value: Any
) -> None:
    acc = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={}),
        *(json_part(0, f) for f in fragments),
        stop(0),
    )
    assert acc.incomplete == (0,)
    assert acc.snapshot()["content"][0]["input"] == value


# -- framing: data-only, chunkings ----------------------------------------------------

STREAMS = {
    "text": TEXT_STREAM,
    "tool": TOOL_STREAM,
    "cut": TOOL_STREAM[:7],
    "error": [*TEXT_STREAM[:4], ERROR],
    "late": [*TEXT_STREAM, PING, {"type": "whatever"}],
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_a_data_only_stream_is_the_same_stream(name: str) -> None:
    named = decode([wire(STREAMS[name])])
    bare = decode([wire(STREAMS[name], named=False)])
    assert bare[1] == named[1]
    # Same events, except that passthrough events carry their own SSE event.
    strip = [e for e in named[0] if e.type != "unknown"]
    assert [e for e in bare[0] if e.type != "unknown"] == strip
    assert len(bare[0]) == len(named[0])


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_whole_bytewise_and_random_chunkings_agree(name: str) -> None:
    data = wire(STREAMS[name])
    whole = decode([data])
    assert decode([data[i : i + 1] for i in range(len(data))]) == whole
    rng = random.Random(name)
    for _ in range(5):
        cuts = sorted(rng.sample(range(len(data)), 8))
        assert decode(split_chunks(data, cuts)) == whole


@given(st.data())
def test_any_chunking_agrees(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(STREAMS)))
    raw = wire(STREAMS[name], named=data.draw(st.booleans()))
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=20))
    assert decode(split_chunks(raw, cuts)) == decode([raw])


def test_feed_chunk_is_feed_without_the_json() -> None:
    acc = AnthropicMessagesAccumulator()
    events = [e for p in copy.deepcopy(TOOL_STREAM) for e in acc.feed_chunk(p)]
    assert events == events_of(*TOOL_STREAM)
    assert acc.close() == run(*TOOL_STREAM).close()


# -- limits ---------------------------------------------------------------------------


def test_max_text_chars_counts_every_text() -> None:
    limits = Limits(max_text_chars=10)
    acc = run(start(), block(0, type="text", text="12345"), limits=limits)
    acc.feed(sse(block(1, type="thinking", thinking="")))
    acc.feed(sse(delta(1, type="thinking_delta", thinking="678")))
    acc.feed(sse(text(0, "90")))  # exactly the limit: allowed
    with pytest.raises(LimitExceeded) as info:
        acc.feed(sse(text(0, "1")))
    assert (info.value.limit, info.value.maximum, info.value.observed) == (
        "max_text_chars",
        10,
        11,
    )
    assert acc.state is AccumulatorState.ERROR


def test_max_text_chars_counts_tool_input() -> None:
    acc = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={}),
        limits=Limits(max_text_chars=4),
    )
    acc.feed(sse(json_part(0, "{}")))
    with pytest.raises(LimitExceeded, match="max_text_chars"):
        acc.feed(sse(json_part(0, "   ")))


def test_max_stream_items_counts_blocks_and_citations() -> None:
    acc = run(
        start(), block(0, type="text", text=""), limits=Limits(max_stream_items=2)
    )
    acc.feed(sse(delta(0, type="citations_delta", citation={"type": "x"})))
    with pytest.raises(LimitExceeded, match="max_stream_items"):
        acc.feed(sse(block(1, type="text", text="")))
