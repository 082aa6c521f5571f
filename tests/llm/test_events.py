"""The shared event vocabulary (``sseparse.llm.events``), class by class.

1. Each class has the public fields the vocabulary gives it (vocab.md, the
   lead's decisions), no more and no fewer.
2. The place fields default as the vocabulary says: stream-level events'
   ``choice_index`` is ``None`` (``0`` for ``MessageStarted``); part-level
   ``index`` and ``content_index`` are ``None``; tool-call events are client
   ``"function"`` calls unless told otherwise; so constructor calls written
   before these fields existed still work.  The fields without a default are
   required (``ChoiceFinished.reason`` among them).
3. ``ToolCallArgumentsDelta.delta`` / ``.snapshot`` are the openai names'
   values (``arguments_delta`` / ``arguments``), read early or late.
4. Every event the chat accumulator emits, on every recorded stream and fed
   after ``[DONE]``, is in the place chat gives it: stream-level
   ``choice_index`` ``None``; ``content_index`` ``None``; ``index`` the tool
   call's index on tool events and ``None`` elsewhere.
5. The two events chat builds slot by slot, which leave their ``None`` place
   fields unset, cannot be told from the constructor's: equality both ways,
   repr, ``asdict``, ``evolve``, copies, pickling; other missing names still
   raise the usual ``AttributeError``.
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest

from sseparse import ServerSentEvent, SSEDecoder, SseparseError
from sseparse.llm import (
    AccumulatorState,
    ChoiceFinished,
    ContentDelta,
    OpenAIChatAccumulator,
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    events,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "openai_chat"
PART = ("choice_index", "index", "content_index")

# class -> its public fields (the vocabulary's), in any order.
FIELDS: dict[str, set[str]] = {
    "ChunkReceived": {"chunk", "choice_index"},
    "MessageStarted": {"message", "choice_index"},
    "UsageUpdated": {"usage", "choice_index"},
    "StreamDone": {"choice_index"},
    "UnknownEvent": {"event", "data", "choice_index"},
    "PartStarted": {*PART, "part"},
    "PartDone": {*PART, "part"},
    "ContentDelta": {*PART, "delta"},
    "ContentDone": {*PART, "content"},
    "CitationAdded": {*PART, "citation"},
    "RefusalDelta": {*PART, "delta"},
    "RefusalDone": {*PART, "refusal"},
    "ReasoningDelta": {*PART, "field", "delta"},
    "ReasoningDone": {*PART, "field", "reasoning", "signature"},
    "ReasoningSignature": {*PART, "signature"},
    "ReasoningRedacted": {*PART, "data"},
    "ToolCallStarted": {*PART, "id", "name", "call_type"},
    "ServerToolCallStarted": {*PART, "id", "name", "call_type", "block"},
    "ToolCallArgumentsDelta": {
        *PART,
        "id",
        "name",
        "call_type",
        "provider_executed",
        "arguments_delta",
    },
    "ToolCallArgumentsDone": {
        *PART,
        "id",
        "name",
        "call_type",
        "provider_executed",
        "arguments",
        "complete",
    },
    "ServerToolResult": {*PART, "tool_use_id", "result_type", "block"},
    "LogprobsContentDelta": {*PART, "content"},
    "LogprobsContentDone": {*PART, "content"},
    "LogprobsRefusalDelta": {*PART, "refusal"},
    "LogprobsRefusalDone": {*PART, "refusal"},
    "ChoiceFinished": {*PART, "finish_reason", "reason"},
    "ResponseUpdated": {"message", "status", "choice_index"},
    "SequenceGap": {"expected", "got", "choice_index"},
    "ServerToolStatus": {*PART, "id", "call_type", "status"},
    "ServerToolOutputDelta": {*PART, "id", "call_type", "field", "delta"},
    "ServerToolOutputDone": {*PART, "id", "call_type", "output"},
    "ImagePartial": {*PART, "id", "partial_image_b64", "partial_image_index"},
    "AudioDelta": {*PART, "field", "delta"},
    "AudioDone": {*PART, "field", "value"},
    "ValueCorrected": {*PART, "path", "accumulated", "authoritative"},
}
# class -> (its type string, the fields it must be given, the defaults of the rest)
_SLOT: Any = object()
REQUIRED: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "ChunkReceived": ("chunk", {"chunk": {}}, {"choice_index": None}),
    "MessageStarted": ("message.started", {"message": {}}, {"choice_index": 0}),
    "UsageUpdated": ("usage", {"usage": {}}, {"choice_index": None}),
    "StreamDone": ("done", {}, {"choice_index": None}),
    "UnknownEvent": (
        "unknown",
        {"event": None, "data": "x"},
        {"choice_index": None},
    ),
    "PartStarted": ("part.started", {"choice_index": 0, "part": {}}, {}),
    "PartDone": ("part.done", {"choice_index": 0, "part": {}}, {}),
    "ContentDelta": (
        "content.delta",
        {"choice_index": 0, "delta": "a", "slot": _SLOT, "end": 1, "json": False},
        {},
    ),
    "ContentDone": (
        "content.done",
        {"choice_index": 0, "content": "a", "slot": _SLOT, "json": False},
        {},
    ),
    "CitationAdded": ("citation.added", {"choice_index": 0, "citation": {}}, {}),
    "RefusalDelta": (
        "refusal.delta",
        {"choice_index": 0, "delta": "a", "slot": _SLOT, "end": 1},
        {},
    ),
    "RefusalDone": ("refusal.done", {"choice_index": 0, "refusal": "a"}, {}),
    "ReasoningDelta": (
        "reasoning.delta",
        {"choice_index": 0, "field": "f", "delta": "a", "slot": _SLOT, "end": 1},
        {},
    ),
    "ReasoningDone": (
        "reasoning.done",
        {"choice_index": 0, "field": "f", "reasoning": "a"},
        {"signature": None},
    ),
    "ReasoningSignature": (
        "reasoning.signature",
        {"choice_index": 0, "signature": "s"},
        {},
    ),
    "ReasoningRedacted": ("reasoning.redacted", {"choice_index": 0, "data": "d"}, {}),
    "ToolCallStarted": (
        "tool_call.started",
        {"choice_index": 0, "id": "i", "name": "n", "call_type": "function"},
        {},
    ),
    "ServerToolCallStarted": (
        "server_tool_call.started",
        {
            "choice_index": 0,
            "id": "i",
            "name": "n",
            "call_type": "server_tool_use",
            "block": {},
        },
        {},
    ),
    "ToolCallArgumentsDelta": (
        "tool_calls.function.arguments.delta",
        {
            "choice_index": 0,
            "id": "i",
            "name": "n",
            "arguments_delta": "{",
            "slot": _SLOT,
            "end": 1,
        },
        {"call_type": "function", "provider_executed": False},
    ),
    "ToolCallArgumentsDone": (
        "tool_calls.function.arguments.done",
        {
            "choice_index": 0,
            "id": "i",
            "name": "n",
            "arguments": "{}",
            "complete": True,
            "slot": _SLOT,
        },
        {"call_type": "function", "provider_executed": False},
    ),
    "ServerToolResult": (
        "server_tool.result",
        {"choice_index": 0, "tool_use_id": "i", "result_type": "r", "block": {}},
        {},
    ),
    "LogprobsContentDelta": (
        "logprobs.content.delta",
        {"choice_index": 0, "content": [], "all": [], "end": 0},
        {},
    ),
    "LogprobsContentDone": (
        "logprobs.content.done",
        {"choice_index": 0, "content": []},
        {},
    ),
    "LogprobsRefusalDelta": (
        "logprobs.refusal.delta",
        {"choice_index": 0, "refusal": [], "all": [], "end": 0},
        {},
    ),
    "LogprobsRefusalDone": (
        "logprobs.refusal.done",
        {"choice_index": 0, "refusal": []},
        {},
    ),
    "ChoiceFinished": (
        "finish",
        {"choice_index": 0, "finish_reason": "end_turn", "reason": "stop"},
        {},
    ),
    "ResponseUpdated": (
        "message.updated",
        {"message": {}},
        {"status": None, "choice_index": 0},
    ),
    "SequenceGap": (
        "sequence.gap",
        {"expected": 1, "got": 3},
        {"choice_index": 0},
    ),
    "ServerToolStatus": (
        "server_tool_call.status",
        {
            "choice_index": 0,
            "id": "ws_1",
            "call_type": "web_search_call",
            "status": "searching",
        },
        {},
    ),
    "ServerToolOutputDelta": (
        "server_tool.output.delta",
        {
            "choice_index": 0,
            "id": "sh_1",
            "call_type": "shell_call_output",
            "field": "stdout",
            "delta": "a",
            "slot": _SLOT,
            "end": 1,
        },
        {},
    ),
    "ServerToolOutputDone": (
        "server_tool.output.done",
        {
            "choice_index": 0,
            "id": "sh_1",
            "call_type": "shell_call_output",
            "output": [],
        },
        {},
    ),
    "ImagePartial": (
        "image.partial",
        {
            "choice_index": 0,
            "id": "ig_1",
            "partial_image_b64": "AAAA",
            "partial_image_index": 0,
        },
        {},
    ),
    "AudioDelta": (
        "audio.delta",
        {"choice_index": 0, "field": "data", "delta": "a", "slot": _SLOT, "end": 1},
        {},
    ),
    "AudioDone": ("audio.done", {"choice_index": 0, "field": "data", "value": "a"}, {}),
    "ValueCorrected": (
        "correction",
        {
            "choice_index": 0,
            "path": "output[0].content[0].text",
            "accumulated": "a",
            "authoritative": "b",
        },
        {},
    ),
}
CLASSES = sorted(
    name
    for name, value in vars(events).items()
    if isinstance(value, type)
    and issubclass(value, StreamEvent)
    and value is not StreamEvent
)


def test_the_tables_cover_every_class() -> None:
    assert sorted(FIELDS) == CLASSES
    assert sorted(REQUIRED) == CLASSES


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_has_the_vocabulary_fields(name: str) -> None:
    cls = getattr(events, name)
    public = {f.name for f in attrs.fields(cls) if not f.name.startswith("_")}
    assert public == FIELDS[name]


@pytest.mark.parametrize("name", CLASSES)
def test_place_fields_default_as_the_vocabulary_says(name: str) -> None:
    cls = getattr(events, name)
    type_, required, defaults = REQUIRED[name]
    assert cls.type == type_
    event = cls(**required)
    # Part-level events sit nowhere in particular until told.
    if "index" in FIELDS[name]:
        defaults = {"index": None, "content_index": None, **defaults}
    for field, value in defaults.items():
        assert getattr(event, field) == value, field
    given = {f.alias for f in attrs.fields(cls) if f.default is attrs.NOTHING}
    assert given == set(required), "a field lost or gained its default"


@pytest.mark.parametrize("name", CLASSES)
def test_each_required_field_is_required(name: str) -> None:
    cls = getattr(events, name)
    _, required, _ = REQUIRED[name]
    for field in required:
        kwargs = {k: v for k, v in required.items() if k != field}
        with pytest.raises(TypeError, match=field):
            cls(**kwargs)


def test_a_finish_without_its_normalised_reason_is_refused() -> None:
    with pytest.raises(TypeError, match="reason"):
        ChoiceFinished(choice_index=0, finish_reason="stop")  # type: ignore[call-arg]


# -- the vocabulary's names for tool arguments -------------------------------------


def _tool_stream() -> list[dict[str, Any]]:
    def chunk(tool: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [
                {"index": 0, "delta": {"tool_calls": [tool]}, "finish_reason": finish}
            ],
        }

    first = {"index": 2, "id": "call_1", "type": "function"}
    return [
        chunk({**first, "function": {"name": "f", "arguments": ""}}),
        *(
            chunk({"index": 2, "function": {"arguments": piece}})
            for piece in ['{"a"', ": [1,", " 2]", "}"]
        ),
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}],
        },
    ]


def test_delta_and_snapshot_are_the_openai_names_values() -> None:
    acc = OpenAIChatAccumulator()
    deltas: list[ToolCallArgumentsDelta] = []
    early: list[tuple[str, str]] = []
    for payload in _tool_stream():
        for event in acc.feed_chunk(payload):
            if isinstance(event, ToolCallArgumentsDelta):
                deltas.append(event)
                assert event.delta == event.arguments_delta
                early.append((event.delta, event.snapshot))
                assert event.snapshot == event.arguments
    acc.close()
    assert early == [
        ('{"a"', '{"a"'),
        (": [1,", '{"a": [1,'),
        (" 2]", '{"a": [1, 2]'),
        ("}", '{"a": [1, 2]}'),
    ]
    # Read late, each still shows the text as of its own event.
    assert [(e.delta, e.snapshot) for e in deltas] == early
    assert [e.arguments for e in deltas] == [s for _, s in early]


def test_the_aliases_are_views_not_fields() -> None:
    names = {f.name for f in attrs.fields(ToolCallArgumentsDelta)}
    assert not {"delta", "snapshot"} & names
    assert isinstance(ToolCallArgumentsDelta.delta, property)
    assert isinstance(ToolCallArgumentsDelta.snapshot, property)


def test_every_delta_event_has_delta_and_snapshot() -> None:
    """The vocabulary's promise: each ``*.delta`` kind has both views."""
    classes = [
        getattr(events, name)
        for name in events.__all__
        if name.endswith("Delta") and isinstance(getattr(events, name), type)
    ]
    assert len(classes) >= 8
    for cls in classes:
        assert {"delta", "snapshot"} <= set(dir(cls)), cls.__name__


