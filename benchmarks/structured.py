"""Structured outputs: the partial object read after every delta.

The workload: an invoice (a pydantic model with nested objects, a list of line
items, enums, optional fields, numbers and strings of varied length with about
8 % non-ASCII prose), built deterministically at the size asked for in compact
JSON (``model_dump_json()``) and sent as an OpenAI chat completion stream with
a ``json_schema`` ``response_format``: a first chunk with the role, one chunk
per 10-character content delta, a ``stop`` chunk, ``[DONE]``.  Every
implementation gets the same already decoded SSE events (``sseparse``'s) and
parses each chunk's JSON itself; the consumer reads the partial object after
every content delta, then takes the final validated ``Invoice``.  The check:
the final object equals the invoice the stream was made from, the last partial
(as JSON values) the whole JSON value, and a partial was read per delta.

* **sseparse (typed partial, pydantic / attrs)**:
  ``OpenAIChatAccumulator(response_format=Invoice)`` (or the same invoice as
  attrs classes) fed every event; each ``ContentDelta.partial`` (a
  ``Partial``: fields by name, each absent / streaming / final, typed once
  final, kept up by the same incremental parse) read after every delta; the
  final object is ``ContentDone.parsed``.
* **sseparse (partial JSON value)**: the accumulator given the request's
  ``json_schema`` dict; ``ContentDelta.parsed`` (the untyped partial value)
  read after every delta; final: ``Invoice.model_validate(ContentDone.parsed)``.
* **instructor-style**: instructor's ``create_partial`` loop, emulated
  (instructor is not installed; its ``dsl/partial.py`` says what it does per
  chunk): openai's ``Stream[ChatCompletionChunk]`` gives the chunks; each
  content delta goes to a buffer, the text so far is cleaned of control
  characters, ``jiter.from_json(..., partial_mode="on")`` re-parses the whole
  prefix and ``PartialInvoice.model_validate`` validates it (every field
  optional, nested models partial, built once with ``create_model`` as
  instructor's ``Partial[Invoice]``).  ``"on"``, not ``"trailing-strings"``:
  instructor's choice for models with ``PartialLiteralMixin``, and enum fields
  need it (a trailing ``"pai`` fails validation).  Final:
  ``Invoice.model_validate_json(text)``.
* **openai**: ``.stream(response_format=Invoice)``'s own path:
  ``ChatCompletionStream`` over a ``Stream[ChatCompletionChunk]`` whose SSE
  decoder hands out the decoded events; per chunk it rebuilds the message
  snapshot and re-parses the whole content with ``jiter`` (partial mode); the
  consumer reads ``ContentDeltaEvent.parsed`` (a dict, untyped); final:
  ``get_final_completion().choices[0].message.parsed``.

Both peers re-parse the whole prefix on every delta, so their cost grows with
the square of the size; sseparse parses each character once.
"""

from __future__ import annotations

import enum
import functools
import importlib
import json
import operator
import random
import re
import types
import typing
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
from pydantic import BaseModel, create_model

from benchmarks._harness import KB, SEED, Case, Goal, Impl, Layer, Run, Scaling, Work

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

DELTA_CHARS = 10

# --------------------------------------------------------------------------- #
# the model: pydantic, and its attrs twin
# --------------------------------------------------------------------------- #


class Status(str, enum.Enum):
    DRAFT = "draft"
    SENT = "sent"
    PAID = "paid"
    OVERDUE = "overdue"


class Currency(str, enum.Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"
    CHF = "CHF"


class Unit(str, enum.Enum):
    PIECE = "piece"
    HOUR = "hour"
    KILOGRAM = "kg"
    LICENCE = "licence"
    MONTH = "month"


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str
    region: str | None = None


class Party(BaseModel):
    name: str
    vat_id: str | None = None
    email: str | None = None
    address: Address


class LineItem(BaseModel):
    sku: str
    description: str
    quantity: int
    unit: Unit
    unit_price: float
    discount: float | None = None
    tax_rate: float
    tags: list[str]


class Invoice(BaseModel):
    number: str
    status: Status
    currency: Currency
    issued: str
    due: str | None = None
    seller: Party
    buyer: Party
    items: list[LineItem]
    notes: str | None = None
    subtotal: float
    tax: float
    total: float
    paid: bool


def _swap_models(annotation: Any, make: Any) -> Any:
    """*annotation* with every pydantic model in it replaced by ``make(model)``."""
    args = typing.get_args(annotation)
    if args:
        inner = tuple(_swap_models(a, make) for a in args)
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            return functools.reduce(operator.or_, inner)
        return origin[inner]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return make(annotation)
    return annotation


@functools.cache
def attrs_twin(model: type[BaseModel]) -> Any:
    """*model* as a plain attrs class (the same fields, types and defaults,
    nested models twinned): sseparse's own kind of target, no pydantic in it."""
    fields = model.model_fields
    namespace: dict[str, Any] = {
        name: info.default for name, info in fields.items() if not info.is_required()
    }
    namespace["__annotations__"] = {
        name: _swap_models(info.annotation, attrs_twin) for name, info in fields.items()
    }
    return attrs.define(kw_only=True)(type(f"{model.__name__}A", (), namespace))


InvoiceA = attrs_twin(Invoice)


# The request's response_format, as openai's type_to_response_format_param
# builds it for Invoice.
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "Invoice",
        "schema": Invoice.model_json_schema(),
        "strict": True,
    },
}

