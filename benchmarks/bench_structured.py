"""Benchmark structured outputs: the partial object read after every delta.

Issue 13, point 5.  Run from the repository root::

    python benchmarks/bench_structured.py            # full run
    python benchmarks/bench_structured.py --quick    # small smoke run
    python benchmarks/bench_structured.py --sizes "100 KB" --no-linear
    python benchmarks/bench_structured.py --json results.json

The workload: an invoice (a pydantic model with nested objects, a list of line
items, enums, optional fields, numbers, strings of varied length and about 8 %
non-ASCII prose), built deterministically here at 10 KB .. 1 MB of compact JSON
(``model_dump_json()``), sent as an OpenAI chat completion stream with
``response_format`` ``json_schema``: a first chunk with the role, one chunk per
10-character content delta, a ``stop`` chunk, ``[DONE]``.  Every implementation
gets the same list of already decoded SSE events (``sseparse.SSEDecoder``'s) and
parses each chunk's JSON itself; the consumer reads the partial object after
every content delta, then takes the final validated ``Invoice``.

Implementations:

* sseparse (typed partial), when ``sseparse.structured`` is importable:
  ``OpenAIChatAccumulator(response_format=Invoice)`` (or the attrs twin
  ``InvoiceA``) fed every event; each ``ContentDelta.partial`` (a ``Partial``:
  fields by name, each absent / streaming / final, typed once final; built by
  the accumulator from the same incremental parse of each delta) is read after
  every delta; the final object is ``ContentDone.parsed``.
* sseparse (partial JSON value): ``OpenAIChatAccumulator(response_format=...)``
  with the request's ``json_schema`` format; ``ContentDelta.parsed`` (the
  partial JSON value, untyped) read after every delta; the final object is
  ``Invoice.model_validate(ContentDone.parsed)``.
* instructor-style: instructor's ``create_partial`` loop, emulated (instructor is
  not installed; its ``dsl/partial.py`` says what it does per chunk):
  openai's ``Stream[ChatCompletionChunk]`` (``json.loads`` and
  ``construct_type`` per chunk) gives the chunks; each content delta is added to
  a buffer, the text so far is cleaned of control characters (per delta), then
  ``jiter.from_json(text.strip().encode(), partial_mode=...)`` re-parses the
  whole prefix and ``PartialInvoice.model_validate(obj)`` validates it: a model
  built once with ``pydantic.create_model`` from ``Invoice``, every field
  ``Optional`` (nested models and list items partial too, recursively; nested
  models default to ``{}``, the rest to ``None``), as instructor's
  ``Partial[...]`` builds it.  ``partial_mode`` is ``"on"``, not
  ``"trailing-strings"``: instructor uses ``"on"`` for a model that mixes in
  ``PartialLiteralMixin``, and a model with enum fields needs it (a trailing
  ``"pai`` of an enum field fails validation and ends the stream).  Final:
  ``Invoice.model_validate_json(text)``.
* openai: ``.stream(response_format=Invoice)``'s own path, unchanged:
  ``ChatCompletionStream(response_format=Invoice)`` over a
  ``Stream[ChatCompletionChunk]`` on a stub response whose SSE decoder hands
  out the decoded events; per chunk ``handle_chunk`` rebuilds the message
  snapshot and re-parses the whole content so far with
  ``jiter.from_json(..., partial_mode=True)``; the consumer reads
  ``ContentDeltaEvent.parsed`` (a dict, untyped); final:
  ``get_final_completion().choices[0].message.parsed``
  (``Invoice.model_validate_json``).

The target (``Target.of``) and instructor's partial model are built once, outside
the timed runs, as both libraries cache them.

Before any figure is reported, each implementation's final object must equal
the ``Invoice`` the stream was made from, and its last partial (dumped to JSON
values) the whole JSON value.  Times: best of N runs (``--repeat``, 5; more for
a fast figure, fewer for a slow one), round-robin over the implementations, GC
off unless ``--gc``; wall clock (``time.perf_counter``) and CPU time
(``time.process_time``); ratios are peer CPU time / sseparse CPU time.  A peer
run estimated (``a*n + b*n^2`` through its two largest measured sizes) above
``--peer-limit`` seconds (120) is not run and the estimate is shown instead; a
goal is never called met on an estimate.  Linear growth: sseparse on 62.5 KB
vs 1 MB (16x), CPU-time ratio, interleaved.
"""

from __future__ import annotations

