"""Typed outputs in the three accumulators: classes and schemas as targets.

1. A class (pydantic model, attrs class) or a JSON Schema as
   ``response_format``: every ``content.delta`` carries the typed partial view
   (``partial``), monotone from delta to delta; ``content.done`` carries the
   validated object (``parsed``), equal to ``model_validate_json`` of the
   text; ``close()`` still returns the wire-shaped dict.
2. Tools given as classes or schemas: ``tool_calls.function.arguments.delta``
   carries the typed partial view of the named tool's arguments, the done event
   the typed arguments (``parsed_arguments``).
3. Invalid output or arguments: a problem in ``problems`` and on the done event
   (``problem``), ``parsed`` ``None`` for a class; raised at the event only
   with ``strict=True``.  A refusal is never parsed.  A class or schema that
   ``Target.of`` refuses is a ``UsageError`` at construction.
4. Property: the final typed object is the same for any split of the text.
5. Reading ``partial`` on every delta stays linear (counted work).
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
from typing import TYPE_CHECKING, Any

import attrs
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import (
    JSONStreamError,
    LengthFinishReasonError,
    UsageError,
    ValidationError,
)
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
)
from sseparse.structured import FieldStatus, Partial
from sseparse.testing import json_deltas
from tests._work import assert_linear
from tests.llm.test_formats import (
    BY_PROTOCOL,
    CUT_STREAMS,
    RESPONSE,
    anthropic_end,
    anthropic_start,
    anthropic_text,
    chat_chunk,
    feed_all,
    responses_end,
    responses_text,
    text_stream,
)
from tests.structured.test_partial import _check_member, _picture

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PROTOCOLS = list(BY_PROTOCOL)


# -- targets -------------------------------------------------------------------------


class Kind(enum.Enum):
    RETAIL = "retail"
    WHOLESALE = "wholesale"


class Line(pydantic.BaseModel):
    sku: str
    qty: int
    note: str | None = None


class Order(pydantic.BaseModel):
    id: int
    customer: str
    kind: Kind
    lines: list[Line]
    tags: list[str] = []


@attrs.frozen
class ALine:
    sku: str
    qty: int
    note: str | None = None


@attrs.frozen
class AOrder:
    id: int
    customer: str
    kind: Kind
    lines: list[ALine]
    tags: list[str] = attrs.field(factory=list)


def expected(model: type[Any], text: str) -> Any:
    """The oracle: pydantic's own validation, mapped onto the attrs classes."""
    order = Order.model_validate_json(text)
    if model is Order:
        return order
    return AOrder(
        id=order.id,
        customer=order.customer,
        kind=order.kind,
        lines=[ALine(sku=x.sku, qty=x.qty, note=x.note) for x in order.lines],
        tags=order.tags,
    )


MODELS = [Order, AOrder]
DOC = {
    "id": 7,
    "customer": "Ada Lovelace",
    "kind": "wholesale",
    "lines": [
        {"sku": "A-1", "qty": 3, "note": "fragile"},
        {"sku": "B-22", "qty": 10, "note": None},
    ],
    "tags": ["rush", "gift"],
}
TEXT = json.dumps(DOC)
SCHEMA = Order.model_json_schema()


def pieces_of(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


# -- streams of tool calls with arguments in pieces ------------------------------------


def chat_call_pieces(name: str, pieces: list[str]) -> list[Any]:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": name}}
    return [
        chat_chunk({"tool_calls": [first]}),
        *(
            chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
            for p in pieces
        ),
        chat_chunk({}, "tool_calls"),
    ]


def anthropic_call_pieces(name: str, pieces: list[str]) -> list[Any]:
    block = {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}
    return [
        anthropic_start(),
        {"type": "content_block_start", "index": 0, "content_block": block},
        *(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": p},
            }
            for p in pieces
        ),
        {"type": "content_block_stop", "index": 0},
        *anthropic_end("tool_use"),
    ]


def responses_call_pieces(name: str, pieces: list[str]) -> list[Any]:
    item = {
        "id": "fc_1",
        "type": "function_call",
        "call_id": "call_1",
        "name": name,
        "arguments": "",
        "status": "in_progress",
    }
    text = "".join(pieces)
    at = {"output_index": 0, "item_id": "fc_1"}
    return [
        {"type": "response.created", "response": dict(RESPONSE)},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        *(
            {"type": "response.function_call_arguments.delta", **at, "delta": p}
            for p in pieces
        ),
        {"type": "response.function_call_arguments.done", **at, "arguments": text},
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {**item, "arguments": text, "status": "completed"},
        },
        responses_end(),
    ]


