"""OpenAIChatAccumulator: terminal states, errors, misuse, limits and lazy views.

The recorded streams in tests/data/openai_chat/ cover the providers' quirks;
this module checks the machine itself, one rule per test, on short streams.
"""

from __future__ import annotations

import copy
import functools
import json
import pickle
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import (
    Comment,
    ContentFilterFinishReasonError,
    IncompleteStream,
    InvalidChunk,
    LengthFinishReasonError,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    StreamError,
    UsageError,
)
from sseparse.jsonstream import MISSING, IncompleteJSON
from sseparse.llm import (
    AccumulatorState,
    ChoiceFinished,
    ChunkReceived,
    ContentDelta,
    ContentDone,
    OpenAIChatAccumulator,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    UnknownEvent,
)
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

META = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
}


def chunk(*choices: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {**META, "choices": list(choices), **top}


def delta(index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"index": index, "delta": fields, "finish_reason": finish}


def sse(payload: Any, event: str = "message") -> ServerSentEvent:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return ServerSentEvent(event=event, data=data)


def run(*chunks: Any, done: bool = True, **options: Any) -> OpenAIChatAccumulator:
    acc = OpenAIChatAccumulator(**options)
    for payload in chunks:
        acc.feed(sse(payload))
    if done:
        acc.feed(sse("[DONE]"))
    return acc


TEXT = [
    chunk(delta(role="assistant", content="")),
    chunk(delta(content="Hel")),
    chunk(delta(content="lo")),
    chunk(delta(finish="stop")),
]


# -- terminal states ---------------------------------------------------------------


def test_done_marker_ends_the_stream() -> None:
    acc = run(*TEXT)
    assert acc.state is AccumulatorState.DONE
    final = acc.close()
    assert acc.state is AccumulatorState.CLOSED
    assert final["choices"][0]["message"]["content"] == "Hello"
    assert final["object"] == "chat.completion"


def test_finish_reason_without_done_is_a_clean_end() -> None:
    acc = run(*TEXT, done=False)
    assert acc.close()["choices"][0]["finish_reason"] == "stop"


def test_stream_that_just_stops_is_incomplete() -> None:
    acc = run(*TEXT[:3], done=False)
    with pytest.raises(IncompleteStream) as info:
        acc.close()
    assert info.value.snapshot["choices"][0]["message"]["content"] == "Hello"
    assert "choice(s) [0] without a finish_reason" in str(info.value)
    assert acc.state is AccumulatorState.ERROR


def test_empty_stream_is_incomplete() -> None:
    with pytest.raises(IncompleteStream, match="before any choice"):
        OpenAIChatAccumulator().close()


def test_done_without_finish_reason_emits_done_events_once() -> None:
    acc = OpenAIChatAccumulator()
    for payload in TEXT[:3]:
        acc.feed(sse(payload))
    events = acc.feed(sse("[DONE]"))
    assert [type(e) for e in events] == [ContentDone, StreamDone]
    assert acc.close()["choices"][0]["finish_reason"] is None


def test_one_open_choice_of_two_is_incomplete() -> None:
    acc = run(
        chunk(delta(0, content="a"), delta(1, content="b")),
        chunk(delta(0, finish="stop")),
        done=False,
    )
    with pytest.raises(IncompleteStream, match=r"\[1\]"):
        acc.close()


# What may follow [DONE] (a proxy's own events, a replayed chunk, a second
# marker): each passes through as UnknownEvent with its data as JSON or text.
AFTER_DONE: list[tuple[str, ServerSentEvent, Any]] = [
    ("a chunk", sse(TEXT[1]), TEXT[1]),
    (
        "an error chunk",
        sse({"error": {"message": "late"}}),
        {"error": {"message": "late"}},
    ),
    ("an error event", sse('{"message": "late"}', event="error"), {"message": "late"}),
    ("a second [DONE]", sse("[DONE]"), "[DONE]"),
    ("text", sse("not json"), "not json"),
    ("a named event", sse('{"a": 1}', event="proxy.stats"), {"a": 1}),
    ("a JSON array", sse("[1, 2]"), [1, 2]),
]


@pytest.mark.parametrize(
    ("what", "event", "data"), AFTER_DONE, ids=[row[0] for row in AFTER_DONE]
)
def test_events_after_done_pass_through_as_unknown(
    what: str, event: ServerSentEvent, data: Any
) -> None:
    acc = run(*TEXT)
    before = copy.deepcopy(acc.snapshot())
    assert acc.feed(event) == [UnknownEvent(event=event, data=data)], what
    assert acc.state is AccumulatorState.DONE
    assert acc.snapshot() == before
    assert acc.close() == before


@pytest.mark.parametrize(
    "payload",
    [TEXT[1], {"error": {"message": "late"}}, {}],
    ids=["chunk", "error", "empty"],
)
def test_chunks_after_done_pass_through_as_unknown(payload: dict[str, Any]) -> None:
    acc = run(*TEXT)
    before = copy.deepcopy(acc.snapshot())
    got = acc.feed_chunk(payload)
    assert got == [UnknownEvent(event=None, data=payload)]
    assert got[0].choice_index is None
    assert acc.state is AccumulatorState.DONE
    assert acc.close() == before


def test_after_done_comments_give_nothing_and_misuse_is_still_misuse() -> None:
    acc = run(*TEXT)
    assert acc.feed(Comment(text="keep-alive")) == []
    with pytest.raises(UsageError, match="feed_chunk"):
        acc.feed(TEXT[0])  # type: ignore[arg-type]
    assert acc.state is AccumulatorState.DONE


def test_close_twice_and_feed_after_close_are_misuse() -> None:
    acc = run(*TEXT)
    acc.close()
    with pytest.raises(UsageError, match="closed"):
        acc.close()
    with pytest.raises(UsageError, match="closed"):
        acc.feed_chunk(TEXT[0])
    with pytest.raises(UsageError, match="closed"):
        acc.feed(sse(TEXT[0]))
    with pytest.raises(UsageError, match="closed"):
        acc.feed(sse("[DONE]"))


def test_feed_wrong_type_is_misuse() -> None:
    with pytest.raises(UsageError, match="feed_chunk"):
        OpenAIChatAccumulator().feed(TEXT[0])  # type: ignore[arg-type]


# -- provider errors ---------------------------------------------------------------


def test_error_payload_raises_stream_error_with_body_and_snapshot() -> None:
    acc = OpenAIChatAccumulator()
    acc.feed(sse(TEXT[1]))
    body = {"message": "overloaded", "code": 529}
    with pytest.raises(StreamError) as info:
        acc.feed(sse({"error": body}))
    assert info.value.body == body
    assert info.value.snapshot["choices"][0]["message"]["content"] == "Hel"
    assert acc.state is AccumulatorState.ERROR
    with pytest.raises(UsageError) as again:
        acc.feed(sse(TEXT[2]))
    assert again.value.__cause__ is info.value


def test_error_event_raises_stream_error() -> None:
    acc = OpenAIChatAccumulator()
    with pytest.raises(StreamError) as info:
        acc.feed(sse('{"message": "boom"}', event="error"))
    assert info.value.body == {"message": "boom"}
    acc2 = OpenAIChatAccumulator()
    with pytest.raises(StreamError) as info2:
        acc2.feed(sse("not json", event="error"))
    assert info2.value.body == "not json"


@pytest.mark.parametrize(
    ("data", "field", "needle"),
    [
        ("{not json", None, "expected JSON data"),
        ("[1, 2]", "the chunk", "a JSON object"),
        (json.dumps({"choices": {"index": 0}}), "choices", "a list"),
        (json.dumps({"choices": [7]}), "choices[0]", "an object"),
        (json.dumps({"choices": [{"index": "0"}]}), "choices[0].index", "an int"),
        (json.dumps({"choices": [{"index": 0, "delta": []}]}), "choices[0].delta", ""),
        (
            json.dumps(chunk(delta(content=5))),
            "choices[0].delta.content",
            "a string or a list",
        ),
        (
            json.dumps(chunk(delta(tool_calls={"index": 0}))),
            "choices[0].delta.tool_calls",
            "a list",
        ),
        (
            json.dumps(
                chunk(delta(tool_calls=[{"index": 0, "function": {"arguments": {}}}]))
            ),
            "choices[0].delta.tool_calls[0].function.arguments",
            "a string",
        ),
    ],
)
def test_invalid_chunks_name_the_field(
    data: str, field: str | None, needle: str
) -> None:
    acc = OpenAIChatAccumulator()
    acc.feed(sse(TEXT[0]))
    with pytest.raises(InvalidChunk) as info:
        acc.feed(ServerSentEvent(data=data))
    err = info.value
    assert err.chunk_index == 1
    assert err.field == field
    assert needle in str(err)
    assert "chunk 1" in str(err)
    assert acc.state is AccumulatorState.ERROR
    copy_ = pickle.loads(pickle.dumps(err))
    assert (copy_.chunk_index, copy_.field, copy_.data) == (1, field, err.data)


def test_invalid_chunk_echo_is_truncated() -> None:
    acc = OpenAIChatAccumulator()
    with pytest.raises(InvalidChunk) as info:
        acc.feed(ServerSentEvent(data="x" * 10_000))
    assert len(str(info.value)) < 300
    assert info.value.data == "x" * 10_000


# -- pass-through ------------------------------------------------------------------


def test_unknown_event_names_and_comments_pass_through() -> None:
    acc = OpenAIChatAccumulator()
    ev = ServerSentEvent(event="ping", data='{"t": 1}')
    assert acc.feed(ev) == [UnknownEvent(event=ev, data={"t": 1})]
    assert acc.feed(Comment(text="OPENROUTER PROCESSING")) == []


def test_unknown_fields_are_kept_at_every_level() -> None:
    final = run(
        chunk(
            {
                "index": 0,
                "delta": {"content": "x", "vendor_note": "a", "meta": {"k": 1}},
                "stop_reason": None,
                "finish_reason": None,
            },
            provider="acme",
        ),
        chunk({**delta(finish="stop"), "stop_reason": 42}),
    ).close()
    assert final["provider"] == "acme"
    choice = final["choices"][0]
    assert choice["stop_reason"] == 42
    assert choice["message"]["vendor_note"] == "a"
    assert choice["message"]["meta"] == {"k": 1}


def test_chunk_event_comes_first_and_carries_the_payload() -> None:
    events = OpenAIChatAccumulator().feed(sse(TEXT[1]))
    assert events[0] == ChunkReceived(chunk=TEXT[1])
    assert isinstance(events[1], ContentDelta)


# -- length and content filter -----------------------------------------------------

ARGS_CUT = [
    chunk(
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "f", "arguments": '{"a": [1, 2'},
                }
            ]
        )
    ),
    chunk(delta(finish="length")),
]


