"""LLM stream encoders: a final object in, the wire stream of its protocol out.

Theory of operation
-------------------
These are the accumulators' inverse.  Each encoder takes the object a
non-streaming call returns (a ``chat.completion``, an Anthropic ``message``,
a Responses ``response``: plain dicts in the provider's wire shape, as the
accumulators' ``close()`` returns them) and builds the payloads a server would
stream for it, in order, as plain dicts; :func:`encode_sse` frames them as a
``text/event-stream`` body.  Pure functions: no I/O, no clock, no hypothesis.

* *What streams in pieces.*  Every text the protocol streams as deltas (chat
  content, refusal, reasoning and tool arguments; Anthropic text, thinking and
  tool input; Responses output text, refusals, reasoning text and summaries,
  function, custom tool and MCP input, code, shell commands and output) is cut
  by ``delta_size``: ``None`` (each text whole, in one delta), an ``int`` (that
  many characters per delta, the last one shorter), a ``random.Random`` (each
  delta 1 to 16 characters, drawn from it: seed it to repeat a stream), or a
  callable given the number of characters still to send and returning the
  next delta's size.  Sizes count code points, so a delta may split an emoji
  sequence or a JSON escape, as real servers' token boundaries do.
* *What arrives whole.*  Everything else is sent once, where the protocol puts
  it: ids, names, roles and metadata on the first event that carries them
  (chat repeats ``id``, ``created``, ``model``, ``system_fingerprint`` and
  ``service_tier`` on every chunk), blocks and items that do not stream
  (Anthropic ``redacted_thinking``, ``*_tool_result``, unknown blocks;
  Responses calls that arrive whole and unknown items) in their start event,
  usage at the end.
* *The round trip.*  Feeding the payloads (or the SSE body) to the matching
  accumulator gives back an object equal to the one encoded, for every object
  the accumulator can produce, except the shapes each encoder's docstring
  lists: the accumulators merge some fragments (adjacent text parts, for one),
  so a few shapes have no stream that rebuilds them.  Responses' ``*.done``
  events, ``output_item.done`` items and terminal ``response`` carry the whole
  values, and they agree with the deltas, so the accumulator reports no
  correction.
* *Aliasing.*  Payloads hold the final's own nested values where they need no
  change (a tool call's ``extra_content``, the terminal ``response``): serialise
  them, or ``copy.deepcopy`` one before changing it.

Example:
    >>> from sseparse.llm import OpenAIChatAccumulator, encode_chat_completion
    >>> final = {
    ...     "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
    ...     "model": "gpt-x", "usage": None,
    ...     "choices": [{"index": 0, "logprobs": None, "finish_reason": "stop",
    ...                  "message": {"role": "assistant", "content": "Hello!",
    ...                              "refusal": None}}],
    ... }
    >>> chunks = encode_chat_completion(final, delta_size=4)
    >>> [chunk["choices"][0]["delta"] for chunk in chunks]
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'role': 'assistant', 'content': '', 'refusal': None},
     {'content': 'Hell'}, {'content': 'o!'}, {}]
    >>> acc = OpenAIChatAccumulator()
    >>> for chunk in chunks:
    ...     _ = acc.feed_chunk(chunk)
    >>> acc.close() == final
    True
    >>> encode_sse(chunks, protocol="chat").split()[-2:]
    [b'data:', b'[DONE]']

Cost: linear in the size of the final object.  Texts are cut by slicing each
piece once (no slicing of a shrinking remainder), and each payload is built in
time bounded by its own size; the number of payloads is about the number of
deltas.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from sseparse.errors import UsageError
from sseparse.llm._anthropic import BlockKind, block_kind
from sseparse.llm._responses import ItemKind, item_kind
from sseparse.sse import ServerSentEvent, encode

if TYPE_CHECKING:
    from sseparse.llm._formats import Protocol

__all__ = [
    "DeltaSize",
    "encode_anthropic_message",
    "encode_chat_completion",
    "encode_response",
    "encode_sse",
]

DeltaSize: TypeAlias = int | Callable[[int], int] | random.Random | None
"""How long each delta is: see the module docstring."""

#: The largest delta a ``random.Random`` draws, in characters.
RANDOM_MAX_DELTA: Final = 16

_PROTOCOLS: Final = ("chat", "anthropic", "responses")
_ECHO_CHARS: Final = 40  # echoed input in error messages, as errors.excerpt

Payload: TypeAlias = dict[str, Any]


def _shown(value: object) -> str:
    """*value* as an error message echoes it: its repr, truncated."""
    text = repr(value)
    return text if len(text) <= _ECHO_CHARS else text[:_ECHO_CHARS] + "…"


# -- delta sizes -------------------------------------------------------------------


class _Cutter:
    """Cuts texts into deltas by one ``delta_size`` option."""

    __slots__ = ("_caller", "_fixed", "_next")

    def __init__(self, delta_size: object, caller: str) -> None:
        self._caller = caller
        self._fixed: int | None = None
        self._next: Callable[[int], object] | None = None
        if delta_size is None:
            self._fixed = sys.maxsize
        elif type(delta_size) is int:
            if delta_size < 1:
                raise UsageError(
                    f"{caller}: expected delta_size of at least 1 character, "
                    f"got {delta_size}"
                )
            self._fixed = delta_size
        elif isinstance(delta_size, random.Random):
            rng = delta_size
            self._next = lambda left: rng.randint(1, RANDOM_MAX_DELTA)
        elif callable(delta_size):
            self._next = delta_size
        else:
            raise UsageError(
                f"{caller}: expected delta_size as None, a positive int, a "
                f"random.Random or a callable, got {_shown(delta_size)}"
            )

    def cut(self, text: str) -> list[str]:
        """*text* as deltas, in order; ``[]`` for ``""``."""
        total = len(text)
        fixed = self._fixed
        if fixed is not None:
            if fixed >= total:
                return [text] if total else []
            return [text[at : at + fixed] for at in range(0, total, fixed)]
        pick = self._next
        assert pick is not None
        pieces: list[str] = []
        at = 0
        while at < total:
            size = pick(total - at)
            if type(size) is not int or size < 1:
                raise UsageError(
                    f"{self._caller}: expected delta_size({total - at}) to return "
                    f"a positive int, got {_shown(size)}"
                )
            pieces.append(text[at : at + size])
            at += size
        return pieces


def _spread(items: list[Any], slots: int) -> list[list[Any]]:
    """*items* in *slots* consecutive groups of about equal size (in order)."""
    count = len(items)
    return [items[k * count // slots : (k + 1) * count // slots] for k in range(slots)]


def _json_text(value: Any, caller: str, where: str) -> str:
    """*value* as JSON text, as a server writes it: UTF-8 where it can be."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"{caller}: expected {where} to be a JSON value, got {_shown(value)} "
            f"({exc})"
        ) from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value)  # lone surrogates: escaped, as only they can be
    return text


