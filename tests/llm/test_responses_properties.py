"""Property-based tests of ``OpenAIResponsesAccumulator``.

The streams come from :func:`sseparse.testing.openai_responses_streams`, whose
``expected`` response is built from the drawn response, not from the payloads.

1. Final: ``close()`` is the expected ``response``, and ``snapshot()`` just
   before the terminal event is ``expected_snapshot`` (the items are built by
   the accumulator there, the terminal ``output`` not yet known); nothing is
   reported incomplete, corrected, replayed or missing.
2. Feeding: the SSE bytes whole, byte by byte and in hypothesis-chosen
   chunkings, the decoded events fed directly, named and data-only framings,
   and ``feed_chunk`` on the payloads give the same events (lazy views read as
   each event arrives) and the same final; ``feed_chunk`` leaves its argument
   alone.  Items whose events interleave give the same final too.
3. Events per payload: each payload gives ``chunk`` first, then the events
   the wire -> vocabulary table (``/work/notes/s6/responses.md``) names for
   it, located by ``index`` (``output_index``) and ``content_index`` (or the
   summary index), ``choice_index`` 0.
4. Deltas: per part, the text deltas (content, refusal, reasoning summary and
   reasoning text) and per call the arguments deltas (function, custom tool,
   MCP, code interpreter) add up to the final's fields; each delta's lazy
   ``snapshot`` is the text so far (read early and read late); JSON arguments'
   partial values are ``parse_partial`` of the text so far and only grow;
   logprobs, citations, statuses and partial images are those sent.
5. Done events: one per part and kind (content, refusal, reasoning, arguments,
   ``part.done`` per part and per item, the start of each), carrying the
   final values; one usage, one finish with the normalised reason, one
   ``done``, last.
6. Resume: an accumulator resumed from a snapshot at any point, fed the rest
   (and the last events again, replayed), ends with the same final; a lost
   event is one ``sequence.gap`` and changes nothing the done values bring.
7. Tolerance: ``item: null`` in ``output_item.added`` or ``.done`` changes
   nothing in the final (one known failure, pinned by a strict xfail).
8. ``openai``'s own ``Response`` model accepts the final.
9. Authoritative values win: with ``.done`` texts that are not their deltas
   joined, the final still is ``expected`` and each disagreement is reported
   once (event and ``corrections``), with its path and both values.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import given, note
from hypothesis import strategies as st
from openai.types.responses import Response

from sseparse import ServerSentEvent, SSEDecoder
from sseparse.jsonstream import parse_partial
from sseparse.llm import (
    AccumulatorState,
    ChoiceFinished,
    ChunkReceived,
    CitationAdded,
    ContentDelta,
    ContentDone,
    ImagePartial,
    LogprobsContentDelta,
    LogprobsContentDone,
    MessageStarted,
    OpenAIResponsesAccumulator,
    PartDone,
    PartStarted,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
    ResponseUpdated,
    SequenceGap,
    ServerToolCallStarted,
    ServerToolResult,
    ServerToolStatus,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
    ValueCorrected,
)
from sseparse.testing import (
    RESPONSES_ITEM_TYPES,
    ResponsesItem,
    ResponsesStream,
    chunkings,
    openai_responses_streams,
    same_json,
)
from tests.jsonstream.test_properties import extends
from tests.llm.test_anthropic_properties import _read, observe, same_observations

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sseparse.llm import ResponsesStreamEvent

STREAMS = openai_responses_streams()
# The bytewise run feeds one byte per call: only for streams this small.
BYTEWISE_MAX = 4000
SDK_ITEM_TYPES = tuple(t for t in RESPONSES_ITEM_TYPES if t != "unknown")
# The normalised finish reasons, written from the vocabulary's table.
NORMALISED = {
    "completed": "stop",
    "max_output_tokens": "length",
    "content_filter": "content_filter",
}
_CLIENT_CALLS = ("function_call", "custom_tool_call")
_HOSTED = (
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
    "mcp_call",
)
_ARGUMENTS = {
    "function_call": "arguments",
    "custom_tool_call": "input",
    "mcp_call": "arguments",
    "code_interpreter_call": "code",
}
_JSON_ARGUMENTS = ("function_call", "mcp_call")
# A text part's (kind, index) as the delta events say it: the reasoning
# events' ``field`` names which part list they belong to.
_REASONING_KIND = {"summary_text": "summary_text", "reasoning_text": "reasoning_text"}

# -- helpers -----------------------------------------------------------------------


@attrs.define
class Run:
    """Everything one accumulator produced: events per feed, views, the final."""

    events: list[ResponsesStreamEvent] = attrs.Factory(list)
    per_feed: list[list[str]] = attrs.Factory(list)
    observed: list[dict[str, Any]] = attrs.Factory(list)
    final: dict[str, Any] = attrs.Factory(dict)
    before_terminal: dict[str, Any] = attrs.Factory(dict)
    acc: OpenAIResponsesAccumulator = attrs.Factory(OpenAIResponsesAccumulator)

    def take(self, events: Sequence[ResponsesStreamEvent]) -> None:
        # Views are read as the events arrive, as a consumer reads them.
        self.events.extend(events)
        self.per_feed.append([event.type for event in events])
        self.observed.extend(observe(event) for event in events)  # type: ignore[arg-type]

    def end(self) -> None:
        acc = self.acc
        self.final = copy.deepcopy(acc.close())
        assert acc.take_events() == []
        assert acc.state is AccumulatorState.CLOSED


def run_events(items: Sequence[ServerSentEvent]) -> Run:
    run = Run()
    for n, item in enumerate(items):
        if n == len(items) - 1:
            run.before_terminal = copy.deepcopy(run.acc.snapshot())
        run.take(run.acc.feed(item))
    run.end()
    return run


def run_bytes(chunks: Iterable[bytes]) -> Run:
    decoder = SSEDecoder()
    run = Run()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            run.take(run.acc.feed(item))
    for item in decoder.close():
        run.take(run.acc.feed(item))
    assert not decoder.truncated
    run.end()
    return run


def run_payloads(payloads: list[dict[str, Any]]) -> Run:
    run = Run()
    for payload in payloads:
        run.take(run.acc.feed_chunk(payload))
    run.end()
    return run


def item_at(stream: ResponsesStream, index: int | None) -> ResponsesItem:
    assert index is not None
    item = stream.items[index]
    assert item.index == index
    return item


def part_key(event: Any) -> tuple[int, str, int]:
    """Where a text event belongs: (output index, part kind, its index)."""
    if isinstance(event, ContentDelta | ContentDone):
        kind = "output_text"
    elif isinstance(event, RefusalDelta | RefusalDone):
        kind = "refusal"
    else:
        kind = _REASONING_KIND[event.field]
    assert event.index is not None
    assert event.content_index is not None
    return (event.index, kind, event.content_index)


def text_parts(stream: ResponsesStream) -> dict[tuple[int, str, int], Any]:
    return {
        (item.index, part.kind, part.index): part
        for item in stream.items
        for part in item.parts
    }


# -- 1, 3, 4, 5 on one run ---------------------------------------------------------


@given(STREAMS)
def test_final_events_and_views(stream: ResponsesStream) -> None:
    run = run_events(stream.to_events())
    note(f"final: {run.final!r}")
    note("events:\n" + "\n".join(map(repr, run.events)))
    check_final(stream, run)
    check_events_per_payload(stream, run)
    check_deltas_add_up(stream, run)
    check_done_events(stream, run)


def check_final(stream: ResponsesStream, run: Run) -> None:
    """``close()`` is the expected response; nothing cut, corrected or lost."""
    assert run.before_terminal == stream.expected_snapshot
    assert run.final == stream.expected
    acc = run.acc
    assert acc.status == stream.terminal
    assert acc.incomplete == ()
    assert acc.corrections == ()
    assert acc.gaps == ()
    assert acc.replayed == 0


def expected_types(
    stream: ResponsesStream, payload: dict[str, Any], opened: set[tuple[Any, ...]]
) -> list[str]:
    """The event types one payload gives, per the wire -> vocabulary table.

    *opened* holds the parts opened so far: the first event of a part whose
    ``content_part.added`` never came opens it (``part.started`` first).
    """
    kind: str = payload["type"]
    types = ["chunk"]
    item = stream.items[payload["output_index"]] if "output_index" in payload else None
    axis = "summary_index" if "summary_index" in payload else "content_index"
    if axis in payload:
        where = (payload["output_index"], axis, payload[axis])
        if where not in opened:
            opened.add(where)
            types.append("part.started")
    if kind == "response.created":
        types.append("message.started")
    elif kind in ("response.queued", "response.in_progress"):
        types.append("message.updated")
    elif kind == "response.output_item.added":
        assert item is not None
        types.append("part.started")
        if item.type in _CLIENT_CALLS:
            types.append("tool_call.started")
        elif item.type in _HOSTED:
            types.append("server_tool_call.started")
    elif kind == "response.output_item.done":
        assert item is not None
        if item.type in _HOSTED:
            types.append("server_tool.result")
        types.append("part.done")
    elif kind in (
        "response.content_part.added",
        "response.reasoning_summary_part.added",
    ):
        pass  # opened above
    elif kind in ("response.content_part.done", "response.reasoning_summary_part.done"):
        types.append("part.done")
    elif kind.endswith(".delta"):
        if payload["delta"]:  # no event for an empty delta
            types.append(_DELTA_TYPES[kind.split(".")[1]])
        if payload.get("logprobs"):
            types.append("logprobs.content.delta")
    elif kind.endswith(".done"):
        types.append(_DONE_TYPES[kind.split(".")[1]])
        if kind == "response.output_text.done" and payload["logprobs"]:
            types.append("logprobs.content.done")
    elif kind == "response.output_text.annotation.added":
        types.append("citation.added")
    elif kind.endswith(".partial_image"):
        types.append("image.partial")
    elif item is not None and kind.startswith(f"response.{item.type}."):
        types.append("server_tool_call.status")
    elif kind in ("response.completed", "response.incomplete"):
        types += ["usage", "finish", "done"]
    else:
        types.append("unknown")
    return types


_DELTA_TYPES = {
    "output_text": "content.delta",
    "refusal": "refusal.delta",
    "reasoning_summary_text": "reasoning.delta",
    "reasoning_text": "reasoning.delta",
    "function_call_arguments": "tool_calls.function.arguments.delta",
    "custom_tool_call_input": "tool_calls.function.arguments.delta",
    "mcp_call_arguments": "tool_calls.function.arguments.delta",
    "code_interpreter_call_code": "tool_calls.function.arguments.delta",
}
_DONE_TYPES = {
    key: value.replace(".delta", ".done") for key, value in _DELTA_TYPES.items()
}


def check_events_per_payload(stream: ResponsesStream, run: Run) -> None:
    """Each payload's events, by type, in order, in their places."""
    opened: set[tuple[Any, ...]] = set()
    want = [expected_types(stream, payload, opened) for payload in stream.payloads]
    assert run.per_feed == want
    received = [e.chunk for e in run.events if isinstance(e, ChunkReceived)]
    assert received == stream.payloads
    starts = [e for e in run.events if isinstance(e, MessageStarted)]
    assert [e.message for e in starts] == [stream.payloads[0]["response"]]
    updates = [e for e in run.events if isinstance(e, ResponseUpdated)]
    lifecycle = [
        p["response"]
        for p in stream.payloads
        if p["type"] in ("response.queued", "response.in_progress")
    ]
    assert [e.status for e in updates] == [r["status"] for r in lifecycle]
    unknown = [e.data for e in run.events if isinstance(e, UnknownEvent)]
    assert unknown == [
        p for p in stream.payloads if p["type"].startswith("response.x_")
    ]
    for event in run.events:
        # One candidate: 0 on every event but the chunk-level ones.
        if not isinstance(event, ChunkReceived | UsageUpdated | UnknownEvent):
            assert event.choice_index == 0, event
        index = getattr(event, "index", None)
        if index is not None:
            assert 0 <= index < len(stream.items)


