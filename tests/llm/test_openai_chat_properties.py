"""Property-based tests of ``sseparse.llm.OpenAIChatAccumulator``.

The streams come from :func:`sseparse.testing.openai_chat_streams`, whose
``expected`` object is built from the drawn answer, not from the chunks.

1. Final: ``close()`` is the expected ``chat.completion``, keys in contract order;
   whole JSON arguments are never reported incomplete.
2. Feeding: the SSE bytes whole, byte by byte, in hypothesis-chosen chunkings,
   and the decoded events fed directly give the same events (lazy views read
   as each event arrives) and the same final; ``feed_chunk`` gives the same
   final and leaves its argument alone.
3. Deltas: per field, the deltas add up to the final value; each delta's lazy
   text view is the text so far (read early and read late); partial parsed
   arguments are ``parse_partial`` of the text so far and only ever grow; the
   done event's ``parsed_arguments`` is ``json.loads`` of the arguments.
4. Done events: exactly once per field that was sent, after all of its deltas,
   in the documented order, followed by ``ChoiceFinished``, whose ``reason``
   is the chat table's for its ``finish_reason``.  Every event is in its
   place: stream-level ones at ``choice_index`` ``None``, ``content_index``
   ``None``, ``index`` only on tool-call events; a tool delta's ``delta`` /
   ``snapshot`` are its ``arguments_delta`` / ``arguments``.
5. Oracle: on the streams ``openai``'s own ``ChatCompletionStreamState``
   accumulates correctly, the same final as its ``get_final_completion()``.
6. Linear cost: 16 times the text costs about 16 times the work, never 256.

Drawing a stream costs more than checking it, so properties 1, 3 and 4 share one
``@given`` test and one run (``check_*`` functions, one per property).
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from sseparse import ServerSentEvent, SSEDecoder, SseparseError
from sseparse.jsonstream import parse_partial
from sseparse.llm import (
    AccumulatorState,
    ChoiceFinished,
    ChunkReceived,
    ContentDelta,
    ContentDone,
    LogprobsContentDelta,
    LogprobsContentDone,
    LogprobsRefusalDelta,
    LogprobsRefusalDone,
    OpenAIChatAccumulator,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UsageUpdated,
)
from sseparse.testing import ChatStream, chunkings, openai_chat_streams, same_json
from tests._work import assert_linear
from tests.jsonstream.test_properties import extends
from tests.llm.test_finish import CHAT_ROWS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sseparse.llm import StreamEvent

# Small enough that hypothesis draws a hundred of them in a few seconds.
STREAMS = openai_chat_streams(max_argument_leaves=6)
# The bytewise run feeds one byte per call: only for streams this small.
BYTEWISE_MAX = 3000

# -- helpers -----------------------------------------------------------------------

_LAZY = ("delta", "snapshot", "parsed", "arguments", "parsed_arguments")


def _read(event: StreamEvent, name: str) -> Any:
    """A lazy view's value, copied (parsed values are live trees), or its error."""
    try:
        return copy.deepcopy(getattr(event, name))
    except SseparseError as exc:
        return {"raises": type(exc).__name__}


def observe(event: StreamEvent) -> dict[str, Any]:
    """What an event says: its type, its public fields and its lazy views."""
    cls = type(event)
    seen: dict[str, Any] = {"type": cls.type, "class": cls.__name__}
    for field in attrs.fields(cls):
        if field.eq:
            seen[field.name] = copy.deepcopy(getattr(event, field.name))
    for name in _LAZY:
        if isinstance(getattr(cls, name, None), property):
            seen[name] = _read(event, name)
    return seen


@attrs.define
class Run:
    """Everything one accumulator produced: events, their views, the final."""

    events: list[StreamEvent] = attrs.Factory(list)
    observed: list[dict[str, Any]] = attrs.Factory(list)
    final: dict[str, Any] = attrs.Factory(dict)
    incomplete: tuple[tuple[int, int | None], ...] = ()

    def take(self, events: Sequence[StreamEvent]) -> None:
        # Views are read as the events arrive, as a consumer reads them.
        self.events.extend(events)
        self.observed.extend(observe(event) for event in events)