def _object(value: Any, caller: str, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise UsageError(f"{caller}: expected {what}, got {_shown(value)}")
    return dict(value)


def _list(value: Any, caller: str, where: str, what: str) -> list[Any]:
    if type(value) is not list:
        raise UsageError(
            f"{caller}: expected {where} to be {what}, got {_shown(value)}"
        )
    return value


def _dict_at(value: Any, caller: str, where: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise UsageError(
            f"{caller}: expected {where} to be an object, got {_shown(value)}"
        )
    return value


def _text_at(value: Any, caller: str, where: str) -> str:
    if type(value) is not str:
        raise UsageError(
            f"{caller}: expected {where} to be a string, got {_shown(value)}"
        )
    return value


# -- OpenAI Chat Completions -------------------------------------------------------

# Top-level keys with a place of their own; any other goes on the first chunk.
_CHAT_TOP: Final = frozenset(
    {
        "id",
        "object",
        "created",
        "model",
        "choices",
        "usage",
        "system_fingerprint",
        "service_tier",
        "x_groq",
    }
)
# Sent on every chunk, as OpenAI does.
_CHAT_EVERY: Final = ("service_tier", "system_fingerprint")
# Message keys that stream, in the order they are sent.
_CHAT_TEXTS: Final = ("reasoning_content", "reasoning", "content", "refusal")
_CHAT_MESSAGE: Final = frozenset({"role", *_CHAT_TEXTS, "tool_calls", "function_call"})
_CHOICE_KNOWN: Final = frozenset({"index", "message", "logprobs", "finish_reason"})


def _plain_text_part(part: Any) -> bool:
    """Whether a content part is one the accumulator joins into the text."""
    return (
        type(part) is dict
        and part.get("type", "text") == "text"
        and type(part.get("text")) is str
        and set(part) <= {"type", "text"}
    )


class _ChatChoice:
    """The choice entries (``choices[0]`` of each chunk) of one final choice."""

    def __init__(
        self, choice: Any, position: int, cutter: _Cutter, caller: str
    ) -> None:
        where = f"choices[{position}]"
        self.caller = caller
        self.cutter = cutter
        choice = _dict_at(choice, caller, where)
        self.index = choice.get("index", position)
        message = _dict_at(choice.get("message"), caller, f"{where}.message")
        logprobs = choice.get("logprobs")
        self.logprobs: dict[str, Any] | None = (
            None
            if logprobs is None
            else _dict_at(logprobs, caller, f"{where}.logprobs")
        )
        self.logprobs_sent = False  # the first logprobs object carries the rest
        self.tokens_sent: set[str] = set()  # "content" / "refusal" entries
        self.entries: list[Payload] = []

        content = message.get("content")
        first: dict[str, Any] = {
            "role": message.get("role", "assistant"),
            "content": "" if type(content) is str else None,
        }
        for key, value in message.items():
            if key not in _CHAT_MESSAGE:
                first[key] = value  # annotations, audio, reasoning_details, ...
            elif value is None and key != "role":
                first[key] = None  # the key is kept, as the final has it
        self.add(first)

        for key in _CHAT_TEXTS:
            text = message.get(key)
            if key == "content" and type(text) is list:
                self.content_parts(text)
            elif text is not None:
                self.text(key, _text_at(text, caller, f"{where}.message.{key}"))
        calls = message.get("tool_calls")
        if calls is not None:
            calls = _list(calls, caller, f"{where}.message.tool_calls", "a list")
            for number, call in enumerate(calls):
                self.tool_call(number, call, f"{where}.message.tool_calls[{number}]")
        call = message.get("function_call")
        if call is not None:
            self.function_call(call, f"{where}.message.function_call")
        for key in ("content", "refusal"):
            if key not in self.tokens_sent:
                self.tokens(key, [])  # entries whose text never streamed
        if self.logprobs is not None and not self.logprobs_sent:
            self.add({}, {"content": None, "refusal": None})

        finish: Payload = {
            "index": self.index,
            "delta": {},
            "logprobs": None,
            "finish_reason": choice.get("finish_reason"),
        }
        for key, value in choice.items():
            if key not in _CHOICE_KNOWN:
                finish[key] = value  # content_filter_results, ...
        self.entries.append(finish)

    def add(
        self, delta: dict[str, Any], logprobs: dict[str, Any] | None = None
    ) -> None:
        if logprobs is not None and not self.logprobs_sent:
            self.logprobs_sent = True
            assert self.logprobs is not None
            for key, value in self.logprobs.items():
                if key not in ("content", "refusal"):
                    logprobs[key] = value
        self.entries.append(
            {
                "index": self.index,
                "delta": delta,
                "logprobs": logprobs,
                "finish_reason": None,
            }
        )

    def tokens(self, key: str, values: list[Any]) -> None:
        """One chunk per value of *key* (``content`` / ``refusal``), each with
        its share of the text's logprob entries (a chunk of their own when no
        value streams)."""
        self.tokens_sent.add(key)
        entries = None if self.logprobs is None else self.logprobs.get(key)
        if entries is None:
            for value in values:
                self.add({key: value})
            return
        entries = _list(entries, self.caller, f"logprobs.{key}", "a list")
        other = "refusal" if key == "content" else "content"
        groups = _spread(entries, max(len(values), 1))
        for k, group in enumerate(groups):
            delta = {key: values[k]} if k < len(values) else {}
            # An empty group adds nothing, except the one of an empty list.
            sent = group or (not k and not entries)
            self.add(delta, {key: group, other: None} if sent else None)

    def text(self, key: str, text: str) -> None:
        pieces = self.cutter.cut(text)
        if not pieces and key != "content":
            pieces = [""]  # the key, as ""; the role chunk's content is ""
        if key in ("content", "refusal"):
            self.tokens(key, pieces)
        else:
            for piece in pieces:
                self.add({key: piece})

    def content_parts(self, parts: list[Any]) -> None:
        values: list[Any] = []
        for part in parts:
            if _plain_text_part(part):
                values += self.cutter.cut(part["text"])
            else:
                values.append([part])
        self.tokens("content", values)

    def tool_call(self, number: int, call: Any, where: str) -> None:
        call = _dict_at(call, self.caller, where)
        # id, type, extra_content, ...
        rest = {k: v for k, v in call.items() if k not in ("index", "function")}
        first: dict[str, Any] = {"index": number, **rest}
        function = call.get("function")
        if function is None:
            self.add({"tool_calls": [first]})
            return
        function = _dict_at(function, self.caller, f"{where}.function")
        where = f"{where}.function.arguments"
        arguments = _text_at(function.get("arguments", ""), self.caller, where)
        pieces = self.cutter.cut(arguments) or [""]
        head = {k: v for k, v in function.items() if k != "arguments"}
        first["function"] = {**head, "arguments": pieces[0]}
        self.add({"tool_calls": [first]})
        for piece in pieces[1:]:
            fragment = {"index": number, "function": {"arguments": piece}}
            self.add({"tool_calls": [fragment]})

    def function_call(self, call: Any, where: str) -> None:
        call = _dict_at(call, self.caller, where)
        arguments = _text_at(
            call.get("arguments", ""), self.caller, f"{where}.arguments"
        )
        pieces = self.cutter.cut(arguments) or [""]
        head = {k: v for k, v in call.items() if k != "arguments"}
        self.add({"function_call": {**head, "arguments": pieces[0]}})
        for piece in pieces[1:]:
            self.add({"function_call": {"arguments": piece}})


def encode_chat_completion(
    completion: Mapping[str, Any],
    *,
    delta_size: DeltaSize = None,
    interleave: bool = True,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` payloads of a streamed ``chat.completion``.

    Per choice: a chunk with ``role`` (and ``content: ""`` when the content is
    text, ``null`` otherwise), then the reasoning text (``reasoning_content``
    or ``reasoning``), the content, the refusal, each tool call (``index``,
    ``id``, ``type`` and ``name`` with its first arguments fragment, then
    bare fragments) and a legacy ``function_call``, one delta per chunk, the
    logprob entries spread over the chunks of their text; then a chunk with the
    ``finish_reason`` and the choice's other keys (``content_filter_results``,
    ...).  Message keys that do not stream (``annotations``, ``audio``,
    ``reasoning_details``, ...) come whole with the role.  With several
    choices their chunks take turns (``interleave=True``, as OpenAI sends
    ``n > 1``) or follow one another.  A last chunk with ``"choices": []``
    carries the ``usage`` when the final has one.  Every chunk repeats ``id``,
    ``created``, ``model`` (and ``system_fingerprint`` / ``service_tier`` when
    the final has them); unknown top-level keys ride on the first chunk,
    ``x_groq`` on the last.

    Shapes no chunk stream rebuilds (the accumulator gives another object back):
    a content list whose plain text parts (``{"type": "text", "text": ...}``)
    are adjacent (they are joined), empty, or the only kind of part (the
    content is then a string); an empty ``tool_calls`` list (no call, no key);
    ``reasoning_details`` entries sharing an ``index`` (they merge).  A choice
    whose ``finish_reason`` is ``null`` ends cleanly only with the
    ``data: [DONE]`` that :func:`encode_sse` adds.

    Args:
        completion: the ``chat.completion`` dict (as the accumulator's
            ``close()`` returns it).
        delta_size: how texts are cut: ``None`` (each text whole), an int
            (characters per delta), a ``random.Random`` (1 to 16 characters
            per delta, drawn from it) or a callable (given the characters
            left, it returns the next delta's size).
        interleave: with several choices, their chunks take turns.

    Returns:
        The chunk payloads, in wire order (fresh dicts; nested values that need
        no change are the final's own).

    Raises:
        UsageError: an option is wrong, or *completion* is not a
            ``chat.completion`` dict.
    """
    caller = "encode_chat_completion"
    cutter = _Cutter(delta_size, caller)
    if type(interleave) is not bool:
        raise UsageError(
            f"{caller}: expected interleave as a bool, got {_shown(interleave)}"
        )
    final = _object(completion, caller, "a chat.completion dict")
    choices = _list(final.get("choices"), caller, "'choices'", "a list of choices")
    head: Payload = {
        "id": final.get("id"),
        "object": "chat.completion.chunk",
        "created": final.get("created"),
        "model": final.get("model"),
    }
    for key in _CHAT_EVERY:
        if key in final:
            head[key] = final[key]

    per_choice = [
        _ChatChoice(choice, position, cutter, caller).entries
        for position, choice in enumerate(choices)
    ]
    if interleave:
        entries = [
            entry
            for turn in itertools.zip_longest(*per_choice)
            for entry in turn
            if entry is not None
        ]
    else:
        entries = [entry for entries in per_choice for entry in entries]
    chunks: list[Payload] = [{**head, "choices": [entry]} for entry in entries]
    usage = final.get("usage")
    if usage is not None or not chunks:
        chunks.append({**head, "choices": []})
    for key, value in final.items():
        if key not in _CHAT_TOP:
            chunks[0][key] = value  # prompt_filter_results, provider, ...
    if "x_groq" in final:
        chunks[-1]["x_groq"] = final["x_groq"]  # its usage: the usage too
    if usage is not None:
        chunks[-1]["usage"] = usage
    return chunks


# -- Anthropic Messages ------------------------------------------------------------

# Message keys a message_delta brings (the start holds them as null).
_ANTHROPIC_STOP: Final = ("stop_reason", "stop_sequence", "stop_details", "container")
_TOOLS: Final = (BlockKind.TOOL_USE, BlockKind.SERVER_TOOL_USE)


def _start_usage(usage: Any) -> Any:
    """The usage of ``message_start``: the counts known at the start, and an
    ``output_tokens`` of at most 1 (the ``message_delta`` brings the rest)."""
    if type(usage) is not dict:
        return usage
    out = usage.get("output_tokens")
    if type(out) is int and out > 1:
        return {**usage, "output_tokens": 1}
    return usage


def _anthropic_block(
    index: int, block: Any, cutter: _Cutter, caller: str
) -> list[Payload]:
    where = f"content[{index}]"
    block = _dict_at(block, caller, where)
    block_type = _text_at(block.get("type"), caller, f"{where}.type")
    kind = block_kind(block_type)
    start: dict[str, Any] = dict(block)
    deltas: list[dict[str, Any]] = []
    if kind is BlockKind.TEXT:
        text = _text_at(block.get("text", ""), caller, f"{where}.text")
        start["text"] = ""
        citations = block.get("citations")
        if type(citations) is list and citations:
            # As Anthropic sends a cited text: the citations, then its text.
            start["citations"] = []
            deltas += [{"type": "citations_delta", "citation": c} for c in citations]
        deltas += [{"type": "text_delta", "text": p} for p in cutter.cut(text)]
    elif kind is BlockKind.THINKING:
        text = _text_at(block.get("thinking", ""), caller, f"{where}.thinking")
        start["thinking"] = ""
        deltas += [{"type": "thinking_delta", "thinking": p} for p in cutter.cut(text)]
        signature = block.get("signature")
        if type(signature) is str and signature:
            start["signature"] = ""
            deltas.append({"type": "signature_delta", "signature": signature})
    elif kind in _TOOLS:
        text = _json_text(block.get("input", {}), caller, f"{where}.input")
        start["input"] = {}
        deltas += [
            {"type": "input_json_delta", "partial_json": p} for p in cutter.cut(text)
        ]
    # Any other kind (redacted thinking, tool results, container uploads,
    # compaction, unknown types) arrives whole in its start.
    return [
        {"type": "content_block_start", "index": index, "content_block": start},
        *(
            {"type": "content_block_delta", "index": index, "delta": delta}
            for delta in deltas
        ),
        {"type": "content_block_stop", "index": index},
    ]


def encode_anthropic_message(
    message: Mapping[str, Any], *, delta_size: DeltaSize = None
) -> list[dict[str, Any]]:
    """The payloads of a streamed Anthropic ``message``, ``message_start`` to
    ``message_stop``.

    ``message_start`` holds the message with no content, ``stop_reason``,
    ``stop_sequence`` (and ``stop_details`` / ``container`` when present)
    ``null`` and the usage known at the start (``output_tokens`` at most 1);
    per block, in order, ``content_block_start``, its deltas,
    ``content_block_stop`` (a ``ping`` after the first start, as Anthropic
    sends it): text as a ``citations_delta`` per citation (the start then
    has ``"citations": []``) and ``text_delta`` pieces; thinking as
    ``thinking_delta`` pieces, then one ``signature_delta``; the input of
    every ``*tool_use`` block as ``input_json_delta`` pieces of its
    ``json.dumps`` text (the start has ``"input": {}``); every other block
    (``redacted_thinking``, ``*_tool_result``, ``container_upload``,
    ``compaction``, unknown types) whole in its start.  Then
    ``message_delta`` with the stop fields and the whole usage (cumulative: it
    overwrites the start's), and ``message_stop``.

    Shapes no stream rebuilds: a tool ``input`` that ``json.loads(json.dumps(
    input))`` does not give back (non-string keys; ``nan``, which is never
    equal to itself).

    Args:
        message: the ``message`` dict (as the accumulator's ``close()``
            returns it).
        delta_size: how texts are cut (see :func:`encode_chat_completion`).

    Returns:
        The payloads, in wire order.

    Raises:
        UsageError: *delta_size* is wrong, or *message* is not a ``message``
            dict with a ``content`` list of blocks.
    """
    caller = "encode_anthropic_message"
    cutter = _Cutter(delta_size, caller)
    final = _object(message, caller, "an Anthropic message dict")
    content = _list(final.get("content"), caller, "'content'", "a list of blocks")
    start: dict[str, Any] = {}
    for key, value in final.items():
        if key == "content":
            start[key] = []
        elif key in _ANTHROPIC_STOP:
            start[key] = None
        elif key == "usage":
            start[key] = _start_usage(value)
        else:
            start[key] = value
    payloads: list[Payload] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(content):
        payloads += _anthropic_block(index, block, cutter, caller)
    # Anthropic's ping: after the first block's start (or the message's).
    payloads.insert(2 if content else 1, {"type": "ping"})
    delta: dict[str, Any] = {
        "stop_reason": final.get("stop_reason"),
        "stop_sequence": final.get("stop_sequence"),
    }
    for key in _ANTHROPIC_STOP[2:]:
        if key in final:
            delta[key] = final[key]
    stop: Payload = {"type": "message_delta", "delta": delta}
    if type(final.get("usage")) is dict:
        stop["usage"] = final["usage"]
    payloads += [stop, {"type": "message_stop"}]
    return payloads


# -- OpenAI Responses --------------------------------------------------------------

_TERMINALS: Final = ("completed", "incomplete", "failed")
# Response keys only the end brings: null until the terminal event.
_RESPONSE_LATE: Final = ("usage", "completed_at", "incomplete_details", "error")
# The streamed input of each call kind: (event stem, item key).
_INPUTS: Final[Mapping[ItemKind, tuple[str, str]]] = {
    ItemKind.FUNCTION_CALL: ("function_call_arguments", "arguments"),
    ItemKind.CUSTOM_TOOL_CALL: ("custom_tool_call_input", "input"),
    ItemKind.MCP_CALL: ("mcp_call_arguments", "arguments"),
    ItemKind.CODE_INTERPRETER: ("code_interpreter_call_code", "code"),
}
# Hosted tools' status events: before the input, after it (the last one is
# the item's own status when the kind has an event for it, else "completed").
_STATUSES: Final[Mapping[ItemKind, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    ItemKind.MCP_CALL: (("in_progress",), ()),
    ItemKind.MCP_LIST_TOOLS: (("in_progress",), ()),
    ItemKind.CODE_INTERPRETER: (("in_progress",), ("interpreting",)),
    ItemKind.WEB_SEARCH: (("in_progress", "searching"), ()),
    ItemKind.FILE_SEARCH: (("in_progress", "searching"), ()),
    ItemKind.IMAGE_GENERATION: (("in_progress", "generating"), ()),
}
_LAST_STATUSES: Final[Mapping[ItemKind, frozenset[str]]] = {
    ItemKind.MCP_CALL: frozenset({"completed", "failed"}),
    ItemKind.MCP_LIST_TOOLS: frozenset({"completed", "failed"}),
}
# Item keys whose value only output_item.done brings, and whether the added
# item shows them as an empty list (else as null).
_ITEM_LATE: Final[Mapping[ItemKind, tuple[tuple[str, bool], ...]]] = {
    ItemKind.REASONING: (("encrypted_content", False),),
    ItemKind.CODE_INTERPRETER: (("outputs", False),),
    ItemKind.MCP_CALL: (("output", False), ("error", False)),
    ItemKind.MCP_LIST_TOOLS: (("tools", True),),
    ItemKind.IMAGE_GENERATION: (("result", False),),
    ItemKind.FILE_SEARCH: (("queries", True), ("results", False)),
    ItemKind.SHELL_OUTPUT: (("output", True),),
}
# The part types that stream, per item kind and part group: type -> (event
# stem, text key).  Any other part arrives whole.
_PART_STEMS: Final[Mapping[tuple[ItemKind, str], Mapping[str, tuple[str, str]]]] = {
    (ItemKind.MESSAGE, "content"): {
        "output_text": ("output_text", "text"),
        "refusal": ("refusal", "refusal"),
    },
    (ItemKind.REASONING, "content"): {
        "reasoning_text": ("reasoning_text", "text"),
    },
    (ItemKind.REASONING, "summary"): {
        "summary_text": ("reasoning_summary_text", "text"),
    },
}


def _added_item(kind: ItemKind, item: dict[str, Any]) -> dict[str, Any]:
    """The item as ``output_item.added`` shows it: in progress, nothing yet."""
    added = dict(item)
    if "status" in added:
        added["status"] = "in_progress"
    if kind is ItemKind.MESSAGE and "content" in added:
        added["content"] = []
    if kind is ItemKind.REASONING:
        for key in ("summary", "content"):
            if type(added.get(key)) is list:
                added[key] = []
    spec = _INPUTS.get(kind)
    if spec is not None:
        added[spec[1]] = ""
    for key, as_list in _ITEM_LATE.get(kind, ()):
        if key in added:
            added[key] = [] if as_list else None
    action = added.get("action")
    if kind is ItemKind.WEB_SEARCH and type(action) is dict and "type" in action:
        added["action"] = {"type": action["type"]}  # the query comes at the end
    if kind is ItemKind.SHELL_CALL and type(action) is dict:
        added["action"] = {**action, "commands": []}
    return added


class _ResponsesItem:
    """The events of one output item, ``output_item.added`` to ``.done``."""

    def __init__(self, index: int, item: Any, cutter: _Cutter, caller: str) -> None:
        self.where = f"output[{index}]"
        self.caller = caller
        self.cutter = cutter
        item = _dict_at(item, caller, self.where)
        item_type = _text_at(item.get("type"), caller, f"{self.where}.type")
        kind = item_kind(item_type)
        self.at: Payload = {"item_id": item.get("id"), "output_index": index}
        self.events: list[Payload] = [
            {
                "type": "response.output_item.added",
                "output_index": index,
                "item": _added_item(kind, item),
            }
        ]
        before, after = _STATUSES.get(kind, ((), ()))
        last = item.get("status")
        if last not in _LAST_STATUSES.get(kind, ()):
            last = "completed"
        for status in before:
            self.status(item_type, status)
        if kind is ItemKind.MESSAGE:
            self.parts(item, kind, "content")
        elif kind is ItemKind.REASONING:
            self.parts(item, kind, "content")
            self.parts(item, kind, "summary")
        elif kind is ItemKind.SHELL_CALL:
            self.commands(item)
        elif kind is ItemKind.SHELL_OUTPUT:
            self.outputs(item)
        spec = _INPUTS.get(kind)
        if spec is not None:
            stem, key = spec
            text = item.get(key)
            if text is not None:
                text = _text_at(text, caller, f"{self.where}.{key}")
                for piece in cutter.cut(text):
                    self.add(f"response.{stem}.delta", delta=piece)
                self.add(f"response.{stem}.done", **{key: text})
        if before:
            for status in (*after, last):
                self.status(item_type, status)
        self.events.append(
            {"type": "response.output_item.done", "output_index": index, "item": item}
        )

    def add(self, kind: str, **fields: Any) -> None:
        self.events.append({"type": kind, **self.at, **fields})

    def status(self, item_type: str, status: str) -> None:
        self.add(f"response.{item_type}.{status}")

    def parts(self, item: dict[str, Any], kind: ItemKind, group: str) -> None:
        parts = item.get(group)
        if type(parts) is not list:
            return
        stems = _PART_STEMS[kind, group]
        number_key = "summary_index" if group == "summary" else "content_index"
        opened = "reasoning_summary_part" if group == "summary" else "content_part"
        for number, part in enumerate(parts):
            where = f"{self.where}.{group}[{number}]"
            part = _dict_at(part, self.caller, where)
            at = {number_key: number}
            part_type = part.get("type")
            spec = stems.get(part_type) if type(part_type) is str else None
            if spec is None:
                # A part of a kind that does not stream: whole, both times.
                self.add(f"response.{opened}.added", **at, part=part)
                self.add(f"response.{opened}.done", **at, part=part)
                continue
            stem, field = spec
            text = _text_at(part.get(field, ""), self.caller, f"{where}.{field}")
            empty: dict[str, Any] = {**part, field: ""}
            logprobs = part.get("logprobs") if stem == "output_text" else None
            annotations = part.get("annotations") if stem == "output_text" else None
            if type(logprobs) is list:
                empty["logprobs"] = []
            else:
                logprobs = None
            if type(annotations) is list:
                empty["annotations"] = []
            else:
                annotations = None
            self.add(f"response.{opened}.added", **at, part=empty)
            pieces = self.cutter.cut(text)
            slots = max(len(pieces), 1)
            tokens = None if logprobs is None else _spread(logprobs, slots)
            notes = None if annotations is None else _spread(annotations, slots)
            count = 0
            for k in range(slots):
                if k < len(pieces):
                    extra = {} if tokens is None else {"logprobs": tokens[k]}
                    self.add(f"response.{stem}.delta", **at, delta=pieces[k], **extra)
                # An annotation comes after the text it is about.
                for annotation in () if notes is None else notes[k]:
                    self.add(
                        "response.output_text.annotation.added",
                        **at,
                        annotation_index=count,
                        annotation=annotation,
                    )
                    count += 1
            done: dict[str, Any] = {field: text}
            if logprobs is not None:
                done["logprobs"] = logprobs
            self.add(f"response.{stem}.done", **at, **done)
            self.add(f"response.{opened}.done", **at, part=part)

    def commands(self, item: dict[str, Any]) -> None:
        action = item.get("action")
        commands = action.get("commands") if type(action) is dict else None
        if type(commands) is not list:
            return
        at = {"output_index": self.at["output_index"]}
        for number, command in enumerate(commands):
            where = f"{self.where}.action.commands[{number}]"
            command = _text_at(command, self.caller, where)
            place = {**at, "command_index": number}
            self.events.append(
                {"type": "response.shell_call_command.added", **place, "command": ""}
            )
            for piece in self.cutter.cut(command):
                self.events.append(
                    {
                        "type": "response.shell_call_command.delta",
                        **place,
                        "delta": piece,
                    }
                )
            self.events.append(
                {
                    "type": "response.shell_call_command.done",
                    **place,
                    "command": command,
                }
            )

    def outputs(self, item: dict[str, Any]) -> None:
        entries = item.get("output")
        if type(entries) is not list:
            return
        for number, entry in enumerate(entries):
            entry = _dict_at(entry, self.caller, f"{self.where}.output[{number}]")
            for key in ("stdout", "stderr"):
                text = entry.get(key)
                if type(text) is str:
                    for piece in self.cutter.cut(text):
                        self.add(
                            "response.shell_call_output_content.delta",
                            command_index=number,
                            delta={key: piece},
                        )
            self.add(
                "response.shell_call_output_content.done",
                command_index=number,
                output=[entry],
            )


def encode_response(
    response: Mapping[str, Any], *, delta_size: DeltaSize = None
) -> list[dict[str, Any]]:
    """The events of a streamed Responses ``response``, each with its
    ``sequence_number`` (0 upward).

    ``response.created`` (``queued``, then ``response.queued``, for a
    ``background`` response) and ``response.in_progress``, holding the
    response with no output and ``usage``, ``completed_at``,
    ``incomplete_details`` and ``error`` ``null``; per output item, in order,
    ``response.output_item.added`` (the item in progress, its texts empty and
    the fields only the end brings ``null``), its events, and
    ``response.output_item.done`` with the whole item:

    * messages: per content part ``content_part.added`` (the part, empty),
      ``output_text.delta`` pieces (each with its share of the part's
      ``logprobs``) with an ``output_text.annotation.added`` after the text
      each annotation follows, or ``refusal.delta`` pieces, then the text's
      ``.done`` and ``content_part.done``;
    * reasoning: its ``reasoning_text`` content parts the same way, then each
      summary part (``reasoning_summary_part.added``,
      ``reasoning_summary_text.delta`` / ``.done``, ``.part.done``);
    * function, custom tool and MCP calls and code interpreter calls: their
      arguments, input or code as ``*.delta`` pieces and a ``.done``;
    * hosted tools (MCP calls and tool lists, code interpreter, web and file
      search, image generation): their status events around that
      (``in_progress``, ``searching`` / ``interpreting`` / ``generating``,
      ``completed``, or ``failed`` for an MCP item that failed);
    * shell calls: each command (``shell_call_command.added`` / ``.delta`` /
      ``.done``); shell call outputs: each command's ``stdout`` and
      ``stderr`` as ``shell_call_output_content.delta`` and a ``.done``;
    * any other item (``computer_call``, ``*_output``, unknown types): added
      and done, nothing between.

    Then ``response.completed``, ``response.incomplete`` or
    ``response.failed``, by the response's ``status``, with the whole
    response.  The accumulator returns the response for the first two; for a
    failed one its ``close()`` raises ``StreamError``, whose ``snapshot`` is
    the response.

    Args:
        response: the ``response`` dict (as the accumulator's ``close()``
            returns it).
        delta_size: how texts are cut (see :func:`encode_chat_completion`).

    Returns:
        The event payloads, in wire order.

    Raises:
        UsageError: *delta_size* is wrong, or *response* is not a response
            dict with an ``output`` list and a ``status`` of ``completed``,
            ``incomplete`` or ``failed`` (no other status has a terminal
            event).
    """
    caller = "encode_response"
    cutter = _Cutter(delta_size, caller)
    final = _object(response, caller, "a Responses response dict")
    output = _list(final.get("output"), caller, "'output'", "a list of items")
    status = final.get("status")
    if status not in _TERMINALS:
        raise UsageError(
            f"{caller}: expected a response whose status is 'completed', "
            f"'incomplete' or 'failed' (the statuses with a terminal event), "
            f"got {_shown(status)}"
        )
    base: dict[str, Any] = dict(final)
    base["status"] = "queued" if final.get("background") is True else "in_progress"
    base["output"] = []
    for key in _RESPONSE_LATE:
        if key in base:
            base[key] = None
    payloads: list[Payload] = [{"type": "response.created", "response": base}]
    if base["status"] == "queued":
        payloads.append({"type": "response.queued", "response": base})
    running = {**base, "status": "in_progress"}
    payloads.append({"type": "response.in_progress", "response": running})
    for index, item in enumerate(output):
        payloads += _ResponsesItem(index, item, cutter, caller).events
    payloads.append({"type": f"response.{status}", "response": final})
    for number, payload in enumerate(payloads):
        payload["sequence_number"] = number
    return payloads


# -- framing -----------------------------------------------------------------------


def _data(payload: Mapping[str, Any], number: int) -> str:
    try:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"encode_sse: expected payload {number} to be JSON-serialisable, "
            f"got {_shown(payload)} ({exc})"
        ) from None
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates have no UTF-8 form; escaped, they are the same JSON.
        data = json.dumps(payload, separators=(",", ":"))
    return data


def encode_sse(
    payloads: Iterable[Mapping[str, Any]],
    *,
    protocol: Protocol,
    named: bool | None = None,
) -> bytes:
    """The payloads as a ``text/event-stream`` body, framed as *protocol* does.

    One event per payload, its data the compact JSON text (UTF-8; a string
    holding a lone surrogate is written with ``\\u`` escapes).  Chat streams
    are data-only and end with ``data: [DONE]``; Anthropic and Responses
    streams name each event after its payload's ``type`` (``event:
    content_block_delta``), or are data-only with ``named=False``, as
    proxies re-frame them.

    Args:
        payloads: the payloads, e.g. from :func:`encode_chat_completion`.
        protocol: ``"chat"``, ``"anthropic"`` or ``"responses"``.
        named: write ``event:`` lines; ``None`` for the protocol's own
            framing (named, except chat, which has no event names).

    Returns:
        The UTF-8 body.

    Raises:
        UsageError: *protocol* or *named* is wrong, a payload is not
            JSON-serialisable, or a named event's payload has no string
            ``type``.
    """
    if protocol not in _PROTOCOLS:
        raise UsageError(
            "encode_sse: expected protocol 'chat', 'anthropic' or 'responses', "
            f"got {_shown(protocol)}"
        )
    if named is None:
        named = protocol != "chat"
    elif type(named) is not bool:
        raise UsageError(
            f"encode_sse: expected named as a bool or None, got {_shown(named)}"
        )
    elif named and protocol == "chat":
        raise UsageError(
            "encode_sse: expected named=False or None for protocol 'chat' "
            "(chat streams have no event names), got named=True"
        )
    if isinstance(payloads, (str, bytes, Mapping)) or not isinstance(
        payloads, Iterable
    ):
        raise UsageError(
            f"encode_sse: expected an iterable of payload dicts, got {_shown(payloads)}"
        )
    blocks: list[bytes] = []
    for number, payload in enumerate(payloads):
        if not isinstance(payload, Mapping):
            raise UsageError(
                f"encode_sse: expected payload {number} to be a dict, got "
                f"{_shown(payload)}"
            )
        event = "message"
        if named:
            kind = payload.get("type")
            if type(kind) is not str or not kind:
                raise UsageError(
                    f"encode_sse: expected payload {number} to have a non-empty "
                    f"string 'type' to name its event, got {_shown(kind)}"
                )
            event = kind
        data = _data(payload, number)
        blocks.append(encode(ServerSentEvent(event=event, data=data)))
    if protocol == "chat":
        blocks.append(b"data: [DONE]\n\n")
    return b"".join(blocks)
