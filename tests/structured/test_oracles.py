"""Final typed objects against pinned oracles: pydantic, openai's and anthropic's.

``openai``, ``anthropic`` and ``pydantic`` are pinned in the ``test`` extra and
used here only as oracles.  The documents are ``Order``s of
``tests/structured/models.py`` (nested records, optional fields, a discriminated
union, an enum, literals, lists, tuples, a map, a datetime, defaults), drawn by
hypothesis as pydantic instances and written as JSON by ``model_dump_json`` (or
rewritten: keys shuffled, defaults left out, integral floats as integers,
whitespace), then cut into random deltas.

1. pydantic.  The text, streamed through our whole pipeline (chat SSE bytes,
   ``SSEDecoder``, ``OpenAIChatAccumulator``, each content delta into a
   ``JSONStreamParser`` and a ``Target.partial`` tracker), is read every way
   (see the end); each equals, type for type (``exact``), pydantic's own
   result on the same text:
   ``POrder.model_validate_json``; ``TypeAdapter(DOrder / TOrder)
   .validate_json`` for the dataclass and TypedDict kinds; the same result as
   ``POrder``'s, record for record, for the attrs kind (pydantic has no attrs
   support); and, for the JSON Schema dict (validated, not converted: it
   keeps date-times as strings, arrays as lists and a ``number`` that came as
   an integer as an integer), ``json.loads`` of the text.
   A table of edge values checks that our non-pydantic targets accept what
   pydantic's *strict* JSON mode accepts, and give the same value
   (``test_edge_values_follow_pydantic_strict_json``); where they differ by
   design it is information (``PYDANTIC_DIFFERS``).
2. openai chat.  openai's own ``ChatCompletionStreamState(response_format=
   POrder, input_tools=[pydantic_function_tool(POrder)])`` fed the same chunks
   as ``openai``'s ``Stream`` builds them (``construct_type`` of each
   ``data:``): ``message.parsed`` and the tool call's ``parsed_arguments``
   equal ours.  A refusal is parsed by neither; a ``length`` /
   ``content_filter`` finish is an error on both sides.
3. openai Responses.  ``ResponseStream(text_format=POrder, input_tools=
   [pydantic_responses_function_tool(POrder)])`` over a ``Stream`` of the same
   bytes: ``get_final_response().output_parsed`` and the function call's
   ``parsed_arguments`` equal ours.
4. anthropic.  ``MessageStream(raw, output_format=POrder)``: its final text
   block's ``parsed_output`` (``TypeAdapter(POrder).validate_json`` at
   ``content_block_stop``) equals ours.  anthropic 2.17.0 has no typed parse of
   tool input in its stream helpers: its ``tool_use`` input (jiter's JSON
   value) equals ``json.loads`` of the arguments, and our typed arguments
   equal ``POrder.model_validate_json`` of them.

Where an oracle differs by design or is wrong (``ORACLE_DIFFERS``): information
printed at the end of the run (``info_report``); a documented difference that
no longer shows is an ``OracleChanged`` warning, never a failure.  What we do on
those streams is asserted.

Ours is read every way it can be: the accumulator's own typed events
(``ContentDone.parsed``, the last ``ContentDelta.partial`` view's final, the
same two for tool arguments; ``problem`` and ``problems`` for invalid ones),
and, composed by hand, ``Target.of(Model)`` over the accumulator's final text
and over a tracker fed its content deltas.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import itertools
import json
import random
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import anthropic
import attrs
import httpx2
import openai
import pydantic
import pytest
from anthropic._streaming import Stream as AnthropicStream
from anthropic.lib.streaming import MessageStream
from anthropic.types import RawMessageStreamEvent
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._models import construct_type
from openai._streaming import Stream as OpenAIStream
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.responses import ResponseStream
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent
from typing_extensions import NotRequired, TypedDict

from sseparse import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    SSEDecoder,
    ValidationError,
)
from sseparse.jsonstream import JSONStreamParser
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    ContentDelta,
    ContentDone,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
)
from sseparse.structured import FieldStatus, Target
from tests.structured.models import (
    DOC,
    ORDER_SCHEMA,
    SMALL,
    Color,
    DOrder,
    Order,
    PCat,
    PDog,
    PItem,
    POrder,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

UTC = datetime.timezone.utc
ANTHROPIC_DATA = Path(__file__).resolve().parent.parent / "data" / "anthropic_messages"


# ``models.TOrder`` again, from ``typing_extensions``: pydantic refuses
# ``typing.TypedDict`` before Python 3.12.
class TItem(TypedDict):
    name: str
    qty: NotRequired[int]
    tags: NotRequired[list[str]]


class TCat(TypedDict):
    kind: Literal["cat"]
    lives: int


class TDog(TypedDict):
    kind: Literal["dog"]
    bark: str


class TOrder(TypedDict):
    id: int
    title: str
    price: float
    paid: bool
    when: datetime.datetime
    color: Color
    status: Literal["new", "done"]
    items: list[TItem]
    pet: TCat | TDog
    pair: tuple[int, str]
    rest: tuple[int, ...]
    scores: dict[str, float]
    note: NotRequired[str | None]
    parent: NotRequired[TItem | None]


@functools.cache
def adapter(target: Any) -> pydantic.TypeAdapter[Any]:
    """pydantic's ``TypeAdapter`` of *target*, built once."""
    return pydantic.TypeAdapter(target)