# --------------------------------------------------------------------------- #
# the workload
# --------------------------------------------------------------------------- #

_WORDS = (
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
    "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
)  # fmt: skip
_NON_ASCII = ("café", "Straße", "—", "…", "日本語", "Привет", "🙂", "Zürich")
_CITIES = ("Paris", "Zürich", "Kraków", "Lisboa", "München", "Oslo", "Bath", "Gent")


def _prose(rng: random.Random, n: int) -> str:
    """About *n* characters of words, 8 % of them non-ASCII."""
    out: list[str] = []
    size = 0
    while size < n:
        word = rng.choice(_NON_ASCII if rng.random() < 0.08 else _WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n].strip() or "x"


def _party(rng: random.Random) -> Party:
    def words(n: int) -> str:
        return " ".join(rng.choice(_WORDS).title() for _ in range(n))

    return Party(
        name=words(rng.randint(1, 4)) + rng.choice([" Ltd", " GmbH", " SA", ""]),
        vat_id=None if rng.random() < 0.3 else f"EU{rng.randint(10**8, 10**9)}",
        email=None if rng.random() < 0.5 else f"{rng.choice(_WORDS)}@example.com",
        address=Address(
            street=f"{rng.randint(1, 300)} {words(2)} Street",
            city=rng.choice(_CITIES),
            postcode=f"{rng.randint(1000, 99999)}",
            country=rng.choice(["FR", "CH", "PL", "PT", "DE", "NO", "GB", "BE"]),
            region=None if rng.random() < 0.6 else _prose(rng, rng.randint(5, 20)),
        ),
    )


def _item(rng: random.Random, i: int) -> LineItem:
    return LineItem(
        sku=f"SKU-{rng.randint(0, 999_999):06d}-{i}",
        description=_prose(rng, rng.randint(8, 40 if rng.random() < 0.5 else 400)),
        quantity=rng.randint(1, 500),
        unit=rng.choice(list(Unit)),
        unit_price=round(rng.uniform(0.5, 5_000.0), 2),
        discount=None if rng.random() < 0.7 else round(rng.uniform(0.01, 0.3), 3),
        tax_rate=rng.choice([0.0, 0.055, 0.1, 0.2, 0.21]),
        tags=[rng.choice(_WORDS) for _ in range(rng.randint(0, 5))],
    )


def build_invoice(target: int) -> Invoice:
    """An invoice of about *target* characters of compact JSON."""
    rng = random.Random(f"{SEED}-invoice-{target}")
    seller, buyer = _party(rng), _party(rng)
    notes = _prose(rng, rng.randint(50, 300)) if rng.random() < 0.5 else None
    items: list[LineItem] = []
    size = 700 + len(seller.model_dump_json()) + len(buyer.model_dump_json())
    while size < target or not items:
        items.append(_item(rng, len(items)))
        size += len(items[-1].model_dump_json()) + 1
    subtotal = round(sum(i.quantity * i.unit_price for i in items), 2)
    tax = round(sum(i.quantity * i.unit_price * i.tax_rate for i in items), 2)
    return Invoice(
        number=f"INV-2026-{rng.randint(1, 99_999):05d}",
        status=rng.choice(list(Status)),
        currency=rng.choice(list(Currency)),
        issued="2026-12-05",
        due=None if rng.random() < 0.2 else "2027-01-04",
        seller=seller,
        buyer=buyer,
        items=items,
        notes=notes,
        subtotal=subtotal,
        tax=tax,
        total=round(subtotal + tax, 2),
        paid=rng.random() < 0.5,
    )


