"""Hypothesis strategies for OpenAI Chat Completions streams.

Theory of operation
-------------------
:func:`openai_chat_streams` first draws what the model said, then how the wire
delivered it, and keeps the two apart:

1. *The answer.*  One to three choices; per choice an optional reasoning text
   (under ``reasoning_content`` or ``reasoning``), content and/or a refusal
   (any Unicode: emoji, newlines, quotes, NUL), zero to three tool calls whose
   arguments are :func:`~sseparse.testing.json_texts` documents, optional
   logprob entries and a finish reason.  The expected ``chat.completion`` is
   built from these values directly, never by accumulating chunks, so that it is
   an oracle independent of any accumulator.
2. *The wire.*  Every text is cut into fragments (:func:`split_text`, and
   :func:`json_deltas` for arguments, which cuts inside escapes and numbers);
   the fragments of all fields, tool calls and choices are interleaved in a
   random order that keeps each field's own order; consecutive fragments are
   packed into chunks (a chunk holds at most one fragment of each text field
   per choice, any number of tool-call fragments).  The first delta of a choice
   carries ``role``, the first fragment of a tool call its ``id``, ``type`` and
   ``name``; the finish reason comes with or after the choice's last fragment;
   an optional usage chunk with ``"choices": []`` ends the stream.  Each chunk
   repeats the metadata (``id``, ``created``, ``model``, optionally
   ``service_tier``, ``system_fingerprint`` and per-chunk ``obfuscation``).
3. *The merge traps* (unless ``in_order``): later fragments of a tool call may
   re-send its ``id``, ``type`` and ``name`` with *other* values (the first
   ones stay: set once), and earlier usage values may ride on content chunks,
   with ``null`` usage between them (the last one stays: latest non-null).
   The expected object holds the first id, type and name and the last usage,
   so an accumulator that overwrites ids or keeps the first usage fails.

4. *The endings* (``truncation``, ``error_events``): a stream may stop after
   a chunk that leaves a choice unfinished, or end in an error chunk; its
   ``expected`` is then the snapshot there, built from the fragments of the
   chunks sent (and their latest non-null usage and fingerprint), and
   ``expected_error`` names the conclusion.

Choice and tool-call indexes may have gaps and may first appear in any order,
as the accumulation rules allow; ``in_order=True`` keeps them to ``0, 1, 2, ...``
in order of first appearance, the shape SDKs that key by list position need.
Everything shrinks towards one choice with short text in few chunks.
"""

from __future__ import annotations

import json
import string
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from sseparse.sse import ServerSentEvent, encode
from sseparse.testing._check import check_bool, check_choices, check_int
from sseparse.testing._json import json_deltas, json_texts, split_text

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ChatStream", "openai_chat_streams"]

_FINISH_REASONS = ("stop", "tool_calls", "length", "content_filter")
_ERROR_TYPES = ("server_error", "rate_limit_error", "invalid_request_error")
_REASONING_FIELDS = ("reasoning_content", "reasoning")

# Characters that trip text handling: line ends of every kind (JSON escapes
# them, SSE must never see them raw), quotes and backslashes, NUL, characters
# that str.splitlines() treats as line ends, a BOM, and emoji (astral, ZWJ
# sequences, a flag, a skin tone).
_TRICKY_CHARS = (
    "\n",
    "\r",
    "\r\n",
    "\t",
    '"',
    "\\",
    "\x00",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u00e9",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1eb\U0001f1f7",
    "\U0001f44d\U0001f3fd",
)

_CHARS = st.one_of(
    st.sampled_from(_TRICKY_CHARS),
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(string.ascii_letters + " .,"),
)