import argparse
import enum
import json
import random
import re
import sys
import time
import types
import typing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
import bench_llm
from pydantic import BaseModel, create_model

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

# benchmarks/ is on sys.path when this file is run; bench_llm puts a checkout's
# sseparse there too when it is not installed.
from bench_jsonstream import load_average, machine_info
from bench_llm import (
    DELTA_CHARS,
    READ_SIZE,
    SEED,
    Result,
    _decode_all,
    _PredecodedEvents,
    _StubResponse,
    build_text,
    check,
    estimate,
    fmt_rate,
    fmt_ratio,
    fmt_time,
    growth_table,
    progress,
    samples,
    split,
    version_of,
)

SIZES: dict[str, int] = {
    "2 KB": 2_000,
    "10 KB": 10_000,
    "30 KB": 30_000,
    "62.5 KB": 62_500,  # 1 MB / 16: the small side of the growth check
    "100 KB": 100_000,
    "300 KB": 300_000,
    "1 MB": 1_000_000,
}
GOAL_SPEEDUP = 20.0  # the faster peer at 100 KB >= 20x sseparse's CPU time
GOAL_SPEEDUP_AT = "100 KB"
GOAL_GROWTH = 20.0  # 16x the input costs sseparse at most 20x the CPU time
PEER_LIMIT_S = 120.0
MODEL = "gpt-4o-2024-08-06"
MODE = "events"  # every side gets the same decoded events
TYPED = "sseparse (typed partial, pydantic)"
TYPED_ATTRS = "sseparse (typed partial, attrs)"
VALUE = "sseparse (partial JSON value)"
INSTRUCTOR = "instructor-style"
OPENAI = "openai"
PEERS = (INSTRUCTOR, OPENAI)


# --------------------------------------------------------------------------- #
# the model
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


# The same invoice as attrs classes: sseparse's own target kind (no pydantic
# at all on that side).
@attrs.define(kw_only=True)
class AddressA:
    street: str
    city: str
    postcode: str
    country: str
    region: str | None = None


@attrs.define(kw_only=True)
class PartyA:
    name: str
    vat_id: str | None = None
    email: str | None = None
    address: AddressA


@attrs.define(kw_only=True)
class LineItemA:
    sku: str
    description: str
    quantity: int
    unit: Unit
    unit_price: float
    discount: float | None = None
    tax_rate: float
    tags: list[str]


@attrs.define(kw_only=True)
class InvoiceA:
    number: str
    status: Status
    currency: Currency
    issued: str
    due: str | None = None
    seller: PartyA
    buyer: PartyA
    items: list[LineItemA]
    notes: str | None = None
    subtotal: float
    tax: float
    total: float
    paid: bool


# The request's response_format, as openai's type_to_response_format_param
# builds it for Invoice (the schema itself plays no part in the timings).
RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "Invoice",
        "schema": Invoice.model_json_schema(),
        "strict": True,
    },
}

_WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
]
_CITIES = ["Paris", "Zürich", "Kraków", "Lisboa", "München", "Oslo", "Bath", "Gent"]


def _party(rng: random.Random, prose: str) -> Party:
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
            region=None if rng.random() < 0.6 else _slice(rng, prose, 5, 20),
        ),
    )


def _slice(rng: random.Random, prose: str, low: int, high: int) -> str:
    n = rng.randint(low, high)
    start = rng.randrange(len(prose) - n)
    return prose[start : start + n].strip() or "x"


def _item(rng: random.Random, prose: str, i: int) -> LineItem:
    short = rng.random() < 0.5
    return LineItem(
        sku=f"SKU-{rng.randint(0, 999_999):06d}-{i}",
        description=_slice(rng, prose, 8, 40 if short else 400),
        quantity=rng.randint(1, 500),
        unit=rng.choice(list(Unit)),
        unit_price=round(rng.uniform(0.5, 5_000.0), 2),
        discount=None if rng.random() < 0.7 else round(rng.uniform(0.01, 0.3), 3),
        tax_rate=rng.choice([0.0, 0.055, 0.1, 0.2, 0.21]),
        tags=[rng.choice(_WORDS) for _ in range(rng.randint(0, 5))],
    )