def run_events(items: Iterable[ServerSentEvent]) -> Run:
    run = Run()
    acc = OpenAIChatAccumulator()
    for item in items:
        run.take(acc.feed(item))
    final = acc.close()
    run.take(acc.take_events())
    assert acc.state is AccumulatorState.CLOSED
    run.final = copy.deepcopy(final)
    run.incomplete = acc.incomplete
    return run


def run_bytes(chunks: Iterable[bytes]) -> Run:
    decoder = SSEDecoder()
    run = Run()
    acc = OpenAIChatAccumulator()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            run.take(acc.feed(item))
    for item in decoder.close():
        run.take(acc.feed(item))
    assert not decoder.truncated
    run.final = copy.deepcopy(acc.close())
    run.take(acc.take_events())
    return run


def run_chunks(payloads: list[dict[str, Any]]) -> Run:
    run = Run()
    acc = OpenAIChatAccumulator()
    for payload in payloads:
        run.take(acc.feed_chunk(payload))
    run.final = copy.deepcopy(acc.close())
    run.take(acc.take_events())
    return run


def choice_of(final: dict[str, Any], choice_index: int) -> dict[str, Any]:
    for choice in final["choices"]:
        if choice["index"] == choice_index:
            return dict(choice)
    raise AssertionError(f"no choice {choice_index} in the final object")


def tool_index_order(stream: ChatStream) -> dict[int, list[int]]:
    """Per choice, the wire indexes of its tool calls, sorted (final order)."""
    indexes: dict[int, set[int]] = {}
    for chunk in stream.chunks:
        for choice in chunk["choices"]:
            for call in choice["delta"].get("tool_calls", []):
                indexes.setdefault(choice["index"], set()).add(call["index"])
    return {choice: sorted(found) for choice, found in indexes.items()}


def calls_by_index(
    stream: ChatStream, final: dict[str, Any]
) -> dict[tuple[int, int | None], dict[str, Any]]:
    """The final object's tool calls by (choice index, wire tool index)."""
    order = tool_index_order(stream)
    return {
        (choice["index"], wire): call
        for choice in final["choices"]
        for wire, call in zip(
            order.get(choice["index"], []),
            choice["message"].get("tool_calls", []),
            strict=True,
        )
    }


# -- 1. the final object -----------------------------------------------------------


@given(STREAMS)
def test_final_events_and_views(stream: ChatStream) -> None:
    """Properties 1, 3 and 4 on one run (drawing a stream costs more than them)."""
    run = run_events(stream.to_events())
    note(f"final: {run.final!r}")
    note("events:\n" + "\n".join(map(repr, run.events)))
    check_final(stream, run)
    check_nothing_incomplete(run)
    check_deltas_add_up(stream, run)
    check_tool_call_events(stream, run)
    check_done_events(stream, run)
    check_places(run)
    check_strategy(stream)


def check_final(stream: ChatStream, run: Run) -> None:
    """``close()`` is the expected object, keys in the contract's order."""
    final = run.final
    assert final == stream.expected
    # The key order the contract gives.
    top = ["id", "object", "created", "model", "choices", "usage"]
    assert list(final) == top + [k for k in stream.expected if k not in top]
    for choice in final["choices"]:
        assert list(choice)[:4] == ["index", "message", "logprobs", "finish_reason"]
        assert list(choice["message"])[:3] == ["role", "content", "refusal"]
        for call in choice["message"].get("tool_calls", []):
            assert list(call) == ["id", "type", "function"]
            assert list(call["function"]) == ["name", "arguments"]


