"""Recorded-style OpenAI-compatible Chat Completions streams against golden files.

Every ``tests/data/openai_chat/NAME.sse`` holds the exact wire bytes of one stream
as a provider sends it (OpenAI, Azure, Groq, DeepSeek, OpenRouter, Mistral,
Gemini, Ollama, vLLM/LiteLLM, xAI).  Next to it, written by hand from the wire
format and the contract (never produced by the accumulator):

* ``NAME.final.json``: the ``chat.completion`` that ``close()`` must return, or
* ``NAME.error.json``: ``{"exception", "snapshot", "body"?}`` for a stream that
  must end in ``StreamError`` / ``IncompleteStream``;
* ``NAME.events.json`` (some streams): the sequence of the events, each as
  its place: ``[type, choice_index]`` for a stream-level event (chunk, usage,
  done: ``choice_index`` null in chat), ``[type, choice_index, index,
  content_index]`` for a part-level one (``index`` the tool-call index, null
  for content, refusal, reasoning, logprobs and the legacy ``function_call``;
  ``content_index`` always null in chat), and for the finish also
  ``finish_reason`` and the normalised ``reason``; empty deltas left out (the
  contract does not say whether a ``""`` delta is an event).

1. Golden: each stream, decoded by ``SSEDecoder`` and fed event by event, gives
   its golden final (type-exact) or its golden error, and its golden events.
2. Feeding: whole, byte by byte, in chunks of 7, 64 and 4096 bytes and at
   hypothesis-chosen cut points, all give the same events and the same result;
   ``feed_chunk`` with the parsed chunks gives the same final.
3. Consistency: per field, the deltas add up to the final value; done events
   come once per field with the final value; ``complete`` is False only for
   arguments cut by ``length``; states and ``incomplete`` are as documented.
4. Quirks: one short test per DESIGN §2 accumulation rule or provider quirk
   (the test ids name the rule).
5. Oracle: ``openai`` is pinned exactly in the ``test`` extra.  On the streams
   its ``ChatCompletionStreamState`` handles correctly, the same final on every
   field both have (asserted).  Where it is known to be wrong (``OPENAI_WRONG``),
   only a report: per stream, whether openai agrees with the golden and whether
   each documented bug still shows, printed at the end of the run; a bug that no
   longer shows is a warning, never a failure.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai import LengthFinishReasonError as OpenAILengthFinishReasonError
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk

from sseparse import (
    IncompleteStream,
    LengthFinishReasonError,
    ServerSentEvent,
    SSEDecoder,
    SseparseError,
    StreamError,
    UsageError,
)
from sseparse.llm import AccumulatorState, OpenAIChatAccumulator
from tests.helpers import split_chunks

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sseparse.llm import ChatStreamEvent

DATA = Path(__file__).resolve().parent.parent / "data" / "openai_chat"

# The DESIGN §2 rule or provider quirk each recorded stream is about; it names
# the parametrized tests (``-k rule3`` runs everything about rule 3).
RULES: dict[str, str] = {
    "openai_text": "rule6-usage-chunk-empty-choices",
    "openai_parallel_tools_logprobs": "rule2-parallel-tools-logprobs",
    "n2_interleaved_out_of_order": "rule2-choices-out-of-order",
    "tools_interleaved": "rule5-done-at-finish-not-next-index",
    "tools_one_chunk": "rule9-whole-calls-one-chunk",
    "tools_first_index_gt0_gaps": "rule2-tool-index-gaps",
    "tools_same_index_twice_in_chunk": "rule2-same-index-twice-in-chunk",
    "tools_without_index": "rule3-tool-calls-without-index",
    "tools_repeated_ids_names": "rule4-ids-names-set-once",
    "tools_numeric_or_missing_ids": "rule9-numeric-or-missing-ids",
    "usage_final_chunk_then_null": "rule6-latest-non-null-usage",
    "groq_x_groq_usage": "rule6-x-groq-usage",
    "azure_filter_chunks": "rule9-azure-filter-chunks",
    "deepseek_reasoning_content": "rule9-reasoning-content",
    "openrouter_reasoning": "rule9-reasoning-details-keepalive",
    "content_list_parts": "rule9-content-as-parts",
    "legacy_function_call": "rule9-legacy-function-call",
    "stop_after_tool_calls": "rule9-stop-after-tool-calls",
    "refusal": "refusal-and-refusal-logprobs",
    "length_cut_tool_args": "rule8-length-cut-arguments",
    "stream_error_midway": "stream-error-midway",
    "cut_without_done": "rule7-cut-stream-is-incomplete",
}


@dataclass(frozen=True)
class Recorded:
    """One recorded stream and its hand-written expectations."""

    name: str
    data: bytes
    final: dict[str, Any] | None
    error: dict[str, Any] | None
    events: list[list[Any]] | None

    @property
    def has_done(self) -> bool:
        return b"data: [DONE]\n\n" in self.data

    @property
    def expected(self) -> dict[str, Any]:
        """The final object, or the snapshot the error must carry."""
        if self.final is not None:
            return self.final
        assert self.error is not None
        snapshot: dict[str, Any] = self.error["snapshot"]
        return snapshot


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
    )


NAMES = sorted(p.stem for p in DATA.glob("*.sse"))
ALL = [_recorded(name) for name in NAMES]
BY_NAME = {rec.name: rec for rec in ALL}


def params(records: Iterable[Recorded]) -> list[Any]:
    """``pytest.param`` per stream, its id naming the rule it checks."""
    return [
        pytest.param(rec, id=f"{RULES.get(rec.name, 'unlabelled')}:{rec.name}")
        for rec in records
    ]


FINALS = [rec for rec in ALL if rec.final is not None]
ERRORS = [rec for rec in ALL if rec.error is not None]
WITH_EVENTS = [rec for rec in ALL if rec.events is not None]


# ------------------------------------------------------------------ running


@dataclass
class Outcome:
    """Everything one run of a stream produced."""

    events: list[ChatStreamEvent]
    final: dict[str, Any] | None
    error: SseparseError | None
    acc: OpenAIChatAccumulator


def run(chunks: Iterable[bytes], **options: Any) -> Outcome:
    """Decode ``chunks`` and feed every SSE item to a fresh accumulator."""
    decoder = SSEDecoder(comments=True)
    acc = OpenAIChatAccumulator(**options)
    events: list[ChatStreamEvent] = []
    final = None
    error: SseparseError | None = None
    try:
        for chunk in chunks:
            for item in decoder.feed(chunk):
                events.extend(acc.feed(item))
        for item in decoder.close():
            events.extend(acc.feed(item))
        final = acc.close()
        events.extend(acc.take_events())
    except (StreamError, IncompleteStream) as exc:
        error = exc
    return Outcome(events=events, final=final, error=error, acc=acc)


def run_chunk_dicts(rec: Recorded) -> Outcome:
    """Feed the parsed chunks with ``feed_chunk`` (no SSE, no ``[DONE]``)."""
    acc = OpenAIChatAccumulator()
    events: list[ChatStreamEvent] = []
    for payload in payloads(rec):
        events.extend(acc.feed_chunk(payload))
    final = acc.close()
    events.extend(acc.take_events())
    return Outcome(events=events, final=final, error=None, acc=acc)


def payloads(rec: Recorded) -> list[dict[str, Any]]:
    """The JSON chunks of a stream, in order (``[DONE]`` and cut events left out)."""
    decoder = SSEDecoder()
    items = decoder.feed(rec.data) + decoder.close()
    return [json.loads(ev.data) for ev in items if ev.data != "[DONE]"]


# Every field of every event type that says what happened (lazy views included:
# ``arguments`` of a delta is the text so far, read after the stream ended).
_FIELDS = (
    "choice_index",
    "index",
    "content_index",
    "provider_executed",
    "field",
    "id",
    "name",
    "call_type",
    "delta",
    "arguments_delta",
    "arguments",
    "complete",
    "content",
    "refusal",
    "reasoning",
    "finish_reason",
    "reason",
    "usage",
    "chunk",
    "event",
    "data",
)


def describe(ev: ChatStreamEvent) -> tuple[Any, ...]:
    return (ev.type, *((f, getattr(ev, f)) for f in _FIELDS if hasattr(ev, f)))


def describe_all(out: Outcome) -> list[tuple[Any, ...]]:
    described = [describe(ev) for ev in out.events]
    if out.error is not None:
        described.append(("raised", type(out.error).__name__))
    return described


def is_empty_delta(ev: Any) -> bool:
    """A delta that brings nothing (``""`` or ``[]``): the contract is silent."""
    if ev.type in ("content.delta", "refusal.delta", "reasoning.delta"):
        return bool(ev.delta == "")
    if ev.type == "tool_calls.function.arguments.delta":
        return bool(ev.arguments_delta == "")
    if ev.type == "logprobs.content.delta":
        return not ev.content
    if ev.type == "logprobs.refusal.delta":
        return not ev.refusal
    return False


def event_key(ev: Any) -> list[Any]:
    """The event's place, in the shape of the ``.events.json`` goldens."""
    fields = attrs.fields_dict(type(ev))
    key: list[Any] = [ev.type, ev.choice_index]
    if "index" in fields:  # a part-level event
        key += [ev.index, ev.content_index]
    if ev.type == "finish":
        key += [ev.finish_reason, ev.reason]
    return key


