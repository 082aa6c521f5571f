"""Benchmark sseparse's LLM accumulators against the official SDKs' own.

OpenAI chat (a)-(d) against openai; Anthropic Messages (e)-(g) against
anthropic (issue 11); OpenAI Responses (h)-(j) against openai (issue 12).  Run
from the repository root::

    python benchmarks/bench_llm.py            # full run
    python benchmarks/bench_llm.py --workloads efg  # Anthropic only, 4 min
    python benchmarks/bench_llm.py --workloads hij  # Responses only
    python benchmarks/bench_llm.py --quick    # small smoke run
    python benchmarks/bench_llm.py --json results.json

Implementations:

* sseparse: ``SSEDecoder().feed(read)`` for every network read, then
  ``OpenAIChatAccumulator.feed(event)`` for every event, ``close()``;
* openai: its own streaming path, unchanged: ``ChatCompletionStream`` over a
  ``Stream[ChatCompletionChunk]`` whose HTTP response is a stub that yields the
  same reads.  Per event, ``Stream`` calls ``sse.json()`` (``json.loads``) and
  ``client._process_response_data`` (``construct_type``: a ``ChatCompletionChunk``
  model per chunk), then ``ChatCompletionStreamState.handle_chunk(chunk)``
  returns the events; at the end ``get_final_completion()``.

Two inputs: ``bytes`` (each library decodes the 4 KiB reads with its own SSE
decoder: what a user of each gets end to end) and ``events`` (both get the same
list of already decoded ``ServerSentEvent`` values: the accumulation alone,
``json.loads`` of each chunk included on both sides).

Workloads (built deterministically here, no network, no files):

(a) a 20,000-token text stream, one token per chunk (the chat stream of
    ``bench_sse.py``), the consumer reading each content delta's text;
(b) one tool call whose arguments are 10 KB .. 1 MB of JSON (the documents of
    ``bench_jsonstream.py``) in 10-character deltas, one per chunk, the consumer
    reading the partial parsed arguments after every delta (sseparse: the lazy
    ``ToolCallArgumentsDelta.parsed_arguments``; openai: the tool is passed as a
    ``strict`` function tool, so ``handle_chunk`` re-parses the arguments so far
    with jiter's partial mode on every chunk, and each delta event carries it);
(c) linear growth of sseparse: N vs 16*N chunks of (a) and of (b);
(d) the floor: the chat pipeline (``SSEDecoder`` + ``OpenAIChatAccumulator``)
    on the 20,000-token stream of (a) in 4 KiB reads, against what it cannot
    avoid (SSE decoding plus one JSON parse of each chunk: ``json.loads``,
    ``msgspec``, ``orjson``), with the fast parser on and forced off, and
    against the pipeline of the commit before issue 10 (``--before``, a git
    worktree of it; skipped when absent).  CPU time (``time.process_time``)
    per chunk, in interleaved rounds (every variant once per round, the order
    rotating), GC off; the ratios are medians of the per-round ratios, so a
    load spike hits both sides of a ratio alike.

(e) Anthropic Messages: one text block of 62.5 KB and 1 MB of prose (bench_sse's
    tokens, about 8 % non-ASCII) in 10-character ``text_delta`` events, in the
    API's framing (named events, compact JSON, ``message_start``, ``ping``,
    block start/stop, ``message_delta``, ``message_stop``), the consumer
    reading each delta's text (sseparse: ``ContentDelta.delta``; anthropic:
    ``TextEvent.text``);
(f) one ``tool_use`` block whose input is 10 KB .. 1 MB of JSON (the documents
    of (b)) in 10-character ``input_json_delta`` events after an empty one, the
    consumer reading the partial input after every delta (sseparse: the lazy
    ``ToolCallArgumentsDelta.parsed_arguments``; anthropic: the
    ``InputJsonEvent.snapshot`` of every delta, which ``accumulate_event``
    re-parses from the whole input so far with jiter's partial mode);
    sseparse is ``SSEDecoder`` + ``AnthropicMessagesAccumulator``; anthropic
    its own path, unchanged: ``MessageStream`` over ``Stream`` (cast to
    ``RawMessageStreamEvent``, as ``messages.stream()`` builds it) on a stub
    response, i.e. its SSE decoder, ``sse.json()``, ``construct_type`` of each
    event, ``accumulate_event`` and ``build_events``, then
    ``get_final_message()``;
(g) linear growth of sseparse: 62.5 KB vs 1 MB of (e) and of (f).

(h) OpenAI Responses: one message of 62.5 KB and 1 MB of the prose of (e) in
    10-character ``response.output_text.delta`` events, in the API's framing
    (named events, compact JSON, a ``sequence_number`` on each, ``obfuscation``
    padding and empty ``logprobs`` on each delta: ``response.created``,
    ``response.in_progress``, ``output_item.added``, ``content_part.added``, the
    deltas, ``output_text.done``, ``content_part.done``, ``output_item.done``,
    ``response.completed`` with the full output and usage), the consumer
    reading each delta's text (sseparse: ``ContentDelta.delta``; openai:
    ``ResponseTextDeltaEvent.delta``);
(i) one ``function_call`` item whose arguments are 10 KB .. 1 MB of JSON (the
    documents of (b)) in 10-character ``response.function_call_arguments.delta``
    events, then ``function_call_arguments.done``, in the same framing, the
    consumer reading the partial arguments after every delta: sseparse's lazy
    ``ToolCallArgumentsDelta.parsed_arguments``; openai parses nothing before
    the end, its delta event offers the arguments text so far
    (``ResponseFunctionCallArgumentsDeltaEvent.snapshot``), which is what its
    consumer reads (the strict function tool is passed, so
    ``get_final_response()`` parses the final arguments once);
    sseparse is ``SSEDecoder`` + ``OpenAIResponsesAccumulator``; openai its own
    path, unchanged: ``ResponseStream`` over ``Stream`` (cast to the
    ``ResponseStreamEvent`` union, as ``client.responses.stream()`` builds it)
    on a stub response, i.e. its SSE decoder, ``sse.json()``,
    ``construct_type`` of each event, ``ResponseStreamState.handle_event``,
    then ``get_final_response()``;
(j) linear growth of sseparse: 62.5 KB vs 1 MB of (h) and of (i).

Before any figure is reported, each implementation's final content or arguments
(and the last partial preview, in (b)) are checked against the expected text and
value.  Times are the best of N wall-clock runs (``time.perf_counter``; N is
``--repeat``, 5, raised to up to 50 for a figure whose N runs take under a
second, lowered for one whose N runs take over 30 s), with the garbage
collector off during each run unless ``--gc`` is given; the best CPU time of
the process (``time.process_time``) is reported beside it.  The runs go
round-robin over the implementations.  A run of openai estimated (from the
smaller sizes, fitting ``a*n + b*n^2``) above ``--peer-limit`` seconds (120) is
not run, and the estimate is shown instead.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

KIB = 1024
SEED = 20261121
READ_SIZE = 4 * KIB  # bytes per network read
DELTA_CHARS = 10  # characters of arguments per chunk in (b)
MODES = ("bytes", "events")
TOOL_SIZES: dict[str, int] = {
    "10 KB": 10_000,
    "100 KB": 100_000,
    "300 KB": 300_000,
    "1 MB": 1_000_000,
}
GOAL_A = 5.0  # (a): sseparse >= 5x openai's chunks/s
GOAL_B = 50.0  # (b): sseparse 1 MB <= 1/50 of openai's time
GOAL_B_S = 2.0  # (b): sseparse 1 MB under 2 s
PEER_BUDGET_S = 30.0  # fewer repeats for a slow peer: about this much per figure
FAST_BUDGET_S = 1.0  # more runs for a fast figure: about this much in all
MAX_SAMPLES = 50
PEER_LIMIT_S = 120.0  # do not run a peer whose single run is estimated above this
BEFORE = "/tmp/main-before"  # a worktree of the commit before issue 10, for (d)
FLOOR_ROUNDS = 21  # interleaved rounds of (d)
GOAL_FAST_FLOOR = 2.0  # (d): pipeline with the fast parser <= 2x its floor
GOAL_FAST_SPEEDUP = 2.0  # (d): ... and >= 2x faster than before issue 10
GOAL_JSON_FLOOR = 1.5  # (d): pipeline without it <= 1.5x the json.loads floor
TOOL_NAME = "apply_edits"
# Anthropic Messages (issue 11): (e) text, (f) tool input, (g) linear growth
ANTHROPIC_SIZES: dict[str, int] = {
    "10 KB": 10_000,
    "62.5 KB": 62_500,  # 1 MB / 16: the small side of the growth check
    "100 KB": 100_000,
    "300 KB": 300_000,
    "1 MB": 1_000_000,
}
GOAL_E = 100.0  # (e): anthropic 1 MB of text >= 100x sseparse's CPU time
GOAL_F = 50.0  # (f): anthropic 100 KB of tool input >= 50x sseparse's CPU time
GOAL_G = 20.0  # (g): 16x the input costs sseparse at most 20x the CPU time
ANTHROPIC_MODEL = "claude-sonnet-4-5-20250929"
ANTHROPIC_ACCUMULATOR = "AnthropicMessagesAccumulator"
# OpenAI Responses (issue 12): (h) text, (i) function arguments, (j) linear
GOAL_H = 100.0  # (h): openai 1 MB of text >= 100x sseparse's CPU time
GOAL_I = 50.0  # (i): openai 100 KB of arguments >= 50x sseparse's CPU time
GOAL_J = 20.0  # (j): 16x the input costs sseparse at most 20x the CPU time
RESPONSES_MODEL = "gpt-4.1-2025-04-14"
ANTHROPIC_GOALS = (GOAL_E, GOAL_F, GOAL_G)
RESPONSES_GOALS = (GOAL_H, GOAL_I, GOAL_J)
RESPONSES_ACCUMULATOR = "OpenAIResponsesAccumulator"


# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #


def _ensure_paths() -> None:
    """Let the sibling benchmarks and a checkout's sseparse be imported."""
    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    try:
        import sseparse  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(here.parent))