def check_nothing_incomplete(run: Run) -> None:
    """Whole JSON arguments are complete, even when the choice hit ``length``."""
    assert run.incomplete == ()
    dones = [e for e in run.events if isinstance(e, ToolCallArgumentsDone)]
    assert all(done.complete for done in dones)


# -- 2. feeding --------------------------------------------------------------------


def same_observations(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))


@given(STREAMS, st.data())
def test_any_chunking_gives_the_same_events_and_final(
    stream: ChatStream, data: st.DataObject
) -> None:
    body = stream.to_sse()
    chunks = data.draw(chunkings(body), label="chunks")
    reference = run_events(stream.to_events())
    assert reference.final == stream.expected
    runs = {"whole": run_bytes([body]), "chunked": run_bytes(chunks)}
    if len(body) <= BYTEWISE_MAX:
        runs["bytewise"] = run_bytes([body[i : i + 1] for i in range(len(body))])
    for name, run in runs.items():
        assert run.final == reference.final, name
        assert same_observations(run.observed, reference.observed), name

    # feed_chunk(): the same final, the same events less the end marker.
    payloads = copy.deepcopy(stream.chunks)
    run = run_chunks(payloads)
    assert run.final == reference.final
    assert payloads == stream.chunks, "feed_chunk() changed its argument"
    expected = [o for o in reference.observed if o["class"] != "StreamDone"]
    assert same_observations(run.observed, expected)


# -- 3. deltas add up --------------------------------------------------------------

_TEXT_DELTAS: dict[type, str] = {
    ContentDelta: "content",
    RefusalDelta: "refusal",
    ReasoningDelta: "reasoning",
}


def check_deltas_add_up(stream: ChatStream, run: Run) -> None:
    """Deltas add up to the final values; every view shows the value so far."""
    final = run.final
    texts: dict[tuple[str, int], str] = {}  # (field, choice) -> text so far
    reasoning_keys: dict[int, str] = {}
    arguments: dict[tuple[int, int | None], str] = {}
    parsed: dict[tuple[int, int | None], Any] = {}
    logprobs: dict[tuple[str, int], list[Any]] = {}
    order = tool_index_order(stream)
    whole = {
        key: call["function"]["arguments"]
        for key, call in calls_by_index(stream, final).items()
    }
    for event, seen in zip(run.events, run.observed, strict=True):
        if isinstance(event, ContentDelta | RefusalDelta | ReasoningDelta):
            key = (_TEXT_DELTAS[type(event)], event.choice_index)
            texts[key] = texts.get(key, "") + event.delta
            assert seen["snapshot"] == texts[key]
            # Read late, the view still shows the text as of its own event.
            assert event.snapshot == texts[key]
            if isinstance(event, ContentDelta):
                assert seen["parsed"] is None  # no response_format: no JSON view
            if isinstance(event, ReasoningDelta):
                field = reasoning_keys.setdefault(event.choice_index, event.field)
                assert event.field == field
        elif isinstance(event, ToolCallArgumentsDelta):
            call = (event.choice_index, event.index)
            arguments[call] = arguments.get(call, "") + event.arguments_delta
            assert seen["arguments"] == arguments[call]
            assert event.arguments == arguments[call]
            value = seen["parsed_arguments"]
            allowed = [parse_partial(arguments[call])]
            if arguments[call] == whole.get(call):
                # The call's last delta: when its choice finished in the same
                # chunk, the exact final value may show already ("5", not MISSING).
                allowed.append(json.loads(arguments[call]))
            assert any(same_json(value, a) for a in allowed), (value, allowed)
            if call in parsed:
                assert extends(parsed[call], value), (parsed[call], value)
            parsed[call] = value
            late = _read(event, "parsed_arguments")
            assert extends(value, late), (value, late)
        elif isinstance(event, LogprobsContentDelta | LogprobsRefusalDelta):
            kind = "content" if isinstance(event, LogprobsContentDelta) else "refusal"
            entries = getattr(event, kind)
            assert entries
            key = (kind, event.choice_index)
            logprobs[key] = logprobs.get(key, []) + entries
            assert seen["snapshot"] == logprobs[key]

    for choice in final["choices"]:
        index = choice["index"]
        msg = choice["message"]
        for field in ("content", "refusal"):
            assert texts.get((field, index), "") == (msg[field] or "")
            if msg[field] is None:
                assert (field, index) not in texts
        if index in reasoning_keys:
            assert texts[("reasoning", index)] == msg[reasoning_keys[index]]
        else:
            assert not msg.get("reasoning_content")
            assert not msg.get("reasoning")
        wire_indexes = order.get(index, [])
        assert len(msg.get("tool_calls", [])) == len(wire_indexes)
        for tool_index, call in zip(
            wire_indexes, msg.get("tool_calls", []), strict=True
        ):
            text = arguments.get((index, tool_index), "")
            assert text == call["function"]["arguments"]
            if (index, tool_index) in parsed:
                assert extends(parsed[index, tool_index], json.loads(text))
        for kind in ("content", "refusal"):
            got = logprobs.get((kind, index))
            want = (choice["logprobs"] or {}).get(kind)
            assert got == want