TOOL = openai.pydantic_function_tool(POrder)
RESPONSES_TOOL = openai.pydantic_responses_function_tool(POrder)


class OracleChanged(UserWarning):
    """A pinned oracle no longer shows a difference this file documents."""


# --------------------------------------------------------------------------- #
# comparing typed values exactly
# --------------------------------------------------------------------------- #

# The attrs kind's classes under the pydantic kind's names, to compare the two.
_SAME_RECORD = {"Order": "POrder", "Item": "PItem", "Cat": "PCat", "Dog": "PDog"}


def exact(value: Any) -> Any:
    """*value* as a tree that keeps every type: ``12`` and ``12.0`` differ.

    Records (pydantic, attrs, dataclass) become ``("record", class name,
    fields)``, the attrs classes named as their pydantic twins; a list and a
    tuple differ; datetimes keep their UTC offset; floats compare by ``repr``.
    """
    if isinstance(value, pydantic.BaseModel):
        names = type(value).model_fields
        return _record(value, names)
    if attrs.has(type(value)):
        return _record(value, [f.name for f in attrs.fields(type(value))])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value, [f.name for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return ("dict", {k: exact(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return (type(value).__name__, [exact(v) for v in value])
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__name__, value.value)
    if isinstance(value, datetime.datetime):
        return ("datetime", value.replace(tzinfo=None).isoformat(), value.utcoffset())
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


def _record(value: Any, names: Iterable[str]) -> Any:
    name = type(value).__name__
    fields = {n: exact(getattr(value, n)) for n in names}
    return ("record", _SAME_RECORD.get(name, name), fields)


# --------------------------------------------------------------------------- #
# documents
# --------------------------------------------------------------------------- #

_texts = st.text(max_size=12)
_ints = st.integers(min_value=-(10**20), max_value=10**20)
# Integral floats often: rewritten as JSON integers, they test int -> float.
_floats = st.integers(-(2**53), 2**53).map(float) | st.floats(
    allow_nan=False, allow_infinity=False
)
_zones = (
    st.none()
    | st.just(UTC)
    | st.builds(
        datetime.timezone,
        st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
            lambda m: datetime.timedelta(minutes=m)
        ),
    )
)
_items = st.builds(
    PItem,
    name=_texts,
    qty=_ints,
    tags=st.lists(_texts, max_size=3),
)
_pets = st.builds(PCat, kind=st.just("cat"), lives=_ints) | st.builds(
    PDog, kind=st.just("dog"), bark=_texts
)
orders = st.builds(
    POrder,
    id=_ints,
    title=_texts,
    price=_floats,
    paid=st.booleans(),
    when=st.datetimes(timezones=_zones),
    color=st.sampled_from(Color),
    status=st.sampled_from(["new", "done"]),
    items=st.lists(_items, max_size=3),
    pet=_pets,
    pair=st.tuples(_ints, _texts),
    rest=st.lists(_ints, max_size=4).map(tuple),
    scores=st.dictionaries(_texts, _floats, max_size=3),
    note=st.none() | _texts,
    parent=st.none() | _items,
)


@st.composite
def order_texts(draw: st.DrawFn) -> str:
    """An ``Order`` as JSON: ``model_dump_json``, or the same rewritten."""
    order = draw(orders)
    how = draw(st.sampled_from(["dump", "no-defaults", "rewritten"]))
    if how == "dump":
        return order.model_dump_json()
    if how == "no-defaults":
        return order.model_dump_json(exclude_defaults=True)
    value = json.loads(order.model_dump_json(exclude_defaults=draw(st.booleans())))
    rng = random.Random(draw(st.integers(0, 2**32)))
    return json.dumps(
        _rewritten(value, rng),
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 0, 2])),
    )


def _rewritten(value: Any, rng: random.Random) -> Any:
    """*value* with keys shuffled and integral floats as integers."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _rewritten(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_rewritten(v, rng) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@st.composite
def cut(draw: st.DrawFn, text: str) -> list[str]:
    """*text* in random non-empty pieces."""
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1))))))
    bounds = [0, *[c for c in cuts if c < len(text)], len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


@st.composite
def twice_cut(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """An ``Order``'s text, cut once for content and once for tool arguments."""
    text = draw(order_texts())
    return text, draw(cut(text)), draw(cut(text))


# --------------------------------------------------------------------------- #
# chat streams, and each side's run over them
# --------------------------------------------------------------------------- #

_HEAD = {
    "id": "chatcmpl-oracle",
    "object": "chat.completion.chunk",
    "created": 1_796_000_000,
    "model": "gpt-4.1-2025-04-14",
}


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return {**_HEAD, "choices": [choice]}