@functools.cache
def reference(name: str) -> tuple[list[tuple[Any, ...]], str]:
    """The stream fed whole: its described events and its result, as JSON text."""
    out = run([BY_NAME[name].data])
    return describe_all(out), result_text(out)


def result_text(out: Outcome) -> str:
    if out.error is None:
        return json.dumps(out.final)
    body = getattr(out.error, "body", None)
    return json.dumps([type(out.error).__name__, body, out.error.snapshot])  # type: ignore[attr-defined]


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
    """The run ended as the golden file says."""
    if rec.final is not None:
        assert out.error is None, f"unexpected {out.error!r}"
        assert_json(out.final, rec.final)
        return
    assert rec.error is not None
    assert out.error is not None, "the stream should have failed"
    assert type(out.error).__name__ == rec.error["exception"]
    assert_json(out.error.snapshot, rec.error["snapshot"])  # type: ignore[attr-defined]
    if "body" in rec.error:
        assert_json(out.error.body, rec.error["body"])  # type: ignore[attr-defined]


# ------------------------------------------------------------------- golden


def test_every_stream_has_a_golden_and_a_rule() -> None:
    assert len(ALL) >= 22
    for rec in ALL:
        assert (rec.final is None) != (rec.error is None), rec.name
        assert rec.name in RULES, rec.name
    assert len(WITH_EVENTS) >= 3
    assert len(BY_NAME["openai_parallel_tools_logprobs"].data.split(b"\n\n")) > 150