def content_stream(content: str) -> bytes:
    """The chat stream of a ``json_schema`` response, as the API sends it."""
    head = {
        "id": "chatcmpl-Bq7fX2bS0mYk3LwJ9pQe1RtUvZa4c",
        "object": "chat.completion.chunk",
        "created": 1_796_000_000,
        "model": "gpt-4o-2024-08-06",
        "service_tier": "default",
        "system_fingerprint": "fp_a1b2c3d4e5",
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        data = json.dumps(
            {**head, "choices": [choice]}, ensure_ascii=False, separators=(",", ":")
        )
        return b"data: " + data.encode() + b"\n\n"

    parts = [chunk({"role": "assistant", "content": "", "refusal": None})]
    parts += [
        chunk({"content": content[i : i + DELTA_CHARS]})
        for i in range(0, len(content), DELTA_CHARS)
    ]
    parts += [chunk({}, "stop"), b"data: [DONE]\n\n"]
    return b"".join(parts)


class Expected(NamedTuple):
    invoice: Invoice
    value: Any  # json.loads of the content
    deltas: int


class Outcome(NamedTuple):
    final: Any  # the final validated object
    preview: Any  # the last partial object read
    reads: int  # partial objects read


@functools.cache
def build(size: int) -> Work:
    """The decoded events of an invoice stream of about *size* characters."""
    from sseparse import SSEDecoder

    invoice = build_invoice(size)
    content = invoice.model_dump_json()
    decoder = SSEDecoder()
    events = decoder.feed(content_stream(content)) + decoder.close()
    deltas = -(-len(content) // DELTA_CHARS)
    return Work(
        events, Expected(invoice, json.loads(content), deltas), len(content) / 1e6
    )


def _json_values(obj: Any) -> Any:
    """A final or partial object as JSON values."""
    from sseparse.structured import Partial

    if isinstance(obj, Partial):
        assert obj.is_final(), f"the last partial is {obj.status}, not final"
        obj = obj.final
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if attrs.has(type(obj)):
        return json.loads(json.dumps(attrs.asdict(obj)))  # enums are str
    return obj


def _check(expected: Expected, out: Outcome) -> None:
    final = out.final
    if type(final) is InvoiceA:
        final = Invoice.model_validate(attrs.asdict(final))
    assert type(final) is Invoice, f"the final object is a {type(final)}"
    assert final == expected.invoice, "the final object differs"
    assert _json_values(out.preview) == expected.value, "the last partial differs"
    assert out.reads >= expected.deltas, (
        f"{out.reads} partials read, {expected.deltas} deltas"
    )


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


def _sseparse(response_format: Any, typed: bool) -> Run:
    from sseparse.llm import ContentDelta, ContentDone, OpenAIChatAccumulator

    def run(events: Sequence[Any]) -> Outcome:
        acc = OpenAIChatAccumulator(response_format=response_format)
        feed = acc.feed
        reads = 0
        view: Any = None
        done: Any = None
        for sse in events:
            for event in feed(sse):
                if event.__class__ is ContentDelta:
                    view = event.partial if typed else event.parsed
                    reads += 1
                elif event.__class__ is ContentDone:
                    done = event
        acc.close()
        final = done.parsed if typed else Invoice.model_validate(done.parsed)
        return Outcome(final, view, reads)

    return run


class _StubResponse:
    """What openai's ``Stream`` needs of an httpx response (no bytes: the
    decoder below hands out the events)."""

    request = None

    def iter_bytes(self) -> Iterator[bytes]:
        return iter(())

    def close(self) -> None:
        pass


class _DecodedEvents:
    """An SSE "decoder" for openai's ``Stream`` that hands out decoded events."""

    def __init__(self, events: Sequence[Any]) -> None:
        self.events = events

    def iter_bytes(self, _: Any) -> Iterator[Any]:
        return iter(self.events)


@functools.cache
def _openai_client() -> Any:
    # building a client takes milliseconds; the SDK builds one per program
    return importlib.import_module("openai").OpenAI(
        api_key="sk-benchmark", max_retries=0
    )


def _chunk_stream(events: Sequence[Any]) -> Any:
    """openai's ``Stream[ChatCompletionChunk]`` over decoded events."""
    stream_cls: Any = importlib.import_module("openai._streaming").Stream
    chunk_cls = importlib.import_module("openai.types.chat").ChatCompletionChunk
    raw = stream_cls(
        cast_to=chunk_cls, response=_StubResponse(), client=_openai_client()
    )
    raw._decoder = _DecodedEvents(events)
    return raw


def _openai() -> Run:
    openai: Any = importlib.import_module("openai")
    stream_cls: Any = importlib.import_module(
        "openai.lib.streaming.chat._completions"
    ).ChatCompletionStream

    def run(events: Sequence[Any]) -> Outcome:
        stream = stream_cls(
            raw_stream=_chunk_stream(events),
            response_format=Invoice,
            input_tools=openai.omit,
        )
        reads = 0
        preview: Any = None
        for event in stream:
            if event.type == "content.delta":
                preview = event.parsed  # the whole content so far, re-parsed
                reads += 1
        return Outcome(
            stream.get_final_completion().choices[0].message.parsed, preview, reads
        )

    return run


@functools.cache
def partial_model(cls: type[BaseModel]) -> Any:
    """instructor's ``Partial[cls]``: every field optional, a nested model an
    optional partial model defaulting to ``{}``, models in generic fields
    partial; built once per class, as instructor caches it."""
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields[name] = (partial_model(annotation) | None, {})
        else:
            fields[name] = (_swap_models(annotation, partial_model) | None, None)
    return create_model(f"Partial{cls.__name__}", __base__=cls, **fields)


_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")


def _instructor() -> Run:
    from_json: Any = importlib.import_module("jiter").from_json
    validate = partial_model(Invoice).model_validate

    def run(events: Sequence[Any]) -> Outcome:
        text = ""
        pending: list[str] = []
        reads = 0
        obj: Any = None
        for chunk in _chunk_stream(events):
            # extract_json: the first choice's content delta, when not empty
            if not chunk.choices or not (piece := chunk.choices[0].delta.content):
                continue
            pending += piece  # instructor's chunk_buffer: a list of characters
            if len(pending) < 2:
                continue
            text += _CONTROL.sub("", "".join(pending))
            pending = []
            obj = validate(
                from_json((text.strip() or "{}").encode(), partial_mode="on"),
                strict=None,
            )
            reads += 1
        if pending:
            text += _CONTROL.sub("", pending[0])
            obj = validate(from_json(text.strip().encode(), partial_mode="on"))
            reads += 1
        return Outcome(Invoice.model_validate_json(text), obj, reads)

    return run


TYPED = "sseparse (typed partial, pydantic)"
TYPED_ATTRS = "sseparse (typed partial, attrs)"
VALUE = "sseparse (partial JSON value)"
OURS = (
    Impl(TYPED, lambda: _sseparse(Invoice, True), role="sseparse"),
    Impl(TYPED_ATTRS, lambda: _sseparse(InvoiceA, True), role="sseparse"),
    Impl(VALUE, lambda: _sseparse(RESPONSE_FORMAT, False), role="sseparse"),
)
PEERS = (
    # an emulation (instructor is not installed): no version of its own
    Impl("instructor-style", _instructor),
    Impl("openai", _openai, "openai"),
)


def layer(quick: bool) -> Layer:
    size = 20 * KB if quick else 100 * KB
    base = 1 * KB if quick else 10 * KB
    sizes = [base * 2**k for k in range(5)]
    return Layer(
        name="structured",
        title="Structured outputs: sseparse.structured",
        intro=__doc__ or "",
        cases=[
            Case(
                "invoice",
                f"an invoice of {size // KB} KB of JSON in {DELTA_CHARS}-char deltas, "
                "the partial object read after every delta",
                lambda: build(size),
                OURS + PEERS,
                unit="MB",
                check=_check,
                budget_s=40.0,
            ),
        ],
        scalings=[
            Scaling(
                "invoice",
                "an invoice of N chars of JSON, the partial read after every delta",
                sizes,
                build,
                OURS[:2] + PEERS,
                size_unit="chars",
                check=_check,
                check_sizes=(base, 16 * base),
                budget_s=10.0,
                run_limit_s=8.0,
            ),
        ],
        goals=[
            *(
                Goal(
                    f"{size // KB} KB, {name}: at least 20x the faster peer",
                    f"ratio:invoice:*peers/{name}",
                    ">=",
                    20.0,
                )
                for name in (TYPED, TYPED_ATTRS, VALUE)
            ),
            *(
                Goal(
                    f"{name} stays linear: 16x the input, at most 20x the CPU time",
                    f"growth:invoice:{name}",
                    "<=",
                    20.0,
                )
                for name in (TYPED, TYPED_ATTRS)
            ),
        ],
    )