def check_deltas_add_up(stream: ResponsesStream, run: Run) -> None:
    """Per part and call, deltas add up to the final's fields; views agree."""
    output = run.final["output"]
    texts: dict[tuple[int, str, int], str] = {}
    arguments: dict[int, str] = {}
    parsed: dict[int, Any] = {}
    logprobs: dict[tuple[int, int], list[Any]] = {}
    citations: dict[tuple[int, int], list[Any]] = {}
    statuses: dict[int, list[str]] = {}
    images: dict[int, list[str]] = {}
    for event, seen in zip(run.events, run.observed, strict=True):
        if isinstance(event, ContentDelta | RefusalDelta | ReasoningDelta):
            key = part_key(event)
            assert event.delta
            texts[key] = texts.get(key, "") + event.delta
            assert seen["snapshot"] == texts[key]
            # Read late, the view still shows the text as of its own event.
            assert event.snapshot == texts[key]
        elif isinstance(event, ToolCallArgumentsDelta):
            index = event.index
            assert index is not None
            item = item_at(stream, index)
            assert event.call_type == item.type
            assert event.provider_executed is (item.type not in _CLIENT_CALLS)
            assert event.arguments_delta
            arguments[index] = arguments.get(index, "") + event.arguments_delta
            assert seen["snapshot"] == seen["arguments"] == arguments[index]
            assert event.arguments == arguments[index]
            value = seen["parsed_arguments"]
            if item.type not in _JSON_ARGUMENTS:
                assert value is None  # free text: no JSON view
                continue
            allowed = [parse_partial(arguments[index])]
            if arguments[index] == item.arguments:
                allowed.append(json.loads(arguments[index]))
            assert any(same_json(value, a) for a in allowed), (value, allowed)
            if index in parsed:
                assert extends(parsed[index], value), (parsed[index], value)
            parsed[index] = value
            late = _read(event, "parsed_arguments")
            assert extends(value, late), (value, late)
        elif isinstance(event, LogprobsContentDelta):
            assert event.index is not None
            assert event.content_index is not None
            key2 = (event.index, event.content_index)
            logprobs.setdefault(key2, []).extend(event.content)
            assert seen["snapshot"] == logprobs[key2]
        elif isinstance(event, CitationAdded):
            assert event.index is not None
            assert event.content_index is not None
            citations.setdefault((event.index, event.content_index), []).append(
                event.citation
            )
        elif isinstance(event, ServerToolStatus):
            assert event.index is not None
            item = item_at(stream, event.index)
            assert (event.id, event.call_type) == (item.id, item.type)
            statuses.setdefault(event.index, []).append(
                f"response.{event.call_type}.{event.status}"
            )
        elif isinstance(event, ImagePartial):
            assert event.index is not None
            assert event.id == item_at(stream, event.index).id
            images.setdefault(event.index, []).append(event.partial_image_b64)

    for key, part in text_parts(stream).items():
        assert texts.get(key, "") == part.text
        index, kind, number = key
        final = output[index]
        where = final["summary"] if kind == "summary_text" else final["content"]
        field = "refusal" if kind == "refusal" else "text"
        assert where[part.position][field] == part.text
        if kind == "output_text":
            assert logprobs.get((index, number), []) == list(part.logprobs)
            assert citations.get((index, number), []) == list(part.annotations)
            assert where[part.position]["logprobs"] == list(part.logprobs)
    assert set(texts) <= set(text_parts(stream))
    for item in stream.items:
        index = item.index
        if item.arguments is not None:
            assert arguments.get(index, "") == item.arguments
            assert output[index][_ARGUMENTS[item.type]] == item.arguments
            if item.type in _JSON_ARGUMENTS and item.arguments:
                assert same_json(parsed[index], json.loads(item.arguments))
        else:
            assert index not in arguments
        assert statuses.get(index, []) == list(item.statuses)
        assert images.get(index, []) == [
            p["partial_image_b64"] for p in item.partial_images
        ]


