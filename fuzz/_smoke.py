"""A bounded, deterministic smoke run of every fuzz target, in pure Python.

Theory of operation.  CI cannot count on atheris (a compiled fuzzer), and
hypothesis draws its own inputs; the smoke starts from the recorded streams of
``tests/data/`` instead (``_corpus.py``) and applies a few byte-level
mutations to them, then checks each input against every target's contract:

* **the target's own checks**: its module's ``fuzz_one_input`` (the same
  function atheris calls), which raises on any violation;
* **only documented exceptions**: each target below catches exactly the
  ``sseparse.errors`` classes its machine documents; anything else escapes
  and is a finding;
* **chunking independence**: fed whole, byte by byte (inputs up to
  :data:`BYTEWISE_MAX` bytes) and in :data:`RANDOM_CHUNKINGS` random
  chunkings, with the default limits and with small ones, the machine gives
  the same items and ends the same way (the same value, or an error of the same
  class with the same facts);
* **memory within ``Limits``**: for one input in :data:`MEMORY_EVERY`, a part
  of it is repeated into a stream of at least :data:`AMPLIFIED_BYTES` bytes
  (four times the bound below), fed in reads of :data:`READ_BYTES` with small
  limits while its outputs are dropped; ``tracemalloc``'s peak during the run
  must stay under :func:`memory_bound` of those limits (a fixed allowance, a
  few times one read, and a multiple of the bytes the limits let a machine
  keep): a buffer that grows with the input instead of raising
  ``LimitExceeded`` fails it.  Bytes are counted, never time, so a loaded
  machine cannot make it fail.

Input number ``i`` of a target is made from ``random.Random(f"{seed}/{target}/
{i}")`` alone (:func:`make_input`): the even ones are the corpus entries as
they are, the others mutated copies.  So ``--seed S --target T --index I``
rebuilds exactly the input that failed, whatever ran before it.

The budget is a number of inputs per target; the wall-clock cap (``seconds``,
for the whole run: each target may use an equal share of what is left) only
stops a target early on a slow machine (after :data:`MIN_INPUTS` inputs at
least), and is reported, never a failure.
Cost: each input runs its machine about fifteen times (the module's checks,
then three feedings but whole, with two sets of limits), byte by byte the
dearest; the memory check reads 0.5 to a few MiB, mostly stopped early by a
limit.  About 0.02 s an input on average, 40 s of CPU for the defaults.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shlex
import time
import traceback
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import fuzz_anthropic_messages
import fuzz_http
import fuzz_jsonstream
import fuzz_llm_stream
import fuzz_openai_chat
import fuzz_openai_responses
import fuzz_sse
from _corpus import Seed, http_responses, json_documents, mutate, sse_captures

from sseparse import (
    Comment,
    JSONStreamError,
    LimitExceeded,
    Limits,
    ProtocolError,
    ServerSentEvent,
    SSEDecoder,
)
from sseparse.jsonstream import JSONStreamParser, StringDelta, ValueDone
from sseparse.llm import stream
from sseparse.transport import ConnectionState, EventStreamConnection, Request

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import ModuleType

__all__ = [
    "AMPLIFIED_BYTES",
    "BYTEWISE_MAX",
    "DEFAULT_INPUTS",
    "DEFAULT_SECONDS",
    "DEFAULT_SEED",
    "Failure",
    "Report",
    "TargetReport",
    "check_input",
    "check_memory",
    "main",
    "make_input",
    "memory_bound",
    "run",
    "targets",
    "write_corpus",
    "write_failure",
]

DEFAULT_SEED = 0
DEFAULT_INPUTS = 300  # per target
DEFAULT_SECONDS = 75.0  # for the whole run, shared by the targets
BYTEWISE_MAX = 32 * 1024
MIN_INPUTS = 10  # per target, whatever the clock says
RANDOM_CHUNKINGS = 2
MAX_EDITS = 4
MEMORY_EVERY = 8
AMPLIFIED_BYTES = 512 * 1024
READ_BYTES = 4096  # the memory check's reads
# The allowance of memory_bound(): interpreter noise (a first call's caches,
# the list a feed() returns, one read) and the multiple of the limits' bytes
# (Python objects cost several times their text: a list of a hundred "{}"
# dicts is ten kilobytes).
_ALLOWANCE = 256 * 1024
_PER_LIMIT_BYTE = 8

_Cut = TypeVar("_Cut", bytes, str)
#: What one feeding gave: the items, then how it ended (a value or an error's
#: facts).  Two feedings agree when their outcomes are equal.
Outcome = tuple[tuple[Any, ...], tuple[Any, ...]]


def bytewise(data: _Cut) -> list[_Cut]:
    """One piece per byte (or character)."""
    return [data[i : i + 1] for i in range(len(data))]


def random_cuts(data: _Cut, rng: random.Random) -> list[_Cut]:
    """Pieces of random sizes (small ones favoured), empty pieces included."""
    pieces = []
    at = 0
    while at < len(data):
        size = min(int(rng.paretovariate(0.8)) - 1, 1 << 16)
        pieces.append(data[at : at + size])
        at += size
    return pieces


def error_facts(exc: BaseException) -> tuple[Any, ...]:
    """What of an error must not depend on the chunking.

    A limit's ``observed`` (and so its message) counts what the failing read
    held; a JSON error's message is its position.
    """
    if isinstance(exc, LimitExceeded):
        return type(exc).__name__, exc.limit, exc.maximum
    if isinstance(exc, JSONStreamError):
        return type(exc).__name__, exc.pos
    return type(exc).__name__, str(exc)


def small_limits(rng: random.Random) -> Limits:
    """Limits small enough that the corpus reaches them, large enough that
    much of it passes: each bound is log-uniform over a range."""

    def pick(low: int, high: int) -> int:
        scale: float = (high / low) ** rng.random()
        return round(low * scale)

    return Limits(
        max_line_bytes=pick(32, 8192),
        max_event_chars=pick(32, 16384),
        max_retry_digits=pick(1, 12),
        max_json_depth=pick(1, 12),
        max_json_string_chars=pick(1, 4096),
        max_json_number_chars=pick(1, 32),
        max_json_chars=pick(2, 32768),
        max_text_chars=pick(1, 4096),
        max_stream_items=pick(1, 64),
        max_header_bytes=pick(16, 1024),
        max_error_body_bytes=pick(1, 256),
        max_inflate_ratio=pick(1, 200),
    )


def memory_limits(data: bytes, rng: random.Random) -> Limits:
    """The limits of the memory check, each at most a few kilobytes.

    Half the time they are tiny (a few hundred at most: most inputs then fail
    early, and must do so without growing); else the line, event and head
    bounds fit the input's longest line, event and head, so that its events
    pass and a repeated one is read again and again.
    """
    fitted = rng.random() < 0.5
    lines = data.replace(b"\r", b"\n").split(b"\n")
    line = max(map(len, lines)) if fitted else 0
    event = max(map(len, data.split(b"\n\n"))) if fitted else 0
    head = data.find(b"\r\n\r\n") + 4 if fitted else 0
    cap = 16 * 1024
    return Limits(
        max_line_bytes=min(cap, line + rng.randint(8, 256)),
        max_event_chars=min(cap, event + rng.randint(8, 256)),
        max_retry_digits=rng.randint(1, 8),
        max_json_depth=rng.randint(1, 16),
        max_json_string_chars=rng.randint(1, 256),
        max_json_number_chars=rng.randint(1, 32),
        max_json_chars=rng.randint(2, 4096),
        max_text_chars=rng.randint(1, 1024),
        max_stream_items=rng.randint(1, 4),
        max_header_bytes=min(cap, head + rng.randint(16, 512)),
        max_error_body_bytes=rng.randint(1, 256),
        max_inflate_ratio=rng.randint(1, 100),
    )


def memory_bound(limits: Limits) -> int:
    """The most memory (bytes) a machine may hold under *limits*, reading
    :data:`READ_BYTES` at a time.

    A text bound counts four bytes a character (UCS-4 at worst); each item
    (choice, block, tool call) may hold what one event brought; a read may
    cost a few times its size while it is decoded and split.
    """
    chars = limits.max_event_chars + limits.max_text_chars + limits.max_json_chars
    held = (
        limits.max_line_bytes
        + limits.max_header_bytes
        + limits.max_error_body_bytes
        + 4 * chars
        + 4 * limits.max_stream_items * limits.max_event_chars
    )
    return _ALLOWANCE + _PER_LIMIT_BYTE * held + 16 * READ_BYTES


def amplified(
    data: bytes, rng: random.Random, total: int
) -> Iterator[bytes | memoryview]:
    """*data* with one part of it repeated to about *total* bytes, in reads.

    The repeated part is one whole event (a block ended by a blank line) half
    the time, else any run of the input (inside a line, a string, a header);
    the reads (of at most :data:`READ_BYTES`: a machine may use memory in
    proportion to one read while it reads it) reuse one block, so that the
    stream itself costs no memory while the machine reads it.
    """
    if not data:
        data = b"\n"
    ends = [i + 2 for i in range(len(data) - 1) if data[i : i + 2] == b"\n\n"]
    if ends and rng.random() < 0.5:
        at = rng.randrange(len(ends))
        start, end = (ends[at - 1] if at else 0), ends[at]
    else:
        start = rng.randrange(len(data))
        end = min(len(data), start + 1 + int(rng.paretovariate(0.7)))
    part = data[start:end]
    block = memoryview(part * max(1, READ_BYTES // len(part)))
    yield from _reads(memoryview(data)[:start])
    for _ in range(total // len(block) + 1):
        yield from _reads(block)
    yield from _reads(memoryview(data)[end:])


def _reads(view: memoryview) -> Iterator[memoryview]:
    """*view* in reads of at most :data:`READ_BYTES` (slices copy nothing)."""
    for at in range(0, len(view), READ_BYTES):
        yield view[at : at + READ_BYTES]


# -- targets ----------------------------------------------------------------------


@dataclass
class Target:
    """One machine under test: its corpus, its feedings, its memory run.

    Subclasses define :meth:`outcome` (feed one input, cut by *split*, with
    *limits*; catch only the documented errors) and :meth:`drain` (the same,
    keeping nothing, for the memory check).
    """

    name: str
    what: str
    module: ModuleType | None = None
    corpus_files: Callable[[], list[Seed]] = sse_captures
    # What goes before a seed: nothing, an options byte, or an options byte and
    # a line end (for targets whose input is all one event stream).
    options: str = "line"

    def corpus(self) -> list[Seed]:
        """The target's seeds."""
        return self.corpus_files()

    def frame(self, body: bytes, rng: random.Random) -> bytes:
        """The target's input for a corpus body: the options byte, if any."""
        if self.options == "none":
            return body
        first = bytes([rng.randrange(256)])
        return first + (b"\n" if self.options == "line" else b"") + body

    def same(self, got: Outcome, expected: Outcome) -> bool:
        """Whether another feeding agrees with the whole one."""
        return got == expected

    def deep(self, data: bytes) -> None:
        """The target module's own checks (the atheris entry point)."""
        if self.module is not None:
            self.module.fuzz_one_input(data)

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        """Feed *data* cut by *split* (``None``: the defaults, or the options
        byte's limits); the items, then the end or the error's facts."""
        raise NotImplementedError

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        """Feed *reads* (options from *data*), keeping nothing; stop at the
        first documented error."""
        raise NotImplementedError