def build_invoice(target: int) -> Invoice:
    """An invoice of about *target* characters of compact JSON (fixed seed)."""
    rng = random.Random(f"{SEED}-invoice-{target}")
    prose = build_text(max(4_000, min(target, 200_000)))
    seller, buyer = _party(rng, prose), _party(rng, prose)
    notes = _slice(rng, prose, 50, 300) if rng.random() < 0.5 else None
    items: list[LineItem] = []
    size = 700 + len(seller.model_dump_json()) + len(buyer.model_dump_json())
    while size < target or not items:
        item = _item(rng, prose, len(items))
        items.append(item)
        size += len(item.model_dump_json()) + 1
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


# --------------------------------------------------------------------------- #
# the stream
# --------------------------------------------------------------------------- #


def build_content_stream(content: str) -> tuple[bytes, int, int]:
    """A chat stream whose content comes in DELTA_CHARS-character deltas.

    As the API sends a ``json_schema`` response: a first chunk with the role
    (empty content, null refusal), one chunk per delta, a ``stop`` chunk, then
    ``data: [DONE]``.  Returns the bytes, the number of chunks (events before
    ``[DONE]``) and the number of content deltas.
    """
    rng = random.Random(f"{SEED}-structured-{len(content)}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    head = {
        "id": "chatcmpl-" + "".join(rng.choice(alphabet) for _ in range(29)),
        "object": "chat.completion.chunk",
        "created": 1_796_000_000,
        "model": MODEL,
        "service_tier": "default",
        "system_fingerprint": "fp_"
        + "".join(rng.choice("0123456789abcdef") for _ in range(10)),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        data = json.dumps(
            {**head, "choices": [choice]}, ensure_ascii=False, separators=(",", ":")
        )
        return b"data: " + data.encode("utf-8") + b"\n\n"

    pieces = [content[i : i + DELTA_CHARS] for i in range(0, len(content), DELTA_CHARS)]
    parts = [chunk({"role": "assistant", "content": "", "refusal": None})]
    parts += [chunk({"content": piece}) for piece in pieces]
    parts.append(chunk({}, "stop"))
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts), len(parts) - 1, len(pieces)


@dataclass
class Workload:
    key: str  # "s 100 KB", "growth N", ...
    label: str
    title: str
    content: str  # the JSON text
    value: Any  # json.loads(content)
    model: Invoice  # what the stream was made from
    body: bytes
    reads: list[bytes]
    events: list[Any]  # the body decoded by sseparse.SSEDecoder
    chunks: int
    deltas: int

    @property
    def nbytes(self) -> int:
        return len(self.body)


def workload(key: str, label: str, target: int) -> Workload:
    invoice = build_invoice(target)
    content = invoice.model_dump_json()
    body, chunks, deltas = build_content_stream(content)
    title = (
        f"Invoice of {len(invoice.items):,} line items, {label} "
        f"({len(content):,} chars of JSON) in {DELTA_CHARS}-char content deltas, "
        "the partial object read after every delta"
    )
    return Workload(
        key=key,
        label=label,
        title=title,
        content=content,
        value=json.loads(content),
        model=invoice,
        body=body,
        reads=split(body, READ_SIZE),
        events=_decode_all(body),
        chunks=chunks,
        deltas=deltas,
    )


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


@dataclass
class Outcome:
    final: Any  # the final validated object
    preview: Any  # the last partial object read, as JSON values
    reads: int  # partial objects read


_TARGETS: dict[type, Any] = {}


def _target(cls: type) -> Any:
    """``Target.of(cls)``, compiled once (None before issue 13's layer 3)."""
    found = _TARGETS.get(cls)
    if found is None:
        try:
            from sseparse.structured import Target
        except ImportError:
            return None
        found = _TARGETS[cls] = Target.of(cls)
    return found


def _run_typed(work: Workload, cls: type) -> Outcome:
    from sseparse.llm import ContentDelta, ContentDone, OpenAIChatAccumulator

    # The accumulator compiles *cls* once and hands out its typed partial view
    # on every content.delta (one tracker per content, fed by the same
    # incremental parser), and the validated object on content.done.
    acc = OpenAIChatAccumulator(response_format=cls)
    feed = acc.feed
    reads = 0
    view: Any = None
    done: Any = None
    for sse in work.events:
        for event in feed(sse):
            if event.__class__ is ContentDelta:
                view = cast("Any", event).partial  # the partial invoice, as it is now
                reads += 1
            elif event.__class__ is ContentDone:
                done = event
    acc.close()
    return Outcome(done.parsed, view, reads)


def run_sseparse_pydantic(work: Workload) -> Outcome:
    return _run_typed(work, Invoice)