CALL_STREAMS: dict[str, Callable[[str, list[str]], list[Any]]] = {
    "chat": chat_call_pieces,
    "anthropic": anthropic_call_pieces,
    "responses": responses_call_pieces,
}


# -- helpers -------------------------------------------------------------------------


def assert_monotone(pictures: list[Any]) -> None:
    """Each view extends the one before (statuses forward, values grown)."""
    for (old_status, old), (new_status, new) in itertools.pairwise(pictures):
        _check_member(old_status, old, new_status, new, "$")


def read_views(events: list[Any], kind: str) -> list[Any]:
    """Pictures of the typed views of the *kind* deltas.

    Read after the feed that made them; a view read late is built for its own
    event, so this is right whatever the feed order.
    """
    pictures = []
    for event in events:
        if event.type == kind:
            view = event.partial
            assert isinstance(view, Partial)
            pictures.append(_picture(view))
    return pictures


def feed_reading(acc: Any, payloads: list[Any]) -> tuple[list[Any], list[Any]]:
    """Feed payloads one by one, reading every delta's view at its event."""
    events: list[Any] = []
    pictures: list[Any] = []
    for payload in payloads:
        new = acc.feed_chunk(payload)
        for event in new:
            if event.type.endswith(".delta") and hasattr(event, "partial"):
                view = event.partial
                if view is not None:
                    pictures.append(_picture(view))
        events += new
    return events, pictures


def content_of(protocol: str, final: dict[str, Any]) -> Any:
    if protocol == "chat":
        return final["choices"][0]["message"]["content"]
    if protocol == "anthropic":
        return final["content"][0]["text"]
    return final["output"][0]["content"][0]["text"]


def only(events: list[Any], kind: str) -> Any:
    (event,) = [e for e in events if e.type == kind]
    return event


# -- 1. response_format as a class ---------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_content_partials_are_monotone_and_the_final_is_pydantics(
    protocol: str, model: type[Any]
) -> None:
    acc = BY_PROTOCOL[protocol](response_format=model)
    events, pictures = feed_reading(acc, text_stream(protocol, pieces_of(TEXT)))
    assert len(pictures) == len(pieces_of(TEXT))
    assert_monotone(pictures)
    assert pictures[0][0] is FieldStatus.STREAMING
    done = only(events, "content.done")
    assert done.parsed == expected(model, TEXT)
    assert type(done.parsed) is model
    assert done.problem is None
    final = acc.close()
    assert acc.problems == ()
    assert content_of(protocol, final) == TEXT  # the wire shape: the text
    json.dumps(final)  # and no typed object anywhere in it


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_view_shows_fields_as_they_stream_and_complete(protocol: str) -> None:
    acc = BY_PROTOCOL[protocol](response_format=Order)
    cut = TEXT.index("Lovelace")
    views = []
    for payload in text_stream(protocol, [TEXT[:cut], TEXT[cut:]]):
        for event in acc.feed_chunk(payload):
            if event.type == "content.delta":
                view = event.partial
                views.append(view)
                if len(views) == 1:
                    assert view.status is FieldStatus.STREAMING
                    assert view.get("id") == 7
                    assert view.is_final("id")
                    assert view.get("customer") == "Ada "
                    assert view.status_of("customer") is FieldStatus.STREAMING
                    assert view.status_of("lines") is FieldStatus.ABSENT
    assert views[0] is views[1]  # one live view per content
    assert views[1].status is FieldStatus.FINAL
    assert views[1].final == Order.model_validate_json(TEXT)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_view_read_late_shows_its_own_event(protocol: str) -> None:
    acc = BY_PROTOCOL[protocol](response_format=Order)
    cut = TEXT.index("Lovelace")
    events = feed_all(acc, text_stream(protocol, [TEXT[:cut], TEXT[cut:]]))
    first, last = [e for e in events if e.type == "content.delta"]
    view = last.partial
    assert view is not None
    assert view.status is FieldStatus.FINAL
    early = first.partial  # read after the whole stream: as of its event
    assert early is not None
    assert early.get("customer") == "Ada "
    assert early.status_of("lines") is FieldStatus.ABSENT


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_schema_format_gives_views_and_keeps_the_json_value(protocol: str) -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "order", "schema": SCHEMA}}
    acc = BY_PROTOCOL[protocol](response_format=fmt)
    events, pictures = feed_reading(acc, text_stream(protocol, pieces_of(TEXT)))
    assert_monotone(pictures)
    assert pictures[-1][0] is FieldStatus.FINAL
    done = only(events, "content.done")
    assert done.parsed == DOC
    assert acc.options.response_format.target is not None


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("fmt", [None, {"type": "json_object"}], ids=["none", "json"])
def test_no_class_or_schema_no_typed_view(protocol: str, fmt: Any) -> None:
    acc = BY_PROTOCOL[protocol](response_format=fmt)
    events = feed_all(acc, text_stream(protocol, pieces_of(TEXT)))
    assert {e.partial for e in events if e.type == "content.delta"} == {None}
    done = only(events, "content.done")
    assert done.problem is None
    assert done.parsed == (None if fmt is None else DOC)