def test_length_cut_arguments_are_reported_incomplete() -> None:
    acc = OpenAIChatAccumulator()
    events: list[Any] = []
    for payload in ARGS_CUT:
        events += acc.feed(sse(payload))
    done = [e for e in events if isinstance(e, ToolCallArgumentsDone)]
    assert len(done) == 1
    assert done[0].complete is False
    assert done[0].arguments == '{"a": [1, 2'
    with pytest.raises(IncompleteJSON):
        _ = done[0].parsed_arguments
    assert acc.incomplete == ((0, 0),)
    assert isinstance(events[-1], ChoiceFinished)
    # No parsing asked for: close() gives the final object, the flag says the rest.
    assert acc.close()["choices"][0]["finish_reason"] == "length"


def test_length_with_whole_arguments_is_complete() -> None:
    acc = run(
        chunk(delta(tool_calls=[{"index": 0, "function": {"arguments": "{}"}}])),
        chunk(delta(finish="length")),
    )
    assert acc.incomplete == ()


STRICT_TOOLS = [{"type": "function", "function": {"name": "f", "strict": True}}]


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("length", LengthFinishReasonError),
        ("content_filter", ContentFilterFinishReasonError),
    ],
)
@pytest.mark.parametrize(
    "options",
    [{"tools": STRICT_TOOLS}, {"response_format": {"type": "json_object"}}],
)
def test_cut_output_raises_only_when_parsing_was_asked(
    reason: str, error: type[Exception], options: dict[str, Any]
) -> None:
    chunks = [ARGS_CUT[0], chunk(delta(finish=reason))]
    with pytest.raises(error) as info:
        run(*chunks, **options).close()
    assert info.value.snapshot["choices"][0]["finish_reason"] == reason  # type: ignore[attr-defined]
    run(*chunks).close()  # no parsing asked: no error
    run(*chunks, tools=[{"type": "function", "function": {"name": "f"}}]).close()