def _texts(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(_CHARS, max_size=max_size).map("".join)


_ALNUM = string.ascii_letters + string.digits
_IDS = st.text(_ALNUM, min_size=1, max_size=10)
_NAMES = st.one_of(
    st.sampled_from(["get_weather", "search", "f", "run_sql"]),
    st.text(_ALNUM + "_-", min_size=1, max_size=12),
)
_MODELS = st.one_of(
    st.sampled_from(["gpt-4o-mini", "gpt-5", "o3", "deepseek-reasoner"]),
    st.text(_ALNUM + "-./:", min_size=1, max_size=16),
)
_TOKENS = st.text(st.characters(exclude_categories=["Cs"]), max_size=4)
_LOGPROBS = st.floats(-30.0, 0.0, allow_nan=False)


def _top_logprob(token: str, logprob: float, with_bytes: bool) -> dict[str, Any]:
    return {
        "token": token,
        "logprob": logprob,
        "bytes": list(token.encode()) if with_bytes else None,
    }


_TOP_LOGPROB = st.builds(_top_logprob, _TOKENS, _LOGPROBS, st.booleans())


def _logprob_entry(
    top: dict[str, Any], alternatives: list[dict[str, Any]]
) -> dict[str, Any]:
    return {**top, "top_logprobs": alternatives}


_LOGPROB_ENTRY = st.builds(
    _logprob_entry, _TOP_LOGPROB, st.lists(_TOP_LOGPROB, max_size=2)
)
# Each fragment is one chunk's non-empty list of entries.
_LOGPROB_FRAGMENTS = st.lists(
    st.lists(_LOGPROB_ENTRY, min_size=1, max_size=3), min_size=1, max_size=4
)


def _usage(prompt: int, completion: int, reasoning: int | None) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if reasoning is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return usage


_USAGE = st.builds(
    _usage,
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.integers(0, 10**4)),
)


@attrs.frozen(kw_only=True)
class ChatStream:
    """One drawn Chat Completions stream and the final object it implies.

    Attributes:
        chunks: the ``chat.completion.chunk`` payloads, in wire order (a
            failed stream's last one is the error chunk ``{"error": ...}``).
        done: whether a ``data: [DONE]`` event follows the chunks.
        expected: the ``chat.completion`` (plain dicts, wire shape) that the
            chunks add up to, built from the drawn answer, not from the chunks:
            what ``close()`` returns, or, when :attr:`expected_error` is set,
            the snapshot the error carries.
        ensure_ascii: how :meth:`to_sse` serializes the payloads.
        expected_error: ``None`` for a whole stream; ``"IncompleteStream"``
            for a cut one (a consumer must not report it as finished);
            ``"StreamError"`` for one that ends in the provider's error.  The
            names are sseparse's exceptions; another SDK maps them to its own.
        error_body: a failed stream's error object (the error chunk's
            ``"error"`` value, which ``StreamError.body`` carries); else
            ``None``.
        tail: bytes that :meth:`to_sse` appends after the events: a cut
            stream's next event cut before its blank line, which a conforming
            decoder never dispatches (WHATWG: an unfinished event is discarded
            at the end of the stream); usually empty.
    """

    chunks: list[dict[str, Any]]
    done: bool
    expected: dict[str, Any]
    ensure_ascii: bool = False
    expected_error: str | None = None
    error_body: Any = None
    tail: bytes = b""

    def to_events(self) -> list[ServerSentEvent]:
        """The stream as data-only events: one per chunk, then ``[DONE]``.

        Returns:
            :class:`~sseparse.ServerSentEvent` values, ``event`` ``"message"``.
        """
        events = [_message(chunk, self.ensure_ascii) for chunk in self.chunks]
        if self.done:
            events.append(ServerSentEvent(data="[DONE]"))
        return events

    def to_sse(self) -> bytes:
        """The stream as a ``text/event-stream`` body (UTF-8 bytes).

        Returns:
            The encoded :meth:`to_events`, as an OpenAI server sends them,
            then :attr:`tail`.
        """
        return b"".join(encode(event) for event in self.to_events()) + self.tail


def _message(chunk: dict[str, Any], ensure_ascii: bool) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(chunk, ensure_ascii=ensure_ascii, separators=(",", ":"))
    )


def _event(chunk: dict[str, Any], ensure_ascii: bool) -> bytes:
    return encode(_message(chunk, ensure_ascii))


# -- the answer --------------------------------------------------------------------