# -- 2. tools as classes and schemas -------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_tool_arguments_are_typed_for_a_tool_given_as_a_class(
    protocol: str, model: type[Any]
) -> None:
    acc = BY_PROTOCOL[protocol](tools=[model])
    stream = CALL_STREAMS[protocol](model.__name__, pieces_of(TEXT))
    events, pictures = feed_reading(acc, stream)
    assert len(pictures) == len(pieces_of(TEXT))
    assert_monotone(pictures)
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments == expected(model, TEXT)
    assert done.problem is None
    assert done.complete
    acc.close()
    assert acc.problems == ()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_tool_arguments_of_a_schema_tool_are_the_json_value(protocol: str) -> None:
    tool = {**SCHEMA, "title": "place_order"}
    acc = BY_PROTOCOL[protocol](tools=[tool])
    events, pictures = feed_reading(
        acc, CALL_STREAMS[protocol]("place_order", pieces_of(TEXT))
    )
    assert_monotone(pictures)
    assert len(pictures) == len(pieces_of(TEXT))
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments == DOC


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_typed_view_for_an_unknown_tool_or_one_without_a_schema(
    protocol: str,
) -> None:
    for tools, name in [([Order], "Other"), ([{"name": "f"}], "f"), (None, "f")]:
        acc = BY_PROTOCOL[protocol](tools=tools)
        events = feed_all(acc, CALL_STREAMS[protocol](name, pieces_of(TEXT)))
        deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
        assert {e.partial for e in deltas} == {None}
        assert only(events, "tool_calls.function.arguments.done").parsed_arguments == (
            DOC
        )


def test_chat_shows_no_view_before_the_name_comes() -> None:
    acc = OpenAIChatAccumulator(tools=[Order])
    start = {"index": 0, "id": "call_1", "type": "function", "function": {}}
    pieces = pieces_of(TEXT)
    stream = [
        chat_chunk({"tool_calls": [start]}),
        chat_chunk(
            {"tool_calls": [{"index": 0, "function": {"arguments": pieces[0]}}]}
        ),
        chat_chunk({"tool_calls": [{"index": 0, "function": {"name": "Order"}}]}),
        *(
            chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
            for p in pieces[1:]
        ),
        chat_chunk({}, "tool_calls"),
    ]
    views = []
    events = []
    for payload in stream:  # each view read at its event
        for event in acc.feed_chunk(payload):
            events.append(event)
            if event.type == "tool_calls.function.arguments.delta":
                views.append(event.partial)
    assert views[0] is None  # the name was unknown then
    assert all(isinstance(view, Partial) for view in views[1:])
    last = views[-1]
    assert last is not None
    assert last.final == Order.model_validate_json(TEXT)
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments == Order.model_validate_json(TEXT)


# -- 3. invalid values, strict, refusals, refused targets ----------------------------