# -- lazy views --------------------------------------------------------------------


def tool_stream(pieces: list[str]) -> list[dict[str, Any]]:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f"}}
    chunks = [chunk(delta(tool_calls=[first]))]
    chunks += [
        chunk(delta(tool_calls=[{"index": 0, "function": {"arguments": p}}]))
        for p in pieces
    ]
    return [*chunks, chunk(delta(finish="tool_calls"))]


def argument_events(pieces: list[str]) -> list[Any]:
    acc = OpenAIChatAccumulator()
    events: list[Any] = []
    for payload in tool_stream(pieces):
        events += acc.feed(sse(payload))
    return events


PIECES = ['{"ci', 'ty": "Par', 'is", "n": [1', ", 2]}"]


def test_parsed_arguments_on_every_delta() -> None:
    seen: list[Any] = []
    acc = OpenAIChatAccumulator()
    for payload in tool_stream(PIECES):
        seen.extend(
            (event.arguments, copy.deepcopy(event.parsed_arguments))
            for event in acc.feed(sse(payload))
            if isinstance(event, ToolCallArgumentsDelta)
        )
    assert seen == [
        ('{"ci', {}),
        ('{"city": "Par', {"city": "Par"}),
        ('{"city": "Paris", "n": [1', {"city": "Paris", "n": []}),
        ('{"city": "Paris", "n": [1, 2]}', {"city": "Paris", "n": [1, 2]}),
    ]


