"""LLM accumulators: sseparse's against the official SDKs' own streaming helpers.

Every implementation gets the stream's bytes in 4 KiB network reads and does
what a consumer does: decode the SSE, accumulate, read every delta (the text of
a text delta; the partial parsed arguments of a tool-call delta), then take the
final object.  The check compares the final text or arguments, the finish
reason and the last delta read with the expected ones.

* **sseparse**: ``SSEDecoder().feed(read)`` for every read, the protocol's
  accumulator (``OpenAIChatAccumulator``, ``AnthropicMessagesAccumulator``,
  ``OpenAIResponsesAccumulator``) ``.feed(event)`` for every event, then
  ``close()``.  Tool-call deltas parse lazily: reading
  ``ToolCallArgumentsDelta.parsed_arguments`` extends one incremental parse.
  "sseparse" parses chunks with ``json.loads`` (the install without extras),
  "sseparse (msgspec)" with the parser of the ``fast`` extra.
* **openai**, chat: its own path, unchanged: ``ChatCompletionStream`` over a
  ``Stream[ChatCompletionChunk]`` whose HTTP response is a stub yielding the
  same reads: its SSE decoder, ``json.loads`` and a ``ChatCompletionChunk``
  model per chunk, ``handle_chunk``, then ``get_final_completion()``.  The tool
  is passed as a ``strict`` function tool, so every chunk re-parses the
  arguments so far with jiter's partial mode; each delta event carries them.
* **anthropic**: ``MessageStream`` over ``Stream`` cast to
  ``RawMessageStreamEvent`` (as ``messages.stream()`` builds it): per event its
  SSE decoder, ``construct_type``, ``accumulate_event`` (text appended to the
  snapshot; tool input re-parsed from all the JSON so far, jiter's partial
  mode) and ``build_events``; the consumer reads ``TextEvent.text`` or
  ``InputJsonEvent.snapshot``; then ``get_final_message()``.
* **openai**, Responses: ``ResponseStream`` over ``Stream`` cast to the
  ``ResponseStreamEvent`` union (as ``responses.stream()`` builds it): per
  event ``construct_type`` and ``handle_event``, which appends each delta to
  its snapshot string.  It parses no arguments before the end, so its consumer
  reads the arguments text so far (``snapshot``); ``get_final_response()``
  parses them once (strict function tool).

The chat text stream is the SSE layer's (one token per chunk); the others are
built here in each API's framing (compact JSON, non-ASCII as is; named events,
``message_start``, ``ping``, block start and stop for Anthropic;
``sequence_number`` and ``obfuscation`` padding for Responses), text and
arguments in 10-character deltas.  The text is chat-like prose (about 8 %
non-ASCII tokens); the arguments a JSON document of edits and a source file
(quotes, backslashes, control and non-ASCII characters, some ``\\u``
escapes) for a tool declared to sseparse (which validates the final arguments
once) and to openai (anthropic's helper takes no tools).  The floors decode
the same SSE and parse each chunk once (``json.loads`` or msgspec), nothing
else: what no chat pipeline can avoid.  Beside the Anthropic and Responses
text they also bound goals (e) and (h): a pipeline that parses every event
with a floor's parser costs at least that floor, so it cannot beat the peer
by more than the peer's time over the floor's.  The SDKs copy their text
snapshot, or re-parse the arguments, on every delta: their cost grows faster
than the input, hence the scalings.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from benchmarks._harness import (
    KIB,
    MB,
    SEED,
    Case,
    Goal,
    Impl,
    Layer,
    Run,
    Scaling,
    Work,
)
from benchmarks.sse import _NON_ASCII, _WORDS, chat_stream, split

if TYPE_CHECKING:
    from collections.abc import Iterator

DELTA = 10  # characters of text or arguments per delta event


@dataclass(frozen=True)
class Wire:
    """What every implementation gets: the reads, the protocol, and whether
    the stream is a tool call (the tool is then declared, as a caller would)."""

    reads: list[bytes]
    protocol: str  # "chat", "anthropic" or "responses"
    tool: bool


@dataclass(frozen=True)
class Want:
    text: str  # content, or arguments text
    value: Any  # parsed arguments (tool) or None
    preview: Any  # what the consumer read last: the last delta, or the value
    finish: str
    chunks: int  # JSON chunks a floor parses


# (final text or None, last preview read, finish reason, final value or None)
Got = tuple[Any, Any, Any, Any]

# --------------------------------------------------------------------------- #
# inputs
# --------------------------------------------------------------------------- #

# The strict function tool (openai's chat helper parses arguments on every
# chunk only for one); its schema describes document()'s output.
_FUNCTION = json.loads("""{"name": "apply_edits", "strict": true,
 "description": "Apply edits to files of the repository.", "parameters": {
  "type": "object", "required": ["edits", "file"], "additionalProperties": false,
  "properties": {"edits": {"type": "array", "items": {"type": "object",
    "required": ["path", "line", "replace", "tags", "confidence", "ok", "note"],
    "additionalProperties": false, "properties": {"path": {"type": "string"},
     "line": {"type": "integer"}, "replace": {"type": "string"},
     "tags": {"type": "array", "items": {"type": "string"}},
     "confidence": {"type": "number"}, "ok": {"type": "boolean"},
     "note": {"type": ["string", "null"]}}}},
   "file": {"type": "object", "required": ["path", "content"],
    "additionalProperties": false, "properties": {"path": {"type": "string"},
     "content": {"type": "string"}}}}}}""")
CHAT_TOOLS = [{"type": "function", "function": _FUNCTION}]
RESPONSES_TOOLS = [{"type": "function", **_FUNCTION}]

_IDENTS = ("parse", "buffer", "value", "stream", "offset", "tokens", "state", "cursor")
_ODD = ("café", "Straße", "“quoted”", "日本語のテキスト", "Привет", "🚀 fast", "±1 °C")


def _code_line(rng: random.Random) -> str:
    a, b = rng.sample(_IDENTS, 2)
    word = rng.choice(_ODD)
    return rng.choice(
        (
            f"    {a} = {b}.get({a!r}, None)",
            f'    if {a} == "\\n":\n        return "\\"{b}\\""',
            f"    # {word}: {a} must not exceed {b}",
            f'    raise ValueError("bad {a}: \\"%s\\" at C:\\\\{b}" % {a})',
            f"\t{a} += {rng.randint(0, 9999)}  # {word}",
            f'    log.info("\x1b[32m%s\x1b[0m", {b})',
        )
    )


def document(target: int) -> str:
    """Tool-call arguments of about ``target`` characters that fit the tool's
    schema: edits (about half), then a file's content."""
    rng = random.Random(f"{SEED}-document-{target}")
    edits: list[dict[str, Any]] = []
    size = 0
    while size < target // 2:
        lines = [_code_line(rng) for _ in range(rng.randint(1, 4))]
        note = rng.choice((None, f"{rng.choice(_ODD)} #{len(edits)}"))
        edit: dict[str, Any] = {"path": f"src/{rng.choice(_IDENTS)}_{len(edits)}.py"}
        edit |= {"line": rng.randint(1, 20_000), "replace": "\n".join(lines)}
        edit |= {"tags": rng.sample(("perf", "docs", "api", "i18n"), rng.randint(0, 3))}
        edit |= {"confidence": round(rng.uniform(0.3, 1), rng.choice((2, 4, 17)))}
        edit |= {"ok": rng.random() < 0.8, "note": note}
        edits.append(edit)
        size += len(json.dumps(edit, ensure_ascii=False)) + 2
    lines = []
    while size < target - 40:
        lines.append(_code_line(rng))
        size += len(json.dumps(lines[-1], ensure_ascii=False))
    doc = {"edits": edits, "file": {"path": "src/core.py", "content": "\n".join(lines)}}

    # Some non-ASCII characters as \u escapes, as some models send them; only
    # strings hold any, so the value stays the same.
    def escape(m: re.Match[str]) -> str:
        return m[0] if rng.random() >= 0.05 else f"\\u{ord(m[0]):04x}"

    return re.sub("[\u0080-\uffff]", escape, json.dumps(doc, ensure_ascii=False))