BAD = json.dumps({**DOC, "lines": [{"sku": "A-1", "qty": "three"}]})


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_invalid_output_is_a_problem_and_raised_only_when_strict(
    protocol: str, model: type[Any]
) -> None:
    acc = BY_PROTOCOL[protocol](response_format=model)
    events, pictures = feed_reading(acc, text_stream(protocol, pieces_of(BAD)))
    assert_monotone(pictures)
    done = only(events, "content.done")
    assert done.parsed is None
    acc.close()
    (problem,) = acc.problems
    assert problem.kind == "invalid_output"
    assert done.problem is problem
    assert isinstance(problem.error, ValidationError)
    assert "qty" in str(problem.error)
    assert "invalid_output" in repr(problem)
    assert "response_format" in problem.message
    strict = BY_PROTOCOL[protocol](response_format=model, strict=True)
    with pytest.raises(ValidationError):
        feed_all(strict, text_stream(protocol, pieces_of(BAD)))
    with pytest.raises(UsageError):  # the failure sticks
        strict.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_output_that_is_not_json_is_a_problem_not_an_exception(protocol: str) -> None:
    acc = BY_PROTOCOL[protocol](response_format=AOrder)
    events = feed_all(acc, text_stream(protocol, ["{]"]))
    done = only(events, "content.done")
    assert done.parsed is None
    (problem,) = acc.problems
    assert isinstance(problem.error, JSONStreamError)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_schema_format_reports_a_value_off_schema_and_keeps_it(
    protocol: str,
) -> None:
    acc = BY_PROTOCOL[protocol](response_format={**SCHEMA, "type": "object"})
    events = feed_all(acc, text_stream(protocol, pieces_of(BAD)))
    assert only(events, "content.done").parsed == json.loads(BAD)
    assert [p.kind for p in acc.problems] == ["invalid_output"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_invalid_arguments_are_a_problem_and_raised_only_when_strict(
    protocol: str, model: type[Any]
) -> None:
    stream = CALL_STREAMS[protocol](model.__name__, pieces_of(BAD))
    acc = BY_PROTOCOL[protocol](tools=[model])
    events = feed_all(acc, stream)
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments is None
    acc.close()
    (problem,) = acc.problems
    assert problem.kind == "invalid_arguments"
    assert problem.name == model.__name__
    assert done.problem is problem
    assert isinstance(problem.error, ValidationError)
    assert problem.error.path == ("lines", 0, "qty")
    strict = BY_PROTOCOL[protocol](tools=[model], strict=True)
    with pytest.raises(ValidationError):
        feed_all(strict, stream)


def test_an_anthropic_refusal_is_never_parsed() -> None:
    acc = AnthropicMessagesAccumulator(response_format=Order, strict=True)
    events = feed_all(acc, anthropic_text(["I can't ", "help with that."], "refusal"))
    done = only(events, "content.done")
    assert done.parsed is None
    assert done.problem is None
    assert acc.problems == ()
    assert acc.close()["content"][0]["text"] == "I can't help with that."


def test_a_chat_refusal_is_never_parsed() -> None:
    acc = OpenAIChatAccumulator(response_format=Order, strict=True)
    events = feed_all(acc, [chat_chunk({"refusal": "No."}), chat_chunk({}, "stop")])
    assert not [e for e in events if e.type.startswith("content.")]
    assert acc.problems == ()
    assert acc.close()["choices"][0]["message"]["refusal"] == "No."


@attrs.frozen
class Unsupported:
    when: complex


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    "options",
    [
        {"response_format": Unsupported},
        {"response_format": {"type": "object", "properties": {"a": {"$ref": "x"}}}},
        {"tools": [Unsupported]},
        {"tools": [{"name": "f", "parameters": {"type": "objekt"}}]},
    ],
    ids=["class-format", "schema-format", "class-tool", "schema-tool"],
)
def test_a_target_that_cannot_be_compiled_is_a_usage_error(
    protocol: str, options: dict[str, Any]
) -> None:
    with pytest.raises(UsageError, match="cannot be parsed into typed objects"):
        BY_PROTOCOL[protocol](**options)


# -- 4. the final object for any split -----------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    protocol=st.sampled_from(PROTOCOLS),
    model=st.sampled_from(MODELS),
    data=st.data(),
)
def test_the_final_object_is_the_same_for_any_split(
    protocol: str, model: type[Any], data: st.DataObject
) -> None:
    pieces = [p for p in data.draw(json_deltas(TEXT)) if p]
    acc = BY_PROTOCOL[protocol](response_format=model)
    events, pictures = feed_reading(acc, text_stream(protocol, pieces))
    assert_monotone(pictures)
    assert only(events, "content.done").parsed == expected(model, TEXT)
    calls = BY_PROTOCOL[protocol](tools=[model])
    events, pictures = feed_reading(
        calls, CALL_STREAMS[protocol](model.__name__, pieces)
    )
    assert_monotone(pictures)
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments == expected(model, TEXT)


_strings = st.text(max_size=12)
_orders = st.fixed_dictionaries(
    {
        "id": st.integers(),
        "customer": _strings,
        "kind": st.sampled_from([k.value for k in Kind]),
        "lines": st.lists(
            st.fixed_dictionaries(
                {"sku": _strings, "qty": st.integers()},
                optional={"note": st.none() | _strings},
            ),
            max_size=4,
        ),
    },
    optional={"tags": st.lists(_strings, max_size=3)},
)


@settings(max_examples=40, deadline=None)
@given(
    protocol=st.sampled_from(PROTOCOLS),
    model=st.sampled_from(MODELS),
    doc=_orders,
    ascii_only=st.booleans(),
    data=st.data(),
)
def test_any_order_in_any_split_ends_as_pydantic_validates_it(
    protocol: str,
    model: type[Any],
    doc: dict[str, Any],
    ascii_only: bool,
    data: st.DataObject,
) -> None:
    text = json.dumps(doc, ensure_ascii=ascii_only)
    pieces = [p for p in data.draw(json_deltas(text)) if p]
    acc = BY_PROTOCOL[protocol](response_format=model, strict=True)
    events, pictures = feed_reading(acc, text_stream(protocol, pieces))
    assert_monotone(pictures)
    assert only(events, "content.done").parsed == expected(model, text)