@pytest.mark.parametrize("rec", params(ALL))
def test_golden_result(rec: Recorded) -> None:
    check_result(rec, run([rec.data]))


@pytest.mark.parametrize("rec", params(WITH_EVENTS))
def test_golden_events(rec: Recorded) -> None:
    out = run([rec.data])
    got = [event_key(ev) for ev in out.events if not is_empty_delta(ev)]
    assert got == rec.events


@pytest.mark.parametrize("rec", params(FINALS))
def test_final_key_order(rec: Recorded) -> None:
    """Keys in contract order: the top level fully, the fixed prefixes below it."""
    final = run([rec.data]).final
    assert final is not None
    assert list(final) == list(rec.expected)
    for choice in final["choices"]:
        assert list(choice)[:4] == ["index", "message", "logprobs", "finish_reason"]
        message = choice["message"]
        assert list(message)[:3] == ["role", "content", "refusal"]
        for call in message.get("tool_calls", []):
            assert list(call)[:3] == ["id", "type", "function"]
            assert list(call["function"]) == ["name", "arguments"]
        if "function_call" in message:
            assert list(message["function_call"]) == ["name", "arguments"]


# ------------------------------------------------------------------ feeding

SIZES = [1, 7, 64, 4096]


@pytest.mark.parametrize("size", SIZES, ids=[f"chunks-{n}" for n in SIZES])
@pytest.mark.parametrize("rec", params(ALL))
def test_fixed_chunkings_agree(rec: Recorded, size: int) -> None:
    out = run(split_chunks(rec.data, size))
    check_result(rec, out)
    assert (describe_all(out), result_text(out)) == reference(rec.name)


@pytest.mark.parametrize("rec", params(ALL))
@given(cuts=st.lists(st.integers(min_value=0, max_value=1 << 20), max_size=16))
def test_any_cut_points_agree(rec: Recorded, cuts: list[int]) -> None:
    points = [c % (len(rec.data) + 1) for c in cuts]
    out = run(split_chunks(rec.data, points))
    assert (describe_all(out), result_text(out)) == reference(rec.name)


@pytest.mark.parametrize("rec", params(FINALS))
def test_feed_chunk_gives_the_same(rec: Recorded) -> None:
    """Parsed chunks through ``feed_chunk``: same final, same events but ``done``."""
    out = run_chunk_dicts(rec)
    assert_json(out.final, rec.final)
    by_feed = [d for d in reference(rec.name)[0] if d[0] != "done"]
    assert describe_all(out) == by_feed


# -------------------------------------------------------------- consistency


def _tool_call_positions(out: Outcome) -> dict[tuple[int, int | None], int]:
    """(choice, wire index) -> position in the final ``tool_calls`` list."""
    indexes: dict[int, set[int]] = defaultdict(set)
    for ev in out.events:
        if ev.type == "tool_call.started" and ev.index is not None:
            indexes[ev.choice_index].add(ev.index)
    return {
        (choice, index): pos
        for choice, seen in indexes.items()
        for pos, index in enumerate(sorted(seen))
    }


def _call(message: dict[str, Any], pos: int | None) -> dict[str, Any]:
    if pos is None:
        call: dict[str, Any] = message["function_call"]
        return {"id": None, "type": "function", "function": call}
    found: dict[str, Any] = message["tool_calls"][pos]
    return found