def chat_payloads(
    content: list[str] | None = None,
    arguments: list[str] | None = None,
    *,
    refusal: list[str] | None = None,
    finish: str = "stop",
) -> list[dict[str, Any]]:
    """The ``data:`` payloads of a chat stream: content, then one tool call."""
    out = [_chunk({"role": "assistant", "content": "", "refusal": None})]
    out += [_chunk({"content": piece}) for piece in content or []]
    out += [_chunk({"refusal": piece}) for piece in refusal or []]
    if arguments is not None:
        call = {"name": "POrder", "arguments": ""}
        first = {"index": 0, "id": "call_1", "type": "function", "function": call}
        out.append(_chunk({"tool_calls": [first]}))
        for piece in arguments:
            more = {"index": 0, "function": {"arguments": piece}}
            out.append(_chunk({"tool_calls": [more]}))
    out.append(_chunk({}, finish))
    return out


def sse(payloads: Iterable[dict[str, Any]], *, done: bool = True) -> bytes:
    """*payloads* as the bytes of an SSE stream (``[DONE]`` at the end)."""
    out = b"".join(
        b"data: " + json.dumps(p, ensure_ascii=False).encode() + b"\n\n"
        for p in payloads
    )
    return out + (b"data: [DONE]\n\n" if done else b"")


@dataclass
class Ours:
    """What sseparse made of one stream with ``response_format=target``."""

    tracked: Any  # the tracker's view.final over the content deltas
    composed: Any  # Target.validate_json of the final content
    events: list[Any]
    final: Any  # close()'s result, or what it raised
    problems: tuple[Any, ...]  # the accumulator's problems after close()


def run_ours(acc: Any, target: Any, body: bytes, *, tracked: bool = True) -> Ours:
    """Feed *body* to *acc*, content deltas to a tracker of *target*."""
    compiled = Target.of(target)
    parser = JSONStreamParser()
    tracker = compiled.partial(parser)
    events: list[Any] = []
    for event in SSEDecoder().feed(body):
        for ev in acc.feed(event):
            events.append(ev)
            if tracked and isinstance(ev, ContentDelta) and ev.delta:
                parser.feed(ev.delta)
                tracker.update()
    try:
        final = acc.close()
    except Exception as exc:  # what close() raises is the observation
        return Ours(None, None, events, exc, acc.problems)
    content = _content_of(final)
    composed: Any = None
    if content:  # a refusal leaves it "" (or None)
        if tracked:
            parser.close()
            tracker.update()
        try:
            composed = compiled.validate_json(content)
        except (ValidationError, ValueError) as exc:  # ValueError: not JSON
            composed = exc
    view = tracker.view
    shown = view.final if view.status is FieldStatus.FINAL else view.status
    return Ours(shown if tracked else None, composed, events, final, acc.problems)


def _content_of(final: dict[str, Any]) -> str | None:
    """The text of a chat, Responses or Anthropic final, whichever it is."""
    if "choices" in final:
        content: str | None = final["choices"][0]["message"].get("content")
        return content
    if final.get("object") == "response":
        for item in final["output"]:
            if item["type"] == "message":
                text: str = item["content"][0]["text"]
                return text
        return None
    for block in final["content"]:
        if block["type"] == "text":
            block_text: str = block["text"]
            return block_text
    return None


def _typed_done(ours: Ours) -> list[Any]:
    """What the accumulator's own typed events give as the final object.

    ``ContentDone.parsed`` (exactly one) and the ``.partial`` view of the last
    ``ContentDelta``, final by then.
    """
    (done,) = [e.parsed for e in ours.events if isinstance(e, ContentDone)]
    deltas = [e for e in ours.events if isinstance(e, ContentDelta)]
    view = deltas[-1].partial
    assert view is not None
    return [done, view.final]


def _typed_arguments(ours: Ours) -> Any:
    """The one ``ToolCallArgumentsDone.parsed_arguments``, and the last
    ``ToolCallArgumentsDelta.partial`` view's final."""
    (done,) = [
        e.parsed_arguments for e in ours.events if isinstance(e, ToolCallArgumentsDone)
    ]
    deltas = [e for e in ours.events if isinstance(e, ToolCallArgumentsDelta)]
    view = deltas[-1].partial
    assert view is not None
    return [done, view.final]


def openai_chat(payloads: list[dict[str, Any]]) -> Any:
    """openai's final ``ParsedChatCompletion`` over *payloads*, or what it raised."""
    state: Any = ChatCompletionStreamState(response_format=POrder, input_tools=[TOOL])
    try:
        for payload in payloads:
            # what openai's Stream does with each data: line
            state.handle_chunk(construct_type(type_=ChatCompletionChunk, value=payload))
        return state.get_final_completion()
    except Exception as exc:  # openai's failure is the observation
        return exc


def ours_chat(payloads: list[dict[str, Any]]) -> Ours:
    acc = OpenAIChatAccumulator(response_format=POrder, tools=[POrder])
    return run_ours(acc, POrder, sse(payloads))


def assert_agrees(ours: Ours, parsed: Any, arguments: Any, composed: Any) -> None:
    """Ours, each way it can be read, equals the oracle's objects, type for type.

    *parsed* is the oracle's final content object, *arguments* its tool call's
    arguments; *composed* is ``Target.of(POrder)`` over our final arguments.
    """
    assert isinstance(parsed, POrder)
    assert exact(ours.tracked) == exact(parsed)
    assert exact(ours.composed) == exact(parsed)
    for done in _typed_done(ours):
        assert exact(done) == exact(parsed)
    assert isinstance(arguments, POrder)
    assert exact(composed) == exact(arguments)
    for typed in _typed_arguments(ours):
        assert exact(typed) == exact(arguments)