@attrs.define
class _Tool:
    index: int
    id: str
    name: str
    arguments: str


@attrs.define
class _Choice:
    index: int
    reasoning: str | None
    content: str | None
    refusal: str | None
    tools: list[_Tool]
    logprobs_content: list[list[dict[str, Any]]] | None
    logprobs_refusal: list[list[dict[str, Any]]] | None
    finish_reason: str


@st.composite
def _indexes(draw: st.DrawFn, count: int, dense: bool) -> list[int]:
    """*count* distinct increasing indexes: ``0..count-1``, or with gaps."""
    if dense or not draw(st.booleans()):  # shrinks towards no gaps
        return list(range(count))
    picked = draw(
        st.lists(st.integers(0, 7), min_size=count, max_size=count, unique=True)
    )
    return sorted(picked)


@st.composite
def _choice(
    draw: st.DrawFn,
    index: int,
    position: int,
    *,
    in_order: bool,
    max_tool_calls: int,
    max_text_size: int,
    max_argument_leaves: int,
    finish_reasons: Sequence[str],
    logprobs: bool,
    options: _Options,
) -> _Choice:
    text = _texts(max_text_size)
    reasoning = draw(st.one_of(st.none(), text)) if options.reasoning else None
    content = draw(st.one_of(text, text, st.none()))
    refusal = draw(st.one_of(st.none(), st.none(), text)) if options.refusals else None
    count = draw(st.integers(0, max_tool_calls))
    tools = [
        _Tool(
            index=tool_index,
            id=f"call_{position}_{n}_{draw(_IDS)}",
            name=draw(_NAMES),
            arguments=draw(json_texts(max_leaves=max_argument_leaves)),
        )
        for n, tool_index in enumerate(draw(_indexes(count, in_order)))
    ]
    with_logprobs = logprobs and draw(st.booleans())
    return _Choice(
        index=index,
        reasoning=reasoning,
        content=content,
        refusal=refusal,
        tools=tools,
        logprobs_content=(
            draw(_LOGPROB_FRAGMENTS) if with_logprobs and content is not None else None
        ),
        logprobs_refusal=(
            draw(_LOGPROB_FRAGMENTS) if with_logprobs and refusal is not None else None
        ),
        finish_reason=draw(st.sampled_from(finish_reasons)),
    )


def _expected_choice(choice: _Choice, reasoning_field: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": choice.content,
        "refusal": choice.refusal,
    }
    if choice.reasoning is not None:
        message[reasoning_field] = choice.reasoning
    if choice.tools:
        message["tool_calls"] = [
            {
                "id": tool.id,
                "type": "function",
                "function": {"name": tool.name, "arguments": tool.arguments},
            }
            for tool in choice.tools
        ]
    logprobs: dict[str, Any] | None = None
    if choice.logprobs_content is not None or choice.logprobs_refusal is not None:
        logprobs = {
            "content": _concat(choice.logprobs_content),
            "refusal": _concat(choice.logprobs_refusal),
        }
    return {
        "index": choice.index,
        "message": message,
        "logprobs": logprobs,
        "finish_reason": choice.finish_reason,
    }


def _concat(fragments: list[list[dict[str, Any]]] | None) -> list[Any] | None:
    if fragments is None:
        return None
    return [entry for fragment in fragments for entry in fragment]


# -- the wire ----------------------------------------------------------------------

# A fragment: (choice position, kind, tool position or -1, value).  Kinds:
_REASONING, _CONTENT, _REFUSAL, _LP_CONTENT, _LP_REFUSAL, _TOOL, _FINISH = range(7)
_Fragment = tuple[int, int, int, Any]


@st.composite
def _interleave(
    draw: st.DrawFn, queues: list[list[Any]], after: list[int | None]
) -> list[Any]:
    """Merge *queues* in a random order that keeps each queue's own order.

    Queue ``i`` may start only once queue ``after[i]`` (if not None) has.
    Shrinks towards draining the first queue first.
    """
    positions = [0] * len(queues)
    merged: list[Any] = []
    total = sum(map(len, queues))
    while len(merged) < total:
        ready = [
            i
            for i, queue in enumerate(queues)
            if positions[i] < len(queue)
            and ((first := after[i]) is None or positions[first] > 0)
        ]
        pick = (
            ready[draw(st.integers(0, len(ready) - 1))] if len(ready) > 1 else ready[0]
        )
        merged.append(queues[pick][positions[pick]])
        positions[pick] += 1
    return merged


