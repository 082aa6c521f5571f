"""Property-based tests of ``AnthropicMessagesAccumulator``.

The streams come from :func:`sseparse.testing.anthropic_message_streams`, whose
``expected`` message is built from the drawn message, not from the payloads.

1. Final: ``close()`` is the expected ``message``; whole tool input is never
   reported incomplete.
2. Feeding: the SSE bytes whole, byte by byte and in hypothesis-chosen
   chunkings, the decoded events fed directly, named and data-only framings,
   and ``feed_chunk`` on the payloads give the same events (lazy views read as
   each event arrives) and the same final; ``feed_chunk`` leaves its argument
   alone.
3. Events per payload: each payload gives exactly the events the wire ->
   vocabulary table (README, "One event vocabulary") names, in order,
   with the block's ``index`` and ``choice_index`` 0.
4. Deltas: per block, the deltas add up to the final's fields (text,
   thinking, the tool input's text, which parses to ``input``); each delta's
   lazy text view is the text so far (read early and read late); partial
   parsed input is ``parse_partial`` of the text so far and only ever grows;
   citations and signatures are those sent; usage events carry the cumulative
   usage after each payload that has some.
5. Done events: one per block of each kind (content, reasoning with its
   signature, tool arguments, ``part.done`` with the final block), carrying the
   final values; one finish with the normalised reason; one ``done``, last.
6. ``anthropic``'s own models accept the expected final (``Message`` for the
   block kinds it knows, ``BetaMessage`` with MCP blocks).

Drawing a stream costs more than checking it, so properties 1, 3, 4 and 5
share one ``@given`` test and one run (``check_*`` functions).
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import attrs
from anthropic.types import Message
from anthropic.types.beta import BetaMessage
from hypothesis import given, note
from hypothesis import strategies as st

from sseparse import ServerSentEvent, SSEDecoder, SseparseError
from sseparse.jsonstream import parse_partial
from sseparse.llm import (
    AccumulatorState,
    AnthropicMessagesAccumulator,
    ChoiceFinished,
    ChunkReceived,
    CitationAdded,
    ContentDelta,
    ContentDone,
    MessageStarted,
    PartDone,
    PartStarted,
    ReasoningDelta,
    ReasoningDone,
    ReasoningRedacted,
    ReasoningSignature,
    ServerToolCallStarted,
    ServerToolResult,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
)
from sseparse.testing import (
    AnthropicBlock,
    AnthropicStream,
    anthropic_message_streams,
    chunkings,
    same_json,
)
from tests.jsonstream.test_properties import extends

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sseparse.llm import AnthropicStreamEvent

STREAMS = anthropic_message_streams()
# The bytewise run feeds one byte per call: only for streams this small.
BYTEWISE_MAX = 4000
# The block kinds anthropic.types.Message knows.
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
# The normalised finish reasons, written from the vocabulary's table.
NORMALISED = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "refusal",
    "pause_turn": "pause",
}
_TOOL_USE = ("tool_use", "server_tool_use", "mcp_tool_use")
_RESULTS = ("web_search_tool_result", "code_execution_tool_result", "mcp_tool_result")

# -- helpers -----------------------------------------------------------------------

_LAZY = ("snapshot", "parsed", "arguments", "parsed_arguments")


def _read(event: AnthropicStreamEvent, name: str) -> Any:
    """A lazy view's value, copied (parsed values are live trees), or its error."""
    try:
        return copy.deepcopy(getattr(event, name))
    except SseparseError as exc:
        return {"raises": type(exc).__name__}


def observe(event: AnthropicStreamEvent) -> dict[str, Any]:
    """What an event says: its type, its public fields and its lazy views.

    An ``UnknownEvent``'s SSE event is left out: it is the framing (named,
    data-only, none for ``feed_chunk``), which the vocabulary does not depend on.
    """
    cls = type(event)
    seen: dict[str, Any] = {"type": cls.type, "class": cls.__name__}
    for field in attrs.fields(cls):
        if field.eq and not (cls is UnknownEvent and field.name == "event"):
            seen[field.name] = copy.deepcopy(getattr(event, field.name))
    for name in _LAZY:
        if isinstance(getattr(cls, name, None), property):
            seen[name] = _read(event, name)
    return seen


@attrs.define
class Run:
    """Everything one accumulator produced: events per feed, views, the final."""

    events: list[AnthropicStreamEvent] = attrs.Factory(list)
    per_feed: list[list[str]] = attrs.Factory(list)
    observed: list[dict[str, Any]] = attrs.Factory(list)
    final: dict[str, Any] = attrs.Factory(dict)
    incomplete: tuple[int, ...] = ()

    def take(self, events: Sequence[AnthropicStreamEvent]) -> None:
        # Views are read as the events arrive, as a consumer reads them.
        self.events.extend(events)
        self.per_feed.append([event.type for event in events])
        self.observed.extend(observe(event) for event in events)

    def end(self, acc: AnthropicMessagesAccumulator) -> None:
        self.final = copy.deepcopy(acc.close())
        assert acc.take_events() == []
        assert acc.state is AccumulatorState.CLOSED
        self.incomplete = acc.incomplete