# -- 5. reading the view on every delta stays linear ---------------------------------


def _big(n: int) -> str:
    lines = [{"sku": f"S-{i}", "qty": i, "note": "abcdefgh" * 2} for i in range(n)]
    return json.dumps({**DOC, "lines": lines})


def _read_views(acc: Any, payload: dict[str, Any]) -> None:
    for event in acc.feed_chunk(payload):
        if event.type.endswith(".delta"):
            event.partial  # noqa: B018 - the lazy view is the point
        elif event.type == "content.done":
            event.parsed  # noqa: B018
        elif event.type == "tool_calls.function.arguments.done":
            event.parsed_arguments  # noqa: B018


def _steps(protocol: str, tool: bool, n: int) -> Iterator[Callable[[], object]]:
    pieces = pieces_of(_big(n), 10)
    if tool:
        acc = BY_PROTOCOL[protocol](tools=[AOrder])
        stream = CALL_STREAMS[protocol]("AOrder", pieces)
    else:
        acc = BY_PROTOCOL[protocol](response_format=Order)
        stream = text_stream(protocol, pieces)
    for payload in stream:
        yield functools.partial(_read_views, acc, payload)
    yield acc.close


@pytest.mark.parametrize("tool", [False, True], ids=["content", "tool"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_partial_read_on_every_delta_is_linear(protocol: str, tool: bool) -> None:
    assert_linear(functools.partial(_steps, protocol, tool), 20, 16 * 20)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_cut_output_is_the_finish_errors_not_a_problem(protocol: str) -> None:
    stream = next(s for p, s, _ in CUT_STREAMS if p == protocol)
    acc = BY_PROTOCOL[protocol](response_format=Order, strict=True)
    events = feed_all(acc, stream)
    assert only(events, "content.done").parsed is None
    with pytest.raises(LengthFinishReasonError):
        acc.close()
    assert acc.problems == ()


def test_a_responses_correction_keeps_the_target() -> None:
    acc = OpenAIResponsesAccumulator(response_format=Order)
    stream = responses_text(pieces_of(BAD))
    (done_at,) = [
        i for i, p in enumerate(stream) if p["type"] == "response.output_text.done"
    ]
    stream[done_at] = {**stream[done_at], "text": TEXT}  # the authoritative text
    events = feed_all(acc, stream)
    assert [e.type for e in events].count("correction") >= 1
    done = only(events, "content.done")
    assert done.content == TEXT
    assert done.parsed == Order.model_validate_json(TEXT)
    assert acc.problems == ()


def test_chat_choices_are_typed_each_on_its_own() -> None:
    acc = OpenAIChatAccumulator(response_format=AOrder)
    first, second = pieces_of(TEXT), pieces_of(BAD)
    chunks = []
    for i in range(max(len(first), len(second))):
        choices = [
            {"index": n, "delta": {"content": pieces[i]}, "finish_reason": None}
            for n, pieces in enumerate([first, second])
            if i < len(pieces)
        ]
        chunks.append({**chat_chunk({}), "choices": choices})
    stops: list[dict[str, Any]] = [
        {"index": n, "delta": {}, "finish_reason": "stop"} for n in (0, 1)
    ]
    chunks.append({**chat_chunk({}), "choices": stops})
    events, pictures = feed_reading(acc, chunks)
    assert len(pictures) == len(first) + len(second)
    done = [e for e in events if e.type == "content.done"]
    assert [e.choice_index for e in done] == [0, 1]
    assert done[0].parsed == expected(AOrder, TEXT)
    assert done[1].parsed is None
    (problem,) = acc.problems
    assert (problem.choice_index, problem.kind) == (1, "invalid_output")


def test_chat_legacy_function_call_is_typed() -> None:
    acc = OpenAIChatAccumulator(tools=[Order])
    pieces = pieces_of(TEXT)
    stream = [
        chat_chunk({"function_call": {"name": "Order", "arguments": pieces[0]}}),
        *(chat_chunk({"function_call": {"arguments": p}}) for p in pieces[1:]),
        chat_chunk({}, "function_call"),
    ]
    events, pictures = feed_reading(acc, stream)
    assert len(pictures) == len(pieces)
    assert_monotone(pictures)
    done = only(events, "tool_calls.function.arguments.done")
    assert done.parsed_arguments == Order.model_validate_json(TEXT)