def run_sseparse_attrs(work: Workload) -> Outcome:
    return _run_typed(work, InvoiceA)


def run_sseparse_value(work: Workload) -> Outcome:
    from sseparse.llm import ContentDelta, ContentDone, OpenAIChatAccumulator

    acc = OpenAIChatAccumulator(response_format=RESPONSE_FORMAT)
    feed = acc.feed
    reads = 0
    preview: Any = None
    done: Any = None
    for sse in work.events:
        for event in feed(sse):
            if event.__class__ is ContentDelta:
                preview = cast("Any", event).parsed
                reads += 1
            elif event.__class__ is ContentDone:
                done = event
    acc.close()
    return Outcome(Invoice.model_validate(done.parsed), preview, reads)


_OPENAI_CLIENT: Any = None


def _raw_stream(work: Workload) -> Any:
    """openai's ``Stream[ChatCompletionChunk]`` over *work*'s decoded events."""
    global _OPENAI_CLIENT  # building a client takes milliseconds; once is enough
    import openai
    from openai._streaming import Stream
    from openai.types.chat import ChatCompletionChunk

    if _OPENAI_CLIENT is None:
        _OPENAI_CLIENT = openai.OpenAI(api_key="sk-benchmark", max_retries=0)
    raw: Any = Stream(
        cast_to=ChatCompletionChunk,
        response=_StubResponse(work.reads),  # type: ignore[arg-type]
        client=_OPENAI_CLIENT,
    )
    raw._decoder = _PredecodedEvents(work.events)
    return raw


def run_openai(work: Workload) -> Outcome:
    import openai
    from openai.lib.streaming.chat._completions import ChatCompletionStream

    stream: Any = ChatCompletionStream(
        raw_stream=_raw_stream(work), response_format=Invoice, input_tools=openai.omit
    )
    reads = 0
    preview: Any = None
    for event in stream:
        if event.type == "content.delta":
            preview = event.parsed  # the whole content so far, re-parsed
            reads += 1
    completion = stream.get_final_completion()
    return Outcome(completion.choices[0].message.parsed, preview, reads)


# -- instructor, emulated ------------------------------------------------------


def _partial_annotation(annotation: Any) -> Any:
    """*annotation* with every pydantic model in it made partial (recursively)."""
    args = typing.get_args(annotation)
    if args:
        inner = tuple(_partial_annotation(a) for a in args)
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            return typing.Union[inner]  # noqa: UP007 - built from a tuple
        return origin[inner]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return partial_model(annotation)
    return annotation


_PARTIAL_MODELS: dict[type[BaseModel], type[BaseModel]] = {}


def partial_model(cls: type[BaseModel]) -> type[BaseModel]:
    """``Partial<cls>``: *cls* with every field optional, nested models partial.

    What instructor's ``Partial[cls]`` validates partial objects with: made by
    ``create_model`` with *cls* as its base; a nested model field becomes an
    optional partial model defaulting to ``{}``, a generic one (``list[...]``,
    unions) optional with its model arguments partial, any other optional;
    built once per class.
    """
    found = _PARTIAL_MODELS.get(cls)
    if found is not None:
        return found
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields[name] = (partial_model(annotation) | None, {})
        else:
            fields[name] = (_partial_annotation(annotation) | None, None)
    made = create_model(f"Partial{cls.__name__}", __base__=cls, **fields)
    _PARTIAL_MODELS[cls] = made
    return made


_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")


def run_instructor(work: Workload) -> Outcome:
    """instructor's ``model_from_chunks`` over openai's chunks, per delta."""
    from jiter import from_json

    partial = partial_model(Invoice)
    validate = partial.model_validate
    text = ""
    pending: list[str] = []
    reads = 0
    obj: Any = None
    for chunk in _raw_stream(work):
        # extract_json: the content delta of the first choice, when not empty
        if not chunk.choices or not (piece := chunk.choices[0].delta.content):
            continue
        pending += piece  # instructor's chunk_buffer: a list of characters
        if len(pending) < 2:
            continue
        text += _CONTROL.sub("", "".join(pending))
        pending = []
        data = from_json((text.strip() or "{}").encode(), partial_mode="on")
        obj = validate(data, strict=None)
        reads += 1
    if pending:
        text += _CONTROL.sub("", pending[0])
        obj = validate(from_json(text.strip().encode(), partial_mode="on"))
        reads += 1
    return Outcome(Invoice.model_validate_json(text), obj, reads)