class SSETarget(Target):
    """``SSEDecoder`` (comments on): items, last ID, retry, ``truncated``."""

    def decoder(self, limits: Limits | None) -> Any:
        return SSEDecoder(limits=limits, comments=True)

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        decoder = self.decoder(limits)
        items: list[ServerSentEvent | Comment] = []
        try:
            for chunk in split(data):
                items += decoder.feed(chunk)
            items += decoder.close()
        except LimitExceeded as exc:
            return (*items, *exc.items), error_facts(exc)
        return tuple(items), (decoder.last_event_id, decoder.retry, decoder.truncated)

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        decoder = self.decoder(limits)
        try:
            for chunk in reads:
                decoder.feed(chunk)
            decoder.close()
        except LimitExceeded:
            pass


def _json_text(data: bytes) -> str:
    return fuzz_jsonstream._text(data)


class JSONTarget(Target):
    """``JSONStreamParser`` with events: the events (string deltas joined) and
    the value, or the error and its position."""

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        parser = JSONStreamParser(limits=limits, events=True)
        events: list[Any] = []
        try:
            for piece in split(_json_text(data)):
                events += parser.feed(piece)
            value = parser.close()
        except (JSONStreamError, LimitExceeded) as exc:
            # The events of the failing delta are not returned: which ones came
            # before the error depends on the cut.
            return (), error_facts(exc)
        events += parser.take_events()
        return _joined(events), ("value", repr(value))

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        parser = JSONStreamParser(limits=limits)
        try:
            for chunk in reads:
                parser.feed(str(chunk, "utf-8", "replace"))
            parser.close()
        except (JSONStreamError, LimitExceeded):
            pass