def _arguments(ours: Ours) -> Any:
    """``Target.of(POrder)`` over the final tool call's arguments."""
    calls = ours.final["choices"][0]["message"].get("tool_calls") or []
    return Target.of(POrder).validate_json(calls[0]["function"]["arguments"])


# --------------------------------------------------------------------------- #
# 1. pydantic
# --------------------------------------------------------------------------- #


def _stream_through_chat(target: Any, pieces: list[str]) -> Ours:
    acc = OpenAIChatAccumulator(response_format=target)
    return run_ours(acc, target, sse(chat_payloads(pieces)))


@given(st.data())
def test_pipeline_final_equals_pydantic(data: st.DataObject) -> None:
    """Every target kind, streamed in random deltas, equals pydantic's result."""
    text = data.draw(order_texts(), "text")
    pieces = data.draw(cut(text), "pieces")
    expected = {
        POrder: POrder.model_validate_json(text),
        DOrder: adapter(DOrder).validate_json(text),
        TOrder: adapter(TOrder).validate_json(text),
    }
    expected[Order] = expected[POrder]  # no attrs in pydantic: the twin's result
    for target, want in expected.items():
        ours = _stream_through_chat(target, pieces)
        assert exact(ours.tracked) == exact(want), target
        assert exact(ours.composed) == exact(want), target
        for done in _typed_done(ours):
            assert exact(done) == exact(want), target
    # A JSON Schema gives the JSON value as it came (ORDER_SCHEMA has no
    # defaults): date-times as strings, arrays as lists, integers as integers.
    ours = _stream_through_chat(ORDER_SCHEMA, pieces)
    assert exact(ours.tracked) == exact(json.loads(text))
    assert exact(ours.composed) == exact(json.loads(text))
    for done in _typed_done(ours):
        assert exact(done) == exact(json.loads(text))


def test_fixed_documents_equal_pydantic() -> None:
    """The two documents of ``models.py``, in 5-character deltas."""
    for doc in (DOC, SMALL):
        text = json.dumps(doc)
        pieces = [text[i : i + 5] for i in range(0, len(text), 5)]
        ours = _stream_through_chat(POrder, pieces)
        assert exact(ours.tracked) == exact(POrder.model_validate_json(text))
        ours = _stream_through_chat(DOrder, pieces)
        want = adapter(DOrder).validate_json(text)
        assert exact(ours.tracked) == exact(want)
        assert type(ours.tracked.price) is float


# -- edge values against pydantic's strict JSON mode ----------------------------

# (JSON field value, field) put into SMALL; each valid or not for both sides.
EDGES: list[tuple[str, Any]] = [
    ("price", 3),
    ("price", -0.0),
    ("price", 1e308),
    ("price", True),
    ("price", "1.5"),
    ("id", 1.0),
    ("id", 10**30),
    ("id", True),
    ("id", "7"),
    ("paid", 1),
    ("paid", "true"),
    ("title", 5),
    ("title", None),
    ("note", None),
    ("note", 3),
    ("color", "blue"),
    ("color", "RED"),
    ("status", "New"),
    ("when", "2024-05-06T07:08:09+05:30"),
    ("when", "2024-05-06T07:08:09.5"),
    ("when", "2024-05-06 07:08:09"),
    ("when", "2024-05-06"),
    ("when", "20240506T070809"),
    ("when", "2024-W19-1T07:08:09"),
    ("when", "2024-05-06T24:00:00"),
    ("when", "2024-05-06T07:08:09.123456789"),
    ("when", 1_714_979_289),
    ("when", "yesterday"),
    ("pair", [1, "a", 2]),
    ("pair", [1]),
    ("pair", ["1", "a"]),
    ("rest", [1, 2.0]),
    ("scores", {"a": "1"}),
    ("scores", {"a": None}),
    ("items", [{"qty": 2}]),
    ("items", [{"name": "x", "qty": 2, "extra": 1}]),
    ("pet", {"kind": "bird"}),
    ("pet", {"kind": "cat", "lives": "9"}),
    ("pet", {"lives": 9}),
    ("parent", None),
    ("parent", []),
]

# Where our non-pydantic targets differ from pydantic's strict JSON mode by
# design: (field, JSON value) -> why.  Information, never a failure.
_ISO = "we take what datetime.fromisoformat takes (Python 3.11+)"
PYDANTIC_DIFFERS: dict[tuple[str, str], str] = {
    ("when", '"2024-05-06"'): f"{_ISO}; a date alone is midnight, as pydantic lax",
    ("when", '"20240506T070809"'): f"{_ISO}: ISO 8601 basic format",
    ("when", '"2024-W19-1T07:08:09"'): f"{_ISO}: ISO 8601 week date",
}


def _edge_doc(field: str, value: Any) -> str:
    return json.dumps({**SMALL, field: value})


def _outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", exact(run())
    except (pydantic.ValidationError, ValidationError) as exc:
        return "invalid", type(exc).__name__