@dataclass(frozen=True)
class Impl:
    name: str
    key: str  # for --only
    distribution: str
    fn: Callable[[Workload], Outcome]

    def run(self, work: Workload, mode: str = MODE) -> Outcome:
        """One run over *work* (*mode*: for bench_llm's ``run_once``)."""
        return self.fn(work)

    @property
    def version(self) -> str:
        return version_of(self.distribution)


IMPLS = (
    Impl(TYPED, "pydantic", "sseparse", run_sseparse_pydantic),
    Impl(TYPED_ATTRS, "attrs", "sseparse", run_sseparse_attrs),
    Impl(VALUE, "value", "sseparse", run_sseparse_value),
    Impl(INSTRUCTOR, "instructor", "jiter", run_instructor),
    Impl(OPENAI, "openai", "openai", run_openai),
)


def available(names: Sequence[str] | None) -> tuple[list[Impl], list[str]]:
    from importlib.util import find_spec

    impls: list[Impl] = []
    notes: list[str] = []
    for impl in IMPLS:
        if names and impl.key not in names:
            continue
        if impl.name in (TYPED, TYPED_ATTRS):
            target = _target(Invoice)  # partial(): issue 13's partial views
            ok = target is not None and hasattr(target, "partial")
            why = "sseparse.structured.Target.partial"
        elif impl.name == INSTRUCTOR:
            ok, why = find_spec("jiter") is not None, "jiter"
        elif impl.name == OPENAI:
            ok, why = find_spec("openai") is not None, "openai"
        else:
            ok, why = True, ""
        if ok:
            impls.append(impl)
        else:
            notes.append(f"{impl.name}: cannot import {why}, skipped")
    return impls, notes


# --------------------------------------------------------------------------- #
# measurement
# --------------------------------------------------------------------------- #


def run_once(impl: Impl, work: Workload, use_gc: bool) -> tuple[float, float, Outcome]:
    """bench_llm's ``run_once``: (wall seconds, CPU seconds, outcome), GC off
    unless *use_gc*."""
    wall, cpu, out = bench_llm.run_once(
        cast("Any", impl), cast("Any", work), MODE, use_gc
    )
    return wall, cpu, cast("Outcome", out)


def _json_values(obj: Any) -> Any:
    """A final or partial object as JSON values (a ``Partial``: its final)."""
    if hasattr(type(obj), "is_final"):  # a Partial view (its class: no .final yet)
        check(obj.is_final(), f"the last view is {obj.status}, not final")
        obj = obj.final
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if attrs.has(type(obj)):
        return json.loads(json.dumps(attrs.asdict(obj)))  # enums are str
    return obj


def verify(name: str, work: Workload, out: Outcome) -> None:
    where = f"{name} on ({work.key})"
    final = out.final
    wanted = InvoiceA if name == TYPED_ATTRS else Invoice
    check(type(final) is wanted, f"{where}: final is {type(final)}")
    if wanted is InvoiceA:
        final = Invoice.model_validate(attrs.asdict(final))
    check(final == work.model, f"{where}: final object differs")
    check(_json_values(out.preview) == work.value, f"{where}: last partial differs")
    check(out.reads >= work.deltas, f"{where}: read {out.reads} partial objects")


def measure(
    impls: Sequence[Impl],
    work: Workload,
    repeat: int,
    use_gc: bool,
    skip: dict[str, tuple[float, str]],
) -> list[Result]:
    """Best of *repeat* runs of every implementation, round-robin; the first
    round verifies each output and sets the number of runs.  Ratios (``speedup``
    and ``cpu_speedup``) are against the first sseparse row."""
    walls: dict[str, list[float]] = {i.name: [] for i in impls}
    cpus: dict[str, list[float]] = {i.name: [] for i in impls}
    wanted = {i.name: repeat for i in impls if i.name not in skip}
    round_ = 0
    while any(n > round_ for n in wanted.values()):
        for impl in impls:
            if round_ >= wanted.get(impl.name, 0):
                continue
            wall, cpu, out = run_once(impl, work, use_gc)
            walls[impl.name].append(wall)
            cpus[impl.name].append(cpu)
            if round_ == 0:
                verify(impl.name, work, out)
                wanted[impl.name] = samples(wall, repeat)
            del out
        round_ += 1
    results = []
    for impl in impls:
        runs = walls[impl.name]
        est, how = skip.get(impl.name, (None, ""))
        results.append(
            Result(
                workload=work.key,
                mode=MODE,
                implementation=impl.name,
                version=impl.version,
                chunks=work.chunks,
                nbytes=len(work.content),
                best_s=min(runs) if runs else None,
                best_cpu_s=min(cpus[impl.name]) if runs else None,
                runs_s=runs,
                estimate_s=est,
                estimate_how=how,
            )
        )
    base = next((r for r in results if r.implementation.startswith("sseparse")), None)
    if base is not None and base.best_s and base.best_cpu_s:
        for r in results:
            if r.seconds is not None:
                r.speedup = r.seconds / base.best_s
            if r.best_cpu_s is not None:
                r.cpu_speedup = r.best_cpu_s / base.best_cpu_s
    return results