def _joined(events: list[Any]) -> tuple[Any, ...]:
    """The events with the string deltas of one string joined (their cut
    depends on the chunking) and each done value as its repr then."""
    out: list[Any] = []
    for event in events:
        if isinstance(event, StringDelta):
            if not event.delta:
                continue
            if out and out[-1][0] == "delta" and out[-1][1] == event.path:
                out[-1] = ("delta", event.path, out[-1][2] + event.delta)
                continue
            out.append(("delta", event.path, event.delta))
        elif isinstance(event, ValueDone):
            out.append(("done", event.path, repr(event.value)))
        else:
            out.append(("started", event.path, event.kind))
    return tuple(out)


@dataclass
class AccumulatorTarget(Target):
    """``SSEDecoder`` feeding an accumulator through its fuzz module's ``Run``,
    which checks the documented rules at every step."""

    protocol: str = ""

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        module = self.module
        assert module is not None
        options = module.options_from(data[0] if data else 0)
        if limits is not None:
            options["limits"] = limits
        decoder = SSEDecoder(limits=limits, comments=True)
        run = module.Run(options, views=split is _whole)
        try:
            for chunk in split(data):
                for item in decoder.feed(chunk):
                    run.feed(item)  # lets no accumulator error escape
            for item in decoder.close():
                run.feed(item)
        except LimitExceeded as exc:  # the decoder's
            for item in exc.items:
                run.feed(item)
            return tuple(run.events), ("decoder", *error_facts(exc))
        events, end = run.result()
        return tuple(events), end

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        assert self.module is not None
        options = self.module.options_from(data[0] if data else 0)
        options["limits"] = limits
        decoder = SSEDecoder(limits=limits, comments=True)
        acc = fuzz_llm_stream.ACCUMULATORS[self.protocol](**options)
        try:
            for chunk in reads:
                for item in decoder.feed(chunk):
                    acc.feed(item)
            for item in decoder.close():
                acc.feed(item)
            acc.close()
        except ProtocolError:
            pass


