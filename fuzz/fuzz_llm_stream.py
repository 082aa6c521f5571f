"""Fuzz target for ``sseparse.llm.stream()``: bytes in, events and a verdict out.

The input's first byte picks the options (bits 0-1: the protocol, ``auto``,
``chat``, ``anthropic`` or ``responses``; bit 2: small ``Limits`` sized by the
upper bits); all of it is the body, handed to ``stream()`` as an iterable of
byte chunks.  For any input:

* only documented exceptions escape: iterating raises nothing but a
  ``ProtocolError`` (``UnknownProtocol``, ``StreamError``, ``InvalidChunk``,
  ``UnexpectedEvent``, ``LimitExceeded``, ...), never a ``UsageError`` for a
  source of byte chunks, and ``final`` then raises an error of the same class;
  after a clean iteration ``final`` returns a dict that ``json.dumps`` accepts
  or raises a ``ProtocolError``, and ``incomplete`` is false exactly when the
  stream reached its end (a final, or a length / content-filter stop);
* fed whole, in a chunking the input's first eight bytes choose and byte by
  byte (up to 4096 bytes), the events (type and every public field) and the
  verdict (the final as JSON, or the error's class and message) are the same;
* with a protocol named, the events and the verdict equal those of
  ``SSEDecoder`` feeding that accumulator by hand; with ``auto``, once the
  protocol is known they equal those of ``stream()`` told that protocol.

Run with atheris (``python fuzz/fuzz_llm_stream.py -atheris_runs=100000``) or
under pytest (``pytest fuzz/fuzz_llm_stream.py``, hypothesis tests); see
``fuzz/README.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from _support import run_atheris, seeded_chunks
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    LimitExceeded,
    Limits,
    ProtocolError,
    SSEDecoder,
)
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    stream,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

PROTOCOLS = ("auto", "chat", "anthropic", "responses")
ACCUMULATORS: dict[str, Any] = {
    "chat": OpenAIChatAccumulator,
    "anthropic": AnthropicMessagesAccumulator,
    "responses": OpenAIResponsesAccumulator,
}
_FINISH_ERRORS = (LengthFinishReasonError, ContentFilterFinishReasonError)

#: The events' keys, then how it ended: ("final", JSON) or (class, message).
Result = tuple[tuple[Any, ...], tuple[str, ...]]


def options_from(byte: int) -> tuple[str, Limits | None]:
    """The protocol and the limits one byte chooses."""
    limits = None
    if byte & 4:
        k = byte >> 3
        limits = Limits(
            max_line_bytes=64 + 256 * k,
            max_event_chars=64 + 256 * k,
            max_text_chars=1 + 8 * k,
            max_stream_items=1 + k % 8,
        )
    return PROTOCOLS[byte & 3], limits


def event_key(event: Any) -> tuple[Any, ...]:
    """The event's class and public fields, comparable across runs (NaN too)."""
    fields = tuple(
        (f.name, repr(getattr(event, f.name)))
        for f in attrs.fields(type(event))
        if not f.name.startswith("_")
    )
    return (type(event).__name__, *fields)


def _ending(exc: ProtocolError) -> tuple[str, ...]:
    """The error's class and message; for a limit, which one (its message
    counts what the failing read held, which depends on the chunking)."""
    if isinstance(exc, LimitExceeded):
        return type(exc).__name__, exc.limit, str(exc.maximum)
    return type(exc).__name__, str(exc)


def run_stream(
    chunks: Sequence[bytes], protocol: str, limits: Limits | None
) -> tuple[Result, str | None]:
    """``stream()`` over *chunks*: the result, and the protocol it used."""
    s = stream(iter(chunks), protocol=protocol, limits=limits)  # type: ignore[arg-type]
    events: list[tuple[Any, ...]] = []
    raised: ProtocolError | None = None
    try:
        events.extend(event_key(event) for event in s)  # keeps those before an error
    except ProtocolError as exc:
        raised = exc
    verdict: ProtocolError | None = None
    try:
        final = s.final
    except ProtocolError as exc:
        verdict = exc
    if raised is not None:
        assert type(verdict) is type(raised), (verdict, raised)
        assert s.incomplete
        return (tuple(events), _ending(raised)), s.protocol
    if verdict is not None:
        assert s.incomplete is not isinstance(verdict, _FINISH_ERRORS), verdict
        return (tuple(events), _ending(verdict)), s.protocol
    assert not s.incomplete
    return (tuple(events), ("final", json.dumps(final))), s.protocol