def test_late_reads_show_the_value_as_of_their_event() -> None:
    events = argument_events(PIECES)
    deltas = [e for e in events if isinstance(e, ToolCallArgumentsDelta)]
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert done.parsed_arguments == {"city": "Paris", "n": [1, 2]}
    # read after everything was parsed: each still shows its own prefix
    assert [d.arguments for d in deltas][1] == '{"city": "Par'
    assert deltas[1].parsed_arguments == {"city": "Par"}
    assert deltas[0].parsed_arguments == {}
    assert deltas[3].parsed_arguments == {"city": "Paris", "n": [1, 2]}


def test_two_fragments_of_one_call_in_one_chunk_keep_their_own_views() -> None:
    acc = OpenAIChatAccumulator()
    events = acc.feed(
        sse(
            chunk(
                delta(
                    tool_calls=[
                        {"index": 0, "function": {"name": "f", "arguments": '{"a": '}},
                        {"index": 0, "function": {"arguments": '"xy"}'}},
                    ]
                )
            )
        )
    )
    deltas = [e for e in events if isinstance(e, ToolCallArgumentsDelta)]
    assert [copy.deepcopy(d.parsed_arguments) for d in deltas] == [{}, {"a": "xy"}]
    assert deltas[0].arguments == '{"a": '


def test_invalid_arguments_raise_only_when_read() -> None:
    events = argument_events(['{"a": tru', "x}"])
    deltas = [e for e in events if isinstance(e, ToolCallArgumentsDelta)]
    assert deltas[0].parsed_arguments == {}
    with pytest.raises(json.JSONDecodeError):
        _ = deltas[1].parsed_arguments
    done = next(e for e in events if isinstance(e, ToolCallArgumentsDone))
    assert done.arguments == '{"a": trux}'
    assert done.complete  # not cut by length: the model wrote bad JSON
    with pytest.raises(json.JSONDecodeError):
        _ = done.parsed_arguments


def test_arguments_before_any_value_are_missing() -> None:
    events = argument_events(["  ", "{}"])
    first = next(e for e in events if isinstance(e, ToolCallArgumentsDelta))
    assert first.parsed_arguments is MISSING


