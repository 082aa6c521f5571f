"""Fuzz target for the OpenAI chat accumulator (``sseparse.llm``).

For any input bytes, decoded by ``SSEDecoder`` (comments on) and fed event by
event to ``OpenAIChatAccumulator`` (options picked by the first byte: a JSON
``response_format``, a strict tool, small limits):

* only documented exceptions escape: ``InvalidChunk``, ``StreamError``,
  ``LimitExceeded`` and, at a first payload of another protocol's stream,
  ``WrongProtocol`` from ``feed()``; ``UsageError`` only once the machine was
  closed or failed (after ``[DONE]`` each item passes through as one
  ``UnknownEvent``, a comment as none, and changes nothing);
  ``IncompleteStream`` from ``close()``, and
  ``LengthFinishReasonError`` / ``ContentFilterFinishReasonError`` only when
  parsing was asked for; the lazy views of the events (``snapshot``,
  ``arguments``, ``parsed``, ``parsed_arguments``) raise nothing but
  ``JSONStreamError`` and ``LimitExceeded``;
* after an exception the machine is in ``ERROR`` and refuses ``feed``,
  ``feed_chunk`` and ``close`` with ``UsageError``;
* ``snapshot()`` never raises and is always a ``chat.completion`` dict that
  ``json.dumps`` accepts, its choices sorted by index;
* each chunk's events start with ``ChunkReceived``; every done event and
  ``ChoiceFinished`` comes at most once per field, and a tool call starts once;
* text is concatenated, nothing else: each delta's lazy ``snapshot`` /
  ``arguments``, each done event and, at the end, the snapshot's content,
  refusal, reasoning, tool-call and function-call arguments and logprob lists
  equal the concatenation of the deltas of their field;
* fed whole or in a chunking the input chooses, the events (type and fields),
  the final object and the exception are the same.

The hypothesis tests add what random bytes rarely reach: streams of chunk dicts
that mix valid and wrong-typed fields (choices, deltas, tool calls with and
without index, ids, usage, errors, logprobs, content parts, reasoning fields,
unknown keys), fed with ``feed_chunk`` (the chunk dicts must come out
unchanged), and the same streams encoded as SSE and fed whole and in random
chunkings.

Run with atheris (``python fuzz/fuzz_openai_chat.py -atheris_runs=100000``) or
under pytest (``pytest fuzz/fuzz_openai_chat.py``); see ``fuzz/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from _support import run_atheris, seeded_chunks
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sseparse import (
    Comment,
    ContentFilterFinishReasonError,
    IncompleteStream,
    JSONStreamError,
    LengthFinishReasonError,
    LimitExceeded,
    Limits,
    ProtocolError,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    UsageError,
    encode,
)
from sseparse.errors import InvalidChunk, WrongProtocol
from sseparse.llm import (
    AccumulatorState,
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
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
)
from sseparse.testing import chunkings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Item = ServerSentEvent | Comment

FEED_ERRORS = (InvalidChunk, StreamError, LimitExceeded, WrongProtocol)
FINISH_ERRORS = (LengthFinishReasonError, ContentFilterFinishReasonError)
VIEW_ERRORS = (JSONStreamError, LimitExceeded)


_STRICT_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "strict": True, "parameters": {}},
}
_DONE_TYPES = {
    "content.done",
    "refusal.done",
    "reasoning.done",
    "logprobs.content.done",
    "logprobs.refusal.done",
    "tool_calls.function.arguments.done",
    "finish",
}


def options_from(byte: int) -> dict[str, Any]:
    """Accumulator options chosen by one byte: parsing asked or not, limits."""
    options: dict[str, Any] = {}
    if byte & 1:
        options["response_format"] = {"type": "json_object"}
    if byte & 2:
        options["tools"] = [_STRICT_TOOL]
    if byte & 12 == 12:
        options["limits"] = Limits(
            max_text_chars=1 + (byte >> 4) * 4,
            max_stream_items=1 + (byte >> 4) % 8,
        )
    return options


# --------------------------------------------------------------------------- #
# checks
# --------------------------------------------------------------------------- #


def _refuses(call: Callable[[], object]) -> bool:
    try:
        call()
    except UsageError:
        return True
    return False


def _assert_refuses_all(acc: OpenAIChatAccumulator) -> None:
    state = acc.state
    assert _refuses(lambda: acc.feed(ServerSentEvent(data="{}")))
    assert _refuses(lambda: acc.feed(ServerSentEvent(data="[DONE]")))
    assert _refuses(lambda: acc.feed_chunk({"choices": []}))
    assert acc.state is state


def _check_snapshot(acc: OpenAIChatAccumulator) -> dict[str, Any]:
    snap = acc.snapshot()
    assert type(snap) is dict, type(snap)
    json.dumps(snap)
    assert snap["object"] == "chat.completion", snap.get("object")
    indexes = [choice["index"] for choice in snap["choices"]]
    assert indexes == sorted(set(indexes)), indexes
    for choice in snap["choices"]:
        for call in choice["message"].get("tool_calls") or ():
            assert "index" not in call, call
    return snap


def _read_views(event: StreamEvent) -> None:
    """Read the lazy JSON views of *event*; only the JSON errors may escape."""
    views: tuple[str, ...] = ()
    if isinstance(event, (ContentDelta, ContentDone)):
        views = ("parsed",)
    elif isinstance(event, (ToolCallArgumentsDelta, ToolCallArgumentsDone)):
        views = ("parsed_arguments",)
    for name in views:
        with contextlib.suppress(*VIEW_ERRORS):
            getattr(event, name)


class _Texts:
    """What each text field must hold: the concatenation of its deltas.

    Checks every done event, every delta's lazy ``snapshot`` / ``arguments``
    (when *views*) and, at the end, the snapshot's text fields against it.
    """

    def __init__(self, views: bool) -> None:
        self.views = views
        self.text: dict[tuple[Any, ...], str] = {}
        self.lists: dict[tuple[Any, ...], list[Any]] = {}
        self.calls: dict[int, set[int | None]] = {}

    def _add(self, key: tuple[Any, ...], delta: str) -> str:
        text = self.text[key] = self.text.get(key, "") + delta
        return text

    def took(self, ev: StreamEvent) -> None:
        views = self.views
        if isinstance(ev, ContentDelta):
            text = self._add(("content", ev.choice_index), ev.delta)
            assert not views or ev.snapshot == text
        elif isinstance(ev, RefusalDelta):
            text = self._add(("refusal", ev.choice_index), ev.delta)
            assert not views or ev.snapshot == text
        elif isinstance(ev, ReasoningDelta):
            text = self._add(("reasoning", ev.choice_index, ev.field), ev.delta)
            assert not views or ev.snapshot == text
        elif isinstance(ev, ToolCallArgumentsDelta):
            text = self._add(("args", ev.choice_index, ev.index), ev.arguments_delta)
            assert not views or ev.arguments == text
        elif isinstance(ev, ToolCallStarted):
            calls = self.calls.setdefault(ev.choice_index, set())
            assert ev.index not in calls, f"call {ev.index} started twice"
            calls.add(ev.index)
        elif isinstance(ev, (LogprobsContentDelta, LogprobsRefusalDelta)):
            kind = "content" if isinstance(ev, LogprobsContentDelta) else "refusal"
            entries = ev.content if isinstance(ev, LogprobsContentDelta) else ev.refusal
            kept = self.lists.setdefault((kind, ev.choice_index), [])
            kept.extend(entries)
            assert not views or ev.snapshot == kept
        elif isinstance(ev, ContentDone):
            assert ev.content == self.text.get(("content", ev.choice_index), "")
        elif isinstance(ev, RefusalDone):
            assert ev.refusal == self.text.get(("refusal", ev.choice_index), "")
        elif isinstance(ev, ReasoningDone):
            reasoning = self.text.get(("reasoning", ev.choice_index, ev.field), "")
            assert ev.reasoning == reasoning
        elif isinstance(ev, ToolCallArgumentsDone):
            arguments = self.text.get(("args", ev.choice_index, ev.index), "")
            assert ev.arguments == arguments, (ev, arguments)
        elif isinstance(ev, LogprobsContentDone):
            assert ev.content == self.lists.get(("content", ev.choice_index), [])
        elif isinstance(ev, LogprobsRefusalDone):
            assert ev.refusal == self.lists.get(("refusal", ev.choice_index), [])

    def check_final(self, snap: dict[str, Any]) -> None:
        """The snapshot's text fields hold exactly what the deltas brought."""
        text = self.text
        for choice in snap["choices"]:
            ci = choice["index"]
            msg = choice["message"]
            content = msg["content"]
            if content is None:
                assert ("content", ci) not in text
            elif type(content) is str:
                assert content == text.get(("content", ci), ""), ci
            refusal = msg["refusal"]
            if refusal is None:
                assert ("refusal", ci) not in text
            else:
                assert refusal == text.get(("refusal", ci), ""), ci
            for field in ("reasoning_content", "reasoning"):
                if type(msg.get(field)) is str:
                    assert msg[field] == text.get(("reasoning", ci, field), "")
            calls = self.calls.get(ci, set())
            indexes = sorted(i for i in calls if i is not None)
            tool_calls = msg.get("tool_calls") or []
            assert len(tool_calls) == len(indexes), (tool_calls, indexes)
            for index, call in zip(indexes, tool_calls, strict=True):
                arguments = call["function"]["arguments"]
                assert arguments == text.get(("args", ci, index), ""), index
            if None in calls:
                arguments = msg["function_call"]["arguments"]
                assert arguments == text.get(("args", ci, None), "")
            logprobs = choice["logprobs"]
            if type(logprobs) is dict:
                for kind in ("content", "refusal"):
                    if type(logprobs.get(kind)) is list:
                        assert logprobs[kind] == self.lists.get((kind, ci), [])