def _part_place(event: Any) -> tuple[int | None, str | None]:
    """A part event's place: its content_index and, for a part, its type.

    Reasoning text and summary parts both count from 0 in ``content_index``;
    the part's ``type`` tells them apart.
    """
    part = getattr(event, "part", None)
    if event.content_index is None or part is None:
        return (event.content_index, None)
    return (event.content_index, part["type"])


def check_done_events(stream: ResponsesStream, run: Run) -> None:
    """Done events once per part, with the final values; one finish; one done."""
    output = run.final["output"]
    done: dict[tuple[Any, ...], Any] = {}
    started: dict[tuple[Any, ...], Any] = {}
    key: tuple[Any, ...]
    for event in run.events:
        if isinstance(event, ContentDone | RefusalDone | ReasoningDone):
            key = (event.type, *part_key(event))
        elif isinstance(event, PartDone):
            key = (event.type, event.index, *_part_place(event))
        elif isinstance(
            event, ToolCallArgumentsDone | ServerToolResult | LogprobsContentDone
        ):
            key = (event.type, event.index, event.content_index)
        elif isinstance(event, PartStarted | ToolCallStarted | ServerToolCallStarted):
            key = (event.type, event.index, *_part_place(event))
            assert key not in started, f"second start: {event!r}"
            started[key] = event
            continue
        else:
            continue
        assert key not in done, f"second done event: {event!r}"
        done[key] = event

    want_done: set[tuple[Any, ...]] = set()
    want_started: set[tuple[Any, ...]] = set()
    for item in stream.items:
        index = item.index
        final = output[index]
        want_done.add(("part.done", index, None, None))
        assert done["part.done", index, None, None].part == final == item.final
        want_started.add(("part.started", index, None, None))
        assert started["part.started", index, None, None].part == item.added
        for part in item.parts:
            if part.kind == "output_text":
                key = ("content.done", index, part.kind, part.index)
                assert done[key].content == part.text
                if part.logprobs:
                    want_done.add(("logprobs.content.done", index, part.index))
                    logs = done["logprobs.content.done", index, part.index].content
                    assert logs == list(part.logprobs)
            elif part.kind == "refusal":
                key = ("refusal.done", index, part.kind, part.index)
                assert done[key].refusal == part.text
            else:
                key = ("reasoning.done", index, part.kind, part.index)
                assert done[key].reasoning == part.text
                assert done[key].field == part.kind
            want_done.add(key)
            want_done.add(("part.done", index, part.index, part.kind))
            assert done["part.done", index, part.index, part.kind].part == part.final
            want_started.add(("part.started", index, part.index, part.kind))
        if item.arguments is not None:
            key = ("tool_calls.function.arguments.done", index, None)
            want_done.add(key)
            event = done[key]
            assert event.complete
            assert event.arguments == item.arguments
            assert event.call_type == item.type
        if item.type in _CLIENT_CALLS:
            want_started.add(("tool_call.started", index, None, None))
            start = started["tool_call.started", index, None, None]
            assert (start.id, start.name) == (final["call_id"], final["name"])
        elif item.type in _HOSTED:
            want_started.add(("server_tool_call.started", index, None, None))
            started_call = started["server_tool_call.started", index, None, None]
            assert started_call.block == item.added
            want_done.add(("server_tool.result", index, None))
            result = done["server_tool.result", index, None]
            assert (result.tool_use_id, result.result_type) == (item.id, item.type)
            assert result.block == final
    assert set(done) == want_done
    assert set(started) == want_started

    finishes = [e for e in run.events if isinstance(e, ChoiceFinished)]
    assert len(finishes) == 1
    ending = stream.payloads[-1]["response"]
    if stream.terminal == "completed":
        reason = "completed"
        normalised = (
            "tool_calls"
            if any(item.type in _CLIENT_CALLS for item in stream.items)
            else "stop"
        )
    else:
        reason = ending["incomplete_details"]["reason"]
        normalised = NORMALISED[reason]
    assert finishes[0].finish_reason == reason
    assert finishes[0].reason == normalised
    usages = [e.usage for e in run.events if isinstance(e, UsageUpdated)]
    assert usages == [stream.expected["usage"]]
    ends = [p for p, e in enumerate(run.events) if isinstance(e, StreamDone)]
    assert ends == [len(run.events) - 1]


