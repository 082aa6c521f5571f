"""Fuzz target for the OpenAI Responses accumulator (``sseparse.llm``).

For any input bytes, decoded by ``SSEDecoder`` (comments on) and fed event by
event to ``OpenAIResponsesAccumulator`` (options chosen by the first byte: small
``Limits``, a strict function tool, a JSON ``text_format``):

* only documented exceptions escape: ``InvalidChunk``, ``UnexpectedEvent``,
  ``StreamError`` and ``LimitExceeded`` from ``feed()``; ``UsageError`` only once
  the machine was closed or failed; from ``close()``, ``IncompleteStream`` (only
  without a terminal event), ``StreamError`` (only after ``response.failed``),
  ``LengthFinishReasonError`` / ``ContentFilterFinishReasonError`` (only when
  parsing was asked for and the response is incomplete); the lazy views of the
  events (``snapshot``, ``arguments``, ``parsed``, ``parsed_arguments``) raise
  nothing but ``JSONStreamError`` and ``LimitExceeded``;
* failures stick: after an exception the machine is in ``ERROR``, refuses
  ``feed`` and ``feed_chunk`` with ``UsageError`` and ``close`` with
  ``UsageError`` too, or with the very same ``StreamError`` when that was the
  failure; after the terminal event every event comes back as one
  ``UnknownEvent`` and the state stays ``DONE``; ``status`` names the end;
* ``snapshot()`` never raises and is always a ``response`` dict that
  ``json.dumps`` accepts, with an ``output`` list; ``close()`` returns that
  same dict;
* each JSON object fed while streaming gives ``ChunkReceived`` first, unless it
  is dropped as a replay (``replayed`` grows by one and ``feed`` returns
  nothing); done events, starts, ``finish`` and ``done`` come at most once
  (per part where they belong to one);
* every delta extends its text by exactly its delta (each lazy ``snapshot`` /
  ``arguments``); a done event's text is the deltas' text, unless no delta
  came or a ``correction`` event for that part said it differed;
* fed whole or in a chunking the input chooses, the events (type and fields),
  the final response and the exception are the same.

The hypothesis tests add what random bytes rarely reach: valid streams from
``sseparse.testing.openai_responses_streams`` with structured mutations (events
dropped, repeated, swapped or cut off; values replaced by any JSON value, keys
removed, indexes, sequence numbers and types changed, an event moved later;
error payloads and
non-objects put in), fed with ``feed_chunk`` (the payloads must come out
unchanged), and the same streams as SSE, named or data-only, fed whole and in
random chunkings.

Run with atheris (``python fuzz/fuzz_openai_responses.py -atheris_runs=100000``)
or under pytest (``pytest fuzz/fuzz_openai_responses.py``); see
``fuzz/README.md``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _support import run_atheris, seeded_chunks
from fuzz_anthropic_messages import (
    _containers,
    _error_key,
    _event_key,
    _json,
    _one_in,
    _refuses,
    _scalars,
    is_object,
)
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sseparse import (
    Comment,
    IncompleteStream,
    JSONStreamError,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    encode,
)
from sseparse.errors import (
    ContentFilterFinishReasonError,
    InvalidChunk,
    LengthFinishReasonError,
    UnexpectedEvent,
)
from sseparse.llm import (
    AccumulatorState,
    AudioDelta,
    AudioDone,
    ChunkReceived,
    ContentDelta,
    ContentDone,
    OpenAIResponsesAccumulator,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
    ServerToolOutputDelta,
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    UnknownEvent,
    ValueCorrected,
)
from sseparse.testing import ResponsesStream, chunkings, openai_responses_streams

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Item = ServerSentEvent | Comment

FEED_ERRORS = (InvalidChunk, UnexpectedEvent, StreamError, LimitExceeded)
PARSE_ERRORS = (LengthFinishReasonError, ContentFilterFinishReasonError)
VIEW_ERRORS = (JSONStreamError, LimitExceeded)
# Events that come at most once per (type, index, content_index, field).
_ONCE_TYPES = {
    "message.started",
    "part.started",
    "part.done",
    "content.done",
    "refusal.done",
    "reasoning.done",
    "logprobs.content.done",
    "tool_call.started",
    "server_tool_call.started",
    "tool_calls.function.arguments.done",
    "server_tool.result",
    "audio.done",
    "finish",
    "done",
}
_ENDS = {None, "completed", "incomplete", "failed"}  # status while DONE / streaming

_STRICT_TOOL = {
    "type": "function",
    "name": "lookup",
    "parameters": {"type": "object", "properties": {}},
    "strict": True,
}
_JSON_FORMAT = {"type": "json_schema", "name": "answer", "schema": {}, "strict": True}


def options_from(byte: int) -> dict[str, Any]:
    """Accumulator options chosen by one byte: bits 0-1 both set, small limits
    (sized by the upper bits); bit 2, a strict function tool; bit 3, a JSON
    ``text_format``."""
    options: dict[str, Any] = {}
    if byte & 3 == 3:
        options["limits"] = Limits(
            max_text_chars=1 + (byte >> 4) * 4,
            max_stream_items=1 + (byte >> 4) % 8,
        )
    if byte & 4:
        options["tools"] = [_STRICT_TOOL]
    if byte & 8:
        options["text_format"] = _JSON_FORMAT
    return options


# --------------------------------------------------------------------------- #
# checks
# --------------------------------------------------------------------------- #


def _assert_refuses_all(
    acc: OpenAIResponsesAccumulator, failure: BaseException | None
) -> None:
    """Every further call is refused: ``UsageError``, or from ``close()`` the
    very same ``StreamError`` when that was the *failure*."""
    state = acc.state
    assert _refuses(lambda: acc.feed(ServerSentEvent(data='{"type": "x"}')))
    assert _refuses(lambda: acc.feed_chunk({"type": "x"}))
    if isinstance(failure, StreamError):
        again: BaseException | None = None
        try:
            acc.close()
        except StreamError as exc:
            again = exc
        assert again is failure, (again, failure)
    else:
        assert _refuses(acc.close)
    assert acc.state is state


def _check_snapshot(acc: OpenAIResponsesAccumulator) -> dict[str, Any]:
    snap = acc.snapshot()
    assert type(snap) is dict, type(snap)
    json.dumps(snap)
    # "object" and the rest are as the lifecycle events sent them; output is ours
    assert type(snap["output"]) is list, snap["output"]
    return snap


def _read_views(ev: StreamEvent) -> None:
    """Read the lazy JSON views of *ev*; only the JSON errors may escape."""
    if isinstance(ev, (ToolCallArgumentsDelta, ToolCallArgumentsDone)):
        with contextlib.suppress(*VIEW_ERRORS):
            ev.parsed_arguments  # noqa: B018 - a property read is the check
    elif isinstance(ev, (ContentDelta, ContentDone)):
        with contextlib.suppress(*VIEW_ERRORS):
            ev.parsed  # noqa: B018


_Key = tuple[Any, ...]


def _delta_key(ev: StreamEvent) -> tuple[_Key, str, str | None] | None:
    """(which text, the delta, the text so far) of a delta event; the text so
    far is ``None`` for the events without one."""
    where = (getattr(ev, "index", None), getattr(ev, "content_index", None))
    if isinstance(ev, ContentDelta):
        return ("content", *where), ev.delta, ev.snapshot
    if isinstance(ev, RefusalDelta):
        return ("refusal", *where), ev.delta, ev.snapshot
    if isinstance(ev, ReasoningDelta):
        return ("reasoning", ev.field, *where), ev.delta, ev.snapshot
    if isinstance(ev, ToolCallArgumentsDelta):
        assert ev.arguments == ev.snapshot
        return ("arguments", *where), ev.arguments_delta, ev.arguments
    if isinstance(ev, ServerToolOutputDelta):
        return ("output", ev.field, *where), ev.delta, ev.snapshot
    if isinstance(ev, AudioDelta):
        return ("audio", ev.field), ev.delta, ev.snapshot
    return None


def _done_key(ev: StreamEvent) -> tuple[_Key, str] | None:
    where = (getattr(ev, "index", None), getattr(ev, "content_index", None))
    if isinstance(ev, ContentDone):
        return ("content", *where), ev.content
    if isinstance(ev, RefusalDone):
        return ("refusal", *where), ev.refusal
    if isinstance(ev, ReasoningDone):
        return ("reasoning", ev.field, *where), ev.reasoning
    if isinstance(ev, ToolCallArgumentsDone):
        return ("arguments", *where), ev.arguments
    if isinstance(ev, AudioDone):
        return ("audio", ev.field), ev.value
    return None


class _Texts:
    """Each text is what its deltas add up to, no delta comes after its done
    event, and each done event says so or a correction came first."""

    def __init__(self, views: bool) -> None:
        self.views = views
        self.text: dict[_Key, str] = {}
        self.finished: set[_Key] = set()
        self.corrected: set[tuple[Any, Any]] = set()

    def took(self, ev: StreamEvent) -> None:
        if isinstance(ev, ValueCorrected):
            assert ev.accumulated != ev.authoritative, ev
            self.corrected.add((ev.index, ev.content_index))
            return
        delta = _delta_key(ev) if self.views else None
        if delta is not None:
            key, piece, so_far = delta
            assert key not in self.finished, f"a delta of {key} after its done"
            if so_far is not None:
                # the first delta may extend text the item was added with
                before = self.text.get(key, so_far[: len(so_far) - len(piece)])
                assert so_far == before + piece, (ev, before)
                self.text[key] = so_far
            return
        done = _done_key(ev) if self.views else None
        if done is not None:
            key, value = done
            self.finished.add(key)
            sent = self.text.get(key)
            where = (getattr(ev, "index", None), getattr(ev, "content_index", None))
            assert sent is None or value == sent or where in self.corrected, (
                ev,
                sent,
            )


def _number(payload: Any) -> int | None:
    """The payload's ``sequence_number``, when it is one (an int)."""
    number = payload.get("sequence_number") if type(payload) is dict else None
    return number if type(number) is int else None