@st.composite
def _choice_fragments(
    draw: st.DrawFn, choice: _Choice, position: int, in_order: bool
) -> list[_Fragment]:
    """One choice's fragments in wire order, its finish last."""
    queues: list[list[_Fragment]] = []
    after: list[int | None] = []
    for kind, text in (
        (_REASONING, choice.reasoning),
        (_CONTENT, choice.content),
        (_REFUSAL, choice.refusal),
    ):
        if text is not None:
            pieces = draw(split_text(text))
            queues.append([(position, kind, -1, piece) for piece in pieces])
            after.append(None)
    for kind, fragments in (
        (_LP_CONTENT, choice.logprobs_content),
        (_LP_REFUSAL, choice.logprobs_refusal),
    ):
        if fragments is not None:
            queues.append([(position, kind, -1, entries) for entries in fragments])
            after.append(None)
    previous_tool: int | None = None
    for n, tool in enumerate(choice.tools):
        pieces = draw(json_deltas(tool.arguments))
        queues.append([(position, _TOOL, n, piece) for piece in pieces])
        after.append(previous_tool if in_order else None)
        previous_tool = len(queues) - 1
    merged: list[_Fragment] = draw(_interleave(queues, after))
    merged.append((position, _FINISH, -1, choice.finish_reason))
    return merged


def _pack(draw: st.DrawFn, fragments: list[_Fragment]) -> list[list[_Fragment]]:
    """Cut the merged fragments into chunks, at random and where fields repeat."""
    n = len(fragments)
    way = draw(st.integers(0, 2))
    cuts: set[int] | range
    if way == 0:  # a few random cuts (shrinks to none)
        cuts = set(draw(st.lists(st.integers(0, n), max_size=16)))
    elif way == 1:  # one fragment per chunk, as OpenAI sends them
        cuts = range(n)
    else:  # a fixed number of fragments per chunk
        cuts = range(0, n, draw(st.integers(1, max(1, n))))
    groups: list[list[_Fragment]] = []
    current: list[_Fragment] = []
    used: set[tuple[int, int]] = set()
    for position, fragment in enumerate(fragments):
        key = (fragment[0], fragment[1])
        clash = fragment[1] != _TOOL and key in used
        if current and (clash or position in cuts):
            groups.append(current)
            current = []
            used = set()
        current.append(fragment)
        used.add(key)
    if current:
        groups.append(current)
    return groups


@attrs.define
class _Wire:
    """Per-stream wire options and the state of chunk building."""

    metadata: dict[str, Any]
    resend: bool  # later tool-call fragments may re-send id/type/name, changed
    fingerprint: str | None  # None: no system_fingerprint key
    fingerprint_nulls: bool
    nulls: bool
    obfuscation: bool
    include_usage: bool
    reasoning_field: str
    started: set[int] = attrs.Factory(set)
    tools_started: set[tuple[int, int]] = attrs.Factory(set)
    last_fingerprint: str | None = None
    count: int = 0

    def head(self, draw: st.DrawFn) -> dict[str, Any]:
        chunk = dict(self.metadata)
        if self.fingerprint is not None:
            value: str | None = self.fingerprint
            if self.fingerprint_nulls and draw(st.booleans()):
                value = None
            else:
                self.last_fingerprint = value
            chunk["system_fingerprint"] = value
        return chunk

    def tail(self, chunk: dict[str, Any]) -> None:
        if self.obfuscation:
            chunk["obfuscation"] = "x" * (self.count % 7)
        self.count += 1