@pytest.mark.parametrize(("field", "value"), EDGES, ids=repr)
@pytest.mark.parametrize("target", [DOrder, TOrder], ids=lambda t: t.__name__)
def test_edge_values_follow_pydantic_strict_json(
    target: Any, field: str, value: Any, info_report: Callable[[str, str], None]
) -> None:
    """Our own validation accepts what pydantic's strict JSON mode accepts."""
    text = _edge_doc(field, value)
    theirs = _outcome(lambda: adapter(target).validate_json(text, strict=True))
    ours = _outcome(lambda: Target.of(target).validate_json(text))
    key = (field, json.dumps(value))
    if key in PYDANTIC_DIFFERS:
        info_report(
            f"pydantic strict JSON vs {target.__name__} on {field}={key[1]}",
            f"{PYDANTIC_DIFFERS[key]}: pydantic {theirs[0]}, ours {ours[0]}",
        )
        if ours[0] == theirs[0]:
            warnings.warn(
                OracleChanged(
                    f"pydantic now agrees on {field}={key[1]} ({theirs[0]}); "
                    "remove it from PYDANTIC_DIFFERS"
                ),
                stacklevel=1,
            )
        return
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "ok":
        assert ours == theirs
    # Streamed in 3-character deltas, the tracker settles the same way.
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]
    tracked = _stream_through_chat(target, pieces)
    if ours[0] == "ok":
        assert exact(tracked.tracked) == ours[1]
        assert [exact(done) for done in _typed_done(tracked)] == [ours[1]] * 2
    else:
        assert tracked.tracked is FieldStatus.INVALID
        (done,) = [e for e in tracked.events if isinstance(e, ContentDone)]
        assert done.parsed is None
        assert done.problem is not None


# --------------------------------------------------------------------------- #
# 2. openai chat
# --------------------------------------------------------------------------- #


@settings(max_examples=100)
@given(twice_cut())
def test_chat_parsed_equals_openai(drawn: tuple[str, list[str], list[str]]) -> None:
    """Content and tool arguments: openai's ``parsed`` equals ours."""
    _, content, arguments = drawn
    payloads = chat_payloads(content, arguments)
    theirs = openai_chat(payloads)
    message = theirs.choices[0].message
    ours = ours_chat(payloads)
    parsed_arguments = message.tool_calls[0].function.parsed_arguments
    assert_agrees(ours, message.parsed, parsed_arguments, _arguments(ours))


def test_chat_refusal_is_parsed_by_neither() -> None:
    payloads = chat_payloads(refusal=["I can't ", "help with that."])
    message = openai_chat(payloads).choices[0].message
    assert message.parsed is None
    assert message.refusal == "I can't help with that."
    ours = ours_chat(payloads)
    assert ours.final["choices"][0]["message"]["refusal"] == message.refusal
    assert ours.composed is None
    assert not [e for e in ours.events if isinstance(e, ContentDone)]


@pytest.mark.parametrize(
    ("finish", "theirs", "error"),
    [
        ("length", openai.LengthFinishReasonError, LengthFinishReasonError),
        (
            "content_filter",
            openai.ContentFilterFinishReasonError,
            ContentFilterFinishReasonError,
        ),
    ],
)
def test_chat_cut_finish_is_an_error_on_both_sides(
    finish: str, theirs: type[Exception], error: type[Exception]
) -> None:
    text = POrder.model_validate(DOC).model_dump_json()
    payloads = chat_payloads([text[:40], text[40:60]], finish=finish)
    assert isinstance(openai_chat(payloads), theirs)
    assert isinstance(ours_chat(payloads).final, error)


# --------------------------------------------------------------------------- #
# 3. openai Responses
# --------------------------------------------------------------------------- #

_RESPONSE = {
    "id": "resp_oracle",
    "object": "response",
    "created_at": 1_796_000_000,
    "model": "gpt-4.1-2025-04-14",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "text": {"format": {"type": "text"}},
    "error": None,
    "incomplete_details": None,
    "usage": None,
}


def responses_events(
    content: list[str] | None,
    arguments: list[str] | None = None,
    *,
    phase: str | None = None,
) -> list[dict[str, Any]]:
    """The events of a Responses stream: one message, then one function call."""
    out: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**_RESPONSE, "status": "in_progress"}}
    ]
    items: list[dict[str, Any]] = []
    if content is not None:
        text = "".join(content)
        where = {"item_id": "msg_1", "output_index": len(items), "content_index": 0}
        message: dict[str, Any] = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        if phase is not None:
            message["phase"] = phase
        empty = {"type": "output_text", "text": "", "annotations": []}
        part = {**empty, "text": text}
        out.append(
            {
                "type": "response.output_item.added",
                "output_index": len(items),
                "item": message,
            }
        )
        out.append({"type": "response.content_part.added", **where, "part": empty})
        out += [
            {"type": "response.output_text.delta", **where, "delta": d, "logprobs": []}
            for d in content
        ]
        out.append(
            {"type": "response.output_text.done", **where, "text": text, "logprobs": []}
        )
        out.append({"type": "response.content_part.done", **where, "part": part})
        done = {**message, "status": "completed", "content": [part]}
        out.append(
            {
                "type": "response.output_item.done",
                "output_index": len(items),
                "item": done,
            }
        )
        items.append(done)
    if arguments is not None:
        args = "".join(arguments)
        call = {
            "id": "fc_1",
            "type": "function_call",
            "status": "in_progress",
            "arguments": "",
            "call_id": "call_1",
            "name": "POrder",
        }
        where = {"item_id": "fc_1", "output_index": len(items)}
        out.append(
            {
                "type": "response.output_item.added",
                "output_index": len(items),
                "item": call,
            }
        )
        out += [
            {"type": "response.function_call_arguments.delta", **where, "delta": d}
            for d in arguments
        ]
        out.append(
            {
                "type": "response.function_call_arguments.done",
                **where,
                "arguments": args,
            }
        )
        done = {**call, "status": "completed", "arguments": args}
        out.append(
            {
                "type": "response.output_item.done",
                "output_index": len(items),
                "item": done,
            }
        )
        items.append(done)
    completed = {**_RESPONSE, "status": "completed", "output": items}
    out.append({"type": "response.completed", "response": completed})
    return [{**e, "sequence_number": n} for n, e in enumerate(out)]