_ensure_paths()

# siblings: benchmarks/ is on sys.path (see _ensure_paths)
from bench_jsonstream import (  # noqa: E402
    build_document,
    load_average,
    machine_info,
)
from bench_sse import build_chat_stream  # noqa: E402


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# The strict tool openai needs before it parses arguments on every chunk; the
# schema describes bench_jsonstream's documents.
_EDIT_SCHEMA = {
    "type": "object",
    "properties": {
        "path": {"type": "string"},
        "line": {"type": "integer"},
        "replace": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "confidence": {"type": "number"},
        "ok": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
    },
    "required": ["path", "line", "replace", "tags", "confidence", "ok", "note"],
    "additionalProperties": False,
}
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Apply edits to files of the repository.",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {
                    "edits": {"type": "array", "items": _EDIT_SCHEMA},
                    "file": {
                        "type": "object",
                        "properties": {
                            "path": {"type": "string"},
                            "content": {"type": "string"},
                        },
                        "required": ["path", "content"],
                        "additionalProperties": False,
                    },
                },
                "required": ["edits", "file"],
                "additionalProperties": False,
            },
        },
    }
]


def build_tool_stream(arguments: str) -> tuple[bytes, int]:
    """An OpenAI stream of one tool call whose arguments come in 10-char deltas.

    Returns the stream bytes (ending with ``data: [DONE]``) and the number of
    chunks (events before ``[DONE]``).
    """
    rng = random.Random(f"{SEED}-tool-{len(arguments)}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    completion_id = "chatcmpl-" + "".join(rng.choice(alphabet) for _ in range(29))
    call_id = "call_" + "".join(rng.choice(alphabet) for _ in range(24))
    fingerprint = "fp_" + "".join(rng.choice("0123456789abcdef") for _ in range(10))
    head = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": 1_795_000_000,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": fingerprint,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        obj = {**head, "choices": [choice]}
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        return b"data: " + data.encode("utf-8") + b"\n\n"

    first = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "index": 0,
                "id": call_id,
                "type": "function",
                "function": {"name": TOOL_NAME, "arguments": ""},
            }
        ],
        "refusal": None,
    }
    parts = [chunk(first)]
    for i in range(0, len(arguments), DELTA_CHARS):
        piece = arguments[i : i + DELTA_CHARS]
        parts.append(
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
        )
    parts.append(chunk({}, "tool_calls"))
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts), len(parts) - 1


@dataclass
class Workload:
    key: str  # "a", "b 1 MB", "c a/16", ...
    title: str
    kind: str  # "text" or "tool"
    body: bytes
    reads: list[bytes]
    events: list[Any]  # the body decoded by sseparse.SSEDecoder
    chunks: int  # chunk events (without [DONE])
    expected_text: str  # content (text) or arguments (tool)
    expected_value: Any  # json.loads(arguments) (tool) or None
    expected_preview: Any  # the last content delta (text) or the whole value
    tools: list[dict[str, Any]] | None
    size_label: str = ""
    protocol: str = "chat"  # or "anthropic"

    @property
    def nbytes(self) -> int:
        return len(self.body)


def _decode_all(body: bytes) -> list[Any]:
    from sseparse import SSEDecoder

    decoder = SSEDecoder()
    events = decoder.feed(body)
    events += decoder.close()
    return events


def text_workload(key: str, n_tokens: int) -> Workload:
    body, datas, _ = build_chat_stream(n_tokens)
    deltas = [json.loads(d)["choices"][0]["delta"] for d in datas[:-1]]
    texts = [d["content"] for d in deltas if d.get("content")]
    return Workload(
        key=key,
        title=f"text, {n_tokens:,} token chunks + [DONE]",
        kind="text",
        body=body,
        reads=split(body, READ_SIZE),
        events=_decode_all(body),
        chunks=len(datas) - 1,
        expected_text="".join(texts),
        expected_value=None,
        expected_preview=texts[-1],
        tools=None,
    )


def tool_workload(key: str, label: str, target: int) -> Workload:
    arguments = build_document(target)
    body, chunks = build_tool_stream(arguments)
    return Workload(
        key=key,
        title=(
            f"one tool call, {label} of arguments ({len(arguments):,} chars) in "
            f"{DELTA_CHARS}-char deltas, partial parse on every delta"
        ),
        kind="tool",
        body=body,
        reads=split(body, READ_SIZE),
        events=_decode_all(body),
        chunks=chunks,
        expected_text=arguments,
        expected_value=json.loads(arguments),
        expected_preview=json.loads(arguments),
        tools=TOOLS,
        size_label=label,
    )


# --------------------------------------------------------------------------- #
# Anthropic Messages workloads (issue 11)
# --------------------------------------------------------------------------- #


def build_text(target: int) -> str:
    """*target* characters of chat-like prose (bench_sse's tokens, fixed seed)."""
    from bench_sse import _tokens

    rng = random.Random(f"{SEED}-anthropic-text-{target}")
    pieces: list[str] = []
    size = 0
    while size < target:
        batch = _tokens(rng, 1_000)
        pieces += batch
        size += sum(map(len, batch))
    return "".join(pieces)[:target]


def _named_event(obj: dict[str, Any]) -> bytes:
    # Anthropic and Responses: the API names every event after its type and
    # sends compact JSON, non-ASCII as is.
    kind: str = obj["type"]
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return b"event: " + kind.encode() + b"\ndata: " + data.encode() + b"\n\n"


def build_anthropic_stream(
    block: dict[str, Any], deltas: Sequence[dict[str, Any]], stop_reason: str
) -> tuple[bytes, int]:
    """A Messages stream of one content block, as the API sends it.

    ``message_start``, ``ping``, ``content_block_start`` with *block*, one
    ``content_block_delta`` per item of *deltas*, ``content_block_stop``,
    ``message_delta`` with *stop_reason* and the usage, ``message_stop``.
    Returns the stream bytes and the number of JSON events in it.
    """
    rng = random.Random(f"{SEED}-anthropic-{len(deltas)}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    message: dict[str, Any] = {
        "id": "msg_01" + "".join(rng.choice(alphabet) for _ in range(22)),
        "type": "message",
        "role": "assistant",
        "model": ANTHROPIC_MODEL,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 472,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 1,
            "service_tier": "standard",
        },
    }
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": message},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": block},
        *(
            {"type": "content_block_delta", "index": 0, "delta": delta}
            for delta in deltas
        ),
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": 1 + len(deltas) // 3},
        },
        {"type": "message_stop"},
    ]
    return b"".join(_named_event(e) for e in events), len(events)


def _pieces(text: str) -> list[str]:
    """*text* in DELTA_CHARS-character deltas."""
    return [text[i : i + DELTA_CHARS] for i in range(0, len(text), DELTA_CHARS)]


def _stream_workload(
    key: str,
    title: str,
    body: bytes,
    chunks: int,
    text: str,
    *,
    protocol: str,
    label: str,
    value: Any = None,
    tools: list[dict[str, Any]] | None = None,
) -> Workload:
    """A workload of (e)-(j): text, or tool input / arguments when *value* (its
    parsed value) is given; the consumer's last preview is the last delta's
    text, or the whole value."""
    tool = value is not None
    return Workload(
        key=key,
        title=title,
        kind="tool" if tool else "text",
        body=body,
        reads=split(body, READ_SIZE),
        events=_decode_all(body),
        chunks=chunks,
        expected_text=text,
        expected_value=value,
        expected_preview=value if tool else _pieces(text)[-1],
        tools=tools,
        size_label=label,
        protocol=protocol,
    )


def anthropic_text_workload(key: str, label: str, target: int) -> Workload:
    text = build_text(target)
    pieces = _pieces(text)
    body, chunks = build_anthropic_stream(
        {"type": "text", "text": ""},
        [{"type": "text_delta", "text": piece} for piece in pieces],
        "end_turn",
    )
    title = (
        f"Anthropic text, {label} ({len(text):,} chars) in {DELTA_CHARS}-char "
        "text_delta events, every delta's text read"
    )
    return _stream_workload(
        key, title, body, chunks, text, protocol="anthropic", label=label
    )


def anthropic_tool_workload(key: str, label: str, target: int) -> Workload:
    arguments = build_document(target)
    pieces = _pieces(arguments)
    rng = random.Random(f"{SEED}-toolu-{target}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    block = {
        "type": "tool_use",
        "id": "toolu_01" + "".join(rng.choice(alphabet) for _ in range(22)),
        "name": TOOL_NAME,
        "input": {},
    }
    # The API's first input_json_delta is an empty fragment.
    deltas = [{"type": "input_json_delta", "partial_json": p} for p in ["", *pieces]]
    body, chunks = build_anthropic_stream(block, deltas, "tool_use")
    title = (
        f"Anthropic tool_use, {label} of input ({len(arguments):,} chars) in "
        f"{DELTA_CHARS}-char input_json_delta events, partial input read on "
        "every delta"
    )
    return _stream_workload(
        key,
        title,
        body,
        chunks,
        arguments,
        protocol="anthropic",
        label=label,
        value=json.loads(arguments),
    )


# --------------------------------------------------------------------------- #
# OpenAI Responses workloads (issue 12)
# --------------------------------------------------------------------------- #


def _random_id(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choice("0123456789abcdef") for _ in range(length))


# The function tool as the request declares it and the response echoes it.
RESPONSES_TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": TOOL_NAME,
        "description": TOOLS[0]["function"]["description"],
        "parameters": TOOLS[0]["function"]["parameters"],
        "strict": True,
    }
]