@pytest.mark.parametrize("rec", params(ALL))
def test_events_add_up_to_the_final(rec: Recorded) -> None:
    out = run([rec.data])
    want = rec.expected
    choices = {c["index"]: c for c in want["choices"]}
    positions = _tool_call_positions(out)
    text: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    logprobs: dict[tuple[int, str], list[Any]] = defaultdict(list)
    done: dict[tuple[Any, ...], int] = defaultdict(int)
    usage = None
    for ev in out.events:
        e: Any = ev
        if ev.type in ("content.delta", "refusal.delta"):
            key = (e.choice_index, ev.type.split(".")[0])
            text[key].append(e.delta)
            assert e.snapshot == "".join(text[key])
        elif ev.type == "reasoning.delta":
            key = (e.choice_index, e.field)
            text[key].append(e.delta)
            assert e.snapshot == "".join(text[key])
        elif ev.type == "tool_call.started":
            pos = positions.get((e.choice_index, e.index))
            call = _call(choices[e.choice_index]["message"], pos)
            assert (e.id, e.name, e.call_type) == (
                call["id"],
                call["function"]["name"],
                call["type"],
            )
            done["started", e.choice_index, e.index] += 1
        elif ev.type == "tool_calls.function.arguments.delta":
            args_key = (e.choice_index, "args", e.index)
            text[args_key].append(e.arguments_delta)
            assert e.arguments == "".join(text[args_key])
        elif ev.type == "tool_calls.function.arguments.done":
            message = choices[e.choice_index]["message"]
            call = _call(message, positions.get((e.choice_index, e.index)))
            assert e.arguments == call["function"]["arguments"]
            assert e.arguments == "".join(text[e.choice_index, "args", e.index])
            cut = choices[e.choice_index]["finish_reason"] == "length"
            assert e.complete is not cut
            if not cut:
                assert e.parsed_arguments == json.loads(e.arguments)
            done[ev.type, e.choice_index, e.index] += 1
        elif ev.type in ("logprobs.content.delta", "logprobs.refusal.delta"):
            kind = ev.type.split(".")[1]
            logprobs[e.choice_index, kind].extend(getattr(e, kind))
            assert e.snapshot == logprobs[e.choice_index, kind]
        elif ev.type in ("logprobs.content.done", "logprobs.refusal.done"):
            kind = ev.type.split(".")[1]
            assert getattr(e, kind) == choices[e.choice_index]["logprobs"][kind]
            done[ev.type, e.choice_index] += 1
        elif ev.type in ("content.done", "refusal.done"):
            kind = ev.type.split(".")[0]
            assert getattr(e, kind) == choices[e.choice_index]["message"][kind]
            done[ev.type, e.choice_index] += 1
        elif ev.type == "reasoning.done":
            assert e.reasoning == choices[e.choice_index]["message"][e.field]
            done[ev.type, e.choice_index, e.field] += 1
        elif ev.type == "finish":
            assert e.finish_reason == choices[e.choice_index]["finish_reason"]
            done[ev.type, e.choice_index] += 1
        elif ev.type == "usage":
            usage = e.usage
    assert all(n == 1 for n in done.values()), done
    assert usage == want["usage"]
    for index, choice in choices.items():
        message = choice["message"]
        for kind in ("content", "refusal"):
            value = message[kind]
            joined = "".join(text.get((index, kind), []))
            if isinstance(value, str):
                assert joined == value
            else:
                assert joined == ""
        for field in ("reasoning_content", "reasoning"):
            if field in message:
                assert "".join(text[index, field]) == message[field]
        if choice["logprobs"] is not None:
            for kind in ("content", "refusal"):
                if choice["logprobs"][kind] is not None:
                    assert logprobs[index, kind] == choice["logprobs"][kind]
        finished = choice["finish_reason"] is not None
        assert done.get(("finish", index), 0) == int(finished)
    types = [ev.type for ev in out.events]
    # A StreamError payload raises before any event of its own.
    failed = rec.error is not None and rec.error["exception"] == "StreamError"
    assert types.count("chunk") == len(payloads(rec)) - failed
    assert ("done" in types) == rec.has_done
    if rec.has_done and rec.error is None:
        assert types[-1] == "done"


@pytest.mark.parametrize("rec", params(FINALS))
def test_states_and_misuse(rec: Recorded) -> None:
    decoder = SSEDecoder(comments=True)
    acc = OpenAIChatAccumulator()
    for item in decoder.feed(rec.data) + decoder.close():
        acc.feed(item)
    states = [acc.state]
    final = acc.close()
    states.append(acc.state)
    before = AccumulatorState.DONE if rec.has_done else AccumulatorState.STREAMING
    assert states == [before, AccumulatorState.CLOSED]
    assert acc.snapshot() is final
    with pytest.raises(UsageError):
        acc.feed(ServerSentEvent(data="[DONE]"))
    with pytest.raises(UsageError):
        acc.feed_chunk(payloads(rec)[-1])
    with pytest.raises(UsageError):
        acc.close()


@pytest.mark.parametrize("rec", params(ALL))
def test_incomplete_lists_only_length_cut_calls(rec: Recorded) -> None:
    out = run([rec.data])
    want = ((0, 0),) if rec.name == "length_cut_tool_args" else ()
    assert out.acc.incomplete == want


@pytest.mark.parametrize("rec", params(ERRORS))
def test_error_streams(rec: Recorded) -> None:
    out = run([rec.data])
    check_result(rec, out)
    assert out.error is not None
    assert out.error.snapshot == out.acc.snapshot()  # type: ignore[attr-defined]
    if isinstance(out.error, StreamError):
        assert out.acc.state is AccumulatorState.ERROR
        with pytest.raises(UsageError):
            out.acc.feed(ServerSentEvent(data="[DONE]"))
        with pytest.raises(UsageError):
            out.acc.close()


@pytest.mark.parametrize("rec", params(ALL))
def test_snapshot_follows_the_events(rec: Recorded) -> None:
    """After every feed the snapshot holds exactly the text the deltas brought."""
    decoder = SSEDecoder(comments=True)
    acc = OpenAIChatAccumulator()
    content: dict[int, str] = defaultdict(str)
    arguments: dict[tuple[int, int | None], str] = defaultdict(str)
    for item in decoder.feed(rec.data) + decoder.close():
        try:
            events: list[Any] = acc.feed(item)
        except StreamError:
            break
        for ev in events:
            if ev.type == "content.delta":
                content[ev.choice_index] += ev.delta
            elif ev.type == "tool_call.started":
                arguments[ev.choice_index, ev.index] += ""
            elif ev.type == "tool_calls.function.arguments.delta":
                arguments[ev.choice_index, ev.index] += ev.arguments_delta
        snapshot = acc.snapshot()
        assert snapshot["object"] == "chat.completion"
        indexes = [c["index"] for c in snapshot["choices"]]
        assert indexes == sorted(set(indexes))
        for choice in snapshot["choices"]:
            message = choice["message"]
            if isinstance(message["content"], str):
                assert message["content"] == content[choice["index"]]
            calls = message.get("tool_calls", [])
            so_far = sorted(
                (index, text)
                for (ci, index), text in arguments.items()
                if ci == choice["index"] and index is not None
            )
            assert [c["function"]["arguments"] for c in calls] == [t for _, t in so_far]
            if "function_call" in message:
                got = message["function_call"]["arguments"]
                assert got == arguments[choice["index"], None]


