"""Recorded-style Anthropic Messages streams against hand-written golden files.

Every ``tests/data/anthropic_messages/NAME.sse`` holds the wire bytes of one
Messages stream, written by hand from the wire format (the ``anthropic``
package's ``types/raw_*`` and block types, and the streaming docs).  Next to
it, also written by hand and never produced by the accumulator:

* ``NAME.final.json``: the ``message`` that ``close()`` must return, or
* ``NAME.error.json``: ``{"exception", "snapshot", "body"?}`` for a stream that
  must end in ``StreamError`` / ``IncompleteStream``;
* ``NAME.events.json`` (some streams): the expected event sequence, one object
  per event holding ``type`` and the fields that say what happened (every
  field given is compared; empty text deltas are left out, the contract being
  silent on whether a ``""`` text delta is an event);
* ``manifest.json``: one row per stream: the rule it is about (it names the
  tests), what ``close()`` must do (``final``, ``IncompleteStream``, or
  ``StreamError`` raised by ``feed()`` at SSE event ``raises_at``), and
  ``acc.incomplete`` (the block indexes whose tool input was cut).

1. Golden: each stream fed whole gives its golden final (type-exact) or
   error, its manifest row and, where written, its golden events.
2. Feeding: whole, byte by byte, in chunks of 7, 64 and 4096 bytes and at
   hypothesis-chosen cut points, each in its named form and in its data-only
   form (the ``event:`` lines stripped), all give the same events and result;
   ``feed_chunk`` with the parsed payloads gives the same.
3. Consistency: per block, the deltas add up to the final's fields; each done
   event comes once with the final value; the vocabulary's mapping table holds
   (a chunk event first for every payload, start metadata and blocks as sent,
   the normalised finish reason); ``anthropic.types.Message`` accepts every
   final.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from anthropic.types import Message
from hypothesis import given
from hypothesis import strategies as st

from sseparse import (
    IncompleteStream,
    ServerSentEvent,
    SSEDecoder,
    SseparseError,
    StreamError,
    UsageError,
)
from sseparse.llm import AccumulatorState
from sseparse.llm._anthropic import AnthropicMessagesAccumulator
from tests.helpers import split_chunks

if TYPE_CHECKING:
    from collections.abc import Iterable

DATA = Path(__file__).resolve().parent.parent / "data" / "anthropic_messages"
MANIFEST: dict[str, dict[str, Any]] = {
    name: row
    for name, row in json.loads((DATA / "manifest.json").read_text("utf-8")).items()
    if not name.startswith("_")
}

# Streams whose expected event sequence must be written out (issue 11).
MUST_HAVE_EVENTS = {
    "text_plain",
    "tool_use_parallel",
    "thinking_signature",
    "citations",
    "max_tokens_in_tool_input",
    "error_mid_stream",
    "cut_stream",
}

# The vocabulary's normalised finish reasons for Anthropic (vocab spec, written
# here by hand so that a wrong table in the library shows).
REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "refusal",
    "pause_turn": "pause",
}

# Block types the pinned ``anthropic`` package does not know: its ``Message``
# rejects them, so they are left out before validating (the rest must pass).
UNKNOWN_TO_ANTHROPIC = {"image_generation"}


@dataclass(frozen=True)
class Recorded:
    """One recorded stream, its hand-written expectations and its framing."""

    name: str
    data: bytes
    final: dict[str, Any] | None
    error: dict[str, Any] | None
    events: list[dict[str, Any]] | None
    row: dict[str, Any]

    @property
    def expected(self) -> dict[str, Any]:
        """The final object, or the snapshot the error must carry."""
        if self.final is not None:
            return self.final
        assert self.error is not None
        snapshot: dict[str, Any] = self.error["snapshot"]
        return snapshot

    @property
    def data_only(self) -> bytes:
        """The same stream as a proxy re-frames it: no ``event:`` lines."""
        return re.sub(rb"(?m)^event:[^\n]*\n", b"", self.data)


def _load(path: Path) -> Any:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _recorded(name: str) -> Recorded:
    return Recorded(
        name=name,
        data=(DATA / f"{name}.sse").read_bytes(),
        final=_load(DATA / f"{name}.final.json"),
        error=_load(DATA / f"{name}.error.json"),
        events=_load(DATA / f"{name}.events.json"),
        row=MANIFEST[name],
    )


NAMES = sorted(p.stem for p in DATA.glob("*.sse"))
ALL = [_recorded(name) for name in NAMES if name in MANIFEST]
BY_NAME = {rec.name: rec for rec in ALL}
FINALS = [rec for rec in ALL if rec.final is not None]
WITH_EVENTS = [rec for rec in ALL if rec.events is not None]


def params(records: Iterable[Recorded]) -> list[Any]:
    """``pytest.param`` per stream, its id naming the rule it checks."""
    return [pytest.param(rec, id=f"{rec.row['rule']}:{rec.name}") for rec in records]


FRAMINGS = ["named", "data-only"]


def framed(rec: Recorded, framing: str) -> bytes:
    return rec.data if framing == "named" else rec.data_only


# ------------------------------------------------------------------ running


@dataclass
class Outcome:
    """Everything one run of a stream produced."""

    events: list[Any]
    per_feed: list[tuple[Any, list[Any]]]
    at_arrival: list[str]
    final: dict[str, Any] | None
    error: SseparseError | None
    raised_at: int | None
    acc: AnthropicMessagesAccumulator


def run(chunks: Iterable[bytes]) -> Outcome:
    """Decode ``chunks`` and feed every SSE item to a fresh accumulator."""
    decoder = SSEDecoder(comments=True)
    acc = AnthropicMessagesAccumulator()
    out = Outcome([], [], [], None, None, None, acc)
    fed = 0

    def feed(item: Any) -> None:
        nonlocal fed
        if isinstance(item, ServerSentEvent):
            out.raised_at = fed
            fed += 1
        got = acc.feed(item)
        out.per_feed.append((item, got))
        out.events.extend(got)
        out.at_arrival.extend(frozen(ev) for ev in got)

    try:
        for chunk in chunks:
            for item in decoder.feed(chunk):
                feed(item)
        for item in decoder.close():
            feed(item)
        out.raised_at = None
        out.final = acc.close()
    except StreamError as exc:
        out.error = exc
    except IncompleteStream as exc:
        out.raised_at = None
        out.error = exc
    return out


def payloads(data: bytes) -> list[dict[str, Any]]:
    """The JSON payloads of a stream, in order (a cut last event left out)."""
    decoder = SSEDecoder()
    return [json.loads(ev.data) for ev in decoder.feed(data) + decoder.close()]


def run_payloads(rec: Recorded) -> Outcome:
    """Feed the parsed payloads with ``feed_chunk`` (no SSE at all)."""
    acc = AnthropicMessagesAccumulator()
    out = Outcome([], [], [], None, None, None, acc)
    try:
        for n, payload in enumerate(payloads(rec.data)):
            out.raised_at = n
            got = acc.feed_chunk(payload)
            out.per_feed.append((payload, got))
            out.events.extend(got)
        out.raised_at = None
        out.final = acc.close()
    except StreamError as exc:
        out.error = exc
    except IncompleteStream as exc:
        out.raised_at = None
        out.error = exc
    return out


# Every field that says what happened (lazy views included: a delta's
# ``snapshot`` is the text as of its own event, whenever it is read).  An
# ``UnknownEvent``'s ``event`` (the SSE event it came in) is left out: its name
# differs between the named and the data-only framing by construction.
_FIELDS = (
    "choice_index",
    "index",
    "content_index",
    "field",
    "id",
    "name",
    "call_type",
    "provider_executed",
    "delta",
    "snapshot",
    "arguments",
    "complete",
    "content",
    "reasoning",
    "signature",
    "data",
    "citation",
    "part",
    "block",
    "tool_use_id",
    "result_type",
    "message",
    "usage",
    "finish_reason",
    "reason",
    "chunk",
)


def describe(ev: Any) -> tuple[Any, ...]:
    return (ev.type, *((f, getattr(ev, f)) for f in _FIELDS if hasattr(ev, f)))


def frozen(ev: Any) -> str:
    """An event as read the moment it arrives, as JSON text (nothing shared)."""
    return json.dumps(describe(ev), default=repr)


def describe_all(out: Outcome) -> list[tuple[Any, ...]]:
    described = [describe(ev) for ev in out.events]
    if out.error is not None:
        described.append(("raised", type(out.error).__name__, out.raised_at))
    return described


def result_text(out: Outcome) -> str:
    if out.error is None:
        return json.dumps(out.final)
    body = getattr(out.error, "body", None)
    snapshot = getattr(out.error, "snapshot", None)
    return json.dumps([type(out.error).__name__, body, snapshot])


@functools.cache
def reference(name: str) -> tuple[list[tuple[Any, ...]], str]:
    """The named stream fed whole: its described events and its result."""
    out = run([BY_NAME[name].data])
    return describe_all(out), result_text(out)


def is_empty_text_delta(ev: Any) -> bool:
    return ev.type in ("content.delta", "reasoning.delta") and ev.delta == ""


# ----------------------------------------------------------- JSON comparison


def json_diff(got: Any, want: Any, path: str = "$") -> list[str]:
    """Type-exact differences (``1`` is not ``1.0`` nor ``True``); key order free."""
    if type(got) is not type(want):
        return [f"{path}: got {got!r} ({type(got).__name__}), want {want!r}"]
    if isinstance(want, dict):
        diffs = [f"{path}: unexpected key {k!r}" for k in got if k not in want]
        diffs += [f"{path}: missing key {k!r}" for k in want if k not in got]
        for k in want:
            if k in got:
                diffs += json_diff(got[k], want[k], f"{path}.{k}")
        return diffs
    if isinstance(want, list):
        if len(got) != len(want):
            return [f"{path}: got {len(got)} items, want {len(want)}"]
        return [
            d
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for d in json_diff(g, w, f"{path}[{i}]")
        ]
    return [] if got == want else [f"{path}: got {got!r}, want {want!r}"]


def assert_json(got: Any, want: Any) -> None:
    diffs = json_diff(got, want)
    assert not diffs, "\n".join(diffs[:20])


def check_result(rec: Recorded, out: Outcome) -> None:
    """The run ended as the golden file and the manifest say."""
    row = rec.row
    if rec.final is not None:
        assert row["close"] == "final"
        assert out.error is None, f"unexpected {out.error!r}"
        assert_json(out.final, rec.final)
    else:
        assert rec.error is not None
        assert out.error is not None, "the stream should have failed"
        assert type(out.error).__name__ == rec.error["exception"] == row["close"]
        assert_json(out.error.snapshot, rec.error["snapshot"])  # type: ignore[attr-defined]
        if "body" in rec.error:
            assert_json(out.error.body, rec.error["body"])  # type: ignore[attr-defined]
    assert out.raised_at == row["raises_at"]
    assert list(out.acc.incomplete) == row["incomplete"]


# ------------------------------------------------------------------- golden


def test_every_stream_has_a_golden_and_a_manifest_row() -> None:
    assert set(NAMES) == set(MANIFEST)
    assert len(ALL) >= 18
    for rec in ALL:
        assert (rec.final is None) != (rec.error is None), rec.name
        assert rec.row["close"] in ("final", "IncompleteStream", "StreamError")
        assert (rec.row["raises_at"] is not None) == (rec.row["close"] == "StreamError")
    assert {rec.name for rec in WITH_EVENTS} >= MUST_HAVE_EVENTS
    # The data-only stream really is one, and every other one names its events.
    assert b"event:" not in BY_NAME["data_only"].data
    for rec in ALL:
        if rec.name != "data_only":
            assert rec.data_only != rec.data, rec.name


@pytest.mark.parametrize("rec", params(ALL))
def test_golden_result(rec: Recorded) -> None:
    check_result(rec, run([rec.data]))


@pytest.mark.parametrize("rec", params(WITH_EVENTS))
def test_golden_events(rec: Recorded) -> None:
    assert rec.events is not None
    got = [ev for ev in run([rec.data]).events if not is_empty_text_delta(ev)]
    assert [ev.type for ev in got] == [want["type"] for want in rec.events]
    for n, (ev, want) in enumerate(zip(got, rec.events, strict=True)):
        for field, value in want.items():
            if field != "type":
                assert_json({field: getattr(ev, field)}, {field: value})
                assert getattr(ev, field) == value, (n, ev.type, field)


@pytest.mark.parametrize("rec", params(ALL))
def test_final_is_a_valid_anthropic_message(rec: Recorded) -> None:
    """``anthropic.types.Message`` accepts the golden and what close() gave."""
    out = run([rec.data])
    got: Any = out.final if out.error is None else out.error.snapshot  # type: ignore[attr-defined]
    assert got is not None
    for message in (rec.expected, got):
        known = [b for b in message["content"] if b["type"] not in UNKNOWN_TO_ANTHROPIC]
        Message.model_validate({**message, "content": known})


# ------------------------------------------------------------------ feeding

SIZES = [1, 7, 64, 4096]


@pytest.mark.parametrize("size", SIZES, ids=[f"chunks-{n}" for n in SIZES])
@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("rec", params(ALL))
def test_fixed_chunkings_agree(rec: Recorded, framing: str, size: int) -> None:
    out = run(split_chunks(framed(rec, framing), size))
    check_result(rec, out)
    assert (describe_all(out), result_text(out)) == reference(rec.name)


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("rec", params(ALL))
@given(cuts=st.lists(st.integers(min_value=0, max_value=1 << 20), max_size=16))
def test_any_cut_points_agree(rec: Recorded, framing: str, cuts: list[int]) -> None:
    data = framed(rec, framing)
    out = run(split_chunks(data, [c % (len(data) + 1) for c in cuts]))
    assert (describe_all(out), result_text(out)) == reference(rec.name)


@pytest.mark.parametrize("rec", params(ALL))
def test_crlf_line_ends_agree(rec: Recorded) -> None:
    """The same stream with CRLF line ends (JSON payloads hold no raw newline)."""
    out = run(split_chunks(rec.data.replace(b"\n", b"\r\n"), 5))
    assert (describe_all(out), result_text(out)) == reference(rec.name)


@pytest.mark.parametrize("rec", params(ALL))
def test_feed_chunk_gives_the_same(rec: Recorded) -> None:
    """Parsed payloads through ``feed_chunk``: same events, same result."""
    out = run_payloads(rec)
    check_result(rec, out)
    assert (describe_all(out), result_text(out)) == reference(rec.name)


# -------------------------------------------------------------- consistency


def _wire(rec: Recorded) -> dict[str, Any]:
    """Facts read straight off the wire payloads, for the consistency checks."""
    starts: dict[int, dict[str, Any]] = {}
    fragments: dict[int, list[str]] = defaultdict(list)
    message: dict[str, Any] | None = None
    stopped_at: int | None = None
    usage_deltas = 0
    for n, payload in enumerate(payloads(rec.data)):
        kind = payload["type"]
        if stopped_at is not None:
            continue
        if kind == "message_start":
            message = payload["message"]
        elif kind == "content_block_start":
            starts[payload["index"]] = payload["content_block"]
        elif kind == "content_block_delta":
            delta = payload["delta"]
            if delta["type"] == "input_json_delta":
                fragments[payload["index"]].append(delta["partial_json"])
        elif kind == "message_delta":
            usage_deltas += payload.get("usage") is not None
        elif kind == "message_stop":
            stopped_at = n
    return {
        "usage_deltas": usage_deltas,
        "message": message,
        "starts": starts,
        "json": {i: "".join(f) for i, f in fragments.items()},
        "stopped_at": stopped_at,
    }


@pytest.mark.parametrize("rec", params(ALL))
def test_events_add_up_to_the_final(rec: Recorded) -> None:
    out = run([rec.data])
    want = rec.expected
    blocks = want["content"]
    wire = _wire(rec)
    incomplete = set(rec.row["incomplete"])
    text: dict[tuple[str, Any], list[str]] = defaultdict(list)
    signatures: dict[Any, str] = {}
    citations: dict[Any, list[Any]] = defaultdict(list)
    done: dict[tuple[str, int | None], int] = defaultdict(int)
    usages: list[Any] = []
    for ev in out.events:
        e: Any = ev
        assert e.choice_index == 0, ev
        index: Any = getattr(e, "index", None)
        block: Any = blocks[index] if index is not None else None
        if ev.type in ("content.delta", "reasoning.delta"):
            key = (ev.type, index)
            text[key].append(e.delta)
            assert e.snapshot == "".join(text[key])
            assert ev.type == "content.delta" or e.field == "thinking"
        elif ev.type == "tool_calls.function.arguments.delta":
            key = ("arguments", index)
            assert e.delta == e.arguments_delta != ""
            text[key].append(e.delta)
            assert e.arguments == e.snapshot == "".join(text[key])
            assert (e.id, e.name, e.call_type) == (
                block["id"],
                block["name"],
                block["type"],
            )
            assert e.provider_executed is (block["type"] != "tool_use")
        elif ev.type == "reasoning.signature":
            signatures[index] = e.signature
        elif ev.type == "citation.added":
            citations[index].append(e.citation)
        elif ev.type == "content.done":
            assert e.content == block["text"] == "".join(text["content.delta", index])
            done[ev.type, index] += 1
        elif ev.type == "reasoning.done":
            assert e.field == "thinking"
            assert e.reasoning == block["thinking"]
            assert e.reasoning == "".join(text["reasoning.delta", index])
            assert e.signature == block["signature"] == signatures.get(index)
            done[ev.type, index] += 1
        elif ev.type == "reasoning.redacted":
            assert e.data == block["data"]
            done[ev.type, index] += 1
        elif ev.type == "tool_call.started":
            assert block["type"] == e.call_type == "tool_use"
            assert (e.id, e.name) == (block["id"], block["name"])
            done[ev.type, index] += 1
        elif ev.type == "server_tool_call.started":
            assert block["type"] == e.call_type != "tool_use"
            assert (e.id, e.name) == (block["id"], block["name"])
            assert e.block == wire["starts"][index]
            done[ev.type, index] += 1
        elif ev.type == "tool_calls.function.arguments.done":
            assert (e.id, e.name, e.call_type) == (
                block["id"],
                block["name"],
                block["type"],
            )
            assert e.provider_executed is (block["type"] != "tool_use")
            assert e.complete is (index not in incomplete)
            streamed = wire["json"].get(index, "")
            if streamed:
                assert e.arguments == streamed == "".join(text["arguments", index])
            else:
                # Input given whole in the start (vocab): its JSON text.
                assert e.arguments == json.dumps(wire["starts"][index]["input"])
            if e.complete:
                assert json.loads(e.arguments) == block["input"]
                assert e.parsed_arguments == block["input"]
            done[ev.type, index] += 1
        elif ev.type == "server_tool.result":
            assert e.block == block == wire["starts"][index]
            assert (e.tool_use_id, e.result_type) == (
                block["tool_use_id"],
                block["type"],
            )
            done[ev.type, index] += 1
        elif ev.type == "part.started":
            assert e.part == wire["starts"][index]
            done[ev.type, index] += 1
        elif ev.type == "part.done":
            assert e.part == block
            done[ev.type, index] += 1
        elif ev.type == "message.started":
            assert e.message == wire["message"]
            done[ev.type, None] += 1
        elif ev.type == "finish":
            assert (e.index, e.content_index) == (None, None)
            assert e.finish_reason == want["stop_reason"]
            assert e.reason == REASONS[want["stop_reason"]]
            done[ev.type, None] += 1
        elif ev.type == "usage":
            usages.append(e.usage)
        elif ev.type == "done":
            done[ev.type, None] += 1
    assert all(n == 1 for n in done.values()), done
    for index, block in enumerate(blocks):
        closed = rec.error is None or index < len(blocks) - 1
        assert done["part.started", index] == 1
        assert done["part.done", index] == int(closed)
        if block["type"] == "text":
            assert "".join(text["content.delta", index]) == block["text"]
            assert citations.get(index) == block.get("citations")
        elif block["type"] == "thinking":
            assert "".join(text["reasoning.delta", index]) == block["thinking"]
        elif block["type"] == "redacted_thinking":
            assert done["reasoning.redacted", index] == 1
        elif block["type"].endswith("tool_use"):
            started = "tool_call" if block["type"] == "tool_use" else "server_tool_call"
            assert done[f"{started}.started", index] == 1
            args = "tool_calls.function.arguments.done"
            assert done[args, index] == int(closed)
        elif block["type"].endswith("_tool_result"):
            assert done["server_tool.result", index] == 1
    assert done.get(("finish", None), 0) == int(want["stop_reason"] is not None)
    assert done.get(("done", None), 0) == int(wire["stopped_at"] is not None)
    # Usage: after message_start when it had some, then after each message_delta
    # that brings some, the merged usage so far.
    first = wire["message"].get("usage")
    assert len(usages) == (first is not None) + wire["usage_deltas"]
    if first is not None:
        assert usages[0] == first
    if usages:
        assert usages[-1] == want["usage"]


@pytest.mark.parametrize("rec", params(ALL))
def test_events_are_facts(rec: Recorded) -> None:
    """An event read when it arrives equals the same event read at the end.

    Events are immutable facts: a lazy view shows the value as of its own
    event, and no dict an event holds (the chunk, the message or block as sent,
    a finished part, a usage so far) is changed by what comes later.
    """
    out = run([rec.data])
    assert out.at_arrival == [frozen(ev) for ev in out.events]


@pytest.mark.parametrize("rec", params(ALL))
def test_every_payload_gives_its_chunk_first(rec: Recorded) -> None:
    """A chunk event heads each payload's events; after message_stop, unknown."""
    out = run([rec.data])
    stopped = False
    chunks = []
    for item, got in out.per_feed:
        if not isinstance(item, ServerSentEvent):
            assert got == []  # a comment
            continue
        payload = json.loads(item.data)
        if stopped:
            assert [ev.type for ev in got] == ["unknown"]
            assert got[0].data == payload
            assert got[0].event is item
            continue
        assert got[0].type == "chunk"
        assert got[0].chunk == payload
        assert [ev.type for ev in got[1:]].count("chunk") == 0
        for ev in got:
            if ev.type == "unknown":  # an unknown type or delta: kept as it came
                assert (ev.event, ev.data) == (item, payload)
        chunks.append(payload)
        stopped = payload["type"] == "message_stop"
        if stopped:
            assert [ev.type for ev in got] == ["chunk", "done"]
    sent = payloads(rec.data)
    stop = _wire(rec)["stopped_at"]
    expected = sent if stop is None else sent[: stop + 1]
    if rec.row["close"] == "StreamError":
        expected = expected[:-1]  # the error payload raises instead
    assert chunks == expected