def prose(target: int) -> str:
    """``target`` characters of chat-like text: the SSE layer's tokens."""
    rng = random.Random(f"{SEED}-prose-{target}")
    pieces: list[str] = []
    size = 0
    while size < target:
        pieces.append(rng.choice(_NON_ASCII if rng.random() < 0.08 else _WORDS))
        size += len(pieces[-1])
    return "".join(pieces)[:target]


def _pieces(text: str) -> list[str]:
    return [text[i : i + DELTA] for i in range(0, len(text), DELTA)]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _content(tool: bool, target: int) -> tuple[str, Any, Any]:
    """(text, parsed value or None, the consumer's last preview)."""
    if tool:
        text = document(target)
        value = json.loads(text)
        return text, value, value
    text = prose(target)
    return text, None, _pieces(text)[-1]


def _work(protocol: str, tool: bool, body: str, want: Want) -> Work:
    wire = Wire(split(body.encode(), 4 * KIB), protocol, tool)
    return Work(wire, want, len(want.text) / MB)


def _named(events: list[dict[str, Any]]) -> str:
    """Anthropic's and Responses' framing: each event named after its type."""
    return "".join(f"event: {e['type']}\ndata: {_dumps(e)}\n\n" for e in events)


@functools.cache  # the case's stream is also the scaling's largest
def chat_text(n_tokens: int) -> Work:
    """The SSE layer's chat stream: ``n_tokens`` token chunks and ``[DONE]``."""
    body, datas = chat_stream(n_tokens)
    texts = [json.loads(d)["choices"][0]["delta"]["content"] for d in datas[:-1]]
    want = Want("".join(texts), None, texts[-1], "stop", n_tokens)
    return Work(Wire(split(body, 4 * KIB), "chat", False), want, n_tokens)