def test_content_json_when_response_format_asks() -> None:
    acc = OpenAIChatAccumulator(response_format={"type": "json_schema"})
    events: list[Any] = []
    for payload in [
        chunk(delta(content='{"x": ')),
        chunk(delta(content='"ab"}')),
        chunk(delta(finish="stop")),
    ]:
        events += acc.feed(sse(payload))
    parsed = [copy.deepcopy(e.parsed) for e in events if isinstance(e, ContentDelta)]
    assert parsed == [{}, {"x": "ab"}]
    done = next(e for e in events if isinstance(e, ContentDone))
    assert done.parsed == {"x": "ab"}
    plain = run(*TEXT)
    assert plain.close()["choices"][0]["message"]["content"] == "Hello"


def test_content_snapshot_is_lazy_and_exact() -> None:
    acc = OpenAIChatAccumulator()
    events: list[Any] = []
    for payload in TEXT:
        events += acc.feed(sse(payload))
    deltas = [e for e in events if isinstance(e, ContentDelta)]
    assert [d.snapshot for d in deltas] == ["Hel", "Hello"]
    assert [d.delta for d in deltas] == ["Hel", "lo"]


def test_snapshot_is_live_and_json_serialisable() -> None:
    acc = OpenAIChatAccumulator()
    acc.feed(sse(TEXT[1]))
    snap = acc.snapshot()
    assert snap["choices"][0]["message"]["content"] == "Hel"
    kept = copy.deepcopy(snap)
    acc.feed(sse(TEXT[2]))
    assert acc.snapshot() is snap
    assert snap["choices"][0]["message"]["content"] == "Hello"
    assert kept["choices"][0]["message"]["content"] == "Hel"
    json.dumps(snap)


# -- limits ------------------------------------------------------------------------


def test_text_limit() -> None:
    acc = OpenAIChatAccumulator(limits=Limits(max_text_chars=4))
    acc.feed(sse(TEXT[1]))
    with pytest.raises(LimitExceeded) as info:
        acc.feed(sse(TEXT[2]))
    assert (info.value.limit, info.value.maximum, info.value.observed) == (
        "max_text_chars",
        4,
        5,
    )
    with pytest.raises(UsageError):
        acc.feed(sse(TEXT[2]))


def test_item_limit() -> None:
    acc = OpenAIChatAccumulator(limits=Limits(max_stream_items=3))
    acc.feed(sse(chunk(delta(0), delta(1), delta(2))))
    with pytest.raises(LimitExceeded, match="max_stream_items"):
        acc.feed(sse(chunk(delta(3))))


def test_json_limits_reach_the_argument_parser() -> None:
    acc = OpenAIChatAccumulator(limits=Limits(max_json_depth=2))
    events = acc.feed(
        sse(chunk(delta(tool_calls=[{"index": 0, "function": {"arguments": "[[["}}])))
    )
    last = events[-1]
    assert isinstance(last, ToolCallArgumentsDelta)
    with pytest.raises(LimitExceeded, match="max_json_depth"):
        _ = last.parsed_arguments


def test_error_chunk_keeps_what_it_carries() -> None:
    # OpenRouter's mid-stream error: the error and the choice it ended.
    acc = OpenAIChatAccumulator()
    acc.feed(sse(TEXT[1]))
    body = {"code": "server_error", "message": "Provider disconnected"}
    with pytest.raises(StreamError) as info:
        acc.feed(sse(chunk(delta(content="", finish="error"), error=body)))
    assert info.value.body == body
    choice = info.value.snapshot["choices"][0]
    assert (choice["finish_reason"], choice["message"]["content"]) == ("error", "Hel")
    assert "error" not in info.value.snapshot


# -- linear growth (N against 16 N) -------------------------------------------------


def _calls_without_index(n: int) -> list[dict[str, Any]]:
    return [
        chunk(delta(tool_calls=[{"id": f"c{i}", "function": {"name": "f"}}]))
        for i in range(n)
    ]


def _reasoning_details(n: int) -> list[dict[str, Any]]:
    return [
        chunk(
            delta(
                reasoning_details=[{"type": "reasoning.text", "text": "a", "index": i}]
            )
        )
        for i in range(n)
    ]


def _choices_in_reverse(n: int) -> list[dict[str, Any]]:
    return [chunk(delta(i, content="x")) for i in range(n, 0, -1)]