def _build_chunk(
    draw: st.DrawFn,
    group: list[_Fragment],
    choices: list[_Choice],
    wire: _Wire,
) -> dict[str, Any]:
    # choice position -> kind -> [(tool position, value)]
    entries: dict[int, dict[int, list[tuple[int, Any]]]] = {}
    for position, kind, tool_position, value in group:
        parts = entries.setdefault(position, {})
        parts.setdefault(kind, []).append((tool_position, value))
    chunk = wire.head(draw)
    wire_choices: list[dict[str, Any]] = []
    for position, parts in entries.items():
        choice = choices[position]
        delta: dict[str, Any] = {}
        first = position not in wire.started
        if first:
            wire.started.add(position)
            delta["role"] = "assistant"
        for kind, key in (
            (_REASONING, wire.reasoning_field),
            (_CONTENT, "content"),
            (_REFUSAL, "refusal"),
        ):
            if kind in parts:
                delta[key] = parts[kind][0][1]
            elif first and wire.nulls and kind != _REASONING:
                delta[key] = None
        if _TOOL in parts:
            calls: list[dict[str, Any]] = []
            for n, piece in parts[_TOOL]:
                tool = choice.tools[n]
                call: dict[str, Any] = {"index": tool.index}
                if (position, n) not in wire.tools_started:
                    wire.tools_started.add((position, n))
                    call["id"] = tool.id
                    call["type"] = "function"
                    call["function"] = {"name": tool.name, "arguments": piece}
                else:
                    call["function"] = {"arguments": piece}
                    if wire.resend and draw(st.booleans()):
                        # Another id, type and name: set once, so ignored.
                        call["id"] = tool.id + "_again"
                        call["type"] = "custom"
                        call["function"]["name"] = tool.name + "_again"
                calls.append(call)
            delta["tool_calls"] = calls
        entry: dict[str, Any] = {"index": choice.index, "delta": delta}
        if _LP_CONTENT in parts or _LP_REFUSAL in parts:
            entry["logprobs"] = {
                "content": parts[_LP_CONTENT][0][1] if _LP_CONTENT in parts else None,
                "refusal": parts[_LP_REFUSAL][0][1] if _LP_REFUSAL in parts else None,
            }
        elif wire.nulls:
            entry["logprobs"] = None
        if _FINISH in parts:
            entry["finish_reason"] = parts[_FINISH][0][1]
        elif wire.nulls:
            entry["finish_reason"] = None
        wire_choices.append(entry)
    chunk["choices"] = wire_choices
    if wire.include_usage:
        chunk["usage"] = None
    wire.tail(chunk)
    return chunk


@attrs.frozen
class _Options:
    """The switches of one :func:`openai_chat_streams` call."""

    refusals: bool
    reasoning: bool
    logprobs: bool
    usage: bool
    quirks: bool
    endings: tuple[str, ...]