def test_logprobs_deltas_name_their_entries_delta() -> None:
    entries = [{"token": "a", "logprob": -0.1}]
    content = events.LogprobsContentDelta(
        choice_index=0, content=entries, all=entries * 2, end=2
    )
    refusal = events.LogprobsRefusalDelta(
        choice_index=0, refusal=entries, all=entries * 2, end=2
    )
    assert content.delta is content.content
    assert refusal.delta is refusal.refusal
    assert content.snapshot == refusal.snapshot == entries * 2


# -- where chat puts its events ----------------------------------------------------

_TOOL_EVENTS = (ToolCallStarted, ToolCallArgumentsDelta, ToolCallArgumentsDone)


def _chat_events(name: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """The events of one recorded stream, and the chunks it sent."""
    decoder = SSEDecoder()
    items = decoder.feed((DATA / f"{name}.sse").read_bytes()) + decoder.close()
    acc = OpenAIChatAccumulator()
    out: list[Any] = []
    try:
        for item in items:
            out += acc.feed(item)
    except SseparseError:
        pass  # the streams that end in an error: their events so far
    if acc.state is AccumulatorState.DONE:
        late = ServerSentEvent(data='{"late": true}')
        out += acc.feed(late) + acc.feed_chunk({"late": 1})
    chunks = [json.loads(i.data) for i in items if i.data.startswith("{")]
    return out, chunks


def _tool_indexes(chunks: list[dict[str, Any]]) -> set[int | None] | None:
    """The tool indexes the stream's deltas name (None for ``function_call``).

    ``None`` when a call came without ``index`` (the accumulator numbers
    those itself, see the recorded ``tools_without_index``).
    """
    found: set[int | None] = set()
    for chunk in chunks:
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            for call in delta.get("tool_calls") or []:
                if "index" not in call:
                    return None
                found.add(call["index"])
            if delta.get("function_call") is not None:
                found.add(None)
    return found


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.sse")))
def test_chat_puts_every_event_in_its_place(name: str) -> None:
    emitted, chunks = _chat_events(name)
    assert emitted
    sent_tools = _tool_indexes(chunks)
    for event in emitted:
        fields = attrs.fields_dict(type(event))
        if "index" not in fields:  # stream-level: the whole completion's
            assert event.choice_index is None, event
            continue
        assert type(event.choice_index) is int, event
        assert event.content_index is None, event
        if isinstance(event, _TOOL_EVENTS):
            if sent_tools is None:
                assert type(event.index) is int, event
            else:
                assert event.index in sent_tools, event
            if not isinstance(event, ToolCallStarted):
                assert (event.call_type, event.provider_executed) == (
                    "function",
                    False,
                ), event
        else:
            assert event.index is None, event


def test_the_fast_path_content_delta_has_its_place() -> None:
    """The chunk shape feed() builds by hand gets the same fields as the rest."""
    acc = OpenAIChatAccumulator()
    base = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}

    def sse(text: str) -> ServerSentEvent:
        choice = {"index": 0, "delta": {"content": text}, "logprobs": None}
        payload = {**base, "choices": [{**choice, "finish_reason": None}]}
        return ServerSentEvent(data=json.dumps(payload))

    seen = [acc.feed(sse(text)) for text in ("a", "b", "c", "d")]
    # The second chunk on takes the fast path (the plan comes from the first).
    for received, added in seen:
        assert received.choice_index is None
        assert isinstance(added, ContentDelta)
        assert (added.index, added.content_index) == (None, None)
        assert "index=None, content_index=None" in repr(added)
    assert seen[-1][1] == ContentDelta(
        choice_index=0, delta="d", slot=_SLOT, end=4, json=False
    )