@pytest.mark.parametrize("rec", params(ALL))
def test_crlf_line_ends_agree(rec: Recorded) -> None:
    """The same stream with CRLF line ends (JSON payloads hold no raw newline)."""
    data = rec.data.replace(b"\n", b"\r\n")
    out = run(split_chunks(data, 5))
    assert (describe_all(out), result_text(out)) == reference(rec.name)


def test_snapshot_is_the_live_final() -> None:
    rec = BY_NAME["openai_text"]
    decoder = SSEDecoder()
    items = decoder.feed(rec.data) + decoder.close()
    acc = OpenAIChatAccumulator()
    acc.feed(items[0])
    live = acc.snapshot()
    for item in items[1:]:
        acc.feed(item)
    assert acc.close() is live
    assert_json(live, rec.final)


# -------------------------------------------------------------------- quirks


def _message(rec: Recorded, choice: int = 0) -> dict[str, Any]:
    final = run([rec.data]).final
    assert final is not None
    message: dict[str, Any] = final["choices"][choice]["message"]
    return message


def _quirk_usage_chunk(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert out.final["usage"] == rec.expected["usage"] is not None
    assert "obfuscation" not in out.final


def _quirk_parallel(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    choice = out.final["choices"][0]
    assert [c["function"]["name"] for c in choice["message"]["tool_calls"]] == [
        "get_weather",
        "get_weather",
        "get_air_quality",
    ]
    assert len(choice["logprobs"]["content"]) > 60
    assert choice["logprobs"]["refusal"] is None


def _quirk_choices_out_of_order(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert [c["index"] for c in out.final["choices"]] == [0, 1]
    firsts = [ev.choice_index for ev in out.events if ev.type == "content.delta"]
    assert firsts[0] == 1


def _quirk_done_at_finish(rec: Recorded) -> None:
    out = run([rec.data])
    types = [ev.type for ev in out.events]
    first_done = types.index("tool_calls.function.arguments.done")
    last_delta = (
        len(types) - 1 - types[::-1].index("tool_calls.function.arguments.delta")
    )
    assert first_done > last_delta
    assert types[first_done + 2] == "finish"


def _quirk_whole_calls(rec: Recorded) -> None:
    calls = _message(rec)["tool_calls"]
    assert [c["type"] for c in calls] == ["function"] * 3
    assert [json.loads(c["function"]["arguments"]) for c in calls][2]["amount"] == 125.5


def _quirk_index_gaps(rec: Recorded) -> None:
    out = run([rec.data])
    started = [ev.index for ev in out.events if ev.type == "tool_call.started"]
    assert started == [2, 5]
    calls = _message(rec)["tool_calls"]
    assert len(calls) == 2
    assert all("index" not in c for c in calls)


def _quirk_same_index_twice(rec: Recorded) -> None:
    calls = _message(rec)["tool_calls"]
    assert json.loads(calls[0]["function"]["arguments"])["title"] == "Team stand-up"
    assert json.loads(calls[1]["function"]["arguments"])["note"] == "Ne pas oublier ☕"


def _quirk_without_index(rec: Recorded) -> None:
    calls = _message(rec)["tool_calls"]
    assert [c["function"]["name"] for c in calls] == [
        "get_weather",
        "get_weather",
        "get_local_time",
    ]
    assert calls[2]["id"] is None
    assert [json.loads(c["function"]["arguments"]) for c in calls][1] == {
        "location": "Lyon, France",
        "unit": "celsius",
    }


def _quirk_set_once(rec: Recorded) -> None:
    message = _message(rec)
    assert message["role"] == "assistant"
    calls = message["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["get_weather"] * 2
    assert all(c["id"].count("chatcmpl-tool-") == 1 for c in calls)
    assert json.loads(calls[0]["function"]["arguments"])["city"] == "Köln"


def _quirk_numeric_ids(rec: Recorded) -> None:
    ids = [c["id"] for c in _message(rec)["tool_calls"]]
    assert ids == [17, None]
    assert type(ids[0]) is int


def _quirk_latest_non_null_usage(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert out.final["usage"] is not None
    assert out.final["usage"]["total_tokens"] == 148


def _quirk_x_groq(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert out.final["usage"] == out.final["x_groq"]["usage"]
    assert [ev.type for ev in out.events].count("usage") == 1


def _quirk_azure(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert out.final["id"].startswith("chatcmpl-")
    assert out.final["created"] > 0
    assert out.final["model"] == "gpt-4o-2024-11-20"
    assert out.final["object"] == "chat.completion"
    assert "prompt_filter_results" in out.final
    choice = out.final["choices"][0]
    assert choice["content_filter_offsets"]["end_offset"] == 131
    assert "protected_material_text" in choice["content_filter_results"]


def _quirk_reasoning_content(rec: Recorded) -> None:
    message = _message(rec)
    assert message["reasoning_content"].startswith("Okay, the user asks")
    assert message["content"].startswith("9.9 更大。")


def _quirk_reasoning_details(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    choice = out.final["choices"][0]
    details = choice["message"]["reasoning_details"]
    assert [d["type"] for d in details] == ["reasoning.text", "reasoning.encrypted"]
    assert details[0]["text"] == choice["message"]["reasoning"]
    assert details[0]["signature"].startswith("ErUB")
    assert details[0]["format"] == "anthropic-claude-v1"
    assert choice["native_finish_reason"] == "end_turn"
    assert not any(ev.type == "unknown" for ev in out.events)


def _quirk_content_parts(rec: Recorded) -> None:
    assert (
        _message(rec)["content"] == "Le café se boit sans sucre, s\u2019il est bon ☕."
    )


def _quirk_function_call(rec: Recorded) -> None:
    message = _message(rec)
    assert "tool_calls" not in message
    assert json.loads(message["function_call"]["arguments"]) == {
        "location": "Boston, MA",
        "unit": "fahrenheit",
    }


def _quirk_stop_after_tools(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.final is not None
    assert out.final["choices"][0]["finish_reason"] == "stop"
    dones = [ev for ev in out.events if ev.type == "tool_calls.function.arguments.done"]
    assert [ev.complete for ev in dones] == [True, True]


def _quirk_refusal(rec: Recorded) -> None:
    message = _message(rec)
    assert message["content"] is None
    assert message["refusal"] == "I'm sorry, but I can't help with that request."


def _quirk_length_cut(rec: Recorded) -> None:
    out = run([rec.data])
    assert out.acc.incomplete == ((0, 0),)
    (done,) = [
        ev for ev in out.events if ev.type == "tool_calls.function.arguments.done"
    ]
    assert done.complete is False
    with pytest.raises(SseparseError):
        done.parsed_arguments  # noqa: B018


def _quirk_stream_error(rec: Recorded) -> None:
    out = run([rec.data])
    assert isinstance(out.error, StreamError)
    assert out.error.body["code"] == 502
    assert out.error.snapshot["choices"][0]["finish_reason"] is None


def _quirk_cut(rec: Recorded) -> None:
    out = run([rec.data])
    assert isinstance(out.error, IncompleteStream)
    content = out.error.snapshot["choices"][0]["message"]["content"]
    assert content.endswith("wait 30 seconds")
    assert not any(ev.type in ("finish", "done", "content.done") for ev in out.events)


QUIRKS: dict[str, Callable[[Recorded], None]] = {
    "openai_text": _quirk_usage_chunk,
    "openai_parallel_tools_logprobs": _quirk_parallel,
    "n2_interleaved_out_of_order": _quirk_choices_out_of_order,
    "tools_interleaved": _quirk_done_at_finish,
    "tools_one_chunk": _quirk_whole_calls,
    "tools_first_index_gt0_gaps": _quirk_index_gaps,
    "tools_same_index_twice_in_chunk": _quirk_same_index_twice,
    "tools_without_index": _quirk_without_index,
    "tools_repeated_ids_names": _quirk_set_once,
    "tools_numeric_or_missing_ids": _quirk_numeric_ids,
    "usage_final_chunk_then_null": _quirk_latest_non_null_usage,
    "groq_x_groq_usage": _quirk_x_groq,
    "azure_filter_chunks": _quirk_azure,
    "deepseek_reasoning_content": _quirk_reasoning_content,
    "openrouter_reasoning": _quirk_reasoning_details,
    "content_list_parts": _quirk_content_parts,
    "legacy_function_call": _quirk_function_call,
    "stop_after_tool_calls": _quirk_stop_after_tools,
    "refusal": _quirk_refusal,
    "length_cut_tool_args": _quirk_length_cut,
    "stream_error_midway": _quirk_stream_error,
    "cut_without_done": _quirk_cut,
}


@pytest.mark.parametrize("rec", params(ALL))
def test_quirk(rec: Recorded) -> None:
    QUIRKS[rec.name](rec)


STRICT_TOOL = {
    "type": "function",
    "function": {
        "name": "run_sql",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
            "additionalProperties": False,
        },
    },
}


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"tools": [STRICT_TOOL]}, id="strict-tool"),
        pytest.param(
            {"response_format": {"type": "json_object"}}, id="response-format-json"
        ),
    ],
)
def test_rule8_length_cut_raises_when_parsing_was_asked(
    options: dict[str, Any],
) -> None:
    rec = BY_NAME["length_cut_tool_args"]
    decoder = SSEDecoder()
    acc = OpenAIChatAccumulator(**options)
    for item in decoder.feed(rec.data) + decoder.close():
        acc.feed(item)
    with pytest.raises(LengthFinishReasonError) as info:
        acc.close()
    assert_json(info.value.snapshot, rec.final)


# ------------------------------------------------------------ openai oracle


def openai_final(rec: Recorded, *, skip_non_chunks: bool = False) -> Any:
    """``openai``'s ChatCompletionStreamState on the stream: a dict or the exception.

    ``skip_non_chunks`` drops what ``openai``'s own ``ChatCompletionStream`` drops
    before the state sees it (chunks whose ``object`` is not a chunk's).
    """
    state: Any = ChatCompletionStreamState()
    with warnings.catch_warnings():
        # Its own model_dump warns about list content and integer ids.
        warnings.simplefilter("ignore")
        try:
            for payload in payloads(rec):
                if skip_non_chunks and payload.get("object") != "chat.completion.chunk":
                    continue
                state.handle_chunk(ChatCompletionChunk.construct(**payload))
            final: dict[str, Any] = state.get_final_completion().model_dump(
                mode="json", warnings=False
            )
        except Exception as exc:  # openai's failure is the observation
            return exc
    return final


def common_diffs(ours: Any, theirs: Any, path: str = "$") -> tuple[list[str], int]:
    """Differences on the keys both sides have, and how many leaves were compared."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        diffs: list[str] = []
        leaves = 0
        for k in ours:
            if k in theirs:
                d, n = common_diffs(ours[k], theirs[k], f"{path}.{k}")
                diffs += d
                leaves += n
        return diffs, leaves
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(ours)} items, openai has {len(theirs)}"], 1
        diffs, leaves = [], 0
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            d, n = common_diffs(a, b, f"{path}[{i}]")
            diffs += d
            leaves += n
        return diffs, leaves
    if ours != theirs:
        return [f"{path}: ours {ours!r}, openai {theirs!r}"], 1
    return [], 1


ORACLE_AGREES = [
    "openai_text",
    "openai_parallel_tools_logprobs",
    "refusal",
    "deepseek_reasoning_content",
    "legacy_function_call",
    "tools_interleaved",
    "tools_same_index_twice_in_chunk",
]


@pytest.mark.parametrize("rec", params(BY_NAME[n] for n in ORACLE_AGREES))
def test_openai_agrees(rec: Recorded) -> None:
    ours = run([rec.data]).final
    theirs = openai_final(rec)
    assert isinstance(theirs, dict), f"openai raised {theirs!r}"
    diffs, leaves = common_diffs(ours, theirs)
    assert not diffs, "\n".join(diffs[:20])
    assert leaves >= 10


# Where openai (at the version pinned in the ``test`` extra) is known to be wrong.
# This is information, not a test: an openai release that fixes one of these
# changes the report below and warns, it never fails the suite.  Each entry says
# what the bug is and how to see it in openai's result (``theirs``, a dict or the
# exception it raised), given the hand-written golden (``want``).


@dataclass(frozen=True)
class KnownBug:
    """One documented openai bug on one stream."""

    what: str
    shows: Callable[[Any, dict[str, Any]], bool]


def _raises(kind: type[BaseException]) -> Callable[[Any, dict[str, Any]], bool]:
    return lambda theirs, want: isinstance(theirs, kind)


def _repeats_ids_names(theirs: Any, want: dict[str, Any]) -> bool:
    theirs_call = theirs["choices"][0]["message"]["tool_calls"][0]
    want_call = want["choices"][0]["message"]["tool_calls"][0]
    return bool(
        theirs_call["function"]["name"] == want_call["function"]["name"] * 5
        and theirs_call["id"] == want_call["id"] * 5
    )


def _loses_usage(theirs: Any, want: dict[str, Any]) -> bool:
    return theirs["usage"] is None and want["usage"] is not None


def _repeats_role(theirs: Any, want: dict[str, Any]) -> bool:
    role: str = theirs["choices"][0]["message"]["role"]
    return role.startswith("assistantassistant")


def _openrouter(theirs: Any, want: dict[str, Any]) -> bool:
    details = theirs["choices"][0]["message"]["reasoning_details"]
    return bool(
        _repeats_role(theirs, want)
        and details[0]["format"].startswith("anthropic-claude-v1anthropic")
        and theirs["choices"][0].get("native_finish_reason") is None
        and want["choices"][0]["native_finish_reason"] is not None
    )


def _content_parts(theirs: Any, want: dict[str, Any]) -> bool:
    content = theirs["choices"][0]["message"]["content"]
    return bool(content != want["choices"][0]["message"]["content"])


def _no_default_type(theirs: Any, want: dict[str, Any]) -> bool:
    calls = theirs["choices"][0]["message"]["tool_calls"]
    return bool(calls) and all(call["type"] is None for call in calls)


def _azure_filtered(theirs: Any, want: dict[str, Any]) -> bool:
    choice = theirs["choices"][0]
    return (
        "prompt_filter_results" not in theirs
        and choice.get("content_filter_results") in (None, {})
        and "content_filter_offsets" not in choice
        and "content_filter_offsets" in want["choices"][0]
    )


OPENAI_WRONG: dict[str, KnownBug] = {
    "n2_interleaved_out_of_order": KnownBug(
        "the first chunk's choice index is used as a list position, so a stream "
        "opening with choice 1 fails",
        _raises(IndexError),
    ),
    "tools_first_index_gt0_gaps": KnownBug(
        "the first tool index 2 is inserted at position 0, then looked up at 2",
        _raises(IndexError),
    ),
    "tools_without_index": KnownBug(
        "a tool call without 'index' is looked up at None", _raises(TypeError)
    ),
    "azure_filter_chunks": KnownBug(
        "a delta-less filter chunk crashes the state", _raises(AttributeError)
    ),
    "tools_repeated_ids_names": KnownBug(
        "every string is concatenated, so an id and a name repeated on each "
        "fragment come out repeated",
        _repeats_ids_names,
    ),
    "usage_final_chunk_then_null": KnownBug(
        "the last chunk's usage always replaces the snapshot's, so a later "
        "'usage': null erases the real usage",
        _loses_usage,
    ),
    "groq_x_groq_usage": KnownBug(
        "usage only under x_groq is never read, and the last chunk's (absent) "
        "usage wins",
        _loses_usage,
    ),
    "stop_after_tool_calls": KnownBug(
        "a role sent on every delta is concatenated", _repeats_role
    ),
    "openrouter_reasoning": KnownBug(
        "role and reasoning_details' format are concatenated on every chunk, and "
        "choice-level extras (native_finish_reason) come from the first chunk",
        _openrouter,
    ),
    "content_list_parts": KnownBug(
        "list-of-parts deltas are not merged into the text", _content_parts
    ),
    "tools_one_chunk": KnownBug(
        "a call whose deltas omit 'type' keeps type None", _no_default_type
    ),
    "length_cut_tool_args": KnownBug(
        "get_final_completion() raises on a length finish even when no parsing "
        "was asked; the partial arguments are only in the exception",
        _raises(OpenAILengthFinishReasonError),
    ),
}

# Known bugs seen another way than by openai_final() on the whole stream.
AZURE_FILTERED = KnownBug(
    "even with openai's own filter of non-chunk objects, the filter results "
    "(prompt_filter_results, content_filter_results, offsets) are dropped",
    _azure_filtered,
)
EARLY_DONE = KnownBug(
    "rule 5: a call is reported done as soon as another index shows up, so both "
    "done events come before any arguments arrived",
    lambda theirs, want: theirs == [(0, ""), (1, "")],
)


def openai_done_events(rec: Recorded) -> Any:
    """``(index, arguments)`` of openai's arguments-done events, or its exception."""
    state: Any = ChatCompletionStreamState()
    try:
        return [
            (ev.index, ev.arguments)
            for payload in payloads(rec)
            for ev in state.handle_chunk(ChatCompletionChunk.construct(**payload))
            if ev.type == "tool_calls.function.arguments.done"
        ]
    except Exception as exc:  # openai's failure is the observation
        return exc


@dataclass(frozen=True)
class Observation:
    """What openai did on one stream, against the golden: one report line."""

    label: str
    verdict: str
    bug: KnownBug | None
    shows_bug: bool | None

    def line(self) -> str:
        text = f"{self.label:<46} {self.verdict}"
        if self.bug is not None:
            state = "still shows" if self.shows_bug else "NO LONGER SHOWS"
            text += f"\n{'':<46} {state} the documented bug: {self.bug.what}"
        return text


def shows(bug: KnownBug, theirs: Any, want: dict[str, Any]) -> bool:
    """Whether *theirs* still shows *bug*; False when its shape changed."""
    try:
        return bug.shows(theirs, want)
    except (KeyError, IndexError, TypeError, AttributeError):
        # openai's result no longer has the shape the bug left: it changed.
        return False


def verdict(theirs: Any, want: dict[str, Any]) -> str:
    """openai's result against the golden, on the fields both have."""
    if isinstance(theirs, BaseException):
        return f"raises {type(theirs).__name__}: {str(theirs)[:60]!r}"
    diffs, leaves = common_diffs(want, theirs)
    if not diffs:
        return f"agrees ({leaves} fields compared)"
    return f"differs on {len(diffs)} of {leaves} fields, first {diffs[0][:90]}"


def observe(rec: Recorded) -> Observation:
    theirs = openai_final(rec)
    bug = OPENAI_WRONG.get(rec.name)
    return Observation(
        label=rec.name,
        verdict=verdict(theirs, rec.expected),
        bug=bug,
        shows_bug=None if bug is None else shows(bug, theirs, rec.expected),
    )


def oracle_report() -> list[Observation]:
    """One observation per recorded stream, plus the two seen another way."""
    rows = [observe(rec) for rec in ALL]
    azure = BY_NAME["azure_filter_chunks"]
    theirs = openai_final(azure, skip_non_chunks=True)
    rows.append(
        Observation(
            label="azure_filter_chunks (openai's chunk filter on)",
            verdict=verdict(theirs, azure.expected),
            bug=AZURE_FILTERED,
            shows_bug=shows(AZURE_FILTERED, theirs, azure.expected),
        )
    )
    interleaved = BY_NAME["tools_interleaved"]
    done = openai_done_events(interleaved)
    rows.append(
        Observation(
            label="tools_interleaved (arguments.done events)",
            verdict=f"done events (index, arguments): {done!r}"[:120],
            bug=EARLY_DONE,
            shows_bug=shows(EARLY_DONE, done, interleaved.expected),
        )
    )
    return rows


class OracleChanged(UserWarning):
    """The pinned oracle no longer shows a bug this file documents."""


def test_openai_oracle_report(info_report: Callable[[str, str], None]) -> None:
    """Where openai agrees with the goldens and where it is known to be wrong.

    Only information: the report is printed at the end of the run, and a
    documented bug that no longer shows (after a deliberate bump of the pin)
    raises an ``OracleChanged`` warning naming the entry to update.  What this
    test asserts is only that every stream and every documented bug was looked
    at; our own results are asserted against the goldens above.
    """
    rows = oracle_report()
    assert {row.label for row in rows} >= set(NAMES)
    assert {row.label for row in rows if row.bug is not None} >= set(OPENAI_WRONG)
    assert not set(OPENAI_WRONG) & set(ORACLE_AGREES)
    version = importlib.metadata.version("openai")
    info_report(
        f"openai {version} ChatCompletionStreamState against the goldens",
        "\n".join(row.line() for row in rows),
    )
    for row in rows:
        if row.bug is not None and not row.shows_bug:
            warnings.warn(
                OracleChanged(
                    f"openai {version} no longer shows the bug documented for "
                    f"{row.label} ({row.bug.what}); it now {row.verdict}. Update "
                    "OPENAI_WRONG in tests/llm/test_openai_chat_recorded.py (move "
                    "the stream to ORACLE_AGREES if openai now agrees)."
                ),
                stacklevel=1,
            )