# -- 2. feeding --------------------------------------------------------------------


@given(STREAMS, st.data())
def test_any_chunking_gives_the_same_events_and_final(
    stream: ResponsesStream, data: st.DataObject
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


@given(openai_responses_streams(interleave=True))
def test_interleaved_items_give_the_expected_final(stream: ResponsesStream) -> None:
    run = run_events(stream.to_events())
    check_final(stream, run)
    check_deltas_add_up(stream, run)
    check_done_events(stream, run)


# -- 6. resume ---------------------------------------------------------------------


def resume_and_finish(
    payloads: list[dict[str, Any]], cut: int, replay: int
) -> OpenAIResponsesAccumulator:
    """Feed *payloads* up to *cut*, resume from the snapshot, replay, go on."""
    first = OpenAIResponsesAccumulator()
    for payload in payloads[:cut]:
        first.feed_chunk(payload)
    snapshot = copy.deepcopy(first.snapshot())
    resumed = OpenAIResponsesAccumulator.resume(
        snapshot, sequence_number=payloads[cut - 1]["sequence_number"]
    )
    for payload in payloads[cut - replay : cut]:
        assert resumed.feed_chunk(payload) == []
    for payload in payloads[cut:]:
        resumed.feed_chunk(payload)
    return resumed


@given(STREAMS, st.data())
def test_a_resumed_stream_ends_with_the_same_final(
    stream: ResponsesStream, data: st.DataObject
) -> None:
    payloads = stream.payloads
    # Cut after the response began (the snapshot needs one) and before the
    # terminal event; then replay up to everything already fed.
    cut = data.draw(st.integers(1, len(payloads) - 1), label="cut")
    replay = data.draw(st.integers(0, cut), label="replayed")
    resumed = resume_and_finish(payloads, cut, replay)
    assert resumed.replayed == replay
    assert resumed.gaps == ()
    assert resumed.close() == stream.expected


_BASE: dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "in_progress",
    "model": "gpt-5",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}