def _response_object(
    rng: random.Random, tools: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The ``response`` of ``response.created``: in progress, no output yet."""
    return {
        "id": _random_id(rng, "resp_", 48),
        "object": "response",
        "created_at": 1_796_000_000,
        "status": "in_progress",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": RESPONSES_MODEL,
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "auto",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": list(tools),
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
    }


def _obfuscation(rng: random.Random, delta: str) -> str:
    # The API pads every delta with a random string (stream_options.
    # include_obfuscation, on by default) so that sizes do not leak the tokens.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(max(2, 16 - len(delta))))


def build_responses_stream(
    item: dict[str, Any],
    final_item: dict[str, Any],
    part: dict[str, Any] | None,
    deltas: Sequence[dict[str, Any]],
    done: dict[str, Any],
    tools: Sequence[dict[str, Any]],
) -> tuple[bytes, int]:
    """A Responses stream of one output item, as the API sends it.

    ``response.created``, ``response.in_progress``, ``output_item.added`` with
    *item*, ``content_part.added`` with *part* (when given), one event per item
    of *deltas*, the *done* event, ``content_part.done`` (with *part*),
    ``output_item.done`` with *final_item*, ``response.completed`` whose
    ``output`` is ``[final_item]``; every event with its ``sequence_number``,
    named by its ``type``.  Returns the stream bytes and the number of events.
    """
    rng = random.Random(f"{SEED}-responses-{len(deltas)}")
    response = _response_object(rng, tools)
    where = {"item_id": item["id"], "output_index": 0}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response},
        {"type": "response.in_progress", "response": response},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
    ]
    if part is not None:
        blank = {**part, "text": ""}
        events.append(
            {
                "type": "response.content_part.added",
                **where,
                "content_index": 0,
                "part": blank,
            }
        )
    events += [
        {**delta, **where, "obfuscation": _obfuscation(rng, delta["delta"])}
        for delta in deltas
    ]
    events.append({**done, **where})
    if part is not None:
        events.append(
            {
                "type": "response.content_part.done",
                **where,
                "content_index": 0,
                "part": part,
            }
        )
    events.append(
        {"type": "response.output_item.done", "output_index": 0, "item": final_item}
    )
    output_tokens = 1 + len(deltas) // 3
    completed = {
        **response,
        "status": "completed",
        "output": [final_item],
        "usage": {
            "input_tokens": 472,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 472 + output_tokens,
        },
    }
    events.append({"type": "response.completed", "response": completed})
    numbered = [
        {"type": e["type"], "sequence_number": i, **e} for i, e in enumerate(events)
    ]
    return b"".join(_named_event(e) for e in numbered), len(numbered)


def responses_text_workload(key: str, label: str, target: int) -> Workload:
    text = build_text(target)
    pieces = _pieces(text)
    rng = random.Random(f"{SEED}-msg-{target}")
    message_id = _random_id(rng, "msg_", 48)
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    item = {
        "id": message_id,
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    body, chunks = build_responses_stream(
        item,
        {**item, "status": "completed", "content": [part]},
        part,
        [
            {
                "type": "response.output_text.delta",
                "content_index": 0,
                "delta": piece,
                "logprobs": [],
            }
            for piece in pieces
        ],
        {
            "type": "response.output_text.done",
            "content_index": 0,
            "text": text,
            "logprobs": [],
        },
        [],
    )
    title = (
        f"Responses text, {label} ({len(text):,} chars) in {DELTA_CHARS}-char "
        "output_text.delta events, every delta's text read"
    )
    return _stream_workload(
        key, title, body, chunks, text, protocol="responses", label=label
    )


def responses_tool_workload(key: str, label: str, target: int) -> Workload:
    arguments = build_document(target)
    pieces = _pieces(arguments)
    rng = random.Random(f"{SEED}-fc-{target}")
    item = {
        "id": _random_id(rng, "fc_", 48),
        "type": "function_call",
        "status": "in_progress",
        "arguments": "",
        "call_id": "call_" + _random_id(rng, "", 24),
        "name": TOOL_NAME,
    }
    body, chunks = build_responses_stream(
        item,
        {**item, "status": "completed", "arguments": arguments},
        None,
        [
            {"type": "response.function_call_arguments.delta", "delta": piece}
            for piece in pieces
        ],
        {"type": "response.function_call_arguments.done", "arguments": arguments},
        RESPONSES_TOOLS,
    )
    title = (
        f"Responses function call, {label} of arguments ({len(arguments):,} "
        f"chars) in {DELTA_CHARS}-char function_call_arguments.delta events, "
        "the partial arguments read on every delta"
    )
    return _stream_workload(
        key,
        title,
        body,
        chunks,
        arguments,
        protocol="responses",
        label=label,
        value=json.loads(arguments),
        tools=RESPONSES_TOOLS,
    )


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


@dataclass
class Outcome:
    """What one run produced, to be verified before any figure is reported."""

    text: str  # final content or arguments
    preview: Any  # the last content delta text / partial arguments read
    finish: Any
    events: int  # events handed to the consumer
    parsed: Any = None  # final parsed arguments (tool)


def _batches(decoder: Any, reads: Sequence[bytes]) -> Iterator[list[Any]]:
    feed = decoder.feed
    for read in reads:
        yield feed(read)
    yield decoder.close()


def run_sseparse(work: Workload, mode: str) -> Outcome:
    from sseparse import SSEDecoder
    from sseparse.llm import ContentDelta, OpenAIChatAccumulator, ToolCallArgumentsDelta

    acc = OpenAIChatAccumulator(tools=work.tools)
    feed = acc.feed
    tool = work.kind == "tool"
    wanted: type = ToolCallArgumentsDelta if tool else ContentDelta
    batches: Any = (
        _batches(SSEDecoder(), work.reads) if mode == "bytes" else (work.events,)
    )
    count = 0
    preview: Any = None
    for batch in batches:
        for sse in batch:
            out = feed(sse)
            count += len(out)
            for event in out:
                if event.__class__ is wanted:
                    ev: Any = event
                    preview = ev.parsed_arguments if tool else ev.delta
    final = acc.close()
    choice = final["choices"][0]
    message = choice["message"]
    if tool:
        call = message["tool_calls"][0]
        return Outcome(
            call["function"]["arguments"],
            preview,
            choice["finish_reason"],
            count,
            json.loads(call["function"]["arguments"]),
        )
    return Outcome(message["content"], preview, choice["finish_reason"], count)


class _StubResponse:
    """What ``openai.Stream`` needs of an ``httpx`` response: the body's reads."""

    def __init__(self, reads: Sequence[bytes]) -> None:
        self._reads = reads
        self.request = None
        self.http_version = "HTTP/1.1"

    def iter_bytes(self) -> Iterator[bytes]:
        return iter(self._reads)

    def close(self) -> None:
        pass


class _PredecodedEvents:
    """An SSE "decoder" for ``openai.Stream`` that hands out decoded events."""

    def __init__(self, events: Sequence[Any]) -> None:
        self._events = events

    def iter_bytes(self, iterator: Any) -> Iterator[Any]:
        return iter(self._events)


_OPENAI_CLIENT: Any = None


def run_openai(work: Workload, mode: str) -> Outcome:
    global _OPENAI_CLIENT  # building a client takes milliseconds; once is enough
    import openai
    from openai._streaming import Stream
    from openai.lib.streaming.chat._completions import ChatCompletionStream
    from openai.types.chat import ChatCompletionChunk

    if _OPENAI_CLIENT is None:
        _OPENAI_CLIENT = openai.OpenAI(api_key="sk-benchmark", max_retries=0)
    raw = Stream(
        cast_to=ChatCompletionChunk,
        response=_StubResponse(work.reads),  # type: ignore[arg-type]
        client=_OPENAI_CLIENT,
    )
    if mode == "events":
        raw._decoder = _PredecodedEvents(work.events)  # type: ignore[assignment]
    stream: Any = ChatCompletionStream(
        raw_stream=raw,
        response_format=openai.omit,
        input_tools=cast("Any", work.tools) if work.tools else openai.omit,
    )
    tool = work.kind == "tool"
    wanted = "tool_calls.function.arguments.delta" if tool else "content.delta"
    count = 0
    preview: Any = None
    for event in stream:
        count += 1
        if event.type == wanted:
            preview = event.parsed_arguments if tool else event.delta
    completion = stream.get_final_completion()
    choice = completion.choices[0]
    if tool:
        function = choice.message.tool_calls[0].function
        return Outcome(
            function.arguments,
            preview,
            choice.finish_reason,
            count,
            function.parsed_arguments,
        )
    return Outcome(choice.message.content, preview, choice.finish_reason, count)


def _find_accumulator(name: str, module_name: str) -> Any:
    """The accumulator class *name*, from ``sseparse.llm`` once it is exported
    there, from *module_name* before; None in a checkout that has neither."""
    import importlib

    import sseparse.llm

    found = getattr(sseparse.llm, name, None)
    if found is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        found = getattr(module, name, None)
    return found


def _responses_accumulator() -> Any:
    return _find_accumulator(RESPONSES_ACCUMULATOR, "sseparse.llm._responses")


def _anthropic_accumulator() -> Any:
    return _find_accumulator(ANTHROPIC_ACCUMULATOR, "sseparse.llm._anthropic")


def _accumulate(acc: Any, work: Workload, mode: str) -> tuple[Any, Any, int]:
    """Feed *work* to the accumulator *acc*, reading each delta as the consumer
    of (e)-(j) does; returns ``close()``'s final, the last preview and the
    number of events."""
    from sseparse import SSEDecoder
    from sseparse.llm import ContentDelta, ToolCallArgumentsDelta

    feed = acc.feed
    tool = work.kind == "tool"
    wanted: type = ToolCallArgumentsDelta if tool else ContentDelta
    batches: Any = (
        _batches(SSEDecoder(), work.reads) if mode == "bytes" else (work.events,)
    )
    count = 0
    preview: Any = None
    for batch in batches:
        for sse in batch:
            out = feed(sse)
            count += len(out)
            for event in out:
                if event.__class__ is wanted:
                    ev: Any = event
                    preview = ev.parsed_arguments if tool else ev.delta
    return acc.close(), preview, count


def run_sseparse_anthropic(work: Workload, mode: str) -> Outcome:
    final, preview, count = _accumulate(_anthropic_accumulator()(), work, mode)
    tool = work.kind == "tool"
    block = final["content"][0]
    if tool:
        return Outcome("", preview, final["stop_reason"], count, block["input"])
    return Outcome(block["text"], preview, final["stop_reason"], count)


_ANTHROPIC_CLIENT: Any = None


def run_anthropic(work: Workload, mode: str) -> Outcome:
    """anthropic's own path: ``MessageStream`` over its ``Stream``.

    Per event ``Stream`` runs its SSE decoder, ``sse.json()`` and
    ``client._process_response_data`` (``construct_type`` of the
    ``RawMessageStreamEvent`` union), then ``MessageStream`` calls
    ``accumulate_event`` and ``build_events``.
    """
    global _ANTHROPIC_CLIENT  # building a client takes milliseconds; once is enough
    import anthropic
    from anthropic._streaming import Stream
    from anthropic.lib.streaming import MessageStream
    from anthropic.types import RawMessageStreamEvent

    if _ANTHROPIC_CLIENT is None:
        _ANTHROPIC_CLIENT = anthropic.Anthropic(api_key="sk-benchmark", max_retries=0)
    # messages.stream() builds Stream[RawMessageStreamEvent] with this cast_to
    raw: Any = Stream(
        cast_to=cast("Any", RawMessageStreamEvent),
        response=_StubResponse(work.reads),  # type: ignore[arg-type]
        client=_ANTHROPIC_CLIENT,
    )
    if mode == "events":
        raw._decoder = _PredecodedEvents(work.events)
    stream: Any = MessageStream(raw, output_format=anthropic.not_given)
    tool = work.kind == "tool"
    wanted = "input_json" if tool else "text"
    count = 0
    preview: Any = None
    for event in stream:
        count += 1
        if event.type == wanted:
            # InputJsonEvent.snapshot: the block's input as re-parsed so far
            preview = event.snapshot if tool else event.text
    message = stream.get_final_message()
    block = message.content[0]
    if tool:
        return Outcome("", preview, message.stop_reason, count, block.input)
    return Outcome(block.text, preview, message.stop_reason, count)


def run_sseparse_responses(work: Workload, mode: str) -> Outcome:
    final, preview, count = _accumulate(_responses_accumulator()(), work, mode)
    tool = work.kind == "tool"
    item = final["output"][0]
    if tool:
        arguments = item["arguments"]
        return Outcome(
            arguments, preview, final["status"], count, json.loads(arguments)
        )
    return Outcome(item["content"][0]["text"], preview, final["status"], count)


def run_openai_responses(work: Workload, mode: str) -> Outcome:
    """openai's own path: ``ResponseStream`` over its ``Stream``.

    As ``client.responses.stream(...)`` builds it: ``responses.create(...,
    stream=True)`` gives a ``Stream[ResponseStreamEvent]`` (its SSE decoder,
    ``sse.json()``, ``construct_type`` of the event union per event), and
    ``ResponseStream`` runs ``ResponseStreamState.handle_event`` on each,
    which appends every text or arguments delta to its snapshot (``+=`` on the
    model's string) and builds the event it yields with that string as its
    ``snapshot``.  Arguments are never parsed before the end: the per-delta
    preview it offers is that string, so that is what the consumer reads.
    """
    global _OPENAI_CLIENT  # building a client takes milliseconds; once is enough
    import openai
    from openai._streaming import Stream
    from openai.lib.streaming.responses import ResponseStream
    from openai.types.responses import ResponseStreamEvent

    if _OPENAI_CLIENT is None:
        _OPENAI_CLIENT = openai.OpenAI(api_key="sk-benchmark", max_retries=0)
    raw: Any = Stream(
        cast_to=cast("Any", ResponseStreamEvent),  # the union, as create() gives
        response=_StubResponse(work.reads),  # type: ignore[arg-type]
        client=_OPENAI_CLIENT,
    )
    if mode == "events":
        raw._decoder = _PredecodedEvents(work.events)
    stream: Any = ResponseStream(
        raw_stream=raw,
        text_format=openai.omit,
        input_tools=cast("Any", work.tools) if work.tools else openai.omit,
        starting_after=None,
    )
    tool = work.kind == "tool"
    wanted = (
        "response.function_call_arguments.delta"
        if tool
        else "response.output_text.delta"
    )
    count = 0
    preview: Any = None
    for event in stream:
        count += 1
        if event.type == wanted:
            preview = event.snapshot if tool else event.delta
    response = stream.get_final_response()
    item = response.output[0]
    if tool:
        return Outcome(
            item.arguments, preview, response.status, count, item.parsed_arguments
        )
    return Outcome(item.content[0].text, preview, response.status, count)


@dataclass(frozen=True)
class Impl:
    name: str
    distribution: str
    run: Callable[[Workload, str], Outcome]

    @property
    def version(self) -> str:
        return version_of(self.distribution)


SSEPARSE = Impl("sseparse", "sseparse", run_sseparse)
OPENAI = Impl("openai", "openai", run_openai)
IMPLS = (SSEPARSE, OPENAI)
# Anthropic Messages: the same name for ours, so that ``measure`` finds its base.
SSEPARSE_ANTHROPIC = Impl("sseparse", "sseparse", run_sseparse_anthropic)
ANTHROPIC = Impl("anthropic", "anthropic", run_anthropic)
ANTHROPIC_IMPLS = (SSEPARSE_ANTHROPIC, ANTHROPIC)
SSEPARSE_RESPONSES = Impl("sseparse", "sseparse", run_sseparse_responses)
OPENAI_RESPONSES = Impl("openai", "openai", run_openai_responses)
RESPONSES_IMPLS = (SSEPARSE_RESPONSES, OPENAI_RESPONSES)
ANTHROPIC_BUILDERS = (anthropic_text_workload, anthropic_tool_workload)
RESPONSES_BUILDERS = (responses_text_workload, responses_tool_workload)


def version_of(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        if distribution == "sseparse":
            import sseparse

            return str(sseparse.__version__)
        return "?"


def available(
    names: Sequence[str] | None, candidates: Sequence[Impl] = IMPLS
) -> tuple[list[Impl], list[str]]:
    from importlib.util import find_spec

    impls: list[Impl] = []
    notes: list[str] = []
    for impl in candidates:
        if names and impl.name not in names:
            continue
        module = "sseparse.llm" if impl.name == "sseparse" else impl.name
        try:
            found = find_spec(module) is not None
        except ImportError:
            found = False
        if found and impl is SSEPARSE_ANTHROPIC:  # a checkout before issue 11
            found = _anthropic_accumulator() is not None
            module += f".{ANTHROPIC_ACCUMULATOR}"
        if found and impl is SSEPARSE_RESPONSES:  # a checkout before issue 12
            found = _responses_accumulator() is not None
            module += f".{RESPONSES_ACCUMULATOR}"
        if found:
            impls.append(impl)
        else:
            notes.append(f"{impl.name}: cannot import {module}, skipped")
    return impls, notes


# --------------------------------------------------------------------------- #
# measurement
# --------------------------------------------------------------------------- #


def check(ok: bool, message: str) -> None:
    if not ok:  # not an ``assert``: must hold under ``python -O`` too
        raise SystemExit(f"verification failed: {message}")


def verify(impl: Impl, work: Workload, mode: str, out: Outcome) -> None:
    where = f"{impl.name} on ({work.key}, {mode})"
    if work.protocol == "anthropic":
        verify_anthropic(where, work, out)
        return
    if work.protocol == "responses":
        verify_responses(impl, where, work, out)
        return
    check(out.text == work.expected_text, f"{where}: final text differs")
    check(out.preview == work.expected_preview, f"{where}: last preview differs")
    if work.kind == "tool":
        check(out.finish == "tool_calls", f"{where}: finish_reason {out.finish!r}")
        check(out.parsed == work.expected_value, f"{where}: parsed arguments differ")
    else:
        check(out.finish == "stop", f"{where}: finish_reason {out.finish!r}")


def verify_anthropic(where: str, work: Workload, out: Outcome) -> None:
    check(out.preview == work.expected_preview, f"{where}: last preview differs")
    if work.kind == "tool":
        check(out.finish == "tool_use", f"{where}: stop_reason {out.finish!r}")
        check(out.parsed == work.expected_value, f"{where}: final input differs")
    else:
        check(out.finish == "end_turn", f"{where}: stop_reason {out.finish!r}")
        check(out.text == work.expected_text, f"{where}: final text differs")


def verify_responses(impl: Impl, where: str, work: Workload, out: Outcome) -> None:
    check(out.finish == "completed", f"{where}: status {out.finish!r}")
    check(out.text == work.expected_text, f"{where}: final text differs")
    if work.kind == "tool":
        check(out.parsed == work.expected_value, f"{where}: final arguments differ")
        # openai offers no parsed partial: its preview is the arguments so far
        expected = work.expected_text if impl.name == "openai" else work.expected_value
        check(out.preview == expected, f"{where}: last preview differs")
    else:
        check(out.preview == work.expected_preview, f"{where}: last delta differs")


def run_once(
    impl: Impl, work: Workload, mode: str, use_gc: bool
) -> tuple[float, float, Outcome]:
    """Time one run; returns (wall seconds, CPU seconds, outcome)."""
    gc.collect()
    was_enabled = gc.isenabled()
    if not use_gc:
        gc.disable()
    try:
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = impl.run(work, mode)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
    finally:
        if was_enabled:
            gc.enable()
    return wall, cpu, out


@dataclass
class Result:
    workload: str
    mode: str
    implementation: str
    version: str
    chunks: int
    nbytes: int
    best_s: float | None  # None: not run (estimated)
    best_cpu_s: float | None
    runs_s: list[float] = field(default_factory=list)
    estimate_s: float | None = None
    estimate_how: str = ""
    speedup: float | None = None  # openai time / sseparse time
    cpu_speedup: float | None = None

    @property
    def seconds(self) -> float | None:
        return self.best_s if self.best_s is not None else self.estimate_s

    @property
    def chunks_per_s(self) -> float | None:
        s = self.seconds
        return None if not s else self.chunks / s


def measure(
    impls: Sequence[Impl],
    work: Workload,
    mode: str,
    repeat: int,
    use_gc: bool,
    skip: dict[str, tuple[float, str]],
) -> list[Result]:
    """Best of *repeat* runs of every implementation, round-robin.

    The first round also verifies every output and sets the number of runs
    (see ``samples``); an implementation in *skip* (name -> (estimate, how)) is
    not run at all.
    """
    walls: dict[str, list[float]] = {i.name: [] for i in impls}
    cpus: dict[str, list[float]] = {i.name: [] for i in impls}
    wanted: dict[str, int] = {i.name: repeat for i in impls if i.name not in skip}
    round_ = 0
    while any(n > round_ for n in wanted.values()):
        for impl in impls:
            if round_ >= wanted.get(impl.name, 0):
                continue
            wall, cpu, out = run_once(impl, work, mode, use_gc)
            walls[impl.name].append(wall)
            cpus[impl.name].append(cpu)
            if round_ == 0:
                verify(impl, work, mode, out)
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
                mode=mode,
                implementation=impl.name,
                version=impl.version,
                chunks=work.chunks,
                nbytes=work.nbytes,
                best_s=min(runs) if runs else None,
                best_cpu_s=min(cpus[impl.name]) if runs else None,
                runs_s=runs,
                estimate_s=est,
                estimate_how=how,
            )
        )
    base = next((r for r in results if r.implementation == "sseparse"), None)
    if base is not None and base.best_s:
        for r in results:
            if r.seconds is not None:
                r.speedup = r.seconds / base.best_s
            if r.best_cpu_s is not None and base.best_cpu_s:
                r.cpu_speedup = r.best_cpu_s / base.best_cpu_s
    return results