@st.composite
def _streams(
    draw: st.DrawFn,
    max_choices: int,
    max_tool_calls: int,
    max_text_size: int,
    max_argument_leaves: int,
    finish_reasons: tuple[str, ...],
    in_order: bool,
    options: _Options,
) -> ChatStream:
    count = draw(st.integers(1, max_choices))
    indexes = draw(_indexes(count, in_order))
    logprobs = options.logprobs and draw(st.booleans())
    choices = [
        draw(
            _choice(
                index,
                position,
                in_order=in_order,
                max_tool_calls=max_tool_calls,
                max_text_size=max_text_size,
                max_argument_leaves=max_argument_leaves,
                finish_reasons=finish_reasons,
                logprobs=logprobs,
                options=options,
            )
        )
        for position, index in enumerate(indexes)
    ]
    per_choice = [
        draw(_choice_fragments(choice, position, in_order))
        for position, choice in enumerate(choices)
    ]
    after: list[int | None] = [
        position - 1 if in_order and position else None
        for position in range(len(choices))
    ]
    fragments: list[_Fragment] = draw(_interleave(per_choice, after))

    metadata: dict[str, Any] = {
        "id": "chatcmpl-" + draw(_IDS),
        "object": "chat.completion.chunk",
        "created": draw(st.integers(1, 2**31)),
        "model": draw(_MODELS),
    }
    service_tier = draw(st.sampled_from([None, "default", "flex"]))
    if service_tier is not None:
        metadata["service_tier"] = service_tier
    usage = draw(_USAGE) if options.usage and draw(st.booleans()) else None
    resend = options.quirks and not in_order and draw(st.booleans())
    # Usage values sent before the last one (latest non-null wins).
    earlier = draw(st.lists(_USAGE, max_size=2)) if usage and resend else []
    wire = _Wire(
        metadata=metadata,
        resend=resend,
        fingerprint=draw(st.one_of(st.none(), _IDS.map("fp_{}".format))),
        fingerprint_nulls=options.quirks and draw(st.booleans()),
        nulls=options.quirks and draw(st.booleans()),
        obfuscation=options.quirks and draw(st.booleans()),
        include_usage=usage is not None and draw(st.booleans()),
        reasoning_field=draw(st.sampled_from(_REASONING_FIELDS)),
    )
    groups = _pack(draw, fragments)
    chunks = [_build_chunk(draw, group, choices, wire) for group in groups]
    if earlier:
        at = sorted(
            draw(
                st.lists(
                    st.integers(0, len(chunks) - 1),
                    min_size=len(earlier),
                    max_size=len(earlier),
                )
            )
        )
        for position, value in zip(at, earlier, strict=False):
            chunks[position]["usage"] = value
    if usage is not None:
        chunk = wire.head(draw)
        chunk["choices"] = []
        chunk["usage"] = usage
        wire.tail(chunk)
        chunks.append(chunk)

    expected: dict[str, Any] = {
        "id": metadata["id"],
        "object": "chat.completion",
        "created": metadata["created"],
        "model": metadata["model"],
        "choices": [
            _expected_choice(choice, wire.reasoning_field)
            for choice in sorted(choices, key=lambda c: c.index)
        ],
        "usage": usage,
    }
    if service_tier is not None:
        expected["service_tier"] = service_tier
    if wire.fingerprint is not None:
        expected["system_fingerprint"] = wire.last_fingerprint
    ensure_ascii = draw(st.booleans())
    ending = draw(st.sampled_from(options.endings))
    # A cut leaves a choice unfinished (so the stream is incomplete); an
    # error may come after any chunk.  Both come after one chunk at least.
    finished: set[int] = set()
    seen: set[int] = set()
    cuts: list[int] = []
    for k, group in enumerate(groups, start=1):
        seen.update(fragment[0] for fragment in group)
        finished.update(f[0] for f in group if f[1] == _FINISH)
        if ending == "error" or seen - finished:
            cuts.append(k)
    if ending == "complete" or not cuts:
        return ChatStream(
            chunks=chunks,
            done=draw(st.booleans()),
            expected=expected,
            ensure_ascii=ensure_ascii,
        )
    k = draw(st.sampled_from(cuts))
    snapshot = _snapshot(groups[:k], chunks[:k], choices, metadata, wire)
    if ending == "error":
        body = {
            "message": draw(_texts(max_text_size)),
            "type": draw(st.sampled_from(_ERROR_TYPES)),
            "param": None,
            "code": draw(st.sampled_from([None, "rate_limit_exceeded"])),
        }
        return ChatStream(
            chunks=[*chunks[:k], {"error": body}],
            done=False,
            expected=snapshot,
            ensure_ascii=ensure_ascii,
            expected_error="StreamError",
            error_body=body,
        )
    tail = b""
    if draw(st.booleans()):
        # The next event, cut before its blank line: never dispatched.
        cut = _event(chunks[k], ensure_ascii)
        tail = cut[: draw(st.integers(1, len(cut) - 1))]
    return ChatStream(
        chunks=chunks[:k],
        done=False,
        expected=snapshot,
        ensure_ascii=ensure_ascii,
        expected_error="IncompleteStream",
        tail=tail,
    )