def _tool_calls_in_reverse(n: int) -> list[dict[str, Any]]:
    return [
        chunk(delta(tool_calls=[{"index": i, "function": {"arguments": "{}"}}]))
        for i in range(n, 0, -1)
    ]


def _accumulate(chunks: list[dict[str, Any]]) -> Iterator[Callable[[], object]]:
    """Steps: each chunk fed to a fresh accumulator, then ``snapshot()``."""
    acc = OpenAIChatAccumulator()
    for payload in copy.deepcopy(chunks):  # in case feed_chunk keeps references
        yield functools.partial(acc.feed_chunk, payload)
    yield acc.snapshot


@pytest.mark.parametrize(
    "make",
    [
        _calls_without_index,
        _reasoning_details,
        _choices_in_reverse,
        _tool_calls_in_reverse,
    ],
)
def test_growth_is_linear(make: Any) -> None:
    # Counted work, not time: the counts are the same on a busy machine (see
    # tests/_work.py).  Linear work gives about 16 per counter, quadratic 256.
    assert_linear(_accumulate, make(200), make(16 * 200))


def test_out_of_order_lists_are_sorted_in_the_snapshot() -> None:
    acc = OpenAIChatAccumulator()
    for payload in _tool_calls_in_reverse(3) + _choices_in_reverse(3):
        acc.feed_chunk(payload)
    snap = acc.snapshot()
    assert [c["index"] for c in snap["choices"]] == [0, 1, 2, 3]
    calls = snap["choices"][0]["message"]["tool_calls"]
    assert [c["function"]["arguments"] for c in calls] == ["{}"] * 3
    acc.feed_chunk(chunk(delta(0, tool_calls=[{"index": 0, "id": "z"}])))
    assert [c["id"] for c in acc.snapshot()["choices"][0]["message"]["tool_calls"]] == [
        "z",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("finish_reason", 5), ("role", ["x"])],
)
def test_wrong_types_of_set_once_fields_are_refused(field: str, value: Any) -> None:
    raw = {"index": 0, "delta": {}, "finish_reason": None}
    if field == "role":
        raw["delta"] = {"role": value}
    else:
        raw[field] = value
    with pytest.raises(InvalidChunk, match=field):
        OpenAIChatAccumulator().feed_chunk(chunk(raw))


@pytest.mark.parametrize("choices", [{}, 0, "", False])
def test_falsy_choices_of_the_wrong_type_are_refused(choices: Any) -> None:
    with pytest.raises(InvalidChunk, match="choices"):
        OpenAIChatAccumulator().feed_chunk({"choices": choices})


def test_usage_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(InvalidChunk, match="usage"):
        OpenAIChatAccumulator().feed_chunk({"choices": [], "usage": 7})


def _content_chunks(text: str) -> list[dict[str, Any]]:
    # The 4-key choice of OpenAI's own chunks takes the fast paths (feed()'s
    # inline one, and _merge_chunk()'s for feed_chunk); the 3-key one does not.
    fast = [{**delta(content=c), "logprobs": None} for c in text]
    return [chunk(c) for c in fast] + [chunk(delta(content=c)) for c in text]


@pytest.mark.parametrize("via", ["feed", "feed_chunk"])
@pytest.mark.parametrize("json_content", [False, True])
def test_only_text_read_as_json_queues_fragments_for_the_parser(
    via: str, json_content: bool
) -> None:
    # Every path appends through the same rule: a text nobody parses keeps no
    # queue of fragments (it would grow with the whole stream for nothing).
    fmt = {"type": "json_object"} if json_content else None
    acc = OpenAIChatAccumulator(response_format=fmt)
    for payload in [
        *_content_chunks('{"a": "bcd"}'),
        chunk(delta(refusal="no")),
        chunk(delta(reasoning_content="hm")),
    ]:
        if via == "feed":
            acc.feed(sse(payload))
        else:
            acc.feed_chunk(payload)
    choice = acc._choices[0]
    assert bool(choice.content.pending) is json_content
    assert choice.refusal.pending == []
    assert all(slot.pending == [] for slot in choice.reasoning.values())