def _built_by_hand() -> list[tuple[Any, Any]]:
    """(fast-built event, the constructor's equal one) for both hand-built classes."""
    from sseparse.limits import DEFAULT_LIMITS
    from sseparse.llm import ChunkReceived, _openai_chat
    from sseparse.llm._text import TextSlot

    slot = TextSlot({}, "content", DEFAULT_LIMITS)
    slot.append("hi")
    chunk = {"id": "x"}
    return [
        (
            _openai_chat._new_content_delta(3, "hi", slot, 2, False),
            ContentDelta(choice_index=3, delta="hi", slot=slot, end=2, json=False),
        ),
        (_openai_chat._new_chunk_received(chunk), ChunkReceived(chunk=chunk)),
    ]


@pytest.mark.parametrize(
    "pair", _built_by_hand(), ids=["ContentDelta", "ChunkReceived"]
)
def test_unset_place_fields_behave_as_none_everywhere(pair: tuple[Any, Any]) -> None:
    """The chat builders leave None place fields unset; nothing can tell."""
    fast, public = pair
    assert type(fast) is type(public)
    assert fast == public
    assert public == fast
    assert repr(fast) == repr(public)
    assert attrs.asdict(fast, recurse=False) == attrs.asdict(public, recurse=False)
    assert attrs.evolve(fast) == public
    assert copy.copy(fast) == public
    assert copy.deepcopy(fast) == copy.deepcopy(public)
    if isinstance(fast, ContentDelta):
        assert (fast.index, fast.content_index) == (None, None)
        assert fast != attrs.evolve(public, index=1)
        assert fast != attrs.evolve(public, content_index=0)
        assert attrs.evolve(public, index=1) != fast
    else:
        assert fast.choice_index is None
        assert fast != attrs.evolve(public, choice_index=0)
        assert pickle.loads(pickle.dumps(fast)) == public


@pytest.mark.parametrize(
    "pair", _built_by_hand(), ids=["ContentDelta", "ChunkReceived"]
)
def test_other_missing_names_still_raise(pair: tuple[Any, Any]) -> None:
    fast, public = pair
    name = type(fast).__name__
    for event in (fast, public):
        assert not hasattr(event, "no_such_field")
        with pytest.raises(
            AttributeError, match=rf"^'{name}' object has no attribute 'nope'$"
        ):
            event.nope  # noqa: B018