def _snapshot(
    groups: list[list[_Fragment]],
    chunks: list[dict[str, Any]],
    choices: list[_Choice],
    metadata: dict[str, Any],
    wire: _Wire,
) -> dict[str, Any]:
    """The ``chat.completion`` that the first chunks add up to: the
    fragments of *groups* put into the drawn choices, and the metadata of
    *chunks* (usage and fingerprint: the latest non-null one)."""
    # choice position -> kind -> values; tool values per tool position.
    sent: dict[int, dict[int, list[Any]]] = {}
    tools: dict[int, dict[int, list[str]]] = {}
    for group in groups:
        for position, kind, tool_position, value in group:
            sent.setdefault(position, {}).setdefault(kind, []).append(value)
            if kind == _TOOL:
                calls = tools.setdefault(position, {})
                calls.setdefault(tool_position, []).append(value)
    out: list[dict[str, Any]] = []
    for position in sorted(sent, key=lambda p: choices[p].index):
        choice, parts = choices[position], sent[position]

        def text(kind: int, parts: dict[int, list[Any]] = parts) -> str | None:
            return "".join(parts[kind]) if kind in parts else None

        def entries(kind: int, parts: dict[int, list[Any]] = parts) -> Any:
            return (
                [e for entry in parts[kind] for e in entry] if kind in parts else None
            )

        message: dict[str, Any] = {
            "role": "assistant",
            "content": text(_CONTENT),
            "refusal": text(_REFUSAL),
        }
        if _REASONING in parts:
            message[wire.reasoning_field] = text(_REASONING)
        calls = tools.get(position, {})
        if calls:
            message["tool_calls"] = [
                {
                    "id": choice.tools[n].id,
                    "type": "function",
                    "function": {
                        "name": choice.tools[n].name,
                        "arguments": "".join(calls[n]),
                    },
                }
                for n in sorted(calls, key=lambda n: choice.tools[n].index)
            ]
        logprobs = None
        if _LP_CONTENT in parts or _LP_REFUSAL in parts:
            logprobs = {
                "content": entries(_LP_CONTENT),
                "refusal": entries(_LP_REFUSAL),
            }
        out.append(
            {
                "index": choice.index,
                "message": message,
                "logprobs": logprobs,
                "finish_reason": parts[_FINISH][0] if _FINISH in parts else None,
            }
        )
    snapshot: dict[str, Any] = {
        "id": metadata["id"],
        "object": "chat.completion",
        "created": metadata["created"],
        "model": metadata["model"],
        "choices": out,
        "usage": _latest(chunks, "usage"),
    }
    if "service_tier" in metadata:
        snapshot["service_tier"] = metadata["service_tier"]
    if wire.fingerprint is not None:
        snapshot["system_fingerprint"] = _latest(chunks, "system_fingerprint")
    return snapshot


def _latest(chunks: list[dict[str, Any]], key: str) -> Any:
    values = [chunk[key] for chunk in chunks if chunk.get(key) is not None]
    return values[-1] if values else None