def named_sse(events: list[dict[str, Any]]) -> bytes:
    """*events* as SSE bytes, each with its `event:` name (Responses, Anthropic)."""
    return b"".join(
        f"event: {e['type']}\n".encode()
        + b"data: "
        + json.dumps(e, ensure_ascii=False).encode()
        + b"\n\n"
        for e in events
    )


@functools.cache
def _openai_client() -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", max_retries=0)


def _http(body: bytes, url: str) -> httpx2.Response:
    """A 200 ``text/event-stream`` response whose body is *body*."""
    return httpx2.Response(
        200,
        content=body,
        headers={"content-type": "text/event-stream"},
        request=httpx2.Request("POST", url),
    )


def _drain(stream: Any, final: Callable[[], Any]) -> Any:
    """Iterate *stream* to its end, then ``final()``; or what either raised."""
    try:
        for _ in stream:
            pass
        return final()
    except Exception as exc:  # the oracle's failure is the observation
        return exc


def openai_responses(body: bytes) -> Any:
    """openai's ``ParsedResponse`` over *body* (``responses.stream``'s path)."""
    raw: Any = OpenAIStream(
        cast_to=cast("Any", ResponseStreamEvent),
        response=_http(body, "https://api.openai.com/v1/responses"),
        client=_openai_client(),
    )
    stream: Any = ResponseStream(
        raw_stream=raw,
        text_format=POrder,
        input_tools=[RESPONSES_TOOL],
        starting_after=None,
    )
    return _drain(stream, stream.get_final_response)


def ours_responses(body: bytes) -> Ours:
    acc = OpenAIResponsesAccumulator(response_format=POrder, tools=[POrder])
    return run_ours(acc, POrder, body)


def _call_arguments(final: dict[str, Any]) -> Any:
    for item in final["output"]:
        if item["type"] == "function_call":
            return Target.of(POrder).validate_json(item["arguments"])
    return None


@settings(max_examples=100)
@given(twice_cut())
def test_responses_parsed_equals_openai(
    drawn: tuple[str, list[str], list[str]],
) -> None:
    """``output_parsed`` and the call's ``parsed_arguments`` equal ours."""
    _, content, arguments = drawn
    body = named_sse(responses_events(content, arguments))
    theirs = openai_responses(body)
    ours = ours_responses(body)
    parsed_arguments = theirs.output[1].parsed_arguments
    assert_agrees(
        ours, theirs.output_parsed, parsed_arguments, _call_arguments(ours.final)
    )


# --------------------------------------------------------------------------- #
# 4. anthropic
# --------------------------------------------------------------------------- #


def anthropic_events(
    content: list[str], arguments: list[str] | None = None
) -> list[dict[str, Any]]:
    """The events of a Messages stream: one text block, then one tool_use block."""
    message: dict[str, Any] = {
        "id": "msg_oracle",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    out: list[dict[str, Any]] = [{"type": "message_start", "message": message}]
    text_block = {"type": "text", "text": ""}
    out.append({"type": "content_block_start", "index": 0, "content_block": text_block})
    out += [
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": d},
        }
        for d in content
    ]
    out.append({"type": "content_block_stop", "index": 0})
    if arguments is not None:
        use = {"type": "tool_use", "id": "toolu_1", "name": "POrder", "input": {}}
        out.append({"type": "content_block_start", "index": 1, "content_block": use})
        out += [
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": d},
            }
            for d in arguments
        ]
        out.append({"type": "content_block_stop", "index": 1})
    stop = "tool_use" if arguments is not None else "end_turn"
    out.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": 20},
        }
    )
    out.append({"type": "message_stop"})
    return out


@functools.cache
def _anthropic_client() -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-ant-test", max_retries=0)


def anthropic_message(body: bytes, output_format: type = POrder) -> Any:
    """anthropic's ``ParsedMessage`` over *body* (``messages.stream``'s path)."""
    raw: Any = AnthropicStream(
        cast_to=cast("Any", RawMessageStreamEvent),
        response=_http(body, "https://api.anthropic.com/v1/messages"),
        client=_anthropic_client(),
    )
    stream: Any = MessageStream(raw, output_format=output_format)
    return _drain(stream, stream.get_final_message)