def samples(wall: float, repeat: int) -> int:
    """How many runs to time, given the first one took *wall* seconds.

    *repeat*, but fewer for a slow run (about PEER_BUDGET_S in all, at least
    one) and more for a fast one (about FAST_BUDGET_S in all, at most
    MAX_SAMPLES), whose best time is otherwise at the mercy of one noisy spell.
    """
    if wall * repeat > PEER_BUDGET_S:
        return max(1, int(PEER_BUDGET_S / wall))
    if wall * repeat < FAST_BUDGET_S:
        return min(MAX_SAMPLES, max(repeat, int(FAST_BUDGET_S / max(wall, 1e-6))))
    return repeat


def estimate(points: Sequence[tuple[int, float]], n: int) -> tuple[float, str]:
    """Time of a run of *n* chunks, from measured (chunks, seconds) *points*.

    With two points or more, fits ``a*n + b*n^2`` through the two largest; with
    one (or a fit that is not convex), scales the largest quadratically.
    """
    pts = sorted(points)
    if not pts:
        return 0.0, "no smaller size measured"
    n2, t2 = pts[-1]
    if len(pts) >= 2:
        n1, t1 = pts[-2]
        b = (t2 / n2 - t1 / n1) / (n2 - n1)
        a = t1 / n1 - b * n1
        if a >= 0 and b > 0:
            return a * n + b * n * n, (
                f"fit a*n + b*n^2 through {n1:,} and {n2:,} chunks"
            )
    return t2 * (n / n2) ** 2, f"{n2:,} chunks scaled by (n/{n2:,})^2"