_SEARCH: dict[str, Any] = {
    "id": "ws_1",
    "type": "web_search_call",
    "status": "in_progress",
}
_AT = {"item_id": "ws_1", "output_index": 0}
_WEB_SEARCH: list[dict[str, Any]] = [
    {"type": "response.created", "response": _BASE},
    {"type": "response.output_item.added", "output_index": 0, "item": _SEARCH},
    {"type": "response.web_search_call.in_progress", **_AT},
    {"type": "response.web_search_call.searching", **_AT},
    {"type": "response.web_search_call.completed", **_AT},
    {
        "type": "response.output_item.done",
        "output_index": 0,
        "item": {**_SEARCH, "status": "completed", "action": {"type": "search"}},
    },
    {"type": "response.completed", "response": {**_BASE, "status": "completed"}},
]
_WEB_SEARCH = [{**p, "sequence_number": n} for n, p in enumerate(_WEB_SEARCH)]


def test_resume_after_a_hosted_tool_status_completed() -> None:
    """Resume right after ``web_search_call.completed``, before the item's done.

    The status event already says ``completed`` in the snapshot; the
    ``output_item.done`` that follows must still be taken (it raised
    ``UnexpectedEvent`` before a56373a; this property found it).
    """
    resumed = resume_and_finish(_WEB_SEARCH, 5, 0)
    assert resumed.close()["output"] == [_WEB_SEARCH[5]["item"]]