def ours_anthropic(body: bytes) -> Ours:
    acc = AnthropicMessagesAccumulator(response_format=POrder, tools=[POrder])
    return run_ours(acc, POrder, body)


@settings(max_examples=100)
@given(twice_cut())
def test_anthropic_parsed_output_equals_ours(
    drawn: tuple[str, list[str], list[str]],
) -> None:
    """The text block's ``parsed_output`` equals ours; tool input, as JSON."""
    text, content, pieces = drawn
    body = named_sse(anthropic_events(content, pieces))
    theirs = anthropic_message(body)
    ours = ours_anthropic(body)
    # No typed tool input in anthropic's stream helpers: its input is the JSON
    # value (jiter's); ours validated is compared with pydantic's.
    assert theirs.content[1].input == json.loads(text)
    arguments = Target.of(POrder).validate(ours.final["content"][1]["input"])
    want = POrder.model_validate_json(text)
    assert_agrees(ours, theirs.parsed_output, want, arguments)


class City(pydantic.BaseModel):
    """The ``output_format`` of the recorded Anthropic streams."""

    city: str
    tags: list[str]
    population: int
    capital: bool


def recorded_anthropic(name: str) -> bytes:
    return (ANTHROPIC_DATA / f"{name}.sse").read_bytes()


def ours_recorded(name: str) -> Ours:
    """Ours over a recorded Anthropic stream, with ``City`` as the format."""
    acc = AnthropicMessagesAccumulator(response_format=City)
    body = recorded_anthropic(name)
    return run_ours(acc, City, body, tracked=name == "output_format_json")


def test_recorded_anthropic_output_format_agrees() -> None:
    theirs = anthropic_message(recorded_anthropic("output_format_json"), City)
    assert isinstance(theirs.parsed_output, City)
    ours = ours_recorded("output_format_json")
    assert exact(ours.tracked) == exact(theirs.parsed_output)
    assert exact(ours.composed) == exact(theirs.parsed_output)
    for done in _typed_done(ours):
        assert exact(done) == exact(theirs.parsed_output)


# --------------------------------------------------------------------------- #
# 5. where the oracles differ
# --------------------------------------------------------------------------- #

_GOOD = POrder.model_validate(DOC).model_dump_json()
_BAD = json.dumps({**SMALL, "id": "seven"})  # valid JSON, an invalid field


def _raises_pydantic(result: Any) -> bool:
    return isinstance(result, pydantic.ValidationError)


def _reported(ours: Ours, *, tracked: bool = True) -> str:
    """Assert that *ours* finished and reported the invalid field; say how."""
    assert isinstance(ours.final, dict), ours.final
    assert isinstance(ours.composed, ValidationError)
    assert ours.composed.path == ("id",)
    if tracked:
        assert ours.tracked is FieldStatus.INVALID
    (done,) = [e for e in ours.events if isinstance(e, ContentDone)]
    assert done.parsed is None
    problem = done.problem
    assert problem is not None
    assert problem.kind == "invalid_output"
    assert isinstance(problem.error, ValidationError)
    assert problem.error.path == ("id",)
    assert problem in ours.problems
    return "close() returns the final; ContentDone.problem names $.id"


def _unknown_tool() -> list[dict[str, Any]]:
    payloads = chat_payloads(None, [_GOOD])
    for payload in payloads:
        for call in payload["choices"][0]["delta"].get("tool_calls", []):
            if "name" in call["function"]:
                call["function"]["name"] = "Other"
    return payloads


def _ours_unknown_tool() -> str:
    ours = ours_chat(_unknown_tool())
    assert isinstance(ours.final, dict)
    kinds = [(p.kind, p.name) for p in ours.problems]
    assert kinds == [("unknown_tool", "Other")]
    return f"listed in problems: {kinds}"


def _ours_max_tokens() -> str:
    ours = ours_recorded("output_format_max_tokens")
    assert isinstance(ours.final, LengthFinishReasonError)
    (done,) = [e for e in ours.events if isinstance(e, ContentDone)]
    assert done.parsed is None
    return "close() raises LengthFinishReasonError with the snapshot"


def _ours_refusal() -> str:
    ours = ours_recorded("refusal_stop")
    assert ours.final["stop_reason"] == "refusal"
    (done,) = [e for e in ours.events if isinstance(e, ContentDone)]
    assert done.parsed is None
    assert done.problem is None
    assert ours.problems == ()
    return "a refusal (stop_reason refusal), never parsed, no problem"


@dataclass(frozen=True)
class Differs:
    """One stream where an oracle does what we do not, by its design or ours."""

    what: str  # what the oracle does there
    oracle: Callable[[], Any]  # its run: what it returned or raised
    shows: Callable[[Any], bool]  # whether it still does what *what* says
    ours: Callable[[], str]  # asserts what we do, says it in a few words