def run_events(items: Iterable[ServerSentEvent]) -> Run:
    run = Run()
    acc = AnthropicMessagesAccumulator()
    for item in items:
        run.take(acc.feed(item))
    run.end(acc)
    return run


def run_bytes(chunks: Iterable[bytes]) -> Run:
    decoder = SSEDecoder()
    run = Run()
    acc = AnthropicMessagesAccumulator()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            run.take(acc.feed(item))
    for item in decoder.close():
        run.take(acc.feed(item))
    assert not decoder.truncated
    run.end(acc)
    return run


def run_payloads(payloads: list[dict[str, Any]]) -> Run:
    run = Run()
    acc = AnthropicMessagesAccumulator()
    for payload in payloads:
        run.take(acc.feed_chunk(payload))
    run.end(acc)
    return run


def same_observations(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))


def block_at(stream: AnthropicStream, index: int | None) -> AnthropicBlock:
    assert index is not None
    block = stream.blocks[index]
    assert block.index == index
    return block


# -- 1, 3, 4, 5 on one run ---------------------------------------------------------


@given(STREAMS)
def test_final_events_and_views(stream: AnthropicStream) -> None:
    run = run_events(stream.to_events())
    note(f"final: {run.final!r}")
    note("events:\n" + "\n".join(map(repr, run.events)))
    check_final(stream, run)
    check_events_per_payload(stream, run)
    check_deltas_add_up(stream, run)
    check_done_events(stream, run)


def check_final(stream: AnthropicStream, run: Run) -> None:
    """``close()`` is the expected message; whole input is never incomplete."""
    assert run.final == stream.expected
    for block, got in zip(stream.blocks, run.final["content"], strict=True):
        if block.type in _TOOL_USE:  # type-exact, and in the text's key order
            assert same_json(got["input"], block.final["input"])
    assert run.incomplete == ()
    dones = [e for e in run.events if isinstance(e, ToolCallArgumentsDone)]
    assert all(done.complete for done in dones)


def expected_types(stream: AnthropicStream, payload: dict[str, Any]) -> list[str]:
    """The event types one payload gives, per the wire -> vocabulary table."""
    kind = payload["type"]
    types = ["chunk"]
    if kind == "message_start":
        types.append("message.started")
        if "usage" in payload["message"]:
            types.append("usage")
    elif kind == "content_block_start":
        block = payload["content_block"]
        types.append("part.started")
        block_type = block["type"]
        if block_type == "tool_use":
            types.append("tool_call.started")
        elif block_type in _TOOL_USE:
            types.append("server_tool_call.started")
        elif block_type in _RESULTS:
            types.append("server_tool.result")
        elif block_type == "redacted_thinking":
            types.append("reasoning.redacted")
        elif block_type == "text" and block["text"]:
            types.append("content.delta")
        elif block_type == "thinking" and block["thinking"]:
            types.append("reasoning.delta")
    elif kind == "content_block_delta":
        delta = payload["delta"]
        # No event for an empty text, thinking or input fragment.
        by_type = {
            "text_delta": ("content.delta", delta.get("text")),
            "thinking_delta": ("reasoning.delta", delta.get("thinking")),
            "input_json_delta": (
                "tool_calls.function.arguments.delta",
                delta.get("partial_json"),
            ),
            "citations_delta": ("citation.added", True),
            "signature_delta": ("reasoning.signature", True),
        }
        name, present = by_type.get(delta["type"], ("unknown", True))
        if present:
            types.append(name)
    elif kind == "content_block_stop":
        block_type = block_at(stream, payload["index"]).type
        if block_type == "text":
            types.append("content.done")
        elif block_type == "thinking":
            types.append("reasoning.done")
        elif block_type in _TOOL_USE:
            types.append("tool_calls.function.arguments.done")
        types.append("part.done")
    elif kind == "message_delta":
        if payload.get("usage") is not None:
            types.append("usage")
        if payload["delta"].get("stop_reason") is not None:
            types.append("finish")
    elif kind == "message_stop":
        types.append("done")
    elif kind != "ping":
        types.append("unknown")
    return types