def _event_key(event: StreamEvent) -> tuple[Any, ...]:
    """The event's type and public fields, comparable across runs (NaN too)."""
    assert isinstance(event, StreamEvent), event
    assert isinstance(type(event).type, str)
    fields = tuple(
        (f.name, repr(getattr(event, f.name)))
        for f in attrs.fields(type(event))
        if not f.name.startswith("_")
    )
    return (type(event).__name__, *fields)


def _done_key(event: StreamEvent) -> tuple[Any, ...] | None:
    if event.type not in _DONE_TYPES:
        return None
    return (
        event.type,
        getattr(event, "choice_index", None),
        getattr(event, "index", None),
        getattr(event, "field", None),
    )


def _error_key(exc: BaseException) -> tuple[Any, ...]:
    key: tuple[Any, ...] = (type(exc).__name__, str(exc))
    if isinstance(exc, InvalidChunk):
        key += (exc.chunk_index, exc.field, exc.data)
    if isinstance(exc, StreamError):
        key += (repr(exc.body),)
    snapshot = getattr(exc, "snapshot", None)
    if snapshot is not None:
        key += (json.dumps(snapshot),)
    return key


class Run:
    """Feed one accumulator, checking every documented rule on the way."""

    def __init__(self, options: dict[str, Any], *, views: bool) -> None:
        self.acc = OpenAIChatAccumulator(**options)
        self.parsing = "response_format" in options or "tools" in options
        self.views = views
        self.events: list[tuple[Any, ...]] = []
        self.done: set[tuple[Any, ...]] = set()
        self.texts = _Texts(views)
        self.outcome: tuple[Any, ...] | None = None  # set once the machine stops

    def _took(self, out: Sequence[StreamEvent], chunk: bool) -> None:
        assert type(out) is list
        if chunk:
            assert out, "a chunk gave no events"
            assert isinstance(out[0], ChunkReceived), out[0]
        for item in out:
            self.events.append(_event_key(item))
            done = _done_key(item)
            if done is not None:
                assert done not in self.done, f"{done} emitted twice"
                self.done.add(done)
            self.texts.took(item)
            if self.views:
                _read_views(item)
        _check_snapshot(self.acc)

    def _failed(self, exc: BaseException, before: AccumulatorState) -> None:
        acc = self.acc
        assert before is AccumulatorState.STREAMING, (before, exc)
        assert acc.state is AccumulatorState.ERROR, acc.state
        _check_snapshot(acc)
        _assert_refuses_all(acc)
        assert _refuses(acc.close)
        self.outcome = ("failed", *_error_key(exc))

    def feed(self, item: Item) -> None:
        self._step(lambda: self.acc.feed(item), is_chunk(item))

    def feed_chunk(self, payload: Any) -> None:
        self._step(lambda: self.acc.feed_chunk(payload), type(payload) is dict)

    def _step(self, call: Callable[[], Sequence[StreamEvent]], chunk: bool) -> None:
        acc = self.acc
        before = acc.state
        if self.outcome is None and before is AccumulatorState.DONE:
            # After [DONE]: each item passes through as one unknown event (a
            # comment as none) and changes nothing.
            snapshot = acc.snapshot()
            out = call()
            assert [event.type for event in out] in ([], ["unknown"]), out
            assert acc.state is AccumulatorState.DONE
            assert acc.snapshot() == snapshot
            return
        if self.outcome is not None or before is not AccumulatorState.STREAMING:
            # Closed or failed: every further feed is refused, nothing changes.
            assert before is not AccumulatorState.STREAMING
            assert _refuses(call)
            assert acc.state is before
            return
        try:
            out = call()
        except FEED_ERRORS as exc:
            self._failed(exc, before)
            return
        # ChunkReceived comes first only for chunks that are JSON objects
        self._took(out, chunk)

    def close(self) -> tuple[Any, ...]:
        acc = self.acc
        if self.outcome is not None:
            return self.outcome
        state = acc.state
        assert state in (AccumulatorState.STREAMING, AccumulatorState.DONE), state
        error: ProtocolError | None = None
        try:
            final = acc.close()
        except (IncompleteStream, *FINISH_ERRORS) as exc:
            error = exc
        if error is not None:
            if isinstance(error, IncompleteStream):
                assert state is AccumulatorState.STREAMING, state
            else:
                assert self.parsing, f"{error!r} without parsing asked for"
            self._closed_badly(error)
        else:
            assert acc.state is AccumulatorState.CLOSED
            assert final is acc.snapshot()
            self.texts.check_final(_check_snapshot(acc))
            _assert_refuses_all(acc)
            assert _refuses(acc.close)
            self.outcome = ("closed", json.dumps(final))
        assert self.outcome is not None
        return self.outcome

    def _closed_badly(self, exc: BaseException) -> None:
        assert self.acc.state is AccumulatorState.ERROR
        # close() raised before changing anything: the text is all there
        self.texts.check_final(_check_snapshot(self.acc))
        _assert_refuses_all(self.acc)
        assert _refuses(self.acc.close)
        self.outcome = ("close failed", *_error_key(exc))

    def result(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
        return self.events, self.close()


def is_chunk(item: Item) -> bool:
    """Whether feed() takes *item* as a chunk that must yield ChunkReceived."""
    if not isinstance(item, ServerSentEvent) or item.event != "message":
        return False
    if item.data == "[DONE]":
        return False
    try:
        return type(json.loads(item.data)) is dict
    except ValueError:
        return False


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
# hypothesis: chunk dicts, valid and wrong-typed
# --------------------------------------------------------------------------- #

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**65), 2**65)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=5,
)
# Mostly non-empty text: an empty fragment is an edge case, not the rule.
_some_text = st.text(
    st.sampled_from('ab {}[]":,\\n0.-tu\u00e9\U0001f600') | st.characters(),
    min_size=1,
    max_size=8,
)
_text = st.one_of(_some_text, _some_text, _some_text, st.just(""))
# Pieces of JSON text, so that the parsed views get past the first character.
_json_text = st.one_of(
    _text,
    st.sampled_from(['{"a": ', "1", ', "b": [', "true", "]}", '"x\\u00e9', '"}', ""]),
)
_logprob = st.fixed_dictionaries(
    {
        "token": st.text(max_size=3),
        "logprob": st.floats(-20, 0),
        "bytes": st.lists(st.integers(0, 255), max_size=3),
        "top_logprobs": st.just([]),
    }
)
_usage = st.fixed_dictionaries(
    {
        "prompt_tokens": st.integers(0, 99),
        "completion_tokens": st.integers(0, 99),
        "total_tokens": st.integers(0, 199),
    }
)
_FINISH = ["stop", "length", "tool_calls", "content_filter", "function_call", "eos"]
_UNKNOWN_KEYS = ["x_extra", "provider", "note", "text", "data", "summary"]