def check_tool_call_events(stream: ChatStream, run: Run) -> None:
    """Tool-call events name their call; the done event parses like json.loads."""
    final = run.final
    calls = calls_by_index(stream, final)
    started: set[tuple[int, int | None]] = set()
    for event in run.events:
        if isinstance(event, ToolCallStarted):
            key = (event.choice_index, event.index)
            assert key not in started
            started.add(key)
            call = calls[key]
            assert (event.id, event.name, event.call_type) == (
                call["id"],
                call["function"]["name"],
                call["type"],
            )
        elif isinstance(event, ToolCallArgumentsDelta | ToolCallArgumentsDone):
            key = (event.choice_index, event.index)
            assert key in started, f"{event.type} before tool_call.started"
            call = calls[key]
            assert (event.id, event.name) == (call["id"], call["function"]["name"])
            if isinstance(event, ToolCallArgumentsDone):
                assert event.arguments == call["function"]["arguments"]
                assert same_json(event.parsed_arguments, json.loads(event.arguments)), (
                    event.arguments
                )
    assert started == set(calls)


# -- 4. done events ----------------------------------------------------------------

# The order of a finishing choice's done events, per the contract.
_DONE_ORDER: list[type] = [
    ReasoningDone,
    ContentDone,
    RefusalDone,
    LogprobsContentDone,
    LogprobsRefusalDone,
    ToolCallArgumentsDone,
]

_FIELD_OF: dict[type, str] = {
    ContentDelta: "content",
    ContentDone: "content",
    RefusalDelta: "refusal",
    RefusalDone: "refusal",
    ReasoningDelta: "reasoning",
    ReasoningDone: "reasoning",
    LogprobsContentDelta: "logprobs.content",
    LogprobsContentDone: "logprobs.content",
    LogprobsRefusalDelta: "logprobs.refusal",
    LogprobsRefusalDone: "logprobs.refusal",
    ToolCallStarted: "tool",
    ToolCallArgumentsDelta: "tool",
    ToolCallArgumentsDone: "tool",
}
_DONES = (
    ContentDone,
    RefusalDone,
    ReasoningDone,
    LogprobsContentDone,
    LogprobsRefusalDone,
    ToolCallArgumentsDone,
)


def field_key(event: Any) -> tuple[str, int, int | None]:
    index = event.index if _FIELD_OF[type(event)] == "tool" else None
    return (_FIELD_OF[type(event)], event.choice_index, index)