def check_events_per_payload(stream: AnthropicStream, run: Run) -> None:
    """Each payload's events, by type, in order, in their places."""
    want = [expected_types(stream, payload) for payload in stream.payloads]
    assert run.per_feed == want
    received = [e.chunk for e in run.events if isinstance(e, ChunkReceived)]
    assert received == stream.payloads
    starts = [e for e in run.events if isinstance(e, MessageStarted)]
    assert [e.message for e in starts] == [
        p["message"] for p in stream.payloads if p["type"] == "message_start"
    ]
    unknown = [e.data for e in run.events if isinstance(e, UnknownEvent)]
    assert unknown == [
        p
        for p in stream.payloads
        if p["type"].startswith("x_")
        or (p["type"] == "content_block_delta" and p["delta"]["type"].startswith("x_"))
    ]
    for event in run.events:
        # One candidate: 0 on every event, stream-level ones included.
        assert event.choice_index == 0, event
        index = getattr(event, "index", None)
        if index is not None:
            assert 0 <= index < len(stream.blocks)
        assert getattr(event, "content_index", None) is None


def check_deltas_add_up(stream: AnthropicStream, run: Run) -> None:
    """Per block, deltas add up to the final's fields; views show the text so far."""
    content = run.final["content"]
    texts: dict[int, str] = {}
    arguments: dict[int, str] = {}
    parsed: dict[int, Any] = {}
    citations: dict[int, list[Any]] = {}
    signatures: dict[int, list[str]] = {}
    for event, seen in zip(run.events, run.observed, strict=True):
        if isinstance(event, ContentDelta | ReasoningDelta):
            assert event.index is not None
            block = block_at(stream, event.index)
            want = "text" if isinstance(event, ContentDelta) else "thinking"
            assert block.type == want
            assert event.delta
            texts[event.index] = texts.get(event.index, "") + event.delta
            assert seen["snapshot"] == texts[event.index]
            # Read late, the view still shows the text as of its own event.
            assert event.snapshot == texts[event.index]
            if isinstance(event, ContentDelta):
                assert seen["parsed"] is None  # no response_format: no JSON view
            else:
                assert event.field == "thinking"
        elif isinstance(event, ToolCallArgumentsDelta):
            index = event.index
            assert index is not None
            block = block_at(stream, index)
            assert event.arguments_delta
            assert event.delta == event.arguments_delta
            arguments[index] = arguments.get(index, "") + event.arguments_delta
            assert seen["arguments"] == arguments[index]
            assert seen["snapshot"] == arguments[index]
            assert event.arguments == arguments[index]
            value = seen["parsed_arguments"]
            allowed = [parse_partial(arguments[index])]
            if arguments[index] == block.arguments:
                allowed.append(json.loads(arguments[index]))
            assert any(same_json(value, a) for a in allowed), (value, allowed)
            if index in parsed:
                assert extends(parsed[index], value), (parsed[index], value)
            parsed[index] = value
            late = _read(event, "parsed_arguments")
            assert extends(value, late), (value, late)
        elif isinstance(event, CitationAdded):
            assert event.index is not None
            citations.setdefault(event.index, []).append(event.citation)
        elif isinstance(event, ReasoningSignature):
            assert event.index is not None
            signatures.setdefault(event.index, []).append(event.signature)

    for block in stream.blocks:
        final = content[block.index]
        index = block.index
        if block.type == "text":
            assert texts.get(index, "") == final["text"] == block.text
            assert citations.get(index, []) == list(block.citations)
        elif block.type == "thinking":
            assert texts.get(index, "") == final["thinking"] == block.text
            assert signatures.get(index, []) == list(block.signatures)
        elif block.type in _TOOL_USE:
            if any(block.fragments):
                assert arguments[index] == block.arguments
                assert same_json(json.loads(arguments[index]), final["input"])
                assert extends(parsed[index], final["input"])
            else:  # whole input in the start block: no delta at all
                assert index not in arguments
        else:
            assert index not in texts
            assert index not in arguments