ORACLE_DIFFERS: dict[str, Differs] = {
    "chat-invalid-content": Differs(
        "openai's get_final_completion() raises pydantic's ValidationError: "
        "nothing of the completion (usage, other choices) survives",
        lambda: openai_chat(chat_payloads([_BAD[:30], _BAD[30:]])),
        _raises_pydantic,
        lambda: _reported(ours_chat(chat_payloads([_BAD[:30], _BAD[30:]]))),
    ),
    "chat-invalid-tool-arguments": Differs(
        "openai's get_final_completion() raises pydantic's ValidationError for "
        "one tool call's arguments",
        lambda: openai_chat(chat_payloads([_GOOD], [_BAD])),
        _raises_pydantic,
        lambda: _argument_reported(ours_chat(chat_payloads([_GOOD], [_BAD]))),
    ),
    "responses-invalid-content": Differs(
        "openai's ResponseStream raises pydantic's ValidationError while "
        "iterating, at output_text.done: the rest of the stream is lost",
        lambda: openai_responses(named_sse(responses_events([_BAD]))),
        _raises_pydantic,
        lambda: _reported(ours_responses(named_sse(responses_events([_BAD])))),
    ),
    "anthropic-invalid-content": Differs(
        "anthropic's MessageStream raises pydantic's ValidationError while "
        "iterating, at content_block_stop: the rest of the stream is lost",
        lambda: anthropic_message(named_sse(anthropic_events([_BAD]))),
        _raises_pydantic,
        lambda: _reported(ours_anthropic(named_sse(anthropic_events([_BAD])))),
    ),
    "anthropic-max-tokens (recorded)": Differs(
        "anthropic's MessageStream raises pydantic's ValidationError (invalid "
        "JSON) at content_block_stop for text cut by max_tokens: not a "
        "max_tokens error, and the rest of the stream is lost",
        lambda: anthropic_message(recorded_anthropic("output_format_max_tokens"), City),
        _raises_pydantic,
        _ours_max_tokens,
    ),
    "anthropic-refusal (recorded)": Differs(
        "anthropic's MessageStream parses the refusal's prose as the "
        "output_format and raises pydantic's ValidationError",
        lambda: anthropic_message(recorded_anthropic("refusal_stop"), City),
        _raises_pydantic,
        _ours_refusal,
    ),
    "chat-unknown-tool": Differs(
        "openai gives parsed_arguments None, silently, for a call of a tool it "
        "was not given",
        lambda: openai_chat(_unknown_tool()),
        lambda r: r.choices[0].message.tool_calls[0].function.parsed_arguments is None,
        _ours_unknown_tool,
    ),
}


def _argument_reported(ours: Ours) -> str:
    assert isinstance(ours.final, dict), ours.final
    arguments = ours.final["choices"][0]["message"]["tool_calls"][0]["function"]
    with pytest.raises(ValidationError) as info:
        Target.of(POrder).validate_json(arguments["arguments"])
    assert info.value.path == ("id",)
    assert exact(ours.composed) == exact(POrder.model_validate_json(_GOOD))
    (done,) = [e for e in ours.events if isinstance(e, ToolCallArgumentsDone)]
    assert done.parsed_arguments is None
    problem = done.problem
    assert problem is not None
    assert problem.kind == "invalid_arguments"
    assert isinstance(problem.error, ValidationError)
    assert problem.error.path == ("id",)
    assert problem in ours.problems
    return "close() returns the final; ToolCallArgumentsDone.problem names $.id"


@pytest.mark.parametrize("phase", ["commentary", "final_answer", None])
def test_only_a_final_answer_message_is_parsed_as_openai_does(
    phase: str | None,
) -> None:
    """A Responses message whose ``phase`` is not ``final_answer`` (a
    commentary preamble) is no structured result: openai's ``parse_text``
    leaves it unparsed, and so do we (no partial, no problem either)."""
    body = named_sse(responses_events([_GOOD], phase=phase))
    theirs = openai_responses(body).output_parsed
    ours = ours_responses(body)
    (done,) = [e for e in ours.events if isinstance(e, ContentDone)]
    deltas = [e for e in ours.events if isinstance(e, ContentDelta)]
    assert deltas
    if phase == "commentary":
        assert theirs is None
        assert done.parsed is None
        assert all(e.partial is None for e in deltas)
    else:
        want = exact(POrder.model_validate_json(_GOOD))
        assert exact(done.parsed) == exact(theirs) == want
        assert all(e.partial is not None for e in deltas)
    assert done.problem is None
    assert ours.problems == ()


@pytest.mark.parametrize("name", sorted(ORACLE_DIFFERS))
def test_where_an_oracle_differs(
    name: str, info_report: Callable[[str, str], None]
) -> None:
    """Information only: what the oracle does, and (asserted) what we do."""
    row = ORACLE_DIFFERS[name]
    ours = row.ours()
    result = row.oracle()
    shows = row.shows(result)
    seen = type(result).__name__
    info_report(
        f"structured-output oracle: {name}",
        f"{'still' if shows else 'NO LONGER'}: {row.what} (saw {seen}); ours: {ours}",
    )
    if not shows:
        warnings.warn(
            OracleChanged(
                f"{name}: the pinned oracle no longer does what ORACLE_DIFFERS in "
                f"tests/structured/test_oracles.py says ({row.what}); it gave {seen}"
            ),
            stacklevel=1,
        )