def _merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out


def _chunk_dicts(wrong: int) -> st.SearchStrategy[dict[str, Any]]:
    """Chunk dicts in which each field has the wrong type once in *wrong* (0:
    never), drawn from any JSON value."""

    def m(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return good if not wrong else st.one_of(*[good] * (wrong - 1), _json)

    def obj(
        required: dict[str, st.SearchStrategy[Any]] | None = None,
        optional: dict[str, st.SearchStrategy[Any]] | None = None,
        *,
        unknown: bool = False,
    ) -> st.SearchStrategy[dict[str, Any]]:
        base = st.fixed_dictionaries(required or {}, optional=optional or {})
        if not unknown:
            return base
        extra = st.dictionaries(st.sampled_from(_UNKNOWN_KEYS), _json, max_size=1)
        return st.tuples(base, extra).map(lambda t: {**t[1], **t[0]})

    index = m(st.integers(0, 2))
    ids = m(st.sampled_from(["call_1", "call_2", "", 7]))
    function = obj(
        optional={
            "name": m(st.sampled_from(["get_weather", "search"])),
            "arguments": m(_json_text),
        }
    )
    tool_call = st.one_of(
        obj(
            {"index": index, "function": m(function)},
            {"id": ids, "type": m(st.just("function"))},
        ),
        obj(
            {
                "index": index,
                "id": ids,
                "type": m(st.just("function")),
                "function": m(function),
            }
        ),
        obj({"function": m(function)}, {"id": ids}, unknown=True),
    )
    part = st.one_of(
        obj({"type": st.just("text"), "text": m(_text)}),
        obj({"text": m(_text)}),
        st.just({"type": "image_url", "image_url": {"url": "data:,"}}),
        m(obj({"type": st.just("input_audio")}, unknown=True)),
    )
    detail = obj(
        {"type": st.sampled_from(["reasoning.text", "reasoning.summary"])},
        {
            "index": index,
            "text": m(_text),
            "summary": m(_text),
            "signature": m(_text),
            "format": st.just("anthropic-claude-v1"),
        },
    )
    delta_parts = st.one_of(
        obj({"content": m(_text)}),
        obj({"content": m(_text)}),
        obj({"content": m(st.lists(part, max_size=3))}),
        obj({"role": m(st.sampled_from(["assistant", ""]))}),
        obj({"tool_calls": m(st.lists(tool_call, min_size=1, max_size=2))}),
        obj({"tool_calls": m(st.lists(tool_call, min_size=1, max_size=2))}),
        obj({"function_call": m(function)}),
        obj({"refusal": m(_text)}),
        obj({"reasoning_content": m(_text)}),
        obj({"reasoning": m(_text)}),
        obj({"reasoning_details": m(st.lists(detail, max_size=2))}),
        obj({"annotations": m(st.lists(_json, max_size=2))}),
        obj(
            optional={
                "audio": m(
                    obj(
                        optional={
                            "id": st.just("audio_1"),
                            "data": m(_text),
                            "transcript": m(_text),
                            "expires_at": st.integers(0, 2**31),
                        }
                    )
                )
            }
        ),
        obj(optional={"content": st.none(), "tool_calls": st.none()}, unknown=True),
    )
    delta = m(st.lists(delta_parts, min_size=1, max_size=3).map(_merged))
    logprobs = st.one_of(
        st.none(),
        st.none(),
        m(
            obj(
                optional={
                    "content": m(st.none() | st.lists(_logprob, max_size=2)),
                    "refusal": m(st.none() | st.lists(_logprob, max_size=2)),
                }
            )
        ),
    )
    finish = st.one_of(*[st.none()] * 4, m(st.sampled_from(_FINISH)))
    extras = {
        "logprobs": logprobs,
        "finish_reason": finish,
        "content_filter_results": _json,
        "native_finish_reason": finish,
    }
    choice = st.one_of(
        obj({"index": index, "delta": delta}, extras),
        obj({"index": index, "delta": delta}, extras),
        obj({"index": index, "delta": delta}, extras, unknown=True),
        obj({"delta": delta}, extras),  # no index: choice 0
        obj({"index": index}, {**extras, "delta": st.none()}),
    )
    top = {
        "id": m(st.sampled_from(["chatcmpl-1", "chatcmpl-2"])),
        "object": m(st.just("chat.completion.chunk")),
        "created": m(st.integers(1, 2**31)),
        "model": m(st.sampled_from(["gpt-4o", "gpt-4o-mini"])),
    }
    more = {
        "usage": st.none() | m(_usage),
        "system_fingerprint": m(st.just("fp_1")),
        "service_tier": m(st.just("default")),
        "obfuscation": st.text(max_size=4),
        "x_groq": m(obj(optional={"usage": st.none() | m(_usage)})),
    }
    return st.one_of(
        obj({**top, "choices": m(st.lists(choice, min_size=1, max_size=2))}, more),
        obj({**top, "choices": m(st.lists(choice, min_size=1, max_size=2))}, more),
        obj({**top, "choices": m(st.lists(choice, max_size=2))}, more, unknown=True),
        obj({**top, "choices": st.just([]), "usage": m(_usage)}),  # usage chunk
        obj(  # Azure's prompt filter chunk
            {
                "id": st.just(""),
                "object": st.just(""),
                "created": st.just(0),
                "model": st.just(""),
                "choices": st.just([]),
                "prompt_filter_results": m(st.lists(_json, max_size=2)),
            }
        ),
    )


_CHUNKS = {wrong: _chunk_dicts(wrong) for wrong in (0, 20, 5)}
_error_body = st.fixed_dictionaries(
    {"message": st.text(max_size=8), "type": st.just("server_error")}
)


def _one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in *n* draws (a middle value: hypothesis favours the
    bounds of a range)."""
    return draw(st.integers(0, n - 1)) == n // 2


@st.composite
def chunk_streams(draw: st.DrawFn) -> list[Any]:
    """A stream as feed_chunk takes it: chunk dicts, and the string "[DONE]" for
    the end marker.  Each stream has its own rate of wrong-typed fields (none, 1
    in 20, 1 in 5); rarely an error payload or a chunk that is not an object."""
    wrong = draw(st.sampled_from([0, 20, 0, 5]))
    items: list[Any] = draw(st.lists(_CHUNKS[wrong], max_size=8))
    if _one_in(draw, 10):
        at = draw(st.integers(0, len(items)))
        items.insert(at, {"error": draw(_error_body)})
    if wrong and _one_in(draw, 10):
        at = draw(st.integers(0, len(items)))
        items.insert(at, draw(_json.filter(lambda v: type(v) is not dict)))
    end = draw(st.integers(0, 3))
    if end < 2:
        items.append("[DONE]")
    elif end == 2:
        items.insert(draw(st.integers(0, len(items))), "[DONE]")
    return items


_options = st.integers(0, 255).map(options_from)
# No deadline (the profiles of tests/conftest.py set none either): these also
# run under hypothesis' default profile when fuzz/ runs alone.


@settings(deadline=None)
@given(_options, chunk_streams())
def test_fuzz_openai_chat_chunks(options: dict[str, Any], payloads: list[Any]) -> None:
    """Chunk dicts through feed_chunk: documented errors only, sticky; the
    snapshot always serialises; the payloads are never changed."""
    before = [repr(p) for p in payloads]
    run = Run(options, views=True)
    for payload in payloads:
        if payload == "[DONE]":  # the end marker only comes as an SSE event
            run.feed(ServerSentEvent(data="[DONE]"))
        else:
            run.feed_chunk(payload)
    event(run.close()[0])
    assert [repr(p) for p in payloads] == before, "a fed chunk was modified"


# --------------------------------------------------------------------------- #
# hypothesis: the same streams as SSE bytes, whole and in random chunkings
# --------------------------------------------------------------------------- #


_extra_items: st.SearchStrategy[Item] = st.sampled_from(
    [
        Comment(text=" OPENROUTER PROCESSING"),
        ServerSentEvent(event="ping", data="{}"),
        ServerSentEvent(event="ping", data="not json"),
        ServerSentEvent(event="error", data='{"error": {"message": "overloaded"}}'),
        ServerSentEvent(data="not json"),
        ServerSentEvent(data=""),
    ]
)


@st.composite
def sse_streams(draw: st.DrawFn) -> bytes:
    """A chat stream as SSE bytes: generated chunks, [DONE], comments, pings."""
    items: list[Item] = []
    for payload in draw(chunk_streams()):
        if _one_in(draw, 10):
            items.append(draw(_extra_items))
        if payload == "[DONE]":
            items.append(ServerSentEvent(data="[DONE]"))
        else:
            indent = draw(st.sampled_from([None, None, None, 1]))  # 1: multi-line
            items.append(ServerSentEvent(data=json.dumps(payload, indent=indent)))
    return b"".join(encode(item) for item in items)


@settings(deadline=None)
@given(_options, sse_streams(), st.data())
def test_fuzz_openai_chat_chunking(
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
def test_fuzz_openai_chat_target(first: int, body: bytes) -> None:
    """The atheris target itself, on chat-shaped input (a first byte, which
    picks the options, then a line end)."""
    fuzz_one_input(bytes([first]) + b"\n" + body)


@settings(deadline=None)
@given(st.binary())
def test_fuzz_openai_chat_bytes(data: bytes) -> None:
    fuzz_one_input(data)


# --------------------------------------------------------------------------- #
# atheris
# --------------------------------------------------------------------------- #


def make_corpus(directory: str, count: int = 200) -> None:
    """Write *count* chat-shaped streams from the hypothesis strategy as seeds.

    Random bytes seldom become ``data: {"choices": ...}``; a seed corpus of real
    shapes lets the coverage-guided fuzzer start inside the accumulator.
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