def linear_check(
    impl: Impl, small: Workload, large: Workload, rounds: int, use_gc: bool
) -> dict[str, Any]:
    """*impl* on N vs 16*N, interleaved; best of *rounds* each."""
    times: dict[str, list[tuple[float, float]]] = {"small": [], "large": []}
    for i in range(rounds):
        for name, work in (("small", small), ("large", large)):
            wall, cpu, out = run_once(impl, work, use_gc)
            if i == 0:
                verify(impl.name, work, out)
            times[name].append((wall, cpu))
    small_w = min(w for w, _ in times["small"])
    large_w = min(w for w, _ in times["large"])
    small_c = min(c for _, c in times["small"])
    large_c = min(c for _, c in times["large"])
    return {
        "implementation": impl.name,
        "small": small.label,
        "large": large.label,
        "small_chars": len(small.content),
        "large_chars": len(large.content),
        "chars_ratio": len(large.content) / len(small.content),
        "small_s": small_w,
        "large_s": large_w,
        "small_cpu_s": small_c,
        "large_cpu_s": large_c,
        "time_ratio": large_w / small_w,
        "cpu_time_ratio": large_c / small_c,
    }


# --------------------------------------------------------------------------- #
# reporting
# --------------------------------------------------------------------------- #


def _find(results: Sequence[Result], key: str, name: str) -> Result | None:
    for r in results:
        if (r.workload, r.implementation) == (key, name):
            return r
    return None


def _cpu_or_estimate(r: Result | None) -> tuple[float | None, bool]:
    """A run's CPU time, or its wall-clock estimate (True: estimated)."""
    if r is None:
        return None, False
    if r.best_cpu_s is not None:
        return r.best_cpu_s, False
    return r.estimate_s, True