@given(openai_responses_streams(quirks=False), st.data())
def test_a_lost_event_is_reported_as_a_gap(
    stream: ResponsesStream, data: st.DataObject
) -> None:
    """One event lost (any but the first, the terminal and an item's added):
    one ``sequence.gap`` where the numbers jump, and the authoritative done
    values and terminal output still make the expected final."""
    payloads = stream.payloads
    lost = data.draw(
        st.integers(1, len(payloads) - 2).filter(
            lambda n: payloads[n]["type"] != "response.output_item.added"
        ),
        label="lost",
    )
    run = run_payloads(payloads[:lost] + payloads[lost + 1 :])
    gaps = [(e.expected, e.got) for e in run.events if isinstance(e, SequenceGap)]
    assert gaps == [(lost, lost + 1)]
    assert run.acc.gaps == ((lost, lost + 1),)
    assert run.final == stream.expected


# -- 7. tolerance: item null -----------------------------------------------------


def with_null_items(payloads: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """*payloads* with every ``item`` of the *kind* events sent as ``null``."""
    return [
        {**p, "item": None} if p["type"] == f"response.output_item.{kind}" else p
        for p in payloads
    ]


@given(openai_responses_streams(), st.sampled_from(["added", "done"]))
def test_null_items_give_the_same_final(stream: ResponsesStream, kind: str) -> None:
    """``item: null`` in ``output_item.added`` (or ``.done``, when the terminal
    response brings the output) changes nothing in the final."""
    if kind == "done" and not stream.payloads[-1]["response"]["output"]:
        kind = "added"  # nothing would say what the done items hold
    run = run_payloads(with_null_items(stream.payloads, kind))
    assert run.final == stream.expected
    assert run.acc.incomplete == ()
    assert run.acc.corrections == ()


_REASONING_ITEM: dict[str, Any] = {
    "id": "rs_1",
    "type": "reasoning",
    "summary": [],
    "content": [{"type": "reasoning_text", "text": "hm"}],
}
_RT = {"item_id": "rs_1", "output_index": 0, "content_index": 0}
_NULL_REASONING: list[dict[str, Any]] = [
    {"type": "response.created", "response": _BASE},
    {"type": "response.output_item.added", "output_index": 0, "item": None},
    {
        "type": "response.content_part.added",
        **_RT,
        "part": {"type": "reasoning_text", "text": ""},
    },
    {"type": "response.reasoning_text.delta", **_RT, "delta": "hm"},
    {"type": "response.reasoning_text.done", **_RT, "text": "hm"},
    {
        "type": "response.content_part.done",
        **_RT,
        "part": {"type": "reasoning_text", "text": "hm"},
    },
    {"type": "response.output_item.done", "output_index": 0, "item": _REASONING_ITEM},
    {
        "type": "response.completed",
        "response": {**_BASE, "status": "completed", "output": [_REASONING_ITEM]},
    },
]


def test_null_item_then_reasoning_text() -> None:
    """A reasoning_text part tells an index reserved by ``item: null`` that its
    item is reasoning, not a message (found by the property above)."""
    run = run_payloads(_NULL_REASONING)
    assert run.final["output"] == [_REASONING_ITEM]


# -- 9. authoritative values win ---------------------------------------------------


@given(openai_responses_streams(disagreements=True))
def test_authoritative_values_win_and_each_disagreement_is_reported(
    stream: ResponsesStream,
) -> None:
    """A ``.done`` text that is not its deltas joined goes into the final, and
    the accumulator reports it once: a ``correction`` event and an entry of
    ``corrections`` with the path, the accumulated and the authoritative text.
    """
    run = run_events(stream.to_events())
    assert run.final == stream.expected
    assert run.before_terminal == stream.expected_snapshot
    want = sorted(
        (c["path"], c["accumulated"], c["authoritative"]) for c in stream.corrections
    )
    events = [e for e in run.events if isinstance(e, ValueCorrected)]
    assert sorted((e.path, e.accumulated, e.authoritative) for e in events) == want
    assert list(run.acc.corrections) == events
    for event in events:
        assert event.choice_index == 0
        assert event.path.startswith(f"output[{event.index}].")


# -- 8. the SDK's model ------------------------------------------------------------


@given(openai_responses_streams(item_types=SDK_ITEM_TYPES))
def test_openai_response_accepts_the_final(stream: ResponsesStream) -> None:
    final = run_events(stream.to_events()).final
    response = Response.model_validate(final)
    assert response.model_dump(mode="json", exclude_unset=True) == (
        Response.model_validate(stream.expected).model_dump(
            mode="json", exclude_unset=True
        )
    )