def linear_check(
    work_small: Workload,
    work_large: Workload,
    rounds: int,
    use_gc: bool,
    impl: Impl = SSEPARSE,
) -> dict[str, Any]:
    """sseparse on N vs 16*N chunks (accumulation alone), interleaved."""
    small_w: list[float] = []
    large_w: list[float] = []
    small_c: list[float] = []
    large_c: list[float] = []
    for i in range(rounds):
        w, c, out = run_once(impl, work_small, "events", use_gc)
        if i == 0:
            verify(impl, work_small, "events", out)
        small_w.append(w)
        small_c.append(c)
        w, c, out = run_once(impl, work_large, "events", use_gc)
        if i == 0:
            verify(impl, work_large, "events", out)
        large_w.append(w)
        large_c.append(c)
    return {
        "workload": work_large.key,
        "title": work_large.title,
        "small_chunks": work_small.chunks,
        "large_chunks": work_large.chunks,
        "small_s": min(small_w),
        "large_s": min(large_w),
        "chunks_ratio": work_large.chunks / work_small.chunks,
        "time_ratio": min(large_w) / min(small_w),
        "cpu_time_ratio": min(large_c) / min(small_c),
    }


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- #
# environment and reporting
# --------------------------------------------------------------------------- #


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    if value >= 1e3:
        return f"{value / 1e3:.1f} k"
    return f"{value:.1f}"


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 10:
        return f"{seconds:,.1f} s"
    return f"{seconds * 1e3:,.1f} ms"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}x" if value < 100 else f"{value:,.0f}x"