def check_done_events(stream: AnthropicStream, run: Run) -> None:
    """Done events once per block, with the final values; one finish; one done."""
    content = run.final["content"]
    done: dict[tuple[str, int], Any] = {}
    started: dict[tuple[str, int], Any] = {}
    key: tuple[str, int]
    for event in run.events:
        if isinstance(
            event, ContentDone | ReasoningDone | ToolCallArgumentsDone | PartDone
        ):
            assert event.index is not None
            key = (event.type, event.index)
            assert key not in done, f"second done event: {event!r}"
            done[key] = event
        elif isinstance(
            event,
            PartStarted
            | ToolCallStarted
            | ServerToolCallStarted
            | ServerToolResult
            | ReasoningRedacted,
        ):
            assert event.index is not None
            key = (event.type, event.index)
            assert key not in started, f"second start: {event!r}"
            started[key] = event

    want_done: set[tuple[str, int]] = set()
    want_started: set[tuple[str, int]] = set()
    for block in stream.blocks:
        index = block.index
        final = content[index]
        want_done.add(("part.done", index))
        assert done["part.done", index].part == final == block.final
        want_started.add(("part.started", index))
        assert started["part.started", index].part == block.start
        if block.type == "text":
            want_done.add(("content.done", index))
            event = done["content.done", index]
            assert event.content == final["text"]
            assert event.parsed is None
        elif block.type == "thinking":
            want_done.add(("reasoning.done", index))
            event = done["reasoning.done", index]
            assert (event.field, event.reasoning) == ("thinking", final["thinking"])
            if block.signatures:
                assert event.signature == block.signatures[-1]
            else:  # the start block's "" (no signature came), or none
                assert event.signature in (final["signature"], None)
        elif block.type == "redacted_thinking":
            want_started.add(("reasoning.redacted", index))
            assert started["reasoning.redacted", index].data == final["data"]
        elif block.type in _TOOL_USE:
            want_done.add(("tool_calls.function.arguments.done", index))
            event = done["tool_calls.function.arguments.done", index]
            assert event.complete
            assert event.arguments == block.arguments
            assert same_json(event.parsed_arguments, final["input"])
            assert (event.id, event.name) == (final["id"], final["name"])
            client = block.type == "tool_use"
            assert event.call_type == block.type
            assert event.provider_executed is not client
            kind = "tool_call.started" if client else "server_tool_call.started"
            want_started.add((kind, index))
            start = started[kind, index]
            assert (start.id, start.name, start.call_type) == (
                final["id"],
                final["name"],
                block.type,
            )
            if not client:
                assert start.block == block.start
        elif block.type in _RESULTS:
            want_started.add(("server_tool.result", index))
            result = started["server_tool.result", index]
            assert result.tool_use_id == final["tool_use_id"]
            assert result.result_type == block.type
            assert result.block == final
    assert set(done) == want_done
    assert set(started) == want_started

    finishes = [e for e in run.events if isinstance(e, ChoiceFinished)]
    assert len(finishes) == 1
    reason = stream.expected["stop_reason"]
    assert finishes[0].finish_reason == reason
    assert finishes[0].reason == NORMALISED[reason]
    assert finishes[0].choice_index == 0
    usages = [e.usage for e in run.events if isinstance(e, UsageUpdated)]
    assert usages == list(stream.usages)
    assert usages[-1] == run.final["usage"]
    ends = [p for p, e in enumerate(run.events) if isinstance(e, StreamDone)]
    assert ends == [len(run.events) - 1]


# -- 2. feeding --------------------------------------------------------------------


@given(STREAMS, st.data())
def test_any_chunking_gives_the_same_events_and_final(
    stream: AnthropicStream, data: st.DataObject
) -> None:
    reference = run_events(stream.to_events())
    assert reference.final == stream.expected
    body = stream.to_sse()
    chunks = data.draw(chunkings(body), label="chunks")
    runs = {
        "whole": run_bytes([body]),
        "chunked": run_bytes(chunks),
        "other framing": run_bytes([stream.to_sse(named=not stream.named)]),
        "events of the other framing": run_events(
            stream.to_events(named=not stream.named)
        ),
    }
    if len(body) <= BYTEWISE_MAX:
        runs["bytewise"] = run_bytes([body[i : i + 1] for i in range(len(body))])
    payloads = copy.deepcopy(stream.payloads)
    runs["feed_chunk"] = run_payloads(payloads)
    assert payloads == stream.payloads, "feed_chunk() changed its argument"
    for name, run in runs.items():
        assert run.final == reference.final, name
        assert run.per_feed == reference.per_feed, name
        assert same_observations(run.observed, reference.observed), name


# -- 6. the SDK's models -----------------------------------------------------------


@given(anthropic_message_streams(block_types=SDK_BLOCK_TYPES))
def test_anthropic_message_accepts_the_final(stream: AnthropicStream) -> None:
    Message.model_validate(stream.expected)
    final = run_events(stream.to_events()).final
    message = Message.model_validate(final)
    assert message.model_dump(mode="json", exclude_unset=True) == (
        Message.model_validate(stream.expected).model_dump(
            mode="json", exclude_unset=True
        )
    )


@given(
    anthropic_message_streams(
        block_types=(*SDK_BLOCK_TYPES, "mcp_tool_use", "mcp_tool_result")
    )
)
def test_anthropic_beta_message_accepts_the_final_with_mcp(
    stream: AnthropicStream,
) -> None:
    BetaMessage.model_validate(stream.expected)
    BetaMessage.model_validate(run_events(stream.to_events()).final)