def sent_fields(stream: ChatStream) -> set[tuple[str, int, int | None]]:
    """The fields the expected object says were sent (a done event each).

    A text field counts once some text came: ``"content": ""`` alone makes the
    final ``content`` a string but, as in openai's own ``content.done``, no
    delta and no done event.
    """
    fields: set[tuple[str, int, int | None]] = set()
    order = tool_index_order(stream)
    for choice in stream.expected["choices"]:
        index = choice["index"]
        msg = choice["message"]
        if msg["content"]:
            fields.add(("content", index, None))
        if msg["refusal"]:
            fields.add(("refusal", index, None))
        if msg.get("reasoning_content") or msg.get("reasoning"):
            fields.add(("reasoning", index, None))
        for kind in ("content", "refusal"):
            if (choice["logprobs"] or {}).get(kind) is not None:
                fields.add((f"logprobs.{kind}", index, None))
        fields.update(("tool", index, wire) for wire in order.get(index, []))
    return fields


def check_done_events(stream: ChatStream, run: Run) -> None:
    """One done event per sent field, after its deltas, in contract order."""
    final = run.final
    events = run.events
    done_at: dict[tuple[str, int, int | None], int] = {}
    last_delta: dict[tuple[str, int, int | None], int] = {}
    finished: dict[int, int] = {}
    for position, event in enumerate(events):
        if isinstance(event, _DONES):
            key = field_key(event)
            assert key not in done_at, f"second done event: {event!r}"
            done_at[key] = position
        elif type(event) in _FIELD_OF:
            key = field_key(event)
            assert key not in done_at, f"{event!r} after its done event"
            last_delta[key] = position
        elif isinstance(event, ChoiceFinished):
            assert event.choice_index not in finished
            finished[event.choice_index] = position
            want = choice_of(final, event.choice_index)["finish_reason"]
            assert event.finish_reason == want
    assert set(done_at) == sent_fields(stream)
    assert set(last_delta) <= set(done_at)
    assert set(finished) == {choice["index"] for choice in final["choices"]}

    # Per choice: the done events form one block in contract order (tool
    # calls by index) right before ChoiceFinished.
    for index, end in finished.items():
        mine = sorted(
            (position, key) for key, position in done_at.items() if key[1] == index
        )
        block = [position for position, _ in mine]
        assert block == list(range(end - len(block), end)), "not one block"
        kinds = [type(events[position]) for position in block]
        assert kinds == sorted(kinds, key=_DONE_ORDER.index)
        tools = [key[2] or 0 for _, key in mine if key[0] == "tool"]
        assert tools == sorted(tools)

    # The done events carry the final values.
    for key, position in done_at.items():
        done: Any = events[position]
        choice = choice_of(final, key[1])
        if key[0] in ("content", "refusal"):
            assert getattr(done, key[0]) == choice["message"][key[0]]
        elif key[0] == "reasoning":
            assert done.reasoning == choice["message"][done.field]
        elif key[0].startswith("logprobs."):
            kind = key[0].partition(".")[2]
            assert getattr(done, kind) == choice["logprobs"][kind]

    # Stream-level events.
    received = [e.chunk for e in events if isinstance(e, ChunkReceived)]
    assert received == stream.chunks
    # One event per usage value sent, in order; the last one is the final's.
    usages = [e.usage for e in events if isinstance(e, UsageUpdated)]
    sent = [c["usage"] for c in stream.chunks if c.get("usage") is not None]
    assert usages == sent
    assert final["usage"] == (sent[-1] if sent else None)
    ends = [p for p, e in enumerate(events) if isinstance(e, StreamDone)]
    assert ends == ([len(events) - 1] if stream.done else [])


_TOOL_EVENTS = (ToolCallStarted, ToolCallArgumentsDelta, ToolCallArgumentsDone)