class StreamTarget(Target):
    """``sseparse.llm.stream()`` over byte chunks (``fuzz_llm_stream.py``)."""

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        protocol, own = fuzz_llm_stream.options_from(data[0] if data else 0)
        result, _ = fuzz_llm_stream.run_stream(split(data), protocol, limits or own)
        return result

    def same(self, got: Outcome, expected: Outcome) -> bool:
        return fuzz_llm_stream.same(got, expected)

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        protocol, _ = fuzz_llm_stream.options_from(data[0] if data else 0)
        s = stream(reads, protocol=protocol, limits=limits)  # type: ignore[arg-type]
        try:
            for _ in s:
                pass
        except ProtocolError:
            pass


class HTTPTarget(Target):
    """``EventStreamConnection``: the response's items or the error's facts."""

    def outcome(self, data: bytes, split: Any, limits: Limits | None) -> Outcome:
        options = fuzz_http.options_from(data[0] if data else 0)
        if limits is not None:
            options["limits"] = limits
        connection = EventStreamConnection(Request.get(fuzz_http.URL), **options)
        items: list[Any] = []
        try:
            for chunk in split(data[1:]):
                if connection.state is ConnectionState.ENDED:
                    break
                items += connection.feed(chunk)
            items += connection.close()
        except fuzz_http.DOCUMENTED as exc:
            return (*items, *exc.items), fuzz_http._facts(exc)
        return tuple(items), ("ended", connection.last_event_id, connection.retry)

    def same(self, got: Outcome, expected: Outcome) -> bool:
        """Equal, but for the one difference ``Limits`` documents: "a
        chunk-size line that arrives whole within one read is not measured"
        by ``max_header_bytes``, so a long malformed one is a
        ``MalformedResponse`` read at once and a ``LimitExceeded`` read in
        pieces (found by the smoke, seed 3, input 55)."""
        if got == expected:
            return True
        limit = got[1] if got[1][0] == "LimitExceeded" else expected[1]
        return (
            got[0] == expected[0]
            and {got[1], expected[1]} == {("MalformedResponse",), limit}
            and limit[:2] == ("LimitExceeded", "max_header_bytes")
        )

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        options = fuzz_http.options_from(data[0] if data else 0)
        options["limits"] = limits
        connection = EventStreamConnection(Request.get(fuzz_http.URL), **options)
        try:
            for chunk in reads:
                if connection.state is ConnectionState.ENDED:
                    break
                connection.feed(chunk)
            connection.close()
        except fuzz_http.DOCUMENTED:
            pass