def results_table(results: Sequence[Result], peer: str = "openai") -> str:
    lines = [
        "| workload | input | implementation | chunks | best | CPU | chunks/s "
        f"| {peer} / sseparse (wall) | (CPU) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.best_s is None:
            best = f"~{fmt_time(r.estimate_s)} (estimate)"
            rate = f"~{fmt_rate(r.chunks_per_s)}"
            speed = f"~{fmt_ratio(r.speedup)}"
        else:
            best = fmt_time(r.best_s)
            rate = fmt_rate(r.chunks_per_s)
            speed = fmt_ratio(r.speedup)
        if r.implementation == "sseparse":
            speed = cpu = "—"
        else:
            cpu = fmt_ratio(r.cpu_speedup)
        lines.append(
            f"| ({r.workload}) | {r.mode} | {r.implementation} | {r.chunks:,} "
            f"| {best} | {fmt_time(r.best_cpu_s)} | {rate} | {speed} | {cpu} |"
        )
    return "\n".join(lines)


def linear_table(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| stream | N chunks | 16N chunks | t(N) | t(16N) | chunks ratio "
        "| time ratio | CPU-time ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| ({row['workload']}) | {row['small_chunks']:,} "
        f"| {row['large_chunks']:,} | {fmt_time(row['small_s'])} "
        f"| {fmt_time(row['large_s'])} | {row['chunks_ratio']:.2f} "
        f"| {row['time_ratio']:.2f} | {row['cpu_time_ratio']:.2f} |"
        for row in rows
    ]
    return "\n".join(lines)


def growth_table(
    results: Sequence[Result], labels: Sequence[str], prefix: str = "b"
) -> str:
    """Time ratio between consecutive sizes of (b), per implementation and mode."""
    keys = [f"{prefix} {label}" for label in labels]
    steps = [f"{labels[i]} / {labels[i - 1]}" for i in range(1, len(labels))]
    lines = [
        "| implementation | input | " + " | ".join(steps) + " |",
        "|---|---|" + "---:|" * len(steps),
    ]
    combos = sorted({(r.implementation, r.mode) for r in results if r.workload in keys})
    for name, mode in combos:
        found = {
            r.workload: r
            for r in results
            if (r.implementation, r.mode) == (name, mode) and r.workload in keys
        }
        cells = []
        for i in range(1, len(keys)):
            lo, hi = found.get(keys[i - 1]), found.get(keys[i])
            if lo is None or hi is None or lo.best_s is None or hi.best_s is None:
                cells.append("—")
                continue
            ratio = hi.best_s / lo.best_s
            size = hi.chunks / lo.chunks
            cells.append(f"{ratio:.1f}x (n^{math.log(ratio) / math.log(size):.2f})")
        lines.append(f"| {name} | {mode} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals(results: Sequence[Result], linear: Sequence[dict[str, Any]]) -> list[str]:
    out: list[str] = []

    def find(workload: str, mode: str, name: str) -> Result | None:
        for r in results:
            if (r.workload, r.mode, r.implementation) == (workload, mode, name):
                return r
        return None

    for mode in MODES:
        sse, oai = find("a", mode, "sseparse"), find("a", mode, "openai")
        if sse and oai and oai.speedup is not None:
            verdict = "met" if oai.speedup >= GOAL_A else "NOT met"
            out.append(
                f"(a) {mode}: sseparse {fmt_rate(sse.chunks_per_s)} chunks/s, openai "
                f"{fmt_rate(oai.chunks_per_s)} chunks/s: {oai.speedup:.1f}x "
                f"(CPU {fmt_ratio(oai.cpu_speedup)}; goal >= {GOAL_A:g}x): {verdict}"
            )
        sse, oai = find("b 1 MB", mode, "sseparse"), find("b 1 MB", mode, "openai")
        if sse and sse.best_s is not None:
            verdict = "met" if sse.best_s < GOAL_B_S else "NOT met"
            out.append(
                f"(b) {mode}: sseparse 1 MB in {fmt_time(sse.best_s)} (CPU "
                f"{fmt_time(sse.best_cpu_s)}; goal < {GOAL_B_S:g} s): {verdict}"
            )
        if sse and oai and oai.speedup is not None:
            verdict = "met" if oai.speedup >= GOAL_B else "NOT met"
            est = " (openai estimated)" if oai.best_s is None else ""
            if est:  # an estimate proves nothing: run it with --peer-limit
                verdict = "not verified (openai not run)"
            out.append(
                f"(b) {mode}: openai 1 MB / sseparse 1 MB = {oai.speedup:,.0f}x"
                f"{est} (goal >= {GOAL_B:g}x): {verdict}"
            )
    for row in linear:
        verdict = "linear" if row["time_ratio"] < 1.5 * row["chunks_ratio"] else "NOT"
        out.append(
            f"(c) ({row['workload']}): {row['chunks_ratio']:.1f}x the chunks, "
            f"{row['time_ratio']:.2f}x the time (CPU {row['cpu_time_ratio']:.2f}x): "
            f"{verdict}"
        )
    return out


# --------------------------------------------------------------------------- #
# (d) the floor
# --------------------------------------------------------------------------- #


def load_before(path: str) -> tuple[Any, Any] | None:
    """``SSEDecoder`` and ``OpenAIChatAccumulator`` of the checkout at *path*.

    The old package is imported under its own name, then its modules are taken
    out of ``sys.modules`` again (they keep working: each holds its globals),
    so that both versions run side by side in this process.
    """
    if not (Path(path) / "sseparse" / "__init__.py").exists():
        return None
    ours = {k: m for k, m in sys.modules.items() if k.partition(".")[0] == "sseparse"}
    for key in ours:
        del sys.modules[key]
    sys.path.insert(0, path)
    try:
        from sseparse import SSEDecoder
        from sseparse.llm import OpenAIChatAccumulator

        return SSEDecoder, OpenAIChatAccumulator
    finally:
        sys.path.remove(path)
        for key in [k for k in sys.modules if k.partition(".")[0] == "sseparse"]:
            del sys.modules[key]
        sys.modules.update(ours)


def floor_variants(work: Workload, before: tuple[Any, Any] | None) -> dict[str, Any]:
    """name -> a run over *work*'s reads returning what it saw (for checks)."""
    import orjson
    from msgspec.json import Decoder

    from sseparse import SSEDecoder
    from sseparse.llm import OpenAIChatAccumulator, _loads

    reads = work.reads

    def decode_only() -> int:
        decoder = SSEDecoder()
        n = 0
        for read in reads:
            n += len(decoder.feed(read))
        return n + len(decoder.close())

    def parse_with(loads: Callable[[str], Any]) -> Callable[[], int]:
        def run() -> int:
            decoder = SSEDecoder()
            n = 0
            for read in reads:
                for event in decoder.feed(read):
                    data = event.data
                    if data != "[DONE]":
                        loads(data)
                        n += 1
            decoder.close()
            return n

        return run

    def content_delta_of(acc_cls: Any) -> type:
        module = sys.modules[acc_cls.__module__]
        return cast("type", module.ContentDelta)

    def pipeline(
        decoder_cls: Any, acc_cls: Any, fast: bool | None, read_events: bool = True
    ) -> Any:
        def run() -> str:
            if fast is not None:
                _loads.use_fast(fast)
            try:
                decoder = decoder_cls()
                acc = acc_cls()
            finally:
                _loads.use_fast(True)
            feed = acc.feed
            wanted = content_delta_of(acc_cls)
            for read in reads:
                for event in decoder.feed(read):
                    if not read_events:
                        feed(event)
                        continue
                    for out in feed(event):
                        if out.__class__ is wanted:  # as run_sseparse reads them
                            cast("Any", out).delta  # noqa: B018 - what a consumer reads
            for event in decoder.close():
                feed(event)
            content: str = acc.close()["choices"][0]["message"]["content"]
            return content

        return run

    variants: dict[str, Any] = {
        "decode": decode_only,
        "decode + json.loads": parse_with(json.loads),
        "decode + msgspec": parse_with(Decoder().decode),
        "decode + orjson": parse_with(orjson.loads),
        "pipeline, json.loads": pipeline(SSEDecoder, OpenAIChatAccumulator, False),
        "pipeline, msgspec": pipeline(SSEDecoder, OpenAIChatAccumulator, True),
        "pipeline, msgspec, events unread": pipeline(
            SSEDecoder, OpenAIChatAccumulator, True, read_events=False
        ),
    }
    if before is not None:
        variants["pipeline before issue 10"] = pipeline(*before, None)
    return variants


def measure_floor(
    work: Workload, rounds: int, gc_on: bool, before: tuple[Any, Any] | None
) -> dict[str, Any]:
    """CPU time per chunk of each variant, in interleaved rounds; paired ratios."""
    variants = floor_variants(work, before)
    names = list(variants)
    for name, run in variants.items():  # check, and warm up
        got = run()
        if name.startswith("pipeline"):
            check(got == work.expected_text, f"(d) {name}: wrong content")
        elif name != "decode":
            check(got == work.chunks, f"(d) {name}: parsed {got} of {work.chunks}")
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            if not gc_on:
                gc.collect()
                gc.disable()
            try:
                start = time.process_time()
                variants[name]()
                took = time.process_time() - start
            finally:
                gc.enable()
            times[name].append(took / work.chunks)

    def median(values: Sequence[float]) -> float:
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    def ratio(a: str, b: str) -> float | None:
        if a not in times or b not in times:
            return None
        return median([x / y for x, y in zip(times[a], times[b], strict=True)])

    return {
        "rounds": rounds,
        "chunks": work.chunks,
        "us_per_chunk": {n: round(median(t) * 1e6, 3) for n, t in times.items()},
        "best_us_per_chunk": {n: round(min(t) * 1e6, 3) for n, t in times.items()},
        "ratios": {
            "pipeline, json.loads / (decode + json.loads)": ratio(
                "pipeline, json.loads", "decode + json.loads"
            ),
            "pipeline, msgspec / (decode + msgspec)": ratio(
                "pipeline, msgspec", "decode + msgspec"
            ),
            "pipeline, msgspec / (decode + orjson)": ratio(
                "pipeline, msgspec", "decode + orjson"
            ),
            "before issue 10 / pipeline, msgspec": ratio(
                "pipeline before issue 10", "pipeline, msgspec"
            ),
            "before issue 10 / pipeline, json.loads": ratio(
                "pipeline before issue 10", "pipeline, json.loads"
            ),
            "(decode + json.loads) / (decode + msgspec)": ratio(
                "decode + json.loads", "decode + msgspec"
            ),
            "(decode + orjson) / (decode + msgspec)": ratio(
                "decode + orjson", "decode + msgspec"
            ),
        },
    }


def floor_table(row: dict[str, Any]) -> str:
    lines = [
        "| variant | CPU µs/chunk (median) | best |",
        "|---|---:|---:|",
    ]
    for name, value in row["us_per_chunk"].items():
        lines.append(f"| {name} | {value:.2f} | {row['best_us_per_chunk'][name]:.2f} |")
    lines += ["", "| ratio (median of per-round ratios) | value |", "|---|---:|"]
    for name, value in row["ratios"].items():
        lines.append(f"| {name} | {fmt_ratio(value)} |")
    return "\n".join(lines)


def floor_goals(row: dict[str, Any] | None) -> list[str]:
    if row is None:
        return []
    r = row["ratios"]

    def verdict(value: float | None, ok: bool) -> str:
        return "not measured" if value is None else ("met" if ok else "NOT met")

    fast = r["pipeline, msgspec / (decode + msgspec)"]
    speedup = r["before issue 10 / pipeline, msgspec"]
    plain = r["pipeline, json.loads / (decode + json.loads)"]
    return [
        f"(d) with msgspec the pipeline costs {fmt_ratio(fast)} its floor "
        f"(goal <= {GOAL_FAST_FLOOR:g}x): "
        + verdict(fast, fast is not None and fast <= GOAL_FAST_FLOOR),
        f"(d) with msgspec it runs {fmt_ratio(speedup)} faster than before issue 10 "
        f"(goal >= {GOAL_FAST_SPEEDUP:g}x): "
        + verdict(speedup, speedup is not None and speedup >= GOAL_FAST_SPEEDUP),
        f"(d) without it the pipeline costs {fmt_ratio(plain)} the json.loads floor "
        f"(goal <= {GOAL_JSON_FLOOR:g}x): "
        + verdict(plain, plain is not None and plain <= GOAL_JSON_FLOOR),
    ]


# --------------------------------------------------------------------------- #
# (e) (f) (g) Anthropic Messages (issue 11)
# --------------------------------------------------------------------------- #


def measure_anthropic(
    impls: Sequence[Impl],
    workloads: Sequence[Workload],
    modes: Sequence[str],
    repeat: int,
    use_gc: bool,
    peer_limit: float,
    peer_name: str = "anthropic",
) -> list[Result]:
    """(e) and (f), or (h) and (i) with *peer_name* "openai", side by side; a
    peer run estimated above *peer_limit* is not run (estimated from the
    smaller sizes of the same kind and input)."""
    results: list[Result] = []
    peer = any(i.name == peer_name for i in impls)
    for mode in modes:
        measured: dict[str, list[tuple[int, float]]] = {}  # kind -> peer points
        for work in workloads:
            skip: dict[str, tuple[float, str]] = {}
            points = measured.get(work.kind, [])
            if peer and points:
                est, how = estimate(points, work.chunks)
                if est > peer_limit:
                    skip[peer_name] = (est, how)
            progress(
                f"({work.key}) {mode}: {work.nbytes:,} B, {work.chunks:,} events, "
                f"best of {repeat}"
                + (f"; {peer_name} estimated at {est:.0f} s" if skip else "")
            )
            for r in measure(impls, work, mode, repeat, use_gc, skip):
                results.append(r)
                if r.implementation == peer_name and r.best_s:
                    measured.setdefault(work.kind, []).append((r.chunks, r.best_s))
                progress(
                    f"    {r.implementation:<9} {fmt_time(r.seconds):>12}"
                    f"  (CPU {fmt_time(r.best_cpu_s)})"
                    + ("  estimate" if r.best_s is None else "")
                )
    return results


def linear_rows(
    pairs: Sequence[tuple[Workload, Workload]], rounds: int, use_gc: bool, impl: Impl
) -> list[dict[str, Any]]:
    """``linear_check`` of *impl* on each (N, 16*N) pair, with progress."""
    rows = []
    for work_small, work_large in pairs:
        progress(
            f"({work_large.key}): {work_small.chunks:,} vs {work_large.chunks:,} events"
        )
        row = linear_check(work_small, work_large, rounds, use_gc, impl)
        rows.append(row)
        progress(
            f"    {fmt_time(row['small_s'])} vs {fmt_time(row['large_s'])}: "
            f"ratio {row['time_ratio']:.2f} (CPU {row['cpu_time_ratio']:.2f})"
        )
    return rows


def protocol_workloads(
    letters: str,
    builders: tuple[Callable[[str, str, int], Workload], ...],
    which: str,
    text_labels: Sequence[str],
    tool_labels: Sequence[str],
) -> list[Workload]:
    """The text and tool workloads named by *letters* (e.g. "ef") that *which*
    asks for, built by *builders* (text, tool) at each size label."""
    workloads: list[Workload] = []
    for letter, build, labels in zip(
        letters, builders, (text_labels, tool_labels), strict=True
    ):
        if letter in which:
            workloads += [
                build(f"{letter} {label}", label, ANTHROPIC_SIZES[label])
                for label in labels
            ]
    return workloads


def protocol_linear(
    letters: str,
    builders: tuple[Callable[[str, str, int], Workload], ...],
    impl: Impl,
    sizes: tuple[int, int],
    rounds: int,
    use_gc: bool,
) -> list[dict[str, Any]]:
    """*impl* on N vs 16*N of the text and the tool workload (*letters*: text,
    tool, growth, e.g. "efg")."""
    small, large = sizes
    growth = letters[2]
    pairs = [
        (
            build(f"{growth} {letter}/16", "N", small),
            build(f"{growth} {letter}", "16 N", large),
        )
        for letter, build in zip(letters[:2], builders, strict=True)
    ]
    return linear_rows(pairs, rounds, use_gc, impl)


def peer_goals(
    results: Sequence[Result],
    linear: Sequence[dict[str, Any]],
    peer: str,
    letters: str,
    targets: tuple[float, float, float],
    tool_input: str,
) -> list[str]:
    """A protocol's goals against *peer*, on CPU-time ratios (wall-clock for an
    estimate): *letters* name its text, tool and linear workloads, *targets*
    their goals; *tool_input* is what the tool workload streams."""
    out: list[str] = []
    text, tool, growth = letters[0], letters[1], letters[2]
    goal_text, goal_tool, goal_growth = targets

    def ratio(workload: str, mode: str) -> tuple[float | None, str]:
        for r in results:
            if (r.workload, r.mode, r.implementation) == (workload, mode, peer):
                if r.cpu_speedup is not None:
                    return r.cpu_speedup, "CPU"
                return r.speedup, f"wall-clock, {peer} estimated"
        return None, ""

    rows = [
        (f"{text} 1 MB", "1 MB of text", goal_text),
        (f"{tool} 100 KB", f"100 KB of {tool_input}", goal_tool),
    ]
    for mode in MODES:
        for key, what, goal in rows:
            value, how = ratio(key, mode)
            if value is None:
                continue
            verdict = "met" if value >= goal else "NOT met"
            if how != "CPU":  # an estimate proves nothing: run it with --peer-limit
                verdict = f"not verified ({peer} estimated, not run)"
            out.append(
                f"({key.split()[0]}) {mode}: {what}: {peer} / sseparse = "
                f"{fmt_ratio(value)} ({how}; goal >= {goal:g}x): {verdict}"
            )
        value, how = ratio(f"{tool} 1 MB", mode)
        if value is not None:
            out.append(
                f"({tool}) {mode}: 1 MB of {tool_input}: {fmt_ratio(value)} ({how})"
            )
    for row in linear:
        ok = row["cpu_time_ratio"] <= goal_growth * row["chunks_ratio"] / 16
        out.append(
            f"({growth}) ({row['workload']}): {row['chunks_ratio']:.1f}x the events, "
            f"{row['cpu_time_ratio']:.2f}x the CPU time (wall "
            f"{row['time_ratio']:.2f}x; goal <= {goal_growth:g}x for 16x): "
            + ("met" if ok else "NOT met")
        )
    return out


# --------------------------------------------------------------------------- #
# (h) (i) (j) OpenAI Responses (issue 12)
# --------------------------------------------------------------------------- #


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #


@dataclass
class Config:
    n_tokens: int
    tool_sizes: tuple[str, ...]
    repeat: int
    linear_text: tuple[int, int]  # chunks: N, 16N
    linear_tool: tuple[int, int]  # argument characters: N, 16N
    anthropic_text: tuple[str, ...] = ("62.5 KB", "1 MB")  # (e)
    anthropic_tool: tuple[str, ...] = ("10 KB", "100 KB", "300 KB", "1 MB")  # (f)
    anthropic_linear: tuple[int, int] = (62_500, 1_000_000)  # (g): characters
    responses_text: tuple[str, ...] = ("62.5 KB", "1 MB")  # (h)
    responses_tool: tuple[str, ...] = ("10 KB", "100 KB", "300 KB", "1 MB")  # (i)
    responses_linear: tuple[int, int] = (62_500, 1_000_000)  # (j): characters


FULL = Config(
    n_tokens=20_000,
    tool_sizes=("10 KB", "100 KB", "300 KB", "1 MB"),
    repeat=5,
    linear_text=(1_250, 20_000),
    linear_tool=(62_500, 1_000_000),
)
QUICK = Config(
    n_tokens=2_000,
    tool_sizes=("10 KB", "100 KB"),
    repeat=1,
    linear_text=(125, 2_000),
    linear_tool=(6_250, 100_000),
    anthropic_text=("10 KB", "100 KB"),
    anthropic_tool=("10 KB", "100 KB"),
    anthropic_linear=(6_250, 100_000),
    responses_text=("10 KB", "100 KB"),
    responses_tool=("10 KB", "100 KB"),
    responses_linear=(6_250, 100_000),
)


def warm_up(impls: Sequence[Impl]) -> None:
    """One untimed run of each implementation: imports, caches, first calls."""
    small = [text_workload("warm-up a", 50), tool_workload("warm-up b", "", 1_000)]
    for impl in impls:
        for work in small:
            for mode in MODES:
                verify(impl, work, mode, impl.run(work, mode))


def warm_up_anthropic(impls: Sequence[Impl], responses: bool = False) -> None:
    """The same for the Anthropic implementations, or the Responses ones."""
    small = (
        [
            responses_text_workload("warm-up h", "", 500),
            responses_tool_workload("warm-up i", "", 1_000),
        ]
        if responses
        else [
            anthropic_text_workload("warm-up e", "", 500),
            anthropic_tool_workload("warm-up f", "", 1_000),
        ]
    )
    for impl in impls:
        for work in small:
            for mode in MODES:
                verify(impl, work, mode, impl.run(work, mode))


def print_protocol(
    title: str,
    peer: str,
    letters: str,
    workloads: Sequence[Workload],
    results: Sequence[Result],
    linear: Sequence[dict[str, Any]],
    labels: tuple[Sequence[str], Sequence[str]],
) -> None:
    """The Markdown section of (e)-(g) or (h)-(j): *letters* name the text,
    tool and growth workloads, *labels* the sizes run of the first two."""
    if results or linear:
        print(f"### {title}\n")
    if results:
        print(results_table(results, peer=peer) + "\n")
        print(
            "chunks: JSON events; chunks/s from the wall-clock time; ratios > 1: "
            f"sseparse faster; ~: {peer} not run, estimated from smaller sizes.\n"
        )
        for w in workloads:
            print(f"- ({w.key}) {w.title}; {w.nbytes:,} B in {READ_SIZE} B reads")
        print()
        measured = {r.workload.split()[0] for r in results}
        for prefix, sizes in zip(letters, labels, strict=False):
            if len(sizes) > 1 and prefix in measured:
                print(f"Growth of ({prefix}): time ratio between consecutive sizes\n")
                print(growth_table(results, sizes, prefix) + "\n")
        for r in results:
            if r.best_s is None:
                print(
                    f"- ({r.workload}) {r.mode} {r.implementation}: not run, "
                    f"estimated {fmt_time(r.estimate_s)} ({r.estimate_how})"
                )
        print()
    if linear:
        name = title.split(" (")[0]
        print(
            f"({letters[2]}) Linear growth of sseparse on {name} streams "
            "(decoded events)\n"
        )
        print(linear_table(linear) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    p.add_argument("--repeat", type=int, help="best of N [5; 1 with --quick]")
    p.add_argument(
        "--only",
        action="append",
        choices=[i.name for i in (*IMPLS, ANTHROPIC)],
        help="run only this implementation (repeatable)",
    )
    p.add_argument(
        "--workloads",
        default="abcdefghij",
        help="subset of 'abcdefghij' [abcdefghij]",
    )
    p.add_argument(
        "--before",
        default=BEFORE,
        help="checkout of the commit before issue 10, for (d) [%(default)s]",
    )
    p.add_argument(
        "--modes",
        nargs="+",
        choices=MODES,
        default=list(MODES),
        help="inputs: each library's own SSE decoder over the reads, and/or "
        "pre-decoded events for both [both]",
    )
    p.add_argument(
        "--sizes",
        nargs="+",
        choices=list(TOOL_SIZES),
        help="argument sizes for (b) [10 KB 100 KB 300 KB 1 MB]",
    )
    p.add_argument(
        "--text-sizes",
        nargs="+",
        choices=list(ANTHROPIC_SIZES),
        help="Anthropic text sizes for (e) [62.5 KB 1 MB]",
    )
    p.add_argument(
        "--input-sizes",
        nargs="+",
        choices=list(ANTHROPIC_SIZES),
        help="Anthropic tool input sizes for (f) [10 KB 100 KB 300 KB 1 MB]",
    )
    p.add_argument(
        "--responses-text-sizes",
        nargs="+",
        choices=list(ANTHROPIC_SIZES),
        help="Responses output text sizes for (h) [62.5 KB 1 MB]",
    )
    p.add_argument(
        "--responses-argument-sizes",
        nargs="+",
        choices=list(ANTHROPIC_SIZES),
        help="Responses function argument sizes for (i) [10 KB 100 KB 300 KB 1 MB]",
    )
    p.add_argument(
        "--peer-limit",
        type=float,
        default=PEER_LIMIT_S,
        help="estimate instead of running openai or anthropic above this many "
        "seconds [120]",
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
    anthropic_wanted = bool(set(args.workloads) & set("efg"))
    anth_impls: list[Impl] = []
    if anthropic_wanted:
        anth_impls, anth_notes = available(args.only, ANTHROPIC_IMPLS)
        notes += anth_notes
    for note in notes:
        progress(f"note: {note}")
    responses_wanted = bool(set(args.workloads) & set("hij"))
    resp_impls: list[Impl] = []
    if responses_wanted:
        resp_impls, resp_notes = available(args.only, RESPONSES_IMPLS)
        notes += resp_notes
    if not impls and not anth_impls and not resp_impls:
        raise SystemExit("no implementation available")
    labels = [s for s in TOOL_SIZES if s in (args.sizes or cfg.tool_sizes)]
    text_labels = [
        s for s in ANTHROPIC_SIZES if s in (args.text_sizes or cfg.anthropic_text)
    ]
    tool_labels = [
        s for s in ANTHROPIC_SIZES if s in (args.input_sizes or cfg.anthropic_tool)
    ]
    resp_text_labels = [
        s
        for s in ANTHROPIC_SIZES
        if s in (args.responses_text_sizes or cfg.responses_text)
    ]
    resp_tool_labels = [
        s
        for s in ANTHROPIC_SIZES
        if s in (args.responses_argument_sizes or cfg.responses_tool)
    ]
    info = machine_info()
    started = time.perf_counter()

    progress("building workloads ...")
    if set(args.workloads) & set("abc"):
        warm_up(impls)
    if anthropic_wanted:
        warm_up_anthropic(anth_impls)
    if responses_wanted:
        warm_up_anthropic(resp_impls, responses=True)
    workloads: list[Workload] = []
    if "a" in args.workloads:
        workloads.append(text_workload("a", cfg.n_tokens))
    if "b" in args.workloads:
        workloads += [
            tool_workload(f"b {label}", label, TOOL_SIZES[label]) for label in labels
        ]

    results: list[Result] = []
    for mode in args.modes:
        measured: dict[str, list[tuple[int, float]]] = {}  # openai (b) points
        for work in workloads:
            skip: dict[str, tuple[float, str]] = {}
            if work.kind == "tool" and any(i.name == "openai" for i in impls):
                points = measured.get("openai", [])
                if points:
                    est, how = estimate(points, work.chunks)
                    if est > args.peer_limit:
                        skip["openai"] = (est, how)
            progress(
                f"({work.key}) {mode}: {work.nbytes:,} B, {work.chunks:,} chunks, "
                f"best of {repeat}"
                + (f"; openai estimated at {skip['openai'][0]:.0f} s" if skip else "")
            )
            for r in measure(impls, work, mode, repeat, args.gc, skip):
                results.append(r)
                if r.implementation == "openai" and r.best_s and work.kind == "tool":
                    measured.setdefault("openai", []).append((r.chunks, r.best_s))
                progress(
                    f"    {r.implementation:<9} {fmt_time(r.seconds):>12}"
                    f"  (CPU {fmt_time(r.best_cpu_s)})"
                    + ("  estimate" if r.best_s is None else "")
                )

    linear: list[dict[str, Any]] = []
    if "c" in args.workloads and any(i.name == "sseparse" for i in impls):
        rounds = max(repeat, 3)
        pairs = [
            (
                text_workload("c a/16", cfg.linear_text[0]),
                text_workload("c a", cfg.linear_text[1]),
            ),
            (
                tool_workload("c b/16", "N", cfg.linear_tool[0]),
                tool_workload("c b", "16 N", cfg.linear_tool[1]),
            ),
        ]
        for small, large in pairs:
            progress(f"({large.key}): {small.chunks:,} vs {large.chunks:,} chunks")
            row = linear_check(small, large, rounds, args.gc)
            linear.append(row)
            progress(
                f"    {fmt_time(row['small_s'])} vs {fmt_time(row['large_s'])}: "
                f"ratio {row['time_ratio']:.2f} (CPU {row['cpu_time_ratio']:.2f})"
            )

    anth_work = protocol_workloads(
        "ef", ANTHROPIC_BUILDERS, args.workloads, text_labels, tool_labels
    )
    anth_results = measure_anthropic(
        anth_impls, anth_work, args.modes, repeat, args.gc, args.peer_limit
    )
    anth_linear: list[dict[str, Any]] = []
    if "g" in args.workloads and any(i.name == "sseparse" for i in anth_impls):
        anth_linear = protocol_linear(
            "efg",
            ANTHROPIC_BUILDERS,
            SSEPARSE_ANTHROPIC,
            cfg.anthropic_linear,
            max(repeat, 3),
            args.gc,
        )

    resp_work = protocol_workloads(
        "hi", RESPONSES_BUILDERS, args.workloads, resp_text_labels, resp_tool_labels
    )
    resp_results = measure_anthropic(
        resp_impls,
        resp_work,
        args.modes,
        repeat,
        args.gc,
        args.peer_limit,
        peer_name="openai",
    )
    resp_linear: list[dict[str, Any]] = []
    if "j" in args.workloads and any(i.name == "sseparse" for i in resp_impls):
        resp_linear = protocol_linear(
            "hij",
            RESPONSES_BUILDERS,
            SSEPARSE_RESPONSES,
            cfg.responses_linear,
            max(repeat, 3),
            args.gc,
        )

    floor: dict[str, Any] | None = None
    if "d" in args.workloads:
        before = load_before(args.before)
        if before is None:
            notes.append(f"(d): no checkout at {args.before}: 'before' not measured")
        rounds = 3 if args.quick else FLOOR_ROUNDS
        work = text_workload("d", cfg.n_tokens)
        progress(f"(d): {work.chunks:,} chunks, {rounds} interleaved rounds")
        floor = measure_floor(work, rounds, args.gc, before)

    info["load_average_end"] = load_average()
    info["wall_seconds"] = round(time.perf_counter() - started, 1)
    versions = {
        name: version_of(name)
        for name in ("sseparse", "openai", "anthropic", "pydantic", "jiter")
    }
    print(
        f"## sseparse LLM accumulation benchmark — {info['date']}, {info['python']}, "
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
    if results:
        print(results_table(results) + "\n")
        print(
            "chunks/s from the wall-clock time; ratios > 1: sseparse faster; "
            "~: openai not run, estimated from the smaller sizes.\n"
        )
        for w in workloads:
            print(f"- ({w.key}) {w.title}; {w.nbytes:,} B in {READ_SIZE} B reads")
        print()
        if len(labels) > 1 and "b" in args.workloads:
            print("Growth of (b): time ratio between consecutive sizes\n")
            print(growth_table(results, labels) + "\n")
        estimates = [r for r in results if r.best_s is None]
        for r in estimates:
            print(
                f"- ({r.workload}) {r.mode} {r.implementation}: not run, estimated "
                f"{fmt_time(r.estimate_s)} ({r.estimate_how})"
            )
        if estimates:
            print()
    if linear:
        print("Linear growth of sseparse (pre-decoded events, interleaved runs)\n")
        print(linear_table(linear) + "\n")
    if floor is not None:
        print(
            f"(d) The floor: {floor['chunks']:,} chunks in {READ_SIZE} B reads, "
            f"CPU time per chunk, {floor['rounds']} interleaved rounds\n"
        )
        print(floor_table(floor) + "\n")
    print_protocol(
        "Anthropic Messages (issue 11)",
        "anthropic",
        "efg",
        anth_work,
        anth_results,
        anth_linear,
        (text_labels, tool_labels),
    )
    print_protocol(
        "OpenAI Responses (issue 12)",
        "openai",
        "hij",
        resp_work,
        resp_results,
        resp_linear,
        (resp_text_labels, resp_tool_labels),
    )
    all_goals = (
        goals(results, linear)
        + peer_goals(
            anth_results, anth_linear, "anthropic", "efg", ANTHROPIC_GOALS, "input"
        )
        + peer_goals(
            resp_results, resp_linear, "openai", "hij", RESPONSES_GOALS, "arguments"
        )
        + floor_goals(floor)
    )
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
                "modes": args.modes,
                "tool_sizes": labels,
                "read_size": READ_SIZE,
                "delta_chars": DELTA_CHARS,
                "gc_in_timed_runs": bool(args.gc),
                "peer_limit_s": args.peer_limit,
                "seed": SEED,
            },
            "results": [{**asdict(r), "chunks_per_s": r.chunks_per_s} for r in results],
            "linear": linear,
            "anthropic_results": [
                {**asdict(r), "chunks_per_s": r.chunks_per_s} for r in anth_results
            ],
            "anthropic_linear": anth_linear,
            "responses_results": [
                {**asdict(r), "chunks_per_s": r.chunks_per_s} for r in resp_results
            ],
            "responses_linear": resp_linear,
            "floor": floor,
            "goals": all_goals,
            "notes": notes,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