def check_places(run: Run) -> None:
    """Every event is where chat puts it; the finish's reason is normalised."""
    for event, seen in zip(run.events, run.observed, strict=True):
        if "index" not in attrs.fields_dict(type(event)):
            assert seen["choice_index"] is None, event  # the whole completion's
            continue
        assert type(seen["choice_index"]) is int, event
        assert seen["content_index"] is None, event
        if not isinstance(event, _TOOL_EVENTS):
            assert seen["index"] is None, event
        if isinstance(event, ToolCallArgumentsDelta):
            assert seen["delta"] == seen["arguments_delta"]
            assert seen["snapshot"] == seen["arguments"]
        if isinstance(event, ChoiceFinished):
            assert event.reason == CHAT_ROWS.get(event.finish_reason, "other")


# -- 5. the openai SDK as an oracle ------------------------------------------------


def in_order(stream: ChatStream) -> bool:
    """Whether *stream* has the shape ``ChatCompletionStreamState`` needs.

    It keys choices and tool calls by list position and concatenates every
    string it sees twice, so: indexes first seen in order 0, 1, 2, ...; ids,
    names and roles sent once; no ``length`` or ``content_filter`` finish
    (``get_final_completion()`` raises on those).
    """
    choices: list[int] = []
    tools: dict[int, list[int]] = {}
    for chunk in stream.chunks:
        for choice in chunk["choices"]:
            index = choice["index"]
            if index not in choices:
                if index != len(choices) or "role" not in choice["delta"]:
                    return False
                choices.append(index)
            elif "role" in choice["delta"]:
                return False
            if choice.get("finish_reason") in ("length", "content_filter"):
                return False
            seen = tools.setdefault(index, [])
            for call in choice["delta"].get("tool_calls", []):
                first = call["index"] not in seen
                if first and call["index"] != len(seen):
                    return False
                if first != ("id" in call) or first != ("name" in call["function"]):
                    return False
                if first:
                    seen.append(call["index"])
    return True


def openai_duplicates_logprobs(stream: ChatStream) -> bool:
    """Whether openai counts some logprob entries twice on *stream*.

    A choice that first appears after the first chunk, with logprobs, gets them
    twice: once copied into its new snapshot, once appended as a delta.
    """
    seen: set[int] = set()
    for position, chunk in enumerate(stream.chunks):
        for choice in chunk["choices"]:
            new = choice["index"] not in seen
            seen.add(choice["index"])
            if new and position and choice.get("logprobs") is not None:
                return True
    return False


def openai_final(stream: ChatStream) -> Any:
    from openai._models import construct_type
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    state: Any = ChatCompletionStreamState()
    for payload in copy.deepcopy(stream.chunks):
        # What openai's Stream does with each data line (process_data).
        state.handle_chunk(construct_type(type_=ChatCompletionChunk, value=payload))
    return state.get_final_completion()


def comparable(final: Any) -> dict[str, Any]:
    """The fields both accumulators produce, from either kind of final."""
    if not isinstance(final, dict):
        final = final.model_dump(mode="json", exclude_unset=True)
    choices = []
    for choice in final["choices"]:
        msg = choice["message"]
        logprobs = choice.get("logprobs")
        choices.append(
            {
                "index": choice["index"],
                "finish_reason": choice["finish_reason"],
                "role": msg.get("role"),
                "content": msg.get("content"),
                "refusal": msg.get("refusal"),
                "tool_calls": [
                    (c["id"], c["function"]["name"], c["function"]["arguments"])
                    for c in msg.get("tool_calls") or []
                ],
                "logprobs": None
                if logprobs is None
                else {k: logprobs.get(k) for k in ("content", "refusal")},
            }
        )
    return {
        "id": final["id"],
        "model": final["model"],
        "created": final["created"],
        "choices": choices,
        "usage": final.get("usage"),
    }


# openai re-dumps the whole message for every chunk: smaller streams keep it quick.
@given(
    openai_chat_streams(
        max_text_size=24,
        max_argument_leaves=4,
        finish_reasons=("stop", "tool_calls"),
        in_order=True,
    )
)
def test_final_agrees_with_the_openai_sdk(stream: ChatStream) -> None:
    assert in_order(stream), "in_order=True broke its promise"
    assume(not openai_duplicates_logprobs(stream))
    ours = run_events(stream.to_events()).final
    theirs = comparable(openai_final(stream))
    note(f"openai: {theirs!r}")
    assert comparable(ours) == theirs