def _once_key(ev: StreamEvent) -> tuple[Any, ...]:
    # A reasoning item's summary part and its content part can have the same
    # index (summary_index, content_index): the part's type tells them apart.
    part = getattr(ev, "part", None)
    return (
        ev.type,
        getattr(ev, "index", None),
        getattr(ev, "content_index", None),
        getattr(ev, "field", None),
        repr(part.get("type")) if isinstance(part, dict) else None,
    )


class Run:
    """Feed one accumulator, checking every documented rule on the way."""

    def __init__(self, options: dict[str, Any], *, views: bool) -> None:
        self.acc = OpenAIResponsesAccumulator(**options)
        self.parsing = "tools" in options or "text_format" in options
        self.views = views
        self.events: list[tuple[Any, ...]] = []
        self.once: set[tuple[Any, ...]] = set()
        self.texts = _Texts(views)
        self.outcome: tuple[Any, ...] | None = None  # set once the machine stops
        self.last_number: int | None = None  # the last sequence_number taken

    def _took(
        self,
        out: Sequence[StreamEvent],
        chunk: bool | None,
        done: bool,
        replayed: bool,
    ) -> None:
        assert type(out) is list
        if chunk is None:  # a comment (keep-alive): nothing, in any state
            assert out == [], out
        elif done:
            # after the terminal event: the item comes back as it is, no error
            assert len(out) == 1, out
            assert isinstance(out[0], UnknownEvent), out
        elif replayed:
            assert out == [], out
        elif chunk:
            assert out, "a JSON object gave no events"
            assert isinstance(out[0], ChunkReceived), out[0]
        for item in out:
            self.events.append(_event_key(item))
            if item.type in _ONCE_TYPES:
                key = _once_key(item)
                assert key not in self.once, f"{key} emitted twice"
                self.once.add(key)
            self.texts.took(item)
            if self.views:
                _read_views(item)
        _check_snapshot(self.acc)

    def _failed(self, exc: BaseException, before: AccumulatorState) -> None:
        acc = self.acc
        assert before is AccumulatorState.STREAMING, (before, exc)
        assert acc.state is AccumulatorState.ERROR, acc.state
        if isinstance(exc, StreamError):
            assert acc.status == "error", acc.status
        _check_snapshot(acc)
        _assert_refuses_all(acc, exc)
        self.outcome = ("failed", *_error_key(exc))

    def feed(self, item: Item) -> None:
        chunk = None if isinstance(item, Comment) else is_object(item)
        number = None
        if chunk and isinstance(item, ServerSentEvent):
            number = _number(json.loads(item.data))
        self._step(lambda: self.acc.feed(item), chunk, number)

    def feed_chunk(self, payload: Any) -> None:
        chunk = type(payload) is dict
        number = _number(payload) if chunk else None
        self._step(lambda: self.acc.feed_chunk(payload), chunk, number)

    def _step(
        self,
        call: Callable[[], Sequence[StreamEvent]],
        chunk: bool | None,
        number: int | None,
    ) -> None:
        acc = self.acc
        before = acc.state
        if self.outcome is not None:  # failed: every further feed is refused
            assert before is AccumulatorState.ERROR, before
            assert _refuses(call)
            assert acc.state is before
            return
        assert before in (AccumulatorState.STREAMING, AccumulatorState.DONE)
        replayed = acc.replayed
        try:
            out = call()
        except FEED_ERRORS as exc:
            self._failed(exc, before)
            return
        done = before is AccumulatorState.DONE
        assert not done or acc.state is AccumulatorState.DONE, acc.state
        # a number not above the last one taken is a replay, dropped
        last = self.last_number
        replay = not done and number is not None and last is not None and number <= last
        assert acc.replayed == replayed + replay, (number, last, acc.replayed)
        if not done and not replay and number is not None:
            self.last_number = number
        assert acc.status in _ENDS, acc.status
        assert (acc.status is None) == (acc.state is AccumulatorState.STREAMING)
        self._took(out, chunk, done, acc.replayed > replayed)

    def close(self) -> tuple[Any, ...]:
        acc = self.acc
        if self.outcome is not None:
            return self.outcome
        state = acc.state
        status = acc.status
        try:
            final = acc.close()
        except IncompleteStream as exc:
            assert state is AccumulatorState.STREAMING, state
            assert acc.status == "cut", acc.status
            return self._close_failed(exc)
        except StreamError as exc:
            assert state is AccumulatorState.DONE, state
            assert status == "failed", status
            return self._close_failed(exc)
        except PARSE_ERRORS as exc:
            assert state is AccumulatorState.DONE, state
            assert self.parsing, "a parse error without parsing asked for"
            assert status == "incomplete", status
            return self._close_failed(exc)
        assert state is AccumulatorState.DONE, state
        assert status in ("completed", "incomplete"), status
        assert acc.state is AccumulatorState.CLOSED
        assert final is acc.snapshot()
        _check_snapshot(acc)
        _assert_refuses_all(acc, None)
        self.outcome = ("final", json.dumps(final), acc.incomplete, acc.status)
        return self.outcome

    def _close_failed(self, exc: BaseException) -> tuple[Any, ...]:
        acc = self.acc
        assert acc.state is AccumulatorState.ERROR
        _check_snapshot(acc)
        _assert_refuses_all(acc, exc)
        self.outcome = ("close", *_error_key(exc))
        return self.outcome

    def result(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
        return self.events, self.close()


def run_bytes(
    reads: Sequence[bytes], options: dict[str, Any], *, views: bool
) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Decode *reads* and feed every item; the event keys and the outcome."""
    decoder = SSEDecoder(comments=True)
    run = Run(options, views=views)
    limit = ""
    try:
        for read in reads:
            for item in decoder.feed(read):
                run.feed(item)
        for item in decoder.close():
            run.feed(item)
    except LimitExceeded as exc:  # run.feed() lets none escape: the decoder's
        limit = exc.limit
    if limit:
        # The SSE layer's own limit (a retry of more than 4300 digits): not
        # the accumulator's business, but the same for every chunking.
        assert limit == "max_retry_digits", limit
        return [], ("decoder", limit)
    return run.result()


def fuzz_one_input(data: bytes) -> None:
    """Check the accumulator's invariants on one input; raise on any violation.

    Args:
        data: the fuzzer's input: all of it is the event stream; the first byte
            picks the options, the first eight seed the chunking.
    """
    options = options_from(data[0] if data else 0)
    whole = run_bytes([data], options, views=True)
    pieces = run_bytes(seeded_chunks(data, data[:8]), options, views=False)
    assert pieces == whole


# --------------------------------------------------------------------------- #
# hypothesis: valid streams, then structured mutations
# --------------------------------------------------------------------------- #

# Type strings the machine dispatches on: events, items and parts.
_TYPES = [
    "response.created",
    "response.in_progress",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.output_text.delta",
    "response.output_text.done",
    "response.output_text.annotation.added",
    "response.refusal.delta",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_text.delta",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.custom_tool_call_input.delta",
    "response.mcp_call_arguments.delta",
    "response.code_interpreter_call_code.delta",
    "response.image_generation_call.partial_image",
    "response.web_search_call.searching",
    "response.audio.transcript.delta",
    "response.shell_call_command.delta",
    "error",
    "message",
    "reasoning",
    "function_call",
    "custom_tool_call",
    "web_search_call",
    "mcp_call",
    "output_text",
    "refusal",
    "summary_text",
    "x_unknown",
]
_MUTATIONS = [
    "drop",
    "repeat",
    "swap",
    "late",
    "cut",
    "set",
    "add",
    "delete",
    "index",
    "sequence",
    "type",
]
# Keys the "add" mutation puts into an object: ones the machine reads somewhere.
_ADDED_KEYS = [
    "response",
    "output",
    "item",
    "part",
    "type",
    "output_index",
    "content_index",
    "summary_index",
    "sequence_number",
    "delta",
    "text",
    "refusal",
    "arguments",
    "input",
    "code",
    "content",
    "summary",
    "annotation",
    "logprobs",
    "usage",
    "status",
    "error",
    "incomplete_details",
]
_INDEX_KEYS = ("output_index", "content_index", "summary_index", "annotation_index")


def _mutate(draw: st.DrawFn, payloads: list[Any]) -> None:
    """Apply one structured mutation to *payloads*, in place."""
    if not payloads:
        return
    kind = draw(st.sampled_from(_MUTATIONS))
    at = draw(st.integers(0, len(payloads) - 1))
    if kind == "drop":
        del payloads[at]
    elif kind == "repeat":
        payloads.insert(at, copy.deepcopy(payloads[at]))
    elif kind == "swap":
        other = draw(st.integers(0, len(payloads) - 1))
        payloads[at], payloads[other] = payloads[other], payloads[at]
    elif kind == "late":  # a delta after its done, an item event after the end
        payloads.insert(draw(st.integers(at, len(payloads))), payloads.pop(at))
    elif kind == "cut":
        del payloads[at:]
    else:
        inner = _containers(payloads[at])
        dicts = [c for c in inner if isinstance(c, dict) and c]
        target = draw(st.sampled_from(inner))
        if kind == "set" and isinstance(target, dict) and target:
            target[draw(st.sampled_from(sorted(target)))] = draw(_json)
        elif kind == "set" and isinstance(target, list) and target:
            target[draw(st.integers(0, len(target) - 1))] = draw(_json)
        elif kind == "add" and dicts:
            key = draw(st.sampled_from(_ADDED_KEYS))
            draw(st.sampled_from(dicts))[key] = draw(_json)
        elif kind == "delete" and dicts:
            victim = draw(st.sampled_from(dicts))
            del victim[draw(st.sampled_from(sorted(victim)))]
        elif kind == "index":
            for found in dicts:
                keys = [k for k in _INDEX_KEYS if k in found]
                if keys:
                    found[draw(st.sampled_from(keys))] = draw(st.integers(-1, 4))
                    break
        elif kind == "sequence" and isinstance(payloads[at], dict):
            payloads[at]["sequence_number"] = draw(st.integers(-1, len(payloads) + 2))
        elif kind == "type":
            typed = [d for d in dicts if "type" in d]
            if typed:
                draw(st.sampled_from(typed))["type"] = draw(st.sampled_from(_TYPES))


_error_payload = st.fixed_dictionaries(
    {
        "type": st.just("error"),
        "code": st.sampled_from(["server_error", "rate_limit_exceeded"]),
        "message": st.text(max_size=8),
        "param": st.none(),
    }
)


def _renumber(payloads: list[Any]) -> None:
    """Give the payloads fresh sequence numbers, 0 upward, in their order."""
    number = 0
    for payload in payloads:
        if type(payload) is dict:
            payload["sequence_number"] = number
            number += 1


@st.composite
def payload_streams(draw: st.DrawFn) -> list[Any]:
    """A valid stream's payloads with zero to four structured mutations (then,
    half the time, renumbered so that moved and repeated events are not just
    dropped as replays); now and then an error payload or a value that is not
    an object put in."""
    stream: ResponsesStream = draw(
        openai_responses_streams(
            max_items=3, max_text_size=12, interleave=draw(st.booleans())
        )
    )
    payloads: list[Any] = copy.deepcopy(stream.payloads)
    if _one_in(draw, 8):  # a failed end instead
        last = payloads[-1]
        last["type"] = "response.failed"
        last["response"]["status"] = "failed"
        last["response"]["error"] = {"code": "server_error", "message": "failed"}
    for _ in range(draw(st.integers(0, 4))):
        _mutate(draw, payloads)
    if draw(st.booleans()):
        _renumber(payloads)
    if _one_in(draw, 10):
        payloads.insert(draw(st.integers(0, len(payloads))), draw(_error_payload))
    if _one_in(draw, 10):
        value = draw(_scalars | st.lists(_json, max_size=3))
        payloads.insert(draw(st.integers(0, len(payloads))), value)
    return payloads


_options = st.integers(0, 255).map(options_from)
# No deadline (the profiles of tests/conftest.py set none either): these also
# run under hypothesis' default profile when fuzz/ runs alone.


@settings(deadline=None)
@given(_options, payload_streams())
def test_fuzz_responses_payloads(options: dict[str, Any], payloads: list[Any]) -> None:
    """Payloads through feed_chunk: documented errors only, sticky; the snapshot
    always serialises; the payloads are never changed."""
    before = [repr(p) for p in payloads]
    run = Run(options, views=True)
    for payload in payloads:
        run.feed_chunk(payload)
    outcome = run.close()
    event(f"{outcome[0]} {outcome[1] if outcome[0] != 'final' else ''}".strip())
    assert [repr(p) for p in payloads] == before, "a fed payload was modified"


_extra_items: st.SearchStrategy[Item] = st.sampled_from(
    [
        Comment(text=" keep-alive"),
        ServerSentEvent(event="ping", data="not json"),
        ServerSentEvent(event="error", data='{"type": "error", "code": "x"}'),
        ServerSentEvent(event="error", data="upstream timed out"),
        ServerSentEvent(data="[DONE]"),
    ]
)


@st.composite
def sse_streams(draw: st.DrawFn) -> bytes:
    """Mutated streams as SSE bytes: named or data-only events (one-line or
    multi-line JSON), comments and odd events between them."""
    named = draw(st.booleans())
    items: list[Item] = []
    for payload in draw(payload_streams()):
        if _one_in(draw, 10):
            items.append(draw(_extra_items))
        indent = draw(st.sampled_from([None, None, None, 1]))  # 1: multi-line
        kind = payload.get("type") if type(payload) is dict else None
        name = kind if named and type(kind) is str and kind else "message"
        items.append(
            ServerSentEvent(event=name, data=json.dumps(payload, indent=indent))
        )
    return b"".join(encode(item) for item in items)


@settings(deadline=None)
@given(_options, sse_streams(), st.data())
def test_fuzz_responses_chunking(
    options: dict[str, Any], body: bytes, data: st.DataObject
) -> None:
    """Whole vs random chunkings: equal events, finals and exceptions (the
    chunked run does not read the lazy views: reading them changes nothing)."""
    whole = run_bytes([body], options, views=True)
    event(whole[1][0])
    pieces = run_bytes(data.draw(chunkings(body)), options, views=False)
    assert pieces == whole


@settings(deadline=None)
@given(st.integers(0, 255), sse_streams())
def test_fuzz_responses_target(first: int, body: bytes) -> None:
    """The atheris target itself, on stream-shaped input (a first byte, which
    picks the options, then a line end)."""
    fuzz_one_input(bytes([first]) + b"\n" + body)


@settings(deadline=None)
@given(st.binary())
def test_fuzz_responses_bytes(data: bytes) -> None:
    fuzz_one_input(data)


# --------------------------------------------------------------------------- #
# findings, kept as regressions
# --------------------------------------------------------------------------- #


def _edge(*payloads: dict[str, Any], first: int = 0) -> bytes:
    """An input of named events, numbered 0 upward; *first* is the options
    byte."""
    events = []
    for number, payload in enumerate(payloads):
        data = json.dumps({**payload, "sequence_number": number})
        events.append(f"event: {payload['type']}\ndata: {data}\n\n")
    return bytes([first]) + b"\n" + "".join(events).encode()


_R = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
_AT = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
_MSG = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
_HEAD: tuple[dict[str, Any], ...] = (
    {"type": "response.created", "response": _R},
    {"type": "response.output_item.added", "output_index": 0, "item": _MSG},
    {
        "type": "response.content_part.added",
        **_AT,
        "part": {"type": "output_text", "text": "", "annotations": []},
    },
    {"type": "response.output_text.delta", **_AT, "delta": "Hi"},
)
_TEXT_DONE = {"type": "response.output_text.done", **_AT, "text": "Hi"}
_COMPLETED = {"type": "response.completed", "response": {**_R, "status": "completed"}}
# Sharp edges the random streams reach only now and then (a mutation of the
# accumulator that breaks one of them is not always caught in 100 examples).
EDGES = [
    pytest.param(
        _edge(*_HEAD, _TEXT_DONE, _HEAD[3], _COMPLETED), id="delta-after-done"
    ),
    pytest.param(_edge(*_HEAD, _TEXT_DONE, _TEXT_DONE, _COMPLETED), id="done-twice"),
    pytest.param(
        _edge(*_HEAD, {**_TEXT_DONE, "text": "Ho"}, _COMPLETED), id="done-differs"
    ),
    pytest.param(
        _edge(*_HEAD, _HEAD[3], _COMPLETED).replace(
            b'"sequence_number": 4', b'"sequence_number": 3'
        ),
        id="replayed-equal-number",
    ),
    pytest.param(
        _edge(*_HEAD, {"type": "error", "code": "server_error", "message": "x"}),
        id="error-event",
    ),
    pytest.param(
        _edge(
            *_HEAD,
            {
                "type": "response.failed",
                "response": {**_R, "status": "failed", "error": {"code": "x"}},
            },
        ),
        id="failed",
    ),
    pytest.param(
        _edge(
            *_HEAD,
            _TEXT_DONE,
            {
                "type": "response.output_item.done",
                "output_index": 0,
                "item": {**_MSG, "content": [{"type": "output_text", "text": "Ho"}]},
            },
            _COMPLETED,
        ),
        id="item-done-differs",
    ),
    pytest.param(_edge(*_HEAD), id="cut"),
    pytest.param(
        _edge(
            *_HEAD,
            {
                "type": "response.incomplete",
                "response": {
                    **_R,
                    "status": "incomplete",
                    "incomplete_details": {"reason": "max_output_tokens"},
                },
            },
            first=4,
        ),
        id="incomplete-with-a-strict-tool",
    ),
    pytest.param(_edge(*_HEAD, _COMPLETED, _HEAD[3]), id="event-after-the-end"),
]


@pytest.mark.parametrize("data", EDGES)
def test_fuzz_responses_edges(data: bytes) -> None:
    fuzz_one_input(data)


# Inputs the fuzzers find, shrunk by hand, go here as regressions, a finding
# not fixed yet as a strict xfail naming it (none so far).


# --------------------------------------------------------------------------- #
# atheris
# --------------------------------------------------------------------------- #


def make_corpus(directory: str, count: int = 200) -> None:
    """Write *count* stream-shaped inputs from the hypothesis strategy as seeds.

    Random bytes seldom become ``data: {"type": "response.created", ...}``; a
    seed corpus of real shapes lets the coverage-guided fuzzer start inside the
    accumulator.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # .example() outside a test is fine here
        for i in range(count):
            body = bytes([i % 256]) + b"\n" + sse_streams().example()
            (out / f"seed-{i:04d}").write_bytes(body)


def main() -> None:
    """Run the target under atheris, with sseparse instrumented for coverage.

    ``--make-corpus DIR`` writes seed inputs to DIR and exits.
    """
    if len(sys.argv) == 3 and sys.argv[1] == "--make-corpus":
        make_corpus(sys.argv[2])
        return
    run_atheris(fuzz_one_input)


if __name__ == "__main__":
    main()