_CHUNK = json.loads("""{"id": "chatcmpl-Bq7fX2bS0mYk3LwJ9pQe1RtUvZa4c",
 "object": "chat.completion.chunk", "created": 1795000000,
 "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_a1b2c3d4e5"}""")
_CALL = json.loads("""{"role": "assistant", "content": null, "refusal": null,
 "tool_calls": [{"index": 0, "id": "call_Xa81KQ", "type": "function",
 "function": {"name": "apply_edits", "arguments": ""}}]}""")


def chat_tool(target: int) -> Work:
    """One chat tool call, its arguments in 10-character deltas."""
    text, value, preview = _content(True, target)

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return f"data: {_dumps({**_CHUNK, 'choices': [choice]})}\n\n"

    calls = ([{"index": 0, "function": {"arguments": p}}] for p in _pieces(text))
    parts = [chunk(_CALL), *(chunk({"tool_calls": c}) for c in calls)]
    parts += [chunk({}, "tool_calls"), "data: [DONE]\n\n"]
    want = Want(text, value, preview, "tool_calls", len(parts) - 1)
    return _work("chat", True, "".join(parts), want)


_MESSAGE = json.loads("""{"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message",
 "role": "assistant", "model": "claude-sonnet-4-5-20250929", "content": [],
 "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 472,
 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
 "output_tokens": 1}}""")
_TOOL_USE = {"type": "tool_use", "id": "toolu_01A09q90", "name": "apply_edits"}