def _whole(data: _Cut) -> list[_Cut]:
    return [data]


def targets() -> list[Target]:
    """Every target, in the order the smoke runs them."""
    return [
        SSETarget(
            "sse",
            "SSEDecoder: bytes to events (fuzz_sse.py)",
            fuzz_sse,
            options="none",
        ),
        JSONTarget(
            "jsonstream",
            "JSONStreamParser: text to a value (fuzz_jsonstream.py)",
            fuzz_jsonstream,
            json_documents,
            options="none",
        ),
        AccumulatorTarget(
            "openai_chat",
            "SSEDecoder + OpenAIChatAccumulator (fuzz_openai_chat.py)",
            fuzz_openai_chat,
            lambda: sse_captures("openai_chat"),
            protocol="chat",
        ),
        AccumulatorTarget(
            "anthropic_messages",
            "SSEDecoder + AnthropicMessagesAccumulator (fuzz_anthropic_messages.py)",
            fuzz_anthropic_messages,
            lambda: sse_captures("anthropic_messages"),
            protocol="anthropic",
        ),
        AccumulatorTarget(
            "openai_responses",
            "SSEDecoder + OpenAIResponsesAccumulator (fuzz_openai_responses.py)",
            fuzz_openai_responses,
            lambda: sse_captures("openai_responses"),
            protocol="responses",
        ),
        StreamTarget(
            "llm_stream",
            "sseparse.llm.stream() over byte chunks, any protocol (fuzz_llm_stream.py)",
            fuzz_llm_stream,
        ),
        HTTPTarget(
            "http",
            "transport.EventStreamConnection: a response to events (fuzz_http.py)",
            fuzz_http,
            http_responses,
            options="byte",
        ),
    ]


# -- one input --------------------------------------------------------------------