@pytest.mark.parametrize("rec", params(ALL))
def test_snapshot_follows_the_events(rec: Recorded) -> None:
    """After every feed the snapshot holds exactly the text the deltas brought."""
    decoder = SSEDecoder(comments=True)
    acc = AnthropicMessagesAccumulator()
    text: dict[int, str] = {}
    started = False
    for item in decoder.feed(rec.data) + decoder.close():
        try:
            events: list[Any] = acc.feed(item)
        except StreamError:
            break
        for ev in events:
            started = started or ev.type == "message.started"
            if ev.type == "part.started" and ev.part["type"] in ("text", "thinking"):
                text[ev.index] = ""
            elif ev.type in ("content.delta", "reasoning.delta"):
                text[ev.index] += ev.delta
        if not started:
            continue
        snapshot = acc.snapshot()
        assert snapshot["type"] == "message"
        for index, value in text.items():
            block = snapshot["content"][index]
            assert block.get("text", block.get("thinking")) == value


@pytest.mark.parametrize("rec", params(FINALS))
def test_states_and_misuse(rec: Recorded) -> None:
    decoder = SSEDecoder(comments=True)
    acc = AnthropicMessagesAccumulator()
    for item in decoder.feed(rec.data) + decoder.close():
        acc.feed(item)
    assert acc.state is AccumulatorState.DONE
    final = acc.close()
    assert acc.state is AccumulatorState.CLOSED
    assert acc.snapshot() == final
    with pytest.raises(UsageError):
        acc.feed(ServerSentEvent(data='{"type":"ping"}'))
    with pytest.raises(UsageError):
        acc.feed_chunk({"type": "message_stop"})
    with pytest.raises(UsageError):
        acc.close()


def test_stream_error_sticks() -> None:
    rec = BY_NAME["error_mid_stream"]
    out = run([rec.data])
    assert isinstance(out.error, StreamError)
    assert out.error.snapshot == out.acc.snapshot()
    assert out.acc.state is AccumulatorState.ERROR
    with pytest.raises(UsageError):
        out.acc.feed(ServerSentEvent(data='{"type":"message_stop"}'))
    with pytest.raises(UsageError):
        out.acc.close()


def test_cut_stream_keeps_its_snapshot() -> None:
    rec = BY_NAME["cut_stream"]
    decoder = SSEDecoder()
    acc = AnthropicMessagesAccumulator()
    for item in decoder.feed(rec.data) + decoder.close():
        acc.feed(item)
    assert decoder.truncated
    assert acc.state is AccumulatorState.STREAMING
    with pytest.raises(IncompleteStream) as caught:
        acc.close()
    assert_json(caught.value.snapshot, rec.expected)
