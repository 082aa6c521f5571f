"""``response_format=``, ``tools=`` and ``strict=``, the same for every accumulator.

1. Every accepted form, for each of the three accumulators (any provider's form
   goes to any accumulator), normalises to the same record; every refused form
   is a ``UsageError`` at construction whose message says what was expected
   and what came.
2. Parsing asked for: a length / content-filter finish raises from
   ``close()`` carrying the snapshot and the usage; without it, neither.
3. Tool call names are checked against the tools given: a problem listed in
   ``problems`` (after ``close()`` too), or ``UnknownTool`` at the event with
   ``strict=True``.
4. Property: with a JSON format, ``parsed`` of the final content event is
   ``json.loads`` of the final text for any split of the text, in all three.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import pickle
from typing import TYPE_CHECKING, Any, TypedDict

import attrs
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    ProtocolError,
    ServerSentEvent,
    UnknownTool,
    UsageError,
)
from sseparse.jsonstream import MISSING
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    ResponseFormat,
    ToolProblem,
    ToolSpec,
)
from sseparse.testing import json_deltas, json_texts
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ACCUMULATORS: list[type[Any]] = [
    OpenAIChatAccumulator,
    AnthropicMessagesAccumulator,
    OpenAIResponsesAccumulator,
]
BY_PROTOCOL = dict(zip(["chat", "anthropic", "responses"], ACCUMULATORS, strict=True))


# -- target classes ----------------------------------------------------------------


@attrs.define
class AttrsCity:
    name: str


@dataclasses.dataclass
class DataCity:
    name: str


class DictCity(TypedDict):
    name: str


class PydanticCity(pydantic.BaseModel):
    name: str


class PlainClass:
    name: str


TARGETS = [AttrsCity, DataCity, DictCity, PydanticCity]
SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}}


# -- 1. response_format: accepted ----------------------------------------------------

ACCEPTED_FORMATS: list[tuple[str, Any, ResponseFormat]] = [
    ("none", None, ResponseFormat(kind="text")),
    ("chat-text", {"type": "text"}, ResponseFormat(kind="text")),
    ("chat-json-object", {"type": "json_object"}, ResponseFormat(kind="json_object")),
    (
        "chat-json-schema",
        {
            "type": "json_schema",
            "json_schema": {"name": "city", "schema": SCHEMA, "strict": True},
        },
        ResponseFormat(kind="json_schema", name="city", schema=SCHEMA, strict=True),
    ),
    (
        "chat-json-schema-bare",
        {"type": "json_schema"},
        ResponseFormat(kind="json_schema"),
    ),
    (
        "anthropic-output-format",
        {"type": "json_schema", "schema": SCHEMA},
        ResponseFormat(kind="json_schema", schema=SCHEMA),
    ),
    (
        "responses-text-format",
        {"type": "json_schema", "name": "city", "schema": SCHEMA, "strict": False},
        ResponseFormat(kind="json_schema", name="city", schema=SCHEMA, strict=False),
    ),
    (
        "responses-text-config",
        {"format": {"type": "json_object"}, "verbosity": "low"},
        ResponseFormat(kind="json_object"),
    ),
    (
        "responses-text-config-text",
        {"format": {"type": "text"}},
        ResponseFormat(kind="text"),
    ),
    ("responses-text-config-empty", {}, ResponseFormat(kind="text")),
    (
        "json-schema",
        {**SCHEMA, "title": "City"},
        ResponseFormat(
            kind="json_schema", name="City", schema={**SCHEMA, "title": "City"}
        ),
    ),
    *[
        (
            f"class-{cls.__name__}",
            cls,
            ResponseFormat(
                kind="json_schema", name=cls.__name__, strict=True, target_type=cls
            ),
        )
        for cls in TARGETS
    ],
]


@pytest.mark.parametrize("accumulator", ACCUMULATORS)
@pytest.mark.parametrize(
    ("value", "expected"),
    [(value, expected) for _, value, expected in ACCEPTED_FORMATS],
    ids=[name for name, _, _ in ACCEPTED_FORMATS],
)
def test_every_format_form_is_accepted_by_every_accumulator(
    accumulator: type[Any], value: Any, expected: ResponseFormat
) -> None:
    options = accumulator(response_format=value).options
    assert options.response_format == expected
    assert options.parsing is expected.json


@pytest.mark.parametrize("value", [v for _, v, _ in ACCEPTED_FORMATS])
def test_text_format_is_an_alias_of_response_format(value: Any) -> None:
    alias = OpenAIResponsesAccumulator(text_format=value).options
    assert alias == OpenAIResponsesAccumulator(response_format=value).options


def test_response_format_and_text_format_together_are_refused() -> None:
    fmt = {"type": "json_object"}
    with pytest.raises(UsageError, match="response_format or its alias text_format"):
        OpenAIResponsesAccumulator(response_format=fmt, text_format=fmt)


# -- 1. response_format: refused -----------------------------------------------------

REFUSED_FORMATS: list[tuple[str, Any, str]] = [
    ("int", 42, "got 42"),
    ("string", "json", "got 'json'"),
    ("list", [{"type": "json_object"}], "got [{'type': 'json_object'}]"),
    ("plain-class", PlainClass, "got the class PlainClass"),
    ("builtin-class", int, "got the class int"),
    ("instance", DataCity("x"), "DataCity(name='x')"),
    ("unknown-type", {"type": "json"}, "response_format['type']: expected a format"),
    ("type-not-str", {"type": 3}, "got 3"),
    ("no-type", {"schema": SCHEMA}, "got {'schema'"),
    ("json-schema-not-dict", {"type": "json_schema", "json_schema": "x"}, "got 'x'"),
    (
        "schema-not-dict",
        {"type": "json_schema", "schema": [1]},
        "response_format['schema']: expected a JSON Schema object, got [1]",
    ),
    (
        "chat-schema-not-dict",
        {"type": "json_schema", "json_schema": {"name": "n", "schema": 1}},
        "['json_schema']['schema']",
    ),
    ("name-not-str", {"type": "json_schema", "name": 7}, "['name']"),
    ("strict-not-bool", {"type": "json_schema", "strict": "yes"}, "['strict']"),
    ("text-config-bad-format", {"format": "json"}, "['format']"),
    ("text-config-nested", {"format": {"format": {}}}, "['format']"),
    ("schema-title-not-str", {"type": "object", "title": 1}, "['title']"),
]


@pytest.mark.parametrize("accumulator", ACCUMULATORS)
@pytest.mark.parametrize(
    ("value", "shown"),
    [(value, shown) for _, value, shown in REFUSED_FORMATS],
    ids=[name for name, _, _ in REFUSED_FORMATS],
)
def test_a_format_of_no_accepted_form_is_a_usage_error(
    accumulator: type[Any], value: Any, shown: str
) -> None:
    with pytest.raises(UsageError) as info:
        accumulator(response_format=value)
    message = str(info.value)
    assert message.startswith(f"{accumulator.__name__}: response_format")
    assert "expected" in message
    assert shown in message


def test_a_refused_value_is_echoed_cut_short() -> None:
    with pytest.raises(UsageError) as info:
        OpenAIChatAccumulator(response_format="x" * 500)  # type: ignore[arg-type]
    assert "…" in str(info.value)
    assert len(str(info.value)) < 500


@pytest.mark.parametrize("accumulator", ACCUMULATORS)
@pytest.mark.parametrize("value", [None, 1, "yes"])
def test_strict_must_be_a_bool(accumulator: type[Any], value: Any) -> None:
    with pytest.raises(UsageError, match="strict: expected True or False"):
        accumulator(strict=value)


# -- 1. tools: accepted --------------------------------------------------------------

PARAMS = {"type": "object", "properties": {"city": {"type": "string"}}}
CHAT_TOOL = {"type": "function", "function": {"name": "f", "parameters": PARAMS}}
CHAT_STRICT = {"type": "function", "function": {"name": "f", "strict": True}}
CHAT_LAX = {"type": "function", "function": {"name": "f", "strict": False}}
ANTHROPIC_TOOL = {"name": "f", "description": "d", "input_schema": PARAMS}
ANTHROPIC_LAX = {"name": "f", "input_schema": PARAMS, "strict": False}
RESPONSES_TOOL = {"type": "function", "name": "f", "parameters": PARAMS}
RESPONSES_LAX = {"type": "function", "name": "f", "strict": False}

# (id, tools, expected specs, parsing for chat / anthropic / responses)
ACCEPTED_TOOLS: list[tuple[str, Any, list[ToolSpec], tuple[bool, bool, bool]]] = [
    ("none", None, [], (False, False, False)),
    ("empty", [], [], (False, False, False)),
    (
        "chat-unstated",
        [CHAT_TOOL],
        [ToolSpec(name="f", kind="function", schema=PARAMS)],
        (False, True, True),
    ),
    (
        "chat-strict",
        [CHAT_STRICT],
        [ToolSpec(name="f", kind="function", strict=True)],
        (True, True, True),
    ),
    (
        "chat-lax",
        (CHAT_LAX,),
        [ToolSpec(name="f", kind="function", strict=False)],
        (False, False, False),
    ),
    (
        "chat-custom",
        [{"type": "custom", "custom": {"name": "c", "format": {"type": "text"}}}],
        [ToolSpec(name="c", kind="custom", strict=False)],
        (False, False, False),
    ),
    (
        "anthropic-unstated",
        [ANTHROPIC_TOOL],
        [ToolSpec(name="f", kind="function", schema=PARAMS)],
        (False, True, True),
    ),
    (
        "anthropic-custom-type",
        [{**ANTHROPIC_TOOL, "type": "custom"}],
        [ToolSpec(name="f", kind="function", schema=PARAMS)],
        (False, True, True),
    ),
    (
        "anthropic-lax",
        [ANTHROPIC_LAX],
        [ToolSpec(name="f", kind="function", schema=PARAMS, strict=False)],
        (False, False, False),
    ),
    (
        "anthropic-server-tool",
        [{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}],
        [ToolSpec(name="web_search", kind="builtin", strict=False)],
        (False, False, False),
    ),
    (
        "responses-unstated",
        [RESPONSES_TOOL],
        [ToolSpec(name="f", kind="function", schema=PARAMS)],
        (False, True, True),
    ),
    (
        "responses-lax",
        [RESPONSES_LAX],
        [ToolSpec(name="f", kind="function", strict=False)],
        (False, False, False),
    ),
    (
        "responses-custom",
        [{"type": "custom", "name": "c"}],
        [ToolSpec(name="c", kind="custom", strict=False)],
        (False, False, False),
    ),
    (
        "responses-builtin",
        [{"type": "web_search"}, {"type": "file_search", "vector_store_ids": []}],
        [],
        (False, False, False),
    ),
    (
        "function-definition",
        [{"name": "f", "parameters": PARAMS, "strict": True}],
        [ToolSpec(name="f", kind="function", schema=PARAMS, strict=True)],
        (True, True, True),
    ),
    (
        "json-schema",
        [{**PARAMS, "title": "f"}],
        [ToolSpec(name="f", kind="function", schema={**PARAMS, "title": "f"})],
        (False, True, True),
    ),
    *[
        (
            f"class-{cls.__name__}",
            [cls],
            [
                ToolSpec(
                    name=cls.__name__, kind="function", strict=True, target_type=cls
                )
            ],
            (True, True, True),
        )
        for cls in TARGETS
    ],
    (
        "mixed",
        [CHAT_LAX, {"type": "web_search"}, AttrsCity],
        [
            ToolSpec(name="f", kind="function", strict=False),
            ToolSpec(
                name="AttrsCity", kind="function", strict=True, target_type=AttrsCity
            ),
        ],
        (True, True, True),
    ),
]


@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
@pytest.mark.parametrize(
    ("tools", "specs", "parsing"),
    [(tools, specs, parsing) for _, tools, specs, parsing in ACCEPTED_TOOLS],
    ids=[name for name, _, _, _ in ACCEPTED_TOOLS],
)
def test_every_tool_form_is_accepted_by_every_accumulator(
    protocol: str,
    tools: Any,
    specs: list[ToolSpec],
    parsing: tuple[bool, bool, bool],
) -> None:
    options = BY_PROTOCOL[protocol](tools=tools).options
    assert list(options.tools.values()) == specs
    assert list(options.tools) == [spec.name for spec in specs]
    assert options.tools_given is bool(tools)
    assert options.parsing is parsing[list(BY_PROTOCOL).index(protocol)]


# -- 1. tools: refused ---------------------------------------------------------------

REFUSED_TOOLS: list[tuple[str, Any, str]] = [
    ("dict", {"a": 1}, "tools: expected a list of tools, got {'a': 1}"),
    ("string", "f", "tools: expected a list of tools, got 'f'"),
    ("int-item", [1], "tools[0]: expected a tool dict"),
    ("string-item", ["f"], "got 'f'"),
    ("plain-class", [PlainClass], "got the class PlainClass"),
    ("no-name", [{"parameters": PARAMS}], "tools[0]: expected a tool with a"),
    ("function-no-name", [{"type": "function"}], "non-empty string 'name'"),
    (
        "chat-no-name",
        [{"type": "function", "function": {"parameters": {}}}],
        "tools[0]['function']",
    ),
    ("chat-function-not-dict", [{"type": "function", "function": "f"}], "got 'f'"),
    ("empty-name", [{"name": ""}], "tools[0]['name']"),
    ("name-not-str", [{"name": 5, "input_schema": {}}], "got 5"),
    ("anthropic-no-name", [{"input_schema": PARAMS}], "tools[0]: expected a tool"),
    (
        "parameters-not-dict",
        [{"type": "function", "name": "f", "parameters": "x"}],
        "['parameters']: expected a JSON Schema object",
    ),
    ("schema-not-dict", [{"name": "f", "input_schema": 1}], "['input_schema']"),
    ("strict-not-bool", [{"name": "f", "strict": 1}], "['strict']"),
    ("schema-without-title", [PARAMS], "JSON Schema tool with its name as 'title'"),
    ("type-not-str", [{"type": 1, "name": "f"}], "tools[0]['type']"),
    ("builtin-name-not-str", [{"type": "web_search", "name": 1}], "['name']"),
    ("custom-no-name", [{"type": "custom", "custom": {}}], "['custom']"),
    ("duplicate", [CHAT_TOOL, RESPONSES_TOOL], "a second tool named 'f'"),
]


@pytest.mark.parametrize("accumulator", ACCUMULATORS)
@pytest.mark.parametrize(
    ("tools", "shown"),
    [(tools, shown) for _, tools, shown in REFUSED_TOOLS],
    ids=[name for name, _, _ in REFUSED_TOOLS],
)
def test_tools_of_no_accepted_form_are_a_usage_error(
    accumulator: type[Any], tools: Any, shown: str
) -> None:
    with pytest.raises(UsageError) as info:
        accumulator(tools=tools)
    message = str(info.value)
    assert message.startswith(f"{accumulator.__name__}: tools")
    assert "expected" in message or "second tool" in message
    assert shown in message


# -- streams -------------------------------------------------------------------------

USAGE_CHAT = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
USAGE_ANTHROPIC = {"input_tokens": 5, "output_tokens": 7}
USAGE_RESPONSES = {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}


def chat_chunk(
    delta: dict[str, Any], finish: str | None = None, usage: Any = None
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [
            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        ],
        "usage": usage,
    }


def chat_text(pieces: list[str], finish: str = "stop") -> list[dict[str, Any]]:
    return [
        *(chat_chunk({"content": p}) for p in pieces),
        chat_chunk({}, finish, USAGE_CHAT),
    ]


def chat_call(name: Any, args: str = "{}", finish: str = "tool_calls") -> list[Any]:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": name}}
    return [
        chat_chunk({"tool_calls": [first]}),
        chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": args}}]}),
        chat_chunk({}, finish, USAGE_CHAT),
    ]


def anthropic_start() -> dict[str, Any]:
    return {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    }


def anthropic_end(stop: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": 7},
        },
        {"type": "message_stop"},
    ]


def anthropic_text(pieces: list[str], stop: str = "end_turn") -> list[Any]:
    return [
        anthropic_start(),
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        },
        *(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": p},
            }
            for p in pieces
        ),
        {"type": "content_block_stop", "index": 0},
        *anthropic_end(stop),
    ]


def anthropic_call(
    name: Any, stop: str = "tool_use", arguments: str = "{}"
) -> list[Any]:
    block = {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}
    return [
        anthropic_start(),
        {"type": "content_block_start", "index": 0, "content_block": block},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": arguments},
        },
        {"type": "content_block_stop", "index": 0},
        *anthropic_end(stop),
    ]


RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "in_progress",
    "model": "m",
    "output": [],
    "usage": None,
}


def responses_end(status: str = "completed", reason: str | None = None) -> Any:
    response = {**RESPONSE, "status": status, "usage": USAGE_RESPONSES}
    if reason is not None:
        response["incomplete_details"] = {"reason": reason}
    return {"type": f"response.{status}", "response": response}


def responses_text(
    pieces: list[str], status: str = "completed", reason: str | None = None
) -> list[Any]:
    item = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    at = {"output_index": 0, "item_id": "msg_1", "content_index": 0}
    return [
        {"type": "response.created", "response": dict(RESPONSE)},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.content_part.added", **at, "part": part},
        *({"type": "response.output_text.delta", **at, "delta": p} for p in pieces),
        {"type": "response.output_text.done", **at, "text": "".join(pieces)},
        responses_end(status, reason),
    ]


def responses_call(name: Any, item_type: str = "function_call") -> list[Any]:
    key = "arguments" if item_type == "function_call" else "input"
    item = {
        "id": "fc_1",
        "type": item_type,
        "call_id": "call_1",
        "name": name,
        key: "",
        "status": "in_progress",
    }
    done = {**item, key: "{}", "status": "completed"}
    return [
        {"type": "response.created", "response": dict(RESPONSE)},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.output_item.done", "output_index": 0, "item": done},
        responses_end(),
    ]


TEXT_STREAMS = {"chat": chat_text, "anthropic": anthropic_text}


def text_stream(protocol: str, pieces: list[str]) -> list[Any]:
    if protocol == "chat":
        return chat_text(pieces)
    if protocol == "anthropic":
        return anthropic_text(pieces)
    return responses_text(pieces)


def call_stream(protocol: str, name: Any) -> list[Any]:
    if protocol == "chat":
        return chat_call(name)
    if protocol == "anthropic":
        return anthropic_call(name)
    return responses_call(name)


def feed_all(acc: Any, payloads: list[Any], via: str = "feed") -> list[Any]:
    events: list[Any] = []
    for payload in payloads:
        if via == "feed":
            events += acc.feed(ServerSentEvent(data=json.dumps(payload)))
        else:
            events += acc.feed_chunk(payload)
    return events


# -- 2. finish errors ------------------------------------------------------------------

# (protocol, stream cut by length, cut by a content filter or None)
CUT_STREAMS: list[tuple[str, list[Any], list[Any] | None]] = [
    ("chat", chat_text(['{"a": '], "length"), chat_text(['{"a'], "content_filter")),
    ("anthropic", anthropic_text(['{"a": '], "max_tokens"), None),
    (
        "anthropic",
        anthropic_text(['{"a": '], "model_context_window_exceeded"),
        None,
    ),
    (
        "responses",
        responses_text(['{"a": '], "incomplete", "max_output_tokens"),
        responses_text(['{"a'], "incomplete", "content_filter"),
    ),
]


@pytest.mark.parametrize(
    ("protocol", "length", "filtered"),
    CUT_STREAMS,
    ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(CUT_STREAMS)],
)
@pytest.mark.parametrize(
    "options",
    [{"response_format": {"type": "json_object"}}, {"tools": [AttrsCity]}],
    ids=["json-format", "class-tool"],
)
def test_finish_errors_carry_the_snapshot_and_the_usage(
    protocol: str,
    length: list[Any],
    filtered: list[Any] | None,
    options: dict[str, Any],
) -> None:
    accumulator = BY_PROTOCOL[protocol]
    cases: list[tuple[list[Any], type[Exception]]] = [(length, LengthFinishReasonError)]
    if filtered is not None:
        cases.append((filtered, ContentFilterFinishReasonError))
    for stream, error in cases:
        acc = accumulator(**options)
        feed_all(acc, stream)
        snapshot = acc.snapshot()
        with pytest.raises(error) as info:
            acc.close()
        raised: Any = info.value
        assert raised.snapshot is snapshot
        assert raised.usage == snapshot["usage"]
        assert raised.usage["output_tokens" if protocol != "chat" else "total_tokens"]
        again = pickle.loads(pickle.dumps(raised))
        assert (again.usage, again.snapshot) == (raised.usage, raised.snapshot)
        # Without parsing asked for, the same stream closes to its final.
        plain = accumulator()
        feed_all(plain, stream)
        assert plain.close() == snapshot
        lax = accumulator(tools=[CHAT_LAX])
        feed_all(lax, stream)
        assert lax.close() == snapshot


def test_finish_errors_take_usage_as_a_keyword_and_default_it_to_none() -> None:
    assert LengthFinishReasonError("x").usage is None
    assert ContentFilterFinishReasonError("x", snapshot=1, usage=2).usage == 2


# -- 3. tool names ---------------------------------------------------------------------


@pytest.mark.parametrize("via", ["feed", "feed_chunk"])
@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
def test_an_unknown_tool_is_listed_in_problems(protocol: str, via: str) -> None:
    acc = BY_PROTOCOL[protocol](tools=[RESPONSES_LAX, {"type": "web_search"}])
    events = feed_all(acc, call_stream(protocol, "g"), via)
    assert [e.type for e in events if e.type == "tool_calls.function.arguments.done"]
    acc.close()
    (problem,) = acc.problems
    assert problem == ToolProblem(
        choice_index=0,
        index=0,
        id="toolu_1" if protocol == "anthropic" else "call_1",
        name="g",
        kind="unknown_tool",
        message=problem.message,
    )
    assert "'g'" in problem.message
    assert "expected one of the tools given: 'f'" in problem.message


@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
def test_a_known_tool_or_no_tools_given_is_no_problem(protocol: str) -> None:
    for options in [{"tools": [RESPONSES_LAX]}, {}]:
        acc = BY_PROTOCOL[protocol](**options)
        feed_all(acc, call_stream(protocol, "f"))
        acc.close()
        assert acc.problems == ()
    acc = BY_PROTOCOL[protocol]()
    feed_all(acc, call_stream(protocol, "anything"))
    assert acc.problems == ()


@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
def test_strict_raises_unknown_tool_at_the_event(protocol: str) -> None:
    acc = BY_PROTOCOL[protocol](tools=[AttrsCity], strict=True)
    stream = call_stream(protocol, "g")
    # The event that starts the call raises: no later event is needed.
    start = 0 if protocol == "chat" else 1
    for payload in stream[:start]:
        acc.feed_chunk(payload)
    with pytest.raises(UnknownTool) as info:
        acc.feed_chunk(stream[start])
    error = info.value
    assert isinstance(error, ProtocolError)
    assert (error.name, error.index, error.choice_index) == ("g", 0, 0)
    assert error.known == ("AttrsCity",)
    again = pickle.loads(pickle.dumps(error))
    assert vars(again) == vars(error)
    with pytest.raises(UsageError, match="failed"):  # the failure sticks
        acc.close()
    assert len(acc.problems) == 1


def test_chat_checks_a_name_that_comes_after_the_start_at_the_done_event() -> None:
    nameless = {"index": 0, "id": "call_1", "type": "function", "function": {}}
    stream = [
        chat_chunk({"tool_calls": [nameless]}),
        chat_chunk({"tool_calls": [{"index": 0, "function": {"name": "g"}}]}),
        chat_chunk({}, "tool_calls"),
    ]
    acc = OpenAIChatAccumulator(tools=[CHAT_TOOL])
    feed_all(acc, stream[:2])
    assert not acc.problems  # not yet: the name may still come
    feed_all(acc, stream[2:])
    assert [p.name for p in acc.problems] == ["g"]
    strict = OpenAIChatAccumulator(tools=[CHAT_TOOL], strict=True)
    feed_all(strict, stream[:2])
    with pytest.raises(UnknownTool):
        feed_all(strict, stream[2:])


def test_chat_reports_a_call_that_never_names_its_tool() -> None:
    nameless = {"index": 0, "id": "call_1", "type": "function", "function": {}}
    acc = OpenAIChatAccumulator(tools=[CHAT_TOOL])
    feed_all(acc, [chat_chunk({"tool_calls": [nameless]}), chat_chunk({}, "stop")])
    (problem,) = acc.problems
    assert problem.name is None
    assert "names no tool" in problem.message


def test_chat_checks_the_legacy_function_call() -> None:
    acc = OpenAIChatAccumulator(tools=[CHAT_TOOL])
    stream = [
        chat_chunk({"function_call": {"name": "g", "arguments": ""}}),
        chat_chunk({"function_call": {"arguments": "{}"}}),
        chat_chunk({}, "function_call"),
    ]
    feed_all(acc, stream)
    (problem,) = acc.problems
    assert (problem.index, problem.name) == (None, "g")
    assert problem.message.startswith("the function_call")


def test_responses_checks_custom_tool_calls_and_not_hosted_tools() -> None:
    acc = OpenAIResponsesAccumulator(tools=[{"type": "custom", "name": "c"}])
    feed_all(acc, responses_call("c", "custom_tool_call"))
    assert acc.problems == ()
    other = OpenAIResponsesAccumulator(tools=[{"type": "custom", "name": "c"}])
    feed_all(other, responses_call("d", "custom_tool_call"))
    assert [p.name for p in other.problems] == ["d"]


def test_anthropic_does_not_check_server_tool_names() -> None:
    block = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search"}
    stream = [
        anthropic_start(),
        {"type": "content_block_start", "index": 0, "content_block": block},
        {"type": "content_block_stop", "index": 0},
        *anthropic_end("end_turn"),
    ]
    acc = AnthropicMessagesAccumulator(tools=[ANTHROPIC_TOOL], strict=True)
    feed_all(acc, stream)
    acc.close()
    assert acc.problems == ()


def test_responses_resume_does_not_check_the_snapshot_again() -> None:
    acc = OpenAIResponsesAccumulator(tools=[RESPONSES_TOOL])
    stream = responses_call("g")
    feed_all(acc, stream[:2])
    assert len(acc.problems) == 1
    resumed = OpenAIResponsesAccumulator.resume(
        acc.snapshot(), sequence_number=0, tools=[RESPONSES_TOOL], strict=True
    )
    feed_all(resumed, stream[2:])
    resumed.close()
    assert resumed.problems == ()


# -- 4. parsed content for any split ---------------------------------------------------


@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
def test_content_is_parsed_only_when_a_json_format_is_asked(protocol: str) -> None:
    pieces = ['{"a": [1, ', '"x"]}']
    for fmt, parsed in [(None, None), ({"type": "json_object"}, {"a": [1, "x"]})]:
        acc = BY_PROTOCOL[protocol](response_format=fmt)
        events = feed_all(acc, text_stream(protocol, pieces))
        # each read at its event's time: a partial value is the parser's live tree
        deltas = [copy.deepcopy(e.parsed) for e in events if e.type == "content.delta"]
        (done,) = [e for e in events if e.type == "content.done"]
        assert done.parsed == parsed
        assert deltas[-1] == parsed
        if fmt is not None:
            assert deltas[0] == {"a": [1]}


@st.composite
def split_json(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(json_texts(max_leaves=12, lone_surrogates=False))
    pieces = [p for p in draw(json_deltas(text)) if p]
    return text, pieces


@pytest.mark.parametrize("via", ["feed", "feed_chunk"])
@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
@given(case=split_json())
def test_the_final_parsed_is_json_loads_of_the_final_text_for_any_split(
    protocol: str, via: str, case: tuple[str, list[str]]
) -> None:
    text, pieces = case
    acc = BY_PROTOCOL[protocol](response_format={"type": "json_object"})
    events = feed_all(acc, text_stream(protocol, pieces), via)
    partials = [e.parsed for e in events if e.type == "content.delta"]
    assert MISSING not in partials[-1:] or text.strip()[0] not in "[{"
    (done,) = [e for e in events if e.type == "content.done"]
    assert done.content == text
    assert done.parsed == json.loads(text)


# -- 4. reading parsed on every delta stays linear -------------------------------------


def _json_pieces(n: int) -> list[str]:
    doc = json.dumps({"rows": [{"k": i, "v": "abcdef"} for i in range(n)]})
    return [doc[i : i + 10] for i in range(0, len(doc), 10)]


def _read_parsed(acc: Any, payload: dict[str, Any]) -> None:
    for event in acc.feed_chunk(payload):
        if event.type in ("content.delta", "content.done"):
            event.parsed  # noqa: B018 - the lazy view is the point


def _parse_steps(protocol: str, n: int) -> Iterator[Callable[[], object]]:
    acc = BY_PROTOCOL[protocol](response_format={"type": "json_object"})
    for payload in text_stream(protocol, _json_pieces(n)):
        yield functools.partial(_read_parsed, acc, payload)
    yield acc.close


@pytest.mark.parametrize("protocol", list(BY_PROTOCOL))
def test_parsed_read_on_every_delta_is_linear(protocol: str) -> None:
    assert_linear(functools.partial(_parse_steps, protocol), 100, 16 * 100)