def run_by_hand(
    chunks: Sequence[bytes], protocol: str, limits: Limits | None
) -> Result:
    """What ``stream(protocol=...)`` does, done with the decoder and accumulator."""
    decoder = SSEDecoder(limits=limits)
    acc = ACCUMULATORS[protocol](limits=limits)
    events = []
    try:
        for chunk in chunks:
            try:
                items = decoder.feed(chunk)
            except ProtocolError as exc:  # what it completed first still counts
                for item in exc.items:
                    events += [event_key(e) for e in acc.feed(item)]
                raise
            for item in items:
                events += [event_key(e) for e in acc.feed(item)]
        try:
            items = decoder.close()
        except ProtocolError as exc:
            for item in exc.items:
                events += [event_key(e) for e in acc.feed(item)]
            raise
        for item in items:
            events += [event_key(e) for e in acc.feed(item)]
        final = acc.close()
    except ProtocolError as exc:
        return tuple(events), _ending(exc)
    return tuple(events), ("final", json.dumps(final))


# Finding 1, fixed: when the SSE decoder raised LimitExceeded, stream() dropped
# the events the decoder had completed ahead of the bad line in the same read
# (the error's ``items``), so the events before that error depended on the
# chunking.  stream() now feeds them first, as run_by_hand does; the flag lets
# a regression be studied by setting it back to True.
DECODER_LIMIT_LOSES_EVENTS = False
_DECODER_LIMITS = ("max_line_bytes", "max_event_chars", "max_retry_digits")


def same(got: Result, expected: Result) -> bool:
    """Whether a run agrees with the whole run (but for finding 1)."""
    events, ending = expected
    if (
        DECODER_LIMIT_LOSES_EVENTS
        and ending[0] == "LimitExceeded"
        and ending[1] in _DECODER_LIMITS
    ):
        return got[0][: len(events)] == events
    return got == expected


def fuzz_one_input(data: bytes) -> None:
    """Check ``stream()``'s invariants on one input; raise on any violation.

    Args:
        data: the fuzzer's input: all of it is the body; the first byte picks
            the options, the first eight seed the chunking.
    """
    protocol, limits = options_from(data[0] if data else 0)
    whole, used = run_stream([data], protocol, limits)
    chunked, _ = run_stream(seeded_chunks(data, data[:8]), protocol, limits)
    assert same(chunked, whole), "a chunking changed the events or the verdict"
    if len(data) <= 4096:
        bytewise = [data[i : i + 1] for i in range(len(data))]
        assert same(run_stream(bytewise, protocol, limits)[0], whole), "byte by byte"
    if protocol != "auto":
        assert used == protocol
        assert run_by_hand([data], protocol, limits) == whole, "stream() != by hand"
    elif used is not None:
        told, _ = run_stream([data], used, limits)
        assert told == whole, f"auto != protocol={used!r}"


# -- seeds ------------------------------------------------------------------------

_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def seeds() -> list[bytes]:
    """The recorded streams of tests/data, each behind an options line (auto)."""
    return [b"\x00\n" + path.read_bytes() for path in sorted(_DATA.glob("*/*.sse"))]


def make_corpus(directory: str) -> None:
    """Write the seeds to *directory*, each with every protocol choice."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(seeds()):
        for option in range(4):
            (out / f"seed-{i:03d}-{option}").write_bytes(bytes([option]) + seed[1:])


# -- hypothesis -------------------------------------------------------------------


@settings(deadline=None)
@given(st.binary())
def test_fuzz_llm_stream_bytes(data: bytes) -> None:
    fuzz_one_input(data)


@settings(deadline=None, max_examples=25)
@given(st.integers(0, 255), st.sampled_from(seeds()), st.data())
def test_fuzz_llm_stream_seeds(first: int, seed: bytes, data: st.DataObject) -> None:
    """The recorded streams, with any options and a cut or a flipped byte."""
    body = bytearray(bytes([first]) + seed[1:])
    at = data.draw(st.integers(1, len(body) - 1))
    if data.draw(st.booleans()):
        body[at] ^= data.draw(st.integers(1, 255))
    else:
        del body[at:]
    fuzz_one_input(bytes(body))


# The inputs the fuzzers found, shrunk by hand (a finding not fixed yet would be
# a strict xfail naming it, so that its fix must remove the mark).
_LONG_LINE = b"\x05\ndata: {}\n\ndata: " + b"x" * 80 + b"\n\n"
FINDINGS = [
    pytest.param(_LONG_LINE, id="decoder-limit-drops-items"),
]


@pytest.mark.parametrize("data", FINDINGS)
def test_fuzz_llm_stream_findings(data: bytes) -> None:
    protocol, limits = options_from(data[0])
    whole, _ = run_stream([data], protocol, limits)
    bytewise = [data[i : i + 1] for i in range(len(data))]
    assert run_stream(bytewise, protocol, limits)[0] == whole


def main() -> None:
    """Run the target under atheris, with sseparse instrumented for coverage.

    ``--make-corpus DIR`` writes the seed inputs to DIR and exits.
    """
    if len(sys.argv) == 3 and sys.argv[1] == "--make-corpus":
        make_corpus(sys.argv[2])
        return
    run_atheris(fuzz_one_input)


if __name__ == "__main__":
    main()