# -- 6. the strategy ---------------------------------------------------------------


def check_strategy(stream: ChatStream) -> None:
    """The drawn stream is what it says: its SSE decodes to its chunks."""
    decoder = SSEDecoder()
    items = decoder.feed(stream.to_sse()) + decoder.close()
    assert items == stream.to_events()
    assert len(items) == len(stream.chunks) + stream.done
    assert [item.json() for item in items[: len(stream.chunks)]] == stream.chunks
    assert (items[-1].data == "[DONE]") is stream.done
    assert stream.expected["object"] == "chat.completion"
    indexes = [choice["index"] for choice in stream.expected["choices"]]
    assert indexes == sorted(set(indexes))


# -- 7. linear cost ----------------------------------------------------------------


def _arguments_stream(size: int) -> list[dict[str, Any]]:
    """One tool call whose arguments are about *size* bytes, 10 per delta."""
    row = '{"id": 12, "name": "n\\u00e9 \\"x\\"", "ok": true, "v": [1.5, null]}'
    text = '{"rows": [' + ", ".join([row] * (size // (len(row) + 2))) + "]}"
    json.loads(text)
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1}
    first = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": ""},
    }
    chunks = [
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant"}}]},
        {**head, "choices": [{"index": 0, "delta": {"tool_calls": [first]}}]},
    ]
    for i in range(0, len(text), 10):
        call = {"index": 0, "function": {"arguments": text[i : i + 10]}}
        chunks.append(
            {**head, "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}
        )
    chunks.append(
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
    )
    return chunks


def _content_stream(size: int) -> list[dict[str, Any]]:
    """One choice whose content is *size* characters, 10 per delta."""
    text = ("Hello, w\u00f6rld! \U0001f600 \n" * (size // 20 + 1))[:size]
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1}
    chunks = [{**head, "choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    for i in range(0, len(text), 10):
        delta = {"content": text[i : i + 10]}
        chunks.append({**head, "choices": [{"index": 0, "delta": delta}]})
    chunks.append(
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    )
    return chunks


def _read_parsed_arguments(event: StreamEvent) -> None:
    if isinstance(event, ToolCallArgumentsDelta):
        event.parsed_arguments  # noqa: B018 - the read is the work measured


def _read_snapshot(event: StreamEvent) -> None:
    if isinstance(event, ContentDelta):
        event.snapshot  # noqa: B018 - the read is the work measured


def _accumulate(
    chunks: list[dict[str, Any]], read: Callable[[StreamEvent], None]
) -> Iterator[Callable[[], object]]:
    """Steps: each chunk fed to a fresh accumulator, its events read; ``close()``."""
    acc = OpenAIChatAccumulator()
    for payload in copy.deepcopy(chunks):  # in case feed_chunk keeps references

        def step(payload: dict[str, Any] = payload) -> None:
            for event in acc.feed_chunk(payload):
                read(event)

        yield step
    yield acc.close


@pytest.mark.parametrize(
    ("make", "read"),
    [
        pytest.param(_arguments_stream, _read_parsed_arguments, id="parsed-arguments"),
        pytest.param(_arguments_stream, lambda event: None, id="arguments-unread"),
        pytest.param(_content_stream, _read_snapshot, id="content-snapshots"),
    ],
)
def test_cost_is_linear(
    make: Callable[[int], list[dict[str, Any]]],
    read: Callable[[StreamEvent], None],
) -> None:
    size = 2 * 1024
    # Counted work, not time: the counts are the same on a busy machine (see
    # tests/_work.py).  Linear work gives about 16 per counter, quadratic 256.
    assert_linear(
        functools.partial(_accumulate, read=read), make(size), make(16 * size)
    )