def anthropic(tool: bool, target: int) -> Work:
    """A Messages stream of one text or ``tool_use`` block, as the API sends it."""
    text, value, preview = _content(tool, target)
    if tool:  # the API's first input_json_delta is an empty fragment
        block: dict[str, Any] = {**_TOOL_USE, "input": {}}
        pieces = ["", *_pieces(text)]
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces]
    else:
        block = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in _pieces(text)]
    finish = "tool_use" if tool else "end_turn"
    end: dict[str, Any] = {"delta": {"stop_reason": finish, "stop_sequence": None}}
    end["usage"] = {"output_tokens": 1 + len(deltas) // 3}
    events = [
        {"type": "message_start", "message": _MESSAGE},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": block},
        *({"type": "content_block_delta", "index": 0, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", **end},
        {"type": "message_stop"},
    ]
    want = Want(text, value, preview, finish, len(events))
    return _work("anthropic", tool, _named(events), want)


_RESPONSE = json.loads("""{"id": "resp_68af4030592c81938ec0a5fbab4a3e9f",
 "object": "response", "created_at": 1796000000, "status": "in_progress",
 "error": null, "incomplete_details": null, "instructions": null,
 "model": "gpt-4.1-2025-04-14", "output": [], "parallel_tool_calls": true,
 "temperature": 1.0, "text": {"format": {"type": "text"}}, "tool_choice": "auto",
 "tools": [], "top_p": 1.0, "usage": null, "metadata": {}}""")
_USAGE = json.loads("""{"input_tokens": 472, "input_tokens_details":
 {"cached_tokens": 0}, "output_tokens": 3334, "output_tokens_details":
 {"reasoning_tokens": 0}, "total_tokens": 3806}""")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def responses(tool: bool, target: int) -> Work:
    """A Responses stream of one ``message`` or ``function_call`` item, as the
    API sends it."""
    text, value, preview = _content(tool, target)
    rng = random.Random(f"{SEED}-responses-{target}")
    response = {**_RESPONSE, "tools": RESPONSES_TOOLS if tool else []}
    at: dict[str, Any] = {"item_id": "fc_68af40" if tool else "msg_68af40"}
    at["output_index"] = 0
    item: dict[str, Any] = {"id": at["item_id"], "status": "in_progress"}
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    parts: list[dict[str, Any]] = []  # content_part.added and .done
    done: dict[str, Any]
    if tool:
        item |= {"type": "function_call", "arguments": "", "call_id": "call_Xa81KQ"}
        item["name"] = "apply_edits"
        final = {**item, "status": "completed", "arguments": text}
        kind, done, each = "function_call_arguments", {"arguments": text}, {}
    else:
        item |= {"type": "message", "content": [], "role": "assistant"}
        final = {**item, "status": "completed", "content": [part]}
        kind, each = "output_text", {"content_index": 0, "logprobs": []}
        done = {"content_index": 0, "text": text, "logprobs": []}
        parts = [{"content_index": 0, "part": {**part, "text": ""}}]
        parts.append({"content_index": 0, "part": part})
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response},
        {"type": "response.in_progress", "response": response},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        *({"type": "response.content_part.added", **at, **p} for p in parts[:1]),
    ]
    for piece in _pieces(text):
        # the API pads every delta (stream_options.include_obfuscation, default)
        pad = "".join(rng.choices(_ALNUM, k=max(2, 16 - len(piece))))
        delta = {"type": f"response.{kind}.delta", **at, **each, "delta": piece}
        events.append(delta | {"obfuscation": pad})
    completed = {**response, "status": "completed", "output": [final]}
    events += [
        {"type": f"response.{kind}.done", **at, **done},
        *({"type": "response.content_part.done", **at, **p} for p in parts[1:]),
        {"type": "response.output_item.done", "output_index": 0, "item": final},
        {"type": "response.completed", "response": completed | {"usage": _USAGE}},
    ]
    events = [{"sequence_number": i, **e} for i, e in enumerate(events)]
    want = Want(text, value, preview, "completed", len(events))
    return _work("responses", tool, _named(events), want)


def check(want: Want, got: Got | int) -> None:
    if isinstance(got, int):  # a floor: how many chunks it parsed
        if got != want.chunks:
            raise AssertionError(f"parsed {got} chunks, expected {want.chunks}")
        return
    text, preview, finish, value = got
    if finish != want.finish:
        raise AssertionError(f"finish {finish!r}, expected {want.finish!r}")
    if preview != want.preview:
        raise AssertionError("the last delta read differs")
    if text is None and value is None:
        raise AssertionError("neither a final text nor a final value")
    if text is not None and text != want.text:
        raise AssertionError("final text or arguments differ")
    if value is not None and value != want.value:
        raise AssertionError("final parsed arguments differ")


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


def _batches(decoder: Any, reads: list[bytes]) -> Iterator[list[Any]]:
    for read in reads:
        yield decoder.feed(read)
    yield decoder.close()


def _final(wire: Wire, final: dict[str, Any], preview: Any) -> Got:
    """What a consumer takes of sseparse's final object (the wire's shape)."""
    if wire.protocol == "chat":
        choice = final["choices"][0]
        message = choice["message"]
        if wire.tool:
            message = message["tool_calls"][0]["function"]
        text = message["arguments" if wire.tool else "content"]
        return text, preview, choice["finish_reason"], None
    if wire.protocol == "anthropic":
        block = final["content"][0]
        if wire.tool:
            return None, preview, final["stop_reason"], block["input"]
        return block["text"], preview, final["stop_reason"], None
    item = final["output"][0]
    text = item["arguments"] if wire.tool else item["content"][0]["text"]
    return text, preview, final["status"], None


def _sseparse(fast: bool) -> Run:
    from sseparse import SSEDecoder, llm
    from sseparse.llm import ContentDelta, ToolCallArgumentsDelta, _loads

    if fast:
        importlib.import_module("msgspec")  # the fast extra; ImportError without
    classes: dict[str, Any] = {
        "chat": llm.OpenAIChatAccumulator,
        "anthropic": llm.AnthropicMessagesAccumulator,
        "responses": llm.OpenAIResponsesAccumulator,
    }

    def run(wire: Wire) -> Got:
        _loads.use_fast(fast)  # an accumulator takes its loader when built
        try:  # tools in any provider's form; validated once, at the end
            acc = classes[wire.protocol](tools=CHAT_TOOLS if wire.tool else None)
        finally:
            _loads.use_fast(True)  # the library's default
        feed, tool = acc.feed, wire.tool
        wanted: type = ToolCallArgumentsDelta if tool else ContentDelta
        preview: Any = None
        for batch in _batches(SSEDecoder(), wire.reads):
            for sse in batch:
                for event in feed(sse):
                    if event.__class__ is wanted:
                        ev: Any = event
                        preview = ev.parsed_arguments if tool else ev.delta
        return _final(wire, acc.close(), preview)

    return _frozen(run)


def _floor(parser: str) -> Run:
    from sseparse import SSEDecoder

    msgspec: Any = importlib.import_module("msgspec") if parser == "msgspec" else None
    loads = json.loads if msgspec is None else msgspec.json.Decoder().decode

    def run(wire: Wire) -> int:
        decoder = SSEDecoder()
        n = 0
        for read in wire.reads:
            for event in decoder.feed(read):
                data = event.data
                if data != "[DONE]":
                    loads(data)
                    n += 1
        decoder.close()
        return n

    return run


def _frozen(
    run: Run, protocols: tuple[str, ...] = ("chat", "anthropic", "responses")
) -> Run:
    """``run``, once warmed up on small streams, with everything alive frozen.

    Warm: the harness extrapolates a scaling's next run from the first one
    (cold, it would include imports and caches built at first use).  Frozen:
    the harness collects garbage before every sample; with an SDK's hundreds
    of thousands of objects alive that takes 0.1 s each time, more than many
    a sample, and ``gc.freeze()`` moves them out of the collector's way
    (samples run with the collector off either way).
    """
    for protocol in protocols:
        for tool in (False, True):
            run(_BUILD[protocol](tool, 300).arg)
    gc.freeze()
    return run


class _Response:
    """What the SDKs' ``Stream`` uses of an httpx response: the body's reads."""

    request = None
    http_version = "HTTP/1.1"

    def __init__(self, reads: list[bytes]) -> None:
        self.iter_bytes = reads.__iter__

    def close(self) -> None:
        pass


def _openai() -> Run:
    openai: Any = importlib.import_module("openai")
    stream: Any = importlib.import_module("openai._streaming").Stream
    chat: Any = importlib.import_module("openai.lib.streaming.chat")
    responses: Any = importlib.import_module("openai.lib.streaming.responses")
    chunk = importlib.import_module("openai.types.chat").ChatCompletionChunk
    union = importlib.import_module("openai.types.responses").ResponseStreamEvent
    client = openai.OpenAI(api_key="sk-benchmark", max_retries=0)
    omit = openai.omit

    def run_chat(wire: Wire) -> Got:
        raw = stream(cast_to=chunk, response=_Response(wire.reads), client=client)
        tools = CHAT_TOOLS if wire.tool else omit
        chunks = chat.ChatCompletionStream(
            raw_stream=raw, response_format=omit, input_tools=tools
        )
        wanted = "tool_calls.function.arguments.delta" if wire.tool else "content.delta"
        preview = None
        for event in chunks:
            if event.type == wanted:
                preview = event.parsed_arguments if wire.tool else event.delta
        choice = chunks.get_final_completion().choices[0]
        message = choice.message
        text = message.content
        if wire.tool:
            text = message.tool_calls[0].function.arguments
        return text, preview, choice.finish_reason, None

    def run(wire: Wire) -> Got:
        if wire.protocol == "chat":
            return run_chat(wire)
        # cast to the event union, as client.responses.stream() does
        raw = stream(cast_to=union, response=_Response(wire.reads), client=client)
        tools = RESPONSES_TOOLS if wire.tool else omit
        events = responses.ResponseStream(
            raw_stream=raw, text_format=omit, input_tools=tools, starting_after=None
        )
        wanted = "function_call_arguments" if wire.tool else "output_text"
        preview: Any = None
        for event in events:
            if event.type == f"response.{wanted}.delta":
                preview = event.snapshot if wire.tool else event.delta
        if wire.tool:  # the arguments text so far: checked as the value it spells
            preview = json.loads(preview)
        response = events.get_final_response()
        item = response.output[0]
        text = item.arguments if wire.tool else item.content[0].text
        return text, preview, response.status, None

    return _frozen(run, ("chat", "responses"))


def _anthropic() -> Run:
    anthropic: Any = importlib.import_module("anthropic")
    stream: Any = importlib.import_module("anthropic._streaming").Stream
    message_cls = importlib.import_module("anthropic.lib.streaming").MessageStream
    union = importlib.import_module("anthropic.types").RawMessageStreamEvent
    client = anthropic.Anthropic(api_key="sk-benchmark", max_retries=0)

    def run(wire: Wire) -> Got:
        # cast to the event union, as client.messages.stream() does
        raw = stream(cast_to=union, response=_Response(wire.reads), client=client)
        messages = message_cls(raw, output_format=anthropic.not_given)
        wanted = "input_json" if wire.tool else "text"
        preview = None
        for event in messages:
            if event.type == wanted:
                preview = event.snapshot if wire.tool else event.text
        message = messages.get_final_message()
        block = message.content[0]
        if wire.tool:
            return None, preview, message.stop_reason, block.input
        return block.text, preview, message.stop_reason, None

    return _frozen(run, ("anthropic",))


SSEPARSE = Impl("sseparse", functools.partial(_sseparse, False), role="sseparse")
FAST = Impl("sseparse (msgspec)", functools.partial(_sseparse, True), role="sseparse")
OPENAI = Impl("openai", _openai, "openai")
PEERS = {"chat": OPENAI, "anthropic": Impl("anthropic", _anthropic, "anthropic")}
PEERS["responses"] = OPENAI
FLOORS = (
    Impl("SSE + json.loads", functools.partial(_floor, "json"), role="floor"),
    Impl("SSE + msgspec", functools.partial(_floor, "msgspec"), "msgspec", "floor"),
)
CHAT = (SSEPARSE, FAST, OPENAI, *FLOORS)

# --------------------------------------------------------------------------- #
# the layer
# --------------------------------------------------------------------------- #

_BUILD: dict[str, Any] = {
    "chat": lambda tool, n: chat_tool(n) if tool else chat_text(n),
    "anthropic": anthropic,
    "responses": responses,
}
_NAMES = {  # protocol: (its name, what its tool call streams)
    "chat": ("OpenAI chat", "tool arguments"),
    "anthropic": ("Anthropic", "tool input"),
    "responses": ("Responses", "function arguments"),
}


def _size(chars: int) -> str:
    return f"{chars / MB:g} MB" if chars >= MB else f"{chars / 1000:g} KB"


def layer(quick: bool) -> Layer:
    tokens = 2_000 if quick else 20_000  # (a), (d)
    text = 62_500 if quick else 1_000_000  # (e), (h)
    args = 10_000 if quick else 100_000  # (b), (f), (i)
    div = 10 if quick else 1  # the scalings' sizes
    # A peer's slowest run in a scaling.  It also applies to sseparse in the
    # check, from N straight to 16·N (256 times N's first run): check_sizes
    # are small enough for that.
    limit = 1.0 if quick else 4.0
    scaling = functools.partial(Scaling, check=check, budget_s=3.0, run_limit_s=limit)
    title = f"OpenAI chat: {tokens:,} token chunks + [DONE], every delta's text read"
    title += "; the floors decode and parse each chunk"
    cases = [Case("chat", title, lambda: chat_text(tokens), CHAT, "chunks", check)]
    scalings = []
    for p, (name, what) in _NAMES.items():
        build, chat, peer = _BUILD[p], p == "chat", PEERS[p]
        ours = (SSEPARSE, FAST, peer)  # the slow peers get 1 or 2 rounds
        if not chat:
            title = f"{name}: {_size(text)} of text, every delta's text read"
            title += "; the floors decode and parse each event"
            work = functools.partial(build, False, text)
            # a budget for sseparse's 5 rounds at 1 MB beside the peer's one;
            # the floors show how near 100x any pipeline can come, see goals
            impls = (*ours, *FLOORS)
            cases.append(Case(f"{p}-text", title, work, impls, "MB", check, 8.0))
        title = f"{name}: {_size(args)} of {what}, read after every delta"
        work = functools.partial(build, True, args)
        cases.append(Case(f"{p}-tool", title, work, ours, "MB", check, 4.0))
        pair, unit = (SSEPARSE, peer), "tokens" if chat else "chars"
        title = f"{name}: text of N {unit}, every delta's text read"
        sizes = [(1_250 if chat else 31_250) // div * 2**k for k in range(5)]
        checked = (500, 8_000) if chat else (6_250, 100_000)
        key, work = f"{p}-text", functools.partial(build, False)
        scalings.append(
            scaling(key, title, sizes, work, pair, unit, check_sizes=checked)
        )
        title = f"{name}: N chars of {what}, read after every delta"
        sizes = [6_250 // div * 2**k for k in range(5)]
        key, work = f"{p}-tool", functools.partial(build, True)
        checked = (2_500, 40_000)
        scalings.append(
            scaling(key, title, sizes, work, pair, "chars", check_sizes=checked)
        )
    ratios = [  # (what, case, bound): the fastest peer's time over sseparse's
        (f"(a) OpenAI chat, {tokens:,} tokens of text", "chat", 5),
        (f"(b) OpenAI chat, {_size(args)} of tool arguments", "chat-tool", 50),
        (f"(e) Anthropic, {_size(text)} of text", "anthropic-text", 100),
        (f"(f) Anthropic, {_size(args)} of tool input", "anthropic-tool", 50),
        (f"(h) Responses, {_size(text)} of text", "responses-text", 100),
        (f"(i) Responses, {_size(args)} of function arguments", "responses-tool", 50),
    ]
    peers = "*peers/sseparse"
    goals = [
        Goal(f"{w}: at least {b}x the fastest peer", f"ratio:{k}:{peers}", ">=", b)
        for w, k, b in ratios
    ]
    # Not goals of ours but what bounds (e) and (h): the fastest peer's time
    # over the floors' alone.  Below 100, no pipeline that decodes the SSE and
    # parses each event with that parser (nothing else) can reach 100x.
    ceiling = "within reach at all: the fastest peer at least 100x {0} alone"
    goals += [
        Goal(f"{w[:3]} {ceiling.format(f.name)}", f"ratio:{k}:*peers/{f.name}", ">=", b)
        for w, k, b in (ratios[2], ratios[4])
        for f in FLOORS
    ]
    goals += [
        Goal(
            "(d) OpenAI chat: the pipeline at most 1.5x SSE + json.loads",
            "ratio:chat:sseparse/SSE + json.loads",
            "<=",
            1.5,
        ),
        Goal(
            "(d) with msgspec: at most 2x SSE + msgspec",
            f"ratio:chat:{FAST.name}/SSE + msgspec",
            "<=",
            2.0,
        ),
    ]
    twenty = "16x the input costs sseparse at most 20x the time"
    goals += [
        Goal(f"({n}) {s.key}: {twenty}", f"growth:{s.key}:sseparse", "<=", 20.0)
        for n, s in zip("ccggjj", scalings, strict=True)
    ]
    title = "LLM accumulators: sseparse.llm"
    return Layer("llm", title, __doc__ or "", cases, scalings, goals=goals)