def results_table(results: Sequence[Result]) -> str:
    lines = [
        "| workload | implementation | chunks | best | CPU | chunks/s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.best_s is None:
            best = f"~{fmt_time(r.estimate_s)} (estimate)"
            rate = f"~{fmt_rate(r.chunks_per_s)}"
        else:
            best, rate = fmt_time(r.best_s), fmt_rate(r.chunks_per_s)
        lines.append(
            f"| ({r.workload}) | {r.implementation} | {r.chunks:,} | {best} "
            f"| {fmt_time(r.best_cpu_s)} | {rate} |"
        )
    return "\n".join(lines)


def ratio_rows(results: Sequence[Result], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Per size and sseparse side: each peer's CPU time over sseparse's, and the
    faster peer's (a peer not run: its wall-clock estimate, marked)."""
    rows = []
    sides = [
        n
        for n in (TYPED, TYPED_ATTRS, VALUE)
        if any(r.implementation == n for r in results)
    ]
    for key in keys:
        for side in sides:
            ours = _find(results, key, side)
            if ours is None or ours.best_cpu_s is None:
                continue
            row: dict[str, Any] = {"workload": key, "sseparse": side}
            peers: list[tuple[float, bool, str]] = []
            for peer in PEERS:
                t, est = _cpu_or_estimate(_find(results, key, peer))
                if t is None:
                    row[peer] = None
                    continue
                row[peer] = t / ours.best_cpu_s
                row[f"{peer} estimated"] = est
                peers.append((t, est, peer))
            if peers:
                row["peers"] = [p for _, _, p in peers]
                t, est, peer = min(peers)
                row["faster peer"] = peer
                row["faster peer ratio"] = t / ours.best_cpu_s
                # an estimated slower peer cannot change which one is faster,
                # but an estimated faster one can
                row["estimated"] = est
            rows.append(row)
    return rows


def ratio_table(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        f"| workload | sseparse side | {INSTRUCTOR} / sseparse | openai / sseparse "
        "| faster peer / sseparse |",
        "|---|---|---:|---:|---:|",
    ]
    for row in rows:
        cells = []
        for peer in PEERS:
            value = row.get(peer)
            mark = "~" if row.get(f"{peer} estimated") else ""
            cells.append(f"{mark}{fmt_ratio(value)}")
        faster = row.get("faster peer ratio")
        mark = "~" if row.get("estimated") else ""
        cells.append(
            f"{mark}{fmt_ratio(faster)} ({row['faster peer']})" if faster else "—"
        )
        lines.append(
            f"| ({row['workload']}) | {row['sseparse']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def linear_table(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| implementation | N | 16 N | chars ratio | CPU t(N) | CPU t(16N) "
        "| CPU-time ratio | wall-time ratio |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row['implementation']} | {row['small']} | {row['large']} "
        f"| {row['chars_ratio']:.2f} | {fmt_time(row['small_cpu_s'])} "
        f"| {fmt_time(row['large_cpu_s'])} | {row['cpu_time_ratio']:.2f} "
        f"| {row['time_ratio']:.2f} |"
        for row in rows
    ]
    return "\n".join(lines)


def goals(
    rows: Sequence[dict[str, Any]], linear: Sequence[dict[str, Any]]
) -> list[str]:
    out: list[str] = []
    for row in rows:
        if row["workload"].split(" ", 1)[1] != GOAL_SPEEDUP_AT:
            continue
        value = row.get("faster peer ratio")
        if value is None:
            continue
        verdict = "met" if value >= GOAL_SPEEDUP else "NOT met"
        if len(row["peers"]) < len(PEERS):
            verdict = f"not verified (only {', '.join(row['peers'])} measured)"
        elif row["estimated"]:  # an estimate proves nothing: run it with --peer-limit
            verdict = "not verified (the faster peer estimated, not run)"
        out.append(
            f"{GOAL_SPEEDUP_AT}, {row['sseparse']}: the faster peer "
            f"({row['faster peer']}) / sseparse = {fmt_ratio(value)} CPU time "
            f"(goal >= {GOAL_SPEEDUP:g}x): {verdict}"
        )
    for row in linear:
        ok = row["cpu_time_ratio"] <= GOAL_GROWTH * row["chars_ratio"] / 16
        out.append(
            f"linear growth, {row['implementation']}: {row['chars_ratio']:.1f}x the "
            f"input ({row['small']} to {row['large']}), {row['cpu_time_ratio']:.2f}x "
            f"the CPU time (wall {row['time_ratio']:.2f}x; goal <= {GOAL_GROWTH:g}x "
            "for 16x): " + ("met" if ok else "NOT met")
        )
    return out


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #


@dataclass
class Config:
    sizes: tuple[str, ...]
    repeat: int
    linear: tuple[str, str]


FULL = Config(("10 KB", "100 KB", "300 KB", "1 MB"), 5, ("62.5 KB", "1 MB"))
QUICK = Config(("2 KB", "10 KB", "30 KB"), 1, ("2 KB", "30 KB"))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    p.add_argument("--repeat", type=int, help="best of N [5; 1 with --quick]")
    p.add_argument(
        "--only",
        action="append",
        choices=[i.key for i in IMPLS],
        help="run only this implementation (repeatable): the typed partial of "
        "the pydantic model or of the attrs classes, the partial JSON value, "
        "instructor-style, openai",
    )
    p.add_argument(
        "--sizes",
        nargs="+",
        choices=list(SIZES),
        help="JSON sizes [10 KB 100 KB 300 KB 1 MB]",
    )
    p.add_argument(
        "--no-linear", action="store_true", help="skip the linear-growth check"
    )
    p.add_argument(
        "--peer-limit",
        type=float,
        default=PEER_LIMIT_S,
        help="estimate instead of running a peer above this many seconds [120]",
    )
    p.add_argument("--gc", action="store_true", help="keep the GC on while timing")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = QUICK if args.quick else FULL
    repeat = args.repeat if args.repeat is not None else cfg.repeat
    if repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    impls, notes = available(args.only)
    if not impls:
        raise SystemExit("no implementation available")
    for note in notes:
        progress(f"note: {note}")
    labels = [s for s in SIZES if s in (args.sizes or cfg.sizes)]
    info = machine_info()
    started = time.perf_counter()

    progress("warming up ...")
    small = workload("warm-up", "2 KB", SIZES["2 KB"])
    for impl in impls:
        verify(impl.name, small, impl.run(small))

    results: list[Result] = []
    measured: dict[str, list[tuple[int, float]]] = {}  # peer -> (chunks, seconds)
    workloads: list[Workload] = []
    for label in labels:
        work = workload(f"s {label}", label, SIZES[label])
        workloads.append(work)
        skip: dict[str, tuple[float, str]] = {}
        for peer in PEERS:
            points = measured.get(peer, [])
            if points:
                est, how = estimate(points, work.chunks)
                if est > args.peer_limit:
                    skip[peer] = (est, how)
        progress(
            f"({work.key}): {len(work.content):,} chars, {work.chunks:,} chunks, "
            f"best of {repeat}"
            + "".join(f"; {p} estimated at {e:.0f} s" for p, (e, _) in skip.items())
        )
        for r in measure(impls, work, repeat, args.gc, skip):
            results.append(r)
            if r.implementation in PEERS and r.best_s:
                measured.setdefault(r.implementation, []).append((r.chunks, r.best_s))
            progress(
                f"    {r.implementation:<30} {fmt_time(r.seconds):>12}"
                f"  (CPU {fmt_time(r.best_cpu_s)})"
                + ("  estimate" if r.best_s is None else "")
            )

    linear: list[dict[str, Any]] = []
    ours = [i for i in impls if i.name.startswith("sseparse")]
    if ours and not args.no_linear:
        n, n16 = cfg.linear
        pair = (
            workload(f"growth {n}", n, SIZES[n]),
            workload(f"growth {n16}", n16, SIZES[n16]),
        )
        for impl in ours:
            progress(f"(growth) {impl.name}: {n} vs {n16}")
            row = linear_check(impl, *pair, max(repeat, 3), args.gc)
            linear.append(row)
            progress(
                f"    CPU {fmt_time(row['small_cpu_s'])} vs "
                f"{fmt_time(row['large_cpu_s'])}: {row['cpu_time_ratio']:.2f}x"
            )

    keys = [w.key for w in workloads]
    rows = ratio_rows(results, keys)
    all_goals = goals(rows, linear)
    info["load_average_end"] = load_average()
    info["wall_seconds"] = round(time.perf_counter() - started, 1)
    versions = {
        name: version_of(name) for name in ("sseparse", "openai", "pydantic", "jiter")
    }
    print(
        f"## sseparse structured-output benchmark — {info['date']}, {info['python']}, "
        f"{info['platform']}, {info['nproc']} CPU(s), {info['cpu']}\n"
    )
    print(
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f". Best of {repeat} ({'GC on' if args.gc else 'GC off'} in timed runs); "
        f"load average {info['load_average_start']} (start), "
        f"{info['load_average_end']} (end); run took {info['wall_seconds']} s.\n"
    )
    for note in notes:
        print(f"- {note}")
    if notes:
        print()
    for w in workloads:
        print(f"- ({w.key}) {w.title}; {w.chunks:,} chunks, {w.nbytes:,} B of SSE")
    print()
    if results:
        print(results_table(results) + "\n")
        print(
            "Pre-decoded SSE events for every side; chunks/s from the wall-clock "
            "time; ~: not run, estimated from the smaller sizes.\n"
        )
        print("CPU time ratios (> 1: sseparse faster)\n")
        print(ratio_table(rows) + "\n")
        if len(labels) > 1:
            print("Growth: time ratio between consecutive sizes\n")
            print(growth_table(results, labels, "s") + "\n")
        for r in results:
            if r.best_s is None:
                print(
                    f"- ({r.workload}) {r.implementation}: not run, estimated "
                    f"{fmt_time(r.estimate_s)} ({r.estimate_how})"
                )
        print()
    if linear:
        print("Linear growth of sseparse (interleaved runs)\n")
        print(linear_table(linear) + "\n")
    print("Goals:\n")
    for line in all_goals:
        print(f"- {line}")
    if args.json:
        payload = {
            "machine": info,
            "versions": versions,
            "config": {
                **asdict(cfg),
                "repeat": repeat,
                "sizes": labels,
                "delta_chars": DELTA_CHARS,
                "gc_in_timed_runs": bool(args.gc),
                "peer_limit_s": args.peer_limit,
                "seed": SEED,
            },
            "results": [{**asdict(r), "chunks_per_s": r.chunks_per_s} for r in results],
            "ratios": rows,
            "linear": linear,
            "goals": all_goals,
            "notes": notes,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