def openai_chat_streams(
    *,
    max_choices: int = 3,
    max_tool_calls: int = 3,
    parallel_tool_calls: bool = True,
    max_text_size: int = 40,
    max_argument_leaves: int = 8,
    finish_reasons: Sequence[str] = _FINISH_REASONS,
    in_order: bool = False,
    refusals: bool = True,
    reasoning: bool = True,
    logprobs: bool = True,
    usage: bool = True,
    quirks: bool = True,
    truncation: bool = False,
    error_events: bool = False,
) -> st.SearchStrategy[ChatStream]:
    """OpenAI Chat Completions streams, with the final object they imply.

    Each :class:`ChatStream` holds the chunk payloads, whether ``[DONE]``
    follows, and ``expected``: the ``chat.completion`` built from the drawn
    answer (never by accumulating the chunks).  Unless the stream is cut or
    fails (below), every choice ends with a finish reason, so the stream is
    complete with or without ``[DONE]``.

    ``expected`` follows the accumulation contract: ``id``, ``object``
    (``"chat.completion"``), ``created``, ``model``, ``choices`` sorted by
    index, ``usage`` (the last one sent; ``None`` without a usage chunk), then
    ``service_tier`` and ``system_fingerprint`` (latest non-null) when the
    chunks carry them;
    per choice ``index``, ``message`` (``role``, ``content`` and ``refusal``,
    ``None`` when absent, the reasoning field and ``tool_calls`` sorted by
    index only when sent), ``logprobs`` (``None``, or ``content`` and
    ``refusal`` lists or ``None``) and ``finish_reason``.  Per-chunk
    ``obfuscation`` is not in it.

    With ``truncation`` or ``error_events``, some streams do not end well, and
    :attr:`ChatStream.expected_error` says what a consumer must conclude:
    ``"IncompleteStream"`` (the connection dropped after a chunk that left a
    choice unfinished: no ``[DONE]``, no usage chunk, sometimes the start of
    the next event in :attr:`ChatStream.tail`) or ``"StreamError"`` (after
    one chunk or more, a chunk ``{"error": {...}}``, the provider's error
    body, :attr:`ChatStream.error_body`).  ``expected`` is then the snapshot
    at that point, in the same shape: the choices seen so far with the text,
    tool calls (partial arguments) and logprobs sent so far, ``finish_reason``
    ``None`` where it has not come, the latest non-null usage and fingerprint
    sent so far.

    Args:
        max_choices: the most choices (``n``; at least 1 is drawn).
        max_tool_calls: the most tool calls per choice (0: none).
        parallel_tool_calls: several tool calls per choice, their argument
            fragments interleaved (unless ``in_order``); ``False``: at most
            one.
        max_text_size: the most characters in a content, refusal or reasoning
            text.
        max_argument_leaves: about the most leaves in a tool call's arguments.
        finish_reasons: the finish reasons to draw from.
        in_order: choice and tool-call indexes are ``0, 1, 2, ...`` and each
            first appears after the one before it, and the merge traps (tool
            calls re-sending other ids, types and names; several usage values)
            are left out: the shape that SDKs keyed by list position, such as
            ``openai``'s ``ChatCompletionStreamState``, accumulate correctly.
        refusals: choices may carry a ``refusal`` text.
        reasoning: choices may carry a reasoning text (``reasoning_content`` or
            ``reasoning``, as DeepSeek, vLLM and OpenRouter send it).
        logprobs: choices may carry ``logprobs`` (content and refusal).
        usage: a usage chunk (``"choices": []``) may end the stream.
        quirks: providers' deviations: tool calls re-sending other ids, types
            and names (unless ``in_order``), usage values on content chunks and
            ``null`` between them, ``system_fingerprint`` ``null`` in some
            chunks, explicit ``null`` fields in deltas, per-chunk
            ``obfuscation`` padding.  ``False``: none of them.
        truncation: some streams are cut (``expected_error``
            ``"IncompleteStream"``).
        error_events: some streams end in an error chunk (``expected_error``
            ``"StreamError"``).

    Returns:
        A strategy of :class:`ChatStream`.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    where = "openai_chat_streams"
    check_int(where, "max_choices", max_choices, low=1)
    tools = check_int(where, "max_tool_calls", max_tool_calls, low=0)
    if not check_bool(where, "parallel_tool_calls", parallel_tool_calls):
        tools = min(tools, 1)
    check_int(where, "max_text_size", max_text_size, low=0)
    check_int(where, "max_argument_leaves", max_argument_leaves, low=1)
    endings = ["complete"]
    if check_bool(where, "truncation", truncation):
        endings.append("cut")
    if check_bool(where, "error_events", error_events):
        endings.append("error")
    options = _Options(
        refusals=check_bool(where, "refusals", refusals),
        reasoning=check_bool(where, "reasoning", reasoning),
        logprobs=check_bool(where, "logprobs", logprobs),
        usage=check_bool(where, "usage", usage),
        quirks=check_bool(where, "quirks", quirks),
        endings=tuple(endings),
    )
    return _streams(
        max_choices,
        tools,
        max_text_size,
        max_argument_leaves,
        check_choices(where, "finish_reasons", finish_reasons),
        check_bool(where, "in_order", in_order),
        options,
    )