def make_input(
    target: Target, corpus: list[Seed], seed: object, index: int
) -> tuple[bytes, str]:
    """Input *index* of *target* under *seed*, and how it was made.

    Even inputs are the seeds in turn, unchanged (behind an options byte drawn
    here, for the targets that take one), until each has come; the others are
    a seed with one to :data:`MAX_EDITS` edits.  Nothing but the arguments
    decides it.
    """
    rng = random.Random(f"{seed}/{target.name}/{index}")
    if index % 2 == 0 and index // 2 < len(corpus):
        name, body = corpus[index // 2]
        return target.frame(body, rng), f"{name}, unchanged"
    name, body = rng.choice(corpus)
    data = target.frame(body, rng)
    data, edits = mutate(data, rng, corpus, rng.randint(1, MAX_EDITS))
    return data, f"{name}, then " + "; ".join(edits or ["no edit applied"])


def _differ(got: Outcome, expected: Outcome) -> str:
    """Where two outcomes first differ, in a few words."""
    items, end = got
    want_items, want_end = expected
    for i, (a, b) in enumerate(zip(items, want_items, strict=False)):
        if a != b:
            return f"item {i}: {a!r:.300} instead of {b!r:.300}"
    if len(items) != len(want_items):
        return f"{len(items)} items instead of {len(want_items)}"
    return f"ended {end!r:.300} instead of {want_end!r:.300}"


def check_input(target: Target, data: bytes, rng: random.Random, memory: bool) -> None:
    """Every check of one input; raises ``AssertionError`` (or the escaped
    exception) on the first violation."""
    target.deep(data)
    for limits in (None, small_limits(rng)):
        whole = target.outcome(data, _whole, limits)
        feedings: list[tuple[str, Any]] = []
        if len(data) <= BYTEWISE_MAX:
            feedings.append(("byte by byte", bytewise))
        for _ in range(RANDOM_CHUNKINGS):
            cut = rng.randrange(1 << 32)
            feedings.append(
                (f"cut by random.Random({cut})", _seeded_cuts(cut)),
            )
        for name, split in feedings:
            got = target.outcome(data, split, limits)
            if not target.same(got, whole):
                raise AssertionError(
                    f"fed {name} (limits {limits}), not whole: {_differ(got, whole)}"
                )
    if memory:
        check_memory(target, data, rng)


def _seeded_cuts(cut: int) -> Callable[[Any], list[Any]]:
    def split(data: Any) -> list[Any]:
        return random_cuts(data, random.Random(cut))

    return split


def check_memory(target: Target, data: bytes, rng: random.Random) -> int:
    """Feed an amplified *data* with small limits; the peak must stay bounded.

    The stream is four times :func:`memory_bound` (at least
    :data:`AMPLIFIED_BYTES`), so that a machine that keeps what it reads
    instead of raising ``LimitExceeded`` goes past the bound.

    Returns:
        The peak, in bytes above what was allocated before.
    """
    limits = memory_limits(data, rng)
    bound = memory_bound(limits)
    total = max(AMPLIFIED_BYTES, 4 * bound)
    reads_seed = rng.randrange(1 << 32)
    # A first run outside the measure: lazy imports and caches of a first call.
    target.drain(data, amplified(data, random.Random(reads_seed), 64 * 1024), limits)
    tracing = tracemalloc.is_tracing()  # PYTHONTRACEMALLOC: leave it on
    if not tracing:
        tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        target.drain(data, amplified(data, random.Random(reads_seed), total), limits)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not tracing:
            tracemalloc.stop()
    assert peak <= bound, (
        f"memory: a peak of {peak} bytes reading {total} bytes (a part "
        f"repeated, random.Random({reads_seed})) with {limits}: more than the "
        f"bound of {bound}"
    )
    return peak


# -- the run ----------------------------------------------------------------------


@dataclass
class Failure:
    """The first input of a target that broke a rule."""

    target: str
    seed: object
    index: int
    origin: str
    data: bytes
    error: str

    def reproduce(self) -> str:
        """The command that checks this input again."""
        return (
            f"python -m fuzz --smoke --seed {shlex.quote(str(self.seed))} "
            f"--target {self.target} --index {self.index}"
        )


@dataclass
class TargetReport:
    """What one target's run did."""

    name: str
    inputs: int = 0  # inputs checked
    planned: int = 0
    memory_checks: int = 0
    seconds: float = 0.0
    stopped_early: bool = False  # by the wall-clock cap
    failure: Failure | None = None


@dataclass
class Report:
    """The whole run."""

    seed: object
    targets: list[TargetReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.failure is None for t in self.targets)


def run(
    chosen: Sequence[Target],
    *,
    seed: object = DEFAULT_SEED,
    inputs: int = DEFAULT_INPUTS,
    seconds: float = DEFAULT_SECONDS,
    index: int | None = None,
    out: Callable[[str], None] = print,
    clock: Callable[[], float] = time.monotonic,
) -> Report:
    """Run *inputs* inputs of every target in *chosen* (only input *index*,
    if given); stop a target at its first failure, or at its share of
    *seconds* once it has run :data:`MIN_INPUTS` inputs."""
    report = Report(seed)
    out(
        f"fuzz smoke: seed {seed}, {inputs} inputs a target, "
        f"at most {seconds:g} s in all"
    )
    deadline = clock() + seconds
    for done, target in enumerate(chosen):
        corpus = target.corpus()
        numbers = [index] if index is not None else list(range(inputs))
        result = TargetReport(target.name, planned=len(numbers))
        report.targets.append(result)
        start = clock()
        share = (deadline - start) / (len(chosen) - done)  # time unused carries
        for number in numbers:
            if result.inputs >= MIN_INPUTS and clock() - start > share:
                result.stopped_early = True
                break
            data, origin = make_input(target, corpus, seed, number)
            rng = random.Random(f"{seed}/{target.name}/{number}/checks")
            memory = number % MEMORY_EVERY == MEMORY_EVERY - 1
            try:
                check_input(target, data, rng, memory)
            except Exception as exc:  # any escape is a finding, shown in full
                result.failure = Failure(
                    target.name,
                    seed,
                    number,
                    origin,
                    data,
                    "".join(traceback.format_exception(exc)),
                )
                result.inputs += 1
                break
            result.inputs += 1
            result.memory_checks += memory
        result.seconds = clock() - start
        out(_summary(result, len(corpus)))
        if result.failure is not None:
            out(_failure_text(result.failure))
    out("fuzz smoke: " + ("ok" if report.ok else "FAILED"))
    return report


def _summary(result: TargetReport, seeds: int) -> str:
    status = "FAIL" if result.failure else "ok"
    line = (
        f"{status:4} {result.name:18} {result.inputs:4}/{result.planned} inputs "
        f"({seeds} seeds, {result.memory_checks} memory checks) "
        f"in {result.seconds:.1f} s"
    )
    if result.stopped_early:
        line += " - stopped by the time cap, not a failure"
    return line


def _failure_text(failure: Failure) -> str:
    shown = failure.data if len(failure.data) <= 400 else failure.data[:400]
    more = "" if len(failure.data) <= 400 else f" ... ({len(failure.data)} bytes)"
    digest = hashlib.sha1(failure.data).hexdigest()[:12]
    return (
        f"  input {failure.index} of {failure.target} (seed {failure.seed}, "
        f"sha1 {digest}): {failure.origin}\n"
        f"  bytes: {shown!r}{more}\n"
        f"  reproduce: {failure.reproduce()}\n"
        + "".join(f"  | {line}\n" for line in failure.error.splitlines())
    )


def write_failure(failure: Failure, directory: Path) -> Path:
    """Write the failing input where atheris' ``crash-`` files would go."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(failure.data).hexdigest()
    path = directory / f"smoke-{failure.target}-{digest}"
    path.write_bytes(failure.data)
    return path


def write_corpus(chosen: Sequence[Target], directory: Path, seed: object) -> None:
    """Write each target's seeds (as its inputs) to ``directory/<target>/``."""
    for target in chosen:
        out = directory / target.name
        out.mkdir(parents=True, exist_ok=True)
        corpus = target.corpus()
        for number in range(len(corpus)):
            data, _ = make_input(target, corpus, seed, number)
            (out / f"seed-{number:04d}").write_bytes(data)
        print(f"{out}: {len(corpus)} seeds")


# -- the command line -------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Parse *argv* and run; the exit status."""
    known = targets()
    names = [target.name for target in known]
    parser = argparse.ArgumentParser(
        prog="python -m fuzz",
        description="Bounded smoke runs of the fuzz targets (no atheris needed).",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--smoke", action="store_true", help="run the smoke (CI runs this)"
    )
    action.add_argument(
        "--write-corpus",
        metavar="DIR",
        type=Path,
        help="write each target's seed inputs to DIR/<target>/ and exit",
    )
    action.add_argument("--list", action="store_true", help="list the targets")
    parser.add_argument(
        "--target",
        action="append",
        choices=names,
        metavar="NAME",
        help=f"only this target (repeatable): {', '.join(names)}",
    )
    parser.add_argument(
        "--seed",
        default=str(DEFAULT_SEED),
        help="what the inputs are made from (default %(default)s); any text",
    )
    parser.add_argument(
        "--inputs",
        type=int,
        default=DEFAULT_INPUTS,
        help="inputs per target (default %(default)s)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=DEFAULT_SECONDS,
        help="wall-clock cap for the whole run, shared by the targets; reaching "
        "it stops a target early, it does not fail (default %(default)s)",
    )
    parser.add_argument(
        "--index", type=int, help="check only input INDEX (to reproduce a failure)"
    )
    parser.add_argument(
        "--failures",
        type=Path,
        default=Path("fuzz-failures"),
        help="where failing inputs are written (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.inputs < 0 or args.seconds <= 0 or (args.index or 0) < 0:
        parser.error("--inputs, --index and --seconds cannot be negative")
    chosen = [t for t in known if not args.target or t.name in args.target]
    if args.list:
        for target in chosen:
            print(f"{target.name:18} {target.what}")
        return 0
    if args.write_corpus is not None:
        write_corpus(chosen, args.write_corpus, args.seed)
        return 0
    report = run(
        chosen,
        seed=args.seed,
        inputs=args.inputs,
        seconds=args.seconds,
        index=args.index,
    )
    for result in report.targets:
        if result.failure is not None:
            path = write_failure(result.failure, args.failures)
            print(f"{result.name}: failing input written to {path}")
    return 0 if report.ok else 1
